//! Message heads and the events a connection hands out (RFC 9112 §2.1).
//!
//! The same head types are received and sent: a server receives [`RequestHead`] and sends
//! [`ResponseHead`]; a client does the reverse.

use crate::headers::{Headers, Lossy};
use bytes::Bytes;
use core::fmt;

/// The protocol version of a message (RFC 9112 §2.3).
///
/// A received `HTTP/1.x` with x > 1 is read as HTTP/1.1, the highest minor version this engine
/// implements (RFC 9110 §2.5). Heads are always sent as HTTP/1.1 (RFC 9110 §2.5: a sender
/// sends the highest minor version it conforms to).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Version {
    /// HTTP/1.0.
    Http10,
    /// HTTP/1.1.
    Http11,
}

impl Version {
    /// The version as it appears on the wire, e.g. `HTTP/1.1`.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Http10 => "HTTP/1.0",
            Self::Http11 => "HTTP/1.1",
        }
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A static copy of `method` if it is one of RFC 9110 §9.3's or PATCH (RFC 5789): a head can
/// hold it without a copy or a reference count on the bytes it came in.
pub(crate) fn registered_method(method: &[u8]) -> Option<Bytes> {
    let known: &'static [u8] = match method {
        b"GET" => b"GET",
        b"POST" => b"POST",
        b"HEAD" => b"HEAD",
        b"PUT" => b"PUT",
        b"DELETE" => b"DELETE",
        b"OPTIONS" => b"OPTIONS",
        b"PATCH" => b"PATCH",
        b"CONNECT" => b"CONNECT",
        b"TRACE" => b"TRACE",
        _ => return None,
    };
    Some(Bytes::from_static(known))
}

/// A request's start line and header section (RFC 9112 §3).
#[derive(Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct RequestHead {
    /// The method token, case preserved (RFC 9110 §9.1: methods are case-sensitive).
    pub method: Bytes,
    /// The request-target exactly as received: no normalisation, no percent-decoding.
    pub target: Bytes,
    /// The protocol version.
    pub version: Version,
    /// The header section.
    pub headers: Headers,
}

impl RequestHead {
    /// An HTTP/1.1 request with no fields yet.
    pub fn new(method: impl Into<Bytes>, target: impl Into<Bytes>) -> Self {
        Self {
            method: method.into(),
            target: target.into(),
            version: Version::Http11,
            headers: Headers::new(),
        }
    }

    /// Whether the method is `HEAD`, whose response never has content (RFC 9110 §9.3.2).
    #[must_use]
    pub fn is_head(&self) -> bool {
        self.method == "HEAD"
    }

    /// Whether the method is `CONNECT` (RFC 9110 §9.3.6).
    #[must_use]
    pub fn is_connect(&self) -> bool {
        self.method == "CONNECT"
    }

    /// Whether a body of this request may go chunked, the one framing that carries trailers
    /// (RFC 9112 §7.1.2), by the engine's choice: HTTP/1.1, not CONNECT (which has no
    /// content, RFC 9110 §9.3.6), and no Content-Length of its own (which frames the body by
    /// that length: its trailers are then dropped). A client driver asks it to frame a body
    /// of known length that ends with trailers.
    #[must_use]
    pub fn can_carry_trailers(&self) -> bool {
        self.version == Version::Http11
            && !self.is_connect()
            && !self.headers.contains("content-length")
    }

    /// Whether the request expects a 100 (Continue) before its content (RFC 9110 §10.1.1):
    /// HTTP/1.1, with `100-continue` among its `Expect` values (a client's connection then
    /// holds the body back for it; an HTTP/1.0 request's expectation is ignored).
    #[must_use]
    pub fn expects_continue(&self) -> bool {
        self.version == Version::Http11
            && self
                .headers
                .list("expect")
                .any(|e| e.eq_ignore_ascii_case(b"100-continue"))
    }
}

impl fmt::Debug for RequestHead {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RequestHead")
            .field("method", &Lossy(&self.method))
            .field("target", &Lossy(&self.target))
            .field("version", &self.version)
            .field("headers", &self.headers)
            .finish()
    }
}

/// A response's status line and header section (RFC 9112 §4).
#[derive(Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ResponseHead {
    /// The status code, 100 to 999.
    pub status: u16,
    /// The reason phrase; possibly empty (RFC 9112 §4: a client SHOULD ignore it).
    pub reason: Bytes,
    /// The protocol version.
    pub version: Version,
    /// The header section.
    pub headers: Headers,
}

impl ResponseHead {
    /// An HTTP/1.1 response with the status's usual reason phrase and no fields yet.
    #[must_use]
    pub fn new(status: u16) -> Self {
        Self {
            status,
            reason: Bytes::from_static(reason_phrase(status).as_bytes()),
            version: Version::Http11,
            headers: Headers::new(),
        }
    }

    /// Whether this is an interim response (1xx), which precedes the final one.
    #[must_use]
    pub fn is_informational(&self) -> bool {
        (100..200).contains(&self.status)
    }
}

impl fmt::Debug for ResponseHead {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ResponseHead")
            .field("status", &self.status)
            .field("reason", &Lossy(&self.reason))
            .field("version", &self.version)
            .field("headers", &self.headers)
            .finish()
    }
}

/// Something the peer sent, handed out by [`Connection::poll_event`](crate::Connection::poll_event).
///
/// A message arrives as one head event, any number of [`Event::Data`], then [`Event::End`]. A
/// client sees each 1xx response as its own [`Event::Response`] before the final one.
#[derive(Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Event {
    /// A request head (server role).
    Request(RequestHead),
    /// A response head, interim or final (client role).
    Response(ResponseHead),
    /// A piece of the body with every transfer coding removed, split off the receive buffer
    /// without copying. Never empty.
    Data(Bytes),
    /// The end of the message, with its trailer section (empty unless the body was chunked and
    /// had trailers). Trailers are kept apart from the header section (RFC 9110 §6.5.1).
    End(Headers),
    /// The peer closed its side of the connection cleanly between messages (or, for a body
    /// delimited by the close, after [`Event::End`]). Terminal: every later poll returns it
    /// again, so a loop MUST stop on it.
    Closed,
}

impl fmt::Debug for Event {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Request(h) => h.fmt(f),
            Self::Response(h) => h.fmt(f),
            Self::Data(b) => f.debug_tuple("Data").field(&Lossy(b)).finish(),
            Self::End(t) => f.debug_tuple("End").field(t).finish(),
            Self::Closed => f.write_str("Closed"),
        }
    }
}

/// What [`Connection::poll_event`](crate::Connection::poll_event) found.
#[derive(Clone, Debug, PartialEq, Eq)]
#[must_use]
pub enum Polled {
    /// The next event.
    Event(Event),
    /// Nothing more can be parsed until more bytes (or the end of input) are fed.
    NeedData,
    /// The peer's message is complete and nothing more is read until ours is: a pipelined
    /// request waits for the current response, an upgrade waits for its answer. Bytes that
    /// arrive meanwhile are kept.
    Paused,
}

/// The usual reason phrase of a status code (RFC 9110 §15, and RFC 6585's, 8297's, 8470's
/// and 7725's), or `""` for an unknown one.
#[must_use]
pub const fn reason_phrase(status: u16) -> &'static str {
    match status {
        100 => "Continue",
        101 => "Switching Protocols",
        103 => "Early Hints",
        200 => "OK",
        201 => "Created",
        202 => "Accepted",
        203 => "Non-Authoritative Information",
        204 => "No Content",
        205 => "Reset Content",
        206 => "Partial Content",
        300 => "Multiple Choices",
        301 => "Moved Permanently",
        302 => "Found",
        303 => "See Other",
        304 => "Not Modified",
        305 => "Use Proxy",
        307 => "Temporary Redirect",
        308 => "Permanent Redirect",
        400 => "Bad Request",
        401 => "Unauthorized",
        402 => "Payment Required",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        406 => "Not Acceptable",
        407 => "Proxy Authentication Required",
        408 => "Request Timeout",
        409 => "Conflict",
        410 => "Gone",
        411 => "Length Required",
        412 => "Precondition Failed",
        413 => "Content Too Large",
        414 => "URI Too Long",
        415 => "Unsupported Media Type",
        416 => "Range Not Satisfiable",
        417 => "Expectation Failed",
        421 => "Misdirected Request",
        422 => "Unprocessable Content",
        425 => "Too Early",
        426 => "Upgrade Required",
        428 => "Precondition Required",
        429 => "Too Many Requests",
        431 => "Request Header Fields Too Large",
        451 => "Unavailable For Legal Reasons",
        500 => "Internal Server Error",
        501 => "Not Implemented",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        505 => "HTTP Version Not Supported",
        511 => "Network Authentication Required",
        _ => "",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_status_of_rfc_9110_has_its_reason() {
        // RFC 9110 §15.2 to §15.6, in order (306 is unused, §15.4.7).
        let rfc9110 = [
            (100, "Continue"),
            (101, "Switching Protocols"),
            (200, "OK"),
            (201, "Created"),
            (202, "Accepted"),
            (203, "Non-Authoritative Information"),
            (204, "No Content"),
            (205, "Reset Content"),
            (206, "Partial Content"),
            (300, "Multiple Choices"),
            (301, "Moved Permanently"),
            (302, "Found"),
            (303, "See Other"),
            (304, "Not Modified"),
            (305, "Use Proxy"),
            (307, "Temporary Redirect"),
            (308, "Permanent Redirect"),
            (400, "Bad Request"),
            (401, "Unauthorized"),
            (402, "Payment Required"),
            (403, "Forbidden"),
            (404, "Not Found"),
            (405, "Method Not Allowed"),
            (406, "Not Acceptable"),
            (407, "Proxy Authentication Required"),
            (408, "Request Timeout"),
            (409, "Conflict"),
            (410, "Gone"),
            (411, "Length Required"),
            (412, "Precondition Failed"),
            (413, "Content Too Large"),
            (414, "URI Too Long"),
            (415, "Unsupported Media Type"),
            (416, "Range Not Satisfiable"),
            (417, "Expectation Failed"),
            (421, "Misdirected Request"),
            (422, "Unprocessable Content"),
            (426, "Upgrade Required"),
            (500, "Internal Server Error"),
            (501, "Not Implemented"),
            (502, "Bad Gateway"),
            (503, "Service Unavailable"),
            (504, "Gateway Timeout"),
            (505, "HTTP Version Not Supported"),
        ];
        for (status, reason) in rfc9110 {
            assert_eq!(reason_phrase(status), reason, "{status}");
        }
        assert_eq!(reason_phrase(306), "");
    }

    #[test]
    fn heads_start_with_the_usual_reason_and_http_1_1() {
        let r = ResponseHead::new(431);
        assert_eq!(
            (&r.reason[..], r.version),
            (&b"Request Header Fields Too Large"[..], Version::Http11)
        );
        assert!(
            ResponseHead::new(103).is_informational() && !ResponseHead::new(200).is_informational()
        );
        assert_eq!(reason_phrase(599), "");
        let q = RequestHead::new("HEAD", "/");
        assert!(q.is_head() && !q.is_connect());
        assert_eq!(Version::Http10.as_str(), "HTTP/1.0");
    }
}
