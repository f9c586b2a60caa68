//! The chunked transfer coding: size lines, extensions, data, trailers (RFC 9112 §7.1).
//!
//! Incremental and split-invariant like the head parser: a size line is searched for its LF
//! once, data is split off the buffer without copying, and every limit is checked whatever the
//! split.

use super::chars::{hex_value, is_tchar, is_value_byte};
use super::head::{HeadKind, HeadParser};
use crate::error::RemoteError;
use crate::headers::Headers;
use crate::limits::Config;
use bytes::{Buf, Bytes, BytesMut};

/// What the decoder produced.
#[derive(Debug)]
pub(crate) enum Chunk {
    /// Chunk data, never empty.
    Data(Bytes),
    /// The last chunk and the trailer section.
    End(Headers),
}

#[derive(Debug)]
enum State {
    /// Reading `chunk-size [ chunk-ext ] CRLF`; the line has been searched up to `scanned`,
    /// and begins with `digits` hex digits there (a line that comes in pieces is looked at
    /// once, however many: O(n), never O(n²)).
    SizeLine { scanned: usize, digits: usize },
    /// Inside chunk data.
    Data { remaining: u64 },
    /// The CRLF after chunk data; `cr` once its CR has been seen.
    DataEnd { cr: bool },
    /// The trailer section after the last chunk (RFC 9112 §7.1.2).
    Trailers(HeadParser),
}

/// Resumable state of one chunked body.
#[derive(Debug)]
pub(crate) struct ChunkedDecoder {
    state: State,
    /// Extension bytes seen so far in this message.
    extensions: usize,
    /// Decoded body bytes so far (sizes announced, for the body limit).
    body: u64,
}

impl ChunkedDecoder {
    pub(crate) fn new() -> Self {
        Self {
            state: State::SizeLine {
                scanned: 0,
                digits: 0,
            },
            extensions: 0,
            body: 0,
        }
    }

    /// Decodes from the front of `buf`: `Ok(None)` when more bytes are needed.
    #[inline]
    pub(crate) fn decode(
        &mut self,
        buf: &mut BytesMut,
        cfg: &Config,
    ) -> Result<Option<Chunk>, RemoteError> {
        loop {
            match &mut self.state {
                State::SizeLine { scanned, digits } => {
                    let max = cfg.limits.max_chunk_line;
                    if *scanned == 0
                        && let Some((size, len)) = plain_size_line(buf)
                        && len <= max
                    {
                        // The common line, `1*HEXDIG CRLF`, read in one pass.
                        self.data_follows(size, cfg)?;
                        buf.advance(len);
                        continue;
                    }
                    // Extension bytes this message may still have.
                    let allowed = cfg
                        .limits
                        .max_chunk_extensions
                        .saturating_sub(self.extensions);
                    let Some(found) = memchr::memchr(b'\n', &buf[*scanned..]) else {
                        *digits = hex_run(buf, *digits, *scanned, buf.len());
                        *scanned = buf.len();
                        // No LF yet: the line will be longer than what is here; a CR at the
                        // end may be the line's own.
                        let content = buf.strip_suffix(b"\r").unwrap_or(buf);
                        let line_at = (buf.len() >= max.max(1)).then(|| max.max(1) - 1);
                        if let Some(e) = crossed(line_at, content.len(), *digits, allowed) {
                            return Err(e);
                        }
                        return Ok(None);
                    };
                    let lf = *scanned + found;
                    let digits = hex_run(buf, *digits, *scanned, lf);
                    // Limits first, the one crossed first: they are known before the LF.
                    let content = &buf[..lf];
                    let content = content.strip_suffix(b"\r").unwrap_or(content);
                    let line_at = (lf + 1 > max).then(|| max.max(1) - 1);
                    if let Some(e) = crossed(line_at, content.len(), digits, allowed) {
                        return Err(e);
                    }
                    let end = if lf > 0 && buf[lf - 1] == b'\r' {
                        lf - 1
                    } else if cfg.leniency.allow_bare_lf {
                        lf
                    } else {
                        return Err(RemoteError::BareLf);
                    };
                    let (size, ext_len) = size_line(&buf[..end])?;
                    // invariant: within `allowed`, checked above.
                    self.extensions += ext_len;
                    self.data_follows(size, cfg)?;
                    buf.advance(lf + 1);
                }
                State::Data { remaining } => {
                    if buf.is_empty() {
                        return Ok(None);
                    }
                    let n = usize::try_from(*remaining).map_or(buf.len(), |r| r.min(buf.len()));
                    // n <= buf.len() and n <= remaining, so neither subtraction can wrap.
                    *remaining -= n as u64;
                    if *remaining == 0 {
                        self.state = State::DataEnd { cr: false };
                    }
                    return Ok(Some(Chunk::Data(buf.split_to(n).freeze())));
                }
                State::DataEnd { cr } => {
                    if !*cr && buf.starts_with(b"\r\n") {
                        buf.advance(2);
                        self.state = State::SizeLine {
                            scanned: 0,
                            digits: 0,
                        };
                        continue;
                    }
                    let Some(&b) = buf.first() else {
                        return Ok(None);
                    };
                    match (*cr, b) {
                        (false, b'\r') => *cr = true,
                        (true, b'\n') => {
                            self.state = State::SizeLine {
                                scanned: 0,
                                digits: 0,
                            }
                        }
                        (false, b'\n') if cfg.leniency.allow_bare_lf => {
                            self.state = State::SizeLine {
                                scanned: 0,
                                digits: 0,
                            };
                        }
                        (false, b'\n') => return Err(RemoteError::BareLf),
                        (true, _) => return Err(RemoteError::BareCr),
                        (false, _) => return Err(RemoteError::InvalidChunkDelimiter),
                    }
                    buf.advance(1);
                }
                State::Trailers(p) => {
                    let Some(trailers) = p.parse(buf, cfg)? else {
                        return Ok(None);
                    };
                    let fields = Headers::from_parts(trailers.bytes, trailers.entries);
                    if fields.iter().any(|(name, _)| is_forbidden_trailer(name)) {
                        return Err(RemoteError::ForbiddenTrailer);
                    }
                    self.state = State::SizeLine {
                        scanned: 0,
                        digits: 0,
                    };
                    return Ok(Some(Chunk::End(fields)));
                }
            }
        }
    }
}

impl ChunkedDecoder {
    /// A size line announced `size` bytes: counts them against the body limit and expects
    /// them, or the trailer section after the last chunk.
    fn data_follows(&mut self, size: u64, cfg: &Config) -> Result<(), RemoteError> {
        self.body = self
            .body
            .checked_add(size)
            .filter(|&b| b <= cfg.limits.max_body)
            .ok_or(RemoteError::BodyTooLarge)?;
        self.state = if size == 0 {
            State::Trailers(HeadParser::new(HeadKind::Trailers))
        } else {
            State::Data { remaining: size }
        };
        Ok(())
    }
}

/// The number of hex digits `buf` begins with, up to `to`, from `digits`, the number it
/// begins with up to `scanned`: only the bytes after `scanned` are looked at.
fn hex_run(buf: &[u8], digits: usize, scanned: usize, to: usize) -> usize {
    if digits < scanned {
        // The run ended before `scanned`.
        return digits;
    }
    digits
        + buf[scanned..to]
            .iter()
            .take_while(|b| b.is_ascii_hexdigit())
            .count()
}

/// Of a size line's limits, the one crossed first, if any: the line's (known crossed at
/// `line_at`), or the message's extension bytes, of which the line so far (`len` bytes
/// without its line ending, the first `digits` of them its size) may hold `allowed` more
/// after its size (known at the first byte past them; the line's on a tie).
fn crossed(
    line_at: Option<usize>,
    len: usize,
    digits: usize,
    allowed: usize,
) -> Option<RemoteError> {
    let ext_at = (digits > 0 && len - digits > allowed).then(|| digits + allowed);
    match (line_at, ext_at) {
        (Some(l), Some(x)) if x < l => Some(RemoteError::ChunkExtensionsTooLarge),
        (Some(_), _) => Some(RemoteError::ChunkLineTooLong),
        (None, Some(_)) => Some(RemoteError::ChunkExtensionsTooLarge),
        (None, None) => None,
    }
}

/// A size line without extensions, `1*HEXDIG CRLF` with at most 15 digits (so no overflow),
/// at the front of `buf`: the size and the line's length. `None` for anything else, which the
/// general rule then reads.
#[inline]
fn plain_size_line(buf: &[u8]) -> Option<(u64, usize)> {
    let mut size: u64 = 0;
    for (i, &b) in buf.iter().enumerate().take(16) {
        match hex_value(b) {
            Some(v) => size = size << 4 | u64::from(v),
            None if i > 0 && b == b'\r' && buf.get(i + 1) == Some(&b'\n') => {
                return Some((size, i + 2));
            }
            None => return None,
        }
    }
    None
}

/// `chunk-size [ chunk-ext ]` without the line ending (RFC 9112 §7.1): the size, and the
/// number of extension bytes.
fn size_line(line: &[u8]) -> Result<(u64, usize), RemoteError> {
    let digits = line.iter().take_while(|b| b.is_ascii_hexdigit()).count();
    if digits == 0 {
        return Err(if line.contains(&b'\r') {
            RemoteError::BareCr
        } else {
            RemoteError::InvalidChunkSize
        });
    }
    let mut size: u64 = 0;
    for &d in &line[..digits] {
        // invariant: `d` is a hex digit, counted above.
        let v = u64::from(hex_value(d).unwrap_or(0));
        size = size
            .checked_mul(16)
            .and_then(|s| s.checked_add(v))
            .ok_or(RemoteError::InvalidChunkSize)?;
    }
    let ext = &line[digits..];
    if ext.contains(&b'\r') {
        return Err(RemoteError::BareCr);
    }
    if !extensions_ok(ext) {
        return Err(
            if ext
                .first()
                .is_some_and(|&b| b != b';' && b != b' ' && b != b'\t')
            {
                RemoteError::InvalidChunkSize
            } else {
                RemoteError::InvalidChunkExtension
            },
        );
    }
    Ok((size, ext.len()))
}

/// `chunk-ext = *( BWS ";" BWS chunk-ext-name [ BWS "=" BWS chunk-ext-val ] )` with
/// `chunk-ext-name = token` and `chunk-ext-val = token / quoted-string` (RFC 9112 §7.1.1).
fn extensions_ok(ext: &[u8]) -> bool {
    let mut i = 0;
    let ws = |i: &mut usize| {
        while matches!(ext.get(*i), Some(b' ' | b'\t')) {
            *i += 1;
        }
    };
    let token = |i: &mut usize| {
        let start = *i;
        while ext.get(*i).is_some_and(|&b| is_tchar(b)) {
            *i += 1;
        }
        *i > start
    };
    while i < ext.len() {
        ws(&mut i);
        if ext.get(i) != Some(&b';') {
            return false;
        }
        i += 1;
        ws(&mut i);
        if !token(&mut i) {
            return false;
        }
        let before_eq = i;
        ws(&mut i);
        if ext.get(i) != Some(&b'=') {
            i = before_eq;
            continue;
        }
        i += 1;
        ws(&mut i);
        if ext.get(i) == Some(&b'"') {
            match quoted_string_len(&ext[i..]) {
                Some(n) => i += n,
                None => return false,
            }
        } else if !token(&mut i) {
            return false;
        }
    }
    true
}

/// The length of the `quoted-string` at the start of `s`, if it is one (RFC 9110 §5.6.4).
fn quoted_string_len(s: &[u8]) -> Option<usize> {
    let mut i = 1;
    loop {
        match *s.get(i)? {
            b'"' => return Some(i + 1),
            b'\\' => {
                // quoted-pair = "\" ( HTAB / SP / VCHAR / obs-text )
                if !is_value_byte(*s.get(i + 1)?) {
                    return None;
                }
                i += 2;
            }
            b if is_value_byte(b) => i += 1,
            _ => return None,
        }
    }
}

/// Fields a trailer section may not carry, because framing, routing, connection control,
/// request modifiers, authentication or content handling depend on them and a recipient
/// could act on them after the fact (RFC 9110 §6.5.1).
pub(crate) fn is_forbidden_trailer(name: &[u8]) -> bool {
    const FORBIDDEN: &[&[u8]] = &[
        // framing
        b"transfer-encoding",
        b"content-length",
        b"trailer",
        // routing
        b"host",
        // connection control (RFC 9110 §7.6.1)
        b"connection",
        b"keep-alive",
        b"proxy-connection",
        b"te",
        b"upgrade",
        // request modifiers
        b"expect",
        b"max-forwards",
        b"range",
        b"if-match",
        b"if-none-match",
        b"if-modified-since",
        b"if-unmodified-since",
        b"if-range",
        // authentication
        b"authorization",
        b"proxy-authorization",
        b"www-authenticate",
        b"proxy-authenticate",
        b"cookie",
        b"set-cookie",
        // content handling
        b"content-type",
        b"content-encoding",
        b"content-range",
    ];
    FORBIDDEN.iter().any(|f| f.eq_ignore_ascii_case(name))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::testing::{Incremental, Outcome, check};
    use alloc::vec::Vec;

    type Decoded = (Vec<u8>, Vec<(Vec<u8>, Vec<u8>)>);

    #[test]
    fn the_plain_size_line_agrees_with_the_general_rule() {
        let alphabet = b"0123456789abcdefABCDEFgG;= \t\r\n";
        let mut x: u64 = 0x2545_f491_4f6c_dd1d;
        let mut taken = 0;
        for _ in 0..200_000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let len = (x % 20) as usize;
            let line: Vec<u8> = (0..len)
                .map(|k| alphabet[((x >> (k * 3)) as usize + k * 7) % alphabet.len()])
                .collect();
            if let Some((size, n)) = plain_size_line(&line) {
                taken += 1;
                assert_eq!(&line[n - 2..n], b"\r\n");
                assert_eq!(size_line(&line[..n - 2]), Ok((size, 0)), "{line:?}");
            }
        }
        assert!(taken > 100, "{taken}");
        assert_eq!(plain_size_line(b"1aF\r\nxx"), Some((0x1af, 5)));
        for line in [
            &b"\r\n"[..],
            b"1;a\r\n",
            b"1 \r\n",
            b"1\n",
            b"1\r",
            b"0000000000000001\r\n",
        ] {
            assert_eq!(plain_size_line(line), None, "{line:?}");
        }
    }

    struct Body<'a>(ChunkedDecoder, &'a Config, Vec<u8>);

    impl Incremental for Body<'_> {
        type Output = Decoded;

        fn step(&mut self, buf: &mut BytesMut, _eof: bool) -> Result<Option<Decoded>, RemoteError> {
            loop {
                match self.0.decode(buf, self.1)? {
                    None => return Ok(None),
                    Some(Chunk::Data(d)) => {
                        assert!(!d.is_empty());
                        self.2.extend_from_slice(&d);
                    }
                    Some(Chunk::End(t)) => {
                        let trailers = t.iter().map(|(n, v)| (n.to_vec(), v.to_vec())).collect();
                        return Ok(Some((core::mem::take(&mut self.2), trailers)));
                    }
                }
            }
        }
    }

    fn chunked(input: &[u8], cfg: &Config) -> Outcome<Decoded> {
        check(input, || Body(ChunkedDecoder::new(), cfg, Vec::new()))
    }

    #[test]
    fn decodes_chunks_extensions_and_trailers() {
        let cfg = Config::default();
        let (data, trailers) = chunked(
            b"5\r\nhello\r\n6;a=b;c=\"q\\\"x\" ; d\r\n world\r\n0\r\nX-T: 1\r\n\r\n",
            &cfg,
        )
        .unwrap_done();
        assert_eq!(data, b"hello world");
        assert_eq!(trailers, [(b"X-T".to_vec(), b"1".to_vec())]);
        let (data, trailers) = chunked(b"000A\r\n0123456789\r\n0\r\n\r\n", &cfg).unwrap_done();
        assert_eq!((data.len(), trailers.len()), (10, 0));
    }

    #[test]
    fn rejects_malformed_chunks() {
        let cfg = Config::default();
        let cases: &[(&[u8], RemoteError)] = &[
            (b"\r\n", RemoteError::InvalidChunkSize),
            (b"g\r\n", RemoteError::InvalidChunkSize),
            (b"-5\r\nhello\r\n0\r\n\r\n", RemoteError::InvalidChunkSize),
            (b"0x5\r\nhello\r\n0\r\n\r\n", RemoteError::InvalidChunkSize),
            (
                b"5 \r\nhello\r\n0\r\n\r\n",
                RemoteError::InvalidChunkExtension,
            ),
            (
                b"5;\r\nhello\r\n0\r\n\r\n",
                RemoteError::InvalidChunkExtension,
            ),
            (
                b"5;a=\r\nhello\r\n0\r\n\r\n",
                RemoteError::InvalidChunkExtension,
            ),
            (
                b"5;a=\"x\r\nhello\r\n0\r\n\r\n",
                RemoteError::InvalidChunkExtension,
            ),
            (
                b"5;a\x00\r\nhello\r\n0\r\n\r\n",
                RemoteError::InvalidChunkExtension,
            ),
            (b"5\rhello\r\n0\r\n\r\n", RemoteError::BareCr),
            (b"5\nhello\r\n0\r\n\r\n", RemoteError::BareLf),
            (
                b"5\r\nhelloX\r\n0\r\n\r\n",
                RemoteError::InvalidChunkDelimiter,
            ),
            (b"5\r\nhello\rX0\r\n\r\n", RemoteError::BareCr),
            (b"5\r\nhello\n0\r\n\r\n", RemoteError::BareLf),
            (b"10000000000000000\r\n", RemoteError::InvalidChunkSize),
            (
                b"0\r\nContent-Length: 5\r\n\r\n",
                RemoteError::ForbiddenTrailer,
            ),
            (
                b"0\r\ntransfer-encoding: chunked\r\n\r\n",
                RemoteError::ForbiddenTrailer,
            ),
            (b"0\r\nHost: x\r\n\r\n", RemoteError::ForbiddenTrailer),
            (b"0\r\nX: a\r\n b\r\n\r\n", RemoteError::ObsFold),
        ];
        for (input, want) in cases {
            assert_eq!(
                chunked(input, &cfg).unwrap_err(),
                *want,
                "{:?}",
                crate::headers::Lossy(input)
            );
        }
    }

    #[test]
    fn a_size_with_many_leading_zeros_does_not_overflow() {
        let cfg = Config::default();
        let (data, _) = chunked(b"00000000000000000000001\r\nx\r\n0\r\n\r\n", &cfg).unwrap_done();
        assert_eq!(data, b"x");
        assert_eq!(
            chunked(b"ffffffffffffffff\r\n", &cfg).unwrap_err(),
            RemoteError::BodyTooLarge
        );
    }

    #[test]
    fn limits_hold_at_the_byte_before_and_after() {
        let mut cfg = Config::default();
        // "5;ab=c\r\n" is 8 bytes.
        cfg.limits.max_chunk_line = 8;
        assert!(chunked(b"5;ab=c\r\nhello\r\n0\r\n\r\n", &cfg).is_done());
        cfg.limits.max_chunk_line = 7;
        assert_eq!(
            chunked(b"5;ab=c\r\nhello\r\n0\r\n\r\n", &cfg).unwrap_err(),
            RemoteError::ChunkLineTooLong
        );
        let mut cfg = Config::default();
        // ";aa=b" and ";c" are 7 extension bytes.
        cfg.limits.max_chunk_extensions = 7;
        assert!(chunked(b"1;aa=b\r\nx\r\n0;c\r\n\r\n", &cfg).is_done());
        cfg.limits.max_chunk_extensions = 6;
        assert_eq!(
            chunked(b"1;aa=b\r\nx\r\n0;c\r\n\r\n", &cfg).unwrap_err(),
            RemoteError::ChunkExtensionsTooLarge
        );
        // ";aaa" is 4 extension bytes. Known at the byte past the allowance, before the line ends, and before a longer
        // line's own limit.
        cfg.limits.max_chunk_extensions = 4;
        assert!(
            matches!(chunked(b"1;aaa", &cfg), Outcome::Partial),
            "the byte before"
        );
        assert_eq!(
            chunked(b"1;aaaa", &cfg).unwrap_err(),
            RemoteError::ChunkExtensionsTooLarge
        );
        cfg.limits.max_chunk_line = 20;
        assert_eq!(
            chunked(b"1;aaaaaaaaaaaaaaaaaaaaaaaaa\r\nx\r\n0\r\n\r\n", &cfg).unwrap_err(),
            RemoteError::ChunkExtensionsTooLarge
        );
        // The line's limit when it is crossed first.
        cfg.limits.max_chunk_line = 5;
        assert_eq!(
            chunked(b"1;aaaaaaaaaaaaaaaaaaaaaaaaa\r\nx\r\n0\r\n\r\n", &cfg).unwrap_err(),
            RemoteError::ChunkLineTooLong
        );
        // A CR that may end the line is no extension byte.
        cfg.limits.max_chunk_line = 20;
        assert!(matches!(chunked(b"1;aaa\r", &cfg), Outcome::Partial));
        // No limit at all (the most a `usize` holds): nothing overflows.
        cfg.limits.max_chunk_extensions = usize::MAX;
        assert!(chunked(b"1;a=b\r\nx\r\n0;c\r\n\r\n", &cfg).is_done());
        let mut cfg = Config::default();
        cfg.limits.max_body = 10;
        assert!(chunked(b"5\r\nhello\r\n5\r\nworld\r\n0\r\n\r\n", &cfg).is_done());
        cfg.limits.max_body = 9;
        assert_eq!(
            chunked(b"5\r\nhello\r\n5\r\nworld\r\n0\r\n\r\n", &cfg).unwrap_err(),
            RemoteError::BodyTooLarge
        );
        // "X: 1\r\n\r\n" is 8 bytes.
        let mut cfg = Config::default();
        cfg.limits.max_trailers = 8;
        assert!(chunked(b"0\r\nX: 1\r\n\r\n", &cfg).is_done());
        cfg.limits.max_trailers = 7;
        assert_eq!(
            chunked(b"0\r\nX: 1\r\n\r\n", &cfg).unwrap_err(),
            RemoteError::TrailersTooLarge
        );
    }

    #[test]
    fn bare_lf_is_accepted_only_by_opt_in() {
        let mut cfg = Config::default();
        cfg.leniency.allow_bare_lf = true;
        let (data, _) = chunked(b"5\nhello\n0\n\n", &cfg).unwrap_done();
        assert_eq!(data, b"hello");
    }
}
