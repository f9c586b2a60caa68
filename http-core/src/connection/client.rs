//! What only the client role does: send requests (framing them once it knows whether a body
//! follows), hold a body for 100 (Continue), and read responses.

use super::{Connection, Given, Hold, Transmit};
use crate::error::{LocalError, RemoteError};
use crate::event::{Event, Polled, RequestHead, ResponseHead, Version};
use crate::framing::{self, BodyWriter, Requested};
use crate::headers::Headers;
use crate::limits::Config;
use crate::parse::head::{ParsedHead, StartLine};
use crate::serialize::{self, Added};
use crate::state::{HalfState, Role, Step, Switch};
use crate::timer::Instant;
use alloc::collections::VecDeque;

impl Connection {
    /// A client connection that starts at `now`.
    #[must_use]
    pub fn client(config: Config, now: Instant) -> Self {
        Self::new(Role::Client, config, now)
    }

    /// Sends a request head. The body follows through [`send_data`](Self::send_data) and
    /// [`send_end`](Self::send_end), even when it is empty.
    ///
    /// The engine frames the body: with the request's own Content-Length (or
    /// `Transfer-Encoding: chunked`) the head goes out at once; without either, it goes out
    /// with the first body piece and `Transfer-Encoding: chunked`, or at the end with no
    /// framing fields (`Content-Length: 0` for POST, PUT and PATCH, RFC 9110 §8.6).
    ///
    /// With `Expect: 100-continue` and a body, the head goes out at once and the body is held
    /// until a 100 (Continue) arrives or [`Timeouts::continue_wait`](crate::Timeouts) passes;
    /// a final response that comes first means the body is never sent and the connection
    /// closes (RFC 9110 §10.1.1).
    pub fn send_request(&mut self, head: RequestHead) -> Result<(), LocalError> {
        self.request(head, Given::Unknown)
    }

    /// As [`send_request`](Self::send_request), for a body the application knows to be
    /// exactly `len` bytes long (a buffer, a file): when the head has neither Content-Length
    /// nor Transfer-Encoding, the engine frames it with `Content-Length: len` and sends the
    /// head at once rather than chunking the body, which also lets an HTTP/1.0 request carry
    /// one; the body is then held to that length. An empty body gets no Content-Length
    /// unless the method expects content (POST, PUT, PATCH: RFC 9110 §8.6).
    pub fn send_request_sized(&mut self, head: RequestHead, len: u64) -> Result<(), LocalError> {
        self.request(head, Given::Sized(len))
    }

    /// As [`send_request_sized`](Self::send_request_sized), for a body of exactly `len`
    /// bytes that the driver writes itself ([`send_data_direct`](Self::send_data_direct)).
    /// Refused, with nothing queued, when the head frames the body otherwise, as such bytes
    /// can only be framed by their length: its own Transfer-Encoding
    /// ([`LocalError::DirectChunked`]) or a Content-Length other than `len`
    /// ([`LocalError::InvalidContentLength`]).
    pub fn send_request_direct(&mut self, head: RequestHead, len: u64) -> Result<(), LocalError> {
        self.request(head, Given::Direct(len))
    }

    fn request(&mut self, head: RequestHead, given: Given) -> Result<(), LocalError> {
        if self.role != Role::Client {
            return Err(LocalError::WrongRole);
        }
        // A connection told to close after its exchange carries no other.
        if !self.states.keep_alive() {
            return Err(LocalError::WrongState);
        }
        serialize::check_request(&head)?;
        let declared = framing::request_writer(&head)?;
        let known = given.len();
        if let Some(len) = known {
            framing::given_fits(declared, len, given.is_direct())?;
        }
        // RFC 9110 §9.3.6: a CONNECT request has no content (a server takes what follows its
        // head for the tunnel's); a Content-Length of 0 says as much (§8.6 has a client
        // not send it, but it frames nothing).
        if head.is_connect()
            && (matches!(declared, Some(w) if w != BodyWriter::Length(0))
                || known.is_some_and(|n| n > 0))
        {
            return Err(LocalError::BodyNotAllowed);
        }
        let http11 = head.version == Version::Http11;
        let expect = head.expects_continue();
        let mut next = self.states;
        next.process(Role::Client, Step::Request, None)
            .map_err(|_| LocalError::WrongState)?;

        self.states = next;
        if !framing::persistent(head.version, &head.headers) {
            self.states.process_keep_alive_disabled();
        }
        if http11
            && head.headers.contains("upgrade")
            && head.headers.has_token("connection", "upgrade")
        {
            self.states.process_client_switch_proposal(Switch::Upgrade);
        }
        if head.is_connect() {
            self.states.process_client_switch_proposal(Switch::Connect);
        }
        self.requested = Requested {
            head: head.is_head(),
            connect: head.is_connect(),
            http10: head.version == Version::Http10,
        };
        // A known length, or an expectation (a body follows), settles the framing now.
        let (writer, length) = match (declared, known) {
            (Some(w), _) => (Some(w), None),
            (None, Some(n)) => (
                Some(BodyWriter::Length(n)),
                framing::request_length_field(&head.method, n),
            ),
            (None, None) if expect && !head.is_connect() => {
                (Some(BodyWriter::Chunked { add_header: true }), None)
            }
            (None, None) => (None, None),
        };
        match writer {
            Some(w) => {
                let added = Added {
                    chunked: w == BodyWriter::Chunked { add_header: true },
                    length,
                    ..Added::default()
                };
                self.transmit.push(serialize::request_head(&head, added));
                self.writer = w;
                if expect && w != BodyWriter::Length(0) {
                    self.hold = Hold::Waiting {
                        since: self.now,
                        pieces: VecDeque::new(),
                    };
                }
            }
            None => self.pending_head = Some(head),
        }
        Ok(())
    }

    /// Queues a request head that waited to learn whether a body follows.
    pub(super) fn flush_pending_head(&mut self, body_follows: bool) -> Result<(), LocalError> {
        let Some(head) = &self.pending_head else {
            return Ok(());
        };
        let (writer, added) = if body_follows {
            // RFC 9110 §9.3.6: no content in a CONNECT request.
            if head.is_connect() {
                return Err(LocalError::BodyNotAllowed);
            }
            // A body of unknown length can only be chunked, which needs HTTP/1.1.
            if head.version != Version::Http11 {
                return Err(LocalError::InvalidContentLength);
            }
            let chunked = BodyWriter::Chunked { add_header: true };
            let added = Added {
                chunked: true,
                ..Added::default()
            };
            (chunked, added)
        } else {
            let added = Added {
                length: framing::request_length_field(&head.method, 0),
                ..Added::default()
            };
            (BodyWriter::Length(0), added)
        };
        self.transmit.push(serialize::request_head(head, added));
        self.writer = writer;
        self.pending_head = None;
        Ok(())
    }

    /// Sends the held body: a 100 came, or the wait for one is over.
    pub(super) fn release_hold(&mut self) {
        if let Hold::Waiting { pieces, .. } = core::mem::replace(&mut self.hold, Hold::Off) {
            self.transmit.extend(pieces);
        }
    }

    /// Bytes from a server that owes no response.
    pub(super) fn read_unsolicited(&mut self) -> Result<Polled, RemoteError> {
        if !self.recv.is_empty() {
            return Err(RemoteError::UnexpectedData);
        }
        if self.recv.eof() {
            return self.peer_closed();
        }
        self.recv.release_if_empty();
        Ok(Polled::NeedData)
    }

    pub(super) fn read_response_head(&mut self) -> Result<Polled, RemoteError> {
        // Nothing of the request is queued yet (its head waits to learn the body's framing):
        // bytes now answer no request sent (RFC 9112 §9.3), be they a stale 408 or a refusal
        // of a body the request has not begun to send. The request is not sent either: the
        // connection is done.
        if self.pending_head.is_some() && !self.recv.is_empty() {
            self.send_failed();
            return Err(RemoteError::UnexpectedData);
        }
        let Some(parsed) = self.recv.read_head(&self.cfg)? else {
            if self.recv.eof() {
                // The server closed without (finishing) its response.
                return Err(RemoteError::IncompleteMessage);
            }
            return Ok(Polled::NeedData);
        };
        let head = response_head(parsed);
        let unexpected = |_| RemoteError::UnexpectedResponse;
        if head.is_informational() {
            // RFC 9110 §15.2: a server MUST NOT send a 1xx to an HTTP/1.0 client.
            if self.requested.http10 {
                return Err(RemoteError::UnexpectedResponse);
            }
            // RFC 9110 §7.8: a server switching for a request that expects 100 (Continue)
            // MUST send the 100 first; a 101 while the body still waits for it would leave
            // the request unfinished under the new protocol.
            if head.status == 101 && self.holds_body() {
                return Err(RemoteError::UnexpectedResponse);
            }
            // RFC 9110 §15.2: 1xx responses are interim; 101 only answers an Upgrade.
            let switch = (head.status == 101).then_some(Switch::Upgrade);
            self.states
                .process(Role::Server, Step::InformationalResponse, switch)
                .map_err(unexpected)?;
            if head.status == 100 {
                self.release_hold();
            }
            return Ok(Polled::Event(Event::Response(head)));
        }
        let f = framing::response(
            self.requested,
            head.status,
            head.version,
            &head.headers,
            &self.cfg,
        )?;
        let switch = f.tunnel.then_some(Switch::Connect);
        self.states
            .process(Role::Server, Step::Response, switch)
            .map_err(unexpected)?;
        if !f.keep_alive {
            self.states.process_keep_alive_disabled();
        }
        if let Hold::Waiting { .. } = self.hold {
            // RFC 9110 §10.1.1: a final status before 100: the body is not sent (what was
            // held goes, and the rest is dropped as it comes), and the request stays
            // incomplete on the wire, so the connection cannot be reused.
            self.hold = Hold::Off;
            self.writer = BodyWriter::Suppressed;
            self.states.process_keep_alive_disabled();
        } else if refuses_body(head.status, f.keep_alive) && self.our_state() == HalfState::SendBody
        {
            // RFC 9112 §9.5: a client that sees a response saying the server does not want
            // the body and closes the connection ceases sending it. What is queued of it is
            // dropped, and so is what the application sends from now on (see `body_refused`);
            // the request stays incomplete on the wire, so the connection is not reused.
            self.transmit = Transmit::default();
            self.writer = BodyWriter::Suppressed;
        }
        if !f.tunnel {
            self.recv.expect_body(f.body);
        }
        Ok(Polled::Event(Event::Response(head)))
    }
}

/// Whether a final response says the server does not want the rest of a request body and
/// closes (RFC 9112 §9.5): an error status (4xx, 5xx) on a connection that does not persist.
/// A success or a redirection may still come with the body read (a server that streams its
/// answer as the upload goes), and a server that keeps the connection reads the rest of the
/// body to find the next request: for those the body goes on.
fn refuses_body(status: u16, keep_alive: bool) -> bool {
    status >= 400 && !keep_alive
}

/// The response head out of a parsed head (the status line was checked by the parser).
fn response_head(p: ParsedHead) -> ResponseHead {
    let (version, status, reason) = match p.start {
        StartLine::Response {
            version,
            status,
            reason,
        } => (version, status, reason),
        // invariant: a response parser yields a status line.
        _ => (Version::Http11, 0, 0..0),
    };
    ResponseHead {
        status,
        reason: p.bytes.slice(reason),
        version,
        headers: Headers::from_parts(p.bytes, p.entries),
    }
}
