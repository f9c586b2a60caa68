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

impl Added {
    /// The bytes these fields take, with the empty line that ends the head.
    fn encoded_len(&self) -> usize {
        let mut digits = [0; 20];
        let flag = |on: bool, field: &[u8]| if on { field.len() } else { 0 };
        flag(
            self.date.is_some(),
            b"Date: Sun, 06 Nov 1994 08:49:37 GMT\r\n",
        ) + flag(self.chunked, CHUNKED)
            + self.length.map_or(0, |n| {
                b"Content-Length: \r\n".len() + decimal(n, &mut digits).len()
            })
            + flag(self.close, CLOSE)
            + flag(self.keep_alive, KEEP_ALIVE)
            + EOL.len()
    }
}

/// The end of a line.
const EOL: &[u8] = b"\r\n";
const CHUNKED: &[u8] = b"Transfer-Encoding: chunked\r\n";
const CLOSE: &[u8] = b"Connection: close\r\n";
const KEEP_ALIVE: &[u8] = b"Connection: keep-alive\r\n";

fn fields(out: &mut Vec<u8>, h: &impl Fields, added: Added) {
    for (name, value) in h.pairs() {
        out.extend_from_slice(name);
        out.extend_from_slice(b": ");
        out.extend_from_slice(value);
        out.extend_from_slice(EOL);
    }
    if let Some(date) = added.date {
        out.extend_from_slice(b"Date: ");
        out.extend_from_slice(date.as_bytes());
        out.extend_from_slice(EOL);
    }
    if added.chunked {
        out.extend_from_slice(CHUNKED);
    }
    if let Some(n) = added.length {
        let mut digits = [0; 20];
        out.extend_from_slice(b"Content-Length: ");
        out.extend_from_slice(decimal(n, &mut digits));
        out.extend_from_slice(EOL);
    }
    if added.close {
        out.extend_from_slice(CLOSE);
    }
    if added.keep_alive {
        out.extend_from_slice(KEEP_ALIVE);
    }
    out.extend_from_slice(EOL);
}

/// A head written into a buffer of exactly its size, which becomes `Bytes` without a further
/// allocation.
fn exact(len: usize, write: impl FnOnce(&mut Vec<u8>)) -> Bytes {
    let mut out = Vec::with_capacity(len);
    write(&mut out);
    debug_assert_eq!(out.len(), len, "a head's size was miscounted");
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
    let len = b"HTTP/1.1 200 \r\n".len() + reason.len() + fields_len + added.encoded_len();
    exact(len, |out| {
        out.extend_from_slice(b"HTTP/1.1 ");
        // invariant: check_response bounds the status to three digits.
        let s = status;
        out.extend_from_slice(&[
            b'0' + (s / 100 % 10) as u8,
            b'0' + (s / 10 % 10) as u8,
            b'0' + (s % 10) as u8,
            b' ',
        ]);
        out.extend_from_slice(reason);
        out.extend_from_slice(EOL);
        fields(out, h, added);
    })
}

/// `request-line` and fields. Always `HTTP/1.1` unless the head says 1.0.
pub(crate) fn request_head(head: &RequestHead, added: Added) -> Bytes {
    let version = head.version.as_str().as_bytes();
    let len = head.method.len()
        + 1
        + head.target.len()
        + 1
        + version.len()
        + EOL.len()
        + head.headers.encoded_len()
        + added.encoded_len();
    exact(len, |out| {
        out.extend_from_slice(&head.method);
        out.extend_from_slice(b" ");
        out.extend_from_slice(&head.target);
        out.extend_from_slice(b" ");
        out.extend_from_slice(version);
        out.extend_from_slice(EOL);
        fields(out, &head.headers, added);
    })
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
    let added = Added::default();
    exact(3 + trailers.encoded_len() + added.encoded_len(), |out| {
        out.extend_from_slice(b"0\r\n");
        fields(out, trailers, added);
    })
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
