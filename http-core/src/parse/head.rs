//! Heads: the start line and field lines of a message, and trailer sections (RFC 9112 §2–§5).
//!
//! The parser is incremental and split-invariant. It walks the buffer one line at a time,
//! searching each line for its LF once (memchr, resuming where the last search stopped), so a
//! head costs O(n) however it arrives. A line is validated only when it is complete; limits
//! are judged by the byte at which they are known to be crossed, so the whole input, the same
//! input one byte at a time, and any split in between all fail with the same error.

use super::chars::{find_invalid_value_byte, is_token};
use super::{fast, target};
use crate::error::RemoteError;
use crate::event::Version;
use crate::headers::{Entry, trim_ows};
use crate::limits::Config;
use alloc::vec::Vec;
use bytes::{Buf, Bytes, BytesMut};
use core::ops::Range;

/// What kind of section is being parsed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum HeadKind {
    /// request-line, then fields (RFC 9112 §3).
    Request,
    /// status-line, then fields (RFC 9112 §4).
    Response,
    /// A trailer section: fields only (RFC 9112 §7.1.2).
    Trailers,
}

/// A parsed start line, as offsets into the head.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum StartLine {
    /// Trailers have none.
    None,
    Request {
        method: Range<usize>,
        target: Range<usize>,
        version: Version,
    },
    Response {
        version: Version,
        status: u16,
        reason: Range<usize>,
    },
}

/// A complete head, split off the receive buffer.
#[derive(Debug)]
pub(crate) struct ParsedHead {
    pub(crate) bytes: Bytes,
    pub(crate) start: StartLine,
    pub(crate) entries: Vec<Entry>,
}

/// Resumable state of one head being parsed.
#[derive(Debug)]
pub(crate) struct HeadParser {
    kind: HeadKind,
    /// Offset of the current line in the buffer.
    line_start: usize,
    /// How far the current line has been searched for LF.
    scanned: usize,
    start: StartLine,
    entries: Vec<Entry>,
}

/// The limits that apply to one kind of section, and the error each raises.
struct SectionLimits {
    first_line: (usize, RemoteError),
    field_line: (usize, RemoteError),
    total: (usize, RemoteError),
    fields: usize,
}

impl HeadParser {
    pub(crate) fn new(kind: HeadKind) -> Self {
        Self {
            kind,
            line_start: 0,
            scanned: 0,
            start: StartLine::None,
            entries: Vec::new(),
        }
    }

    fn limits(&self, cfg: &Config) -> SectionLimits {
        let l = &cfg.limits;
        // Offsets into a head are kept as u32 (`Entry`): no section may pass 4 GiB, whatever
        // the configured limit.
        let bounded = |n: usize| n.min(u32::MAX as usize);
        let field_line = (l.max_field_line, RemoteError::FieldLineTooLong);
        let (first_line, total) = match self.kind {
            HeadKind::Request => (
                (l.max_request_line, RemoteError::RequestLineTooLong),
                (bounded(l.max_head), RemoteError::HeadTooLarge),
            ),
            HeadKind::Response => (
                (l.max_status_line, RemoteError::StatusLineTooLong),
                (bounded(l.max_head), RemoteError::HeadTooLarge),
            ),
            HeadKind::Trailers => (
                field_line,
                (bounded(l.max_trailers), RemoteError::TrailersTooLarge),
            ),
        };
        SectionLimits {
            first_line,
            field_line,
            total,
            fields: l.max_fields,
        }
    }

    fn on_start_line(&self) -> bool {
        self.kind != HeadKind::Trailers && self.start == StartLine::None
    }

    /// Whether the line at `line_start`, of which `first` is the first byte, continues the
    /// field before it by obs-fold (RFC 9112 §5.2), as only a response may, by opt-in.
    fn continues_field(&self, first: u8, cfg: &Config) -> bool {
        matches!(first, b' ' | b'\t')
            && self.kind == HeadKind::Response
            && cfg.leniency.allow_obs_fold_in_responses
            && !self.entries.is_empty()
    }

    /// The limits crossed by the line at `line_start` whose bytes so far end at `end` (its LF
    /// included, if it came), and the head's: the error of the one crossed first, at the
    /// byte where it is known to be crossed (the line's on a tie, then the count's).
    /// - The line's limit counts from the start of its field: a line continued by obs-fold
    ///   is part of the field line it continues (RFC 9112 §5.2).
    /// - The count of fields is crossed at the first byte of one field line too many: a byte
    ///   that is neither the CR or LF of the empty line that ends the section nor the SP or
    ///   HTAB of a fold.
    /// - Without an LF, the line will be at least one byte longer than what is here.
    ///
    /// It runs once per line the one-pass path leaves, and per piece of input that ends
    /// inside a line: the common answer, none, is found first in a few compares.
    #[inline(always)]
    fn crossed(
        &self,
        buf: &[u8],
        end: usize,
        limits: &SectionLimits,
        cfg: &Config,
    ) -> Option<RemoteError> {
        let ls = self.line_start;
        let far = end - ls < limits.first_line.0.min(limits.field_line.0)
            && end < limits.total.0
            && self.entries.len() < limits.fields
            // A fold's line starts before it.
            && !matches!(buf.get(ls), Some(b' ' | b'\t'));
        if far {
            return None;
        }
        self.crossed_at(buf, end, limits, cfg)
    }

    /// [`crossed`](Self::crossed), the whole rule.
    #[inline(never)]
    fn crossed_at(
        &self,
        buf: &[u8],
        end: usize,
        limits: &SectionLimits,
        cfg: &Config,
    ) -> Option<RemoteError> {
        let ls = self.line_start;
        let first = buf.get(ls).copied();
        let start_line = self.on_start_line();
        let (line_limit, from) = match first {
            _ if start_line => (limits.first_line, ls),
            Some(b) if self.continues_field(b, cfg) => (
                limits.field_line,
                // invariant: a continuation follows a field (`continues_field`).
                self.entries.last().map_or(ls, Entry::name_start),
            ),
            _ => (limits.field_line, ls),
        };
        let complete = end > ls && buf[end - 1] == b'\n';
        // `len` bytes pass a limit of `max`: more than it, or, with no LF yet, as many.
        let over = |len: usize, max: usize| len > max || (!complete && len == max);
        let line_over = over(end - from, line_limit.0);
        let total_over = over(end, limits.total.0);
        let count_over = !start_line
            && self.entries.len() >= limits.fields
            && first.is_some_and(|b| !matches!(b, b'\r' | b'\n' | b' ' | b'\t'));
        if !(line_over || total_over || count_over) {
            return None;
        }
        // A fold is known only at the continuation's first byte.
        let line_at = line_over.then(|| known_at(from, line_limit.0).max(ls));
        let count_at = count_over.then_some(ls);
        let total_at = total_over.then(|| known_at(0, limits.total.0));
        let (at, e) = [
            (line_at, line_limit.1),
            (count_at, RemoteError::TooManyFields),
            (total_at, limits.total.1),
        ]
        .into_iter()
        .filter_map(|(at, e)| Some((at?, e)))
        .min_by_key(|&(at, _)| at)?;
        // RFC 9112 §3: a request line too long before its method ends has a method longer
        // than any implemented: 501.
        let in_method = || {
            buf.get(ls..(at + 1).min(end))
                .is_some_and(|seen| !seen.contains(&b' '))
        };
        Some(
            if e == RemoteError::RequestLineTooLong && self.kind == HeadKind::Request && in_method()
            {
                RemoteError::MethodTooLong
            } else {
                e
            },
        )
    }

    /// Parses as much of `buf` as is complete. On `Ok(Some(head))` the head's bytes have been
    /// split off the front of `buf`; on `Ok(None)` more bytes are needed.
    pub(crate) fn parse(
        &mut self,
        buf: &mut BytesMut,
        cfg: &Config,
    ) -> Result<Option<ParsedHead>, RemoteError> {
        let limits = self.limits(cfg);
        // Nothing new since the last call, which scanned every byte and checked the limits
        // up to it (or nothing yet, which only a limit of nothing makes too long): as when a
        // connection asks for its next head before the bytes have come.
        if self.scanned == buf.len()
            && (self.scanned > 0 || (limits.first_line.0 > 0 && limits.total.0 > 0))
        {
            return Ok(None);
        }
        loop {
            if self.scanned == self.line_start {
                match self.fast_lines(buf, &limits) {
                    Fast::Line => continue,
                    Fast::Head(head) => return Ok(Some(head)),
                    Fast::Slow => {}
                }
            }
            let Some(found) = memchr::memchr(b'\n', &buf[self.scanned..]) else {
                self.scanned = buf.len();
                return match self.crossed(buf, buf.len(), &limits, cfg) {
                    Some(e) => Err(e),
                    None => Ok(None),
                };
            };
            let lf = self.scanned + found;
            let ls = self.line_start;
            // Limits first: they are known crossed before the LF arrives.
            if let Some(e) = self.crossed(buf, lf + 1, &limits, cfg) {
                return Err(e);
            }
            // The line's content, without its terminator (RFC 9112 §2.2).
            let end = if lf > ls && buf[lf - 1] == b'\r' {
                lf - 1
            } else if cfg.leniency.allow_bare_lf {
                lf
            } else {
                return Err(RemoteError::BareLf);
            };
            self.line_start = lf + 1;
            self.scanned = lf + 1;

            if end == ls {
                if self.on_start_line() {
                    // RFC 9112 §2.2: a server SHOULD ignore empty lines before the
                    // request-line. They are dropped from the buffer, so they cost no memory.
                    if self.kind == HeadKind::Request {
                        buf.advance(lf + 1);
                        self.line_start = 0;
                        self.scanned = 0;
                        continue;
                    }
                    return Err(RemoteError::InvalidStartLine);
                }
                // The empty line ends the section.
                return Ok(Some(self.finish(buf, lf + 1)));
            }
            // A line that came in pieces is whole now: the one-pass path takes it if it is
            // strictly valid, as it would have had it come at once.
            if end + 1 == lf && self.fast_line(&buf[..=lf], ls, &limits) {
                continue;
            }
            let parsed = if self.on_start_line() {
                match self.kind {
                    HeadKind::Request => request_line(&buf[..end], cfg),
                    _ => status_line(&buf[..end]),
                }
                .map(|start| self.start = start)
            } else {
                self.field_line(buf, ls, end, cfg)
            };
            if let Err(e) = parsed {
                // RFC 9112 §2.2: a bare CR anywhere in a line makes the message invalid,
                // whatever else is wrong with the line. Only a rejected line can hold one
                // (no grammar rule admits a CR), so accepted lines are not scanned for it.
                return Err(if buf[ls..end].contains(&b'\r') {
                    RemoteError::BareCr
                } else {
                    e
                });
            }
        }
    }

    /// Splits the head, `buf[..end]`, off the buffer with what was parsed of it.
    fn finish(&mut self, buf: &mut BytesMut, end: usize) -> ParsedHead {
        self.line_start = 0;
        self.scanned = 0;
        ParsedHead {
            bytes: buf.split_to(end).freeze(),
            start: core::mem::replace(&mut self.start, StartLine::None),
            entries: core::mem::take(&mut self.entries),
        }
    }

    /// The lines from the current one on through the one-pass path of `fast.rs`, which takes
    /// only complete, strictly valid lines: `Fast::Slow` when it stops at a line it leaves to
    /// the line parser (untouched), `Fast::Line` after a start line.
    #[inline]
    fn fast_lines(&mut self, buf: &mut BytesMut, limits: &SectionLimits) -> Fast {
        // A line that ends within `cap(ls, limit)` is within both the line's limit and the
        // head's.
        let len = buf.len();
        let cap = |ls: usize, line_limit: usize| {
            len.min(ls.saturating_add(line_limit)).min(limits.total.0)
        };
        let mut ls = self.line_start;
        if self.on_start_line() {
            let Some(next) = self.fast_start(&buf[..cap(ls, limits.first_line.0)], ls) else {
                return Fast::Slow;
            };
            self.line_start = next;
            self.scanned = next;
            return Fast::Line;
        }
        loop {
            let view = &buf[..cap(ls, limits.field_line.0)];
            if view.get(ls..ls + 2) == Some(b"\r\n") {
                return Fast::Head(self.finish(buf, ls + 2));
            }
            let Some(next) = self.fast_field(view, ls, limits) else {
                break;
            };
            ls = next;
        }
        self.line_start = ls;
        self.scanned = ls;
        Fast::Slow
    }

    /// The one-pass path for one whole line, `view[ls..]` up to its CRLF, which is `view`'s
    /// end: whether it took the line (then it is recorded, as by [`fast_lines`]). Not inlined:
    /// in the parser's loop it would slow down heads that come whole.
    #[inline(never)]
    fn fast_line(&mut self, view: &[u8], ls: usize, limits: &SectionLimits) -> bool {
        if self.on_start_line() {
            self.fast_start(view, ls).is_some()
        } else {
            self.fast_field(view, ls, limits).is_some()
        }
    }

    /// The start line at `ls`, if the one-pass path takes it: recorded; the offset after it.
    #[inline(always)]
    fn fast_start(&mut self, view: &[u8], ls: usize) -> Option<usize> {
        let (start, next) = match self.kind {
            HeadKind::Request => fast::request_line(view, ls),
            _ => fast::status_line(view, ls),
        }?;
        self.start = start;
        Some(next)
    }

    /// The field line at `ls`, if the one-pass path takes it within the count of fields:
    /// recorded; the offset after it.
    #[inline(always)]
    fn fast_field(&mut self, view: &[u8], ls: usize, limits: &SectionLimits) -> Option<usize> {
        if self.entries.len() >= limits.fields {
            return None;
        }
        let field = fast::field_line(view, ls)?;
        self.push_entry(Entry::new(field.name, field.value));
        Some(field.next)
    }

    /// Adds a field's entry, the first in one allocation for a typical head (made new: a
    /// reservation on an empty list takes the longer way of a growth) instead of a doubling
    /// series.
    #[inline]
    fn push_entry(&mut self, entry: Entry) {
        if self.entries.capacity() == 0 {
            self.entries = Vec::with_capacity(16);
        }
        self.entries.push(entry);
    }

    /// One field line, `buf[ls..end]` (RFC 9112 §5).
    fn field_line(
        &mut self,
        buf: &mut BytesMut,
        ls: usize,
        end: usize,
        cfg: &Config,
    ) -> Result<(), RemoteError> {
        let response = self.kind == HeadKind::Response;
        let line = &buf[ls..end];
        if matches!(line[0], b' ' | b'\t') {
            // RFC 9112 §5.2: obs-fold. Only a response may have it, only by opt-in, and only
            // after a field; the fold is replaced by spaces in place.
            let lenient = response && cfg.leniency.allow_obs_fold_in_responses;
            if !lenient || self.entries.is_empty() {
                // RFC 9112 §2.2: whitespace before the first field line; §5.2 otherwise.
                return Err(RemoteError::ObsFold);
            }
            let content = trim_ows(line);
            if let Some(i) = find_invalid_value_byte(content) {
                return Err(value_error(content[i]));
            }
            if !content.is_empty() {
                let lead = leading_ows(line);
                let (start, new_end) = (ls + lead, ls + trimmed_end(line));
                // invariant: checked non-empty just above.
                let Some(prev) = self.entries.last_mut() else {
                    return Err(RemoteError::ObsFold);
                };
                if prev.value_is_empty() {
                    // Nothing to join to: the value is the continuation's content.
                    prev.set_value(start..new_end);
                } else {
                    // RFC 9112 §5.2: the obs-fold (the previous value's trailing whitespace,
                    // the line break and the continuation's leading whitespace) becomes SPs,
                    // so the unfolded value is one contiguous slice.
                    buf[prev.value_end()..start].fill(b' ');
                    prev.set_value_end(new_end);
                }
            }
            return Ok(());
        }
        let colon = memchr::memchr(b':', line).ok_or(RemoteError::InvalidFieldName)?;
        let mut name = &line[..colon];
        if let [.., b' ' | b'\t'] = name {
            // RFC 9112 §5.1: a server MUST reject whitespace before the colon.
            if !(response && cfg.leniency.allow_space_before_colon_in_responses) {
                return Err(RemoteError::SpaceBeforeColon);
            }
            // Only SP and HTAB go: any other byte left (a form feed, a CR) is no tchar, and
            // the line is rejected as without the leniency.
            name = &name[..trimmed_end(name)];
        }
        if !is_token(name) {
            return Err(RemoteError::InvalidFieldName);
        }
        let raw = &line[colon + 1..];
        if let Some(i) = find_invalid_value_byte(raw) {
            return Err(value_error(raw[i]));
        }
        // OWS around the value is not part of it (RFC 9112 §5.1).
        let lead = leading_ows(raw);
        let v0 = ls + colon + 1 + lead;
        let value = &raw[lead..trimmed_end(raw).max(lead)];
        self.push_entry(Entry::new(ls..ls + name.len(), v0..v0 + value.len()));
        Ok(())
    }
}

/// What the one-pass path made of a line.
enum Fast {
    /// A start line, taken.
    Line,
    /// The empty line: the head is complete.
    Head(ParsedHead),
    /// Anything else: the line parser decides.
    Slow,
}

/// How many SP / HTAB `s` starts with.
fn leading_ows(s: &[u8]) -> usize {
    s.iter().take_while(|&&b| b == b' ' || b == b'\t').count()
}

/// The offset of the end of `s` once trailing SP / HTAB are trimmed.
fn trimmed_end(s: &[u8]) -> usize {
    let mut n = s.len();
    while n > 0 && matches!(s[n - 1], b' ' | b'\t') {
        n -= 1;
    }
    n
}

/// The error for a byte a field value may not hold.
fn value_error(b: u8) -> RemoteError {
    if b == b'\r' {
        RemoteError::BareCr
    } else {
        RemoteError::InvalidFieldValue
    }
}

/// The offset at which a section starting at `start` is known to exceed `limit` bytes when no
/// LF has come: the limit's last byte, which leaves no room for the LF.
fn known_at(start: usize, limit: usize) -> usize {
    start + limit.max(1) - 1
}

/// `HTTP-version = HTTP-name "/" DIGIT "." DIGIT` (RFC 9112 §2.3). A major version other than
/// 1 is well-formed but unsupported (505); a minor above 1 reads as 1.1 (RFC 9110 §2.5).
fn version(v: &[u8]) -> Result<Version, RemoteError> {
    match v {
        [
            b'H',
            b'T',
            b'T',
            b'P',
            b'/',
            major @ b'0'..=b'9',
            b'.',
            minor @ b'0'..=b'9',
        ] => match (major, minor) {
            (b'1', b'0') => Ok(Version::Http10),
            (b'1', _) => Ok(Version::Http11),
            _ => Err(RemoteError::UnsupportedVersion),
        },
        _ => Err(RemoteError::InvalidVersion),
    }
}

/// `request-line = method SP request-target SP HTTP-version` (RFC 9112 §3), exactly one SP
/// between the parts (§3: no other whitespace is allowed in a strict parser).
fn request_line(line: &[u8], cfg: &Config) -> Result<StartLine, RemoteError> {
    let sp1 = memchr::memchr(b' ', line).ok_or(RemoteError::InvalidStartLine)?;
    let method = &line[..sp1];
    let rest = &line[sp1 + 1..];
    let sp2 = memchr::memchr(b' ', rest).ok_or(RemoteError::InvalidStartLine)?;
    let target = &rest[..sp2];
    let ver = &rest[sp2 + 1..];
    if method.is_empty() || target.is_empty() {
        return Err(RemoteError::InvalidStartLine);
    }
    if !is_token(method) {
        return Err(RemoteError::InvalidMethod);
    }
    let version = version(ver)?;
    // Checked here as well as for the whole line: a lenient target check may admit controls.
    if target.contains(&b'\r') {
        return Err(RemoteError::BareCr);
    }
    target::check(method, target, &cfg.leniency)?;
    let t0 = sp1 + 1;
    Ok(StartLine::Request {
        method: 0..sp1,
        target: t0..t0 + sp2,
        version,
    })
}

/// `status-line = HTTP-version SP status-code SP [ reason-phrase ]` (RFC 9112 §4). The space
/// before an empty reason is often omitted by real servers; a missing one is accepted, since
/// the reason carries no meaning and its absence cannot move where the message ends.
fn status_line(line: &[u8]) -> Result<StartLine, RemoteError> {
    let sp = memchr::memchr(b' ', line).ok_or(RemoteError::InvalidStartLine)?;
    let version = version(&line[..sp])?;
    let rest = &line[sp + 1..];
    if rest.first() == Some(&b' ') {
        // Exactly one SP between the parts: a second one breaks the line's structure.
        return Err(RemoteError::InvalidStartLine);
    }
    let (code, reason_start) = match rest {
        [a, b, c] => ([*a, *b, *c], rest.len()),
        [a, b, c, b' ', ..] => ([*a, *b, *c], 4),
        _ => return Err(RemoteError::InvalidStatus),
    };
    if !code.iter().all(u8::is_ascii_digit) || code[0] == b'0' {
        return Err(RemoteError::InvalidStatus);
    }
    let status = code.iter().fold(0u16, |n, d| n * 10 + u16::from(d - b'0'));
    let reason = &rest[reason_start..];
    if let Some(i) = find_invalid_value_byte(reason) {
        return Err(value_error(reason[i]));
    }
    let r0 = sp + 1 + reason_start;
    Ok(StartLine::Response {
        version,
        status,
        reason: r0..r0 + reason.len(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::headers::Headers;
    use crate::parse::testing::{Incremental, Outcome, check};

    struct Head<'a>(HeadParser, &'a Config);

    type Parsed = (StartLine, Vec<(Vec<u8>, Vec<u8>)>);

    impl Incremental for Head<'_> {
        type Output = Parsed;

        fn step(
            &mut self,
            buf: &mut BytesMut,
            _eof: bool,
        ) -> Result<Option<Self::Output>, RemoteError> {
            Ok(self.0.parse(buf, self.1)?.map(|h| {
                let fields = Headers::from_parts(h.bytes, h.entries)
                    .iter()
                    .map(|(n, v)| (n.to_vec(), v.to_vec()))
                    .collect();
                (h.start, fields)
            }))
        }
    }

    fn request(input: &[u8], cfg: &Config) -> Outcome<Parsed> {
        check(input, || Head(HeadParser::new(HeadKind::Request), cfg))
    }

    fn response(input: &[u8], cfg: &Config) -> Outcome<Parsed> {
        check(input, || Head(HeadParser::new(HeadKind::Response), cfg))
    }

    #[test]
    fn parses_a_request_head_with_fields() {
        let cfg = Config::default();
        let (start, fields) = request(
            b"GET /a?b=c HTTP/1.1\r\nHost: x\r\nX-Empty:\r\nX-Pad: \t v a \t\r\n\r\n",
            &cfg,
        )
        .unwrap_done();
        assert_eq!(
            start,
            StartLine::Request {
                method: 0..3,
                target: 4..10,
                version: Version::Http11
            }
        );
        assert_eq!(
            fields,
            [
                (b"Host".to_vec(), b"x".to_vec()),
                (b"X-Empty".to_vec(), b"".to_vec()),
                (b"X-Pad".to_vec(), b"v a".to_vec()),
            ]
        );
    }

    #[test]
    fn skips_leading_empty_lines() {
        let cfg = Config::default();
        let (start, _) = request(b"\r\n\r\nGET / HTTP/1.0\r\n\r\n", &cfg).unwrap_done();
        assert!(matches!(
            start,
            StartLine::Request {
                version: Version::Http10,
                ..
            }
        ));
    }

    #[test]
    fn rejects_what_the_grammar_forbids() {
        let cfg = Config::default();
        let cases: &[(&[u8], RemoteError)] = &[
            (b"GET  / HTTP/1.1\r\n\r\n", RemoteError::InvalidStartLine),
            (b"GET / HTTP/1.1 \r\n\r\n", RemoteError::InvalidVersion),
            (b"GET / http/1.1\r\n\r\n", RemoteError::InvalidVersion),
            (b"GET / HTTP/2.0\r\n\r\n", RemoteError::UnsupportedVersion),
            (b"G(T / HTTP/1.1\r\n\r\n", RemoteError::InvalidMethod),
            (b"GET / HTTP/1.1\nHost: a\r\n\r\n", RemoteError::BareLf),
            (
                b"GET / HTTP/1.1\r\nHost : a\r\n\r\n",
                RemoteError::SpaceBeforeColon,
            ),
            (
                b"GET / HTTP/1.1\r\nHost: a\r\n b\r\n\r\n",
                RemoteError::ObsFold,
            ),
            (b"GET / HTTP/1.1\r\n Host: a\r\n\r\n", RemoteError::ObsFold),
            (b"GET / HTTP/1.1\r\nHo\rst: a\r\n\r\n", RemoteError::BareCr),
            (b"GET / HTTP/1.1\r\nHost: a\rb\r\n\r\n", RemoteError::BareCr),
            (
                b"GET / HTTP/1.1\r\nHost: a\x00b\r\n\r\n",
                RemoteError::InvalidFieldValue,
            ),
            (
                b"GET / HTTP/1.1\r\nNoColon\r\n\r\n",
                RemoteError::InvalidFieldName,
            ),
            (
                b"GET / HTTP/1.1\r\n: empty\r\n\r\n",
                RemoteError::InvalidFieldName,
            ),
        ];
        for (input, want) in cases {
            assert_eq!(
                request(input, &cfg).unwrap_err(),
                *want,
                "{:?}",
                crate::headers::Lossy(input)
            );
        }
    }

    #[test]
    fn limits_hold_at_the_byte_before_and_after() {
        let mut cfg = Config::default();
        // "GET / HTTP/1.1\r\n" is 16 bytes.
        cfg.limits.max_request_line = 16;
        assert!(request(b"GET / HTTP/1.1\r\n\r\n", &cfg).is_done());
        cfg.limits.max_request_line = 15;
        assert_eq!(
            request(b"GET / HTTP/1.1\r\n\r\n", &cfg).unwrap_err(),
            RemoteError::RequestLineTooLong
        );
        // "A: b\r\n" is 6 bytes.
        let mut cfg = Config::default();
        cfg.limits.max_field_line = 6;
        assert!(request(b"GET / HTTP/1.1\r\nA: b\r\n\r\n", &cfg).is_done());
        cfg.limits.max_field_line = 5;
        assert_eq!(
            request(b"GET / HTTP/1.1\r\nA: b\r\n\r\n", &cfg).unwrap_err(),
            RemoteError::FieldLineTooLong
        );
        // The whole head is 24 bytes.
        let mut cfg = Config::default();
        cfg.limits.max_head = 24;
        assert!(request(b"GET / HTTP/1.1\r\nA: b\r\n\r\n", &cfg).is_done());
        cfg.limits.max_head = 23;
        assert_eq!(
            request(b"GET / HTTP/1.1\r\nA: b\r\n\r\n", &cfg).unwrap_err(),
            RemoteError::HeadTooLarge
        );
        let mut cfg = Config::default();
        cfg.limits.max_fields = 2;
        assert!(request(b"GET / HTTP/1.1\r\nA: b\r\nA: b\r\n\r\n", &cfg).is_done());
        assert_eq!(
            request(b"GET / HTTP/1.1\r\nA: b\r\nA: b\r\nA: b\r\n\r\n", &cfg).unwrap_err(),
            RemoteError::TooManyFields
        );
    }

    #[test]
    fn the_limit_crossed_first_wins_whatever_the_split() {
        // The field line would cross its limit after the head does: the head's error wins in
        // every split, because the helper checks every split gives the same answer.
        let mut cfg = Config::default();
        cfg.limits.max_head = 20;
        cfg.limits.max_field_line = 8;
        assert_eq!(
            request(b"GET / HTTP/1.1\r\nAAAAAAAAAAAAAA: b\r\n\r\n", &cfg).unwrap_err(),
            RemoteError::HeadTooLarge
        );
        cfg.limits.max_head = 40;
        assert_eq!(
            request(b"GET / HTTP/1.1\r\nAAAAAAAAAAAAAA: b\r\n\r\n", &cfg).unwrap_err(),
            RemoteError::FieldLineTooLong
        );
    }

    #[test]
    fn one_field_too_many_is_known_at_its_first_byte() {
        let mut cfg = Config::default();
        cfg.limits.max_fields = 1;
        // The second field starts at byte 25, the head's limit is crossed at byte 39: the
        // count's error, whatever the split.
        cfg.limits.max_head = 40;
        let input = b"GET / HTTP/1.1\r\nHost: a\r\nB: cccccccccccccccccccccccccccccccccccc\r\n\r\n";
        assert_eq!(
            request(input, &cfg).unwrap_err(),
            RemoteError::TooManyFields
        );
        // Known without the rest of the line.
        assert_eq!(
            request(b"GET / HTTP/1.1\r\nHost: a\r\nB", &cfg).unwrap_err(),
            RemoteError::TooManyFields
        );
        // The byte before: a head at its count that ends, or has yet to show its next byte.
        assert!(request(b"GET / HTTP/1.1\r\nHost: a\r\n\r\n", &cfg).is_done());
        assert!(matches!(
            request(b"GET / HTTP/1.1\r\nHost: a\r\n", &cfg),
            Outcome::Partial
        ));
        assert!(matches!(
            request(b"GET / HTTP/1.1\r\nHost: a\r\n\r", &cfg),
            Outcome::Partial
        ));
        // The same in a trailer section.
        let t = check(b"A: 1\r\nB", || {
            Head(HeadParser::new(HeadKind::Trailers), &cfg)
        });
        assert_eq!(t.unwrap_err(), RemoteError::TooManyFields);
    }

    #[test]
    fn a_request_line_too_long_within_its_method_is_501() {
        let mut cfg = Config::default();
        cfg.limits.max_request_line = 8;
        let long = b"ABCDEFGHIJ / HTTP/1.1\r\n\r\n";
        assert_eq!(request(long, &cfg).unwrap_err(), RemoteError::MethodTooLong);
        assert_eq!(RemoteError::MethodTooLong.status_hint(), Some(501));
        // The byte before: a method of 7 bytes and its SP within the limit are a long line.
        assert_eq!(
            request(b"ABCDEFG /abcdef HTTP/1.1\r\n\r\n", &cfg).unwrap_err(),
            RemoteError::RequestLineTooLong
        );
        assert_eq!(
            request(b"ABCDEFGH /abcdef HTTP/1.1\r\n\r\n", &cfg).unwrap_err(),
            RemoteError::MethodTooLong
        );
        // A limit of nothing at all fails before any byte, and says which line.
        cfg.limits.max_request_line = 0;
        assert_eq!(request(b"", &cfg).unwrap_err(), RemoteError::MethodTooLong);
    }

    #[test]
    fn a_folded_field_is_one_field_line_for_the_limits() {
        let mut cfg = Config::default();
        cfg.leniency.allow_obs_fold_in_responses = true;
        // One field line over three lines: one field.
        cfg.limits.max_fields = 1;
        let folded = b"HTTP/1.1 200 OK\r\nA: 12345\r\n 12345\r\n 1234\r\n\r\n";
        let (_, fields) = response(folded, &cfg).unwrap_done();
        assert_eq!(fields, [(b"A".to_vec(), b"12345   12345   1234".to_vec())]);
        // Its length, from "A" to the last LF, is 25 bytes: the byte before and after.
        cfg.limits.max_field_line = 25;
        assert!(response(folded, &cfg).is_done());
        cfg.limits.max_field_line = 24;
        assert_eq!(
            response(folded, &cfg).unwrap_err(),
            RemoteError::FieldLineTooLong
        );
        // Known at the continuation's first byte when the field was already at its limit.
        cfg.limits.max_field_line = 10;
        assert_eq!(
            response(b"HTTP/1.1 200 OK\r\nA: 12345\r\n ", &cfg).unwrap_err(),
            RemoteError::FieldLineTooLong
        );
        assert!(matches!(
            response(b"HTTP/1.1 200 OK\r\nA: 12345\r\n", &cfg),
            Outcome::Partial
        ));
    }

    #[test]
    fn obs_fold_in_responses_unfolds_only_by_opt_in_and_whatever_the_split() {
        let input = b"HTTP/1.1 200 OK\r\nA: x \r\n\t y\r\n z \r\nB : 2\r\n\r\n";
        let mut cfg = Config::default();
        assert_eq!(response(input, &cfg).unwrap_err(), RemoteError::ObsFold);
        cfg.leniency.allow_obs_fold_in_responses = true;
        assert_eq!(
            response(input, &cfg).unwrap_err(),
            RemoteError::SpaceBeforeColon
        );
        cfg.leniency.allow_space_before_colon_in_responses = true;
        let (_, fields) = response(input, &cfg).unwrap_done();
        assert_eq!(
            fields,
            [
                // Each fold, whitespace on both sides of the line break included, becomes
                // SPs: an HTAB in it too.
                (b"A".to_vec(), b"x     y   z".to_vec()),
                (b"B".to_vec(), b"2".to_vec())
            ]
        );
        // Never in requests, and never before the first field.
        assert_eq!(
            request(b"GET / HTTP/1.1\r\nA: x\r\n y\r\n\r\n", &cfg).unwrap_err(),
            RemoteError::ObsFold
        );
        assert_eq!(
            response(b"HTTP/1.1 200 OK\r\n y\r\n\r\n", &cfg).unwrap_err(),
            RemoteError::ObsFold
        );
    }

    /// What the line parser makes of a complete line `line` (content then CRLF) as a field
    /// line: its entry.
    fn slow_field(line: &[u8]) -> Option<Entry> {
        let end = line.len().checked_sub(2)?;
        if line[end..] != *b"\r\n" || line[..end].contains(&b'\n') || end == 0 {
            return None;
        }
        let mut p = HeadParser::new(HeadKind::Request);
        let mut buf = BytesMut::from(line);
        p.field_line(&mut buf, 0, end, &Config::default()).ok()?;
        p.entries.pop()
    }

    /// A small deterministic generator (xorshift), so the test needs no crate.
    struct Rng(u64);

    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }

        fn line(&mut self, alphabet: &[u8], max: usize) -> Vec<u8> {
            let len = (self.next() % max as u64) as usize;
            (0..len)
                .map(|_| alphabet[(self.next() % alphabet.len() as u64) as usize])
                .collect()
        }
    }

    #[test]
    fn the_one_pass_path_takes_only_what_the_line_parser_takes_the_same_way() {
        let cfg = Config::default();
        let alphabet = b"aZ9-_:  \t\t\r\n\x00\x7f\x80\xff%/?[]Aef\"(),;HTP1.0";
        let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
        let (mut fields, mut requests, mut statuses) = (0, 0, 0);
        for round in 0..300_000 {
            let mut line = rng.line(alphabet, 24);
            if round % 2 == 0 {
                line.extend_from_slice(b"\r\n");
            }
            // Field lines: where the one-pass path takes a line, the line parser takes the
            // same complete line and yields the same name and value. Half of them shaped
            // like one, name, colon and value, with stray bytes from the same alphabet.
            let mut field = line.clone();
            if round % 4 < 2 {
                field = rng.line(b"aZ9-_!~ :\t\"", 8);
                field.push(b':');
                field.extend(rng.line(alphabet, 30));
                field.extend_from_slice(b"\r\n");
            }
            if let Some(f) = fast::field_line(&field, 0) {
                fields += 1;
                let whole = &field[..f.next];
                let fast = Entry::new(f.name, f.value);
                assert_eq!(
                    slow_field(whole),
                    Some(fast),
                    "{:?}",
                    crate::headers::Lossy(whole)
                );
            }
            // Request lines, with a start that makes most of them plausible.
            let mut req = b"GET /".to_vec();
            req.extend_from_slice(&line);
            req.extend_from_slice(if round % 3 == 0 {
                b" HTTP/1.1\r\n"
            } else {
                b"\r\n"
            });
            if let Some((start, next)) = fast::request_line(&req, 0) {
                requests += 1;
                assert_eq!(&req[next - 2..next], b"\r\n");
                let content = &req[..next - 2];
                assert!(!content.contains(&b'\n'));
                assert_eq!(
                    request_line(content, &cfg),
                    Ok(start),
                    "{:?}",
                    crate::headers::Lossy(&req)
                );
            }
            let mut status = b"HTTP/1.1 200 ".to_vec();
            status.extend_from_slice(&line);
            if let Some((start, next)) = fast::status_line(&status, 0) {
                statuses += 1;
                let content = &status[..next - 2];
                assert!(!content.contains(&b'\n') && status[next - 2..next] == *b"\r\n");
                assert_eq!(status_line(content), Ok(start));
            }
        }
        // The generator reaches the accepting paths often enough to mean something.
        assert!(
            fields > 10_000 && requests > 1_000 && statuses > 10_000,
            "{fields} {requests} {statuses}"
        );
    }

    #[test]
    fn the_one_pass_path_takes_the_common_lines() {
        let cfg = Config::default();
        for line in [
            &b"Host: example.com\r\n"[..],
            b"X-Empty:\r\n",
            b"Cookie: a=b; c=d\t \r\n",
            b"User-Agent: Mozilla/5.0 (X11; Linux x86_64) \xe2\x80\x94 long enough to span words\r\n",
        ] {
            let f = fast::field_line(line, 0).expect("taken");
            assert_eq!(Some(Entry::new(f.name, f.value)), slow_field(line));
        }
        let (start, next) =
            fast::request_line(b"GET /a%20b?c=d HTTP/1.1\r\nHost", 0).expect("taken");
        assert_eq!(next, 25);
        assert_eq!(Ok(start), request_line(b"GET /a%20b?c=d HTTP/1.1", &cfg));
        assert!(fast::status_line(b"HTTP/1.1 404 Not Found\r\n", 0).is_some());
        // Left to the line parser: CONNECT, absolute-form, brackets, bad escapes, bare LF.
        for line in [
            &b"CONNECT a:1 HTTP/1.1\r\n"[..],
            b"GET http://a/ HTTP/1.1\r\n",
            b"GET /[ HTTP/1.1\r\n",
            b"GET /%g0 HTTP/1.1\r\n",
            b"GET / HTTP/1.1\n",
        ] {
            assert_eq!(fast::request_line(line, 0), None);
        }
    }

    #[test]
    fn status_lines() {
        assert_eq!(
            status_line(b"HTTP/1.1 200 OK").unwrap(),
            StartLine::Response {
                version: Version::Http11,
                status: 200,
                reason: 13..15
            }
        );
        assert!(status_line(b"HTTP/1.0 404").is_ok());
        assert!(status_line(b"HTTP/1.1 204 ").is_ok());
        assert_eq!(
            status_line(b"HTTP/1.1 20 OK"),
            Err(RemoteError::InvalidStatus)
        );
        assert_eq!(
            status_line(b"HTTP/1.1 2000 OK"),
            Err(RemoteError::InvalidStatus)
        );
        assert_eq!(
            status_line(b"HTTP/1.1 099 OK"),
            Err(RemoteError::InvalidStatus)
        );
        assert_eq!(
            status_line(b"HTTP/1.1 200 O\x00K"),
            Err(RemoteError::InvalidFieldValue)
        );
    }
}
