//! Properties of the engine as plain functions, shared by proptest and the fuzz targets.
//!
//! Nothing here depends on a generator: each property takes plain data (bytes, split offsets,
//! a [`Config`], a [`GenRequest`], a script) and panics when the engine breaks it, so a
//! proptest strategy and a fuzzer's `arbitrary` input can drive it alike.
//!
//! - [`split_invariance`], [`split_invariance_with`], [`byte_at_a_time_matches_whole`]: the
//!   server's events, error and answer do not depend on how the input is split.
//! - [`suffix_does_not_change_prefix`]: where a message ends, and any error before it, does not
//!   depend on the bytes after it (the request-smuggling property).
//! - [`driver_contract`]: a server that waits for bytes always has a deadline, an idle one
//!   always has one, and a driver that stops reading once [`Connection::wants_read`] says so
//!   sees exactly what one that keeps feeding sees.
//! - [`valid_request_accepted`], [`pipelined_requests_in_order`]: valid requests (built with
//!   [`GenRequest`] and [`encode`]) are accepted and parsed back exactly, whatever the split;
//!   [`truncation_is_only_incomplete`]: any prefix of them is refused, if at all, only as
//!   incomplete.
//! - [`limits_outcome`]: with any limits, a valid request is accepted or refused exactly as
//!   [`expected_outcome`] computes from its layout, whatever the split.
//! - [`backpressure`]: while a pipelined request waits for its answer, the engine asks for
//!   bytes exactly until a head's worth is buffered, and then parses everything it was given.
//!
//! - [`api_sequence`]: any sequence of API calls, on either role, neither panics nor leaves a
//!   refused call's mark, and the state the engine reports stays consistent.
//!
//! [`mutate`] turns a valid request into near-miss garbage.

use crate::{Transcript, serve, serve_with};
use bytes::Bytes;
use http_core::{
    Config, Connection, Event, HalfState, Headers, Instant, Limits, Polled, RemoteError,
    ResponseHead, Version,
};

// ----- byte classes -----

/// `tchar` (RFC 9110 §5.6.2): the bytes of a token (methods, field names, extension names).
pub const TCHARS: &[u8] =
    b"!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/// The bytes an origin-form target may hold outside `%`-escapes: `pchar` without
/// `pct-encoded`, plus `/` and `?` (RFC 3986 §3.3, §3.4).
pub const PATH_CHARS: &[u8] =
    b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~!$&'()*+,;=:@/?";

/// The bytes a `reg-name` may hold outside `%`-escapes: `unreserved / sub-delims`
/// (RFC 3986 §3.2.2).
pub const HOST_CHARS: &[u8] =
    b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~!$&'()*+,;=";

/// Hex digits, both cases.
pub const HEXDIG: &[u8] = b"0123456789abcdefABCDEF";

/// Field names a generated extra field may not have: they change framing, routing,
/// persistence or expectations, so [`GenRequest`] sets them itself (Host and Connection are
/// allowed in [`GenRequest::fields`], with valid values).
pub const RESERVED_FIELDS: &[&str] = &[
    "host",
    "content-length",
    "transfer-encoding",
    "connection",
    "expect",
    "upgrade",
];

/// Fields a trailer section may not carry (RFC 9110 §6.5.1), as the engine refuses them.
pub const FORBIDDEN_TRAILERS: &[&str] = &[
    "transfer-encoding",
    "content-length",
    "trailer",
    "host",
    "connection",
    "keep-alive",
    "proxy-connection",
    "te",
    "upgrade",
    "expect",
    "max-forwards",
    "range",
    "if-match",
    "if-none-match",
    "if-modified-since",
    "if-unmodified-since",
    "if-range",
    "authorization",
    "proxy-authorization",
    "www-authenticate",
    "proxy-authenticate",
    "cookie",
    "set-cookie",
    "content-type",
    "content-encoding",
    "content-range",
];

/// Whether `b` is a `tchar`.
pub fn is_tchar(b: u8) -> bool {
    TCHARS.contains(&b)
}

/// Whether `s` is a `token`.
pub fn is_token(s: &[u8]) -> bool {
    !s.is_empty() && s.iter().all(|&b| is_tchar(b))
}

/// Whether `b` may appear inside a field value: `field-vchar` (VCHAR or obs-text), SP or HTAB
/// (RFC 9110 §5.5).
pub fn is_value_byte(b: u8) -> bool {
    b == b' ' || b == b'\t' || (b > 0x20 && b != 0x7f)
}

fn is_ows(b: u8) -> bool {
    b == b' ' || b == b'\t'
}

fn trim_ows(mut s: &[u8]) -> &[u8] {
    while let [b' ' | b'\t', rest @ ..] = s {
        s = rest;
    }
    while let [rest @ .., b' ' | b'\t'] = s {
        s = rest;
    }
    s
}

fn is_named(name: &[u8], list: &[&str]) -> bool {
    list.iter().any(|n| n.as_bytes().eq_ignore_ascii_case(name))
}

// ----- structured requests -----

/// One field line: `name ":" lead value trail CRLF`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct GenField {
    /// The name, a token.
    pub name: Vec<u8>,
    /// The value's bytes (any [`is_value_byte`]).
    pub value: Vec<u8>,
    /// Whitespace (SP / HTAB) sent before the value.
    pub lead: Vec<u8>,
    /// Whitespace (SP / HTAB) sent after the value.
    pub trail: Vec<u8>,
}

impl GenField {
    /// A field with one space before its value.
    pub fn new(name: impl AsRef<[u8]>, value: impl AsRef<[u8]>) -> Self {
        Self {
            name: name.as_ref().to_vec(),
            value: value.as_ref().to_vec(),
            lead: b" ".to_vec(),
            trail: Vec::new(),
        }
    }

    /// The value as a recipient reports it: everything after the colon, OWS trimmed
    /// (RFC 9112 §5.1).
    pub fn parsed_value(&self) -> Vec<u8> {
        let mut all = self.lead.clone();
        all.extend_from_slice(&self.value);
        all.extend_from_slice(&self.trail);
        trim_ows(&all).to_vec()
    }

    /// The bytes of the field line, CRLF included.
    pub fn line_len(&self) -> usize {
        self.name.len() + 1 + self.lead.len() + self.value.len() + self.trail.len() + 2
    }

    fn encode(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.name);
        out.push(b':');
        out.extend_from_slice(&self.lead);
        out.extend_from_slice(&self.value);
        out.extend_from_slice(&self.trail);
        out.extend_from_slice(b"\r\n");
    }

    fn is_valid(&self) -> bool {
        is_token(&self.name)
            && self.value.iter().all(|&b| is_value_byte(b))
            && self.lead.iter().all(|&b| is_ows(b))
            && self.trail.iter().all(|&b| is_ows(b))
    }
}

/// One chunk extension: `BWS ";" BWS name [ BWS "=" BWS value ]` (RFC 9112 §7.1.1).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct GenExt {
    /// The name, a token.
    pub name: Vec<u8>,
    /// The value, if any: sent as a token when it is one and `quoted` is false, else as a
    /// quoted-string (with `"` and `\` escaped). Its bytes are [`is_value_byte`]s.
    pub value: Option<Vec<u8>>,
    /// Quote the value even when it is a token.
    pub quoted: bool,
    /// Where whitespace goes, one bit each: before `;`, after `;`, before `=`, after `=`; bit 4
    /// makes it a tab rather than a space; bit 5 escapes every byte of a quoted value.
    pub bws: u8,
}

impl GenExt {
    fn encode(&self, out: &mut Vec<u8>) {
        let ws = if self.bws & 16 != 0 { b'\t' } else { b' ' };
        let pad = |out: &mut Vec<u8>, bit: u8| {
            if self.bws & bit != 0 {
                out.push(ws);
            }
        };
        pad(out, 1);
        out.push(b';');
        pad(out, 2);
        out.extend_from_slice(&self.name);
        if let Some(v) = &self.value {
            pad(out, 4);
            out.push(b'=');
            pad(out, 8);
            if self.quoted || !is_token(v) {
                out.push(b'"');
                for &b in v {
                    if b == b'"' || b == b'\\' || self.bws & 32 != 0 {
                        out.push(b'\\');
                    }
                    out.push(b);
                }
                out.push(b'"');
            } else {
                out.extend_from_slice(v);
            }
        }
    }

    fn is_valid(&self) -> bool {
        is_token(&self.name)
            && self
                .value
                .as_ref()
                .is_none_or(|v| v.iter().all(|&b| is_value_byte(b)))
    }
}

/// One chunk: `size [ ext ] CRLF data CRLF`; the last chunk has no data and size 0.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct GenChunk {
    /// The data, never empty except in the last chunk (where it is ignored).
    pub data: Vec<u8>,
    /// Leading zeros before the size.
    pub zeros: usize,
    /// Upper-case hex digits.
    pub upper: bool,
    /// Its extensions.
    pub ext: Vec<GenExt>,
}

impl GenChunk {
    fn encode_size_line(&self, size: usize, out: &mut Vec<u8>) {
        out.extend(std::iter::repeat_n(b'0', self.zeros));
        let hex = if self.upper {
            format!("{size:X}")
        } else {
            format!("{size:x}")
        };
        out.extend_from_slice(hex.as_bytes());
        for e in &self.ext {
            e.encode(out);
        }
        out.extend_from_slice(b"\r\n");
    }

    fn size_line(&self, size: usize) -> Vec<u8> {
        let mut v = Vec::new();
        self.encode_size_line(size, &mut v);
        v
    }

    /// The extension bytes of its size line (everything between the size and the CRLF).
    pub fn ext_len(&self) -> usize {
        let mut v = Vec::new();
        for e in &self.ext {
            e.encode(&mut v);
        }
        v.len()
    }
}

/// How a generated request's body is framed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum GenBody {
    /// No body and no framing field.
    Empty,
    /// `Content-Length` (with `zeros` leading zeros), then the data.
    Length {
        /// The body.
        data: Vec<u8>,
        /// Leading zeros of the length.
        zeros: usize,
    },
    /// `Transfer-Encoding: chunked`, the chunks, the last chunk and the trailer section.
    Chunked {
        /// The data chunks, each non-empty.
        chunks: Vec<GenChunk>,
        /// The last chunk (its data is ignored).
        last: GenChunk,
        /// The trailer fields.
        trailers: Vec<GenField>,
    },
}

/// A request described field by field, which [`encode`] serializes. Valid (see
/// [`is_valid`](Self::is_valid)) when built from the allowed byte classes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GenRequest {
    /// Empty lines (CRLF) before the request line, which a server ignores (RFC 9112 §2.2).
    pub leading_crlf: usize,
    /// The method, a token other than `CONNECT`.
    pub method: Vec<u8>,
    /// An origin-form target.
    pub target: Vec<u8>,
    /// The minor version digit: `HTTP/1.<minor>`; 0 is HTTP/1.0, anything else reads as 1.1.
    pub minor: u8,
    /// The fields in order, Host and Connection included, framing fields excluded.
    pub fields: Vec<GenField>,
    /// Where the framing field goes among `fields` (modulo their number + 1).
    pub framing_at: usize,
    /// Spelling of the framing field: bit 0 lower-cases its name, bit 1 upper-cases `CHUNKED`.
    pub framing_case: u8,
    /// The body and its framing.
    pub body: GenBody,
}

impl GenRequest {
    /// A bodiless `GET` of `target` with a Host field.
    pub fn get(target: &str) -> Self {
        Self {
            leading_crlf: 0,
            method: b"GET".to_vec(),
            target: target.as_bytes().to_vec(),
            minor: 1,
            fields: vec![GenField::new("Host", "example.com")],
            framing_at: 0,
            framing_case: 0,
            body: GenBody::Empty,
        }
    }

    /// The version the engine reports.
    pub fn version(&self) -> Version {
        if self.minor == 0 {
            Version::Http10
        } else {
            Version::Http11
        }
    }

    /// The framing field, if the body has one.
    pub fn framing_field(&self) -> Option<GenField> {
        let lower = self.framing_case & 1 != 0;
        match &self.body {
            GenBody::Empty => None,
            GenBody::Length { data, zeros } => {
                let mut v = vec![b'0'; *zeros];
                v.extend_from_slice(data.len().to_string().as_bytes());
                let name = if lower {
                    "content-length"
                } else {
                    "Content-Length"
                };
                Some(GenField::new(name, v))
            }
            GenBody::Chunked { .. } => {
                let name = if lower {
                    "transfer-encoding"
                } else {
                    "Transfer-Encoding"
                };
                let value = if self.framing_case & 2 != 0 {
                    "CHUNKED"
                } else {
                    "chunked"
                };
                Some(GenField::new(name, value))
            }
        }
    }

    /// Every field line of the head, in the order sent.
    pub fn all_fields(&self) -> Vec<GenField> {
        let mut all = self.fields.clone();
        if let Some(f) = self.framing_field() {
            all.insert(self.framing_at % (self.fields.len() + 1), f);
        }
        all
    }

    /// The body's bytes once decoded.
    pub fn body_bytes(&self) -> Vec<u8> {
        match &self.body {
            GenBody::Empty => Vec::new(),
            GenBody::Length { data, .. } => data.clone(),
            GenBody::Chunked { chunks, .. } => chunks.iter().flat_map(|c| c.data.clone()).collect(),
        }
    }

    /// The trailer fields as (name, value) once parsed.
    pub fn parsed_trailers(&self) -> Vec<(Vec<u8>, Vec<u8>)> {
        match &self.body {
            GenBody::Chunked { trailers, .. } => trailers
                .iter()
                .map(|f| (f.name.clone(), f.parsed_value()))
                .collect(),
            _ => Vec::new(),
        }
    }

    /// The head's fields as (name, value) once parsed.
    pub fn parsed_fields(&self) -> Vec<(Vec<u8>, Vec<u8>)> {
        self.all_fields()
            .iter()
            .map(|f| (f.name.clone(), f.parsed_value()))
            .collect()
    }

    fn connection_has(&self, token: &str) -> bool {
        self.fields
            .iter()
            .filter(|f| f.name.eq_ignore_ascii_case(b"connection"))
            .flat_map(|f| {
                f.parsed_value()
                    .split(|&b| b == b',')
                    .map(|e| trim_ows(e).to_vec())
                    .collect::<Vec<_>>()
            })
            .any(|e| e.eq_ignore_ascii_case(token.as_bytes()))
    }

    /// Whether the connection stays open after this request (RFC 9112 §9.3).
    pub fn persistent(&self) -> bool {
        !self.connection_has("close") && (self.minor != 0 || self.connection_has("keep-alive"))
    }

    /// Whether the server is asked for a 100 (Continue): an HTTP/1.1 request with
    /// `Expect: 100-continue` and content (RFC 9110 §10.1.1).
    pub fn expects_continue(&self) -> bool {
        let has_content = match &self.body {
            GenBody::Empty => false,
            GenBody::Length { data, .. } => !data.is_empty(),
            GenBody::Chunked { .. } => true,
        };
        self.minor != 0
            && has_content
            && self
                .fields
                .iter()
                .any(|f| f.name.eq_ignore_ascii_case(b"expect"))
    }

    /// The length of the request line, CRLF included.
    pub fn request_line_len(&self) -> usize {
        self.method.len() + 1 + self.target.len() + 1 + 8 + 2
    }

    /// Whether the request is one a server with the default configuration MUST accept:
    /// token method other than CONNECT, origin-form target, one valid Host for HTTP/1.1 (at
    /// most one for 1.0), fields of allowed bytes with no reserved name but Host, Connection
    /// (a token list) and `Expect: 100-continue`, chunked only in HTTP/1.1, non-empty data chunks, allowed trailers. Sizes
    /// are not checked against the default limits.
    pub fn is_valid(&self) -> bool {
        let hosts: Vec<&GenField> = self
            .fields
            .iter()
            .filter(|f| f.name.eq_ignore_ascii_case(b"host"))
            .collect();
        let host_ok = match hosts.as_slice() {
            [] => self.minor == 0,
            [h] => is_host_field(&h.parsed_value()),
            _ => false,
        };
        let fields_ok = self.fields.iter().all(|f| {
            f.is_valid()
                && (!is_named(&f.name, RESERVED_FIELDS)
                    || f.name.eq_ignore_ascii_case(b"host")
                    || (f.name.eq_ignore_ascii_case(b"expect")
                        && f.parsed_value().eq_ignore_ascii_case(b"100-continue"))
                    || (f.name.eq_ignore_ascii_case(b"connection")
                        && f.parsed_value()
                            .split(|&b| b == b',')
                            .all(|e| trim_ows(e).is_empty() || is_token(trim_ows(e)))))
        });
        let body_ok = match &self.body {
            GenBody::Empty => true,
            GenBody::Length { .. } => true,
            GenBody::Chunked {
                chunks,
                last,
                trailers,
            } => {
                self.minor != 0
                    && chunks
                        .iter()
                        .all(|c| !c.data.is_empty() && c.ext.iter().all(GenExt::is_valid))
                    && last.ext.iter().all(GenExt::is_valid)
                    && trailers
                        .iter()
                        .all(|t| t.is_valid() && !is_named(&t.name, FORBIDDEN_TRAILERS))
            }
        };
        is_token(&self.method)
            && self.method != b"CONNECT"
            && is_origin_form(&self.target)
            && self.minor <= 9
            && host_ok
            && fields_ok
            && body_ok
    }
}

/// `absolute-path [ "?" query ]` with no byte outside the URI grammar (RFC 9112 §3.2.1).
pub fn is_origin_form(t: &[u8]) -> bool {
    t.first() == Some(&b'/') && uri_bytes_ok(t, PATH_CHARS)
}

fn uri_bytes_ok(t: &[u8], allowed: &[u8]) -> bool {
    let mut i = 0;
    while i < t.len() {
        if t[i] == b'%' {
            match t.get(i + 1..i + 3) {
                Some([a, b]) if HEXDIG.contains(a) && HEXDIG.contains(b) => i += 3,
                _ => return false,
            }
        } else if allowed.contains(&t[i]) {
            i += 1;
        } else {
            return false;
        }
    }
    true
}

/// `Host = uri-host [ ":" port ]` (RFC 9110 §7.2), empty allowed (RFC 9112 §3.2); ports of at
/// most five digits.
pub fn is_host_field(v: &[u8]) -> bool {
    if v.is_empty() {
        return true;
    }
    let (host, port) = match v.iter().rposition(|&b| b == b':') {
        Some(c) if !v[c..].contains(&b']') => (&v[..c], &v[c + 1..]),
        _ => (v, &b""[..]),
    };
    if port.len() > 5 || !port.iter().all(u8::is_ascii_digit) {
        return false;
    }
    match host {
        [] => false,
        [b'[', inner @ .., b']'] => {
            !inner.is_empty()
                && inner
                    .iter()
                    .all(|&b| b == b':' || (HOST_CHARS.contains(&b) && b != b'%'))
        }
        _ => uri_bytes_ok(host, HOST_CHARS),
    }
}

/// Serializes `req` to the bytes a client sends.
pub fn encode(req: &GenRequest) -> Vec<u8> {
    let mut out = Vec::new();
    for _ in 0..req.leading_crlf {
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(&req.method);
    out.push(b' ');
    out.extend_from_slice(&req.target);
    out.extend_from_slice(b" HTTP/1.");
    out.push(b'0' + req.minor.min(9));
    out.extend_from_slice(b"\r\n");
    for f in req.all_fields() {
        f.encode(&mut out);
    }
    out.extend_from_slice(b"\r\n");
    match &req.body {
        GenBody::Empty => {}
        GenBody::Length { data, .. } => out.extend_from_slice(data),
        GenBody::Chunked {
            chunks,
            last,
            trailers,
        } => {
            for c in chunks {
                c.encode_size_line(c.data.len(), &mut out);
                out.extend_from_slice(&c.data);
                out.extend_from_slice(b"\r\n");
            }
            last.encode_size_line(0, &mut out);
            for t in trailers {
                t.encode(&mut out);
            }
            out.extend_from_slice(b"\r\n");
        }
    }
    out
}

/// Several requests, one after another on one connection.
pub fn encode_all(reqs: &[GenRequest]) -> Vec<u8> {
    reqs.iter().flat_map(encode).collect()
}

// ----- checking what the server made of valid requests -----

fn lossy(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn pairs(h: &Headers) -> Vec<(Vec<u8>, Vec<u8>)> {
    h.iter().map(|(n, v)| (n.to_vec(), v.to_vec())).collect()
}

/// Asserts that `t` is what a server does with `req` alone: no error, the head parsed back
/// exactly (method, target, version, fields in order), the body, the trailers, one answer,
/// and the close at the end of input.
#[track_caller]
pub fn check_parsed_matches(req: &GenRequest, t: &Transcript) {
    check_pipeline_parsed(std::slice::from_ref(req), t);
}

/// Asserts that `t` is what a server does with `reqs` sent back to back: each request up to
/// the first that does not keep the connection is parsed back exactly, in order, and answered
/// once; the rest is ignored; the end of input closes.
#[track_caller]
pub fn check_pipeline_parsed(reqs: &[GenRequest], t: &Transcript) {
    assert_eq!(t.error, None, "a valid request was refused: {t:?}");
    let served = reqs
        .iter()
        .position(|r| !r.persistent())
        .map_or(reqs.len(), |i| i + 1);
    let mut events = t.events.iter();
    for (i, req) in reqs[..served].iter().enumerate() {
        let head = match events.next() {
            Some(Event::Request(h)) => h,
            other => panic!("request {i}: expected its head, got {other:?} in {t:?}"),
        };
        assert_eq!(
            (lossy(&head.method), lossy(&head.target), head.version),
            (lossy(&req.method), lossy(&req.target), req.version()),
            "request {i}: start line"
        );
        assert_eq!(
            pairs(&head.headers),
            req.parsed_fields(),
            "request {i}: fields"
        );
        let body = req.body_bytes();
        if !body.is_empty() {
            match events.next() {
                Some(Event::Data(d)) => assert_eq!(lossy(d), lossy(&body), "request {i}: body"),
                other => panic!("request {i}: expected its body, got {other:?}"),
            }
        }
        match events.next() {
            Some(Event::End(trailers)) => {
                assert_eq!(
                    pairs(trailers),
                    req.parsed_trailers(),
                    "request {i}: trailers"
                );
            }
            other => panic!("request {i}: expected its end, got {other:?}"),
        }
    }
    assert_eq!(
        events.as_slice(),
        [Event::Closed],
        "after the requests: only the close"
    );
    let count = |s: &[u8]| t.wire.windows(s.len()).filter(|w| *w == s).count();
    let continues = count(b"HTTP/1.1 100 Continue\r\n");
    let expected = reqs[..served]
        .iter()
        .filter(|r| r.expects_continue())
        .count();
    assert_eq!(
        continues, expected,
        "a 100 (Continue) per request expecting one"
    );
    let answers = count(b"HTTP/1.1 ") - continues;
    assert_eq!(answers, served, "one answer per request: {t:?}");
    assert_eq!(
        count(b"HTTP/1.1 200 OK\r\n"),
        served,
        "each answered 200: {t:?}"
    );
}

// ----- splitting -----

/// `input` cut at `splits` (sorted, deduplicated, those past the end dropped). Empty pieces
/// (at 0 or at the end) are kept: feeding nothing must change nothing.
pub fn pieces<'a>(input: &'a [u8], splits: &[usize]) -> Vec<&'a [u8]> {
    let mut at: Vec<usize> = splits
        .iter()
        .copied()
        .filter(|&s| s <= input.len())
        .collect();
    at.sort_unstable();
    at.dedup();
    let mut out = Vec::with_capacity(at.len() + 1);
    let mut from = 0;
    for a in at {
        out.push(&input[from..a]);
        from = a;
    }
    out.push(&input[from..]);
    out
}

/// Serves `input` whole and cut at `splits` with the default application; panics if the
/// transcripts differ. Returns the whole input's transcript.
#[track_caller]
pub fn split_invariance(input: &[u8], splits: &[usize], cfg: Config) -> Transcript {
    split_invariance_with(input, splits, cfg, &[])
}

/// [`split_invariance`] with the scripted application of [`crate::Script`].
#[track_caller]
pub fn split_invariance_with(
    input: &[u8],
    splits: &[usize],
    cfg: Config,
    script: &[u8],
) -> Transcript {
    let whole = serve_with(&[input], cfg, script);
    let split = serve_with(&pieces(input, splits), cfg, script);
    assert_eq!(
        whole,
        split,
        "split at {:?} changed the outcome of {:?}",
        pieces(input, splits)
            .iter()
            .map(|p| p.len())
            .collect::<Vec<_>>(),
        lossy(input)
    );
    whole
}

/// Serves `input` whole and one byte at a time; panics if the transcripts differ.
#[track_caller]
pub fn byte_at_a_time_matches_whole(input: &[u8], cfg: Config) -> Transcript {
    let whole = serve(&[input], cfg);
    let bytes: Vec<&[u8]> = input.chunks(1).collect();
    assert_eq!(
        whole,
        serve(&bytes, cfg),
        "one byte at a time changed the outcome of {:?}",
        lossy(input)
    );
    whole
}

/// Where a message ends must not depend on what follows it: unless `input` ends inside a
/// message, `input` followed by `suffix` gives the same events first (the close aside), and
/// the same error if `input` had one.
#[track_caller]
pub fn suffix_does_not_change_prefix(input: &[u8], suffix: &[u8], cfg: Config) {
    let whole = serve(&[input], cfg);
    if whole.error == Some(RemoteError::IncompleteMessage) {
        return;
    }
    let mut longer = input.to_vec();
    longer.extend_from_slice(suffix);
    let t = serve(&[&longer], cfg);
    let own = match whole.events.split_last() {
        Some((Event::Closed, rest)) => rest,
        _ => &whole.events[..],
    };
    assert_eq!(
        t.events.get(..own.len()),
        Some(own),
        "the bytes after {:?} changed its events",
        lossy(input)
    );
    if whole.error.is_some() {
        assert_eq!(
            t.error,
            whole.error,
            "the bytes after {:?} changed its error",
            lossy(input)
        );
    }
}

// ----- valid requests -----

/// Every prefix of valid input is a valid beginning: cut at `cut`, it gives no error but
/// [`RemoteError::IncompleteMessage`] (none when the cut falls between messages), and its
/// events are the first events of the whole input (the last body piece possibly shorter).
#[track_caller]
pub fn truncation_is_only_incomplete(valid: &[u8], cut: usize, cfg: Config) {
    let whole = serve(&[valid], cfg);
    assert_eq!(whole.error, None, "not valid input: {whole:?}");
    let part = serve(&[&valid[..cut.min(valid.len())]], cfg);
    assert!(
        matches!(part.error, None | Some(RemoteError::IncompleteMessage)),
        "a prefix of valid input ({cut} of {} bytes) was refused: {part:?}",
        valid.len()
    );
    let own = match part.events.split_last() {
        Some((Event::Closed, rest)) => rest,
        _ => &part.events[..],
    };
    for (i, e) in own.iter().enumerate() {
        let full = whole.events.get(i);
        match (e, full) {
            (Event::Data(a), Some(Event::Data(b))) if i + 1 == own.len() => {
                assert!(b.starts_with(a), "the cut changed the body: {part:?}");
            }
            _ => assert_eq!(Some(e), full, "the cut at {cut} changed event {i}"),
        }
    }
}

/// A valid request is accepted and parsed back exactly, whatever the split, with `cfg` (any
/// leniency: none changes how valid input reads; limits that admit the request).
#[track_caller]
pub fn valid_request_accepted(req: &GenRequest, splits: &[usize], cfg: Config) -> Transcript {
    let input = encode(req);
    let t = split_invariance(&input, splits, cfg);
    check_parsed_matches(req, &t);
    t
}

/// Requests sent back to back are all parsed, in order, with their bodies, and each answered
/// once, whatever the split.
#[track_caller]
pub fn pipelined_requests_in_order(
    reqs: &[GenRequest],
    splits: &[usize],
    cfg: Config,
) -> Transcript {
    let input = encode_all(reqs);
    let t = split_invariance(&input, splits, cfg);
    check_pipeline_parsed(reqs, &t);
    t
}

// ----- limits -----

/// A line of a section: the error it raises, if its own limit, the count of fields (`extra`:
/// it is a field line past the most allowed) or the section's is crossed. The engine judges
/// a limit at the byte where it is known to be crossed: the line's at its limit's last byte,
/// the count at the line's first, the section's at its last; the one known first wins, on a
/// tie the line's, then the count's.
fn line_check(
    ls: usize,
    len: usize,
    (line_max, line_err): (usize, RemoteError),
    (total_max, total_err): (usize, RemoteError),
    extra: bool,
) -> Result<(), RemoteError> {
    let line_at = (len > line_max).then(|| ls + line_max.max(1) - 1);
    let count_at = extra.then_some(ls);
    let total_at = (ls + len > total_max).then(|| total_max.max(1) - 1);
    [
        (line_at, line_err),
        (count_at, RemoteError::TooManyFields),
        (total_at, total_err),
    ]
    .into_iter()
    .filter_map(|(at, e)| Some((at?, e)))
    .min_by_key(|&(at, _)| at)
    .map_or(Ok(()), |(_, e)| Err(e))
}

/// A start line's limit crossed while its method is still coming, `method` bytes long
/// (RFC 9112 §3: a method longer than any implemented is 501), or the error as it is.
fn in_method(e: RemoteError, method: usize, line_max: usize) -> RemoteError {
    if e == RemoteError::RequestLineTooLong && line_max.max(1) - 1 < method {
        RemoteError::MethodTooLong
    } else {
        e
    }
}

/// The sizes of a request that its limits are judged by, each as [`Limits`] counts it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Measure {
    /// The request line, CRLF included.
    pub request_line: usize,
    /// The longest field line of the head or the trailers (the empty lines included).
    pub field_line: usize,
    /// The head from the request line to its empty line.
    pub head: usize,
    /// The most field lines in the head or in the trailer section.
    pub fields: usize,
    /// The longest chunk-size line, CRLF included (0 unless chunked).
    pub chunk_line: usize,
    /// All chunk-extension bytes together.
    pub chunk_extensions: usize,
    /// The trailer section, its empty line included (0 unless chunked).
    pub trailers: usize,
    /// The decoded body.
    pub body: usize,
}

/// The sizes of `req` that limits apply to.
pub fn measure(req: &GenRequest) -> Measure {
    let fields = req.all_fields();
    let mut m = Measure {
        request_line: req.request_line_len(),
        field_line: fields
            .iter()
            .map(GenField::line_len)
            .max()
            .unwrap_or(0)
            .max(2),
        head: req.request_line_len() + fields.iter().map(GenField::line_len).sum::<usize>() + 2,
        fields: fields.len(),
        body: req.body_bytes().len(),
        ..Measure::default()
    };
    if let GenBody::Chunked {
        chunks,
        last,
        trailers,
    } = &req.body
    {
        let sized = chunks.iter().map(|c| (c, c.data.len())).chain([(last, 0)]);
        for (c, size) in sized {
            m.chunk_line = m.chunk_line.max(c.size_line(size).len());
            m.chunk_extensions += c.ext_len();
        }
        m.trailers = trailers.iter().map(GenField::line_len).sum::<usize>() + 2;
        m.fields = m.fields.max(trailers.len());
        let longest = trailers.iter().map(GenField::line_len).max().unwrap_or(0);
        m.field_line = m.field_line.max(longest);
    }
    m
}

/// What a server with `limits` (and otherwise default configuration) does with the valid
/// request `req`: accept it, or refuse it with the error of the first limit crossed, in
/// wire order (RFC-independent: this follows [`Limits`]' documented semantics, every limit
/// counting bytes on the wire, line terminators included).
pub fn expected_outcome(req: &GenRequest, l: &Limits) -> Result<(), RemoteError> {
    use RemoteError::*;
    let head = (l.max_head, HeadTooLarge);
    let start = (l.max_request_line, RequestLineTooLong);
    for _ in 0..req.leading_crlf {
        // Each ignored empty line is judged as a start line (with no SP, all of it is
        // method), then dropped.
        line_check(0, 2, start, head, false).map_err(|e| in_method(e, 2, start.0))?;
    }
    let mut at = req.request_line_len();
    line_check(0, at, start, head, false).map_err(|e| in_method(e, req.method.len(), start.0))?;
    let fields = req.all_fields();
    for (i, f) in fields.iter().enumerate() {
        let line = (l.max_field_line, FieldLineTooLong);
        line_check(at, f.line_len(), line, head, i >= l.max_fields)?;
        at += f.line_len();
    }
    line_check(at, 2, (l.max_field_line, FieldLineTooLong), head, false)?;
    match &req.body {
        GenBody::Empty => Ok(()),
        GenBody::Length { data, .. } => {
            if data.len() as u64 > l.max_body {
                Err(BodyTooLarge)
            } else {
                Ok(())
            }
        }
        GenBody::Chunked {
            chunks,
            last,
            trailers,
        } => {
            let mut ext = 0;
            let mut body = 0u64;
            let sized = chunks.iter().map(|c| (c, c.data.len())).chain([(last, 0)]);
            for (c, size) in sized {
                // The line's limit and the message's extension bytes: the one crossed first
                // (the line's on a tie), each at the byte where it is known.
                let line = c.size_line(size);
                let digits = line.iter().take_while(|b| b.is_ascii_hexdigit()).count();
                let allowed = l.max_chunk_extensions - ext;
                let line_at = (line.len() > l.max_chunk_line).then(|| l.max_chunk_line.max(1) - 1);
                let ext_at = (c.ext_len() > allowed).then_some(digits + allowed);
                match (line_at, ext_at) {
                    (Some(a), Some(x)) if x < a => return Err(ChunkExtensionsTooLarge),
                    (Some(_), _) => return Err(ChunkLineTooLong),
                    (None, Some(_)) => return Err(ChunkExtensionsTooLarge),
                    (None, None) => {}
                }
                ext += c.ext_len();
                body += size as u64;
                if body > l.max_body {
                    return Err(BodyTooLarge);
                }
            }
            let section = (l.max_trailers, TrailersTooLarge);
            let line = (l.max_field_line, FieldLineTooLong);
            let mut at = 0;
            for (i, f) in trailers.iter().enumerate() {
                line_check(at, f.line_len(), line, section, i >= l.max_fields)?;
                at += f.line_len();
            }
            line_check(at, 2, line, section, false)
        }
    }
}

/// With `cfg`'s limits, the valid request `req` is accepted (and parsed back exactly) or
/// refused with the error [`expected_outcome`] names, answered with that error's status,
/// whatever the split.
#[track_caller]
pub fn limits_outcome(req: &GenRequest, splits: &[usize], cfg: Config) -> Transcript {
    let input = encode(req);
    let t = split_invariance(&input, splits, cfg);
    match expected_outcome(req, &cfg.limits) {
        Ok(()) => check_parsed_matches(req, &t),
        Err(e) => {
            assert_eq!(
                t.error,
                Some(e),
                "with {:?}, {:?}: {t:?}",
                cfg.limits,
                lossy(&input)
            );
            // After any 100 (Continue), the error's answer.
            let mut rest = &t.wire[..];
            while let Some(r) = rest.strip_prefix(&b"HTTP/1.1 100 Continue\r\n\r\n"[..]) {
                rest = r;
            }
            let status = rest
                .strip_prefix(b"HTTP/1.1 ")
                .and_then(|w| std::str::from_utf8(w.get(..3)?).ok()?.parse().ok());
            assert_eq!(status, e.status_hint(), "the answer to {e:?}: {t:?}");
        }
    }
    t
}

// ----- the driver's contract -----

/// A minimal application for [`driver_contract`]: one choice byte per request, cycling (bit 0
/// refuses 100-continue, bit 1 answers as soon as the head is read); it answers `200` with a
/// Content-Length body `ok`.
#[derive(Debug)]
struct App<'a> {
    script: &'a [u8],
    next: usize,
    pending: bool,
}

impl App<'_> {
    fn choice(&mut self) -> u8 {
        let c = match self.script {
            [] => 0,
            s => s[self.next % s.len()],
        };
        self.next += 1;
        c
    }
}

fn answer(conn: &mut Connection) {
    let mut res = ResponseHead::new(200);
    res.headers.append("Content-Length", "2");
    conn.send_response(res).expect("send response");
    conn.send_data(Bytes::from_static(b"ok"))
        .expect("send data");
    conn.send_end(Headers::new()).expect("send end");
}

fn record(t: &mut Transcript, e: Event) {
    match (&e, t.events.last_mut()) {
        (Event::Data(new), Some(Event::Data(last))) => {
            let mut joined = last.to_vec();
            joined.extend_from_slice(new);
            *last = Bytes::from(joined);
        }
        (Event::Closed, Some(Event::Closed)) => {}
        _ => t.events.push(e),
    }
}

/// Polls until the engine waits; returns what it waits for (`None` after a close or an error).
fn run_app(conn: &mut Connection, t: &mut Transcript, app: &mut App<'_>) -> Option<Polled> {
    let waits = loop {
        match conn.poll_event() {
            Ok(Polled::Event(Event::Closed)) => {
                record(t, Event::Closed);
                break None;
            }
            Ok(Polled::Event(e)) => {
                match &e {
                    Event::Request(_) => {
                        let c = app.choice();
                        if conn.expects_continue() && c & 1 == 0 {
                            conn.send_continue().expect("send 100");
                        }
                        if c & 2 != 0 {
                            answer(conn);
                        } else {
                            app.pending = true;
                        }
                    }
                    Event::End(_) if app.pending => {
                        app.pending = false;
                        answer(conn);
                    }
                    _ => {}
                }
                record(t, e);
            }
            Ok(p) => break Some(p),
            Err(e) => {
                if t.error.is_none() {
                    t.error = Some(e);
                    conn.send_error_response().expect("send error response");
                }
                break None;
            }
        }
    };
    while let Some(piece) = conn.poll_transmit() {
        t.wire.extend_from_slice(&piece);
    }
    waits
}

/// Checks what a driver relies on when the engine waits for bytes.
#[track_caller]
fn check_waiting(conn: &Connection, waits: Option<Polled>, what: &str) {
    if conn.error().is_some() || conn.should_close() {
        return;
    }
    let deadline = conn.poll_timeout();
    if (conn.our_state(), conn.their_state()) == (HalfState::Idle, HalfState::Idle) {
        assert!(deadline.is_some(), "{what}: an idle server has no deadline");
    }
    if waits == Some(Polled::NeedData) && conn.wants_read() {
        assert!(
            deadline.is_some(),
            "{what}: the server waits for bytes with no deadline (ours {:?}, theirs {:?})",
            conn.our_state(),
            conn.their_state()
        );
    }
}

fn drive(pieces: &[&[u8]], cfg: Config, script: &[u8], honour_wants_read: bool) -> Transcript {
    let mut conn = Connection::server(cfg, Instant::ZERO);
    let mut t = Transcript::default();
    let mut app = App {
        script,
        next: 0,
        pending: false,
    };
    let waits = run_app(&mut conn, &mut t, &mut app);
    check_waiting(&conn, waits, "before any byte");
    for (i, piece) in pieces.iter().enumerate() {
        if honour_wants_read && !conn.wants_read() {
            break;
        }
        conn.feed(Instant::ZERO, piece);
        let waits = run_app(&mut conn, &mut t, &mut app);
        check_waiting(&conn, waits, &format!("after piece {i}"));
    }
    conn.feed_eof();
    run_app(&mut conn, &mut t, &mut app);
    assert!(
        !conn.wants_read(),
        "the engine wants bytes after the end of input"
    );
    t
}

/// The driver's contract, for any input, split and application script:
///
/// - whenever the server waits for bytes (it wants to read, has not failed and need not
///   close), [`Connection::poll_timeout`] gives a deadline, so no peer can hold a connection
///   open for ever by sending nothing; an idle server always has one;
/// - once [`Connection::wants_read`] is false, nothing more fed changes anything: a driver
///   that stops feeding then sees exactly what a driver that keeps feeding sees.
#[track_caller]
pub fn driver_contract(input: &[u8], splits: &[usize], cfg: Config, script: &[u8]) {
    let pieces = pieces(input, splits);
    let all = drive(&pieces, cfg, script, false);
    let honouring = drive(&pieces, cfg, script, true);
    assert_eq!(
        all,
        honouring,
        "stopping once wants_read() was false changed the outcome of {:?}",
        lossy(input)
    );
}

// ----- back-pressure -----

/// Pipelined valid requests (each persistent) fed `piece` bytes at a time by a driver that
/// honours [`Connection::wants_read`] and answers a request only once the engine stops asking
/// for bytes (or the input is exhausted): while a request waits for its answer, the engine
/// asks for more exactly while less than `cfg.limits.max_head` bytes are buffered (so it never
/// holds more than `max_head + piece - 1`), and every request is still parsed back exactly.
#[track_caller]
pub fn backpressure(reqs: &[GenRequest], piece: usize, cfg: Config) {
    assert!(reqs.iter().all(GenRequest::persistent));
    let input = encode_all(reqs);
    let ends: Vec<usize> = reqs
        .iter()
        .scan(0, |at, r| {
            *at += encode(r).len();
            Some(*at)
        })
        .collect();
    let piece = piece.max(1);
    let max_head = cfg.limits.max_head;
    let mut conn = Connection::server(cfg, Instant::ZERO);
    let mut t = Transcript::default();
    let mut fed = 0;
    let mut eof = false;
    let mut ended = 0; // requests whose end was seen
    let mut unanswered = false;
    let mut most_buffered = 0;
    loop {
        let waits = loop {
            match conn.poll_event() {
                Ok(Polled::Event(e)) => {
                    if let Event::End(_) = e {
                        ended += 1;
                        unanswered = true;
                    }
                    if conn.expects_continue() {
                        conn.send_continue().expect("send 100");
                    }
                    let closed = e == Event::Closed;
                    record(&mut t, e);
                    if closed {
                        break None;
                    }
                }
                Ok(p) => break Some(p),
                Err(e) => {
                    t.error = Some(e);
                    break None;
                }
            }
        };
        while let Some(p) = conn.poll_transmit() {
            t.wire.extend_from_slice(&p);
        }
        match waits {
            None => break,
            Some(Polled::Paused) => {
                assert!(unanswered, "paused with no request to answer");
                let buffered = fed - ends[ended - 1];
                most_buffered = most_buffered.max(buffered);
                assert_eq!(
                    conn.wants_read(),
                    buffered < max_head,
                    "paused with {buffered} bytes buffered and max_head {max_head}"
                );
                if conn.wants_read() && fed < input.len() {
                    let n = piece.min(input.len() - fed);
                    conn.feed(Instant::ZERO, &input[fed..fed + n]);
                    fed += n;
                } else {
                    unanswered = false;
                    answer(&mut conn);
                }
            }
            Some(p) => {
                assert!(!eof, "waits for {p:?} after the end of input");
                assert!(conn.wants_read(), "waits for {p:?} but wants no bytes");
                if fed < input.len() {
                    let n = piece.min(input.len() - fed);
                    conn.feed(Instant::ZERO, &input[fed..fed + n]);
                    fed += n;
                } else {
                    eof = true;
                    conn.feed_eof();
                }
            }
        }
    }
    while let Some(p) = conn.poll_transmit() {
        t.wire.extend_from_slice(&p);
    }
    assert!(
        most_buffered < max_head + piece,
        "{most_buffered} bytes buffered while paused"
    );
    check_pipeline_parsed(reqs, &t);
}

// ----- any sequence of calls -----

/// Pieces of requests and responses, whole and cut, valid and not, that [`api_sequence`]
/// feeds a connection.
const FRAGMENTS: &[&[u8]] = &[
    b"GET / HTTP/1.1\r\nHost: a\r\n\r\n",
    b"POST /x HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhello",
    b"POST /x HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\nX: y\r\n\r\n",
    b"POST /x HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\nContent-Length: 3\r\n\r\n",
    b"GET /ws HTTP/1.1\r\nHost: a\r\nUpgrade: x\r\nConnection: upgrade\r\n\r\n",
    b"CONNECT a:443 HTTP/1.1\r\nHost: a:443\r\n\r\n",
    b"GET / HTTP/1.0\r\n\r\n",
    b"HEAD / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n",
    b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi",
    b"HTTP/1.1 100 Continue\r\n\r\n",
    b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: x\r\nConnection: upgrade\r\n\r\n",
    b"HTTP/1.1 204 No Content\r\n\r\n",
    b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nhi\r\n0\r\n\r\n",
    b"HTTP/1.1 413 Content Too Large\r\nConnection: close\r\n\r\n",
    b"abc",
    b"5\r\nhello\r\n",
    b"0\r\n\r\n",
    b"\r\n",
    b"GET / HTTP/1.1\r\nHo",
    b"\x00\xffGARBAGE",
];

/// What a connection says of itself, to compare before and after a refused call.
fn snapshot(c: &Connection) -> (HalfState, HalfState, usize, bool, bool) {
    (
        c.our_state(),
        c.their_state(),
        c.transmit_len(),
        c.is_reusable(),
        c.should_close(),
    )
}

/// The invariants that hold whatever was called before.
fn check_invariants(c: &Connection, step: usize) {
    let pieces: Vec<&[u8]> = c.transmit_pieces().collect();
    assert_eq!(
        pieces.iter().map(|p| p.len()).sum::<usize>(),
        c.transmit_len(),
        "step {step}: transmit_len"
    );
    assert!(
        pieces.iter().all(|p| !p.is_empty()),
        "step {step}: an empty piece"
    );
    assert_eq!(c.has_transmit(), !pieces.is_empty(), "step {step}");
    if c.is_idle() {
        assert!(c.is_reusable(), "step {step}: idle but not reusable");
    }
    if c.is_reusable() {
        assert!(c.keep_alive(), "step {step}: reusable but not kept alive");
    }
    if c.error().is_some() {
        assert!(!c.is_reusable(), "step {step}: reusable after an error");
        assert!(!c.keep_alive(), "step {step}: kept alive after an error");
        assert_eq!(
            c.poll_timeout(),
            None,
            "step {step}: a deadline after an error"
        );
    }
}

/// Any sequence of API calls, read from `script` (a byte picks each call and its argument),
/// on a server (`server`) or a client connection: the engine must not panic; a call it
/// refuses (`LocalError`) changes nothing; once the peer erred, no event comes but `Closed`
/// and the error stays; after `Closed`, only `Closed`; and the state it reports stays
/// consistent (see `check_invariants`).
pub fn api_sequence(server: bool, script: &[u8]) {
    let mut c = if server {
        Connection::server(Config::default(), Instant::ZERO)
    } else {
        Connection::client(Config::default(), Instant::ZERO)
    };
    let mut closed = false;
    let mut bytes = script.iter().copied();
    let mut next = move || bytes.next();
    let mut step = 0;
    while let Some(op) = next() {
        step += 1;
        let arg = usize::from(next().unwrap_or(0));
        let at = Instant::from_duration(core::time::Duration::from_millis(arg as u64 * 700));
        let before = snapshot(&c);
        let refused = match op % 20 {
            0..=2 => {
                c.feed(at, FRAGMENTS[arg % FRAGMENTS.len()]);
                None
            }
            3 => {
                c.feed_eof();
                None
            }
            4..=7 => {
                let error = c.error();
                match c.poll_event() {
                    Ok(Polled::Event(Event::Closed)) => closed = true,
                    Ok(Polled::Event(e)) => {
                        assert!(!closed, "step {step}: {e:?} after Closed");
                        assert!(error.is_none(), "step {step}: {e:?} after an error");
                    }
                    Ok(_) => {}
                    Err(e) => assert!(error.is_none_or(|was| was == e), "step {step}"),
                }
                None
            }
            8 => {
                c.consume_transmit(arg * 7);
                None
            }
            9 => {
                let mut head =
                    http_core::RequestHead::new(["GET", "POST", "CONNECT"][arg % 3], "/");
                head.headers.append("Host", "a");
                if arg % 5 == 0 {
                    head.headers.append("Expect", "100-continue");
                }
                c.send_request(head).err()
            }
            10 => c
                .send_response(ResponseHead::new([100, 101, 200, 204, 304, 400][arg % 6]))
                .err(),
            11 => c.send_empty_response([200, 400, 500, 99][arg % 4]).err(),
            12 => c.send_data(Bytes::from_static(b"data")).err(),
            13 => {
                let mut trailers = Headers::new();
                if arg % 2 == 0 {
                    trailers.append("X-Sum", "1");
                }
                c.send_end(trailers).err()
            }
            14 => c.send_continue().err(),
            15 => {
                let _ = c.discard_body();
                c.body_dropped();
                None
            }
            16 => {
                c.close_after_exchange();
                None
            }
            17 => {
                c.handle_timeout(at);
                None
            }
            18 => {
                c.set_now(at);
                let _ = c.take_leftover();
                None
            }
            _ => {
                if arg % 8 == 0 {
                    c.send_failed();
                }
                let _ = c.send_error_response();
                None
            }
        };
        if let Some(e) = refused {
            assert_eq!(
                snapshot(&c),
                before,
                "step {step}: refused ({e:?}) but changed"
            );
        }
        check_invariants(&c, step);
    }
}

// ----- garbage -----

/// One edit of [`mutate`]; offsets are taken modulo the input's length (+ 1 for insertions).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mutation {
    /// Flip one bit of a byte.
    Flip {
        /// Where.
        at: usize,
        /// Which bit (modulo 8).
        bit: u8,
    },
    /// Overwrite a byte.
    Set {
        /// Where.
        at: usize,
        /// The new byte.
        byte: u8,
    },
    /// Insert a byte.
    Insert {
        /// Where.
        at: usize,
        /// The byte.
        byte: u8,
    },
    /// Delete up to `len` bytes.
    Delete {
        /// Where.
        at: usize,
        /// How many.
        len: usize,
    },
    /// Repeat the line holding `at` (a duplicated field, request line or chunk line).
    DuplicateLine {
        /// Where.
        at: usize,
    },
    /// Cut the input at `at`.
    Truncate {
        /// Where.
        at: usize,
    },
}

/// `input` with `edits` applied in order.
pub fn mutate(input: &[u8], edits: &[Mutation]) -> Vec<u8> {
    let mut v = input.to_vec();
    for m in edits {
        let len = v.len();
        match *m {
            Mutation::Flip { at, bit } if len > 0 => v[at % len] ^= 1 << (bit % 8),
            Mutation::Set { at, byte } if len > 0 => v[at % len] = byte,
            Mutation::Insert { at, byte } => v.insert(at % (len + 1), byte),
            Mutation::Delete { at, len: n } if len > 0 => {
                let from = at % len;
                let to = (from + n).min(len);
                v.drain(from..to);
            }
            Mutation::DuplicateLine { at } if len > 0 => {
                let at = at % len;
                let start = v[..at]
                    .iter()
                    .rposition(|&b| b == b'\n')
                    .map_or(0, |i| i + 1);
                let end = v[at..]
                    .iter()
                    .position(|&b| b == b'\n')
                    .map_or(len, |i| at + i + 1);
                let line = v[start..end].to_vec();
                v.splice(end..end, line);
            }
            Mutation::Truncate { at } => v.truncate(at % (len + 1)),
            _ => {}
        }
    }
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    fn post() -> GenRequest {
        let mut r = GenRequest::get("/a%2Fb?c=d");
        r.method = b"POST".to_vec();
        r.fields.push(GenField {
            name: b"X-Obs".to_vec(),
            value: b"a \xff\x80 b".to_vec(),
            lead: b" \t".to_vec(),
            trail: b"\t".to_vec(),
        });
        r.framing_at = 1;
        r.body = GenBody::Chunked {
            chunks: vec![
                GenChunk {
                    data: b"hello".to_vec(),
                    zeros: 2,
                    upper: false,
                    ext: vec![GenExt {
                        name: b"a".to_vec(),
                        value: Some(b"q \"x\"".to_vec()),
                        quoted: false,
                        bws: 1 | 2 | 4 | 8,
                    }],
                },
                GenChunk {
                    data: vec![b'z'; 26],
                    zeros: 0,
                    upper: true,
                    ext: vec![],
                },
            ],
            last: GenChunk::default(),
            trailers: vec![GenField::new("X-Sum", "1")],
        };
        r
    }

    #[test]
    fn encodes_what_it_describes() {
        let r = post();
        assert!(r.is_valid());
        assert_eq!(
            lossy(&encode(&r)),
            lossy(
                b"POST /a%2Fb?c=d HTTP/1.1\r\nHost: example.com\r\nTransfer-Encoding: chunked\r\n\
                  X-Obs: \ta \xff\x80 b\t\r\n\r\n\
                  005 ; a = \"q \\\"x\\\"\"\r\nhello\r\n1A\r\nzzzzzzzzzzzzzzzzzzzzzzzzzz\r\n\
                  0\r\nX-Sum: 1\r\n\r\n"
            )
        );
        let t = valid_request_accepted(&r, &[3, 40, 90], Config::default());
        assert_eq!(t.body(0).len(), 31);
        assert_eq!(expected_outcome(&r, &Config::default().limits), Ok(()));
    }

    #[test]
    fn the_outcome_follows_the_limits() {
        let r = post();
        let mut cfg = Config::default();
        cfg.limits.max_fields = 2;
        assert_eq!(
            expected_outcome(&r, &cfg.limits),
            Err(RemoteError::TooManyFields)
        );
        limits_outcome(&r, &[10], cfg);
        let mut cfg = Config::default();
        cfg.limits.max_body = 30;
        limits_outcome(&r, &[10], cfg);
        // "GET / HTTP/1.1\r\n" is 16 bytes: the limit known crossed first wins, the line's on
        // a tie.
        let get = GenRequest::get("/");
        for (line, head, want) in [
            (10, 10, RemoteError::RequestLineTooLong),
            (10, 9, RemoteError::HeadTooLarge),
            (9, 10, RemoteError::RequestLineTooLong),
            (16, 17, RemoteError::HeadTooLarge),
        ] {
            let mut cfg = Config::default();
            cfg.limits.max_request_line = line;
            cfg.limits.max_head = head;
            assert_eq!(expected_outcome(&get, &cfg.limits), Err(want));
            limits_outcome(&get, &[3, 12], cfg);
        }
    }

    #[test]
    fn mutations_edit_as_described() {
        let m = |e: &[Mutation]| lossy(&mutate(b"ab\ncd\n", e));
        assert_eq!(m(&[Mutation::DuplicateLine { at: 4 }]), "ab\ncd\ncd\n");
        assert_eq!(m(&[Mutation::Delete { at: 1, len: 3 }]), "ad\n");
        assert_eq!(m(&[Mutation::Insert { at: 6, byte: b'x' }]), "ab\ncd\nx");
        assert_eq!(m(&[Mutation::Truncate { at: 5 }]), "ab\ncd");
        assert_eq!(pieces(b"abc", &[2, 9, 0, 2]), [&b""[..], b"ab", b"c"]);
    }
}
