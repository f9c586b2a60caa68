//! A table of server-role request cases: each input is either accepted (with what was parsed)
//! or rejected (with the exact [`RemoteError`] and the status the server answered).
//!
//! Every case runs through [`serve_all_ways`]: whole, one byte at a time, split at every offset
//! and followed by a further valid request, which must all agree. The expectations follow
//! RFC 9112 and RFC 9110, and the engine's documented choices where the RFCs leave one.

use std::panic::{AssertUnwindSafe, catch_unwind};

use http_core::{Config, Event, RemoteError, Version};
use workspace_tests::{NEXT_REQUEST, Transcript, serve, serve_all_ways};

use Check::*;
use RemoteError::*;

/// What a case must produce.
#[derive(Clone, Copy, Debug)]
enum Expect {
    /// No error; this many requests, each answered 200 and ended, the first with this body.
    Accept {
        requests: usize,
        body: &'static [u8],
    },
    /// Rejected in the head: no request event, this error, and this status answered first.
    Reject(RemoteError, u16),
    /// Rejected inside the body of the first request, after its head was delivered.
    RejectBody(RemoteError, u16),
    /// The input ended inside a message after this many request heads: no response is sent.
    Incomplete(usize),
}

/// Further checks on a transcript (the request ones concern the first request).
#[derive(Clone, Copy, Debug)]
enum Check {
    Method(&'static [u8]),
    Target(&'static [u8]),
    Ver(Version),
    /// The first field with this name (case-insensitive) has this value.
    Header(&'static str, &'static [u8]),
    /// No field with this name.
    NoHeader(&'static str),
    /// The whole header section, in order, names with their case.
    Fields(&'static [(&'static [u8], &'static [u8])]),
    /// The trailer section of the first request, in order.
    Trailers(&'static [(&'static [u8], &'static [u8])]),
    /// The `n`th request (from 0) has this target and this body.
    Nth(usize, &'static [u8], &'static [u8]),
    /// The server's bytes contain this.
    Wire(&'static [u8]),
    /// The server's bytes do not contain this.
    NotWire(&'static [u8]),
    /// Whether the connection stays open: a request appended to the input is parsed (true)
    /// or not (false).
    KeepAlive(bool),
}

type Case = (
    &'static str,
    &'static [u8],
    fn(&mut Config),
    Expect,
    &'static [Check],
);

const fn ok(requests: usize) -> Expect {
    Expect::Accept {
        requests,
        body: b"",
    }
}

const fn body(body: &'static [u8]) -> Expect {
    Expect::Accept { requests: 1, body }
}

const fn no(e: RemoteError) -> Expect {
    Expect::Reject(e, status(e))
}

const fn no_body(e: RemoteError) -> Expect {
    Expect::RejectBody(e, status(e))
}

/// The status the table expects for an error, written out from RFC 9110 §15 so that a
/// changed `status_hint` shows up here.
const fn status(e: RemoteError) -> u16 {
    match e {
        UnsupportedVersion => 505,
        RequestLineTooLong => 414,
        FieldLineTooLong | HeadTooLarge | TooManyFields | TrailersTooLarge => 431,
        UnsupportedTransferCoding => 501,
        BodyTooLarge => 413,
        UnsupportedExpectation => 417,
        _ => 400,
    }
}

fn strict(_: &mut Config) {}

fn bare_lf(c: &mut Config) {
    c.leniency.allow_bare_lf = true;
}

fn unsafe_target(c: &mut Config) {
    c.leniency.allow_unsafe_target_bytes = true;
}

fn chunked_wins(c: &mut Config) {
    c.leniency.chunked_overrides_content_length = true;
}

fn same_lengths(c: &mut Config) {
    c.leniency.allow_identical_content_lengths = true;
}

/// `GET / HTTP/1.1` with `Host: a`, these field lines and the empty line.
macro_rules! get {
    ($fields:literal) => {
        concat!("GET / HTTP/1.1\r\nHost: a\r\n", $fields, "\r\n").as_bytes()
    };
}

/// `POST / HTTP/1.1` with `Host: a`, these field lines, the empty line and this body.
macro_rules! post {
    ($fields:literal, $body:literal) => {
        concat!("POST / HTTP/1.1\r\nHost: a\r\n", $fields, "\r\n", $body).as_bytes()
    };
}

/// A chunked `POST` with this encoded body.
macro_rules! chunked {
    ($body:literal) => {
        concat!(
            "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n",
            $body
        )
        .as_bytes()
    };
}

/// A table of rows, kept out of rustfmt's reach so that each row stays on one line.
macro_rules! cases {
    ($($row:expr),* $(,)?) => {
        &[$($row),*]
    };
}

// ----- the runner -----

fn run(cases: &[Case]) {
    let mut names = std::collections::HashSet::new();
    let mut failures = Vec::new();
    for &(name, input, tweak, expect, checks) in cases {
        assert!(names.insert(name), "duplicate case name {name:?}");
        let mut cfg = Config::default();
        tweak(&mut cfg);
        let outcome = catch_unwind(AssertUnwindSafe(|| {
            let t = serve_all_ways(input, cfg);
            verify(&t, input, cfg, expect, checks).map_err(|e| format!("{e}\n    got: {t:?}"))
        }));
        let err = match outcome {
            Ok(Ok(())) => continue,
            Ok(Err(e)) => e,
            Err(panic) => panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| (*s).to_owned()))
                .unwrap_or_else(|| "panic".to_owned()),
        };
        failures.push(format!(
            "{name}\n    input: \"{}\"\n    {err}",
            input.escape_ascii()
        ));
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

fn show(b: &[u8]) -> String {
    b.escape_ascii().to_string()
}

fn count(hay: &[u8], needle: &[u8]) -> usize {
    hay.windows(needle.len()).filter(|w| *w == needle).count()
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    count(hay, needle) > 0
}

fn ends(t: &Transcript) -> Vec<&http_core::Headers> {
    t.events
        .iter()
        .filter_map(|e| match e {
            Event::End(h) => Some(h),
            _ => None,
        })
        .collect()
}

fn verify(
    t: &Transcript,
    input: &[u8],
    cfg: Config,
    expect: Expect,
    checks: &[Check],
) -> Result<(), String> {
    let requests = t.requests().len();
    match expect {
        Expect::Accept { requests: n, body } => {
            if t.error.is_some() {
                return Err(format!("expected acceptance, got {:?}", t.error));
            }
            if requests != n {
                return Err(format!("expected {n} requests, got {requests}"));
            }
            if ends(t).len() != n {
                return Err(format!("expected {n} ended messages"));
            }
            let answered = count(&t.wire, b"HTTP/1.1 200 OK\r\n");
            if answered != n {
                return Err(format!("expected {n} responses 200, got {answered}"));
            }
            if n > 0 && t.body(0) != body {
                return Err(format!(
                    "expected body \"{}\", got \"{}\"",
                    show(body),
                    show(&t.body(0))
                ));
            }
        }
        Expect::Reject(e, status) | Expect::RejectBody(e, status) => {
            let want = usize::from(matches!(expect, Expect::RejectBody(..)));
            if t.error != Some(e) {
                return Err(format!("expected {e:?}, got {:?}", t.error));
            }
            if e.status_hint() != Some(status) {
                return Err(format!("{e:?} hints {:?}, not {status}", e.status_hint()));
            }
            if t.first_status() != Some(status) {
                return Err(format!(
                    "expected status {status}, got {:?}",
                    t.first_status()
                ));
            }
            if !contains(&t.wire, b"\r\nConnection: close\r\n") {
                return Err("the error response does not close".into());
            }
            if requests != want {
                return Err(format!("expected {want} request heads, got {requests}"));
            }
            // Nothing after the error is read: a request appended is never parsed.
            let mut longer = input.to_vec();
            longer.extend_from_slice(NEXT_REQUEST);
            let l = serve(&[&longer], cfg);
            if l.requests().len() != want || l.error != Some(e) || l.wire != t.wire {
                return Err(format!("a request appended changed the outcome: {l:?}"));
            }
        }
        Expect::Incomplete(n) => {
            if t.error != Some(IncompleteMessage) {
                return Err(format!("expected IncompleteMessage, got {:?}", t.error));
            }
            if !t.wire.is_empty() {
                return Err("expected no response".into());
            }
            if requests != n {
                return Err(format!("expected {n} requests, got {requests}"));
            }
        }
    }
    let reqs = t.requests();
    let first = || reqs.first().ok_or_else(|| "no request".to_owned());
    for &c in checks {
        let fail = |what: String| Err(format!("{c:?}: {what}"));
        match c {
            Method(m) if first()?.method != m => return fail(show(&first()?.method)),
            Target(x) if first()?.target != x => return fail(show(&first()?.target)),
            Ver(v) if first()?.version != v => return fail(format!("{:?}", first()?.version)),
            Header(name, v) => {
                let got = first()?.headers.get(name);
                if got != Some(v) {
                    return fail(format!("{:?}", got.map(show)));
                }
            }
            NoHeader(name) if first()?.headers.contains(name) => return fail("present".into()),
            Fields(want) => {
                let got: Vec<_> = first()?.headers.iter().collect();
                if got != want {
                    return fail(format!("{:?}", first()?.headers));
                }
            }
            Trailers(want) => {
                let all = ends(t);
                let Some(got) = all.first() else {
                    return fail("no end".into());
                };
                if got.iter().collect::<Vec<_>>() != want {
                    return fail(format!("{got:?}"));
                }
            }
            Nth(n, target, b) => {
                let Some(r) = reqs.get(n) else {
                    return fail("missing".into());
                };
                if r.target != target || t.body(n) != b {
                    return fail(format!("{} {}", show(&r.target), show(&t.body(n))));
                }
            }
            Wire(w) if !contains(&t.wire, w) => return fail(show(&t.wire)),
            NotWire(w) if contains(&t.wire, w) => return fail(show(&t.wire)),
            KeepAlive(open) => {
                let mut longer = input.to_vec();
                longer.extend_from_slice(NEXT_REQUEST);
                let l = serve(&[&longer], cfg);
                let lr = l.requests();
                let next_parsed =
                    lr.len() == requests + 1 && lr.last().is_some_and(|r| r.target == "/next");
                if next_parsed != open || (!open && lr.len() != requests) {
                    return fail(format!("with a request appended: {l:?}"));
                }
            }
            _ => {}
        }
    }
    Ok(())
}

// ----- 1. the request line (RFC 9112 §3) -----

const REQUEST_LINE: &[Case] = cases! {
    // Methods: any token, case preserved (RFC 9110 §9.1: case-sensitive).
    ("GET", get!(""), strict, ok(1), &[Method(b"GET"), Target(b"/"), Ver(Version::Http11), KeepAlive(true)]),
    ("HEAD", b"HEAD / HTTP/1.1\r\nHost: a\r\n\r\n", strict, ok(1), &[Method(b"HEAD"), NotWire(b"ok"), KeepAlive(true)]),
    ("lower-case method kept", b"get / HTTP/1.1\r\nHost: a\r\n\r\n", strict, ok(1), &[Method(b"get")]),
    ("mixed-case method kept", b"GeT / HTTP/1.1\r\nHost: a\r\n\r\n", strict, ok(1), &[Method(b"GeT")]),
    ("extension method", b"M-SEARCH / HTTP/1.1\r\nHost: a\r\n\r\n", strict, ok(1), &[Method(b"M-SEARCH")]),
    ("method of every tchar", b"!#$%&'*+-.^_`|~09azAZ / HTTP/1.1\r\nHost: a\r\n\r\n", strict, ok(1), &[Method(b"!#$%&'*+-.^_`|~09azAZ")]),
    ("one-letter method", b"X / HTTP/1.1\r\nHost: a\r\n\r\n", strict, ok(1), &[Method(b"X")]),
    ("method with (", b"G(T / HTTP/1.1\r\nHost: a\r\n\r\n", strict, no(InvalidMethod), &[]),
    ("method with quote", b"G\"T / HTTP/1.1\r\nHost: a\r\n\r\n", strict, no(InvalidMethod), &[]),
    ("method with slash", b"GE/T / HTTP/1.1\r\nHost: a\r\n\r\n", strict, no(InvalidMethod), &[]),
    ("method with colon", b"GET: / HTTP/1.1\r\nHost: a\r\n\r\n", strict, no(InvalidMethod), &[]),
    ("method with @", b"G@T / HTTP/1.1\r\nHost: a\r\n\r\n", strict, no(InvalidMethod), &[]),
    ("method with braces", b"{GET} / HTTP/1.1\r\nHost: a\r\n\r\n", strict, no(InvalidMethod), &[]),
    ("method with obs-text", b"G\xc9T / HTTP/1.1\r\nHost: a\r\n\r\n", strict, no(InvalidMethod), &[]),
    ("method with NUL", b"G\x00T / HTTP/1.1\r\nHost: a\r\n\r\n", strict, no(InvalidMethod), &[]),
    ("method with DEL", b"GET\x7f / HTTP/1.1\r\nHost: a\r\n\r\n", strict, no(InvalidMethod), &[]),
    ("method with a control byte", b"G\x01T / HTTP/1.1\r\nHost: a\r\n\r\n", strict, no(InvalidMethod), &[]),
    // The four forms of request-target (RFC 9112 §3.2).
    ("origin-form with query", b"GET /a/b;p?q=1&r=%20 HTTP/1.1\r\nHost: a\r\n\r\n", strict, ok(1), &[Target(b"/a/b;p?q=1&r=%20")]),
    ("origin-form with empty segments", b"GET //a//b/ HTTP/1.1\r\nHost: a\r\n\r\n", strict, ok(1), &[Target(b"//a//b/")]),
    ("origin-form with every pchar", b"GET /!$&'()*+,;=:@-._~ HTTP/1.1\r\nHost: a\r\n\r\n", strict, ok(1), &[Target(b"/!$&'()*+,;=:@-._~")]),
    ("query with ? and /", b"GET /?a?b/c HTTP/1.1\r\nHost: a\r\n\r\n", strict, ok(1), &[Target(b"/?a?b/c")]),
    ("empty query", b"GET /? HTTP/1.1\r\nHost: a\r\n\r\n", strict, ok(1), &[Target(b"/?")]),
    ("percent-encoding kept as sent", b"GET /%41%2f%2F%c3%A9 HTTP/1.1\r\nHost: a\r\n\r\n", strict, ok(1), &[Target(b"/%41%2f%2F%c3%A9")]),
    ("absolute-form", b"GET http://a.example/p?q HTTP/1.1\r\nHost: a.example\r\n\r\n", strict, ok(1), &[Target(b"http://a.example/p?q")]),
    ("absolute-form without a path", b"GET http://a.example HTTP/1.1\r\nHost: a.example\r\n\r\n", strict, ok(1), &[Target(b"http://a.example")]),
    ("absolute-form upper-case scheme", b"GET HTTP://A.EXAMPLE/ HTTP/1.1\r\nHost: a\r\n\r\n", strict, ok(1), &[Target(b"HTTP://A.EXAMPLE/")]),
    ("absolute-form with IPv6 and port", b"GET http://[::1]:8080/x HTTP/1.1\r\nHost: [::1]:8080\r\n\r\n", strict, ok(1), &[Target(b"http://[::1]:8080/x")]),
    ("absolute-form, other scheme", b"GET urn:example:a HTTP/1.1\r\nHost: a\r\n\r\n", strict, ok(1), &[Target(b"urn:example:a")]),
    ("absolute-form with a named port", b"GET http://a.example:x/ HTTP/1.1\r\nHost: a.example\r\n\r\n", strict, no(InvalidTarget), &[]),
    ("absolute-form with an open IPv6 literal", b"GET http://[::1/ HTTP/1.1\r\nHost: a\r\n\r\n", strict, no(InvalidTarget), &[]),
    ("absolute-form with userinfo", b"GET http://u@a.example/ HTTP/1.1\r\nHost: a.example\r\n\r\n", strict, no(InvalidTarget), &[]),
    ("absolute-form still needs Host", b"GET http://a.example/ HTTP/1.1\r\n\r\n", strict, no(InvalidHost), &[]),
    ("absolute-form, Host differs", b"GET http://a.example/ HTTP/1.1\r\nHost: b.example\r\n\r\n", strict, ok(1), &[Header("host", b"b.example")]),
    ("asterisk-form for OPTIONS", b"OPTIONS * HTTP/1.1\r\nHost: a\r\n\r\n", strict, ok(1), &[Method(b"OPTIONS"), Target(b"*")]),
    ("OPTIONS with origin-form", b"OPTIONS /x HTTP/1.1\r\nHost: a\r\n\r\n", strict, ok(1), &[Target(b"/x")]),
    ("OPTIONS with absolute-form", b"OPTIONS http://a/ HTTP/1.1\r\nHost: a\r\n\r\n", strict, ok(1), &[Target(b"http://a/")]),
    ("asterisk-form for GET", b"GET * HTTP/1.1\r\nHost: a\r\n\r\n", strict, no(InvalidTarget), &[]),
    ("asterisk-form for POST", b"POST * HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\n\r\n", strict, no(InvalidTarget), &[]),
    ("asterisk-form for lower-case options", b"options * HTTP/1.1\r\nHost: a\r\n\r\n", strict, no(InvalidTarget), &[]),
    ("asterisk with more", b"OPTIONS *x HTTP/1.1\r\nHost: a\r\n\r\n", strict, no(InvalidTarget), &[]),
    ("authority-form for CONNECT", b"CONNECT a.example:443 HTTP/1.1\r\nHost: a.example:443\r\n\r\n", strict, ok(1), &[Method(b"CONNECT"), Target(b"a.example:443")]),
    ("CONNECT to an IPv6 literal", b"CONNECT [::1]:443 HTTP/1.1\r\nHost: [::1]:443\r\n\r\n", strict, ok(1), &[Target(b"[::1]:443")]),
    ("CONNECT to an IPv4 address", b"CONNECT 192.0.2.1:8080 HTTP/1.1\r\nHost: 192.0.2.1:8080\r\n\r\n", strict, ok(1), &[Target(b"192.0.2.1:8080")]),
    ("CONNECT without a port", b"CONNECT a.example HTTP/1.1\r\nHost: a.example\r\n\r\n", strict, no(InvalidTarget), &[]),
    ("CONNECT with an empty port", b"CONNECT a.example: HTTP/1.1\r\nHost: a.example\r\n\r\n", strict, no(InvalidTarget), &[]),
    ("CONNECT with a named port", b"CONNECT a.example:https HTTP/1.1\r\nHost: a.example\r\n\r\n", strict, no(InvalidTarget), &[]),
    ("CONNECT with userinfo", b"CONNECT u@a.example:443 HTTP/1.1\r\nHost: a.example\r\n\r\n", strict, no(InvalidTarget), &[]),
    ("CONNECT with origin-form", b"CONNECT / HTTP/1.1\r\nHost: a\r\n\r\n", strict, no(InvalidTarget), &[]),
    ("CONNECT with absolute-form", b"CONNECT http://a.example:443/ HTTP/1.1\r\nHost: a.example\r\n\r\n", strict, no(InvalidTarget), &[]),
    ("CONNECT with asterisk-form", b"CONNECT * HTTP/1.1\r\nHost: a\r\n\r\n", strict, no(InvalidTarget), &[]),
    ("authority-form for GET", b"GET 192.0.2.1:8080 HTTP/1.1\r\nHost: a\r\n\r\n", strict, no(InvalidTarget), &[]),
    ("IPv6 authority-form for GET", b"GET [::1]:80 HTTP/1.1\r\nHost: a\r\n\r\n", strict, no(InvalidTarget), &[]),
    // A name and a port: an absolute-URI of scheme "a.example" by the grammar, read as an
    // authority by others; refused whichever it is.
    ("reg-name authority-form for GET", b"GET a.example:80 HTTP/1.1\r\nHost: a\r\n\r\n", strict, no(InvalidTarget), &[]),
    ("authority-form look for OPTIONS", b"OPTIONS localhost:8080 HTTP/1.1\r\nHost: a\r\n\r\n", strict, no(InvalidTarget), &[]),
    ("relative path", b"GET a/b HTTP/1.1\r\nHost: a\r\n\r\n", strict, no(InvalidTarget), &[]),
    ("query alone", b"GET ?q HTTP/1.1\r\nHost: a\r\n\r\n", strict, no(InvalidTarget), &[]),
    ("scheme starting with a digit", b"GET 1http://a/ HTTP/1.1\r\nHost: a\r\n\r\n", strict, no(InvalidTarget), &[]),
    ("empty scheme", b"GET ://a/ HTTP/1.1\r\nHost: a\r\n\r\n", strict, no(InvalidTarget), &[]),
    // Percent-encoding (RFC 3986 §2.1) and fragments (RFC 9112 §3.2: none in a target).
    ("escaped NUL kept as sent", b"GET /a%00b HTTP/1.1\r\nHost: a\r\n\r\n", strict, ok(1), &[Target(b"/a%00b")]),
    ("truncated escape", b"GET /%4 HTTP/1.1\r\nHost: a\r\n\r\n", strict, no(InvalidTarget), &[]),
    ("lone %", b"GET /% HTTP/1.1\r\nHost: a\r\n\r\n", strict, no(InvalidTarget), &[]),
    ("escape of non-hex", b"GET /%zz HTTP/1.1\r\nHost: a\r\n\r\n", strict, no(InvalidTarget), &[]),
    ("escape half hex", b"GET /%g0 HTTP/1.1\r\nHost: a\r\n\r\n", strict, no(InvalidTarget), &[]),
    ("%% before an escape", b"GET /a%%20 HTTP/1.1\r\nHost: a\r\n\r\n", strict, no(InvalidTarget), &[]),
    ("fragment", b"GET /a#b HTTP/1.1\r\nHost: a\r\n\r\n", strict, no(InvalidTarget), &[]),
    ("empty fragment", b"GET /# HTTP/1.1\r\nHost: a\r\n\r\n", strict, no(InvalidTarget), &[]),
    ("fragment in absolute-form", b"GET http://a/#x HTTP/1.1\r\nHost: a\r\n\r\n", strict, no(InvalidTarget), &[]),
    // Bytes outside the URI grammar.
    ("target with quote", b"GET /a\"b HTTP/1.1\r\nHost: a\r\n\r\n", strict, no(InvalidTarget), &[]),
    ("target with angle brackets", b"GET /<a> HTTP/1.1\r\nHost: a\r\n\r\n", strict, no(InvalidTarget), &[]),
    ("target with backslash", b"GET /a\\b HTTP/1.1\r\nHost: a\r\n\r\n", strict, no(InvalidTarget), &[]),
    ("target with caret", b"GET /a^b HTTP/1.1\r\nHost: a\r\n\r\n", strict, no(InvalidTarget), &[]),
    ("target with backquote", b"GET /a`b HTTP/1.1\r\nHost: a\r\n\r\n", strict, no(InvalidTarget), &[]),
    ("target with braces", b"GET /a{b} HTTP/1.1\r\nHost: a\r\n\r\n", strict, no(InvalidTarget), &[]),
    ("target with pipe", b"GET /a|b HTTP/1.1\r\nHost: a\r\n\r\n", strict, no(InvalidTarget), &[]),
    ("target with square brackets in the query", b"GET /?a[0]=1 HTTP/1.1\r\nHost: a\r\n\r\n", strict, no(InvalidTarget), &[]),
    ("target with UTF-8", b"GET /caf\xc3\xa9 HTTP/1.1\r\nHost: a\r\n\r\n", strict, no(InvalidTarget), &[]),
    ("target with DEL", b"GET /a\x7fb HTTP/1.1\r\nHost: a\r\n\r\n", strict, no(InvalidTarget), &[]),
    ("target with NUL", b"GET /a\x00b HTTP/1.1\r\nHost: a\r\n\r\n", strict, no(InvalidTarget), &[]),
    ("target with HTAB", b"GET /a\tb HTTP/1.1\r\nHost: a\r\n\r\n", strict, no(InvalidTarget), &[]),
    ("target with VT", b"GET /a\x0bb HTTP/1.1\r\nHost: a\r\n\r\n", strict, no(InvalidTarget), &[]),
    // allow_unsafe_target_bytes: visible bytes pass, spaces and controls never do.
    ("lenient: unsafe ASCII kept", b"GET /a|b{c}\"d<e>\\f^g`h HTTP/1.1\r\nHost: a\r\n\r\n", unsafe_target, ok(1), &[Target(b"/a|b{c}\"d<e>\\f^g`h")]),
    ("lenient: raw UTF-8 kept", b"GET /caf\xc3\xa9 HTTP/1.1\r\nHost: a\r\n\r\n", unsafe_target, ok(1), &[Target(b"/caf\xc3\xa9")]),
    ("lenient: stray % kept", b"GET /%zz% HTTP/1.1\r\nHost: a\r\n\r\n", unsafe_target, ok(1), &[Target(b"/%zz%")]),
    ("lenient: DEL still refused", b"GET /a\x7fb HTTP/1.1\r\nHost: a\r\n\r\n", unsafe_target, no(InvalidTarget), &[]),
    ("lenient: control still refused", b"GET /a\x01b HTTP/1.1\r\nHost: a\r\n\r\n", unsafe_target, no(InvalidTarget), &[]),
    ("lenient: HTAB still refused", b"GET /a\tb HTTP/1.1\r\nHost: a\r\n\r\n", unsafe_target, no(InvalidTarget), &[]),
    ("lenient: relative still refused", b"GET a|b HTTP/1.1\r\nHost: a\r\n\r\n", unsafe_target, no(InvalidTarget), &[]),
    ("lenient: asterisk for GET still refused", b"GET * HTTP/1.1\r\nHost: a\r\n\r\n", unsafe_target, no(InvalidTarget), &[]),
    // Exactly one SP between the parts (RFC 9112 §3).
    ("two spaces after the method", b"GET  / HTTP/1.1\r\nHost: a\r\n\r\n", strict, no(InvalidStartLine), &[]),
    ("two spaces before the version", b"GET /  HTTP/1.1\r\nHost: a\r\n\r\n", strict, no(InvalidVersion), &[]),
    ("HTAB separators", b"GET\t/\tHTTP/1.1\r\nHost: a\r\n\r\n", strict, no(InvalidStartLine), &[]),
    ("HTAB before the version", b"GET /\tHTTP/1.1\r\nHost: a\r\n\r\n", strict, no(InvalidStartLine), &[]),
    ("leading space", b" GET / HTTP/1.1\r\nHost: a\r\n\r\n", strict, no(InvalidStartLine), &[]),
    ("trailing space", b"GET / HTTP/1.1 \r\nHost: a\r\n\r\n", strict, no(InvalidVersion), &[]),
    ("trailing word", b"GET / HTTP/1.1 x\r\nHost: a\r\n\r\n", strict, no(InvalidVersion), &[]),
    ("no version (HTTP/0.9 style)", b"GET /\r\nHost: a\r\n\r\n", strict, no(InvalidStartLine), &[]),
    ("empty version", b"GET / \r\nHost: a\r\n\r\n", strict, no(InvalidVersion), &[]),
    ("no target", b"GET HTTP/1.1\r\nHost: a\r\n\r\n", strict, no(InvalidStartLine), &[]),
    ("method alone", b"GET\r\nHost: a\r\n\r\n", strict, no(InvalidStartLine), &[]),
    // Versions (RFC 9112 §2.3, RFC 9110 §2.5, §15.6.6).
    ("HTTP/1.0", b"GET / HTTP/1.0\r\n\r\n", strict, ok(1), &[Ver(Version::Http10)]),
    ("HTTP/1.2 reads as 1.1", b"GET / HTTP/1.2\r\nHost: a\r\n\r\n", strict, ok(1), &[Ver(Version::Http11), KeepAlive(true)]),
    ("HTTP/1.9 reads as 1.1", b"GET / HTTP/1.9\r\nHost: a\r\n\r\n", strict, ok(1), &[Ver(Version::Http11)]),
    ("HTTP/2.0", b"GET / HTTP/2.0\r\nHost: a\r\n\r\n", strict, no(UnsupportedVersion), &[]),
    ("HTTP/0.9", b"GET / HTTP/0.9\r\nHost: a\r\n\r\n", strict, no(UnsupportedVersion), &[]),
    ("HTTP/3.0", b"GET / HTTP/3.0\r\nHost: a\r\n\r\n", strict, no(UnsupportedVersion), &[]),
    ("HTTP/9.9", b"GET / HTTP/9.9\r\nHost: a\r\n\r\n", strict, no(UnsupportedVersion), &[]),
    ("lower-case version", b"GET / http/1.1\r\nHost: a\r\n\r\n", strict, no(InvalidVersion), &[]),
    ("mixed-case version", b"GET / Http/1.1\r\nHost: a\r\n\r\n", strict, no(InvalidVersion), &[]),
    ("version without minor", b"GET / HTTP/1\r\nHost: a\r\n\r\n", strict, no(InvalidVersion), &[]),
    ("HTTP/2 without minor", b"GET / HTTP/2\r\nHost: a\r\n\r\n", strict, no(InvalidVersion), &[]),
    ("version with three parts", b"GET / HTTP/1.1.1\r\nHost: a\r\n\r\n", strict, no(InvalidVersion), &[]),
    ("version without dot", b"GET / HTTP/11\r\nHost: a\r\n\r\n", strict, no(InvalidVersion), &[]),
    ("two-digit minor", b"GET / HTTP/1.10\r\nHost: a\r\n\r\n", strict, no(InvalidVersion), &[]),
    ("two-digit major", b"GET / HTTP/10.1\r\nHost: a\r\n\r\n", strict, no(InvalidVersion), &[]),
    ("HTTPS/1.1", b"GET / HTTPS/1.1\r\nHost: a\r\n\r\n", strict, no(InvalidVersion), &[]),
    ("letters for digits", b"GET / HTTP/a.b\r\nHost: a\r\n\r\n", strict, no(InvalidVersion), &[]),
    ("comma for dot", b"GET / HTTP/1,1\r\nHost: a\r\n\r\n", strict, no(InvalidVersion), &[]),
    ("NUL after the version", b"GET / HTTP/1.1\x00\r\nHost: a\r\n\r\n", strict, no(InvalidVersion), &[]),
    ("space inside the version", b"GET / HTTP/ 1.1\r\nHost: a\r\n\r\n", strict, no(InvalidVersion), &[]),
    // Empty lines before the request line are ignored (RFC 9112 §2.2).
    ("one empty line first", b"\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n", strict, ok(1), &[Target(b"/")]),
    ("three empty lines first", b"\r\n\r\n\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n", strict, ok(1), &[Target(b"/")]),
    ("empty lines only", b"\r\n\r\n", strict, ok(0), &[KeepAlive(true)]),
    ("no input", b"", strict, ok(0), &[]),
    ("bare LF empty line first", b"\nGET / HTTP/1.1\r\nHost: a\r\n\r\n", strict, no(BareLf), &[]),
    ("lenient: bare LF empty line first", b"\nGET / HTTP/1.1\r\nHost: a\r\n\r\n", bare_lf, ok(1), &[]),
    ("empty lines between requests", b"GET /1 HTTP/1.1\r\nHost: a\r\n\r\n\r\n\r\nGET /2 HTTP/1.1\r\nHost: a\r\n\r\n", strict, ok(2), &[Nth(1, b"/2", b"")]),
    ("head cut short", b"GET / HTTP/1.1\r\nHost: a\r\n", strict, Expect::Incomplete(0), &[]),
    ("request line cut short", b"GET / HTT", strict, Expect::Incomplete(0), &[]),
};

// ----- 2. field lines (RFC 9112 §5, RFC 9110 §5) -----

const FIELDS: &[Case] = cases! {
    ("name of every tchar", get!("!#$%&'*+-.^_`|~09azAZ: v\r\n"), strict, ok(1), &[Header("!#$%&'*+-.^_`|~09azAZ", b"v")]),
    ("names and values as sent, in order", get!("X-Mixed-Case: Value\r\nx-lower: v\r\n"), strict, ok(1), &[Fields(&[(b"Host", b"a"), (b"X-Mixed-Case", b"Value"), (b"x-lower", b"v")])]),
    ("duplicates kept in order", get!("X-A: 1\r\nx-a: 2\r\nX-B: b\r\nX-A: 3\r\n"), strict, ok(1), &[Header("x-a", b"1"), Fields(&[(b"Host", b"a"), (b"X-A", b"1"), (b"x-a", b"2"), (b"X-B", b"b"), (b"X-A", b"3")])]),
    ("space before the colon", get!("X-A : 1\r\n"), strict, no(SpaceBeforeColon), &[]),
    ("HTAB before the colon", get!("X-A\t: 1\r\n"), strict, no(SpaceBeforeColon), &[]),
    ("space before the colon of Host", b"GET / HTTP/1.1\r\nHost : a\r\n\r\n", strict, no(SpaceBeforeColon), &[]),
    ("space inside a name", get!("X A: 1\r\n"), strict, no(InvalidFieldName), &[]),
    ("parenthesis in a name", get!("X(A): 1\r\n"), strict, no(InvalidFieldName), &[]),
    ("slash in a name", get!("X/A: 1\r\n"), strict, no(InvalidFieldName), &[]),
    ("@ in a name", get!("X@A: 1\r\n"), strict, no(InvalidFieldName), &[]),
    ("obs-text in a name", b"GET / HTTP/1.1\r\nHost: a\r\nX\xe9: 1\r\n\r\n", strict, no(InvalidFieldName), &[]),
    ("NUL in a name", b"GET / HTTP/1.1\r\nHost: a\r\nX\x00A: 1\r\n\r\n", strict, no(InvalidFieldName), &[]),
    ("DEL in a name", b"GET / HTTP/1.1\r\nHost: a\r\nX\x7fA: 1\r\n\r\n", strict, no(InvalidFieldName), &[]),
    ("no colon", get!("NoColon\r\n"), strict, no(InvalidFieldName), &[]),
    ("empty name", get!(": v\r\n"), strict, no(InvalidFieldName), &[]),
    ("colon alone", get!(":\r\n"), strict, no(InvalidFieldName), &[]),
    ("second colon is in the value", get!("X:: v\r\n"), strict, ok(1), &[Header("x", b": v")]),
    ("colons in a value", get!("X: a:b:c\r\n"), strict, ok(1), &[Header("x", b"a:b:c")]),
    ("OWS around a value trimmed", get!("X: \t  v \t \r\n"), strict, ok(1), &[Header("x", b"v")]),
    ("no OWS", get!("X:v\r\n"), strict, ok(1), &[Header("x", b"v")]),
    ("HTAB after the colon", get!("X:\tv\r\n"), strict, ok(1), &[Header("x", b"v")]),
    ("inner whitespace kept", get!("X: a  \t b\r\n"), strict, ok(1), &[Header("x", b"a  \t b")]),
    ("empty value", get!("X:\r\n"), strict, ok(1), &[Header("x", b"")]),
    ("whitespace-only value", get!("X: \t \r\n"), strict, ok(1), &[Header("x", b"")]),
    ("quotes and commas kept", get!("X: \"a, b\", c;d=e\r\n"), strict, ok(1), &[Header("x", b"\"a, b\", c;d=e")]),
    ("obs-text in a value kept", b"GET / HTTP/1.1\r\nHost: a\r\nX: caf\xe9 \x80\xff\r\n\r\n", strict, ok(1), &[Header("x", b"caf\xe9 \x80\xff")]),
    ("UTF-8 in a value kept", b"GET / HTTP/1.1\r\nHost: a\r\nX: \xc3\xa9t\xc3\xa9\r\n\r\n", strict, ok(1), &[Header("x", b"\xc3\xa9t\xc3\xa9")]),
    ("NUL in a value", b"GET / HTTP/1.1\r\nHost: a\r\nX: a\x00b\r\n\r\n", strict, no(InvalidFieldValue), &[]),
    ("SOH in a value", b"GET / HTTP/1.1\r\nHost: a\r\nX: a\x01b\r\n\r\n", strict, no(InvalidFieldValue), &[]),
    ("VT in a value", b"GET / HTTP/1.1\r\nHost: a\r\nX: a\x0bb\r\n\r\n", strict, no(InvalidFieldValue), &[]),
    ("FF in a value", b"GET / HTTP/1.1\r\nHost: a\r\nX: a\x0cb\r\n\r\n", strict, no(InvalidFieldValue), &[]),
    ("ESC in a value", b"GET / HTTP/1.1\r\nHost: a\r\nX: a\x1bb\r\n\r\n", strict, no(InvalidFieldValue), &[]),
    ("US in a value", b"GET / HTTP/1.1\r\nHost: a\r\nX: a\x1fb\r\n\r\n", strict, no(InvalidFieldValue), &[]),
    ("DEL in a value", b"GET / HTTP/1.1\r\nHost: a\r\nX: a\x7fb\r\n\r\n", strict, no(InvalidFieldValue), &[]),
    ("control at the end of a value", b"GET / HTTP/1.1\r\nHost: a\r\nX: abcdefgh\x01\r\n\r\n", strict, no(InvalidFieldValue), &[]),
    ("HTAB inside a value kept", get!("X: a\tb\r\n"), strict, ok(1), &[Header("x", b"a\tb")]),
    // obs-fold is never accepted in a request (RFC 9112 §5.2).
    ("obs-fold with SP", get!("X: a\r\n b\r\n"), strict, no(ObsFold), &[]),
    ("obs-fold with HTAB", get!("X: a\r\n\tb\r\n"), strict, no(ObsFold), &[]),
    ("obs-fold of Host", b"GET / HTTP/1.1\r\nHost: a\r\n .example\r\n\r\n", strict, no(ObsFold), &[]),
    ("obs-fold, whitespace only", get!("X: a\r\n \r\n"), strict, no(ObsFold), &[]),
    ("obs-fold refused even with every leniency", get!("X: a\r\n b\r\n"), |c| { c.leniency.allow_obs_fold_in_responses = true; c.leniency.allow_space_before_colon_in_responses = true; c.leniency.allow_bare_lf = true; }, no(ObsFold), &[]),
    ("space before colon refused with the response leniency", get!("X : a\r\n"), |c| c.leniency.allow_space_before_colon_in_responses = true, no(SpaceBeforeColon), &[]),
    // Whitespace before the first field line (RFC 9112 §2.2).
    ("SP before the first field", b"GET / HTTP/1.1\r\n Host: a\r\n\r\n", strict, no(ObsFold), &[]),
    ("HTAB before the first field", b"GET / HTTP/1.1\r\n\tHost: a\r\n\r\n", strict, no(ObsFold), &[]),
    ("SP-only line first", b"GET / HTTP/1.1\r\n \r\nHost: a\r\n\r\n", strict, no(ObsFold), &[]),
};

// ----- 3. Host (RFC 9112 §3.2, RFC 9110 §7.2) -----

const HOST: &[Case] = cases! {
    ("no Host in HTTP/1.1", b"GET / HTTP/1.1\r\n\r\n", strict, no(InvalidHost), &[]),
    ("no Host in HTTP/1.2", b"GET / HTTP/1.2\r\nX: a\r\n\r\n", strict, no(InvalidHost), &[]),
    ("no Host in HTTP/1.0", b"GET / HTTP/1.0\r\nX: a\r\n\r\n", strict, ok(1), &[NoHeader("host")]),
    ("Host named in upper case", b"GET / HTTP/1.1\r\nHOST: a\r\n\r\n", strict, ok(1), &[Header("host", b"a")]),
    ("two identical Hosts", get!("Host: a\r\n"), strict, no(InvalidHost), &[]),
    ("two different Hosts", get!("Host: b\r\n"), strict, no(InvalidHost), &[]),
    ("Host and host", get!("host: b\r\n"), strict, no(InvalidHost), &[]),
    ("two Hosts in HTTP/1.0", b"GET / HTTP/1.0\r\nHost: a\r\nHost: b\r\n\r\n", strict, no(InvalidHost), &[]),
    ("Host with a space", b"GET / HTTP/1.1\r\nHost: a b\r\n\r\n", strict, no(InvalidHost), &[]),
    ("Host as a list", b"GET / HTTP/1.1\r\nHost: a, b\r\n\r\n", strict, no(InvalidHost), &[]),
    ("Host with a path", b"GET / HTTP/1.1\r\nHost: a/b\r\n\r\n", strict, no(InvalidHost), &[]),
    ("Host with userinfo", b"GET / HTTP/1.1\r\nHost: u@a\r\n\r\n", strict, no(InvalidHost), &[]),
    ("Host with a query", b"GET / HTTP/1.1\r\nHost: a?b\r\n\r\n", strict, no(InvalidHost), &[]),
    ("Host with a fragment", b"GET / HTTP/1.1\r\nHost: a#b\r\n\r\n", strict, no(InvalidHost), &[]),
    ("Host with a scheme", b"GET / HTTP/1.1\r\nHost: http://a\r\n\r\n", strict, no(InvalidHost), &[]),
    ("Host with only a port", b"GET / HTTP/1.1\r\nHost: :80\r\n\r\n", strict, no(InvalidHost), &[]),
    ("Host with a named port", b"GET / HTTP/1.1\r\nHost: a:http\r\n\r\n", strict, no(InvalidHost), &[]),
    ("Host with an open IPv6 literal", b"GET / HTTP/1.1\r\nHost: [::1\r\n\r\n", strict, no(InvalidHost), &[]),
    ("Host with a bare IPv6 address", b"GET / HTTP/1.1\r\nHost: ::1\r\n\r\n", strict, no(InvalidHost), &[]),
    ("Host with a bad escape", b"GET / HTTP/1.1\r\nHost: a%zz\r\n\r\n", strict, no(InvalidHost), &[]),
    ("Host with obs-text", b"GET / HTTP/1.1\r\nHost: caf\xe9\r\n\r\n", strict, no(InvalidHost), &[]),
    ("invalid Host in HTTP/1.0", b"GET / HTTP/1.0\r\nHost: a b\r\n\r\n", strict, no(InvalidHost), &[]),
    ("empty Host", b"GET / HTTP/1.1\r\nHost:\r\n\r\n", strict, ok(1), &[Header("host", b"")]),
    ("empty Host with whitespace", b"GET / HTTP/1.1\r\nHost:  \r\n\r\n", strict, ok(1), &[Header("host", b"")]),
    ("Host with OWS", b"GET / HTTP/1.1\r\nHost: \t a.example \t\r\n\r\n", strict, ok(1), &[Header("host", b"a.example")]),
    ("Host with a port", b"GET / HTTP/1.1\r\nHost: a.example:8080\r\n\r\n", strict, ok(1), &[Header("host", b"a.example:8080")]),
    ("Host with an empty port", b"GET / HTTP/1.1\r\nHost: a.example:\r\n\r\n", strict, ok(1), &[Header("host", b"a.example:")]),
    ("Host IPv4", b"GET / HTTP/1.1\r\nHost: 192.0.2.1:80\r\n\r\n", strict, ok(1), &[Header("host", b"192.0.2.1:80")]),
    ("Host IPv6 literal", b"GET / HTTP/1.1\r\nHost: [2001:db8::1]\r\n\r\n", strict, ok(1), &[Header("host", b"[2001:db8::1]")]),
    ("Host IPv6 literal with a port", b"GET / HTTP/1.1\r\nHost: [::1]:8080\r\n\r\n", strict, ok(1), &[Header("host", b"[::1]:8080")]),
    ("Host with unreserved and sub-delims", b"GET / HTTP/1.1\r\nHost: a_b-c~d.e!f\r\n\r\n", strict, ok(1), &[Header("host", b"a_b-c~d.e!f")]),
    ("Host percent-encoded", b"GET / HTTP/1.1\r\nHost: a%2Db\r\n\r\n", strict, ok(1), &[Header("host", b"a%2Db")]),
    ("Host in HTTP/1.0", b"GET / HTTP/1.0\r\nHost: a.example\r\n\r\n", strict, ok(1), &[Header("host", b"a.example")]),
};

// ----- 4. framing and request smuggling (RFC 9112 §6) -----

const FRAMING: &[Case] = cases! {
    ("Content-Length body", post!("Content-Length: 5\r\n", "hello"), strict, body(b"hello"), &[KeepAlive(true)]),
    ("Content-Length 0", post!("Content-Length: 0\r\n", ""), strict, body(b""), &[KeepAlive(true)]),
    ("GET with a body cut short", b"GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n\r\nab", strict, Expect::Incomplete(1), &[]),
    ("GET with a complete body", b"GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n\r\nabc", strict, body(b"abc"), &[]),
    ("no framing means no body", b"POST / HTTP/1.1\r\nHost: a\r\n\r\n", strict, body(b""), &[KeepAlive(true)]),
    ("leading zeros", post!("Content-Length: 0005\r\n", "hello"), strict, body(b"hello"), &[]),
    ("OWS around Content-Length", post!("Content-Length: \t5 \t\r\n", "hello"), strict, body(b"hello"), &[]),
    ("Content-Length with +", post!("Content-Length: +5\r\n", "hello"), strict, no(InvalidContentLength), &[]),
    ("Content-Length with -", post!("Content-Length: -5\r\n", "hello"), strict, no(InvalidContentLength), &[]),
    ("Content-Length -0", post!("Content-Length: -0\r\n", ""), strict, no(InvalidContentLength), &[]),
    ("Content-Length with a space inside", post!("Content-Length: 1 2\r\n", "hello world!"), strict, no(InvalidContentLength), &[]),
    ("Content-Length in hex", post!("Content-Length: 0x5\r\n", "hello"), strict, no(InvalidContentLength), &[]),
    ("Content-Length with a fraction", post!("Content-Length: 5.0\r\n", "hello"), strict, no(InvalidContentLength), &[]),
    ("Content-Length with an exponent", post!("Content-Length: 1e1\r\n", "helloworld"), strict, no(InvalidContentLength), &[]),
    ("Content-Length with a letter", post!("Content-Length: 5a\r\n", "hello"), strict, no(InvalidContentLength), &[]),
    ("Content-Length quoted", post!("Content-Length: \"5\"\r\n", "hello"), strict, no(InvalidContentLength), &[]),
    ("empty Content-Length", post!("Content-Length:\r\n", ""), strict, no(InvalidContentLength), &[]),
    ("whitespace-only Content-Length", post!("Content-Length:  \r\n", ""), strict, no(InvalidContentLength), &[]),
    ("Content-Length overflowing 64 bits", post!("Content-Length: 18446744073709551616\r\n", ""), strict, no(InvalidContentLength), &[]),
    ("Content-Length far past 64 bits", post!("Content-Length: 99999999999999999999999999\r\n", ""), strict, no(InvalidContentLength), &[]),
    ("Content-Length of u64::MAX", post!("Content-Length: 18446744073709551615\r\n", ""), strict, no(BodyTooLarge), &[]),
    ("Content-Length with obs-text", b"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\xa0\r\n\r\nhello", strict, no(InvalidContentLength), &[]),
    ("Content-Length with a trailing comma", post!("Content-Length: 5,\r\n", "hello"), strict, no(InvalidContentLength), &[]),
    ("second Content-Length with space before the colon", post!("Content-Length: 5\r\nContent-Length : 5\r\n", "hello"), strict, no(SpaceBeforeColon), &[]),
    ("Content-Length with NUL in the name", b"POST / HTTP/1.1\r\nHost: a\r\nContent-Length\x00: 5\r\n\r\nhello", strict, no(InvalidFieldName), &[]),
    ("Content-Length folded", post!("Content-Length:\r\n 5\r\n", "hello"), strict, no(ObsFold), &[]),
    ("Content-Length list with HTAB, lenient", post!("Content-Length: 5,\t5\r\n", "hello"), same_lengths, body(b"hello"), &[]),
    ("Content-Length and an empty one, lenient", post!("Content-Length: 5\r\nContent-Length:\r\n", "hello"), same_lengths, no(InvalidContentLength), &[]),
    ("two identical Content-Lengths", post!("Content-Length: 5\r\nContent-Length: 5\r\n", "hello"), strict, no(MultipleContentLength), &[]),
    ("two identical Content-Lengths, lenient", post!("Content-Length: 5\r\nContent-Length: 5\r\n", "hello"), same_lengths, body(b"hello"), &[KeepAlive(true)]),
    ("identical Content-Lengths spelled apart, lenient", post!("Content-Length: 5\r\ncontent-length: 005\r\n", "hello"), same_lengths, body(b"hello"), &[]),
    ("two different Content-Lengths", post!("Content-Length: 5\r\nContent-Length: 6\r\n", "hello!"), strict, no(MultipleContentLength), &[]),
    ("two different Content-Lengths, lenient", post!("Content-Length: 5\r\nContent-Length: 6\r\n", "hello!"), same_lengths, no(MultipleContentLength), &[]),
    ("Content-Length list 5, 5", post!("Content-Length: 5, 5\r\n", "hello"), strict, no(MultipleContentLength), &[]),
    ("Content-Length list 5, 5, lenient", post!("Content-Length: 5, 5\r\n", "hello"), same_lengths, body(b"hello"), &[]),
    ("Content-Length list 5, 6", post!("Content-Length: 5, 6\r\n", "hello!"), strict, no(MultipleContentLength), &[]),
    ("Content-Length list 5, 6, lenient", post!("Content-Length: 5, 6\r\n", "hello!"), same_lengths, no(MultipleContentLength), &[]),
    ("Content-Length list with a bad element, lenient", post!("Content-Length: 5, x\r\n", "hello"), same_lengths, no(InvalidContentLength), &[]),
    ("body shorter than Content-Length", post!("Content-Length: 10\r\n", "hello"), strict, Expect::Incomplete(1), &[]),
    ("body missing", post!("Content-Length: 1\r\n", ""), strict, Expect::Incomplete(1), &[]),
    ("Content-Length then the next request", b"POST /1 HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhelloGET /2 HTTP/1.1\r\nHost: a\r\n\r\n", strict, Expect::Accept { requests: 2, body: b"hello" }, &[Nth(0, b"/1", b"hello"), Nth(1, b"/2", b"")]),
    // Transfer-Encoding (RFC 9112 §6.1, §6.3 steps 3 and 4).
    ("chunked", chunked!("5\r\nhello\r\n0\r\n\r\n"), strict, body(b"hello"), &[KeepAlive(true)]),
    ("CHUNKED in upper case", post!("Transfer-Encoding: CHUNKED\r\n", "5\r\nhello\r\n0\r\n\r\n"), strict, body(b"hello"), &[]),
    ("chunked with OWS", post!("Transfer-Encoding: \t chunked \t\r\n", "5\r\nhello\r\n0\r\n\r\n"), strict, body(b"hello"), &[]),
    ("chunked after an empty element", post!("Transfer-Encoding: , chunked\r\n", "5\r\nhello\r\n0\r\n\r\n"), strict, body(b"hello"), &[]),
    ("chunked before an empty element", post!("Transfer-Encoding: chunked,\r\n", "5\r\nhello\r\n0\r\n\r\n"), strict, body(b"hello"), &[]),
    ("CL then TE", post!("Content-Length: 5\r\nTransfer-Encoding: chunked\r\n", "5\r\nhello\r\n0\r\n\r\n"), strict, no(ContentLengthWithTransferEncoding), &[]),
    ("TE then CL", post!("Transfer-Encoding: chunked\r\nContent-Length: 5\r\n", "5\r\nhello\r\n0\r\n\r\n"), strict, no(ContentLengthWithTransferEncoding), &[]),
    ("CL.TE smuggling", post!("Content-Length: 4\r\nTransfer-Encoding: chunked\r\n", "74\r\nGPOST /admin HTTP/1.1\r\nHost: a\r\nContent-Length: 15\r\n\r\nx=1\r\n0\r\n\r\n"), strict, no(ContentLengthWithTransferEncoding), &[]),
    ("TE.CL smuggling", post!("Content-Length: 3\r\nTransfer-Encoding: chunked\r\n", "8\r\nSMUGGLED\r\n0\r\n\r\n"), strict, no(ContentLengthWithTransferEncoding), &[]),
    ("CL with a bad TE", post!("Content-Length: 5\r\nTransfer-Encoding: gzip\r\n", "hello"), strict, no(ContentLengthWithTransferEncoding), &[]),
    ("CL and TE, lenient: chunked wins and the connection closes", post!("Content-Length: 100\r\nTransfer-Encoding: chunked\r\n", "5\r\nhello\r\n0\r\n\r\n"), chunked_wins, body(b"hello"), &[Wire(b"\r\nConnection: close\r\n"), KeepAlive(false)]),
    ("CL and TE, lenient, CL shorter", post!("Content-Length: 3\r\nTransfer-Encoding: chunked\r\n", "5\r\nhello\r\n0\r\n\r\n"), chunked_wins, body(b"hello"), &[Wire(b"\r\nConnection: close\r\n"), KeepAlive(false)]),
    ("CL and TE, lenient, TE still checked", post!("Content-Length: 5\r\nTransfer-Encoding: gzip\r\n", "hello"), chunked_wins, no(InvalidTransferEncoding), &[]),
    ("CL and TE, lenient, invalid CL ignored", post!("Content-Length: x\r\nTransfer-Encoding: chunked\r\n", "5\r\nhello\r\n0\r\n\r\n"), chunked_wins, body(b"hello"), &[KeepAlive(false)]),
    ("TE chunked with a trailing HTAB", b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\t\r\n\r\n5\r\nhello\r\n0\r\n\r\n", strict, body(b"hello"), &[]),
    ("TE Chunked in mixed case", post!("Transfer-Encoding: Chunked\r\n", "5\r\nhello\r\n0\r\n\r\n"), strict, body(b"hello"), &[]),
    ("TE chunked and an empty TE line", post!("Transfer-Encoding: chunked\r\nTransfer-Encoding:\r\n", "5\r\nhello\r\n0\r\n\r\n"), strict, body(b"hello"), &[]),
    ("CL 0 and TE, lenient", post!("Content-Length: 0\r\nTransfer-Encoding: chunked\r\n", "5\r\nhello\r\n0\r\n\r\n"), chunked_wins, body(b"hello"), &[KeepAlive(false)]),
    ("CL and TE in HTTP/1.0, lenient", b"POST / HTTP/1.0\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", chunked_wins, no(TransferEncodingInHttp10), &[]),
    ("TE gzip alone", post!("Transfer-Encoding: gzip\r\n", "hello"), strict, no(InvalidTransferEncoding), &[]),
    ("TE identity", post!("Transfer-Encoding: identity\r\n", "hello"), strict, no(InvalidTransferEncoding), &[]),
    ("TE chunked, gzip", post!("Transfer-Encoding: chunked, gzip\r\n", "5\r\nhello\r\n0\r\n\r\n"), strict, no(InvalidTransferEncoding), &[]),
    ("TE chunked then gzip on two lines", post!("Transfer-Encoding: chunked\r\nTransfer-Encoding: gzip\r\n", "5\r\nhello\r\n0\r\n\r\n"), strict, no(InvalidTransferEncoding), &[]),
    ("TE chunked, chunked", post!("Transfer-Encoding: chunked, chunked\r\n", "5\r\nhello\r\n0\r\n\r\n"), strict, no(InvalidTransferEncoding), &[]),
    ("TE chunked on two lines", post!("Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n", "5\r\nhello\r\n0\r\n\r\n"), strict, no(InvalidTransferEncoding), &[]),
    ("TE chunked with a parameter", post!("Transfer-Encoding: chunked;q=1\r\n", "5\r\nhello\r\n0\r\n\r\n"), strict, no(InvalidTransferEncoding), &[]),
    ("TE chunked with a spaced parameter", post!("Transfer-Encoding: chunked ; x=y\r\n", "5\r\nhello\r\n0\r\n\r\n"), strict, no(InvalidTransferEncoding), &[]),
    ("TE empty", post!("Transfer-Encoding:\r\n", ""), strict, no(InvalidTransferEncoding), &[]),
    ("TE of commas only", post!("Transfer-Encoding: , ,\r\n", ""), strict, no(InvalidTransferEncoding), &[]),
    ("TE quoted", post!("Transfer-Encoding: \"chunked\"\r\n", "5\r\nhello\r\n0\r\n\r\n"), strict, no(InvalidTransferEncoding), &[]),
    ("TE chunked, identity", post!("Transfer-Encoding: chunked, identity\r\n", "5\r\nhello\r\n0\r\n\r\n"), strict, no(InvalidTransferEncoding), &[]),
    ("TE chunked x", post!("Transfer-Encoding: chunked x\r\n", "5\r\nhello\r\n0\r\n\r\n"), strict, no(InvalidTransferEncoding), &[]),
    ("TE xchunked", post!("Transfer-Encoding: xchunked\r\n", "5\r\nhello\r\n0\r\n\r\n"), strict, no(InvalidTransferEncoding), &[]),
    ("TE chunk", post!("Transfer-Encoding: chunk\r\n", "5\r\nhello\r\n0\r\n\r\n"), strict, no(InvalidTransferEncoding), &[]),
    ("TE with obs-text", b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: \xffchunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n", strict, no(InvalidTransferEncoding), &[]),
    ("TE with VT", b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\x0b\r\n\r\n5\r\nhello\r\n0\r\n\r\n", strict, no(InvalidFieldValue), &[]),
    ("TE with FF", b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: \x0cchunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n", strict, no(InvalidFieldValue), &[]),
    ("TE with NUL", b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\x00\r\n\r\n5\r\nhello\r\n0\r\n\r\n", strict, no(InvalidFieldValue), &[]),
    ("TE folded", post!("Transfer-Encoding:\r\n chunked\r\n", "5\r\nhello\r\n0\r\n\r\n"), strict, no(ObsFold), &[]),
    ("TE with space before the colon", post!("Transfer-Encoding : chunked\r\n", "5\r\nhello\r\n0\r\n\r\n"), strict, no(SpaceBeforeColon), &[]),
    ("TE indented as the first field", b"POST / HTTP/1.1\r\n Transfer-Encoding: chunked\r\nHost: a\r\n\r\n5\r\nhello\r\n0\r\n\r\n", strict, no(ObsFold), &[]),
    ("TE gzip, chunked", post!("Transfer-Encoding: gzip, chunked\r\n", "5\r\nhello\r\n0\r\n\r\n"), strict, no(UnsupportedTransferCoding), &[]),
    ("TE gzip then chunked on two lines", post!("Transfer-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n", "5\r\nhello\r\n0\r\n\r\n"), strict, no(UnsupportedTransferCoding), &[]),
    ("TE unknown coding, chunked", post!("Transfer-Encoding: x-custom, chunked\r\n", "5\r\nhello\r\n0\r\n\r\n"), strict, no(UnsupportedTransferCoding), &[]),
    ("TE in HTTP/1.0", b"POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n", strict, no(TransferEncodingInHttp10), &[]),
    ("TE and CL in HTTP/1.0", b"POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\nhello", strict, no(TransferEncodingInHttp10), &[]),
    ("TE in HTTP/1.0 with keep-alive", b"POST / HTTP/1.0\r\nConnection: keep-alive\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", strict, no(TransferEncodingInHttp10), &[]),
    ("Transfer_Encoding is another field", b"POST / HTTP/1.1\r\nHost: a\r\nTransfer_Encoding: chunked\r\n\r\n", strict, body(b""), &[Header("transfer_encoding", b"chunked"), KeepAlive(true)]),
    ("X-Transfer-Encoding is another field", b"POST / HTTP/1.1\r\nHost: a\r\nX-Transfer-Encoding: chunked\r\n\r\n", strict, body(b""), &[KeepAlive(true)]),
    ("Transfer-Encodings is another field", b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encodings: chunked\r\n\r\n", strict, body(b""), &[KeepAlive(true)]),
    ("Content_Length is another field", b"POST / HTTP/1.1\r\nHost: a\r\nContent_Length: 5\r\n\r\n", strict, body(b""), &[KeepAlive(true)]),
    ("Transfer Encoding with a space", post!("Transfer Encoding: chunked\r\n", ""), strict, no(InvalidFieldName), &[]),
    ("TE name in odd case", post!("tRANSFER-eNCODING: chunked\r\n", "5\r\nhello\r\n0\r\n\r\n"), strict, body(b"hello"), &[]),
    ("CL name in odd case", post!("cONTENT-lENGTH: 5\r\n", "hello"), strict, body(b"hello"), &[]),
    // CONNECT has no content (RFC 9110 §9.3.6).
    ("CONNECT with Content-Length", b"CONNECT a.example:443 HTTP/1.1\r\nHost: a.example:443\r\nContent-Length: 5\r\n\r\nhello", strict, no(ConnectWithBody), &[]),
    ("CONNECT with chunked", b"CONNECT a.example:443 HTTP/1.1\r\nHost: a.example:443\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", strict, no(ConnectWithBody), &[]),
    ("CONNECT with Content-Length 0", b"CONNECT a.example:443 HTTP/1.1\r\nHost: a.example:443\r\nContent-Length: 0\r\n\r\n", strict, ok(1), &[]),
};

// ----- 5. the chunked coding (RFC 9112 §7.1) -----

const CHUNKED: &[Case] = cases! {
    ("two chunks", chunked!("3\r\nhel\r\n2\r\nlo\r\n0\r\n\r\n"), strict, body(b"hello"), &[Trailers(&[])]),
    ("empty body", chunked!("0\r\n\r\n"), strict, body(b""), &[Trailers(&[]), KeepAlive(true)]),
    ("upper-case hex", chunked!("A\r\n0123456789\r\n0\r\n\r\n"), strict, body(b"0123456789"), &[]),
    ("lower-case hex", chunked!("a\r\n0123456789\r\n0\r\n\r\n"), strict, body(b"0123456789"), &[]),
    ("two-digit size", chunked!("1F\r\n0123456789abcdef0123456789abcde\r\n0\r\n\r\n"), strict, body(b"0123456789abcdef0123456789abcde"), &[]),
    ("leading zeros", chunked!("0005\r\nhello\r\n0\r\n\r\n"), strict, body(b"hello"), &[]),
    ("many leading zeros", chunked!("00000000000000000000005\r\nhello\r\n0\r\n\r\n"), strict, body(b"hello"), &[]),
    ("last chunk with zeros", chunked!("5\r\nhello\r\n000\r\n\r\n"), strict, body(b"hello"), &[]),
    ("chunk data holding CRLF", chunked!("4\r\n\r\n\r\n\r\n0\r\n\r\n"), strict, body(b"\r\n\r\n"), &[]),
    ("chunk data holding a request", chunked!("12\r\nGET / HTTP/1.1\r\n\r\n\r\n0\r\n\r\n"), strict, body(b"GET / HTTP/1.1\r\n\r\n"), &[]),
    ("size overflowing 64 bits", chunked!("10000000000000000\r\nx\r\n0\r\n\r\n"), strict, no_body(InvalidChunkSize), &[]),
    ("size of u64::MAX", chunked!("ffffffffffffffff\r\nx\r\n0\r\n\r\n"), strict, no_body(BodyTooLarge), &[]),
    ("size with 0x", chunked!("0x5\r\nhello\r\n0\r\n\r\n"), strict, no_body(InvalidChunkSize), &[]),
    ("negative size", chunked!("-5\r\nhello\r\n0\r\n\r\n"), strict, no_body(InvalidChunkSize), &[]),
    ("size with +", chunked!("+5\r\nhello\r\n0\r\n\r\n"), strict, no_body(InvalidChunkSize), &[]),
    ("empty size line", chunked!("\r\nhello\r\n0\r\n\r\n"), strict, no_body(InvalidChunkSize), &[]),
    ("size not hex", chunked!("g\r\nhello\r\n0\r\n\r\n"), strict, no_body(InvalidChunkSize), &[]),
    ("size with a letter after", chunked!("5g\r\nhello\r\n0\r\n\r\n"), strict, no_body(InvalidChunkSize), &[]),
    ("space before the size", chunked!(" 5\r\nhello\r\n0\r\n\r\n"), strict, no_body(InvalidChunkSize), &[]),
    ("SP after the size", chunked!("5 \r\nhello\r\n0\r\n\r\n"), strict, no_body(InvalidChunkExtension), &[]),
    ("HTAB after the size", chunked!("5\t\r\nhello\r\n0\r\n\r\n"), strict, no_body(InvalidChunkExtension), &[]),
    ("SP after the last chunk's size", chunked!("5\r\nhello\r\n0 \r\n\r\n"), strict, no_body(InvalidChunkExtension), &[]),
    ("NUL after the size", chunked!("5\x00\r\nhello\r\n0\r\n\r\n"), strict, no_body(InvalidChunkSize), &[]),
    ("obs-text in the size", b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5\xff\r\nhello\r\n0\r\n\r\n", strict, no_body(InvalidChunkSize), &[]),
    // Extensions (RFC 9112 §7.1.1).
    ("extension name", chunked!("5;ext\r\nhello\r\n0\r\n\r\n"), strict, body(b"hello"), &[]),
    ("extension with a token value", chunked!("5;a=b\r\nhello\r\n0\r\n\r\n"), strict, body(b"hello"), &[]),
    ("extension with a quoted value", chunked!("5;a=\"b c; d=e\"\r\nhello\r\n0\r\n\r\n"), strict, body(b"hello"), &[]),
    ("extension with a quoted-pair", chunked!("5;a=\"b\\\"c\\\\\"\r\nhello\r\n0\r\n\r\n"), strict, body(b"hello"), &[]),
    ("extension with an empty quoted value", chunked!("5;a=\"\"\r\nhello\r\n0\r\n\r\n"), strict, body(b"hello"), &[]),
    ("extensions with BWS", chunked!("5 ; a = b\t;\tc\r\nhello\r\n0\r\n\r\n"), strict, body(b"hello"), &[]),
    ("several extensions", chunked!("5;a=b;c;d=\"e\"\r\nhello\r\n0\r\n\r\n"), strict, body(b"hello"), &[]),
    ("extension on the last chunk", chunked!("5\r\nhello\r\n0;end=1\r\n\r\n"), strict, body(b"hello"), &[]),
    ("extension without a name", chunked!("5;\r\nhello\r\n0\r\n\r\n"), strict, no_body(InvalidChunkExtension), &[]),
    ("extension with only a value", chunked!("5;=b\r\nhello\r\n0\r\n\r\n"), strict, no_body(InvalidChunkExtension), &[]),
    ("extension with an empty value", chunked!("5;a=\r\nhello\r\n0\r\n\r\n"), strict, no_body(InvalidChunkExtension), &[]),
    ("extension with an open quote", chunked!("5;a=\"b\r\nhello\r\n0\r\n\r\n"), strict, no_body(InvalidChunkExtension), &[]),
    ("extension with a space in a name", chunked!("5;a b\r\nhello\r\n0\r\n\r\n"), strict, no_body(InvalidChunkExtension), &[]),
    ("extension with a space in a value", chunked!("5;a=b c\r\nhello\r\n0\r\n\r\n"), strict, no_body(InvalidChunkExtension), &[]),
    ("extension with a separator value", chunked!("5;a=@\r\nhello\r\n0\r\n\r\n"), strict, no_body(InvalidChunkExtension), &[]),
    ("extension with ;;", chunked!("5;;a\r\nhello\r\n0\r\n\r\n"), strict, no_body(InvalidChunkExtension), &[]),
    ("extension with a control byte", chunked!("5;a\x01\r\nhello\r\n0\r\n\r\n"), strict, no_body(InvalidChunkExtension), &[]),
    ("quoted extension with a control byte", chunked!("5;a=\"\x01\"\r\nhello\r\n0\r\n\r\n"), strict, no_body(InvalidChunkExtension), &[]),
    ("extension with a comma", chunked!("5;a,b\r\nhello\r\n0\r\n\r\n"), strict, no_body(InvalidChunkExtension), &[]),
    // Line endings and delimiters inside the chunked body.
    ("bare CR in the size line", chunked!("5\rhello\r\n0\r\n\r\n"), strict, no_body(BareCr), &[]),
    ("bare CR in an extension", chunked!("5;a\rb\r\nhello\r\n0\r\n\r\n"), strict, no_body(BareCr), &[]),
    ("CR CR LF after the size", chunked!("5\r\r\nhello\r\n0\r\n\r\n"), strict, no_body(BareCr), &[]),
    ("bare LF after the size", chunked!("5\nhello\r\n0\r\n\r\n"), strict, no_body(BareLf), &[]),
    ("bare LF after the data", chunked!("5\r\nhello\n0\r\n\r\n"), strict, no_body(BareLf), &[]),
    ("bare CR after the data", chunked!("5\r\nhello\rX0\r\n\r\n"), strict, no_body(BareCr), &[]),
    ("bare LF after the last chunk", chunked!("5\r\nhello\r\n0\n\r\n"), strict, no_body(BareLf), &[]),
    ("bare LF ending the trailers", chunked!("5\r\nhello\r\n0\r\n\n"), strict, no_body(BareLf), &[]),
    ("lenient: bare LF everywhere in the body", chunked!("5\nhello\n0\n\n"), bare_lf, body(b"hello"), &[KeepAlive(true)]),
    ("lenient: bare LF after the data", chunked!("5\r\nhello\n0\r\n\r\n"), bare_lf, body(b"hello"), &[]),
    ("lenient: bare LF in trailers", chunked!("0\r\nX: 1\n\n"), bare_lf, body(b""), &[Trailers(&[(b"X", b"1")])]),
    ("lenient: bare CR still refused", chunked!("5\r\nhello\rX0\r\n\r\n"), bare_lf, no_body(BareCr), &[]),
    ("no CRLF after the data", chunked!("5\r\nhello0\r\n\r\n"), strict, no_body(InvalidChunkDelimiter), &[]),
    ("data longer than the size", chunked!("5\r\nhelloworld\r\n0\r\n\r\n"), strict, no_body(InvalidChunkDelimiter), &[]),
    ("data shorter than the size", chunked!("5\r\nhel\r\n0\r\n\r\n"), strict, no_body(InvalidChunkDelimiter), &[]),
    ("data after the last chunk", chunked!("0\r\nhello\r\n\r\n"), strict, no_body(InvalidFieldName), &[]),
    ("end of input inside the data", chunked!("5\r\nhel"), strict, Expect::Incomplete(1), &[]),
    ("end of input before the last chunk", chunked!("5\r\nhello\r\n"), strict, Expect::Incomplete(1), &[]),
    ("end of input before the final CRLF", chunked!("5\r\nhello\r\n0\r\n"), strict, Expect::Incomplete(1), &[]),
    ("end of input inside the trailers", chunked!("0\r\nX: 1\r\n"), strict, Expect::Incomplete(1), &[]),
    // Trailers (RFC 9112 §7.1.2, RFC 9110 §6.5.1).
    ("one trailer", chunked!("5\r\nhello\r\n0\r\nX-Checksum: abc\r\n\r\n"), strict, body(b"hello"), &[Trailers(&[(b"X-Checksum", b"abc")]), NoHeader("x-checksum")]),
    ("trailers in order with OWS trimmed", chunked!("0\r\nX-A:  1 \r\nx-b:2\r\nX-A: 3\r\n\r\n"), strict, body(b""), &[Trailers(&[(b"X-A", b"1"), (b"x-b", b"2"), (b"X-A", b"3")])]),
    ("trailer announced by Trailer", post!("Transfer-Encoding: chunked\r\nTrailer: X-T\r\n", "0\r\nX-T: 1\r\n\r\n"), strict, body(b""), &[Trailers(&[(b"X-T", b"1")])]),
    ("trailer with an empty value", chunked!("0\r\nX:\r\n\r\n"), strict, body(b""), &[Trailers(&[(b"X", b"")])]),
    ("Content-Length trailer", chunked!("5\r\nhello\r\n0\r\nContent-Length: 5\r\n\r\n"), strict, no_body(ForbiddenTrailer), &[]),
    ("content-length trailer", chunked!("0\r\ncontent-length: 0\r\n\r\n"), strict, no_body(ForbiddenTrailer), &[]),
    ("Transfer-Encoding trailer", chunked!("0\r\nTransfer-Encoding: chunked\r\n\r\n"), strict, no_body(ForbiddenTrailer), &[]),
    ("Host trailer", chunked!("0\r\nHost: b\r\n\r\n"), strict, no_body(ForbiddenTrailer), &[]),
    ("Trailer trailer", chunked!("0\r\nTrailer: X\r\n\r\n"), strict, no_body(ForbiddenTrailer), &[]),
    ("Connection trailer", chunked!("0\r\nConnection: close\r\n\r\n"), strict, no_body(ForbiddenTrailer), &[]),
    ("Expect trailer", chunked!("0\r\nExpect: 100-continue\r\n\r\n"), strict, no_body(ForbiddenTrailer), &[]),
    ("Authorization trailer", chunked!("0\r\nAuthorization: x\r\n\r\n"), strict, no_body(ForbiddenTrailer), &[]),
    ("Content-Type trailer", chunked!("0\r\nContent-Type: text/plain\r\n\r\n"), strict, no_body(ForbiddenTrailer), &[]),
    ("forbidden trailer after an allowed one", chunked!("0\r\nX: 1\r\nHOST: b\r\n\r\n"), strict, no_body(ForbiddenTrailer), &[]),
    ("trailer with obs-fold", chunked!("0\r\nX: a\r\n b\r\n\r\n"), strict, no_body(ObsFold), &[]),
    ("trailer section starting with whitespace", chunked!("0\r\n X: a\r\n\r\n"), strict, no_body(ObsFold), &[]),
    ("trailer with space before the colon", chunked!("0\r\nX : a\r\n\r\n"), strict, no_body(SpaceBeforeColon), &[]),
    ("trailer without a colon", chunked!("0\r\nX\r\n\r\n"), strict, no_body(InvalidFieldName), &[]),
    ("trailer with a control byte", chunked!("0\r\nX: a\x01\r\n\r\n"), strict, no_body(InvalidFieldValue), &[]),
    ("trailer with a bare CR", chunked!("0\r\nX: a\rb\r\n\r\n"), strict, no_body(BareCr), &[]),
    ("chunked then the next request", b"POST /1 HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\nX: 1\r\n\r\nGET /2 HTTP/1.1\r\nHost: a\r\n\r\n", strict, Expect::Accept { requests: 2, body: b"hello" }, &[Nth(0, b"/1", b"hello"), Nth(1, b"/2", b"")]),
};

// ----- 6. line endings (RFC 9112 §2.2) -----

const LINE_ENDINGS: &[Case] = cases! {
    ("bare CR in the method", b"G\rET / HTTP/1.1\r\nHost: a\r\n\r\n", strict, no(BareCr), &[]),
    ("bare CR before the request line", b"\rGET / HTTP/1.1\r\nHost: a\r\n\r\n", strict, no(BareCr), &[]),
    ("bare CR in the target", b"GET /a\rb HTTP/1.1\r\nHost: a\r\n\r\n", strict, no(BareCr), &[]),
    ("bare CR after the target", b"GET /\r HTTP/1.1\r\nHost: a\r\n\r\n", strict, no(BareCr), &[]),
    ("bare CR in the version", b"GET / HTTP/1.1\rX\r\nHost: a\r\n\r\n", strict, no(BareCr), &[]),
    ("CR CR LF ending the request line", b"GET / HTTP/1.1\r\r\nHost: a\r\n\r\n", strict, no(BareCr), &[]),
    ("bare CR in a field name", b"GET / HTTP/1.1\r\nHost: a\r\nX\rY: 1\r\n\r\n", strict, no(BareCr), &[]),
    ("bare CR in a field value", b"GET / HTTP/1.1\r\nHost: a\r\nX: 1\r2\r\n\r\n", strict, no(BareCr), &[]),
    ("bare CR between field lines", b"GET / HTTP/1.1\r\nHost: a\rX: 1\r\n\r\n", strict, no(BareCr), &[]),
    ("CR CR LF ending a field line", b"GET / HTTP/1.1\r\nHost: a\r\r\n\r\n", strict, no(BareCr), &[]),
    ("CR CR LF ending the head", b"GET / HTTP/1.1\r\nHost: a\r\n\r\r\n", strict, no(BareCr), &[]),
    ("bare CR at the start of a field line", b"GET / HTTP/1.1\r\nHost: a\r\n\rX: 1\r\n\r\n", strict, no(BareCr), &[]),
    ("CR CR LF before the request line", b"\r\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n", strict, no(BareCr), &[]),
    ("bare CR as a separator", b"GET /\rHTTP/1.1\r\nHost: a\r\n\r\n", strict, no(BareCr), &[]),
    ("bare CR in a trailer name", chunked!("0\r\nX\rY: 1\r\n\r\n"), strict, no_body(BareCr), &[]),
    ("CR CR LF ending the trailers", chunked!("0\r\n\r\r\n"), strict, no_body(BareCr), &[]),
    ("bare LF inside a field value", b"GET / HTTP/1.1\r\nHost: a\r\nX: a\nb\r\n\r\n", strict, no(BareLf), &[]),
    ("lenient: bare LF inside a field value ends it", b"GET / HTTP/1.1\r\nHost: a\r\nX: a\nb\r\n\r\n", bare_lf, no(InvalidFieldName), &[]),
    ("lenient: bare CR still refused", b"GET / HTTP/1.1\r\nHost: a\r\nX: 1\r2\r\n\r\n", bare_lf, no(BareCr), &[]),
    ("bare LF after the request line", b"GET / HTTP/1.1\nHost: a\r\n\r\n", strict, no(BareLf), &[]),
    ("bare LF after a field line", b"GET / HTTP/1.1\r\nHost: a\n\r\n", strict, no(BareLf), &[]),
    ("bare LF ending the head", b"GET / HTTP/1.1\r\nHost: a\r\n\n", strict, no(BareLf), &[]),
    ("bare LF everywhere", b"GET / HTTP/1.1\nHost: a\n\n", strict, no(BareLf), &[]),
    ("lenient: bare LF after the request line", b"GET / HTTP/1.1\nHost: a\r\n\r\n", bare_lf, ok(1), &[Header("host", b"a")]),
    ("lenient: bare LF after a field line", b"GET / HTTP/1.1\r\nHost: a\nX: 1\r\n\r\n", bare_lf, ok(1), &[Header("host", b"a"), Header("x", b"1")]),
    ("lenient: bare LF ending the head", b"GET / HTTP/1.1\r\nHost: a\r\n\n", bare_lf, ok(1), &[KeepAlive(true)]),
    ("lenient: bare LF everywhere", b"GET /x HTTP/1.1\nHost: a\nX:  v \n\n", bare_lf, ok(1), &[Target(b"/x"), Header("x", b"v"), KeepAlive(true)]),
    ("lenient: bare LF with a body", b"POST / HTTP/1.1\nHost: a\nContent-Length: 2\n\nhi", bare_lf, body(b"hi"), &[]),
    ("lenient: bare LF still rejects obs-fold", b"GET / HTTP/1.1\nHost: a\nX: 1\n 2\n\n", bare_lf, no(ObsFold), &[]),
};

// ----- 7. connection management (RFC 9112 §9, RFC 9110 §10.1.1) -----

const CONNECTION: &[Case] = cases! {
    ("three pipelined requests", b"GET /1 HTTP/1.1\r\nHost: a\r\n\r\nGET /2 HTTP/1.1\r\nHost: a\r\n\r\nGET /3 HTTP/1.1\r\nHost: a\r\n\r\n", strict, ok(3), &[Nth(0, b"/1", b""), Nth(1, b"/2", b""), Nth(2, b"/3", b""), KeepAlive(true)]),
    ("pipelined requests with bodies", b"POST /1 HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\n\r\nabPOST /2 HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n2\r\ncd\r\n0\r\n\r\nGET /3 HTTP/1.1\r\nHost: a\r\n\r\n", strict, Expect::Accept { requests: 3, body: b"ab" }, &[Nth(1, b"/2", b"cd"), Nth(2, b"/3", b""), Wire(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")]),
    ("HTTP/1.1 stays open", get!(""), strict, ok(1), &[KeepAlive(true), NotWire(b"Connection:")]),
    ("HTTP/1.1 keep-alive adds nothing", get!("Connection: keep-alive\r\n"), strict, ok(1), &[KeepAlive(true), NotWire(b"Connection:")]),
    ("close among other tokens", get!("Connection: Upgrade, close\r\nUpgrade: x\r\n"), strict, ok(1), &[KeepAlive(false)]),
    ("Connection: close", get!("Connection: close\r\n"), strict, ok(1), &[KeepAlive(false), Wire(b"\r\nConnection: close\r\n")]),
    ("Connection: Close", get!("Connection: Close\r\n"), strict, ok(1), &[KeepAlive(false)]),
    ("close in a list", get!("Connection: keep-alive, close\r\n"), strict, ok(1), &[KeepAlive(false)]),
    ("close on a second line", get!("Connection: x\r\nConnection: close\r\n"), strict, ok(1), &[KeepAlive(false)]),
    ("closed with a request pipelined after", b"GET /1 HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\nGET /2 HTTP/1.1\r\nHost: a\r\n\r\n", strict, ok(1), &[Target(b"/1")]),
    ("closed with garbage after", b"GET /1 HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n\x00\x01garbage", strict, ok(1), &[]),
    ("closed after a body", post!("Connection: close\r\nContent-Length: 2\r\n", "hi"), strict, body(b"hi"), &[KeepAlive(false)]),
    ("close is not a substring match", get!("Connection: closed\r\n"), strict, ok(1), &[KeepAlive(true)]),
    ("HTTP/1.0 closes", b"GET / HTTP/1.0\r\n\r\n", strict, ok(1), &[KeepAlive(false), Wire(b"\r\nConnection: close\r\n")]),
    ("HTTP/1.0 closes with a request pipelined after", b"GET /1 HTTP/1.0\r\n\r\nGET /2 HTTP/1.0\r\n\r\n", strict, ok(1), &[Target(b"/1")]),
    ("HTTP/1.0 keep-alive", b"GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n", strict, ok(1), &[KeepAlive(true), Wire(b"\r\nConnection: keep-alive\r\n"), NotWire(b"close")]),
    ("HTTP/1.0 Keep-Alive in any case", b"GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n", strict, ok(1), &[KeepAlive(true), Wire(b"\r\nConnection: keep-alive\r\n")]),
    ("HTTP/1.0 keep-alive and close", b"GET / HTTP/1.0\r\nConnection: keep-alive, close\r\n\r\n", strict, ok(1), &[KeepAlive(false), Wire(b"\r\nConnection: close\r\n")]),
    ("HTTP/1.0 keep-alive pipelined", b"GET /1 HTTP/1.0\r\nConnection: keep-alive\r\n\r\nGET /2 HTTP/1.0\r\nConnection: keep-alive\r\n\r\n", strict, ok(2), &[Nth(1, b"/2", b"")]),
    ("HTTP/1.0 keep-alive with a body", b"POST / HTTP/1.0\r\nConnection: keep-alive\r\nContent-Length: 2\r\n\r\nhi", strict, body(b"hi"), &[KeepAlive(true)]),
    ("HTTP/1.0 Keep-Alive field alone", b"GET / HTTP/1.0\r\nKeep-Alive: timeout=5\r\n\r\n", strict, ok(1), &[KeepAlive(false)]),
    ("Expect: 100-continue", post!("Expect: 100-continue\r\nContent-Length: 5\r\n", "hello"), strict, body(b"hello"), &[Wire(b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\n"), KeepAlive(true)]),
    ("Expect: 100-Continue", post!("Expect: 100-Continue\r\nContent-Length: 5\r\n", "hello"), strict, body(b"hello"), &[Wire(b"HTTP/1.1 100 Continue\r\n\r\n")]),
    ("Expect: 100-continue, chunked", post!("Expect: 100-continue\r\nTransfer-Encoding: chunked\r\n", "5\r\nhello\r\n0\r\n\r\n"), strict, body(b"hello"), &[Wire(b"HTTP/1.1 100 Continue\r\n\r\n")]),
    ("Expect: 100-continue twice", post!("Expect: 100-continue, 100-continue\r\nContent-Length: 1\r\n", "x"), strict, body(b"x"), &[Wire(b"HTTP/1.1 100 Continue\r\n\r\n")]),
    ("Expect: 100-continue without content", get!("Expect: 100-continue\r\n"), strict, ok(1), &[NotWire(b"100 Continue")]),
    ("Expect: 100-continue with Content-Length 0", post!("Expect: 100-continue\r\nContent-Length: 0\r\n", ""), strict, body(b""), &[NotWire(b"100 Continue")]),
    ("Expect: 100-continue in HTTP/1.0 ignored", b"POST / HTTP/1.0\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\nhello", strict, body(b"hello"), &[NotWire(b"100 Continue")]),
    ("Expect other in HTTP/1.0 ignored", b"GET / HTTP/1.0\r\nExpect: fancy\r\n\r\n", strict, ok(1), &[]),
    ("Expect other", get!("Expect: fancy\r\n"), strict, no(UnsupportedExpectation), &[]),
    ("Expect 100-continue with a parameter", post!("Expect: 100-continue;x=1\r\nContent-Length: 1\r\n", "x"), strict, no(UnsupportedExpectation), &[]),
    ("Expect 100-continue and other", post!("Expect: 100-continue, fancy\r\nContent-Length: 1\r\n", "x"), strict, no(UnsupportedExpectation), &[]),
    ("Expect 100", post!("Expect: 100\r\nContent-Length: 1\r\n", "x"), strict, no(UnsupportedExpectation), &[]),
    ("Expect empty", get!("Expect:\r\n"), strict, no(UnsupportedExpectation), &[]),
    ("Upgrade declined", get!("Connection: upgrade\r\nUpgrade: websocket\r\n"), strict, ok(1), &[KeepAlive(true)]),
};

// ----- 8. limits (limits.rs: bytes counted with the line's CRLF) -----

const LIMITS: &[Case] = cases! {
    // max_request_line = 20: "GET /aaaa HTTP/1.1\r\n" is 20 bytes.
    ("request line N-1", b"GET /aaa HTTP/1.1\r\nHost: a\r\n\r\n", |c| c.limits.max_request_line = 20, ok(1), &[Target(b"/aaa")]),
    ("request line N", b"GET /aaaa HTTP/1.1\r\nHost: a\r\n\r\n", |c| c.limits.max_request_line = 20, ok(1), &[Target(b"/aaaa")]),
    ("request line N+1", b"GET /aaaaa HTTP/1.1\r\nHost: a\r\n\r\n", |c| c.limits.max_request_line = 20, no(RequestLineTooLong), &[]),
    ("request line without LF past N", b"GET /aaaaaaaaaaaaaaaaaaaaaaaaaaaa", |c| c.limits.max_request_line = 20, no(RequestLineTooLong), &[]),
    ("request line limit ignores empty lines first", b"\r\n\r\nGET /aaaa HTTP/1.1\r\nHost: a\r\n\r\n", |c| c.limits.max_request_line = 20, ok(1), &[]),
    ("request line limit is not the field line limit", b"GET / HTTP/1.1\r\nHost: a\r\nX: aaaaaaaaaaaaaaaaaaaa\r\n\r\n", |c| c.limits.max_request_line = 20, ok(1), &[]),
    // max_field_line = 12: "X-A: bbbbb\r\n" is 12 bytes.
    ("field line N-1", get!("X-A: bbbb\r\n"), |c| c.limits.max_field_line = 12, ok(1), &[Header("x-a", b"bbbb")]),
    ("field line N", get!("X-A: bbbbb\r\n"), |c| c.limits.max_field_line = 12, ok(1), &[Header("x-a", b"bbbbb")]),
    ("field line N+1", get!("X-A: bbbbbb\r\n"), |c| c.limits.max_field_line = 12, no(FieldLineTooLong), &[]),
    ("field line N+1 of whitespace", get!("X-A: b     \r\n"), |c| c.limits.max_field_line = 12, no(FieldLineTooLong), &[]),
    ("field line without LF past N", b"GET / HTTP/1.1\r\nHost: a\r\nX-A: bbbbbbbbbbbbbbbbbb", |c| c.limits.max_field_line = 12, no(FieldLineTooLong), &[]),
    // max_head = 50: "GET / HTTP/1.1\r\n" 16 + "Host: a\r\n" 9 + "X: " v "\r\n" + "\r\n" = 32 + v.
    ("head N-1", get!("X: 12345678901234567\r\n"), |c| c.limits.max_head = 50, ok(1), &[]),
    ("head N", get!("X: 123456789012345678\r\n"), |c| c.limits.max_head = 50, ok(1), &[]),
    ("head N+1", get!("X: 1234567890123456789\r\n"), |c| c.limits.max_head = 50, no(HeadTooLarge), &[]),
    ("head N+1 in many small fields", get!("A: 1\r\nB: 2\r\nC: 3\r\nD: 4\r\n"), |c| c.limits.max_head = 50, no(HeadTooLarge), &[]),
    ("head limit per request", b"GET /1 HTTP/1.1\r\nHost: a\r\nX: 12345678901234567\r\n\r\nGET /2 HTTP/1.1\r\nHost: a\r\nX: 12345678901234567\r\n\r\n", |c| c.limits.max_head = 50, ok(2), &[]),
    // max_fields = 3.
    ("fields N-1", get!("X: 1\r\n"), |c| c.limits.max_fields = 3, ok(1), &[]),
    ("fields N", get!("X: 1\r\nY: 2\r\n"), |c| c.limits.max_fields = 3, ok(1), &[]),
    ("fields N+1", get!("X: 1\r\nY: 2\r\nZ: 3\r\n"), |c| c.limits.max_fields = 3, no(TooManyFields), &[]),
    ("fields N+1 of empty values", get!("X:\r\nX:\r\nX:\r\n"), |c| c.limits.max_fields = 3, no(TooManyFields), &[]),
    // max_chunk_line = 8: "5;ab=c\r\n" is 8 bytes.
    ("chunk line N-1", chunked!("5;a=c\r\nhello\r\n0\r\n\r\n"), |c| c.limits.max_chunk_line = 8, body(b"hello"), &[]),
    ("chunk line N", chunked!("5;ab=c\r\nhello\r\n0\r\n\r\n"), |c| c.limits.max_chunk_line = 8, body(b"hello"), &[]),
    ("chunk line N+1", chunked!("5;abc=c\r\nhello\r\n0\r\n\r\n"), |c| c.limits.max_chunk_line = 8, no_body(ChunkLineTooLong), &[]),
    ("chunk line N+1 of leading zeros", chunked!("0000005\r\nhello\r\n0\r\n\r\n"), |c| c.limits.max_chunk_line = 8, no_body(ChunkLineTooLong), &[]),
    ("chunk line without LF past N", chunked!("5;aaaaaaaaaaaaaaaa"), |c| c.limits.max_chunk_line = 8, no_body(ChunkLineTooLong), &[]),
    // max_chunk_extensions = 5, counted over the whole message: ";ab=c" is 5 bytes.
    ("chunk extensions N-1", chunked!("5;a=c\r\nhello\r\n0\r\n\r\n"), |c| c.limits.max_chunk_extensions = 5, body(b"hello"), &[]),
    ("chunk extensions N", chunked!("5;ab=c\r\nhello\r\n0\r\n\r\n"), |c| c.limits.max_chunk_extensions = 5, body(b"hello"), &[]),
    ("chunk extensions N+1", chunked!("5;abc=c\r\nhello\r\n0\r\n\r\n"), |c| c.limits.max_chunk_extensions = 5, no_body(ChunkExtensionsTooLarge), &[]),
    ("chunk extensions N over two chunks", chunked!("2;a\r\nhe\r\n3;bc\r\nllo\r\n0\r\n\r\n"), |c| c.limits.max_chunk_extensions = 5, body(b"hello"), &[]),
    ("chunk extensions N+1 over three chunks", chunked!("2;a\r\nhe\r\n3;b\r\nllo\r\n0;c\r\n\r\n"), |c| c.limits.max_chunk_extensions = 5, no_body(ChunkExtensionsTooLarge), &[]),
    ("chunk extensions counted per message", b"POST /1 HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n1;abcd\r\nx\r\n0\r\n\r\nPOST /2 HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n1;abcd\r\ny\r\n0\r\n\r\n", |c| c.limits.max_chunk_extensions = 5, Expect::Accept { requests: 2, body: b"x" }, &[Nth(1, b"/2", b"y")]),
    // max_trailers = 8: "X: 1\r\n\r\n" is 8 bytes, the final empty line included.
    ("trailers N-1", chunked!("0\r\nX:1\r\n\r\n"), |c| c.limits.max_trailers = 8, body(b""), &[Trailers(&[(b"X", b"1")])]),
    ("trailers N", chunked!("0\r\nX: 1\r\n\r\n"), |c| c.limits.max_trailers = 8, body(b""), &[Trailers(&[(b"X", b"1")])]),
    ("trailers N+1", chunked!("0\r\nXY: 1\r\n\r\n"), |c| c.limits.max_trailers = 8, no_body(TrailersTooLarge), &[]),
    ("trailers past N in two fields", chunked!("0\r\nX:\r\nY:\r\n\r\n"), |c| c.limits.max_trailers = 8, no_body(TrailersTooLarge), &[]),
    ("trailer field count N", chunked!("0\r\nX: 1\r\nY: 2\r\nZ: 3\r\n\r\n"), |c| c.limits.max_fields = 3, body(b""), &[]),
    ("trailer field count N+1", chunked!("0\r\nX: 1\r\nY: 2\r\nZ: 3\r\nW: 4\r\n\r\n"), |c| c.limits.max_fields = 3, no_body(TooManyFields), &[]),
    // max_body = 5.
    ("Content-Length body N-1", post!("Content-Length: 4\r\n", "hell"), |c| c.limits.max_body = 5, body(b"hell"), &[]),
    ("Content-Length body N", post!("Content-Length: 5\r\n", "hello"), |c| c.limits.max_body = 5, body(b"hello"), &[]),
    ("Content-Length body N+1", post!("Content-Length: 6\r\n", "hello!"), |c| c.limits.max_body = 5, no(BodyTooLarge), &[]),
    ("Content-Length body N+1, no body sent", post!("Content-Length: 6\r\n", ""), |c| c.limits.max_body = 5, no(BodyTooLarge), &[]),
    ("chunked body N-1", chunked!("3\r\nabc\r\n1\r\nd\r\n0\r\n\r\n"), |c| c.limits.max_body = 5, body(b"abcd"), &[]),
    ("chunked body N", chunked!("3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n"), |c| c.limits.max_body = 5, body(b"abcde"), &[]),
    ("chunked body N+1", chunked!("3\r\nabc\r\n3\r\ndef\r\n0\r\n\r\n"), |c| c.limits.max_body = 5, no_body(BodyTooLarge), &[]),
    ("chunked body N+1 in one chunk", chunked!("6\r\nabcdef\r\n0\r\n\r\n"), |c| c.limits.max_body = 5, no_body(BodyTooLarge), &[]),
    ("body limit per request", b"POST /1 HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhelloPOST /2 HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nworld", |c| c.limits.max_body = 5, Expect::Accept { requests: 2, body: b"hello" }, &[Nth(1, b"/2", b"world")]),
};

#[test]
fn request_line() {
    run(REQUEST_LINE);
}

#[test]
fn fields() {
    run(FIELDS);
}

#[test]
fn host() {
    run(HOST);
}

#[test]
fn framing_and_smuggling() {
    run(FRAMING);
}

#[test]
fn chunked() {
    run(CHUNKED);
}

#[test]
fn line_endings() {
    run(LINE_ENDINGS);
}

#[test]
fn connection_management() {
    run(CONNECTION);
}

#[test]
fn limits() {
    run(LIMITS);
}

#[test]
fn the_table_is_large_enough() {
    let all = [
        REQUEST_LINE,
        FIELDS,
        HOST,
        FRAMING,
        CHUNKED,
        LINE_ENDINGS,
        CONNECTION,
        LIMITS,
    ];
    let n: usize = all.iter().map(|t| t.len()).sum();
    println!("{n} cases");
    assert!(n >= 220, "{n} cases");
}
