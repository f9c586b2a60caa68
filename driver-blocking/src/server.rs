//! The server: accepting connections within the limit, a thread per connection, and graceful
//! shutdown.

use crate::body::{Body, Incoming};
use crate::conn::{Conn, Shared, lock};
use crate::upgrade::{Pending, Upgraded};
use crate::{BoxError, Config, Error, PeerAddr};
use http_core::{Connection, Event, HalfState, Headers, LocalError, Polled, RequestHead};
use std::cell::Cell;
use std::collections::HashMap;
use std::io::{self, ErrorKind};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, TcpListener, TcpStream, ToSocketAddrs};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::SyncSender;
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// How long accepting pauses after it failed (out of file descriptors, say) or a thread
/// could not be started.
const BACKOFF: Duration = Duration::from_millis(50);
/// How long a shutdown tries to connect to its own listener, to wake a waiting accept.
const WAKE_TIMEOUT: Duration = Duration::from_secs(1);
/// Most response bytes left queued when the next pipelined request is started.
const QUEUED_MAX: usize = 64 * 1024;

/// An HTTP/1.1 server on a listening socket: each connection on a thread of its own, at most
/// [`Config::max_connections`] at once.
#[derive(Debug)]
pub struct Server {
    listener: TcpListener,
    config: Config,
    control: Arc<Control>,
}

/// What the accepting thread, the connections and the shutdown handles share.
#[derive(Debug)]
struct Control {
    /// Set once a graceful shutdown has begun; connections look at it on every wake-up.
    stop: Arc<AtomicBool>,
    /// Where the listener can be reached, to wake its accept.
    wake: SocketAddr,
    slots: Mutex<Slots>,
    /// Told when a connection ends or the shutdown begins.
    changed: Condvar,
}

/// The connections being served.
#[derive(Debug, Default)]
struct Slots {
    live: usize,
    next_id: u64,
    /// A handle on each live connection's socket, to end the input of those waiting idle when
    /// the shutdown begins and to cut the rest off once the grace is over, and whether it
    /// waits idle.
    streams: HashMap<u64, (TcpStream, Arc<AtomicBool>)>,
}

impl Control {
    fn slots(&self) -> MutexGuard<'_, Slots> {
        self.slots.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn stopped(&self) -> bool {
        self.stop.load(Ordering::SeqCst)
    }

    /// Counts a new connection in; its place is given back when the [`Slot`] is dropped.
    fn take_slot(self: &Arc<Self>, stream: &TcpStream) -> Slot {
        let mut s = self.slots();
        s.live += 1;
        let id = s.next_id;
        s.next_id += 1;
        let idle = Arc::new(AtomicBool::new(false));
        if let Ok(handle) = stream.try_clone() {
            s.streams.insert(id, (handle, idle.clone()));
        }
        Slot {
            control: self.clone(),
            id,
            idle,
        }
    }
}

/// One connection's place among the live ones, given back when dropped (also by a panic).
struct Slot {
    control: Arc<Control>,
    id: u64,
    /// Set while the connection waits idle between messages.
    idle: Arc<AtomicBool>,
}

impl Drop for Slot {
    fn drop(&mut self) {
        let mut s = self.control.slots();
        s.live -= 1;
        s.streams.remove(&self.id);
        drop(s);
        self.control.changed.notify_all();
    }
}

/// Starts a graceful shutdown of the server it came from: no new connection is accepted, idle
/// ones close, requests in flight finish (their responses say `Connection: close`) within
/// [`Config::shutdown_timeout`], after which the connections left are cut off.
#[derive(Clone, Debug)]
pub struct Shutdown(Arc<Control>);

impl Shutdown {
    /// Starts the shutdown (again is harmless). Returns at once; [`Server::serve`] returns
    /// when it is over.
    pub fn shutdown(&self) {
        let c = &self.0;
        if c.stop.swap(true, Ordering::SeqCst) {
            return;
        }
        // Under the lock, so that `serve` cannot miss it between its look and its wait.
        let s = c.slots();
        // Connections waiting idle between messages close now: their input ends, which
        // wakes their read (one that starts waiting after this sees the flag instead).
        for (stream, idle) in s.streams.values() {
            if idle.load(Ordering::SeqCst) {
                let _ = stream.shutdown(std::net::Shutdown::Read);
            }
        }
        drop(s);
        c.changed.notify_all();
        // Wakes an accept that waits: that connection is accepted, found late, and dropped.
        let _ = TcpStream::connect_timeout(&c.wake, WAKE_TIMEOUT);
    }
}

impl Server {
    /// Listens on `addr`.
    pub fn bind(addr: impl ToSocketAddrs, config: Config) -> io::Result<Self> {
        Self::from_listener(TcpListener::bind(addr)?, config)
    }

    /// Serves on a listener bound elsewhere (made blocking if it was not).
    pub fn from_listener(listener: TcpListener, config: Config) -> io::Result<Self> {
        listener.set_nonblocking(false)?;
        let wake = reachable(listener.local_addr()?);
        Ok(Self {
            listener,
            config,
            control: Arc::new(Control {
                stop: Arc::new(AtomicBool::new(false)),
                wake,
                slots: Mutex::new(Slots::default()),
                changed: Condvar::new(),
            }),
        })
    }

    /// The address it listens on (useful after binding port 0).
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.listener.local_addr()
    }

    /// A handle that starts a graceful shutdown, from any thread (a handler's too).
    #[must_use]
    pub fn shutdown_handle(&self) -> Shutdown {
        Shutdown(self.control.clone())
    }

    /// Serves `handler` on the calling thread's accept loop until shut down, then waits for
    /// the connections to finish (at most [`Config::shutdown_timeout`]) and returns.
    ///
    /// The handler runs on the connection's thread. An `Err` or a panic gives the client a
    /// 500 (`Content-Length: 0`) if the response head was not sent yet (or, when it failed on
    /// the request body's error, the client's fault, the status the engine suggests for it:
    /// 413, 408, 431, 400, and a close); a response body whose
    /// reader fails (or panics) cuts the connection, so the client sees an incomplete message.
    /// Either way the server goes on. An upgraded connection (see [`crate::upgrade`]) no
    /// longer counts against the limit.
    pub fn serve<H, E>(self, handler: H) -> io::Result<()>
    where
        H: Fn(http::Request<Incoming>) -> Result<http::Response<Body>, E> + Send + Sync + 'static,
        E: Into<BoxError>,
    {
        let handler = Arc::new(handler);
        let config = Arc::new(self.config);
        let control = self.control;
        let most = config.max_connections.max(1);
        loop {
            {
                // At the limit, no accept: further clients wait in the listen backlog.
                let mut s = control.slots();
                while s.live >= most && !control.stopped() {
                    s = control
                        .changed
                        .wait(s)
                        .unwrap_or_else(PoisonError::into_inner);
                }
            }
            if control.stopped() {
                break;
            }
            let stream = match self.listener.accept() {
                Ok((stream, _)) => stream,
                Err(e)
                    if matches!(
                        e.kind(),
                        ErrorKind::Interrupted | ErrorKind::ConnectionAborted
                    ) =>
                {
                    continue;
                }
                // Out of descriptors and the like: wait a moment, keep serving.
                Err(_) => {
                    std::thread::sleep(BACKOFF);
                    continue;
                }
            };
            // Also the connection that woke this accept for the shutdown.
            if control.stopped() {
                break;
            }
            let slot = control.take_slot(&stream);
            let (handler, config, stop) = (handler.clone(), config.clone(), control.stop.clone());
            let spawned = std::thread::Builder::new()
                .name("http-connection".into())
                .spawn(move || {
                    let idle = slot.idle.clone();
                    serve_connection(stream, &*handler, &config, stop, idle);
                    drop(slot);
                });
            if spawned.is_err() {
                // The connection and its slot went with the closure: the client sees a close.
                std::thread::sleep(BACKOFF);
            }
        }
        drop(self.listener);
        let end = Instant::now() + config.shutdown_timeout;
        let mut s = control.slots();
        while s.live > 0 {
            let left = end.saturating_duration_since(Instant::now());
            if left.is_zero() {
                break;
            }
            s = control
                .changed
                .wait_timeout(s, left)
                .unwrap_or_else(PoisonError::into_inner)
                .0;
        }
        // The grace is over: the connections left are cut off (their threads see their
        // sockets fail and end).
        for (stream, _) in s.streams.values() {
            let _ = stream.shutdown(std::net::Shutdown::Both);
        }
        Ok(())
    }
}

/// An address on which this host reaches a listener bound to `addr` (a wildcard address is
/// reached through loopback).
fn reachable(addr: SocketAddr) -> SocketAddr {
    let ip = match addr.ip() {
        IpAddr::V4(ip) if ip.is_unspecified() => IpAddr::V4(Ipv4Addr::LOCALHOST),
        IpAddr::V6(ip) if ip.is_unspecified() => IpAddr::V6(Ipv6Addr::LOCALHOST),
        ip => ip,
    };
    SocketAddr::new(ip, addr.port())
}

/// One connection, from its first byte to its close, or to its handover after a protocol
/// switch.
fn serve_connection<H, E>(
    stream: TcpStream,
    handler: &H,
    config: &Config,
    stop: Arc<AtomicBool>,
    idle: Arc<AtomicBool>,
) where
    H: Fn(http::Request<Incoming>) -> Result<http::Response<Body>, E>,
    E: Into<BoxError>,
{
    let peer = config
        .peer_addr
        .then(|| stream.peer_addr().ok())
        .flatten()
        .map(PeerAddr);
    let conn = Conn::new(
        stream,
        config,
        |now| Connection::server(config.engine, now),
        Some(stop),
        Some(idle),
    );
    let shared: Shared = Arc::new(Mutex::new(conn));
    loop {
        let (polled, switch) = {
            let mut c = lock(&shared);
            c.check_shutdown();
            let polled = c.poll();
            (polled, c.engine.switch_proposed())
        };
        match polled {
            Ok(Polled::Event(Event::Request(head))) => {
                match exchange(&shared, head, switch, (config.raw_head, peer), handler) {
                    // The response may still be queued: it goes out with the next one if that
                    // request is already here (pipelining), else before the next wait; past
                    // a bound, at once, so that a client that sends many requests and reads
                    // nothing holds no more than that.
                    Ok(None) => {
                        let mut c = lock(&shared);
                        if c.engine.transmit_len() > QUEUED_MAX && c.flush().is_err() {
                            return;
                        }
                        continue;
                    }
                    Ok(Some(upgrade)) => {
                        hand_over(&shared, &upgrade);
                        return;
                    }
                    Err(e) if e.is_socket() => return,
                    Err(_) => break,
                }
            }
            Ok(Polled::Event(Event::Closed)) => break,
            Ok(Polled::Event(_)) => continue,
            Ok(Polled::NeedData | Polled::Paused) => {}
            Err(_) => {
                // The peer's error: answered with the status the engine suggests, then closed.
                let mut c = lock(&shared);
                c.engine.set_date(unix_secs());
                let _ = c.engine.send_error_response();
                break;
            }
        }
        let mut c = lock(&shared);
        if c.flush().is_err() {
            return;
        }
        if c.engine.should_close() {
            break;
        }
        if c.wait().is_err() {
            return;
        }
    }
    lock(&shared).close();
}

/// Gives the socket, and what the peer sent after the switching request, to the handler's
/// [`crate::upgrade::OnUpgrade`], once the engine has it: what is left of the request that
/// asked for the switch is the engine's to discard, so bytes are fed until it is over.
fn hand_over(shared: &Shared, upgrade: &SyncSender<Upgraded>) {
    let mut c = lock(shared);
    while let Ok(Polled::NeedData) = c.poll() {
        if c.flush().is_err() || c.wait().is_err() {
            return;
        }
    }
    // `None` if the connection failed meanwhile (a body too long to discard, or stalled).
    let Some(leftover) = c.engine.take_leftover() else {
        return;
    };
    if let Ok(io) = c.hand_over() {
        let _ = upgrade.try_send(Upgraded { io, leftover });
    }
}

/// One request and its response; `switch` when the request proposed a protocol switch;
/// `raw_head` when the request is to carry its head as received, `peer` the peer's address
/// when it is to carry that.
/// Returns the upgrade to complete if the response switched protocols.
fn exchange<H, E>(
    shared: &Shared,
    head: RequestHead,
    switch: bool,
    (raw_head, peer): (bool, Option<PeerAddr>),
    handler: &H,
) -> Result<Option<SyncSender<Upgraded>>, Error>
where
    H: Fn(http::Request<Incoming>) -> Result<http::Response<Body>, E>,
    E: Into<BoxError>,
{
    // Only a request that proposed a switch can be answered with one.
    let (upgrade, pending) = if switch {
        let (tx, rx) = Pending::new();
        (Some(tx), Some(rx))
    } else {
        (None, None)
    };
    let req = match head.to_http_in(Incoming::request(shared.clone()), FIELDS.take()) {
        Ok(mut req) => {
            // The head as received stays with the request (names' case, order, raw target),
            // if asked.
            if raw_head {
                req.extensions_mut().insert(head);
            }
            if let Some(peer) = peer {
                req.extensions_mut().insert(peer);
            }
            if let Some(pending) = pending {
                req.extensions_mut().insert(pending);
            }
            req
        }
        Err(_) => {
            // A head the `http` types cannot hold never reaches the handler; the connection
            // closes after the answer.
            let mut c = lock(shared);
            c.engine.close_after_exchange();
            return end_empty(&mut c, 400).map(|()| None);
        }
    };
    let answer = catch_unwind(AssertUnwindSafe(|| handler(req)))
        .ok()
        .and_then(Result::ok);
    let mut c = lock(shared);
    c.check_shutdown();
    c.engine.set_date(unix_secs());
    // The handler dropped the request body unread (no reader holds the connection's record
    // of it): the engine drops the rest, or has the response say close when it cannot.
    if Arc::strong_count(c.reading()) == 1 {
        c.engine.body_dropped();
    }
    let Some(res) = answer else {
        return end_failed(&mut c).map(|()| None);
    };
    let Some(mut body) = start_response(&mut c, res) else {
        return end_empty(&mut c, 500).map(|()| None);
    };
    if c.engine.our_state() == HalfState::SwitchedProtocol {
        c.flush()?;
        return Ok(upgrade);
    }
    if let Some((mut file, offset, len)) = body.take_file() {
        // With the connection locked throughout: a reader of the request body left running
        // would otherwise take the lock between pieces and hold it waiting for bytes that may
        // never come (a client refused its 100 sends none).
        c.send_file(&mut file, offset, len)?;
        return end(&mut c, Headers::new()).map(|()| None);
    }
    if body.is_streamed() {
        drop(c);
        return stream_body(shared, body).map(|()| None);
    }
    // A body in memory is queued whole, to go out in one write with its head (and with the
    // next pipelined response, if that request is already here).
    while let Some(piece) = body.next_piece().map_err(|e| Error::Body(e.into()))? {
        c.engine.send_data(piece)?;
    }
    end(&mut c, Headers::from_http(&body.take_trailers()))?;
    Ok(None)
}

/// Answers with `status` and no body (a head the `http` types cannot hold, a handler that
/// failed), which ends the exchange as [`end`] does.
fn end_empty(c: &mut Conn, status: u16) -> Result<(), Error> {
    c.engine.set_date(unix_secs());
    finish(c, |engine| engine.send_empty_response(status))
}

/// Answers a handler that failed: a 500, or the client's error's status when it was at
/// fault (`Connection::send_failure_response`); the exchange ends as with [`end`].
fn end_failed(c: &mut Conn) -> Result<(), Error> {
    c.engine.set_date(unix_secs());
    finish(c, Connection::send_failure_response)
}

/// Ends the response, and with it the exchange: the request body, if unread, is the
/// engine's to discard, and its reader fails from now on.
fn end(c: &mut Conn, trailers: Headers) -> Result<(), Error> {
    finish(c, |engine| engine.send_end(trailers))
}

/// Tells the engine the time, after the handler and the body however long they took (the
/// wait for the next request counts from now), then `last`, the step that ends the response;
/// between exchanges then, the receive buffer is kept for the next read rather than freed.
fn finish(
    c: &mut Conn,
    last: impl FnOnce(&mut Connection) -> Result<(), LocalError>,
) -> Result<(), Error> {
    let now = c.now();
    c.engine.set_now(now);
    last(&mut c.engine)?;
    c.end_exchange();
    c.park_buffer();
    Ok(())
}

/// The wall-clock time for the engine's `Date` field, in seconds since 1970 (0 if the clock
/// is set before it).
fn unix_secs() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

thread_local! {
    /// The field map of the response the connection on this thread sent last, emptied: the
    /// next request's fields go into it, at no allocation of their own.
    static FIELDS: Cell<http::HeaderMap> = Cell::new(http::HeaderMap::new());
}

/// Keeps `map`, the fields of a response sent, for the next request's (see [`FIELDS`]), if
/// it is worth keeping ([`http_core::reusable_map`]).
fn keep_fields(map: http::HeaderMap) {
    if let Some(map) = http_core::reusable_map(map) {
        FIELDS.set(map);
    }
}

/// Hands the handler's response head to the engine and returns its body; `None` if the
/// engine refused the head (then nothing was queued) or the head was only an interim one, as
/// neither answers the request.
fn start_response(c: &mut Conn, res: http::Response<Body>) -> Option<Body> {
    let (parts, body) = res.into_parts();
    // A body read from a reader may be made of the request's body, which a client that
    // waits for 100 (Continue) sends only after it: the 100 goes before the final head
    // (RFC 9110 §10.1.1: after a final status the client sends no content).
    if body.is_streamed() && body.file_len().is_none() && c.engine.expects_continue() {
        c.engine.send_continue().ok()?;
    }
    // A file's range can only be framed by its length: a head framing it otherwise is refused.
    let sent = match body.file_len() {
        Some(len) => c.engine.send_http_response_direct(&parts, len),
        None => c.engine.send_http_response(&parts, body.known_len()),
    };
    keep_fields(parts.headers);
    sent.ok()?;
    (c.engine.our_state() != HalfState::SendResponse).then_some(body)
}

/// Sends a body read from a reader: each piece is written before the next is read, and the
/// connection is not locked while the reader runs (it may be reading this request's body).
fn stream_body(shared: &Shared, mut body: Body) -> Result<(), Error> {
    loop {
        // The head goes out first, as the reader may keep the peer waiting; then each piece.
        lock(shared).flush()?;
        let piece = catch_unwind(AssertUnwindSafe(|| body.next_piece()))
            .unwrap_or_else(|_| Err(io::Error::other("the body's reader panicked")))
            .map_err(|e| Error::Body(e.into()))?;
        let mut c = lock(shared);
        match piece {
            Some(piece) => c.engine.send_data(piece)?,
            None => {
                return end(&mut c, Headers::from_http(&body.take_trailers()));
            }
        }
    }
}
