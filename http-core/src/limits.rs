//! Named limits, leniency flags and timeouts: everything a deployment may tune.
//!
//! Every limit counts bytes as they arrive on the wire, line terminators included, and is
//! enforced at the byte where it is crossed, whatever the split of the input. Each default cites
//! the precedent it follows.

use core::time::Duration;

/// Size and count limits on what the peer may send.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Limits {
    /// Longest request line, CRLF included (414 when crossed; 501 when crossed before the
    /// method ends, RFC 9112 §3).
    ///
    /// Default 8 KiB: nginx `large_client_header_buffers` is 8k, Apache `LimitRequestLine` 8190.
    pub max_request_line: usize,
    /// Longest status line of a response, CRLF included.
    ///
    /// Default 8 KiB, as for the request line.
    pub max_status_line: usize,
    /// Longest single field line, CRLF included (431 when crossed); a field continued by
    /// obs-fold (where allowed) is one field line, its continuations included.
    ///
    /// Default 8 KiB: Apache `LimitRequestFieldSize` 8190, nginx 8k per line.
    pub max_field_line: usize,
    /// Largest whole head: start line, field lines and the empty line (431 when crossed).
    ///
    /// Default 32 KiB: nginx's default of four 8k buffers for large heads.
    pub max_head: usize,
    /// Most field lines in one head, and separately in one trailer section (431 when crossed).
    ///
    /// Default 100: Apache `LimitRequestFields`, hyper's default `max_headers`.
    pub max_fields: usize,
    /// Longest chunk-size line, extensions and CRLF included (400 when crossed).
    ///
    /// Default 4 KiB: a size needs at most 18 bytes; the rest is room for extensions.
    pub max_chunk_line: usize,
    /// Most chunk-extension bytes in one message, all chunks together (400 when crossed).
    ///
    /// Default 16 KiB: hyper's limit on chunk extensions per message.
    pub max_chunk_extensions: usize,
    /// Largest trailer section, its final empty line included (431 when crossed).
    ///
    /// Default 8 KiB: one field line's worth, as trailers are rare and small.
    pub max_trailers: usize,
    /// Largest message body after removing the chunked coding (413 when crossed).
    ///
    /// Default 1 GiB: Apache's `LimitRequestBody` default since 2.4.54.
    pub max_body: u64,
    /// Most unread request body bytes the server reads and throws away after its response is
    /// complete, to keep the connection open; past this it closes instead. The same for the
    /// rest of a body the application gives up
    /// ([`Connection::discard_body`](crate::Connection::discard_body)), such as a response
    /// body a client leaves unread before its next request.
    ///
    /// The same bound holds for the rest of a request body left unread when the response
    /// switched protocols (101, or 2xx to CONNECT): the new protocol begins only after that
    /// body (RFC 9110 §7.8), so it is discarded first, and a longer one (or one whose
    /// Content-Length says so) is
    /// [`RemoteError::UnreadBodyTooLarge`](crate::RemoteError::UnreadBodyTooLarge).
    ///
    /// Default 64 KiB: hyper and Go drain small remainders in the same way (Go: 256 KiB).
    pub max_discard: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_request_line: 8 * 1024,
            max_status_line: 8 * 1024,
            max_field_line: 8 * 1024,
            max_head: 32 * 1024,
            max_fields: 100,
            max_chunk_line: 4 * 1024,
            max_chunk_extensions: 16 * 1024,
            max_trailers: 8 * 1024,
            max_body: 1 << 30,
            max_discard: 64 * 1024,
        }
    }
}

/// Departures from strict RFC 9112 that real peers sometimes need, each off by default.
///
/// None of them changes where a message ends: each accepts input the strict parser would reject,
/// and reads it with the one meaning it can have.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Leniency {
    /// Accept a bare LF as a line terminator (RFC 9112 §2.2 permits a recipient to).
    pub allow_bare_lf: bool,
    /// When a request has both Transfer-Encoding and Content-Length, follow RFC 9112 §6.1:
    /// chunked wins, Content-Length is ignored, and the connection closes after the response.
    ///
    /// By default such a request is rejected (400) and the connection closed, the safe answer
    /// to the most common request-smuggling vector.
    pub chunked_overrides_content_length: bool,
    /// Accept several Content-Length values when they are all identical (RFC 9112 §6.3 step 5
    /// allows either choice). By default any repetition is rejected (400).
    pub allow_identical_content_lengths: bool,
    /// Accept request-targets with bytes outside the URI grammar (`"`, `<`, `>`, `\`, `^`,
    /// `` ` ``, `{`, `|`, `}`, obs-text, stray `%`) that some clients send unencoded. Spaces and
    /// control bytes stay forbidden.
    pub allow_unsafe_target_bytes: bool,
    /// Accept obs-fold (a field line continued on the next line) in responses, replacing each
    /// fold with spaces (RFC 9112 §5.2). Requests with obs-fold are always rejected.
    pub allow_obs_fold_in_responses: bool,
    /// Accept whitespace between a field name and its colon in responses, and drop it.
    /// Requests with it are always rejected (RFC 9112 §5.1).
    pub allow_space_before_colon_in_responses: bool,
}

/// How long the engine waits for the peer in each state. `None` waits forever.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Timeouts {
    /// From the first byte of a head (or from the connection's start, for its first request)
    /// to the head's end: a slow head is answered 408 and closed (slowloris). A connection
    /// that has sent nothing at all by then is closed quietly: there is no request to answer.
    ///
    /// Default 30 s: hyper's `header_read_timeout`; nginx's `client_header_timeout` is 60 s.
    pub header_read: Option<Duration>,
    /// From the end of a response to the first byte of the next request on a kept-alive
    /// connection: expiry closes the connection quietly.
    ///
    /// Default 75 s: nginx `keepalive_timeout`.
    pub idle: Option<Duration>,
    /// Longest wait for more body bytes while the application is reading the body: 408, or a
    /// quiet close once a response has started.
    ///
    /// Default 60 s: nginx `client_body_timeout` (measured between two reads, as here).
    pub body_read: Option<Duration>,
    /// Client role: how long a request with `Expect: 100-continue` holds its body before sending
    /// it anyway (RFC 9110 §10.1.1).
    ///
    /// Default 1 s: curl's `--expect100-timeout`.
    pub continue_wait: Option<Duration>,
    /// Client role: from the end of a request (its last byte queued, by the time the engine
    /// was last told) to the end of the final response's head: a server that answers too
    /// slowly, or sends its head too slowly, or interim (1xx) responses without end, fails
    /// the connection with [`RemoteError::ResponseTimeout`](crate::RemoteError). While the
    /// request is still being sent, the wait is the sender's (a server may answer only once
    /// it has the whole body); once its sending failed
    /// ([`Connection::send_failed`](crate::Connection::send_failed)), the wait counts from
    /// the failure.
    ///
    /// Default 60 s: nginx `proxy_read_timeout`, a proxy's wait for its upstream's answer.
    pub response_wait: Option<Duration>,
}

impl Default for Timeouts {
    fn default() -> Self {
        Self {
            header_read: Some(Duration::from_secs(30)),
            idle: Some(Duration::from_secs(75)),
            body_read: Some(Duration::from_secs(60)),
            continue_wait: Some(Duration::from_secs(1)),
            response_wait: Some(Duration::from_secs(60)),
        }
    }
}

/// Everything a connection can be configured with.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Config {
    /// Size and count limits.
    pub limits: Limits,
    /// Lenient parsing, each flag off by default.
    pub leniency: Leniency,
    /// Timers.
    pub timeouts: Timeouts,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_strict_and_bounded() {
        let c = Config::default();
        assert_eq!(c.leniency, Leniency::default());
        assert!(!c.leniency.allow_bare_lf && !c.leniency.chunked_overrides_content_length);
        let l = c.limits;
        // A head holds its lines: no line limit may exceed the head's.
        assert!(l.max_request_line <= l.max_head && l.max_field_line <= l.max_head);
        assert!(l.max_discard < l.max_body);
        let t = c.timeouts;
        assert!(t.header_read.is_some() && t.idle.is_some() && t.body_read.is_some());
        assert!(t.continue_wait.is_some() && t.response_wait.is_some());
    }
}
