//! The I/O both roles share: feeding the engine from the socket, writing what it queues,
//! sleeping until its deadlines, and moving bodies between it and the application.

use crate::body::Sender;
use crate::file::SendFile;
use crate::{BoxError, Config, Error, Runtime};
use bytes::Bytes;
use futures_io::{AsyncRead as _, AsyncWrite as _};
use futures_util::io::{AsyncReadExt, AsyncWriteExt};
use http_body::{Body, Frame};
use http_core::{Connection, Event, HalfState, Headers, Polled, ResponseHead};
use std::future::{Future, poll_fn};
use std::io::IoSlice;
use std::pin::{Pin, pin};
use std::task::{Context, Poll, Waker};
use std::time::{Duration, Instant};
use tokio::sync::oneshot;

/// Bytes read from the socket at a time.
const READ_SIZE: usize = 16 * 1024;
/// Queued bytes past which a body being sent is written out before more is taken from it.
const WRITE_HIGH: usize = 64 * 1024;
/// How long a closing connection reads and discards what the peer still sends, so that a
/// reset does not destroy the response it has not read yet (RFC 9112 §9.6).
const LINGER: Duration = Duration::from_secs(1);

/// What a wait for the peer ended with.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Woken {
    /// Bytes, the end of input or a deadline were handed to the engine.
    Engine,
    /// The wait was interrupted from outside (shutdown).
    Interrupted,
}

/// `op`, or [`Error::Timeout`] once `limit` has passed. `op` is polled first: when it is done
/// at once, as a write the socket takes whole mostly is, the timer is never polled, so
/// neither registered nor its deadline read off the clock.
async fn bounded<R: Runtime, T>(
    limit: Duration,
    op: impl Future<Output = Result<T, Error>>,
) -> Result<T, Error> {
    let timeout = async { R::sleep_until(Instant::now() + limit).await };
    tokio::select! {
        biased;
        r = op => r,
        () = timeout => Err(Error::Timeout),
    }
}

/// What a connection's reads carry from one to the next.
#[derive(Debug, Default)]
struct Reads {
    /// The last read filled all it was lent (see `read_once`).
    more: bool,
    /// The connection's receive buffer went to this thread's pool of spare buffers when it
    /// was last idle (see [`Io::park_buffer`]).
    parked: bool,
}

/// What connections no longer need, kept for the next connection of the same thread:
/// receive buffers, so that an idle connection holds none and a kept-alive connection's next
/// request costs no allocation for one (nor for making it shareable: see
/// `Connection::take_spare_buffer`, which hands out only buffers of at most 4 KiB, so that
/// the pool holds at most 256 KiB per thread); and the field maps of responses sent, for the
/// fields of requests to come (only small ones: `http_core::reusable_map`).
pub(crate) mod spare {
    use bytes::BytesMut;
    use std::cell::RefCell;
    use std::thread::LocalKey;

    /// The most buffers, and the most maps, kept by one thread.
    const MAX: usize = 64;

    thread_local! {
        static BUFFERS: RefCell<Vec<BytesMut>> = const { RefCell::new(Vec::new()) };
        static MAPS: RefCell<Vec<http::HeaderMap>> = const { RefCell::new(Vec::new()) };
    }

    /// Keeps `item` in `pool`, if there is room for it; whether it was kept. (Not once the
    /// thread is ending and the pool is gone: then it is freed.)
    fn keep<T: 'static>(pool: &'static LocalKey<RefCell<Vec<T>>>, item: T) -> bool {
        pool.try_with(|pool| {
            let mut pool = pool.borrow_mut();
            let room = pool.len() < MAX;
            if room {
                pool.push(item);
            }
            room
        })
        .unwrap_or(false)
    }

    /// The item kept last in `pool`, if any.
    fn lend<T: 'static>(pool: &'static LocalKey<RefCell<Vec<T>>>) -> Option<T> {
        pool.try_with(|pool| pool.borrow_mut().pop()).ok().flatten()
    }

    /// Keeps `buf` for the next read on this thread, if there is room; whether it was kept.
    pub(super) fn put(buf: BytesMut) -> bool {
        keep(&BUFFERS, buf)
    }

    /// The buffer put last, if any.
    pub(super) fn take() -> Option<BytesMut> {
        lend(&BUFFERS)
    }

    /// Keeps `map`, emptied, for the fields of a request to come, if it is worth keeping
    /// ([`http_core::reusable_map`]) and the pool has room.
    pub(crate) fn put_map(map: http::HeaderMap) {
        if let Some(map) = http_core::reusable_map(map) {
            keep(&MAPS, map);
        }
    }

    /// A map put earlier (empty), or a new one.
    pub(crate) fn take_map() -> http::HeaderMap {
        lend(&MAPS).unwrap_or_default()
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        #[test]
        fn a_thread_keeps_at_most_its_share_and_lends_the_last_kept_first() {
            for i in 0..MAX {
                assert!(put(BytesMut::with_capacity(100 + i)), "buffer {i}");
            }
            assert!(!put(BytesMut::with_capacity(1)), "one past the most kept");
            for i in (0..MAX).rev() {
                assert!(
                    take().is_some_and(|b| b.capacity() >= 100 + i),
                    "buffer {i}"
                );
            }
            assert!(take().is_none());
            // Another thread has a pool of its own.
            assert!(put(BytesMut::with_capacity(8)));
            std::thread::spawn(|| assert!(take().is_none()))
                .join()
                .expect("thread");
            assert!(take().is_some());
        }

        #[test]
        fn maps_come_back_empty_and_only_small_ones_are_kept() {
            let mut map = http::HeaderMap::new();
            map.insert(
                http::header::CONTENT_TYPE,
                "text/plain".parse().expect("value"),
            );
            let room = map.capacity();
            put_map(map);
            let lent = take_map();
            assert!(lent.is_empty(), "kept maps are emptied");
            assert_eq!(lent.capacity(), room, "with their room");
            assert_eq!(take_map().capacity(), 0, "none kept: a new one");
            put_map(http::HeaderMap::with_capacity(1000));
            assert_eq!(take_map().capacity(), 0, "a large map is not kept");
        }
    }
}

/// One read from `stream` straight into `conn`'s receive buffer, once the socket is ready:
/// the engine lends its buffer only for the duration of a poll, so a pending read holds no
/// memory. `reads.more` says the last read filled all it was lent, so that bytes are likely
/// still waiting and the read goes first (a runtime such as smol reports readiness only once
/// per wait); it is updated by this read. `reads.parked` says the connection's buffer went to
/// the pool of spare buffers: this read takes one from there. (Should the read find nothing
/// after all, the engine frees that buffer: the pool is the poorer by one, nothing leaks.)
async fn read_once<R: Runtime>(
    stream: &mut R::Stream,
    conn: &mut Connection,
    origin: Instant,
    reads: &mut Reads,
) -> std::io::Result<usize> {
    let Reads { more, parked } = reads;
    let n = poll_fn(|cx| {
        if !*more {
            std::task::ready!(R::poll_read_ready(stream, cx))?;
        }
        // Bytes are there: the connection's buffer, given to the pool when it went idle, is
        // one from the pool again (the engine allocates one if the pool has none).
        if std::mem::take(parked)
            && let Some(buf) = spare::take()
            && let Some(back) = conn.give_buffer(buf)
        {
            spare::put(back);
        }
        let mut out = Poll::Pending;
        let now = http_core::Instant::from_duration(origin.elapsed());
        let _ = conn.receive(now, READ_SIZE, |buf| {
            let lent = buf.len();
            *more = false;
            match Pin::new(&mut *stream).poll_read(cx, buf) {
                Poll::Ready(Ok(n)) => {
                    *more = n == lent;
                    out = Poll::Ready(Ok(n));
                    Ok(n)
                }
                Poll::Ready(Err(e)) => {
                    out = Poll::Ready(Err(e));
                    Err(())
                }
                Poll::Pending => Err(()),
            }
        });
        out
    })
    .await?;
    if n == 0 {
        conn.feed_eof();
    }
    Ok(n)
}

/// Most pieces handed to one vectored write (the rest go in the next).
const MAX_IOV: usize = 64;

/// A socket with the engine's clock.
pub(crate) struct Io<R: Runtime> {
    pub(crate) stream: R::Stream,
    origin: Instant,
    write_timeout: Duration,
    /// The timer for the engine's deadlines, and when it is set to fire (`None` once it has).
    timer: Option<R::Timer>,
    armed: Option<Instant>,
    reads: Reads,
    /// A write failed or timed out: nothing more is written (a close does not wait for the
    /// write timeout again).
    broken: bool,
}

impl<R: Runtime> std::fmt::Debug for Io<R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Io")
            .field("origin", &self.origin)
            .finish_non_exhaustive()
    }
}

impl<R: Runtime> Io<R> {
    pub(crate) fn new(stream: R::Stream, cfg: &Config) -> Self {
        Self {
            stream,
            origin: Instant::now(),
            write_timeout: cfg.write_timeout,
            timer: None,
            armed: None,
            reads: Reads::default(),
            broken: false,
        }
    }

    /// Whether the peer sent something nobody read, closed, or the socket failed: a look that
    /// does not wait ([`Runtime::peer_spoke`]).
    pub(crate) fn peer_spoke(&self) -> bool {
        R::peer_spoke(&self.stream)
    }

    /// Gives the connection's receive buffer, if it holds no bytes, to this thread's pool for
    /// the next connection that reads; this one takes one from the pool when it next reads.
    /// Called between exchanges, before the engine would free the buffer.
    pub(crate) fn park_buffer(&mut self, conn: &mut Connection) {
        if let Some(buf) = conn.take_spare_buffer() {
            self.reads.parked = spare::put(buf);
        }
    }

    /// The engine's time: since this connection began.
    pub(crate) fn now(&self) -> http_core::Instant {
        self.clock().1
    }

    /// The monotonic clock now, and the engine's time it is: one reading for both.
    pub(crate) fn clock(&self) -> (Instant, http_core::Instant) {
        let at = Instant::now();
        (
            at,
            http_core::Instant::from_duration(at.saturating_duration_since(self.origin)),
        )
    }

    /// The runtime's instant for an engine time.
    pub(crate) fn instant(&self, at: http_core::Instant) -> Instant {
        self.origin + at.as_duration()
    }

    fn deadline(&self, conn: &Connection) -> Option<Instant> {
        conn.poll_timeout().map(|d| self.instant(d.at))
    }

    /// Writes everything the engine has queued, in one vectored write where the kernel takes
    /// it, straight from the engine's queue. Each write waits at most the write timeout for
    /// the peer to take something: a peer that keeps reading is never cut off, however much
    /// is queued. A connection whose write failed writes nothing more: what is queued then
    /// fails at once, but nothing queued is nothing to fail (the engine dropped the rest of a
    /// request whose write failed, and its response is still read).
    pub(crate) async fn flush(&mut self, conn: &mut Connection) -> Result<(), Error> {
        self.write_queued(conn, false).await.map(drop)
    }

    /// [`flush`](Self::flush), which, with `watch`, also ends when the socket takes no more
    /// and the peer has sent something: `Ok(false)` then, `Ok(true)` once all is written.
    async fn write_queued(&mut self, conn: &mut Connection, watch: bool) -> Result<bool, Error> {
        if self.broken {
            return if conn.has_transmit() {
                Err(Error::Closed)
            } else {
                Ok(true)
            };
        }
        let (stream, limit) = (&mut self.stream, self.write_timeout);
        // The timer of a write that waits: made when one first waits (a write the socket
        // takes at once, as most are, needs none), set again after each write that went.
        let mut timer: Option<R::Timer> = None;
        let mut armed = false;
        let flushed = poll_fn(|cx| {
            loop {
                if !conn.has_transmit() {
                    return Poll::Ready(Ok(true));
                }
                // Straight from the engine's queue: the slices live only while the write is
                // polled, and what went out is dropped from the queue after it.
                let mut slices = [IoSlice::new(&[]); MAX_IOV];
                let k = conn.transmit_io_slices(&mut slices);
                match Pin::new(&mut *stream).poll_write_vectored(cx, &slices[..k]) {
                    Poll::Ready(Ok(0)) => return Poll::Ready(Err(Error::Closed)),
                    Poll::Ready(Ok(n)) => {
                        conn.consume_transmit(n);
                        armed = false;
                    }
                    Poll::Ready(Err(e)) => return Poll::Ready(Err(Error::from(e))),
                    Poll::Pending => {
                        // (An error is the read's to report.)
                        if watch && R::poll_read_ready(stream, cx).is_ready() {
                            return Poll::Ready(Ok(false));
                        }
                        let at = Instant::now() + limit;
                        let t = match &mut timer {
                            Some(t) => {
                                if !armed {
                                    R::reset_timer(t, at);
                                }
                                t
                            }
                            None => timer.insert(R::timer(at)),
                        };
                        armed = true;
                        return match Pin::new(t).poll(cx) {
                            Poll::Ready(_) => Poll::Ready(Err(Error::Timeout)),
                            Poll::Pending => Poll::Pending,
                        };
                    }
                }
            }
        })
        .await;
        if flushed.is_err() {
            self.broken = true;
        }
        flushed
    }

    /// Waits for bytes from the peer or the engine's next deadline, whichever comes first, and
    /// hands what came to the engine; `interrupt` ends the wait early.
    pub(crate) async fn wait(
        &mut self,
        conn: &mut Connection,
        interrupt: impl Future<Output = ()>,
    ) -> Result<Woken, Error> {
        let deadline = self.deadline(conn);
        if let Some(at) = deadline {
            // A timer set to fire no later than the deadline is kept as it is: if it fires
            // early, the engine finds nothing due and it is set again. The idle deadline moves
            // later with every request, so it costs one timer operation per period rather
            // than one per request.
            match (&mut self.timer, self.armed) {
                (Some(_), Some(armed)) if armed <= at => {}
                (Some(timer), _) => R::reset_timer(timer, at),
                (None, _) => self.timer = Some(R::timer(at)),
            }
            if self.armed.is_none_or(|armed| armed > at) {
                self.armed = Some(at);
            }
        }
        let timer = self.timer.as_mut().filter(|_| deadline.is_some());
        let sleep = async {
            match timer {
                Some(timer) => {
                    timer.await;
                }
                None => std::future::pending().await,
            }
        };
        let wants_read = conn.wants_read();
        let (stream, origin, reads) = (&mut self.stream, self.origin, &mut self.reads);
        let read = async {
            if wants_read {
                read_once::<R>(stream, conn, origin, reads).await
            } else {
                std::future::pending().await
            }
        };
        // Bytes first: when they are already there, nothing else is polled (or registered).
        // Bytes that keep coming cannot starve the rest: a deadline only matters to a peer
        // that is slow, and a shutdown is also seen between messages.
        let fired = tokio::select! {
            biased;
            r = read => {
                r?;
                false
            }
            () = interrupt => return Ok(Woken::Interrupted),
            () = sleep => true,
        };
        if fired {
            self.armed = None;
            conn.handle_timeout(self.now());
        }
        Ok(Woken::Engine)
    }

    /// One read from the socket straight into the engine's buffer (the end of input told to
    /// the engine too); returns how many bytes came.
    pub(crate) fn read<'a>(
        &'a mut self,
        conn: &'a mut Connection,
    ) -> impl Future<Output = std::io::Result<usize>> + 'a {
        read_once::<R>(&mut self.stream, conn, self.origin, &mut self.reads)
    }

    /// Moves a received response body into `tx` until its end, taking the next event only
    /// when the queue has room (back-pressure), and reading the socket only when the engine
    /// needs bytes; or until `take` fires: the client wants the connection for its next
    /// request. The rest of the body is then the engine's to drop (within its `max_discard`:
    /// [`Connection::discard_body`]), and a reader that still holds the body gets an error
    /// after what it was handed (the channel keeps room for it); a rest the engine will not
    /// take on is left to the reader, and `refuse` says the connection cannot be had. A reader that drops the body leaves the
    /// rest for that request to take. Returns whether the body was read to its end, by its
    /// reader or so.
    pub(crate) async fn pump_body(
        &mut self,
        conn: &mut Connection,
        tx: &Sender,
        mut take: oneshot::Receiver<()>,
        mut refuse: impl FnMut(),
    ) -> bool {
        // Whether the client may still take the connection.
        let mut client = true;
        // A piece taken from the engine when the client took the connection, which is still
        // the reader's if the rest is too.
        let mut held = None;
        loop {
            // A reader that let its queue fill: the wait for more of the body counts from
            // when it takes a piece again, not from the engine's last news of the time.
            let stalled = tx.capacity() < 2;
            let permit = tokio::select! {
                biased;
                taken = &mut take, if client => {
                    client = false;
                    if taken.is_err() {
                        // The client is gone; the reader may still read on.
                        continue;
                    }
                    // A body whose end is here already (its reader had all of it) ends as
                    // any other: nothing of it is dropped, and its reader sees its end.
                    match conn.poll_event() {
                        Ok(Polled::Event(Event::End(trailers))) => {
                            if !trailers.is_empty() {
                                // (The channel keeps a place free: see below.)
                                let _ = tx.try_send(
                                    trailers.to_http().map(Frame::trailers).map_err(Error::from),
                                );
                            }
                            return true;
                        }
                        Ok(Polled::Event(Event::Data(d))) => held = Some(d),
                        _ => {}
                    }
                    if !conn.discard_body() {
                        refuse();
                        continue;
                    }
                    let _ = tx.try_send(Err(Error::Closed));
                    return self.discard_rest(conn).await;
                }
                // Two permits for one frame: one place stays free for that error.
                permits = tx.reserve_many(2) => match permits.ok().and_then(|mut p| p.next()) {
                    Some(permit) => permit,
                    // The reader is gone: the rest waits for the next request, if any.
                    None if client => match take.await {
                        Ok(()) if conn.discard_body() => return self.discard_rest(conn).await,
                        _ => return false,
                    },
                    None => return false,
                },
            };
            if let Some(d) = held.take() {
                permit.send(Ok(Frame::data(d)));
                continue;
            }
            if stalled {
                conn.set_now(self.now());
            }
            match conn.poll_event() {
                Ok(Polled::Event(Event::Data(d))) => permit.send(Ok(Frame::data(d))),
                Ok(Polled::Event(Event::End(trailers))) => {
                    if !trailers.is_empty() {
                        permit.send(trailers.to_http().map(Frame::trailers).map_err(Error::from));
                    }
                    return true;
                }
                Ok(Polled::Event(_)) => {}
                Ok(Polled::NeedData | Polled::Paused) => {
                    drop(permit);
                    let waited = match self.flush(conn).await {
                        Ok(()) => self.wait(conn, std::future::pending()).await.map(drop),
                        Err(e) => Err(e),
                    };
                    if let Err(e) = waited {
                        let _ = tx.send(Err(e)).await;
                        return false;
                    }
                }
                Err(e) => {
                    permit.send(Err(Error::Remote(e)));
                    return false;
                }
            }
        }
    }

    /// Feeds the engine until the body it was told to drop ([`Connection::discard_body`]) is
    /// over; returns whether it came to its end, the connection kept.
    async fn discard_rest(&mut self, conn: &mut Connection) -> bool {
        // The body may have waited long for its reader: the wait for its rest counts from now.
        conn.set_now(self.now());
        while conn.is_discarding() {
            match conn.poll_event() {
                Ok(Polled::NeedData) if conn.is_discarding() => {
                    if self.flush(conn).await.is_err()
                        || self.wait(conn, std::future::pending()).await.is_err()
                    {
                        return false;
                    }
                }
                Ok(_) => {}
                Err(_) => return false,
            }
        }
        // Over, or longer than the engine drops (the connection is not kept).
        conn.keep_alive()
    }

    /// Sends the application's body through the engine, writing as it goes, keeping in
    /// `early` a final response that came while the body went (see `write_body`); the body
    /// then stops if the server refused it.
    pub(crate) async fn send_body<B>(
        &mut self,
        conn: &mut Connection,
        body: B,
        ahead: Ahead<B::Error>,
        early: &mut Option<ResponseHead>,
    ) -> Result<(), Error>
    where
        B: Body<Data = Bytes>,
        B::Error: Into<BoxError>,
    {
        let mut body = pin!(body);
        let mut queued = 0;
        let mut trailers = Headers::new();
        // What was taken ahead goes first; a body that ended there is not polled again.
        let over = ahead.ended();
        let mut taken = ahead.into_frames();
        // Once the server says it does not want the rest, no more is taken from the body.
        while !conn.body_refused() {
            // What the body has ready is taken at once; while it has nothing ready, what is
            // queued goes out, so that the peer has it while the body is slow to come.
            let frame = if let Some(frame) = taken.next() {
                Some(frame)
            } else if over {
                None
            } else {
                match poll_fn(|cx| Poll::Ready(body.as_mut().poll_frame(cx))).await {
                    Poll::Ready(frame) => frame,
                    Poll::Pending => {
                        if conn.has_transmit() {
                            self.write_body(conn, early).await?;
                            queued = 0;
                            if conn.body_refused() {
                                break;
                            }
                        }
                        poll_fn(|cx| body.as_mut().poll_frame(cx)).await
                    }
                }
            };
            let Some(frame) = frame else {
                break;
            };
            let frame = frame.map_err(|e| Error::Body(e.into()))?;
            match frame.into_data() {
                Ok(data) => {
                    queued += data.len();
                    conn.send_data(data)?;
                    if queued >= WRITE_HIGH {
                        self.write_body(conn, early).await?;
                        queued = 0;
                    }
                }
                Err(frame) => {
                    if let Ok(t) = frame.into_trailers() {
                        trailers = Headers::from_http(&t);
                    }
                }
            }
        }
        // The body may have taken long: the wait for the response counts from its end.
        conn.set_now(self.now());
        // (A refused body ends here, with nothing more written.)
        conn.send_end(trailers)?;
        Ok(())
    }

    /// Writes what is queued of a request body, reading meanwhile what the server sends
    /// while the socket takes no more: RFC 9112 §9.5 has a client that sends a body watch
    /// for a response, and stop when the server does not want the body (the engine then
    /// drops what is queued: `Connection::body_refused`). A final response head is kept in
    /// `early`, for the caller; the watch ends with it, or with anything but the start of a
    /// response (the server's close or error is the write's, or the response's, to report).
    async fn write_body(
        &mut self,
        conn: &mut Connection,
        early: &mut Option<ResponseHead>,
    ) -> Result<(), Error> {
        let mut watch = early.is_none();
        // Bytes that come do not extend the write's timeout: it counts from the last write
        // that went.
        let mut until = Instant::now() + self.write_timeout;
        loop {
            let left = conn.transmit_len();
            if self.write_queued(conn, watch).await? {
                return Ok(());
            }
            if conn.transmit_len() < left {
                until = Instant::now() + self.write_timeout;
            } else if Instant::now() >= until {
                self.broken = true;
                return Err(Error::Timeout);
            }
            watch = self.look(conn, early).await?;
        }
    }

    /// What the server sent while a request body goes (see [`write_body`](Self::write_body)),
    /// read without waiting: a final response head goes to `early`. Says whether to watch on:
    /// not after a final response, nor after anything but the start of one.
    async fn look(
        &mut self,
        conn: &mut Connection,
        early: &mut Option<ResponseHead>,
    ) -> Result<bool, Error> {
        // One read that does not wait, tried at once (not after a look at readiness, which
        // smol reports once per wait and has just reported): the readiness seen may be
        // stale (tokio keeps a socket readable after a read that filled all it was lent),
        // and a wait here for bytes that do not come would stop the writing too.
        self.reads.more = true;
        let tried = {
            let mut read = pin!(self.read(conn));
            poll_fn(|cx| Poll::Ready(read.as_mut().poll(cx))).await
        };
        match tried {
            Poll::Ready(n) => n?,
            Poll::Pending => return Ok(true),
        };
        loop {
            match conn.poll_event() {
                // A final response: an interim one leaves the server's half where it was.
                Ok(Polled::Event(Event::Response(r)))
                    if conn.their_state() != HalfState::SendResponse =>
                {
                    *early = Some(r);
                    return Ok(false);
                }
                Ok(Polled::Event(Event::Response(_))) => {}
                Ok(Polled::NeedData) => return Ok(true),
                Ok(Polled::Event(_) | Polled::Paused) | Err(_) => return Ok(false),
            }
        }
    }

    /// Sends the range of a file as the message's body, after what the engine queued before,
    /// and ends the message: counted by the engine but never held by it (`send_data_direct`),
    /// and sent by the runtime (`Runtime::poll_send_file`). Each wait for the socket is
    /// bounded by the write timeout; a file shorter than the range is an error (the
    /// connection then closes, its body cut short). A client passes `early`: it watches for
    /// the server's answer as [`write_body`](Self::write_body) does, and stops sending when
    /// the server refused the body.
    pub(crate) async fn send_file(
        &mut self,
        conn: &mut Connection,
        file: &SendFile,
        mut early: Option<&mut Option<ResponseHead>>,
    ) -> Result<(), Error> {
        if conn.send_data_direct(file.len)? {
            let mut watch = match early.as_deref_mut() {
                Some(early) => {
                    self.write_body(conn, early).await?;
                    early.is_none()
                }
                None => {
                    self.flush(conn).await?;
                    false
                }
            };
            let (mut offset, mut left) = (file.offset, file.len);
            // Bytes that come do not extend a wait's bound: it counts from the last send
            // that went.
            let mut until = Instant::now() + self.write_timeout;
            while left > 0 && !conn.body_refused() {
                let want = usize::try_from(left).unwrap_or(usize::MAX);
                let stream = &mut self.stream;
                // `None`: the socket takes no more, and the server has sent something.
                let send = async {
                    poll_fn(
                        |cx| match R::poll_send_file(stream, &file.file, offset, want, cx) {
                            Poll::Ready(r) => Poll::Ready(r.map(Some)),
                            // (An error is the read's to report.)
                            Poll::Pending if watch && R::poll_read_ready(stream, cx).is_ready() => {
                                Poll::Ready(Ok(None))
                            }
                            Poll::Pending => Poll::Pending,
                        },
                    )
                    .await
                    .map_err(Error::from)
                };
                let left_to_wait = until.saturating_duration_since(Instant::now());
                let sent = bounded::<R, _>(left_to_wait, send)
                    .await
                    .inspect_err(|_| self.broken = true)?;
                let Some(n) = sent else {
                    if let Some(early) = early.as_deref_mut() {
                        watch = self.look(conn, early).await?;
                    }
                    continue;
                };
                if n == 0 {
                    return Err(Error::Body("the file ended before its length".into()));
                }
                offset += n as u64;
                left -= n as u64;
                until = Instant::now() + self.write_timeout;
            }
            // The send may have taken long: what follows the message counts from its end.
            conn.set_now(self.now());
        }
        conn.send_end(Headers::new())?;
        Ok(())
    }

    /// Closes after writing everything: the write side first, then reading and discarding what
    /// the peer still sends for a short while.
    pub(crate) async fn close(mut self, conn: &mut Connection) {
        let _ = self.flush(conn).await;
        let _ = self.stream.close().await;
        // On the heap: a buffer here would make every connection's future 4 KiB larger for
        // all its life, not only while it closes.
        let mut sink = vec![0u8; 4096];
        let drain = async {
            while let Ok(n) = self.stream.read(&mut sink).await {
                if n == 0 {
                    break;
                }
            }
        };
        tokio::select! {
            () = drain => {}
            () = R::sleep_until(Instant::now() + LINGER) => {}
        }
    }
}

/// The frames a body had ready before its head went (at most two: data, then trailers or
/// its end), for the one framing rule of both roles: a body that ends with trailers goes
/// chunked, the framing that carries them (RFC 9112 §7.1.2), whatever length it knows.
pub(crate) struct Ahead<E> {
    frames: [Option<Result<Frame<Bytes>, E>>; 2],
    /// The body ended (it said so, or failed): it is not polled again.
    ended: bool,
}

impl<E> Default for Ahead<E> {
    fn default() -> Self {
        Self {
            frames: [None, None],
            ended: false,
        }
    }
}

impl<E> Ahead<E> {
    /// Takes what `body` has ready, without waiting.
    pub(crate) fn of<B>(mut body: Pin<&mut B>) -> Self
    where
        B: Body<Data = Bytes, Error = E>,
    {
        let mut ahead = Self::default();
        let mut cx = Context::from_waker(Waker::noop());
        for slot in &mut ahead.frames {
            let Poll::Ready(frame) = body.as_mut().poll_frame(&mut cx) else {
                break;
            };
            let Some(frame) = frame else {
                ahead.ended = true;
                break;
            };
            let more = matches!(&frame, Ok(f) if f.is_data());
            ahead.ended = !more;
            *slot = Some(frame);
            if !more {
                break;
            }
        }
        ahead
    }

    /// Whether the body ended there (its end, its trailers or its error came).
    pub(crate) fn ended(&self) -> bool {
        self.ended
    }

    /// The frames taken, in order.
    pub(crate) fn into_frames(self) -> impl Iterator<Item = Result<Frame<Bytes>, E>> {
        self.frames.into_iter().flatten()
    }

    /// Whether the body ended with trailers.
    pub(crate) fn trailers(&self) -> bool {
        self.frames
            .iter()
            .any(|f| matches!(f, Some(Ok(f)) if f.is_trailers()))
    }
}
