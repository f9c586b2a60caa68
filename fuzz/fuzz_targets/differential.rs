//! Our request-head parser beside httparse on the same bytes. Where one accepts and the other
//! rejects, or both accept with different heads, the input must show one of the deliberate
//! differences listed in `deliberate`, each with the RFC section behind it; anything else is a
//! finding.
#![no_main]

use http_core::Config;
use http_core::fuzzing::{StartParts, parse_head};
use libfuzzer_sys::fuzz_target;

/// Why we reject a head httparse accepts, if the input shows a reason we chose.
fn deliberate(data: &[u8], head_len: Option<usize>) -> Option<&'static str> {
    let head = &data[..head_len.unwrap_or(data.len()).min(data.len())];
    let line_end = head.iter().position(|&b| b == b'\n').unwrap_or(head.len());
    let line = &head[..line_end];
    let mut parts = line.split(|&b| b == b' ');
    let (method, target) = (
        parts.next().unwrap_or_default(),
        parts.next().unwrap_or_default(),
    );
    // RFC 9112 §2.2: a bare LF is not a line ending unless a recipient opts in.
    if head
        .windows(2)
        .enumerate()
        .any(|(i, w)| w[1] == b'\n' && (w[0] != b'\r' || i == 0))
        || head.first() == Some(&b'\n')
    {
        return Some("bare LF (RFC 9112 §2.2)");
    }
    // RFC 9112 §3.2 with RFC 3986: the target's bytes and %-escapes.
    let escapes_ok = target
        .iter()
        .enumerate()
        .filter(|(_, b)| **b == b'%')
        .all(|(i, _)| matches!(target.get(i + 1..i + 3), Some([a, b]) if a.is_ascii_hexdigit() && b.is_ascii_hexdigit()));
    if !escapes_ok
        || target
            .iter()
            .any(|b| b"\"<>\\^`{|}#".contains(b) || *b >= 0x80)
    {
        return Some("request-target outside the URI grammar (RFC 9112 §3.2, RFC 3986)");
    }
    // RFC 9112 §3.2.1–3.2.4: each form belongs to its methods.
    let origin = target.first() == Some(&b'/');
    if method == b"CONNECT" || target == b"*" || !origin {
        return Some("request-target form does not match the method (RFC 9112 §3.2)");
    }
    // RFC 3986 §3.3, §3.4: "[" and "]" belong to an IP literal, never to a path or query.
    if target.iter().any(|b| b"[]".contains(b)) {
        return Some("square bracket in a path or query (RFC 3986 §3.3, §3.4)");
    }
    // RFC 9110 §5.5: DEL and controls other than HTAB are not field-vchar.
    if head
        .iter()
        .any(|&b| b == 0x7f || (b < 0x20 && !matches!(b, b'\t' | b'\r' | b'\n')))
    {
        return Some("control byte (RFC 9110 §5.5)");
    }
    // RFC 9112 §3: exactly one SP between the parts of the request line.
    if line.split(|&b| b == b' ').count() != 3 || line.contains(&b'\t') {
        return Some("request line not three parts split by single spaces (RFC 9112 §3)");
    }
    None
}

/// Why we accept a head httparse rejects, if the input shows a reason we chose.
fn accepted_beyond(data: &[u8]) -> Option<&'static str> {
    let line = data
        .split(|&b| b == b'\n')
        .find(|l| !l.is_empty() && *l != b"\r")?;
    // RFC 9110 §2.5: a higher minor version is read as the highest one implemented.
    if line
        .windows(8)
        .any(|w| w.starts_with(b"HTTP/1.") && w[7].is_ascii_digit() && w[7] > b'1')
    {
        return Some("HTTP/1.x with x > 1 read as 1.1 (RFC 9110 §2.5)");
    }
    None
}

fuzz_target!(|data: &[u8]| {
    let mut cfg = Config::default();
    cfg.limits.max_fields = 64;
    let ours = parse_head(true, &[data], &cfg);
    let mut fields = [httparse::EMPTY_HEADER; 64];
    let mut theirs = httparse::Request::new(&mut fields);
    let parsed = theirs.parse(data);
    match (&ours, parsed) {
        (Ok(Some(h)), Ok(httparse::Status::Complete(n))) => {
            let StartParts::Request {
                method,
                target,
                version,
            } = &h.start
            else {
                panic!("a request parser returned a status line");
            };
            assert_eq!(h.len, n, "head length");
            assert_eq!(
                Some(&method[..]),
                theirs.method.map(str::as_bytes),
                "method"
            );
            assert_eq!(Some(&target[..]), theirs.path.map(str::as_bytes), "target");
            let v = match version {
                http_core::Version::Http10 => 0,
                http_core::Version::Http11 => 1,
            };
            if accepted_beyond(data).is_none() {
                assert_eq!(Some(v), theirs.version, "version");
            }
            let theirs: Vec<(&[u8], &[u8])> = theirs
                .headers
                .iter()
                .map(|h| (h.name.as_bytes(), h.value.trim_ascii_end()))
                .collect();
            let ours: Vec<(&[u8], &[u8])> =
                h.fields.iter().map(|(n, v)| (&n[..], &v[..])).collect();
            assert_eq!(ours, theirs, "fields");
        }
        (Ok(Some(_)), _) => {
            assert!(
                accepted_beyond(data).is_some(),
                "we accept what httparse rejects: {parsed:?}"
            );
        }
        (Err(e), Ok(httparse::Status::Complete(n))) => {
            assert!(
                deliberate(data, Some(n)).is_some(),
                "we reject ({e:?}) what httparse accepts"
            );
        }
        _ => {}
    }
});
