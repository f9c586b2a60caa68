//! The server: accepting connections within the limit, one task per connection, and graceful
//! shutdown.

use crate::body::Incoming;
use crate::flag::Flag;
use crate::io::{Ahead, Io, Woken, spare};
use crate::upgrade::{Pending, Upgraded};
use crate::{BoxError, Config, Error, Listener, PeerAddr, Runtime, SendFile};
use bytes::Bytes;
use futures_util::FutureExt;
use futures_util::future::CatchUnwind;
use http_body::Body;
use http_core::{Connection, Event, HalfState, Headers, Polled, RequestHead};
use std::cell::Cell;
use std::future::{Future, pending, poll_fn};
use std::io;
use std::marker::PhantomData;
use std::net::SocketAddr;
use std::panic::AssertUnwindSafe;
use std::pin::{Pin, pin};
use std::sync::Arc;
use std::task::{Context, Poll, Waker};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};
use tokio::sync::{Semaphore, oneshot};

/// An HTTP/1.1 server on a listening socket of runtime `R`.
pub struct Server<R, L> {
    listener: L,
    config: Config,
    shutdown: Shutdown,
    runtime: PhantomData<fn() -> R>,
}

impl<R, L> std::fmt::Debug for Server<R, L> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Server")
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

/// Starts a graceful shutdown of the server it came from: no new connection is accepted, idle
/// ones close, requests in flight finish (their responses say `Connection: close`) within
/// `Config::shutdown_timeout`.
#[derive(Clone, Debug)]
pub struct Shutdown(Arc<Flag>);

impl Shutdown {
    /// Starts the shutdown (again is harmless).
    pub fn shutdown(&self) {
        self.0.raise();
    }
}

impl<R: Runtime, L: Listener<R>> Server<R, L> {
    /// Serves on `listener`.
    pub fn new(listener: L, config: Config) -> Self {
        Self {
            listener,
            config,
            shutdown: Shutdown(Arc::new(Flag::default())),
            runtime: PhantomData,
        }
    }

    /// The address it listens on (useful after binding port 0).
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.listener.local_addr()
    }

    /// A handle that starts a graceful shutdown.
    #[must_use]
    pub fn shutdown_handle(&self) -> Shutdown {
        self.shutdown.clone()
    }

    /// Serves `handler` until shut down, then waits for the connections to finish (at most
    /// `Config::shutdown_timeout`). A handler that fails or panics gives its client a 500.
    pub async fn serve<H, F, B, E>(self, handler: H) -> io::Result<()>
    where
        H: Fn(http::Request<Incoming>) -> F + Send + Sync + 'static,
        F: Future<Output = Result<http::Response<B>, E>> + Send + 'static,
        B: Body<Data = Bytes> + Send + 'static,
        B::Error: Into<BoxError> + Send,
        E: Into<BoxError> + Send + 'static,
    {
        let handler = Arc::new(handler);
        // Shared, not copied into every connection's task.
        let config = Arc::new(self.config.clone());
        // At most what one `acquire_many` can take back, so that the shutdown below waits
        // for every connection (a larger limit is as good as none).
        let most = self
            .config
            .max_connections
            .clamp(1, Semaphore::MAX_PERMITS.min(u32::MAX as usize));
        let limit = Arc::new(Semaphore::new(most));
        let down = self.shutdown.0.clone();
        // Told when the grace period is over: the connections left are dropped.
        let kill = Arc::new(Flag::default());
        // One wait for the shutdown for the whole accept loop, as in `serve_connection`.
        let mut stopped = down.wait();
        loop {
            // At the limit, no accept: further clients wait in the listen backlog.
            let permit = tokio::select! {
                p = limit.clone().acquire_owned() => p.map_err(io::Error::other)?,
                () = &mut stopped => break,
            };
            let stream = tokio::select! {
                r = self.listener.accept() => match r {
                    Ok(s) => s,
                    // Out of descriptors and the like: wait a moment, keep serving.
                    Err(_) => {
                        R::sleep_until(Instant::now() + Duration::from_millis(50)).await;
                        continue;
                    }
                },
                () = &mut stopped => break,
            };
            let (handler, config, down) = (handler.clone(), config.clone(), down.clone());
            let killed = kill.wait();
            R::spawn(async move {
                tokio::select! {
                    biased;
                    () = serve_connection::<R, _, _, _, _>(stream, &*handler, &config, down) => {}
                    () = killed => {}
                }
                drop(permit);
            });
        }
        drop(self.listener);
        // Every permit back means every connection finished.
        // invariant: `most` fits (clamped above).
        let all = u32::try_from(most).unwrap_or(u32::MAX);
        tokio::select! {
            _ = limit.acquire_many(all) => {}
            () = R::sleep_until(Instant::now() + self.config.shutdown_timeout) => {
                kill.raise();
            }
        }
        Ok(())
    }
}

/// One connection, from its first byte to its close.
async fn serve_connection<R: Runtime, H, F, B, E>(
    stream: R::Stream,
    handler: &H,
    config: &Config,
    shutdown: Arc<Flag>,
) where
    H: Fn(http::Request<Incoming>) -> F,
    F: Future<Output = Result<http::Response<B>, E>> + Send + 'static,
    B: Body<Data = Bytes> + Send + 'static,
    B::Error: Into<BoxError> + Send,
    E: Into<BoxError> + Send + 'static,
{
    let mut io = Io::<R>::new(stream, config);
    let mut conn = Connection::server(config.engine, io.now());
    // One wait for the shutdown for the connection's whole life, polled by every wait below:
    // it registers once, where a fresh one per wait would register (and lock) each time.
    let mut down = shutdown.wait();
    let extras = Extras {
        raw_head: config.raw_head,
        peer: config
            .peer_addr
            .then(|| R::peer_addr(&io.stream))
            .flatten()
            .map(PeerAddr),
    };
    loop {
        note_shutdown(&mut conn, &shutdown);
        // (The waits that end an exchange are the loop's, after the match: one inside it
        // would keep more of the state in every connection's future.)
        let mut switched = None;
        let mut queued = false;
        match conn.poll_event() {
            Ok(Polled::Event(Event::Request(head))) => {
                // The exchange is boxed: its state is larger than all the rest of the
                // connection's, and would otherwise stay in an idle connection's future too.
                // Kept under 1 KiB, the allocator serves it from its per-thread cache (glibc's
                // tcache stops at 1,032 bytes; past it, +110 instructions a request).
                let exchanged = match begin(&mut conn, head, &extras, handler) {
                    Ok(Some(begun)) => {
                        Box::pin(exchange(&mut io, &mut conn, begun, &shutdown)).await
                    }
                    Ok(None) => Ok(None),
                    Err(e) => Err(e),
                };
                match exchanged {
                    Ok(None) => {
                        io.park_buffer(&mut conn);
                        // Responses wait to go out with the next pipelined one, up to a
                        // bound: a client that sends many requests and reads nothing holds
                        // no more than that (they are written below, then the next is read).
                        if conn.transmit_len() <= QUEUED_MAX {
                            continue;
                        }
                        queued = true;
                    }
                    Ok(Some(upgrade)) => switched = Some(upgrade),
                    Err(_) => break,
                }
            }
            Ok(Polled::Event(Event::Closed)) => break,
            // The rest of a body nobody reads: the engine discards it.
            Ok(Polled::Event(_)) => continue,
            Ok(Polled::NeedData | Polled::Paused) => {}
            Err(_) => {
                // The peer's error: answered with the status the engine suggests, then closed.
                conn.set_date(unix_secs(Instant::now()));
                let _ = conn.send_error_response();
                break;
            }
        }
        if let Some(upgrade) = switched {
            // Boxed: its state would otherwise make every connection's larger.
            let Some(leftover) = Box::pin(leftover(&mut io, &mut conn)).await else {
                return;
            };
            let _ = upgrade.send(Upgraded {
                io: io.stream,
                leftover,
            });
            return;
        }
        if io.flush(&mut conn).await.is_err() {
            return;
        }
        if queued {
            continue;
        }
        // The flag is read once: a shutdown raised after this read interrupts the wait below
        // (read again in the wait, it could be raised after the engine was last told, and
        // the wait would not end for it).
        let raised = shutdown.is_raised();
        if raised {
            conn.close_after_exchange();
        }
        if conn.should_close() {
            break;
        }
        // Once the engine knows of it, the shutdown no longer interrupts: it stays raised.
        let interrupt = async {
            if raised {
                pending::<()>().await;
            }
            (&mut down).await;
        };
        match io.wait(&mut conn, interrupt).await {
            Ok(Woken::Engine) => {}
            Ok(Woken::Interrupted) => note_shutdown(&mut conn, &shutdown),
            Err(_) => return,
        }
    }
    io.close(&mut conn).await;
}

/// After a switch, the bytes that belong to the new protocol, once the engine has them: what
/// is left of the request that asked for it is the engine's to discard, so bytes are fed
/// until it is over. `None` if the connection failed meanwhile (a body too long to discard,
/// or stalled).
async fn leftover<R: Runtime>(io: &mut Io<R>, conn: &mut Connection) -> Option<Bytes> {
    while let Ok(Polled::NeedData) = conn.poll_event() {
        io.flush(conn).await.ok()?;
        io.wait(conn, pending()).await.ok()?;
    }
    conn.take_leftover()
}

/// The wall-clock time for the engine's `Date` field, in seconds since 1970 (0 if the clock
/// is set before it), at `now`, a reading of the monotonic clock the caller has anyway: the
/// system's wall clock is read at most once a second per thread (see [`DateSeconds`]).
fn unix_secs(now: Instant) -> u64 {
    thread_local! {
        static LAST: DateSeconds = const { DateSeconds(Cell::new(None)) };
    }
    let wall = || {
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap_or_default()
    };
    LAST.try_with(|last| last.at(now, wall))
        .unwrap_or_else(|_| wall().as_secs())
}

/// The wall clock's seconds read last, and until when, by the monotonic clock, they hold:
/// the rest of that second. A change to the system's clock shows within a second.
struct DateSeconds(Cell<Option<(Instant, u64)>>);

impl DateSeconds {
    /// The seconds at `now`, reading the wall clock (`wall`, the time since 1970) only once
    /// the second it gave last is over.
    fn at(&self, now: Instant, wall: impl FnOnce() -> Duration) -> u64 {
        match self.0.get() {
            Some((until, secs)) if now < until => secs,
            _ => {
                let wall = wall();
                let rest = Duration::from_secs(1)
                    .saturating_sub(Duration::from_nanos(u64::from(wall.subsec_nanos())));
                self.0.set(Some((now + rest, wall.as_secs())));
                wall.as_secs()
            }
        }
    }
}

/// What an exchange starts with: the handler's task, and the ends of the request body and
/// of an upgrade that the connection keeps.
struct Begun<S, T> {
    task: T,
    tx: Option<crate::body::Sender>,
    want: Option<oneshot::Receiver<()>>,
    upgrade: Option<oneshot::Sender<Upgraded<S>>>,
}

/// What each request carries in its extensions beyond its head, as configured.
struct Extras {
    /// The head as received ([`Config::raw_head`]).
    raw_head: bool,
    /// The peer's address ([`Config::peer_addr`]).
    peer: Option<PeerAddr>,
}

/// Makes the request the handler sees and starts the handler on it (not yet polled); `None`
/// if the head cannot be one of the `http` crate's, when a 400 is queued instead. Done before
/// the exchange's first wait, so that nothing of it is kept in the connection's state.
#[allow(clippy::type_complexity)]
fn begin<S: Send + 'static, H, F, B, E>(
    conn: &mut Connection,
    head: RequestHead,
    extras: &Extras,
    handler: &H,
) -> Result<Option<Begun<S, CatchUnwind<AssertUnwindSafe<F>>>>, Error>
where
    H: Fn(http::Request<Incoming>) -> F,
    F: Future<Output = Result<http::Response<B>, E>>,
{
    // RFC 9110 §10.1.1 is the engine's; the driver only says when the body is first read.
    let (wanted, want) = if conn.expects_continue() {
        let (tx, rx) = oneshot::channel();
        (Some(tx), Some(rx))
    } else {
        (None, None)
    };
    // A request without a body gets one that is already over: no channel, and its end stays
    // in the engine until the exchange is done.
    let (tx, body) = match conn.body_remaining() {
        Some(0) => (None, Incoming::empty()),
        size => {
            let (tx, body) = Incoming::channel(wanted, size);
            // Dropped at the body's end, which the reader then sees.
            (Some(tx), body)
        }
    };
    // Only a request that proposed a switch can be answered with one.
    let (upgrade, pending_upgrade) = if conn.switch_proposed() {
        let (tx, rx) = Pending::<S>::new();
        (Some(tx), Some(rx))
    } else {
        (None, None)
    };
    // The fields go into the map of a response sent earlier: no allocation of their own.
    let Ok(mut req) = head.to_http_in(body, spare::take_map()) else {
        // A head the `http` types cannot hold never reaches the handler.
        conn.close_after_exchange();
        conn.set_date(unix_secs(Instant::now()));
        conn.send_empty_response(400)?;
        return Ok(None);
    };
    // The head as received stays with the request (names' case, order, raw target), if asked.
    if extras.raw_head {
        req.extensions_mut().insert(head);
    }
    if let Some(peer) = extras.peer {
        req.extensions_mut().insert(peer);
    }
    if let Some(pending) = pending_upgrade {
        req.extensions_mut().insert(pending);
    }
    Ok(Some(Begun {
        // A panic in the handler is caught and answered with a 500.
        task: AssertUnwindSafe(handler(req)).catch_unwind(),
        tx,
        want,
        upgrade,
    }))
}

/// One request and its response: this polls the handler's future (a panic in it is caught
/// and answered with a 500) while it moves the request body to it and its response body to
/// the peer. Returns the upgrade to complete if the response switched protocols.
async fn exchange<R: Runtime, T, B, E>(
    io: &mut Io<R>,
    conn: &mut Connection,
    begun: Begun<R::Stream, T>,
    shutdown: &Flag,
) -> Result<Option<oneshot::Sender<Upgraded<R::Stream>>>, Error>
where
    T: Future<Output = std::thread::Result<Result<http::Response<B>, E>>>,
    B: Body<Data = Bytes> + Send + 'static,
    B::Error: Into<BoxError> + Send,
    E: Into<BoxError> + Send + 'static,
{
    let Begun {
        task,
        tx,
        mut want,
        upgrade,
    } = begun;
    let mut tx = tx.map(BodyTx::<R>::new);
    // The handler's future and the response body live here, pinned in the exchange's own
    // (boxed) state: no allocation of their own.
    let mut task = pin!(Some(task));
    let mut response = pin!(None::<B>);
    let mut trailers = Headers::new();
    if conn.has_transmit() {
        // Earlier pipelined responses wait in the queue to go out with this one; if this
        // handler cannot answer at once, they go now.
        // The response is started here, so that nothing of it is kept across the write.
        let started = match task
            .as_mut()
            .as_pin_mut()
            .map(|t| t.poll(&mut Context::from_waker(Waker::noop())))
        {
            Some(Poll::Ready(joined)) => {
                task.set(None);
                let res = joined.ok().and_then(Result::ok);
                note_dropped(conn, tx.as_ref());
                Some(start_response(
                    conn,
                    io.clock(),
                    res,
                    response.as_mut(),
                    &mut trailers,
                    &mut want,
                    shutdown,
                )?)
            }
            _ => None,
        };
        match started {
            Some(started) => {
                if answer(io, conn, started).await? {
                    return Ok(upgrade);
                }
            }
            None => io.flush(conn).await?,
        }
    }
    let mut need_bytes = false;
    let mut body_over = false;
    // Whether the body's reader has let its queue fill: the wait for more of the body
    // counts from when it takes a piece again, not from the engine's last news of the time.
    let mut stalled = false;
    while task.is_some() || response.is_some() {
        if body_over && let Some(mut ended) = tx.take() {
            ended.ended = true;
        }
        stalled |= tx.as_ref().is_some_and(|t| t.tx.capacity() == 0);
        let wake = conn.poll_timeout().map(|d| io.instant(d.at));
        tokio::select! {
            joined = async { task.as_mut().as_pin_mut().expect("guarded").await }, if task.is_some() => {
                task.set(None);
                let res = joined.ok().and_then(Result::ok);
                note_dropped(conn, tx.as_ref());
                let started =
                    start_response(conn, io.clock(), res, response.as_mut(), &mut trailers, &mut want, shutdown)?;
                if answer(io, conn, started).await? {
                    return Ok(upgrade);
                }
            }
            frame = poll_fn(|cx| response.as_mut().as_pin_mut().expect("guarded").poll_frame(cx)),
                if response.is_some() => {
                // The frame may have been long in coming: the wait for the next request, once
                // this body ends, counts from now.
                conn.set_now(io.now());
                let ended = take_frame(conn, frame, &mut trailers)?
                    || send_ready_frames(
                        conn,
                        response.as_mut().as_pin_mut().expect("guarded"),
                        &mut trailers,
                    )?;
                if ended {
                    // The end waits to go out with what follows (a pipelined response).
                    response.set(None);
                } else {
                    io.flush(conn).await?;
                }
            }
            w = async { want.as_mut().expect("guarded").await }, if want.is_some() => {
                want = None;
                if w.is_ok() && conn.expects_continue() {
                    conn.send_continue()?;
                    io.flush(conn).await?;
                }
            }
            permit = async { tx.as_ref().expect("guarded").tx.reserve().await },
                if tx.is_some() && !need_bytes && want.is_none() => {
                let Ok(permit) = permit else {
                    // The handler dropped the body unread, and may take long to answer: the
                    // engine drops the rest, or has the answer say close (as `note_dropped`).
                    conn.body_dropped();
                    body_over = true;
                    continue;
                };
                if std::mem::take(&mut stalled) {
                    conn.set_now(io.now());
                }
                match conn.poll_event() {
                    Ok(Polled::Event(Event::Data(d))) => permit.send(Ok(http_body::Frame::data(d))),
                    Ok(Polled::Event(Event::End(t))) => {
                        if !t.is_empty() {
                            permit.send(t.to_http().map(http_body::Frame::trailers).map_err(Error::from));
                        }
                        body_over = true;
                    }
                    Ok(Polled::Event(_)) => {}
                    Ok(Polled::NeedData | Polled::Paused) => need_bytes = true,
                    Err(e) => {
                        permit.send(Err(Error::Remote(e)));
                        body_over = true;
                    }
                }
            }
            n = io.read(conn), if need_bytes => {
                need_bytes = false;
                n?;
            }
            () = sleep_until::<R>(wake), if need_bytes && wake.is_some() => {
                need_bytes = false;
                conn.handle_timeout(io.now());
            }
        }
    }
    Ok(None)
}

/// Tells the engine when the handler answers having dropped the request body unread (its
/// receiving end is gone): the engine then drops the rest itself, or has the response say
/// `Connection: close` when it is too long to ([`Connection::body_dropped`]).
fn note_dropped<R: Runtime>(conn: &mut Connection, tx: Option<&BodyTx<R>>) {
    if tx.is_some_and(|t| t.tx.is_closed()) {
        conn.body_dropped();
    }
}

/// The request body's sending end. Dropped before the body's end (the exchange is over and
/// the engine discards the rest, or the connection failed), it tells a reader still holding
/// the body that it was cut short: a reader must never take a piece of a body for all of it.
struct BodyTx<R: Runtime> {
    tx: crate::body::Sender,
    /// The body's end (or its error) was sent: nothing more to tell.
    ended: bool,
    runtime: PhantomData<fn() -> R>,
}

impl<R: Runtime> BodyTx<R> {
    fn new(tx: crate::body::Sender) -> Self {
        Self {
            tx,
            ended: false,
            runtime: PhantomData,
        }
    }
}

impl<R: Runtime> Drop for BodyTx<R> {
    fn drop(&mut self) {
        if self.ended {
            return;
        }
        let cut = Err(Error::Closed);
        if let Err(tokio::sync::mpsc::error::TrySendError::Full(cut)) = self.tx.try_send(cut) {
            // The reader is behind: the news waits for it in a task of its own (it ends when
            // the reader takes it or drops the body).
            let tx = self.tx.clone();
            R::spawn(async move {
                let _ = tx.send(cut).await;
            });
        }
    }
}

/// Starts the response the handler gave (a 500 if it failed, panicked, or gave a head the
/// engine refuses), saying `Connection: close` if a shutdown began meanwhile, and queues as
/// much of its body as is ready; says what must be written before a wait (see [`answer`]).
#[allow(clippy::too_many_arguments)]
fn start_response<B>(
    conn: &mut Connection,
    (at, now): (Instant, http_core::Instant),
    res: Option<http::Response<B>>,
    mut response: Pin<&mut Option<B>>,
    trailers: &mut Headers,
    want: &mut Option<oneshot::Receiver<()>>,
    shutdown: &Flag,
) -> Result<Started, Error>
where
    B: Body<Data = Bytes>,
    B::Error: Into<BoxError>,
{
    note_shutdown(conn, shutdown);
    // The handler may have taken long: what starts now (the wait for the next request, once
    // this response ends) counts from now.
    conn.set_now(now);
    conn.set_date(unix_secs(at));
    // A head the engine refuses (a bad byte, framing it cannot honour) is never sent: the
    // client gets a 500 instead, as for a failed handler; so for an interim (1xx) head, which
    // is no answer.
    let refused = |conn: &mut Connection| -> Result<Started, Error> {
        conn.send_empty_response(500)?;
        Ok(Started::Ended)
    };
    let Some(res) = res else {
        // A failed handler: a 500, or the client's error's status when it was at fault.
        conn.send_failure_response()?;
        return Ok(Started::Ended);
    };
    let (mut parts, body) = res.into_parts();
    // A file is framed by its range's length, which a head framing it otherwise cannot carry.
    if let Some(file) = parts.extensions.remove::<SendFile>() {
        let sent = conn.send_http_response_direct(&parts, file.len());
        spare::put_map(parts.headers);
        if sent.is_err() || conn.our_state() == HalfState::SendResponse {
            return refused(conn);
        }
        return Ok(Started::File(file));
    }
    // A body that knows its length is framed by it, as a buffer is.
    let exact = body.size_hint().exact();
    response.set(Some(body));
    // invariant: set just above; the body is polled where it is pinned, in the exchange.
    let Some(mut body) = response.as_mut().as_pin_mut() else {
        return refused(conn);
    };
    // What the body has ready before its head goes (a buffer, and its trailers), so that:
    // - a body made of the request's, which reads it first, has the 100 (Continue) the
    //   client waits for sent before the final head (RFC 9110 §10.1.1: after a final status
    //   the client sends no content);
    // - a body that ends with trailers is chunked, the one framing that carries them
    //   (RFC 9112 §7.1.2), whatever length it knows.
    let ahead = Ahead::of(body.as_mut());
    // The body was read (a 100 is owed first), or can no longer be (the request was
    // dropped): either way there is nothing more to wait for.
    let mut read = false;
    if let Some(w) = want {
        match w.try_recv() {
            Ok(()) => {
                *want = None;
                read = true;
            }
            Err(oneshot::error::TryRecvError::Closed) => *want = None,
            Err(oneshot::error::TryRecvError::Empty) => {}
        }
    }
    // A response that streams on past what it has ready may still come to read the request
    // body: the client is told to send it first (as driver-blocking does for any streamed
    // body), so that neither waits on the other, and the connection stays open.
    if (read || !ahead.ended()) && conn.expects_continue() {
        *want = None;
        conn.send_continue()?;
    }
    let known = if ahead.trailers() { None } else { exact };
    let sent = conn.send_http_response(&parts, known);
    // Its map holds the fields of a request to come.
    spare::put_map(parts.headers);
    if sent.is_err() || conn.our_state() == HalfState::SendResponse {
        response.set(None);
        return refused(conn);
    }
    if conn.our_state() == HalfState::SwitchedProtocol {
        response.set(None);
        return Ok(Started::Switched);
    }
    // (A body that ended there is not polled again.)
    let ended = ahead.ended();
    for frame in ahead.into_frames() {
        take_frame(conn, Some(frame), trailers)?;
    }
    if ended {
        take_frame(
            conn,
            None::<Result<http_body::Frame<Bytes>, BoxError>>,
            trailers,
        )?;
        response.set(None);
        return Ok(Started::Ended);
    }
    // invariant: still set (the body has not ended).
    let Some(body) = response.as_mut().as_pin_mut() else {
        return Ok(Started::Ended);
    };
    if send_ready_frames(conn, body, trailers)? {
        response.set(None);
        return Ok(Started::Ended);
    }
    Ok(Started::Streaming)
}

/// Once a shutdown has begun, the engine is told to close after the exchange under
/// way: its response says so, and an idle connection closes.
fn note_shutdown(conn: &mut Connection, shutdown: &Flag) {
    // Telling it again changes nothing.
    if shutdown.is_raised() {
        conn.close_after_exchange();
    }
}

/// Where a response stands once started.
enum Started {
    /// Wholly queued: it goes out with what follows (a pipelined response) or at the next
    /// wait.
    Ended,
    /// Its head and first frames are queued and the rest is to come: they go out now.
    Streaming,
    /// It switched protocols: it goes out now, and the connection is handed over.
    Switched,
    /// Its head is queued and its body is this file, sent now.
    File(SendFile),
}

/// Writes what a response [`start_response`] started needs written now; returns whether it
/// switched protocols. It takes the response started rather than starting it, so that its
/// state, kept in every exchange's, holds little more than a write.
async fn answer<R: Runtime>(
    io: &mut Io<R>,
    conn: &mut Connection,
    started: Started,
) -> Result<bool, Error> {
    let switched = match started {
        Started::Ended => return Ok(false),
        Started::Streaming => false,
        Started::Switched => true,
        Started::File(file) => {
            // Boxed: its state would otherwise make every exchange's larger.
            Box::pin(io.send_file(conn, &file, None)).await?;
            return Ok(false);
        }
    };
    io.flush(conn).await?;
    Ok(switched)
}

/// Hands one frame of the response body to the engine; returns whether the body ended.
fn take_frame<D, E: Into<BoxError>>(
    conn: &mut Connection,
    frame: Option<Result<http_body::Frame<D>, E>>,
    trailers: &mut Headers,
) -> Result<bool, Error>
where
    D: Into<Bytes>,
{
    match frame {
        None => {
            conn.send_end(std::mem::take(trailers))?;
            Ok(true)
        }
        Some(Err(e)) => Err(Error::Body(e.into())),
        Some(Ok(frame)) => {
            match frame.into_data() {
                Ok(data) => conn.send_data(data.into())?,
                Err(frame) => {
                    if let Ok(t) = frame.into_trailers() {
                        *trailers = Headers::from_http(&t);
                    }
                }
            }
            Ok(false)
        }
    }
}

/// Most body bytes queued before they are written: the bound on what a response holds in
/// memory beyond the socket's buffer.
const QUEUED_MAX: usize = 64 * 1024;

/// Hands the engine the frames the body has ready now, without waiting, up to
/// [`QUEUED_MAX`] bytes; returns whether the body ended.
fn send_ready_frames<B>(
    conn: &mut Connection,
    mut body: Pin<&mut B>,
    trailers: &mut Headers,
) -> Result<bool, Error>
where
    B: Body<Data = Bytes>,
    B::Error: Into<BoxError>,
{
    let mut cx = Context::from_waker(Waker::noop());
    let mut queued = 0;
    while queued < QUEUED_MAX {
        let Poll::Ready(frame) = body.as_mut().poll_frame(&mut cx) else {
            break;
        };
        if let Some(Ok(f)) = &frame
            && let Some(d) = f.data_ref()
        {
            queued += d.len();
        }
        if take_frame(conn, frame, trailers)? {
            return Ok(true);
        }
    }
    Ok(false)
}

/// Sleeps until `wake`, or for ever, on the runtime's resettable timer (boxed by tokio's
/// driver): made only when a body read waits with a deadline, it takes no room in the
/// exchange's state.
async fn sleep_until<R: Runtime>(wake: Option<Instant>) {
    match wake {
        Some(at) => {
            R::timer(at).await;
        }
        None => pending().await,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_wall_clock_is_read_once_its_second_is_over() {
        let seconds = DateSeconds(Cell::new(None));
        let t0 = Instant::now();
        let at = |secs, millis| Duration::from_secs(secs) + Duration::from_millis(millis);
        assert_eq!(seconds.at(t0, || at(100, 300)), 100);
        // The rest of that second (700 ms by the monotonic clock): no reading.
        let unread = || -> Duration { panic!("the wall clock was read within its second") };
        assert_eq!(seconds.at(t0 + Duration::from_millis(699), unread), 100);
        // Once it is over, the wall clock is read again, whatever it says.
        assert_eq!(
            seconds.at(t0 + Duration::from_millis(700), || at(101, 0)),
            101
        );
        assert_eq!(seconds.at(t0 + Duration::from_millis(1699), unread), 101);
        assert_eq!(
            seconds.at(t0 + Duration::from_millis(1700), || at(90, 999)),
            90
        );
        assert_eq!(seconds.at(t0 + Duration::from_millis(1700), unread), 90);
    }

    #[test]
    fn the_date_seconds_are_the_system_clock_s() {
        let wall = || {
            SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .expect("clock")
                .as_secs()
        };
        let before = wall();
        let secs = unix_secs(Instant::now());
        assert!((before..=wall()).contains(&secs), "{secs} is not {before}");
    }
}
