//! What only the server role does: read requests, answer them, decide on 100 (Continue), and
//! answer the client's errors.

use super::{Connection, Given};
use crate::error::{LocalError, RemoteError};
use crate::event::{Event, Polled, RequestHead, ResponseHead, Version};
use crate::framing::{self, Answering, BodyWriter};
use crate::headers::{Fields, Headers};
use crate::limits::Config;
use crate::parse::head::{ParsedHead, StartLine};
use crate::serialize::{self, Added};
use crate::state::{HalfState, Role, Step, Switch};
use crate::timer::Instant;
use bytes::Bytes;
use core::ops::Range;

impl Connection {
    /// A server connection that starts at `now`.
    #[must_use]
    pub fn server(config: Config, now: Instant) -> Self {
        Self::new(Role::Server, config, now)
    }

    /// Whether the current request waits for a 100 (Continue) that has not been decided on:
    /// call [`send_continue`](Self::send_continue) before reading its body, or answer with a
    /// final response without reading it.
    #[must_use]
    pub fn expects_continue(&self) -> bool {
        self.continue_pending
    }

    /// Whether the current request proposed a protocol switch (`Upgrade`, RFC 9110 §7.8, or
    /// CONNECT, RFC 9110 §9.3.6) that no final response has turned down yet: only then may
    /// the response switch protocols, so a driver needs to prepare a hand-over only then.
    #[must_use]
    pub fn switch_proposed(&self) -> bool {
        self.states.proposed(Switch::Upgrade) || self.states.proposed(Switch::Connect)
    }

    pub(super) fn read_request_head(&mut self) -> Result<Polled, RemoteError> {
        let Some(parsed) = self.recv.read_head(&self.cfg)? else {
            if self.recv.eof() {
                if !self.recv.is_empty() {
                    return Err(RemoteError::IncompleteMessage);
                }
                return self.peer_closed();
            }
            self.recv.release_if_empty();
            return Ok(Polled::NeedData);
        };
        let head = request_head(parsed);
        let f = framing::request(&head, &self.cfg)?;
        self.process(Role::Client, Step::Request)?;
        if !f.keep_alive {
            self.states.process_keep_alive_disabled();
        }
        if f.upgrade {
            self.states.process_client_switch_proposal(Switch::Upgrade);
        }
        if head.is_connect() {
            self.states.process_client_switch_proposal(Switch::Connect);
        }
        self.answering = Answering {
            version: Some(head.version),
            head: head.is_head(),
            connect: head.is_connect(),
        };
        self.continue_pending = f.expect_continue;
        self.recv.expect_body(f.body);
        self.timing.head_started = None;
        self.requests += 1;
        Ok(Polled::Event(Event::Request(head)))
    }

    /// Queues a response head. A 1xx is interim and may be followed by more; a final status
    /// starts the body, which [`send_data`](Self::send_data) and [`send_end`](Self::send_end)
    /// complete (even when it is empty).
    ///
    /// The engine frames the body: with the response's own Content-Length, exactly that many
    /// bytes MUST follow; without one it adds `Transfer-Encoding: chunked` for an HTTP/1.1
    /// client, and delimits the body by closing for an HTTP/1.0 one. It adds
    /// `Connection: close` when the connection will close, and `Connection: keep-alive` for a
    /// kept-alive HTTP/1.0 client. A 101, or a 2xx to CONNECT, switches protocols: what is
    /// left unread of the request's body is then discarded, not delivered, and the new
    /// protocol's bytes start after it (RFC 9110 §7.8); a rest declared longer than
    /// [`Limits::max_discard`](crate::Limits) fails the connection at once, with
    /// [`RemoteError::UnreadBodyTooLarge`] from the next poll. See
    /// [`take_leftover`](Self::take_leftover).
    pub fn send_response(&mut self, head: ResponseHead) -> Result<(), LocalError> {
        self.respond(head.status, &head.reason, &head.headers, Given::Unknown)
    }

    /// As [`send_response`](Self::send_response), for a body the application knows to be
    /// exactly `len` bytes long (a buffer, a file): when the head has neither Content-Length
    /// nor Transfer-Encoding and the response may carry a body, the engine frames it with
    /// `Content-Length: len` rather than chunking it (or closing, for an HTTP/1.0 client), and
    /// holds the body to that length. A response to HEAD gets `Content-Length: len` too, as
    /// the GET response would (RFC 9110 §9.3.2), unless `len` is 0: an empty body there is
    /// most often no body at all, not the GET response's (§8.6 forbids a length that is not
    /// the GET response's).
    pub fn send_response_sized(&mut self, head: ResponseHead, len: u64) -> Result<(), LocalError> {
        self.respond(head.status, &head.reason, &head.headers, Given::Sized(len))
    }

    /// As [`send_response_sized`](Self::send_response_sized), for a body of exactly `len`
    /// bytes that the driver writes itself ([`send_data_direct`](Self::send_data_direct): a
    /// file sent by `sendfile(2)`). Refused, with nothing queued, when the head frames the
    /// body otherwise, as such bytes can only be framed by their length: its own
    /// Transfer-Encoding ([`LocalError::DirectChunked`]) or a Content-Length other than `len`
    /// ([`LocalError::InvalidContentLength`]).
    pub fn send_response_direct(&mut self, head: ResponseHead, len: u64) -> Result<(), LocalError> {
        self.respond(head.status, &head.reason, &head.headers, Given::Direct(len))
    }

    /// As [`send_response`](Self::send_response) (or, with `len`,
    /// [`send_response_sized`](Self::send_response_sized)) for the head of an
    /// `http::Response`, written straight from its fields with no [`ResponseHead`] made
    /// first. The status's reason phrase is [`reason_phrase`](crate::reason_phrase)'s; the
    /// version is HTTP/1.1 whatever `parts` says (RFC 9110 §2.5: a server sends its own).
    #[cfg(feature = "http")]
    pub fn send_http_response(
        &mut self,
        parts: &http::response::Parts,
        len: Option<u64>,
    ) -> Result<(), LocalError> {
        self.respond_http(parts, len.map_or(Given::Unknown, Given::Sized))
    }

    /// As [`send_response_direct`](Self::send_response_direct) for the head of an
    /// `http::Response`, as [`send_http_response`](Self::send_http_response) writes it.
    #[cfg(feature = "http")]
    pub fn send_http_response_direct(
        &mut self,
        parts: &http::response::Parts,
        len: u64,
    ) -> Result<(), LocalError> {
        self.respond_http(parts, Given::Direct(len))
    }

    #[cfg(feature = "http")]
    fn respond_http(
        &mut self,
        parts: &http::response::Parts,
        given: Given,
    ) -> Result<(), LocalError> {
        let status = parts.status.as_u16();
        let reason = crate::event::reason_phrase(status).as_bytes();
        self.respond(status, reason, &parts.headers, given)
    }

    fn respond(
        &mut self,
        status: u16,
        reason: &[u8],
        fields: &impl Fields,
        given: Given,
    ) -> Result<(), LocalError> {
        if self.role != Role::Server {
            return Err(LocalError::WrongRole);
        }
        // A response answers a request, or a peer's error (a head that failed or timed out):
        // none before either.
        if self.their_state() == HalfState::Idle {
            return Err(LocalError::WrongState);
        }
        serialize::check_status_line(status, reason)?;
        let seen = framing::Outgoing::of(fields)?;
        let interim = (100..200).contains(&status);
        if interim && self.answering.version != Some(Version::Http11) {
            // RFC 9110 §15.2: a server MUST NOT send a 1xx to an HTTP/1.0 client.
            return Err(LocalError::InvalidStatus);
        }
        let switch = if status == 101 {
            if !self.states.proposed(Switch::Upgrade) {
                return Err(LocalError::InvalidStatus);
            }
            Some(Switch::Upgrade)
        } else if !interim && self.answering.connect && (200..300).contains(&status) {
            Some(Switch::Connect)
        } else {
            None
        };
        let step = if interim {
            Step::InformationalResponse
        } else {
            Step::Response
        };
        let mut next = self.states;
        next.process(Role::Server, step, switch)
            .map_err(|_| LocalError::WrongState)?;
        // A 1xx has no content, nor a Content-Length or Transfer-Encoding (the framing's rule).
        // The framing is the one the head describes, a response to HEAD's included; what is
        // written of the body follows from it.
        let framing =
            framing::response_framing(self.answering, status, fields, &seen, given.len())?;
        let length = framing::response_length_field(self.answering, framing, &seen);
        let writer = framing::response_writer(self.answering, status, framing);
        // A body the driver writes itself is measured against the framing the head
        // describes (to HEAD, the GET answer's: the driver gives the length it would send);
        // one the application sends, against what is written of it (to HEAD, or in a 204,
        // 304 or 205, nothing: no length it gives contradicts the head).
        if let Some(len) = given.len() {
            let against = if given.is_direct() { framing } else { writer };
            framing::given_fits(Some(against), len, given.is_direct())?;
        }

        let mut added = Added {
            chunked: writer == BodyWriter::Chunked { add_header: true },
            length,
            ..Added::default()
        };
        let mut close = false;
        if !interim && switch.is_none() {
            // RFC 9112 §9.6: say so when the connection will close after this response.
            close = !self.states.keep_alive()
                || seen.close
                || writer == BodyWriter::UntilClose
                || self.their_state() == HalfState::Error
                // RFC 9110 §10.1.1: a client told no 100 may or may not send its body; the
                // connection cannot be read reliably after this, so it closes.
                || (self.continue_pending && self.their_state() == HalfState::SendBody);
            added.close = close && !seen.close;
            added.keep_alive =
                !close && self.answering.version == Some(Version::Http10) && !seen.keep_alive;
        }
        if !interim && !seen.date {
            added.date = self.date;
        }
        let bytes = serialize::response_head(status, reason, fields, seen.encoded_len, added);

        self.states = next;
        if close {
            self.states.process_keep_alive_disabled();
        }
        if switch.is_some() && self.their_state() == HalfState::SendBody {
            // RFC 9110 §7.8: the new protocol begins after the request that asked for the
            // switch, whose body is still HTTP's (framed by RFC 9112 §6). What the
            // application left unread of it is discarded, within `max_discard`, before the
            // leftover bytes are handed over.
            // (A body the application gave up earlier keeps what is left of its budget.)
            let budget = self.discard.unwrap_or(self.cfg.limits.max_discard);
            self.discard = Some(budget);
            // One whose Content-Length says it is longer fails now, not when its bytes, or the
            // body's timeout, come; so does one given up earlier that already passed its
            // budget (receiving stopped there: its end would never be seen).
            if self.recv.is_stopped()
                || self.recv.body_remaining().is_some_and(|left| left > budget)
            {
                self.fail(RemoteError::UnreadBodyTooLarge);
            }
        }
        if !interim {
            self.writer = writer;
        }
        if switch == Some(Switch::Upgrade) && self.continue_pending {
            // RFC 9110 §7.8: a server that switches protocols for a request that expects a
            // 100 (Continue) MUST send the 100 first; the client then sends the body, which
            // is read before the switch.
            self.transmit.push(serialize::response_head(
                100,
                b"Continue",
                &Headers::new(),
                0,
                Added::default(),
            ));
            self.continue_pending = false;
        }
        if status == 100 || !interim {
            self.continue_pending = false;
        }
        self.transmit.push(bytes);
        Ok(())
    }

    /// Server: says the application let go of the request body without reading it to its end
    /// (it dropped it), before its response goes. The engine drops the rest itself, within
    /// [`Limits::max_discard`](crate::Limits), so that the connection carries the next
    /// request; when the body's Content-Length leaves more than that, it cannot, and the
    /// response says `Connection: close` (RFC 9112 §9.6), so that a client that pipelined a
    /// request after this one knows to send it again elsewhere rather than wait for its
    /// answer. Nothing changes when no request body is being received.
    pub fn body_dropped(&mut self) {
        if self.role == Role::Server
            && self.their_state() == HalfState::SendBody
            && !self.discard_body()
        {
            self.close_after_exchange();
        }
    }

    /// Answers with `status` alone, a whole response with no content (`Content-Length: 0`
    /// where the status allows content), as a driver does for a handler that failed. A 1xx
    /// is no answer (nothing is queued): [`send_response`](Self::send_response) sends one.
    pub fn send_empty_response(&mut self, status: u16) -> Result<(), LocalError> {
        if status < 200 {
            return Err(LocalError::InvalidStatus);
        }
        self.send_response_sized(ResponseHead::new(status), 0)?;
        // A 2xx to CONNECT switched to the tunnel: the response is whole as it is.
        if self.our_state() == HalfState::SwitchedProtocol {
            return Ok(());
        }
        self.send_end(Headers::new())
    }

    /// Answers an exchange whose application failed before its response went (a driver's
    /// handler that returned an error or panicked): when the peer erred first (its body went
    /// past `max_body`, or stopped coming, and the application failed reading it), with the
    /// status its error suggests and a close ([`send_error_response`]), as its fault is;
    /// else with a 500 and no content ([`send_empty_response`]).
    ///
    /// [`send_error_response`]: Self::send_error_response
    /// [`send_empty_response`]: Self::send_empty_response
    pub fn send_failure_response(&mut self) -> Result<(), LocalError> {
        if self.send_error_response()? {
            return Ok(());
        }
        self.send_empty_response(500)
    }

    /// Queues a 100 (Continue) for a request that expects one (see
    /// [`expects_continue`](Self::expects_continue)): the client will then send its body.
    pub fn send_continue(&mut self) -> Result<(), LocalError> {
        if !self.continue_pending {
            return Err(LocalError::NoContinueExpected);
        }
        self.send_response(ResponseHead::new(100))
    }

    /// Answers the peer's error with the status it suggests (400, 408, 413, 414, 431, 501, 505)
    /// and `Connection: close`, if a response can still be sent. Returns whether one was queued;
    /// either way the connection should then be closed.
    pub fn send_error_response(&mut self) -> Result<bool, LocalError> {
        let Some(status) = self.error.and_then(RemoteError::status_hint) else {
            return Ok(false);
        };
        if self.role != Role::Server
            || !matches!(self.our_state(), HalfState::Idle | HalfState::SendResponse)
        {
            return Ok(false);
        }
        let message = self.error.map_or("", RemoteError::as_str);
        let mut head = ResponseHead::new(status);
        head.headers
            .append("Content-Type", "text/plain; charset=utf-8");
        // The engine adds the length, and `Connection: close` for a peer in error.
        self.send_response_sized(head, message.len() as u64 + 1)?;
        self.send_data(Bytes::from_static(message.as_bytes()))?;
        self.send_data(Bytes::from_static(b"\n"))?;
        self.send_end(Headers::new())?;
        Ok(true)
    }
}

/// The method's bytes: a static copy for a registered method, which costs no reference count
/// on the head's buffer; a slice of it for any other.
fn method_bytes(head: &Bytes, method: Range<usize>) -> Bytes {
    crate::event::registered_method(head.get(method.clone()).unwrap_or_default())
        .unwrap_or_else(|| head.slice(method))
}

/// The request head out of a parsed head (the start line was checked by the parser).
fn request_head(p: ParsedHead) -> RequestHead {
    let (method, target, version) = match p.start {
        StartLine::Request {
            method,
            target,
            version,
        } => (method, target, version),
        // invariant: a request parser yields a request line.
        _ => (0..0, 0..0, Version::Http11),
    };
    RequestHead {
        method: method_bytes(&p.bytes, method),
        target: p.bytes.slice(target),
        version,
        headers: Headers::from_parts(p.bytes, p.entries),
    }
}
