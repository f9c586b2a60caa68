//! The connection object: inputs in, events, transmit pieces and deadlines out.
//!
//! This file is glue. The rules it applies live elsewhere: framing and persistence in
//! `framing.rs`, transitions in `state.rs`, grammars in `parse/`, encoding in `serialize.rs`.

use crate::error::{LocalError, RemoteError};
use crate::event::{Event, Polled, RequestHead, ResponseHead, Version};
use crate::framing::{self, Answering, BodyWriter};
use crate::headers::Headers;
use crate::limits::Config;
use crate::parse::head::{HeadKind, ParsedHead, StartLine};
use crate::recv::{BodyEvent, Receiver};
use crate::serialize::{self, Added, CRLF};
use crate::state::{HalfState, Role, States, Step, Switch};
use crate::timer::{Deadline, Instant, TimerKind};
use alloc::collections::VecDeque;
use bytes::{Bytes, BytesMut};

/// When the waits that deadlines bound began.
#[derive(Clone, Copy, Debug)]
struct Timing {
    /// When the connection was created: the first head's deadline counts from here.
    created: Instant,
    /// When the last exchange ended: the idle deadline counts from here.
    idle_since: Instant,
    /// When the first byte of the head being read arrived.
    head_started: Option<Instant>,
    /// When the application started waiting for body bytes that had not come.
    body_wait: Option<Instant>,
}

/// One HTTP/1.1 connection, server role: a sans-IO state machine.
///
/// # The call order
///
/// Methods come in four kinds: inputs (`feed`, `feed_eof`, `handle_timeout`), application
/// commands (`send_*`), outputs (`poll_*`), and getters. The `poll_*` methods are ordinary
/// methods, not `Future::poll`. After every input or command the driver MUST:
///
/// 1. call [`poll_event`](Self::poll_event) until it returns [`Polled::NeedData`],
///    [`Polled::Paused`] or an error, acting on each event (the application may send in
///    between);
/// 2. call [`poll_transmit`](Self::poll_transmit) until it returns `None`, writing every piece
///    out in order;
/// 3. close the connection once everything is written if [`should_close`](Self::should_close)
///    says so;
/// 4. otherwise wait for more bytes (only while [`wants_read`](Self::wants_read)), or for
///    [`poll_timeout`](Self::poll_timeout), whichever comes first.
///
/// A remote error is sticky: answer it with
/// [`send_error_response`](Self::send_error_response), write out what is queued, and close.
#[derive(Debug)]
pub struct Connection {
    role: Role,
    cfg: Config,
    states: States,
    recv: Receiver,
    now: Instant,
    error: Option<RemoteError>,
    transmit: VecDeque<Bytes>,
    /// Room for small framing pieces, split off as they are queued.
    scratch: BytesMut,
    writer: BodyWriter,
    answering: Answering,
    /// A 100 (Continue) the client waits for and the application has not decided on.
    continue_pending: bool,
    /// After our response ended early: how much more unread request body may be discarded.
    discard: Option<u64>,
    timing: Timing,
    requests: u64,
}

impl Connection {
    /// A server connection that starts at `now`.
    #[must_use]
    pub fn server(config: Config, now: Instant) -> Self {
        Self {
            role: Role::Server,
            cfg: config,
            states: States::new(),
            recv: Receiver::new(HeadKind::Request),
            now,
            error: None,
            transmit: VecDeque::new(),
            scratch: BytesMut::new(),
            writer: BodyWriter::None,
            answering: Answering::default(),
            continue_pending: false,
            discard: None,
            timing: Timing {
                created: now,
                idle_since: now,
                head_started: None,
                body_wait: None,
            },
            requests: 0,
        }
    }

    // ----- getters -----

    /// Which side this connection plays.
    #[must_use]
    pub fn role(&self) -> Role {
        self.role
    }

    /// The configuration it was created with.
    #[must_use]
    pub fn config(&self) -> &Config {
        &self.cfg
    }

    /// The state of the local half of the conversation.
    #[must_use]
    pub fn our_state(&self) -> HalfState {
        self.states.get(self.role)
    }

    /// The state of the peer's half of the conversation.
    #[must_use]
    pub fn their_state(&self) -> HalfState {
        self.states.get(self.role.peer())
    }

    /// The peer's error, once one has happened (it is sticky).
    #[must_use]
    pub fn error(&self) -> Option<RemoteError> {
        self.error
    }

    /// Whether the current request waits for a 100 (Continue) that has not been decided on:
    /// call [`send_continue`](Self::send_continue) before reading its body, or answer with a
    /// final response without reading it.
    #[must_use]
    pub fn expects_continue(&self) -> bool {
        self.continue_pending
    }

    /// Whether the connection will be reused after the current exchange.
    #[must_use]
    pub fn keep_alive(&self) -> bool {
        self.states.keep_alive() && self.error.is_none()
    }

    /// Whether the driver should close the connection once every transmit piece is written.
    #[must_use]
    pub fn should_close(&self) -> bool {
        let ours = self.our_state();
        matches!(ours, HalfState::MustClose | HalfState::Closed | HalfState::Error)
            || (ours == HalfState::Idle
                && matches!(self.their_state(), HalfState::Error | HalfState::Closed))
    }

    /// Whether the engine wants more bytes: false once nothing more will be parsed, and while
    /// paused with a full head's worth of pipelined bytes already buffered (back-pressure).
    #[must_use]
    pub fn wants_read(&self) -> bool {
        if self.error.is_some() || self.recv.eof() || self.recv.is_stopped() {
            return false;
        }
        match self.their_state() {
            HalfState::Done | HalfState::MightSwitchProtocol => {
                self.recv.len() < self.cfg.limits.max_head
            }
            HalfState::MustClose | HalfState::Closed | HalfState::SwitchedProtocol => false,
            _ => true,
        }
    }

    // ----- inputs -----

    fn advance_clock(&mut self, now: Instant) {
        self.now = self.now.max(now);
    }

    /// Hands the engine bytes received at `now`, in any split.
    pub fn feed(&mut self, now: Instant, data: &[u8]) {
        self.advance_clock(now);
        if data.is_empty() {
            return;
        }
        if self.recv.is_empty() && self.timing.head_started.is_none() {
            self.timing.head_started = Some(now);
        }
        self.timing.body_wait = None;
        self.recv.feed(data);
    }

    /// Tells the engine the peer will send nothing more (it shut down its side).
    pub fn feed_eof(&mut self) {
        self.recv.feed_eof();
    }

    /// Tells the engine the time; a deadline that has passed takes effect (see
    /// [`poll_timeout`](Self::poll_timeout)).
    pub fn handle_timeout(&mut self, now: Instant) {
        self.advance_clock(now);
        let Some(d) = self.poll_timeout() else {
            return;
        };
        if now < d.at {
            return;
        }
        self.fail(match d.kind {
            TimerKind::HeaderRead => RemoteError::HeaderTimeout,
            TimerKind::Idle => RemoteError::IdleTimeout,
            TimerKind::BodyRead | TimerKind::Continue => RemoteError::BodyTimeout,
        });
    }

    fn fail(&mut self, e: RemoteError) {
        if self.error.is_none() {
            self.error = Some(e);
            self.states.process_error(self.role.peer());
            self.recv.stop();
        }
    }

    // ----- outputs -----

    /// The next deadline, if any wait is bounded now. When it passes, call
    /// [`handle_timeout`](Self::handle_timeout).
    #[must_use]
    pub fn poll_timeout(&self) -> Option<Deadline> {
        if self.error.is_some() {
            return None;
        }
        let t = &self.cfg.timeouts;
        match (self.their_state(), self.our_state()) {
            (HalfState::Idle, HalfState::Idle) => {
                let started = !self.recv.is_empty();
                if self.requests == 0 {
                    // The first head counts from the connection's start (slowloris); before any
                    // byte has come, expiry is a quiet close.
                    let kind = if started { TimerKind::HeaderRead } else { TimerKind::Idle };
                    Deadline::after(kind, self.timing.created, t.header_read)
                } else if let (true, Some(at)) = (started, self.timing.head_started) {
                    Deadline::after(TimerKind::HeaderRead, at, t.header_read)
                } else {
                    Deadline::after(TimerKind::Idle, self.timing.idle_since, t.idle)
                }
            }
            (HalfState::SendBody, _) if self.discard.is_none() => {
                Deadline::after(TimerKind::BodyRead, self.timing.body_wait?, t.body_read)
            }
            _ => None,
        }
    }

    /// The next piece of bytes to write to the peer, in order. Body data comes out as the same
    /// `Bytes` the application sent.
    pub fn poll_transmit(&mut self) -> Option<Bytes> {
        self.transmit.pop_front()
    }

    /// Whether there are pieces waiting to be written.
    #[must_use]
    pub fn has_transmit(&self) -> bool {
        !self.transmit.is_empty()
    }

    /// The next thing the peer sent. See the call order on [`Connection`].
    pub fn poll_event(&mut self) -> Result<Polled, RemoteError> {
        if let Some(e) = self.error {
            return Err(e);
        }
        let polled = self.next_event();
        if let Err(e) = polled {
            self.fail(e);
        }
        polled
    }

    fn next_event(&mut self) -> Result<Polled, RemoteError> {
        let peer = self.role.peer();
        loop {
            match self.states.get(peer) {
                HalfState::Idle => return self.read_request_head(),
                HalfState::SendBody => match self.recv.read_body(&self.cfg)? {
                    None => {
                        if self.discard.is_none() && self.timing.body_wait.is_none() {
                            self.timing.body_wait = Some(self.now);
                        }
                        return Ok(Polled::NeedData);
                    }
                    Some(BodyEvent::Data(data)) => {
                        self.process(peer, Step::Data)?;
                        if let Some(budget) = &mut self.discard {
                            match budget.checked_sub(data.len() as u64) {
                                Some(left) => *budget = left,
                                None => {
                                    // Too much to throw away: close instead (RFC 9112 §9.6).
                                    self.states.process_keep_alive_disabled();
                                    self.recv.stop();
                                }
                            }
                            continue;
                        }
                        return Ok(Polled::Event(Event::Data(data)));
                    }
                    Some(BodyEvent::End(trailers)) => {
                        self.process(peer, Step::EndOfMessage)?;
                        let discarded = self.discard.take().is_some();
                        self.next_cycle();
                        if discarded {
                            continue;
                        }
                        return Ok(Polled::Event(Event::End(trailers)));
                    }
                },
                HalfState::Done | HalfState::MightSwitchProtocol | HalfState::SwitchedProtocol => {
                    return Ok(Polled::Paused);
                }
                HalfState::MustClose | HalfState::Closed => {
                    // After a close, nothing more is parsed (RFC 9112 §9.6).
                    self.recv.stop();
                    if !self.recv.eof() {
                        return Ok(Polled::NeedData);
                    }
                    if self.states.get(peer) == HalfState::MustClose {
                        self.process(peer, Step::ConnectionClosed)?;
                    }
                    return Ok(Polled::Event(Event::Closed));
                }
                HalfState::SendResponse | HalfState::Error => {
                    return Err(self.error.unwrap_or(RemoteError::UnexpectedData));
                }
            }
        }
    }

    /// Applies a step of the peer's to the state machine.
    fn process(&mut self, who: Role, step: Step) -> Result<(), RemoteError> {
        self.states
            .process(who, step, None)
            .map_err(|_| RemoteError::UnexpectedData)
    }

    fn read_request_head(&mut self) -> Result<Polled, RemoteError> {
        let Some(parsed) = self.recv.read_head(&self.cfg)? else {
            if self.recv.eof() {
                if !self.recv.is_empty() {
                    return Err(RemoteError::IncompleteMessage);
                }
                self.process(Role::Client, Step::ConnectionClosed)?;
                self.recv.stop();
                return Ok(Polled::Event(Event::Closed));
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

    /// Starts the next exchange once both halves are done.
    fn next_cycle(&mut self) {
        if self.states.start_next_cycle().is_err() {
            if self.our_state() == HalfState::MustClose {
                self.recv.stop();
            }
            return;
        }
        self.recv.expect_head(HeadKind::Request);
        self.answering = Answering::default();
        self.writer = BodyWriter::None;
        self.continue_pending = false;
        self.discard = None;
        self.timing.idle_since = self.now;
        // Pipelined bytes that came while paused start the next head now.
        self.timing.head_started = (!self.recv.is_empty()).then_some(self.now);
        self.timing.body_wait = None;
    }

    // ----- application commands -----

    /// Queues a response head. A 1xx is interim and may be followed by more; a final status
    /// starts the body, which [`send_data`](Self::send_data) and [`send_end`](Self::send_end)
    /// complete (even when it is empty).
    ///
    /// The engine frames the body: with the response's own Content-Length, exactly that many
    /// bytes MUST follow; without one it adds `Transfer-Encoding: chunked` for an HTTP/1.1
    /// client, and delimits the body by closing for an HTTP/1.0 one. It adds
    /// `Connection: close` when the connection will close, and `Connection: keep-alive` for a
    /// kept-alive HTTP/1.0 client. A 101, or a 2xx to CONNECT, switches protocols: see
    /// [`take_leftover`](Self::take_leftover).
    pub fn send_response(&mut self, head: ResponseHead) -> Result<(), LocalError> {
        if self.role != Role::Server {
            return Err(LocalError::WrongRole);
        }
        serialize::check_response(&head)?;
        let interim = head.is_informational();
        if interim && self.answering.version != Some(Version::Http11) {
            // RFC 9110 §15.2: a server MUST NOT send a 1xx to an HTTP/1.0 client.
            return Err(LocalError::InvalidStatus);
        }
        let switch = if head.status == 101 {
            if !self.states.proposed(Switch::Upgrade) {
                return Err(LocalError::InvalidStatus);
            }
            Some(Switch::Upgrade)
        } else if !interim && self.answering.connect && (200..300).contains(&head.status) {
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
        let writer = if interim {
            BodyWriter::None
        } else {
            framing::response_writer(self.answering, head.status, &head.headers)?
        };

        let mut added = Added {
            chunked: writer == BodyWriter::Chunked { add_header: true },
            ..Added::default()
        };
        let mut close = false;
        if !interim && switch.is_none() {
            // RFC 9112 §9.6: say so when the connection will close after this response.
            close = !self.states.keep_alive()
                || !framing::persistent(Version::Http11, &head.headers)
                || writer == BodyWriter::UntilClose
                || self.their_state() == HalfState::Error
                // RFC 9110 §10.1.1: a client told no 100 may or may not send its body; the
                // connection cannot be read reliably after this, so it closes.
                || (self.continue_pending && self.their_state() == HalfState::SendBody);
            added.close = close && !head.headers.has_token("connection", "close");
            added.keep_alive = !close
                && self.answering.version == Some(Version::Http10)
                && !head.headers.has_token("connection", "keep-alive");
        }
        let bytes = serialize::response_head(&head, added);

        self.states = next;
        if close {
            self.states.process_keep_alive_disabled();
        }
        if !interim {
            self.writer = writer;
        }
        if head.status == 100 || !interim {
            self.continue_pending = false;
        }
        self.transmit.push_back(bytes);
        Ok(())
    }

    /// Queues a 100 (Continue) for a request that expects one (see
    /// [`expects_continue`](Self::expects_continue)): the client will then send its body.
    pub fn send_continue(&mut self) -> Result<(), LocalError> {
        if !self.continue_pending {
            return Err(LocalError::NoContinueExpected);
        }
        self.send_response(ResponseHead::new(100))
    }

    /// Queues body data. The same `Bytes` comes out of [`poll_transmit`](Self::poll_transmit)
    /// (between chunk framing, when chunked): it is never copied.
    ///
    /// Data for a response to HEAD is dropped (the head describes the body a GET would get);
    /// data for a 1xx, 204 or 304 is an error.
    pub fn send_data(&mut self, data: Bytes) -> Result<(), LocalError> {
        if self.our_state() != HalfState::SendBody {
            return Err(LocalError::WrongState);
        }
        match &mut self.writer {
            _ if data.is_empty() => return Ok(()),
            BodyWriter::None => return Err(LocalError::BodyNotAllowed),
            BodyWriter::Suppressed => return Ok(()),
            BodyWriter::Length(remaining) => {
                *remaining = remaining
                    .checked_sub(data.len() as u64)
                    .ok_or(LocalError::BodyTooLong)?;
                self.transmit.push_back(data);
            }
            BodyWriter::Chunked { .. } => {
                let size = serialize::chunk_size_line(&mut self.scratch, data.len());
                self.transmit.extend([size, data, CRLF]);
            }
            BodyWriter::UntilClose => self.transmit.push_back(data),
        }
        Ok(())
    }

    /// Ends the message. Trailers are sent only with chunked framing (RFC 9112 §7.1.2) and are
    /// dropped otherwise, as a recipient may drop them (RFC 9110 §6.5.1).
    ///
    /// After the response ends, an unread request body is read and discarded up to
    /// [`Limits::max_discard`](crate::Limits) bytes to keep the connection; past that the
    /// connection closes.
    pub fn send_end(&mut self, trailers: Headers) -> Result<(), LocalError> {
        if self.our_state() != HalfState::SendBody {
            return Err(LocalError::WrongState);
        }
        match self.writer {
            BodyWriter::Length(n) if n > 0 => return Err(LocalError::BodyTooShort),
            BodyWriter::Chunked { .. } => {
                serialize::check_fields(&trailers)?;
                self.transmit.push_back(serialize::last_chunk(&trailers));
            }
            _ => {}
        }
        self.states
            .process(self.role, Step::EndOfMessage, None)
            .map_err(|_| LocalError::WrongState)?;
        self.writer = BodyWriter::None;
        if self.their_state() == HalfState::SendBody {
            self.discard = Some(self.cfg.limits.max_discard);
        }
        self.timing.idle_since = self.now;
        self.next_cycle();
        Ok(())
    }

    /// Answers the peer's error with the status it suggests (400, 408, 413, 414, 431, 501, 505)
    /// and `Connection: close`, if a response can still be sent. Returns whether one was queued;
    /// either way the connection should then be closed.
    pub fn send_error_response(&mut self) -> Result<bool, LocalError> {
        let Some(e) = self.error else {
            return Ok(false);
        };
        let Some(status) = e.status_hint() else {
            return Ok(false);
        };
        if !matches!(self.our_state(), HalfState::Idle | HalfState::SendResponse) {
            return Ok(false);
        }
        let message = e.as_str();
        let mut head = ResponseHead::new(status);
        head.headers.append("Content-Type", "text/plain; charset=utf-8");
        let mut digits = [0; 20];
        head.headers.append("Content-Length", serialize::decimal(message.len() as u64 + 1, &mut digits));
        head.headers.append("Connection", "close");
        self.send_response(head)?;
        self.send_data(Bytes::from_static(message.as_bytes()))?;
        self.send_data(Bytes::from_static(b"\n"))?;
        self.send_end(Headers::new())?;
        Ok(true)
    }

    /// After a protocol switch (101, or 2xx to CONNECT): the bytes received after the last
    /// HTTP message, which belong to the new protocol. `None` before a switch.
    pub fn take_leftover(&mut self) -> Option<Bytes> {
        (self.our_state() == HalfState::SwitchedProtocol).then(|| self.recv.take_all())
    }
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
        method: p.bytes.slice(method),
        target: p.bytes.slice(target),
        version,
        headers: Headers::from_parts(p.bytes, p.entries),
    }
}
