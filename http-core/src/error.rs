//! Errors, split by who is at fault: the peer ([`RemoteError`]) or the application
//! ([`LocalError`]).
//!
//! A [`RemoteError`] comes out of [`Connection::poll_event`](crate::Connection::poll_event),
//! is sticky (every later poll returns it again) and suggests the status a server should answer
//! with. A [`LocalError`] comes out of a `send_*` call, leaves the connection as it was and
//! nothing is queued for transmission.

use core::fmt;

/// A violation of the protocol by the peer, or the peer's failure to keep up.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum RemoteError {
    // --- start line (RFC 9112 §3, §4) ---
    /// The method is not a token (RFC 9112 §3.1).
    InvalidMethod,
    /// The request-target does not match the form its method requires (RFC 9112 §3.2).
    InvalidTarget,
    /// The start line is not `method SP target SP version` or `version SP status SP reason`,
    /// with exactly one space between the parts (RFC 9112 §3, §4).
    InvalidStartLine,
    /// The version is not `HTTP/DIGIT.DIGIT` (RFC 9112 §2.3).
    InvalidVersion,
    /// A well-formed version whose major number is not 1 (RFC 9110 §15.6.6: 505).
    UnsupportedVersion,
    /// The status code is not three digits (RFC 9112 §4).
    InvalidStatus,
    /// The request line is longer than [`Limits::max_request_line`](crate::Limits).
    RequestLineTooLong,
    /// The request line is longer than [`Limits::max_request_line`](crate::Limits) within
    /// its method: longer than any method implemented (RFC 9112 §3: 501).
    MethodTooLong,
    /// The status line is longer than [`Limits::max_status_line`](crate::Limits).
    StatusLineTooLong,

    // --- fields (RFC 9112 §5) ---
    /// A field name is empty or not a token, or the line has no colon (RFC 9112 §5.1).
    InvalidFieldName,
    /// Whitespace between a field name and its colon (RFC 9112 §5.1: MUST reject).
    SpaceBeforeColon,
    /// A field value holds a byte the grammar forbids (RFC 9110 §5.5).
    InvalidFieldValue,
    /// A field line continued with obs-fold (RFC 9112 §5.2), or whitespace before the first
    /// field line (RFC 9112 §2.2).
    ObsFold,
    /// A CR not followed by LF (RFC 9112 §2.2).
    BareCr,
    /// A line ended by LF alone, with bare LF not allowed (RFC 9112 §2.2).
    BareLf,
    /// One field line is longer than [`Limits::max_field_line`](crate::Limits).
    FieldLineTooLong,
    /// The head is larger than [`Limits::max_head`](crate::Limits).
    HeadTooLarge,
    /// More field lines than [`Limits::max_fields`](crate::Limits).
    TooManyFields,
    /// An HTTP/1.1 request without Host, with several, or with an invalid one (RFC 9112 §3.2).
    InvalidHost,

    // --- framing (RFC 9112 §6) ---
    /// A Content-Length that is not 1*DIGIT or does not fit in 64 bits (RFC 9112 §6.3).
    InvalidContentLength,
    /// Several Content-Length values (RFC 9112 §6.3 step 5).
    MultipleContentLength,
    /// Both Transfer-Encoding and Content-Length (RFC 9112 §6.3 step 3: a smuggling vector).
    ContentLengthWithTransferEncoding,
    /// Transfer-Encoding whose final coding is not chunked, or chunked applied twice, or an
    /// empty or malformed list (RFC 9112 §6.3 step 4, §6.1).
    InvalidTransferEncoding,
    /// A transfer coding other than chunked (RFC 9112 §6.1: 501).
    UnsupportedTransferCoding,
    /// Transfer-Encoding in an HTTP/1.0 message (RFC 9112 §6.1: framing is faulty).
    TransferEncodingInHttp10,
    /// A CONNECT request that declares content (RFC 9110 §9.3.6).
    ConnectWithBody,
    /// The body is larger than [`Limits::max_body`](crate::Limits) (413).
    BodyTooLarge,
    /// Server role: the rest of a request body left unread when the response switched
    /// protocols is larger than [`Limits::max_discard`](crate::Limits). The new protocol
    /// starts only after that body (RFC 9110 §7.8, RFC 9112 §6), so the connection cannot be
    /// handed over; no response can follow the switch, so it closes.
    UnreadBodyTooLarge,

    // --- chunked (RFC 9112 §7) ---
    /// A chunk size that is not 1*HEXDIG or does not fit in 64 bits (RFC 9112 §7.1).
    InvalidChunkSize,
    /// A chunk extension that does not match its grammar (RFC 9112 §7.1.1).
    InvalidChunkExtension,
    /// A missing or malformed CRLF after chunk data (RFC 9112 §7.1).
    InvalidChunkDelimiter,
    /// A chunk-size line longer than [`Limits::max_chunk_line`](crate::Limits).
    ChunkLineTooLong,
    /// More extension bytes than [`Limits::max_chunk_extensions`](crate::Limits).
    ChunkExtensionsTooLarge,
    /// A trailer section larger than [`Limits::max_trailers`](crate::Limits).
    TrailersTooLarge,
    /// A trailer field that framing, routing or connection control depends on
    /// (RFC 9110 §6.5.1).
    ForbiddenTrailer,

    // --- semantics ---
    /// An expectation other than `100-continue` (RFC 9110 §10.1.1: 417).
    UnsupportedExpectation,
    /// A response that cannot follow the request (a second 101, a 1xx to an HTTP/1.0 request).
    UnexpectedResponse,
    /// Data from the server before any request was sent.
    UnexpectedData,

    // --- end of input and time ---
    /// The connection ended inside a message.
    IncompleteMessage,
    /// The head did not arrive within [`Timeouts::header_read`](crate::Timeouts) (408).
    HeaderTimeout,
    /// The body stalled for longer than [`Timeouts::body_read`](crate::Timeouts) (408).
    BodyTimeout,
    /// An idle connection reached [`Timeouts::idle`](crate::Timeouts): close it quietly.
    IdleTimeout,
    /// Client role: no final response head within
    /// [`Timeouts::response_wait`](crate::Timeouts) of the request's end.
    ResponseTimeout,
}

impl RemoteError {
    /// The status a server should answer this error with, or `None` when the right answer is
    /// to close without a response (the peer is gone, or was idle).
    #[must_use]
    pub const fn status_hint(self) -> Option<u16> {
        use RemoteError::*;
        Some(match self {
            UnsupportedVersion => 505,
            RequestLineTooLong => 414,
            FieldLineTooLong | HeadTooLarge | TooManyFields | TrailersTooLarge => 431,
            UnsupportedTransferCoding | MethodTooLong => 501,
            BodyTooLarge => 413,
            UnsupportedExpectation => 417,
            HeaderTimeout | BodyTimeout => 408,
            IncompleteMessage | IdleTimeout | UnexpectedResponse | UnexpectedData
            | ResponseTimeout | UnreadBodyTooLarge => return None,
            _ => 400,
        })
    }

    /// A short description, lower case, as `Display` prints it.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        use RemoteError::*;
        match self {
            InvalidMethod => "invalid method",
            InvalidTarget => "invalid request-target",
            InvalidStartLine => "malformed start line",
            InvalidVersion => "invalid HTTP version",
            UnsupportedVersion => "unsupported HTTP major version",
            InvalidStatus => "invalid status code",
            RequestLineTooLong => "request line too long",
            MethodTooLong => "method too long",
            StatusLineTooLong => "status line too long",
            InvalidFieldName => "invalid field name",
            SpaceBeforeColon => "whitespace between field name and colon",
            InvalidFieldValue => "invalid byte in field value",
            ObsFold => "obsolete line folding",
            BareCr => "bare CR",
            BareLf => "bare LF line ending",
            FieldLineTooLong => "field line too long",
            HeadTooLarge => "head too large",
            TooManyFields => "too many field lines",
            InvalidHost => "missing, repeated or invalid Host",
            InvalidContentLength => "invalid Content-Length",
            MultipleContentLength => "repeated Content-Length",
            ContentLengthWithTransferEncoding => "both Content-Length and Transfer-Encoding",
            InvalidTransferEncoding => "invalid Transfer-Encoding",
            UnsupportedTransferCoding => "unsupported transfer coding",
            TransferEncodingInHttp10 => "Transfer-Encoding in an HTTP/1.0 message",
            ConnectWithBody => "CONNECT request with content",
            BodyTooLarge => "body too large",
            UnreadBodyTooLarge => {
                "unread request body too large to discard before a protocol switch"
            }
            InvalidChunkSize => "invalid chunk size",
            InvalidChunkExtension => "invalid chunk extension",
            InvalidChunkDelimiter => "missing CRLF after chunk data",
            ChunkLineTooLong => "chunk-size line too long",
            ChunkExtensionsTooLarge => "too many chunk-extension bytes",
            TrailersTooLarge => "trailer section too large",
            ForbiddenTrailer => "field not allowed in trailers",
            UnsupportedExpectation => "unsupported expectation",
            UnexpectedResponse => "unexpected response",
            UnexpectedData => "data received before a request was sent",
            IncompleteMessage => "connection closed inside a message",
            HeaderTimeout => "timed out reading the head",
            BodyTimeout => "timed out reading the body",
            IdleTimeout => "idle connection timed out",
            ResponseTimeout => "timed out waiting for the response",
        }
    }
}

impl fmt::Display for RemoteError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A misuse of the API by the application; the call had no effect.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum LocalError {
    /// The call does not fit the connection's state (a response before a request, data before
    /// a head, a head after the message ended, anything after the connection closed).
    WrongState,
    /// A head of the other role's kind (a request sent by a server, or the reverse).
    WrongRole,
    /// The method is not a token.
    InvalidMethod,
    /// The request-target is empty or holds a space or control byte.
    InvalidTarget,
    /// The status code is not in 100..=999, or 101 was sent without an upgrade request.
    InvalidStatus,
    /// The reason phrase holds a byte the grammar forbids.
    InvalidReason,
    /// A field name that is not a token.
    InvalidFieldName,
    /// A field value with CR, LF, NUL or another forbidden byte (a header-injection attempt).
    InvalidFieldValue,
    /// An HTTP/1.1 request without exactly one Host field.
    MissingHost,
    /// A Content-Length that is not one valid number, or one in a response that cannot have
    /// it (1xx, 204).
    InvalidContentLength,
    /// Transfer-Encoding set by the application in a way the engine cannot honour: not ending in
    /// chunked, together with Content-Length, or towards an HTTP/1.0 peer.
    InvalidTransferEncoding,
    /// More body bytes than the declared Content-Length.
    BodyTooLong,
    /// The message ended before its declared Content-Length was sent.
    BodyTooShort,
    /// Content, or framing fields, for a message that cannot have any: a CONNECT request
    /// (RFC 9110 §9.3.6), or data where no body follows at all (a 2xx to CONNECT).
    BodyNotAllowed,
    /// `send_continue` without a pending `Expect: 100-continue`.
    NoContinueExpected,
    /// The head is larger than the engine can index (4 GiB).
    HeadTooLarge,
    /// A trailer field that may not be sent in trailers (RFC 9110 §6.5.1): the engine
    /// refuses such trailers when it receives them too.
    ForbiddenTrailer,
    /// Body bytes the driver writes itself (`send_data_direct`) in a chunked message: only a
    /// length can frame them.
    DirectChunked,
}

impl fmt::Display for LocalError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use LocalError::*;
        f.write_str(match self {
            WrongState => "not allowed in the connection's current state",
            WrongRole => "head of the wrong kind for this role",
            InvalidMethod => "invalid method",
            InvalidTarget => "invalid request-target",
            InvalidStatus => "invalid status code",
            InvalidReason => "invalid reason phrase",
            InvalidFieldName => "invalid field name",
            InvalidFieldValue => "invalid field value",
            MissingHost => "HTTP/1.1 request without exactly one Host",
            InvalidContentLength => "invalid or forbidden Content-Length",
            InvalidTransferEncoding => "Transfer-Encoding the engine cannot honour",
            BodyTooLong => "more body than the declared Content-Length",
            BodyTooShort => "less body than the declared Content-Length",
            BodyNotAllowed => "body in a message that cannot have one",
            NoContinueExpected => "no 100-continue expectation is pending",
            HeadTooLarge => "head too large",
            ForbiddenTrailer => "field not allowed in trailers",
            DirectChunked => "body bytes written by the driver in a chunked message",
        })
    }
}

#[cfg(feature = "std")]
impl std::error::Error for RemoteError {}

#[cfg(feature = "std")]
impl std::error::Error for LocalError {}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::string::ToString;

    #[test]
    fn status_hints_follow_rfc_9110() {
        use RemoteError::*;
        let cases = [
            (InvalidMethod, Some(400)),
            (UnsupportedVersion, Some(505)),
            (RequestLineTooLong, Some(414)),
            (FieldLineTooLong, Some(431)),
            (HeadTooLarge, Some(431)),
            (TooManyFields, Some(431)),
            (TrailersTooLarge, Some(431)),
            (UnsupportedTransferCoding, Some(501)),
            (MethodTooLong, Some(501)),
            (ContentLengthWithTransferEncoding, Some(400)),
            (BodyTooLarge, Some(413)),
            (UnsupportedExpectation, Some(417)),
            (HeaderTimeout, Some(408)),
            (BodyTimeout, Some(408)),
            (IdleTimeout, None),
            (ResponseTimeout, None),
            (IncompleteMessage, None),
            // Sent after a 101 or a 2xx to CONNECT: no response can follow.
            (UnreadBodyTooLarge, None),
        ];
        for (e, status) in cases {
            assert_eq!(e.status_hint(), status, "{e:?}");
        }
    }

    #[test]
    fn messages_are_lower_case_without_a_final_period() {
        for m in [
            RemoteError::BareCr.to_string(),
            LocalError::BodyTooLong.to_string(),
        ] {
            assert!(
                !m.ends_with('.') && m.chars().next().is_some_and(char::is_lowercase),
                "{m}"
            );
        }
    }
}
