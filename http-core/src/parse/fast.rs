//! The one-pass path for strictly valid lines of a head (RFC 9112 §3, §4, §5.1).
//!
//! Each function here recognises only lines that the line parser of `head.rs` accepts under
//! the default, strict configuration, and returns exactly the offsets it would: a line
//! ending in CRLF, with every byte valid for its part. It validates and finds the line's end
//! in the same pass, eight bytes at a time in field values, where the line parser first
//! searches for the LF and then validates. Anything else (an incomplete line, an invalid
//! byte, a bare LF, obs-fold, whitespace before a colon, a CONNECT or an absolute-form
//! target) yields `None`, and the line parser decides; so the errors, the leniencies and
//! the limits are the line parser's alone, and this path can only make an accepted head
//! faster, never change what is accepted. The unit tests compare both on every input.

use super::chars::{
    all_in, is_tchar, is_value_byte, not_control, pct_encoded_at, skip_path, skip_short,
    word_control_mask,
};
use super::head::StartLine;
use crate::event::Version;
use core::ops::Range;

/// A field line found valid: `name: value` with its offsets in the buffer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Field {
    pub(crate) name: Range<usize>,
    pub(crate) value: Range<usize>,
    /// The offset just after the line's LF.
    pub(crate) next: usize,
}

/// `field-line = field-name ":" OWS field-value OWS` then CRLF (RFC 9112 §5; RFC 9110 §5.5),
/// starting at `ls`. The name is checked four bytes at a time (names are short), the value
/// sixteen. Always inlined: the parser's loop over whole lines is most of a head's cost, and a
/// call per field line would be measurable there.
#[inline(always)]
pub(crate) fn field_line(buf: &[u8], ls: usize) -> Option<Field> {
    let mut i = skip_short(buf, ls, is_tchar)?;
    if i == ls || buf[i] != b':' {
        return None;
    }
    let name = ls..i;
    i += 1;
    while matches!(*buf.get(i)?, b' ' | b'\t') {
        i += 1;
    }
    let v0 = i;
    let cr = value_end(buf, i)?;
    if buf.get(cr + 1) != Some(&b'\n') {
        return None;
    }
    let mut v1 = cr;
    while v1 > v0 && matches!(buf[v1 - 1], b' ' | b'\t') {
        v1 -= 1;
    }
    Some(Field {
        name,
        value: v0..v1,
        next: cr + 2,
    })
}

/// The offset of the CR that ends the value starting at `i`, or `None` if a byte other than
/// CR that no value may hold comes first, or the buffer ends.
#[inline(always)]
fn value_end(buf: &[u8], mut i: usize) -> Option<usize> {
    loop {
        let rest = buf.get(i..)?;
        if let Some(block) = rest.first_chunk::<16>() {
            if all_in(block, not_control) {
                i += 16;
                continue;
            }
            let (lo, hi) = block.split_at(8);
            let lo = word_control_mask(u64::from_le_bytes(lo.try_into().ok()?));
            let hi = word_control_mask(u64::from_le_bytes(hi.try_into().ok()?));
            // The lowest marked byte is exact (see `word_control_mask`).
            i += if lo != 0 {
                (lo.trailing_zeros() / 8) as usize
            } else {
                8 + (hi.trailing_zeros() / 8) as usize
            };
        } else if let Some(&word) = rest.first_chunk::<8>() {
            let mask = word_control_mask(u64::from_le_bytes(word));
            if mask == 0 {
                i += 8;
                continue;
            }
            // The mask's lowest byte is exact: the first control byte (or DEL) of the word.
            i += (mask.trailing_zeros() / 8) as usize;
        } else {
            // Fewer than eight bytes left: one at a time up to the first non-value byte.
            while is_value_byte(*buf.get(i)?) {
                i += 1;
            }
        }
        match buf[i] {
            b'\t' => i += 1,
            b'\r' => return Some(i),
            _ => return None,
        }
    }
}

/// `request-line = method SP request-target SP HTTP-version` then CRLF (RFC 9112 §3) for an
/// origin-form target (§3.2.1) of a method other than CONNECT, starting at `ls`.
#[inline]
pub(crate) fn request_line(buf: &[u8], ls: usize) -> Option<(StartLine, usize)> {
    let mut i = ls;
    while is_tchar(*buf.get(i)?) {
        i += 1;
    }
    if i == ls || buf[i] != b' ' || &buf[ls..i] == b"CONNECT" {
        return None;
    }
    let method = ls..i;
    let t0 = i + 1;
    if buf.get(t0) != Some(&b'/') {
        return None;
    }
    i = t0;
    loop {
        i = skip_path(buf, i)?;
        match buf[i] {
            b' ' => break,
            b'%' if pct_encoded_at(buf, i) => i += 3,
            _ => return None,
        }
    }
    let target = t0..i;
    let version = match buf.get(i + 1..i + 11)? {
        b"HTTP/1.1\r\n" => Version::Http11,
        b"HTTP/1.0\r\n" => Version::Http10,
        _ => return None,
    };
    Some((
        StartLine::Request {
            method,
            target,
            version,
        },
        i + 11,
    ))
}

/// `status-line = HTTP-version SP status-code SP [ reason-phrase ]` then CRLF (RFC 9112 §4),
/// starting at `ls`, with the SP before the reason present.
#[inline]
pub(crate) fn status_line(buf: &[u8], ls: usize) -> Option<(StartLine, usize)> {
    let line = buf.get(ls..ls + 13)?;
    let version = match &line[..9] {
        b"HTTP/1.1 " => Version::Http11,
        b"HTTP/1.0 " => Version::Http10,
        _ => return None,
    };
    let [a, b, c, sp] = *line[9..].first_chunk::<4>()?;
    if !(b'1'..=b'9').contains(&a) || !b.is_ascii_digit() || !c.is_ascii_digit() || sp != b' ' {
        return None;
    }
    let status = u16::from(a - b'0') * 100 + u16::from(b - b'0') * 10 + u16::from(c - b'0');
    let r0 = ls + 13;
    let cr = value_end(buf, r0)?;
    if buf.get(cr + 1) != Some(&b'\n') {
        return None;
    }
    Some((
        StartLine::Response {
            version,
            status,
            reason: r0..cr,
        },
        cr + 2,
    ))
}
