//! The connection object: inputs in, events, transmit pieces and deadlines out.
//!
//! This file is glue shared by both roles; `connection/server.rs` and `connection/client.rs`
//! hold what differs. The rules they apply live elsewhere: framing and persistence in
//! `framing.rs`, transitions in `state.rs`, grammars in `parse/`, encoding in `serialize.rs`.

use crate::date::HttpDate;
use crate::error::{LocalError, RemoteError};
use crate::event::{Event, Polled};
use crate::framing::{Answering, BodyWriter, Requested};
use crate::headers::Headers;
use crate::limits::Config;
use crate::parse::head::HeadKind;
use crate::recv::{BodyEvent, Receiver};
use crate::serialize::{self, CRLF};
use crate::state::{HalfState, Role, States, Step};
use crate::timer::{Deadline, Instant, TimerKind};
use alloc::collections::VecDeque;
use bytes::{Buf, Bytes, BytesMut};

mod client;
mod server;

/// The pieces waiting to be written, in order, and how many bytes they hold.
#[derive(Debug, Default)]
struct Transmit {
    pieces: VecDeque<Bytes>,
    len: usize,
}

impl Transmit {
    fn push(&mut self, piece: Bytes) {
        self.len += piece.len();
        self.pieces.push_back(piece);
    }

    fn extend(&mut self, pieces: impl IntoIterator<Item = Bytes>) {
        for piece in pieces {
            self.push(piece);
        }
    }

    fn pop(&mut self) -> Option<Bytes> {
        let piece = self.pieces.pop_front()?;
        self.len -= piece.len();
        Some(piece)
    }

    /// Drops the first `n` bytes (at most all of them).
    fn consume(&mut self, mut n: usize) {
        while let Some(first) = self.pieces.front_mut() {
            if n < first.len() {
                first.advance(n);
                self.len -= n;
                return;
            }
            n -= first.len();
            self.pop();
        }
    }
}

/// When the waits that deadlines bound began.
#[derive(Clone, Copy, Debug)]
struct Timing {
    /// When the connection was created: the first head's deadline counts from here.
    created: Instant,
    /// When the last exchange ended: the idle deadline counts from here; and for a client,
    /// when its request ended: the wait for the response counts from here.
    idle_since: Instant,
    /// When the first byte of the head being read arrived.
    head_started: Option<Instant>,
    /// When the application started waiting for body bytes that had not come.
    body_wait: Option<Instant>,
}

/// What the client holds back while it waits for 100 (Continue) (RFC 9110 §10.1.1).
#[derive(Debug)]
enum Hold {
    /// Nothing held: body pieces go out as they are sent.
    Off,
    /// Body pieces wait, since `since`, for a 100 or the deadline.
    Waiting {
        since: Instant,
        pieces: VecDeque<Bytes>,
    },
}

/// What the application says of a body it sends: nothing, its exact length, or its exact
/// length with its bytes written by the driver itself (`send_data_direct`), which only that
/// length may frame.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Given {
    Unknown,
    Sized(u64),
    Direct(u64),
}

impl Given {
    /// Whether the driver writes the body itself (`send_data_direct`).
    pub(crate) fn is_direct(self) -> bool {
        matches!(self, Self::Direct(_))
    }

    /// The body's length, if the application gave it.
    pub(crate) fn len(self) -> Option<u64> {
        match self {
            Self::Unknown => None,
            Self::Sized(n) | Self::Direct(n) => Some(n),
        }
    }
}

/// One HTTP/1.1 connection, in the server or the client role: a sans-IO state machine.
///
/// # The call order
///
/// Methods come in four kinds: inputs (`feed`, `feed_eof`, `handle_timeout`), application
/// commands (`send_*`), outputs (`poll_*`), and getters. The `poll_*` methods are ordinary
/// methods, not `Future::poll`. After every input or command the driver MUST:
///
/// 1. call [`poll_event`](Self::poll_event) until it returns [`Polled::NeedData`],
///    [`Polled::Paused`], [`Event::Closed`] or an error, acting on each event (the application
///    may send in between);
/// 2. call [`poll_transmit`](Self::poll_transmit) until it returns `None`, writing every piece
///    out in order;
/// 3. close the connection once everything is written if [`should_close`](Self::should_close)
///    says so;
/// 4. otherwise wait for more bytes (only while [`wants_read`](Self::wants_read)), or for
///    [`poll_timeout`](Self::poll_timeout), whichever comes first.
///
/// A remote error is sticky: a server answers it with
/// [`send_error_response`](Self::send_error_response), writes out what is queued, and closes.
#[derive(Debug)]
pub struct Connection {
    role: Role,
    cfg: Config,
    states: States,
    recv: Receiver,
    now: Instant,
    error: Option<RemoteError>,
    transmit: Transmit,
    /// Room for small framing pieces, split off as they are queued.
    scratch: BytesMut,
    writer: BodyWriter,
    timing: Timing,
    /// Server: the request being answered.
    answering: Answering,
    /// Server: a 100 (Continue) the client waits for and the application has not decided on.
    continue_pending: bool,
    /// Server: after the response ended or switched protocols before the request's end, how
    /// much more of the unread request body may be discarded.
    discard: Option<u64>,
    /// Server: requests received so far.
    requests: u64,
    /// Client: the request being answered.
    requested: Requested,
    /// Client: a request head not yet queued, waiting to learn whether a body follows.
    pending_head: Option<crate::event::RequestHead>,
    /// Client: body pieces held for 100 (Continue).
    hold: Hold,
    /// Server: the time last told, for the `Date` of final responses.
    date: Option<HttpDate>,
}

impl Connection {
    fn new(role: Role, config: Config, now: Instant) -> Self {
        Self {
            role,
            cfg: config,
            states: States::new(),
            recv: Receiver::new(Self::head_kind(role)),
            now,
            error: None,
            transmit: Transmit::default(),
            scratch: BytesMut::new(),
            writer: BodyWriter::None,
            timing: Timing {
                created: now,
                idle_since: now,
                head_started: None,
                body_wait: None,
            },
            answering: Answering::default(),
            continue_pending: false,
            discard: None,
            requests: 0,
            requested: Requested::default(),
            pending_head: None,
            hold: Hold::Off,
            date: None,
        }
    }

    /// The kind of head this role receives.
    fn head_kind(role: Role) -> HeadKind {
        match role {
            Role::Server => HeadKind::Request,
            Role::Client => HeadKind::Response,
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

    /// Whether the connection will be reused after the current exchange: not once either
    /// side failed or closed.
    #[must_use]
    pub fn keep_alive(&self) -> bool {
        let gone = |s| matches!(s, HalfState::Error | HalfState::Closed);
        self.states.keep_alive()
            && self.error.is_none()
            && !gone(self.our_state())
            && !gone(self.their_state())
    }

    /// Whether both halves are between messages and the connection can carry a new exchange:
    /// for a client, whether it may send its next request.
    #[must_use]
    pub fn is_reusable(&self) -> bool {
        self.error.is_none()
            && self.states.keep_alive()
            && (self.our_state(), self.their_state()) == (HalfState::Idle, HalfState::Idle)
    }

    /// Whether the connection is reusable and holds nothing of a next message: the state in
    /// which a server may close a kept-alive connection without cutting a request short (a
    /// client must be ready for that close, RFC 9112 §9.3.1), as a graceful shutdown does.
    #[must_use]
    pub fn is_idle(&self) -> bool {
        self.is_reusable() && self.recv.is_empty()
    }

    /// Whether the driver should close the connection once every transmit piece is written.
    ///
    /// It follows from what each side still owes: a server closes once its last response is
    /// complete (or the client is gone while nothing is being answered, or failed after a
    /// protocol switch, which leaves nothing to hand over); a client closes once
    /// the server will say nothing more, but never while the response to a request it sent
    /// (even with `Connection: close`) is still to come.
    #[must_use]
    pub fn should_close(&self) -> bool {
        use HalfState::{Closed, Error, Idle, MustClose, SendBody, SendResponse, SwitchedProtocol};
        let (ours, theirs) = (self.our_state(), self.their_state());
        let we_are_finished = matches!(ours, MustClose | Closed | Error);
        let both_idle = ours == Idle && theirs == Idle;
        match self.role {
            Role::Server => {
                we_are_finished
                    || (ours == Idle && matches!(theirs, Error | Closed))
                    // Asked to close (graceful shutdown) with no exchange under way, nor a
                    // request begun.
                    || (both_idle && !self.states.keep_alive() && self.recv.is_empty())
                    // The request failed after a switch: there is nothing to hand over.
                    || (ours == SwitchedProtocol && theirs == Error)
            }
            Role::Client => {
                // The server ended its side: it reads nothing more, whatever we were sending.
                let server_gone = matches!(theirs, MustClose | Closed | Error);
                let response_owed = matches!(theirs, SendResponse | SendBody);
                server_gone
                    || (we_are_finished && !response_owed)
                    || (both_idle && !self.states.keep_alive())
            }
        }
    }

    /// Ends the connection after the exchange under way, as for a graceful shutdown: a response
    /// not yet sent carries `Connection: close`, and a connection with no exchange under way
    /// should close now (see [`should_close`](Self::should_close)). A request of which some
    /// bytes have come is the exchange under way: it is read (within the header-read
    /// timeout) and answered with `Connection: close`; requests pipelined after the one
    /// answered are not.
    pub fn close_after_exchange(&mut self) {
        self.states.process_keep_alive_disabled();
        if (self.our_state(), self.their_state()) == (HalfState::Idle, HalfState::Idle)
            && self.recv.is_empty()
        {
            self.recv.stop();
        }
    }

    /// How many bytes of the received message's body are still to come, when its framing
    /// says so in advance: `Some(0)` for a message without a body (or once all of it has
    /// been handed out as `Data`), `Some(n)` while `n` bytes of a `Content-Length` body are
    /// to come; `None` for a chunked or close-delimited body, whose end is known only when
    /// it comes, and between messages. Polled right after a `Request` or `Response` event, it
    /// tells a driver whether a body follows at all, and an exact size hint if one does.
    #[must_use]
    pub fn body_remaining(&self) -> Option<u64> {
        self.recv.body_remaining()
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
        let was_empty = self.recv.is_empty();
        // (At the latest time the engine was told: one given late is not earlier.)
        self.received(self.now, was_empty);
        self.recv.feed(data);
    }

    /// Lets `read` write up to `max` received bytes straight into the engine's receive buffer
    /// (no copy), at `now`; the engine keeps the `n` that `read` returns in `Ok(n)` and
    /// nothing on `Err`. A driver passes its socket's read here; `Ok(0)` keeps nothing and,
    /// as with any read, the end of input is told with [`feed_eof`](Self::feed_eof). While
    /// nothing is buffered, the memory lent to `read` is given back when it returns, so an
    /// idle connection holds no buffer.
    pub fn receive<E>(
        &mut self,
        now: Instant,
        max: usize,
        read: impl FnOnce(&mut [u8]) -> Result<usize, E>,
    ) -> Result<usize, E> {
        self.advance_clock(now);
        self.receive_timed(max, |buf| read(buf).map(|n| (n, now)))
    }

    /// [`receive`](Self::receive) for a driver whose read waits for the bytes (a blocking
    /// socket): `read` returns, with the count, the time it returned, and the bytes count as
    /// received then. (Given before a read that waited, the time would date a head that
    /// began after a long quiet spell from the start of that spell, and time it out.)
    pub fn receive_timed<E>(
        &mut self,
        max: usize,
        read: impl FnOnce(&mut [u8]) -> Result<(usize, Instant), E>,
    ) -> Result<usize, E> {
        let was_empty = self.recv.is_empty();
        let mut at = None;
        let result = self.recv.receive(max, |buf| {
            read(buf).map(|(n, now)| {
                at = Some(now);
                n
            })
        });
        if let Some(now) = at {
            self.advance_clock(now);
            if matches!(result, Ok(n) if n > 0) {
                self.received(self.now, was_empty);
            }
        }
        result
    }

    /// The receive buffer's memory, if it holds no bytes now: for a driver serving many
    /// connections to lend to the next one that reads ([`give_buffer`](Self::give_buffer)),
    /// where the engine would free it once nothing is buffered (an idle connection holds no
    /// memory for reading) and allocate another for the next read. A buffer whose earlier
    /// bytes were handed out as a head's or a body's `Bytes` is already shared: reused, it
    /// costs neither an allocation nor the one that made it shareable. `None` while bytes are
    /// buffered, when there is no memory to give, or when the buffer grew past 4 KiB since it
    /// was allocated (for a long head or a body streaming in): that one is freed as before.
    /// So what is handed out is at most 4 KiB of memory, though its `capacity()` may say less
    /// (the part of it before its free room may still back `Bytes` handed out earlier).
    pub fn take_spare_buffer(&mut self) -> Option<BytesMut> {
        self.recv.take_spare()
    }

    /// Memory for the receive buffer, from another connection's
    /// [`take_spare_buffer`](Self::take_spare_buffer): taken (emptied) if this connection has
    /// no memory for reading and still reads, given back otherwise. `Bytes` handed out
    /// earlier from the same memory stay as they are: reads go only into the buffer's own
    /// free room, and a read that needs more takes the whole memory back if nothing else
    /// refers to it any more, or else allocates anew.
    pub fn give_buffer(&mut self, buf: BytesMut) -> Option<BytesMut> {
        self.recv.give(buf)
    }

    /// The timers' part of receiving bytes.
    fn received(&mut self, now: Instant, was_empty: bool) {
        if was_empty && self.timing.head_started.is_none() {
            self.timing.head_started = Some(now);
        }
        self.timing.body_wait = None;
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
        match d.kind {
            TimerKind::HeaderRead => self.fail(RemoteError::HeaderTimeout),
            TimerKind::Idle => self.fail(RemoteError::IdleTimeout),
            TimerKind::BodyRead => self.fail(RemoteError::BodyTimeout),
            TimerKind::Response => self.fail(RemoteError::ResponseTimeout),
            // RFC 9110 §10.1.1: a client that waited long enough sends its body anyway.
            TimerKind::Continue => self.release_hold(),
        }
    }

    /// Tells the engine the time, without acting on deadlines (as
    /// [`handle_timeout`](Self::handle_timeout) does): what it starts from now counts from it,
    /// as the wait for the next request does from the end of a response. A driver tells it
    /// before a response that may come long after the engine last heard the time (a slow
    /// handler, a long body).
    pub fn set_now(&mut self, now: Instant) {
        self.advance_clock(now);
    }

    /// Tells a server connection the wall-clock time, in seconds since 1970-01-01 00:00:00
    /// GMT, for the `Date` field: RFC 9110 §6.6.1 has an origin server with a clock send it
    /// in every 2xx, 3xx and 4xx response. Once told, the engine adds `Date` to every final
    /// response whose head has none (1xx go without, as that section allows). The engine
    /// reads no clock, so the driver tells it, at least before each response; the field is
    /// written anew only when the second changes. A client connection ignores it.
    pub fn set_date(&mut self, unix_secs: u64) {
        if self.role == Role::Server && !self.date.is_some_and(|d| d.is_at(unix_secs)) {
            self.date = Some(HttpDate::from_unix_secs(unix_secs));
        }
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
        if let Hold::Waiting { since, .. } = self.hold {
            return Deadline::after(TimerKind::Continue, since, t.continue_wait);
        }
        match (self.role, self.their_state(), self.our_state()) {
            (Role::Server, HalfState::Idle, HalfState::Idle) => {
                let started = !self.recv.is_empty();
                if self.requests == 0 {
                    // The first head counts from the connection's start (slowloris); before any
                    // byte has come, expiry is a quiet close.
                    let kind = if started {
                        TimerKind::HeaderRead
                    } else {
                        TimerKind::Idle
                    };
                    Deadline::after(kind, self.timing.created, t.header_read)
                } else if let (true, Some(at)) = (started, self.timing.head_started) {
                    Deadline::after(TimerKind::HeaderRead, at, t.header_read)
                } else {
                    Deadline::after(TimerKind::Idle, self.timing.idle_since, t.idle)
                }
            }
            // Also while an unread body is discarded: a client that stops sending it must not
            // hold the connection.
            (_, HalfState::SendBody, _) => {
                Deadline::after(TimerKind::BodyRead, self.timing.body_wait?, t.body_read)
            }
            // From the request's end (when `send_end` set `idle_since`); interim responses
            // do not move it.
            // Also from a request cut short by a failed write (`send_failed`, when it set
            // `idle_since`): the response may already be on its way (RFC 9112 §9.5).
            (
                Role::Client,
                HalfState::SendResponse,
                HalfState::Done
                | HalfState::MightSwitchProtocol
                | HalfState::MustClose
                | HalfState::Error,
            ) => Deadline::after(TimerKind::Response, self.timing.idle_since, t.response_wait),
            _ => None,
        }
    }

    /// The next piece of bytes to write to the peer, in order. Body data comes out as the same
    /// `Bytes` the application sent.
    pub fn poll_transmit(&mut self) -> Option<Bytes> {
        self.transmit.pop()
    }

    /// Whether there are pieces waiting to be written.
    #[must_use]
    pub fn has_transmit(&self) -> bool {
        !self.transmit.pieces.is_empty()
    }

    /// How many bytes wait to be written, all pieces together: a server driver writes them
    /// out before it starts on another pipelined request once they pass a bound of its own,
    /// so that a client which sends many requests and reads nothing holds little memory.
    #[must_use]
    pub fn transmit_len(&self) -> usize {
        self.transmit.len
    }

    /// The pieces waiting to be written, in order, left in place: a driver makes one vectored
    /// write of them and then tells [`consume_transmit`](Self::consume_transmit) how many
    /// bytes went out, so that it needs no list of its own. The same pieces come out of
    /// [`poll_transmit`](Self::poll_transmit).
    pub fn transmit_pieces(&self) -> impl Iterator<Item = &[u8]> {
        self.transmit.pieces.iter().map(|piece| &piece[..])
    }

    /// Fills `slices` with the pieces waiting to be written, in order (none is empty), for one
    /// vectored write; returns how many it filled (0 when nothing waits). After the write,
    /// [`consume_transmit`](Self::consume_transmit) drops what it took.
    #[cfg(feature = "std")]
    pub fn transmit_io_slices<'a>(&'a self, slices: &mut [std::io::IoSlice<'a>]) -> usize {
        let mut filled = 0;
        for (slice, piece) in slices.iter_mut().zip(self.transmit_pieces()) {
            *slice = std::io::IoSlice::new(piece);
            filled += 1;
        }
        filled
    }

    /// Drops the first `n` bytes of the pieces waiting to be written, as a write took them
    /// (at most all of them: more is the same as all).
    pub fn consume_transmit(&mut self, n: usize) {
        self.transmit.consume(n);
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
            match (self.role, self.states.get(peer)) {
                (Role::Server, HalfState::Idle) => return self.read_request_head(),
                (Role::Client, HalfState::Idle) => return self.read_unsolicited(),
                (Role::Client, HalfState::SendResponse) => return self.read_response_head(),
                (_, HalfState::SendBody) => match self.recv.read_body(&self.cfg)? {
                    None => {
                        if self.timing.body_wait.is_none() {
                            self.timing.body_wait = Some(self.now);
                        }
                        return Ok(Polled::NeedData);
                    }
                    Some(BodyEvent::Data(data)) => {
                        // Data is no step of the state table: the peer's half stays in
                        // SendBody.
                        if self.discarded(data.len())? {
                            continue;
                        }
                        return Ok(Polled::Event(Event::Data(data)));
                    }
                    Some(BodyEvent::End(trailers)) => {
                        self.process(peer, Step::EndOfMessage)?;
                        let discarded = self.discard.take().is_some();
                        self.next_cycle();
                        if discarded {
                            // What follows is read as after an `End` given: a server's next
                            // request, or, for a client, bytes that answer no request sent
                            // (RFC 9112 §9.3: they must not become the next one's response).
                            continue;
                        }
                        return Ok(Polled::Event(Event::End(trailers)));
                    }
                },
                (
                    _,
                    HalfState::Done | HalfState::MightSwitchProtocol | HalfState::SwitchedProtocol,
                ) => return Ok(Polled::Paused),
                (_, HalfState::MustClose | HalfState::Closed) => {
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
                (Role::Server, HalfState::SendResponse) | (_, HalfState::Error) => {
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

    /// The end of input where the peer owes nothing: its close, reported once as an event.
    fn peer_closed(&mut self) -> Result<Polled, RemoteError> {
        self.process(self.role.peer(), Step::ConnectionClosed)?;
        self.recv.stop();
        Ok(Polled::Event(Event::Closed))
    }

    /// Starts the next exchange once both halves are done.
    fn next_cycle(&mut self) {
        if self.states.start_next_cycle().is_err() {
            // A server that will close reads no more of the request; a client still reads the
            // response it is owed.
            let owed = self.role == Role::Client
                && matches!(
                    self.their_state(),
                    HalfState::SendResponse | HalfState::SendBody
                );
            if self.our_state() == HalfState::MustClose && !owed {
                self.recv.stop();
            }
            return;
        }
        self.recv.expect_head(Self::head_kind(self.role));
        self.answering = Answering::default();
        self.writer = BodyWriter::None;
        self.continue_pending = false;
        self.discard = None;
        self.hold = Hold::Off;
        self.timing.idle_since = self.now;
        // Pipelined bytes that came while paused start the next head now.
        self.timing.head_started = (!self.recv.is_empty()).then_some(self.now);
        self.timing.body_wait = None;
    }

    // ----- body commands, both roles -----

    /// Says the application will read no more of the body being received (a client done with
    /// a response it does not want whole; a server with a request body, which its engine
    /// also discards on its own once the response has ended): the engine reads the rest and
    /// drops it, at most [`Limits::max_discard`](crate::Limits) more bytes, so that the
    /// connection can carry the next exchange. No more `Data` or `End` event comes of that
    /// body; [`is_idle`](Self::is_idle) says when it is over. A body that turns out longer
    /// than that is not waited for: the connection is not kept (receiving stops, and it
    /// closes once what it owes is done).
    ///
    /// Returns whether the engine took the body on. It does not, and nothing changes (the
    /// application may read on), when no body is being received, when the connection will
    /// not be reused anyway, or when the body's Content-Length leaves more than the budget.
    pub fn discard_body(&mut self) -> bool {
        if self.their_state() != HalfState::SendBody || !self.keep_alive() {
            return false;
        }
        if self.discard.is_some() {
            return true;
        }
        let budget = self.cfg.limits.max_discard;
        if self.recv.body_remaining().is_some_and(|left| left > budget) {
            return false;
        }
        self.discard = Some(budget);
        true
    }

    /// Whether a body given up ([`discard_body`](Self::discard_body)) is still coming and the
    /// connection still kept for it: a driver feeds bytes while this holds. Once it does not,
    /// the body ended ([`is_idle`](Self::is_idle), for a client) or passed its budget (the
    /// connection is not kept).
    #[must_use]
    pub fn is_discarding(&self) -> bool {
        self.discard.is_some() && self.their_state() == HalfState::SendBody && self.keep_alive()
    }

    /// Counts `n` bytes of body against the discard budget, if the body is being discarded (a
    /// server's response has ended or switched protocols, or [`discard_body`] was called);
    /// returns whether they were discarded.
    ///
    /// Outside a switch, too much to throw away closes the connection instead (RFC 9112
    /// §9.6). After a switch there is no such way out: the new protocol begins only where the
    /// request ends (RFC 9110 §7.8), so a body longer than the budget is
    /// [`RemoteError::UnreadBodyTooLarge`], at the byte that crosses it.
    ///
    /// [`discard_body`]: Self::discard_body
    fn discarded(&mut self, n: usize) -> Result<bool, RemoteError> {
        let Some(budget) = self.discard else {
            return Ok(false);
        };
        let left = budget.checked_sub(n as u64);
        if self.our_state() == HalfState::SwitchedProtocol {
            self.discard = Some(left.ok_or(RemoteError::UnreadBodyTooLarge)?);
            return Ok(true);
        }
        match left {
            Some(left) => self.discard = Some(left),
            None => {
                self.states.process_keep_alive_disabled();
                self.recv.stop();
            }
        }
        Ok(true)
    }

    /// Queues body data. The same `Bytes` comes out of [`poll_transmit`](Self::poll_transmit)
    /// (between chunk framing, when chunked): it is never copied.
    ///
    /// Data for a response to HEAD is dropped (the head describes the body a GET would get),
    /// and so is data for a 204 or 304, which can have none (RFC 9110 §15.3.5, §15.4.5): the
    /// head is right, and the connection carries on; so is data for a 205, which says it has
    /// none (§15.3.6). Data where no body may follow at all (a bodiless request, a CONNECT,
    /// a 2xx to CONNECT) is an error.
    pub fn send_data(&mut self, data: Bytes) -> Result<(), LocalError> {
        if self.our_state() != HalfState::SendBody {
            return Err(LocalError::WrongState);
        }
        if data.is_empty() {
            return Ok(());
        }
        // (Only a client's head may wait: the look keeps the call off a server's path.)
        if self.pending_head.is_some() {
            self.flush_pending_head(true)?;
        }
        match &mut self.writer {
            BodyWriter::None => return Err(LocalError::BodyNotAllowed),
            BodyWriter::Suppressed => return Ok(()),
            BodyWriter::Length(remaining) => {
                *remaining = remaining
                    .checked_sub(data.len() as u64)
                    .ok_or(LocalError::BodyTooLong)?;
                self.queue_body([data]);
            }
            BodyWriter::Chunked { .. } => {
                let size = serialize::chunk_size_line(&mut self.scratch, data.len());
                self.queue_body([size, data, CRLF]);
            }
            BodyWriter::UntilClose => self.queue_body([data]),
        }
        Ok(())
    }

    /// Counts `len` bytes of body that the driver writes to the transport itself, without
    /// them passing through the engine: a file sent by `sendfile(2)`, say. The driver writes
    /// them after every byte queued before this call and before any byte queued after it.
    /// Returns whether to write them at all: `false` when the message has no body (a
    /// response to HEAD, a 204 or 304) or it is dropped (after a final response, the rest of
    /// a client's), so that a driver can send a file the same way whatever the answer.
    ///
    /// Only a body framed by its length (`Content-Length`, or the close of the connection)
    /// can be sent so: a chunked body would need framing between those bytes, and gets
    /// [`LocalError::DirectChunked`] (a server's [`send_response_direct`](Self::send_response_direct)
    /// refuses such a head before queuing it). A client whose body waits for 100 (Continue)
    /// gets [`LocalError::WrongState`] until the wait is over.
    pub fn send_data_direct(&mut self, len: u64) -> Result<bool, LocalError> {
        if self.our_state() != HalfState::SendBody {
            return Err(LocalError::WrongState);
        }
        if len == 0 {
            return Ok(false);
        }
        // A client's head still held is one whose body has no known length: it would go
        // chunked. Everything is checked before anything is queued or counted: an error
        // leaves the message as it was.
        if self.pending_head.is_some() {
            return Err(LocalError::DirectChunked);
        }
        match self.writer {
            BodyWriter::None | BodyWriter::Suppressed => return Ok(false),
            BodyWriter::Chunked { .. } => return Err(LocalError::DirectChunked),
            BodyWriter::Length(remaining) if len > remaining => {
                return Err(LocalError::BodyTooLong);
            }
            BodyWriter::Length(_) | BodyWriter::UntilClose => {}
        }
        if self.holds_body() {
            return Err(LocalError::WrongState);
        }
        if let BodyWriter::Length(remaining) = &mut self.writer {
            *remaining -= len;
        }
        Ok(true)
    }

    /// Ends the message. Trailers are sent only with chunked framing (RFC 9112 §7.1.2) and are
    /// dropped otherwise, as a recipient may drop them (RFC 9110 §6.5.1).
    ///
    /// A server whose response ends before the request body was read reads and discards up to
    /// [`Limits::max_discard`](crate::Limits) more bytes of it to keep the connection; past
    /// that the connection closes. What waits begin here (the idle wait after a response, a
    /// client's wait for its response) count from the time the engine was last told: a driver
    /// tells it ([`set_now`](Self::set_now)) first if a body may have taken long.
    pub fn send_end(&mut self, trailers: Headers) -> Result<(), LocalError> {
        if self.our_state() != HalfState::SendBody {
            return Err(LocalError::WrongState);
        }
        match self.writer {
            BodyWriter::Length(n) if n > 0 => {
                return Err(LocalError::BodyTooShort);
            }
            BodyWriter::Chunked { .. } => serialize::check_trailers(&trailers)?,
            _ => {}
        }
        if let Some(head) = &self.pending_head {
            // An empty body that ends with trailers goes chunked, the one framing that
            // carries them (RFC 9112 §7.1.2), where the request may be chunked; else with its
            // length, 0, and its trailers dropped.
            let chunked = !trailers.is_empty() && head.can_carry_trailers();
            if chunked {
                serialize::check_trailers(&trailers)?;
            }
            self.flush_pending_head(chunked)?;
        }
        // A body that turned out empty has nothing to wait for a 100 (Continue) for: it
        // ends now (RFC 9110 §10.1.1 has a client expect one only for content).
        if let Hold::Waiting { pieces, .. } = &self.hold
            && pieces.is_empty()
        {
            self.hold = Hold::Off;
        }
        if let BodyWriter::Chunked { .. } = self.writer {
            self.queue_body([serialize::last_chunk(&trailers)]);
        }
        self.states
            .process(self.role, Step::EndOfMessage, None)
            .map_err(|_| LocalError::WrongState)?;
        self.writer = BodyWriter::None;
        // (A body the application gave up earlier keeps what is left of its budget.)
        if self.role == Role::Server
            && self.their_state() == HalfState::SendBody
            && self.discard.is_none()
        {
            self.discard = Some(self.cfg.limits.max_discard);
        }
        self.timing.idle_since = self.now;
        self.next_cycle();
        Ok(())
    }

    /// Tells the engine that the transport failed to take what it queued (a write failed or
    /// timed out): the message being sent can never be finished. The local half moves to
    /// [`HalfState::Error`]; nothing queued or held is sent, later `send_*` calls are refused,
    /// and the connection is not reused.
    ///
    /// A client may still read the response that the server sent before it stopped reading
    /// (a 413, say): RFC 9112 §9.5 has a client that sends a body watch for a response while
    /// it sends, and stop sending when the server does not want the body and closes. The wait
    /// for that response is bounded by [`Timeouts::response_wait`](crate::Timeouts), counted
    /// from the time the engine was last told ([`set_now`](Self::set_now)).
    pub fn send_failed(&mut self) {
        self.transmit = Transmit::default();
        self.hold = Hold::Off;
        self.pending_head = None;
        self.writer = BodyWriter::None;
        self.timing.idle_since = self.now;
        self.states.process_error(self.role);
    }

    /// Queues body pieces: out now, or held for 100 (Continue).
    fn queue_body<const N: usize>(&mut self, pieces: [Bytes; N]) {
        // Nothing empty is ever queued (`send_data` drops empty data), so a driver's write of
        // what is queued always writes something.
        debug_assert!(pieces.iter().all(|p| !p.is_empty()));
        match &mut self.hold {
            Hold::Off => self.transmit.extend(pieces),
            Hold::Waiting { pieces: held, .. } => held.extend(pieces),
        }
    }

    /// Whether the body waits for a 100 (Continue) (client, `Expect: 100-continue`): what is
    /// sent meanwhile is held, so a driver takes no more of the body from the application
    /// until the wait is over: a 100 came, the wait timed out ([`handle_timeout`]), or a
    /// final response came first (the body is then dropped as it is sent).
    ///
    /// [`handle_timeout`]: Self::handle_timeout
    #[must_use]
    pub fn holds_body(&self) -> bool {
        matches!(self.hold, Hold::Waiting { .. })
    }

    /// Client: whether the request body still being sent is no longer wanted, so that a
    /// driver takes no more of it from the application and ends the request
    /// ([`send_end`](Self::send_end)) instead: a final response came before the body's end
    /// and said so (an error status from a server that closes the connection, RFC 9112 §9.5;
    /// or any final status before a 100 (Continue) the request waited for, RFC 9110
    /// §10.1.1). What was queued of the body is not sent, and what is sent from then on is
    /// dropped; the response is read as usual, and the connection is not reused. A driver
    /// sees such a response only if it reads while it sends: RFC 9112 §9.5 has a client
    /// that sends a body watch for one.
    #[must_use]
    pub fn body_refused(&self) -> bool {
        self.role == Role::Client
            && self.our_state() == HalfState::SendBody
            && self.writer == BodyWriter::Suppressed
    }

    /// After a protocol switch (101, or 2xx to CONNECT): the bytes received after the last
    /// HTTP message, which belong to the new protocol. `None` before a switch, and while the
    /// request that asked for it is still coming.
    ///
    /// The new protocol starts only after the request that asked for the switch has ended
    /// (RFC 9110 §7.8; its body is framed as any other, RFC 9112 §6). A server's engine
    /// discards what the application left unread of that body once the switching response
    /// is queued: no `Data` or `End` event comes of it. So a driver only feeds bytes and calls
    /// [`poll_event`](Self::poll_event) until this returns `Some`: `poll_event` says
    /// [`Polled::NeedData`] while the body is still coming and [`Polled::Paused`] once it
    /// has ended. At most [`Limits::max_discard`](crate::Limits) bytes are discarded so: a
    /// body longer than that, or declared longer by its Content-Length, fails the connection
    /// with [`RemoteError::UnreadBodyTooLarge`]; one that stalls, with
    /// [`RemoteError::BodyTimeout`]. Either way [`should_close`](Self::should_close) then
    /// says so.
    pub fn take_leftover(&mut self) -> Option<Bytes> {
        (self.our_state() == HalfState::SwitchedProtocol
            && self.their_state() == HalfState::SwitchedProtocol)
            .then(|| self.recv.take_all())
    }
}

#[cfg(test)]
mod tests;
