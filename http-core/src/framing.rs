//! Message framing and connection persistence: where a body ends, and whether the connection
//! carries another message (RFC 9112 §6, §9.3). The request-smuggling defences live here.
//!
//! Every step of RFC 9112 §6.3 is cited where it is applied. Requests are checked strictly;
//! the only departures are the named flags of [`Leniency`], none of which moves where a
//! message ends.

use crate::error::{LocalError, RemoteError};
use crate::event::{RequestHead, Version};
use crate::headers::{Fields, Headers, list_has, trim_ows};
use crate::limits::{Config, Leniency};
use crate::parse::chars::{is_token, parse_decimal};
use crate::parse::target::is_host_field;

/// How the body of a received message is delimited.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum BodyLength {
    /// Exactly this many bytes (0 for no body).
    Length(u64),
    /// The chunked transfer coding (RFC 9112 §7.1).
    Chunked,
    /// Everything until the connection closes (responses only, RFC 9112 §6.3 step 8).
    UntilClose,
}

/// What the engine needs to know about a received request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct RequestFraming {
    pub(crate) body: BodyLength,
    /// Whether the connection may be reused after this exchange (RFC 9112 §9.3).
    pub(crate) keep_alive: bool,
    /// An `Expect: 100-continue` that the server has to decide on (RFC 9110 §10.1.1).
    pub(crate) expect_continue: bool,
    /// The request proposes `Upgrade` (RFC 9110 §7.8).
    pub(crate) upgrade: bool,
}

/// The framing of a request, in the order of RFC 9112 §6.3 (steps 1, 2 and 8 concern
/// responses only), with Host (§3.2), Expect and Upgrade checked alongside.
pub(crate) fn request(head: &RequestHead, cfg: &Config) -> Result<RequestFraming, RemoteError> {
    let h = &head.headers;
    let http11 = head.version == Version::Http11;
    // One pass learns which framing fields are present; only those are looked at again.
    let seen = Present::of(h);

    // RFC 9112 §3.2: a server MUST respond 400 to an HTTP/1.1 request that lacks Host, and to
    // any request with more than one Host field or an invalid one.
    match seen.host {
        Seen::None if http11 => return Err(RemoteError::InvalidHost),
        Seen::None => {}
        Seen::Once(i) => {
            if !is_host_field(h.value_at(i)) {
                return Err(RemoteError::InvalidHost);
            }
        }
        Seen::Several => return Err(RemoteError::InvalidHost),
    }

    let mut keep_alive = seen.persistent(head.version, h);
    let (has_te, has_cl) = (seen.transfer_encoding, seen.content_length != Seen::None);
    let body = if has_te {
        // Step 4: chunked must be the final coding, or the length is unknown: 400.
        match transfer_codings_checked(head.version, h, cfg, &mut keep_alive)? {
            Codings::Chunked => BodyLength::Chunked,
            // RFC 9112 §6.1: a coding the server does not understand gets 501.
            Codings::OthersThenChunked => return Err(RemoteError::UnsupportedTransferCoding),
            Codings::NotChunked => return Err(RemoteError::InvalidTransferEncoding),
        }
    } else if has_cl {
        // Step 5: an invalid Content-Length, or several, is unrecoverable: 400.
        BodyLength::Length(seen.content_length(h, &cfg.leniency)?)
    } else {
        // Step 7: a request with neither has no body.
        BodyLength::Length(0)
    };
    if let BodyLength::Length(n) = body
        && n > cfg.limits.max_body
    {
        return Err(RemoteError::BodyTooLarge);
    }
    // RFC 9110 §9.3.6: CONNECT has no content; bytes after its head belong to the tunnel.
    if head.is_connect() && body != BodyLength::Length(0) {
        return Err(RemoteError::ConnectWithBody);
    }

    // RFC 9110 §10.1.1: 100-continue is the only expectation; any other gets 417. An
    // HTTP/1.0 request's expectation MUST be ignored.
    let mut expect_continue = false;
    if http11 && seen.expect {
        for e in h.list("expect") {
            if !e.eq_ignore_ascii_case(b"100-continue") {
                return Err(RemoteError::UnsupportedExpectation);
            }
            expect_continue = true;
        }
        if h.contains("expect") && !expect_continue {
            // `Expect:` with an empty value is not 100-continue either.
            return Err(RemoteError::UnsupportedExpectation);
        }
    }
    // A request without content needs no 100: there is nothing to hold back.
    expect_continue &= body != BodyLength::Length(0);

    // RFC 9110 §7.8: Upgrade counts only if Connection lists it, and a server MUST ignore it
    // in an HTTP/1.0 request.
    let upgrade = http11 && seen.upgrade && seen.connection_has(h, "upgrade");

    Ok(RequestFraming {
        body,
        keep_alive,
        expect_continue,
        upgrade,
    })
}

/// Whether a field appears, and where when it appears once.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
enum Seen {
    #[default]
    None,
    /// Once, at this index.
    Once(usize),
    Several,
}

impl Seen {
    fn add(&mut self, index: usize) {
        *self = match self {
            Self::None => Self::Once(index),
            _ => Self::Several,
        };
    }
}

/// Which of the fields that decide a request's framing and handling are present, learnt in one
/// pass over the field names (their lengths all differ, so each name is compared at most once).
#[derive(Clone, Copy, Debug, Default)]
struct Present {
    host: Seen,
    connection: Seen,
    transfer_encoding: bool,
    content_length: Seen,
    expect: bool,
    upgrade: bool,
}

impl Present {
    fn of(h: &Headers) -> Self {
        let mut p = Self::default();
        for (i, (name, _)) in h.iter().enumerate() {
            let is = |n: &str| name.eq_ignore_ascii_case(n.as_bytes());
            match name.len() {
                4 if is("host") => p.host.add(i),
                6 if is("expect") => p.expect = true,
                7 if is("upgrade") => p.upgrade = true,
                10 if is("connection") => p.connection.add(i),
                14 if is("content-length") => p.content_length.add(i),
                17 if is("transfer-encoding") => p.transfer_encoding = true,
                _ => {}
            }
        }
        p
    }

    /// Whether the Connection options hold `token`: read from the one field directly, or
    /// from all of them.
    fn connection_has(&self, h: &Headers, token: &str) -> bool {
        match self.connection {
            Seen::None => false,
            Seen::Once(i) => list_has(h.value_at(i), token.as_bytes()),
            Seen::Several => h.has_token("connection", token),
        }
    }

    /// [`persistent`], from what was seen.
    fn persistent(&self, version: Version, h: &Headers) -> bool {
        !self.connection_has(h, "close")
            && (version == Version::Http11 || self.connection_has(h, "keep-alive"))
    }

    /// [`content_length`], from the one field directly when there is one.
    fn content_length(&self, h: &Headers, lenient: &Leniency) -> Result<u64, RemoteError> {
        match self.content_length {
            Seen::Once(i) => match parse_decimal(trim_ows(h.value_at(i))) {
                Some(n) => Ok(n),
                // A list, or not a number: the general rule decides.
                None => content_length(h, lenient),
            },
            _ => content_length(h, lenient),
        }
    }
}

/// The checks on a received message with Transfer-Encoding, requests and responses alike,
/// and its codings. Clears `keep_alive` when chunked is let win over Content-Length.
fn transfer_codings_checked(
    version: Version,
    h: &Headers,
    cfg: &Config,
    keep_alive: &mut bool,
) -> Result<Codings, RemoteError> {
    // RFC 9112 §6.1: Transfer-Encoding in an HTTP/1.0 message means its framing is faulty
    // (it may come from a 1.0 intermediary that did not decode it): reject, then close.
    if version == Version::Http10 {
        return Err(RemoteError::TransferEncodingInHttp10);
    }
    // §6.3 step 3: Transfer-Encoding with Content-Length is the classic smuggling vector. By
    // default reject it; by opt-in, let chunked win and close afterwards (§6.1: the server
    // MUST close the connection after responding).
    if h.contains("content-length") {
        if !cfg.leniency.chunked_overrides_content_length {
            return Err(RemoteError::ContentLengthWithTransferEncoding);
        }
        *keep_alive = false;
    }
    transfer_codings(h).ok_or(RemoteError::InvalidTransferEncoding)
}

/// Whether a message leaves the connection open (RFC 9112 §9.3): `close` ends it; otherwise
/// HTTP/1.1 persists by default and HTTP/1.0 only with `keep-alive`.
pub(crate) fn persistent(version: Version, h: &Headers) -> bool {
    if h.has_token("connection", "close") {
        return false;
    }
    version == Version::Http11 || h.has_token("connection", "keep-alive")
}

/// The Content-Length of a message: one `1*DIGIT` that fits in 64 bits (RFC 9110 §8.6).
///
/// Several values, in one field or several, are rejected unless the opt-in accepts identical
/// ones (RFC 9112 §6.3 step 5 allows either); differing values are always rejected.
pub(crate) fn content_length(h: &impl Fields, lenient: &Leniency) -> Result<u64, RemoteError> {
    let mut found: Option<u64> = None;
    for value in h.values_of("content-length") {
        for element in value.split(|&b| b == b',') {
            let n = parse_decimal(trim_ows(element)).ok_or(RemoteError::InvalidContentLength)?;
            match found {
                None => found = Some(n),
                Some(m) if m == n && lenient.allow_identical_content_lengths => {}
                Some(_) => return Err(RemoteError::MultipleContentLength),
            }
        }
    }
    found.ok_or(RemoteError::InvalidContentLength)
}

/// What a well-formed Transfer-Encoding list holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Codings {
    /// `chunked` alone.
    Chunked,
    /// Other codings, then `chunked`.
    OthersThenChunked,
    /// Codings of which the last is not `chunked`.
    NotChunked,
}

/// Reads the transfer codings listed in every Transfer-Encoding field (RFC 9112 §6.1); `None`
/// for a malformed list: empty, a coding that is not a token, or `chunked` named twice or with
/// parameters.
pub(crate) fn transfer_codings(h: &impl Fields) -> Option<Codings> {
    let mut last_chunked = false;
    let mut chunked_seen = false;
    let mut other = false;
    for value in h.values_of("transfer-encoding") {
        for element in value.split(|&b| b == b',') {
            let element = trim_ows(element);
            if element.is_empty() {
                continue; // RFC 9110 §5.6.1: empty list elements are ignored.
            }
            // transfer-coding = token *( OWS ";" OWS transfer-parameter ); chunked has none.
            let name = trim_ows(element.split(|&b| b == b';').next().unwrap_or_default());
            if !is_token(name) {
                return None;
            }
            last_chunked = name.eq_ignore_ascii_case(b"chunked");
            if last_chunked {
                if chunked_seen || name.len() != element.len() {
                    // Applied twice (§6.1: MUST NOT), or given parameters.
                    return None;
                }
                chunked_seen = true;
            } else {
                other = true;
            }
        }
    }
    match (last_chunked, other) {
        (false, false) => None,
        (false, true) => Some(Codings::NotChunked),
        (true, false) => Some(Codings::Chunked),
        (true, true) => Some(Codings::OthersThenChunked),
    }
}

/// How the engine frames a body it sends.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum BodyWriter {
    /// No body may be sent: a 1xx, a 2xx to CONNECT, a request without one (data is an
    /// error).
    None,
    /// No body is sent, whatever the application gives (data is dropped, a length not held
    /// to): a response to HEAD (one is described), a 204 or 304 (none can be, RFC 9110
    /// §15.3.5, §15.4.5: dropping what the application gave keeps the connection and the
    /// requests pipelined after it), or the rest of a client's body after a final response
    /// came first.
    Suppressed,
    /// Exactly this many bytes remain.
    Length(u64),
    /// Chunked; `add_header` when the engine adds `Transfer-Encoding: chunked` itself.
    Chunked { add_header: bool },
    /// Delimited by closing the connection (an HTTP/1.0 peer, no Content-Length).
    UntilClose,
}

/// What the server knows of the request it answers; `None` fields when the request failed to
/// parse and the response is an error response.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Answering {
    pub(crate) version: Option<Version>,
    pub(crate) head: bool,
    pub(crate) connect: bool,
}

/// What the fields of a response the application sends say about its framing and
/// persistence, learnt in one pass that also checks every field (`serialize::check_field`),
/// as [`Present`] does for a received request.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Outgoing {
    pub(crate) content_length: bool,
    pub(crate) transfer_encoding: bool,
    pub(crate) date: bool,
    /// The Connection options hold `close` (RFC 9112 §9.6).
    pub(crate) close: bool,
    /// The Connection options hold `keep-alive`.
    pub(crate) keep_alive: bool,
    /// The bytes the fields take as field lines.
    pub(crate) encoded_len: usize,
}

impl Outgoing {
    pub(crate) fn of<F: Fields>(h: &F) -> Result<Self, LocalError> {
        let mut o = Self::default();
        for (name, value) in h.pairs() {
            if !F::VALID {
                crate::serialize::check_field(name, value)?;
            }
            o.encoded_len += name.len() + value.len() + 4;
            let is = |n: &str| name.eq_ignore_ascii_case(n.as_bytes());
            match name.len() {
                4 if is("date") => o.date = true,
                10 if is("connection") => {
                    o.close |= list_has(value, b"close");
                    o.keep_alive |= list_has(value, b"keep-alive");
                }
                14 if is("content-length") => o.content_length = true,
                17 if is("transfer-encoding") => o.transfer_encoding = true,
                _ => {}
            }
        }
        Ok(o)
    }
}

/// The framing of a response the application sends (RFC 9112 §6.1–6.3, RFC 9110 §8.6), from
/// its fields `h` and what [`Outgoing::of`] saw of them. A body the application knows to be
/// `known` bytes long is framed by that length where the fields leave the framing to the
/// engine. For a response to HEAD this is the framing the GET response would have, which
/// its head describes; what is written of the body is [`response_writer`]'s.
pub(crate) fn response_framing(
    to: Answering,
    status: u16,
    h: &impl Fields,
    seen: &Outgoing,
    known: Option<u64>,
) -> Result<BodyWriter, LocalError> {
    let has_te = seen.transfer_encoding;
    let has_cl = seen.content_length;
    // RFC 9110 §8.6 and RFC 9112 §6.1: no Content-Length or Transfer-Encoding in a 1xx or
    // 204; none in a 2xx to CONNECT (RFC 9110 §9.3.6).
    let no_framing_fields = (100..200).contains(&status)
        || status == 204
        || (to.connect && (200..300).contains(&status));
    if no_framing_fields {
        if has_cl {
            return Err(LocalError::InvalidContentLength);
        }
        if has_te {
            return Err(LocalError::InvalidTransferEncoding);
        }
        return Ok(if status == 204 {
            BodyWriter::Suppressed
        } else {
            BodyWriter::None
        });
    }
    if has_te && has_cl {
        return Err(LocalError::InvalidTransferEncoding);
    }
    if status == 205 {
        // RFC 9110 §15.3.6: a 205 has no content, and says so: a Content-Length of 0 (added
        // where the fields have none), no Transfer-Encoding. What the application gives for
        // one is dropped ([`response_writer`]).
        if has_te {
            return Err(LocalError::InvalidTransferEncoding);
        }
        if has_cl && content_length(h, &Leniency::default()) != Ok(0) {
            return Err(LocalError::InvalidContentLength);
        }
        return Ok(BodyWriter::Length(0));
    }
    let http11 = to.version == Some(Version::Http11);
    let writer = if has_te {
        // RFC 9112 §6.1: a server MUST NOT send Transfer-Encoding to a peer that has not shown
        // it understands HTTP/1.1.
        if !http11 {
            return Err(LocalError::InvalidTransferEncoding);
        }
        // Other codings before chunked are the application's to apply.
        match transfer_codings(h) {
            Some(Codings::Chunked | Codings::OthersThenChunked) => {
                BodyWriter::Chunked { add_header: false }
            }
            _ => return Err(LocalError::InvalidTransferEncoding),
        }
    } else if has_cl {
        content_length(h, &Leniency::default())
            .map(BodyWriter::Length)
            .map_err(|_| LocalError::InvalidContentLength)?
    } else if let Some(n) = known {
        BodyWriter::Length(n)
    } else if http11 {
        BodyWriter::Chunked { add_header: true }
    } else {
        BodyWriter::UntilClose
    };
    // RFC 9110 §15.4.5: a 304 has no content. Its framing fields, checked as any other
    // response's above, describe the 200 it stands for (RFC 9112 §6.1, §6.2), as a response
    // to HEAD's do; none is added to it.
    Ok(if status == 304 {
        BodyWriter::Suppressed
    } else {
        writer
    })
}

/// How the body of a response of `status` framed by `framing` is written.
pub(crate) fn response_writer(to: Answering, status: u16, framing: BodyWriter) -> BodyWriter {
    // RFC 9110 §9.3.2: a response to HEAD describes the GET response but carries no content;
    // §15.3.6: nor does a 205, whose framing says so.
    if to.head || status == 205 {
        BodyWriter::Suppressed
    } else {
        framing
    }
}

/// What the client knows of the request a response answers.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Requested {
    pub(crate) head: bool,
    pub(crate) connect: bool,
    /// The request was HTTP/1.0: no 1xx may answer it.
    pub(crate) http10: bool,
}

/// What the engine needs to know about a received final response.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct ResponseFraming {
    pub(crate) body: BodyLength,
    pub(crate) keep_alive: bool,
    /// A 2xx to CONNECT: the connection becomes a tunnel.
    pub(crate) tunnel: bool,
}

/// The framing of a received final response, in the order of RFC 9112 §6.3.
pub(crate) fn response(
    to: Requested,
    status: u16,
    version: Version,
    h: &Headers,
    cfg: &Config,
) -> Result<ResponseFraming, RemoteError> {
    let seen = Present::of(h);
    let keep_alive = seen.persistent(version, h);
    // Step 2: a 2xx to CONNECT turns the connection into a tunnel; its fields are ignored.
    // It is checked before step 1 so that a 204 to CONNECT is a tunnel too: RFC 9110 §9.3.6
    // makes every 2xx switch, and either way no body follows the head.
    if to.connect && (200..300).contains(&status) {
        return Ok(ResponseFraming {
            body: BodyLength::Length(0),
            keep_alive: false,
            tunnel: true,
        });
    }
    // Step 1: a response to HEAD, and a 1xx, 204 or 304, ends with its head, whatever fields
    // it has.
    if to.head || status == 204 || status == 304 || (100..200).contains(&status) {
        return Ok(ResponseFraming {
            body: BodyLength::Length(0),
            keep_alive,
            tunnel: false,
        });
    }
    let (has_te, has_cl) = (seen.transfer_encoding, seen.content_length != Seen::None);
    let mut keep_alive = keep_alive;
    let body = if has_te {
        match transfer_codings_checked(version, h, cfg, &mut keep_alive)? {
            // Other codings stay applied: the application decodes them (the field says which).
            Codings::Chunked | Codings::OthersThenChunked => BodyLength::Chunked,
            // Step 4: chunked not final: the body runs until the server closes.
            Codings::NotChunked => BodyLength::UntilClose,
        }
    } else if has_cl {
        // Steps 5 and 6.
        BodyLength::Length(seen.content_length(h, &cfg.leniency)?)
    } else {
        // Step 8: no framing: read until the server closes.
        BodyLength::UntilClose
    };
    if let BodyLength::Length(n) = body
        && n > cfg.limits.max_body
    {
        return Err(RemoteError::BodyTooLarge);
    }
    Ok(ResponseFraming {
        body,
        keep_alive: keep_alive && body != BodyLength::UntilClose,
        tunnel: false,
    })
}

/// The framing of a request the application sends. `None` when the request declares no
/// length: the engine decides once it knows whether a body follows.
pub(crate) fn request_writer(head: &RequestHead) -> Result<Option<BodyWriter>, LocalError> {
    let h = &head.headers;
    // RFC 9112 §3.2: a client MUST send Host in every HTTP/1.1 request, and only one.
    let hosts = h.get_all("host").count();
    if hosts > 1 || (hosts == 0 && head.version == Version::Http11) {
        return Err(LocalError::MissingHost);
    }
    let has_te = h.contains("transfer-encoding");
    let has_cl = h.contains("content-length");
    if has_te {
        if has_cl || head.version == Version::Http10 {
            return Err(LocalError::InvalidTransferEncoding);
        }
        return match transfer_codings(h) {
            Some(Codings::Chunked | Codings::OthersThenChunked) => {
                Ok(Some(BodyWriter::Chunked { add_header: false }))
            }
            _ => Err(LocalError::InvalidTransferEncoding),
        };
    }
    if has_cl {
        return content_length(h, &Leniency::default())
            .map(|n| Some(BodyWriter::Length(n)))
            .map_err(|_| LocalError::InvalidContentLength);
    }
    Ok(None)
}

/// Whether a method defines a meaning for request content (RFC 9110 §8.6).
pub(crate) fn method_expects_content(method: &[u8]) -> bool {
    matches!(method, b"POST" | b"PUT" | b"PATCH")
}

/// The `Content-Length` the engine adds to a request whose body is `len` bytes and whose head
/// has no framing fields: `len`, except none for an empty body when the method expects no
/// content (RFC 9110 §8.6: a user agent SHOULD NOT send it then, and SHOULD send 0 when the
/// method does expect content).
pub(crate) fn request_length_field(method: &[u8], len: u64) -> Option<u64> {
    (len > 0 || method_expects_content(method)).then_some(len)
}

/// The `Content-Length` the engine adds to a response framed by `framing`
/// ([`response_framing`]), whose head has the framing fields `seen`: the length when it came
/// from the application rather than the head. A response to HEAD (`to.head`) gets the length
/// the GET response would have had too (RFC 9110 §9.3.2), unless that is 0, which more often
/// means no body was given than an empty GET response (§8.6 forbids a length that is not
/// the GET response's).
pub(crate) fn response_length_field(
    to: Answering,
    framing: BodyWriter,
    seen: &Outgoing,
) -> Option<u64> {
    match framing {
        BodyWriter::Length(0) if to.head => None,
        BodyWriter::Length(n) if !seen.content_length => Some(n),
        _ => None,
    }
}

/// Whether a body the application gave the length of, `len`, fits the framing its head has
/// (`writer`; `None`: a client head that waits to learn it, which would be chunked): a
/// Content-Length must be that length, or the message would be cut short or run over once
/// the head went (RFC 9112 §6.3, §8); bytes the driver writes itself (`direct`) can only be
/// framed by their length.
pub(crate) fn given_fits(
    writer: Option<BodyWriter>,
    len: u64,
    direct: bool,
) -> Result<(), LocalError> {
    match writer {
        Some(BodyWriter::Chunked { .. }) if direct => Err(LocalError::DirectChunked),
        Some(BodyWriter::Length(n)) if n != len => Err(LocalError::InvalidContentLength),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    fn req(version: Version, fields: &[(&str, &str)]) -> RequestHead {
        let mut h = RequestHead::new("POST", "/");
        h.version = version;
        h.headers = fields.iter().copied().collect();
        h
    }

    fn framing(fields: &[(&str, &str)]) -> Result<RequestFraming, RemoteError> {
        request(&req(Version::Http11, fields), &Config::default())
    }

    #[test]
    fn content_length_rules() {
        let ok = |v: &str| framing(&[("Host", "a"), ("Content-Length", v)]).map(|f| f.body);
        assert_eq!(ok("0"), Ok(BodyLength::Length(0)));
        assert_eq!(ok("007"), Ok(BodyLength::Length(7)));
        assert_eq!(ok("18446744073709551615"), Err(RemoteError::BodyTooLarge));
        for bad in [
            "",
            " ",
            "+5",
            "-5",
            "5 5",
            "0x5",
            "5.0",
            "18446744073709551616",
            "1e3",
        ] {
            assert_eq!(ok(bad), Err(RemoteError::InvalidContentLength), "{bad:?}");
        }
        assert_eq!(ok("5, 5"), Err(RemoteError::MultipleContentLength));
        assert_eq!(ok("5, 6"), Err(RemoteError::MultipleContentLength));
        assert_eq!(
            framing(&[
                ("Host", "a"),
                ("Content-Length", "5"),
                ("Content-Length", "5")
            ]),
            Err(RemoteError::MultipleContentLength)
        );
        let mut cfg = Config::default();
        cfg.leniency.allow_identical_content_lengths = true;
        let r =
            |fields: &[(&str, &str)]| request(&req(Version::Http11, fields), &cfg).map(|f| f.body);
        assert_eq!(
            r(&[("Host", "a"), ("Content-Length", "5, 5")]),
            Ok(BodyLength::Length(5))
        );
        assert_eq!(
            r(&[
                ("Host", "a"),
                ("Content-Length", "5"),
                ("content-length", "05")
            ]),
            Ok(BodyLength::Length(5))
        );
        assert_eq!(
            r(&[("Host", "a"), ("Content-Length", "5, 6")]),
            Err(RemoteError::MultipleContentLength)
        );
    }

    #[test]
    fn transfer_encoding_rules() {
        let te = |v: &str| framing(&[("Host", "a"), ("Transfer-Encoding", v)]).map(|f| f.body);
        assert_eq!(te("chunked"), Ok(BodyLength::Chunked));
        assert_eq!(te("CHUNKED"), Ok(BodyLength::Chunked));
        assert_eq!(te(" , chunked"), Ok(BodyLength::Chunked));
        assert_eq!(
            te("gzip, chunked"),
            Err(RemoteError::UnsupportedTransferCoding)
        );
        for bad in [
            "",
            "chunked, gzip",
            "chunked, chunked",
            "chunked;q=1",
            "identity",
            "chunked x",
            "\"chunked\"",
        ] {
            assert!(
                matches!(te(bad), Err(RemoteError::InvalidTransferEncoding)),
                "{bad:?}: {:?}",
                te(bad)
            );
        }
        assert_eq!(
            framing(&[
                ("Host", "a"),
                ("Transfer-Encoding", "chunked"),
                ("Content-Length", "3")
            ]),
            Err(RemoteError::ContentLengthWithTransferEncoding)
        );
        assert_eq!(
            request(
                &req(Version::Http10, &[("Transfer-Encoding", "chunked")]),
                &Config::default()
            ),
            Err(RemoteError::TransferEncodingInHttp10)
        );
        let mut cfg = Config::default();
        cfg.leniency.chunked_overrides_content_length = true;
        let f = request(
            &req(
                Version::Http11,
                &[
                    ("Host", "a"),
                    ("Transfer-Encoding", "chunked"),
                    ("Content-Length", "3"),
                ],
            ),
            &cfg,
        )
        .unwrap();
        assert_eq!((f.body, f.keep_alive), (BodyLength::Chunked, false));
    }

    #[test]
    fn host_rules() {
        assert_eq!(framing(&[]), Err(RemoteError::InvalidHost));
        assert_eq!(
            framing(&[("Host", "a"), ("host", "a")]),
            Err(RemoteError::InvalidHost)
        );
        assert_eq!(framing(&[("Host", "a b")]), Err(RemoteError::InvalidHost));
        assert!(framing(&[("Host", "")]).is_ok());
        assert!(request(&req(Version::Http10, &[]), &Config::default()).is_ok());
    }

    #[test]
    fn persistence_expectations_and_upgrade() {
        let f = |v: Version, fields: &[(&str, &str)]| {
            request(&req(v, fields), &Config::default()).unwrap()
        };
        assert!(f(Version::Http11, &[("Host", "a")]).keep_alive);
        assert!(!f(Version::Http11, &[("Host", "a"), ("Connection", "Close")]).keep_alive);
        assert!(!f(Version::Http10, &[]).keep_alive);
        assert!(f(Version::Http10, &[("Connection", "keep-alive")]).keep_alive);
        assert!(!f(Version::Http10, &[("Connection", "keep-alive, close")]).keep_alive);
        let cont = [
            ("Host", "a"),
            ("Expect", "100-Continue"),
            ("Content-Length", "1"),
        ];
        assert!(f(Version::Http11, &cont).expect_continue);
        assert!(!f(Version::Http10, &cont[1..]).expect_continue);
        assert!(
            !f(
                Version::Http11,
                &[("Host", "a"), ("Expect", "100-continue")]
            )
            .expect_continue
        );
        assert_eq!(
            framing(&[("Host", "a"), ("Expect", "fancy")]),
            Err(RemoteError::UnsupportedExpectation)
        );
        assert_eq!(
            framing(&[("Host", "a"), ("Expect", "")]),
            Err(RemoteError::UnsupportedExpectation)
        );
        assert!(
            f(
                Version::Http11,
                &[("Host", "a"), ("Connection", "upgrade"), ("Upgrade", "x")]
            )
            .upgrade
        );
        assert!(!f(Version::Http11, &[("Host", "a"), ("Upgrade", "x")]).upgrade);
    }

    #[test]
    fn response_writers() {
        let h = |fields: &[(&str, &str)]| fields.iter().copied().collect::<Headers>();
        let response_writer = |to, status, h: &Headers| {
            response_framing(to, status, h, &Outgoing::of(h).expect("valid fields"), None)
                .map(|framing| response_writer(to, status, framing))
        };
        let v11 = Answering {
            version: Some(Version::Http11),
            ..Answering::default()
        };
        let v10 = Answering {
            version: Some(Version::Http10),
            ..Answering::default()
        };
        assert_eq!(
            response_writer(v11, 200, &h(&[])),
            Ok(BodyWriter::Chunked { add_header: true })
        );
        assert_eq!(
            response_writer(v10, 200, &h(&[])),
            Ok(BodyWriter::UntilClose)
        );
        assert_eq!(
            response_writer(v10, 200, &h(&[("Content-Length", "3")])),
            Ok(BodyWriter::Length(3))
        );
        assert_eq!(
            response_writer(v10, 200, &h(&[("Transfer-Encoding", "chunked")])),
            Err(LocalError::InvalidTransferEncoding)
        );
        assert_eq!(
            response_writer(v11, 204, &h(&[])),
            Ok(BodyWriter::Suppressed)
        );
        assert_eq!(
            response_writer(v11, 204, &h(&[("Content-Length", "0")])),
            Err(LocalError::InvalidContentLength)
        );
        assert_eq!(
            response_writer(v11, 304, &h(&[("Content-Length", "9")])),
            Ok(BodyWriter::Suppressed)
        );
        // A 205 says it has no content, and has none.
        assert_eq!(
            response_writer(v11, 205, &h(&[])),
            Ok(BodyWriter::Suppressed)
        );
        assert_eq!(
            response_writer(v11, 205, &h(&[("Content-Length", "0")])),
            Ok(BodyWriter::Suppressed)
        );
        assert_eq!(
            response_writer(v11, 205, &h(&[("Content-Length", "5")])),
            Err(LocalError::InvalidContentLength)
        );
        assert_eq!(
            response_writer(v11, 205, &h(&[("Transfer-Encoding", "chunked")])),
            Err(LocalError::InvalidTransferEncoding)
        );
        let head = Answering { head: true, ..v11 };
        assert_eq!(
            response_writer(head, 200, &h(&[("Content-Length", "9")])),
            Ok(BodyWriter::Suppressed)
        );
        let connect = Answering {
            connect: true,
            ..v11
        };
        assert_eq!(response_writer(connect, 200, &h(&[])), Ok(BodyWriter::None));
        assert_eq!(
            response_writer(
                v11,
                200,
                &h(&[("Content-Length", "1"), ("Transfer-Encoding", "chunked")])
            ),
            Err(LocalError::InvalidTransferEncoding)
        );
        assert_eq!(
            response_writer(v11, 200, &h(&[("Content-Length", "1, 2")])),
            Err(LocalError::InvalidContentLength)
        );
    }

    #[test]
    fn response_framing_follows_section_6_3() {
        let cfg = Config::default();
        let get = Requested::default();
        let f = |to: Requested, status: u16, v: Version, fields: &[(&str, &str)]| {
            let h: Headers = fields.iter().copied().collect();
            response(to, status, v, &h, &cfg).map(|f| (f.body, f.keep_alive, f.tunnel))
        };
        let v11 = Version::Http11;
        use BodyLength::*;
        // Step 1.
        let head = Requested { head: true, ..get };
        assert_eq!(
            f(head, 200, v11, &[("Content-Length", "9")]),
            Ok((Length(0), true, false))
        );
        for status in [204, 304, 100] {
            assert_eq!(
                f(get, status, v11, &[("Transfer-Encoding", "chunked")]),
                Ok((Length(0), true, false))
            );
        }
        // Step 2.
        let connect = Requested {
            connect: true,
            ..get
        };
        assert_eq!(
            f(connect, 200, v11, &[("Content-Length", "9")]),
            Ok((Length(0), false, true))
        );
        // Any 2xx to CONNECT, a 204 too (RFC 9110 §9.3.6).
        assert_eq!(f(connect, 204, v11, &[]), Ok((Length(0), false, true)));
        assert_eq!(
            f(connect, 407, v11, &[("Content-Length", "9")]),
            Ok((Length(9), true, false))
        );
        // Steps 3 and 4.
        assert_eq!(
            f(
                get,
                200,
                v11,
                &[("Transfer-Encoding", "chunked"), ("Content-Length", "9")]
            ),
            Err(RemoteError::ContentLengthWithTransferEncoding)
        );
        assert_eq!(
            f(get, 200, v11, &[("Transfer-Encoding", "gzip, chunked")]),
            Ok((Chunked, true, false))
        );
        assert_eq!(
            f(get, 200, v11, &[("Transfer-Encoding", "gzip")]),
            Ok((UntilClose, false, false))
        );
        assert_eq!(
            f(get, 200, v11, &[("Transfer-Encoding", "chunked, chunked")]),
            Err(RemoteError::InvalidTransferEncoding)
        );
        assert_eq!(
            f(
                get,
                200,
                Version::Http10,
                &[("Transfer-Encoding", "chunked")]
            ),
            Err(RemoteError::TransferEncodingInHttp10)
        );
        // Steps 5, 6 and 8.
        assert_eq!(
            f(get, 200, v11, &[("Content-Length", "x")]),
            Err(RemoteError::InvalidContentLength)
        );
        assert_eq!(
            f(get, 200, v11, &[("Content-Length", "3")]),
            Ok((Length(3), true, false))
        );
        assert_eq!(f(get, 200, v11, &[]), Ok((UntilClose, false, false)));
        assert_eq!(
            f(get, 200, Version::Http10, &[("Content-Length", "3")]),
            Ok((Length(3), false, false))
        );
        assert_eq!(
            f(
                get,
                200,
                Version::Http10,
                &[("Content-Length", "3"), ("Connection", "keep-alive")]
            ),
            Ok((Length(3), true, false))
        );
        assert_eq!(
            f(
                get,
                200,
                v11,
                &[("Content-Length", "3"), ("Connection", "close")]
            ),
            Ok((Length(3), false, false))
        );
    }

    #[test]
    fn request_writers() {
        let w = |v: Version, fields: &[(&str, &str)]| {
            let mut r = RequestHead::new("POST", "/");
            r.version = v;
            r.headers = fields.iter().copied().collect();
            request_writer(&r)
        };
        let v11 = Version::Http11;
        assert_eq!(w(v11, &[]), Err(LocalError::MissingHost));
        assert_eq!(
            w(v11, &[("Host", "a"), ("Host", "b")]),
            Err(LocalError::MissingHost)
        );
        assert_eq!(w(Version::Http10, &[]), Ok(None));
        assert_eq!(w(v11, &[("Host", "a")]), Ok(None));
        assert_eq!(
            w(v11, &[("Host", "a"), ("Content-Length", "4")]),
            Ok(Some(BodyWriter::Length(4)))
        );
        assert_eq!(
            w(v11, &[("Host", "a"), ("Transfer-Encoding", "chunked")]),
            Ok(Some(BodyWriter::Chunked { add_header: false }))
        );
        assert_eq!(
            w(v11, &[("Host", "a"), ("Transfer-Encoding", "gzip")]),
            Err(LocalError::InvalidTransferEncoding)
        );
        assert_eq!(
            w(
                v11,
                &[
                    ("Host", "a"),
                    ("Transfer-Encoding", "chunked"),
                    ("Content-Length", "1")
                ]
            ),
            Err(LocalError::InvalidTransferEncoding)
        );
        assert_eq!(
            w(Version::Http10, &[("Transfer-Encoding", "chunked")]),
            Err(LocalError::InvalidTransferEncoding)
        );
        assert_eq!(
            w(v11, &[("Host", "a"), ("Content-Length", "-1")]),
            Err(LocalError::InvalidContentLength)
        );
        assert!(method_expects_content(b"PUT") && !method_expects_content(b"GET"));
    }
}
