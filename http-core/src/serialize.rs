//! Writing heads and body framing (RFC 9112 §2–§7). Heads are checked byte by byte before
//! anything is queued, so a field with CR or LF (header injection) is a local error and is
//! never sent. Body data is never copied: the engine adds only the framing pieces.

use crate::date::HttpDate;
use crate::error::LocalError;
use crate::event::RequestHead;
use crate::headers::{Fields, Headers};
use crate::parse::chars::{find_invalid_value_byte, is_token};
use crate::parse::chunked::is_forbidden_trailer;
use alloc::vec::Vec;
use bytes::{BufMut, Bytes, BytesMut};

/// `CRLF`, shared by every chunk.
pub(crate) const CRLF: Bytes = Bytes::from_static(b"\r\n");

/// Checks field names are tokens and values hold only `field-vchar`, SP and HTAB (RFC 9110
/// §5.1, §5.5).
pub(crate) fn check_fields(h: &impl Fields) -> Result<(), LocalError> {
    h.pairs()
        .try_for_each(|(name, value)| check_field(name, value))
}

/// Checks one field: a token name, a value of `field-vchar`, SP and HTAB (RFC 9110 §5.1,
/// §5.5), so that no field can inject a line.
pub(crate) fn check_field(name: &[u8], value: &[u8]) -> Result<(), LocalError> {
    if !is_token(name) {
        return Err(LocalError::InvalidFieldName);
    }
    if find_invalid_value_byte(value).is_some() {
        return Err(LocalError::InvalidFieldValue);
    }
    Ok(())
}

/// Checks a trailer section: valid fields, none of those trailers may not carry.
pub(crate) fn check_trailers(h: &Headers) -> Result<(), LocalError> {
    check_fields(h)?;
    if h.iter().any(|(name, _)| is_forbidden_trailer(name)) {
        return Err(LocalError::ForbiddenTrailer);
    }
    Ok(())
}

/// Checks a response's status line (its fields are checked by `framing::Outgoing::of`).
pub(crate) fn check_status_line(status: u16, reason: &[u8]) -> Result<(), LocalError> {
    if !(100..=999).contains(&status) {
        return Err(LocalError::InvalidStatus);
    }
    if find_invalid_value_byte(reason).is_some() {
        return Err(LocalError::InvalidReason);
    }
    Ok(())
}

/// Checks a request's start line and fields: a token method and a target with no SP, control
/// byte or DEL (the target's form is the application's business).
pub(crate) fn check_request(head: &RequestHead) -> Result<(), LocalError> {
    if !is_token(&head.method) {
        return Err(LocalError::InvalidMethod);
    }
    if head.target.is_empty() || head.target.iter().any(|&b| b <= 0x20 || b == 0x7f) {
        return Err(LocalError::InvalidTarget);
    }
    check_fields(&head.headers)
}

/// Fields the engine adds to a head for framing and persistence.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Added {
    pub(crate) chunked: bool,
    pub(crate) close: bool,
    pub(crate) keep_alive: bool,
    /// `Content-Length`: the length the application gave a response's body, or 0 for a
    /// bodiless request whose method expects content.
    pub(crate) length: Option<u64>,
    /// `Date`: a final response's, when the connection knows the time (RFC 9110 §6.6.1).
    pub(crate) date: Option<HttpDate>,
}

/// Where the bytes of a head go: a buffer, or a count of them (the same writing, run once to
/// size the buffer and once to fill it).
trait Sink {
    fn put(&mut self, bytes: &[u8]);
}

impl Sink for usize {
    fn put(&mut self, bytes: &[u8]) {
        *self += bytes.len();
    }
}

impl Sink for Vec<u8> {
    fn put(&mut self, bytes: &[u8]) {
        self.extend_from_slice(bytes);
    }
}

impl Added {
    /// Writes the added fields and the empty line that ends the head.
    fn write(&self, out: &mut impl Sink) {
        if let Some(date) = &self.date {
            out.put(b"Date: ");
            out.put(date.as_bytes());
            out.put(EOL);
        }
        if self.chunked {
            out.put(b"Transfer-Encoding: chunked\r\n");
        }
        if let Some(n) = self.length {
            let mut digits = [0; 20];
            out.put(b"Content-Length: ");
            out.put(decimal(n, &mut digits));
            out.put(EOL);
        }
        if self.close {
            out.put(b"Connection: close\r\n");
        }
        if self.keep_alive {
            out.put(b"Connection: keep-alive\r\n");
        }
        out.put(EOL);
    }
}

/// The end of a line.
const EOL: &[u8] = b"\r\n";

/// A head written into a buffer of exactly its size, which becomes `Bytes` without a further
/// allocation: `first` (a start line, or none), the fields `h` (taking `fields_len` bytes as
/// field lines) and the `added` ones.
fn head(first: &[&[u8]], h: &impl Fields, fields_len: usize, added: Added) -> Bytes {
    let mut len = first.iter().map(|p| p.len()).sum::<usize>() + fields_len;
    added.write(&mut len);
    let mut out = Vec::with_capacity(len);
    for piece in first {
        out.extend_from_slice(piece);
    }
    for (name, value) in h.pairs() {
        out.extend_from_slice(name);
        out.extend_from_slice(b": ");
        out.extend_from_slice(value);
        out.extend_from_slice(EOL);
    }
    added.write(&mut out);
    debug_assert_eq!(out.len(), len, "a head's fields were miscounted");
    Bytes::from(out)
}

/// `status-line` and fields, which take `fields_len` bytes as field lines. Always `HTTP/1.1`
/// (RFC 9110 §2.5).
pub(crate) fn response_head(
    status: u16,
    reason: &[u8],
    h: &impl Fields,
    fields_len: usize,
    added: Added,
) -> Bytes {
    // invariant: check_status_line bounds the status to three digits.
    let code = [
        b'0' + (status / 100 % 10) as u8,
        b'0' + (status / 10 % 10) as u8,
        b'0' + (status % 10) as u8,
        b' ',
    ];
    head(&[b"HTTP/1.1 ", &code, reason, EOL], h, fields_len, added)
}

/// `request-line` and fields. Always `HTTP/1.1` unless the head says 1.0.
pub(crate) fn request_head(request: &RequestHead, added: Added) -> Bytes {
    let first: [&[u8]; 6] = [
        &request.method,
        b" ",
        &request.target,
        b" ",
        request.version.as_str().as_bytes(),
        EOL,
    ];
    head(
        &first,
        &request.headers,
        request.headers.encoded_len(),
        added,
    )
}

/// The `chunk-size CRLF` line announcing `len` bytes, written into `scratch` (one allocation
/// shared by many chunks) and split off.
pub(crate) fn chunk_size_line(scratch: &mut BytesMut, len: usize) -> Bytes {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut digits = [0u8; 16];
    let mut i = digits.len();
    let mut n = len;
    loop {
        i -= 1;
        digits[i] = HEX[n & 0xf];
        n >>= 4;
        if n == 0 {
            break;
        }
    }
    if scratch.capacity() - scratch.len() < 20 {
        scratch.reserve(1024);
    }
    scratch.put_slice(&digits[i..]);
    scratch.put_slice(b"\r\n");
    scratch.split().freeze()
}

/// `n` in decimal, written into the end of `buf`.
pub(crate) fn decimal(mut n: u64, buf: &mut [u8; 20]) -> &[u8] {
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            return &buf[i..];
        }
    }
}

/// `last-chunk trailer-section CRLF` (RFC 9112 §7.1).
pub(crate) fn last_chunk(trailers: &Headers) -> Bytes {
    if trailers.is_empty() {
        return Bytes::from_static(b"0\r\n\r\n");
    }
    head(
        &[b"0\r\n"],
        trailers,
        trailers.encoded_len(),
        Added::default(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::ResponseHead;

    #[test]
    fn writes_heads_and_framing() {
        let mut r = ResponseHead::new(200);
        r.headers.append("X-A", "1");
        let added = Added {
            chunked: true,
            close: true,
            ..Added::default()
        };
        assert_eq!(
            &response_head(
                r.status,
                &r.reason,
                &r.headers,
                r.headers.encoded_len(),
                added
            )[..],
            b"HTTP/1.1 200 OK\r\nX-A: 1\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
        );
        let mut scratch = BytesMut::new();
        assert_eq!(&chunk_size_line(&mut scratch, 0)[..], b"0\r\n");
        assert_eq!(&chunk_size_line(&mut scratch, 255)[..], b"ff\r\n");
        assert_eq!(
            &chunk_size_line(&mut scratch, usize::MAX)[..16],
            b"ffffffffffffffff"
        );
        let t: Headers = [("X-T", "v")].into_iter().collect();
        assert_eq!(&last_chunk(&t)[..], b"0\r\nX-T: v\r\n\r\n");
    }

    #[test]
    fn refuses_header_injection_and_bad_start_lines() {
        let check = |r: &ResponseHead| {
            check_status_line(r.status, &r.reason)?;
            check_fields(&r.headers)
        };
        let mut r = ResponseHead::new(200);
        r.headers.append("X", "a\r\nSet-Cookie: evil");
        assert_eq!(check(&r), Err(LocalError::InvalidFieldValue));
        let t: Headers = [("Content-Length", "1")].into_iter().collect();
        assert_eq!(check_trailers(&t), Err(LocalError::ForbiddenTrailer));
        let mut r = ResponseHead::new(200);
        r.headers.append("X Y", "a");
        assert_eq!(check(&r), Err(LocalError::InvalidFieldName));
        let mut r = ResponseHead::new(200);
        r.reason = Bytes::from_static(b"OK\r\n");
        assert_eq!(check(&r), Err(LocalError::InvalidReason));
        assert_eq!(
            check(&ResponseHead::new(99)),
            Err(LocalError::InvalidStatus)
        );
        assert_eq!(
            check(&ResponseHead::new(1000)),
            Err(LocalError::InvalidStatus)
        );
        assert_eq!(
            check_request(&RequestHead::new("G T", "/")),
            Err(LocalError::InvalidMethod)
        );
        assert_eq!(
            check_request(&RequestHead::new("GET", "/a b")),
            Err(LocalError::InvalidTarget)
        );
        assert_eq!(
            check_request(&RequestHead::new("GET", "")),
            Err(LocalError::InvalidTarget)
        );
    }
}
