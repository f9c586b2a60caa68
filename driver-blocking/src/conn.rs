//! A connection shared by the thread that drives it and the bodies it hands out: the engine,
//! its socket and clock, and the waits bounded by the engine's deadlines.

use crate::{Config, Error};
use bytes::{Bytes, BytesMut};
use http_core::{Connection, Event, HalfState, Headers, Polled, RemoteError, ResponseHead};
use std::fs::File;
use std::io::{ErrorKind, IoSlice, Read, Write};
use std::net::{Shutdown, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, Weak};
use std::time::{Duration, Instant};

/// Bytes read from the socket at a time.
const READ_SIZE: usize = 16 * 1024;
/// How long a closing connection reads and discards what the peer still sends, so that a
/// reset does not destroy the response it has not read yet (RFC 9112 §9.6).
const LINGER: Duration = Duration::from_secs(1);
/// How long a write of a request body waits at most before the client looks whether the
/// server answered (see `Conn::write_body`).
const WATCH_STEP: Duration = Duration::from_millis(50);

/// The engine and its socket.
#[derive(Debug)]
pub(crate) struct Conn {
    pub(crate) engine: Connection,
    stream: TcpStream,
    /// The engine's time is the time since this.
    origin: Instant,
    /// Set when a graceful shutdown begins (servers only).
    stop: Option<Arc<AtomicBool>>,
    /// Set while the connection waits idle between messages (servers only): a shutdown then
    /// ends its input, which wakes the wait, rather than every wait looking at the flag now
    /// and then.
    idle: Option<Arc<AtomicBool>>,
    /// Heads received so far: the number of the last message.
    message: u64,
    /// The number of the message whose body is being received, 0 for none. Outside the lock,
    /// so that a body kept past its exchange fails at once, never waiting for the lock.
    reading: Arc<AtomicU64>,
    /// Where the reader of the body handed out last takes its end from, if the connection
    /// took it in the reader's place (a client's next request came when that reader had had
    /// all of the body but its end): its trailers. The reader holds it (outside the lock, as
    /// `reading`); the connection only while the reader lives.
    handed: Weak<Mutex<Option<Headers>>>,
    /// A piece of the body being received, taken from the engine in its reader's place (a
    /// client's next request looked for the body's end), which the reader gets first.
    held: Option<Bytes>,
    /// The read timeout the socket has now, to set it only when it changes.
    read_timeout: Option<Duration>,
    /// The write timeout each write has, but while a request body is written
    /// (`Conn::write_body`); `None` for none.
    write_limit: Option<Duration>,
    /// The write timeout the socket has now, to set it only when it changes: a request
    /// body's writes have a shorter one, and keep it from one piece of the body to the next.
    write_timeout: Option<Duration>,
    /// The engine's receive buffer, taken between exchanges (where the engine would free
    /// it) and given back for the next read: a thread blocked in a read holds the memory it
    /// lent anyway, and the next request costs no allocation for it.
    spare: Option<BytesMut>,
    /// A write failed or timed out: nothing more is written (a close does not wait for the
    /// write timeout again).
    broken: bool,
}

/// The end of a body taken in its reader's place: its trailers (see `Conn::hand_end`).
pub(crate) type Handed = Arc<Mutex<Option<Headers>>>;

/// A connection behind a lock, as the bodies it hands out share it.
pub(crate) type Shared = Arc<Mutex<Conn>>;

/// Locks a shared connection; a panic elsewhere (a handler's, caught) does not make it
/// unusable.
pub(crate) fn lock(shared: &Shared) -> MutexGuard<'_, Conn> {
    shared
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// A piece of a body being received.
#[derive(Debug)]
pub(crate) enum BodyPart {
    Data(Bytes),
    End(Headers),
}

impl Conn {
    /// Wraps `stream`; `engine` makes the engine, given the time the connection starts at.
    pub(crate) fn new(
        stream: TcpStream,
        cfg: &Config,
        engine: impl FnOnce(http_core::Instant) -> Connection,
        stop: Option<Arc<AtomicBool>>,
        idle: Option<Arc<AtomicBool>>,
    ) -> Self {
        let _ = stream.set_nodelay(true);
        let write_limit = Some(cfg.write_timeout).filter(|t| !t.is_zero());
        let _ = stream.set_write_timeout(write_limit);
        Self {
            engine: engine(http_core::Instant::ZERO),
            stream,
            origin: Instant::now(),
            stop,
            idle,
            message: 0,
            reading: Arc::new(AtomicU64::new(0)),
            handed: Weak::new(),
            held: None,
            read_timeout: None,
            write_limit,
            write_timeout: write_limit,
            spare: None,
            broken: false,
        }
    }

    /// Keeps the engine's receive buffer, if it holds no bytes, for the next read (see
    /// `spare`). Called between exchanges.
    pub(crate) fn park_buffer(&mut self) {
        if let Some(buf) = self.engine.take_spare_buffer() {
            self.spare = Some(buf);
        }
    }

    /// The engine's time now.
    pub(crate) fn now(&self) -> http_core::Instant {
        http_core::Instant::from_duration(self.origin.elapsed())
    }

    /// The number of the message whose head came last.
    pub(crate) fn message(&self) -> u64 {
        self.message
    }

    /// Where the reader of the body of the message whose head came last takes its end
    /// from, if the connection takes it in the reader's place.
    pub(crate) fn handed(&mut self) -> Handed {
        let handed = Handed::default();
        self.handed = Arc::downgrade(&handed);
        handed
    }

    /// Gives the end of the last message's body, taken by the connection, to its reader,
    /// who had all the rest of it (if the reader is still there).
    pub(crate) fn hand_end(&mut self, trailers: Headers) {
        if let Some(handed) = self.handed.upgrade()
            && let Ok(mut handed) = handed.lock()
        {
            *handed = Some(trailers);
        }
    }

    /// Keeps a piece of the body being received, taken from the engine, for its reader.
    pub(crate) fn hold(&mut self, piece: Bytes) {
        self.held = Some(piece);
    }

    /// Which message's body is being received (0: none): a body reader takes events only
    /// while it is its own.
    pub(crate) fn reading(&self) -> &Arc<AtomicU64> {
        &self.reading
    }

    /// Ends the exchange for the body handed out last: its reader fails from now on (the
    /// engine discards what is left of it). A server calls this as its response ends, under
    /// the same lock, so that no reader can take an event past the request's end.
    pub(crate) fn end_exchange(&mut self) {
        self.reading.store(0, Ordering::SeqCst);
        self.held = None;
    }

    /// Whether the body of the last message is still being received.
    pub(crate) fn is_reading(&self) -> bool {
        self.reading.load(Ordering::SeqCst) != 0
    }

    /// The engine's next event; keeps count of messages, so that a body reader never takes
    /// events past the end of its own message.
    pub(crate) fn poll(&mut self) -> Result<Polled, RemoteError> {
        let polled = self.engine.poll_event();
        match &polled {
            Ok(Polled::Event(Event::Request(_) | Event::Response(_))) => {
                self.message += 1;
                self.reading.store(self.message, Ordering::SeqCst);
            }
            Ok(Polled::Event(Event::End(_) | Event::Closed)) | Err(_) => {
                self.reading.store(0, Ordering::SeqCst);
            }
            Ok(_) => {}
        }
        polled
    }

    /// Tells the engine about a graceful shutdown, once it has begun: the exchange under way
    /// is the last.
    pub(crate) fn check_shutdown(&mut self) {
        // Telling it again changes nothing.
        if self.stopping() {
            self.engine.close_after_exchange();
        }
    }

    /// Whether a graceful shutdown has begun (servers only).
    fn stopping(&self) -> bool {
        self.stop.as_ref().is_some_and(|s| s.load(Ordering::SeqCst))
    }

    /// Says whether the connection waits idle between messages, where the server's
    /// shutdown looks (servers only).
    fn set_idle(&self, idle: bool) {
        if let Some(flag) = &self.idle {
            flag.store(idle, Ordering::SeqCst);
        }
    }

    /// Writes everything the engine has queued, in vectored writes over all of it, each
    /// bounded by the write timeout. After a failed write nothing more is written: what is
    /// queued then fails at once, but nothing queued is nothing to fail (the engine dropped
    /// the rest of a request whose write failed, and its response is still read).
    pub(crate) fn flush(&mut self) -> Result<(), Error> {
        if self.broken {
            return if self.engine.has_transmit() {
                Err(Error::Closed)
            } else {
                Ok(())
            };
        }
        self.set_write_timeout(self.write_limit)?;
        write_queued(&mut self.stream, &mut self.engine).inspect_err(|_| self.broken = true)
    }

    /// Gives the socket's writes the timeout `t`, if they do not have it already.
    fn set_write_timeout(&mut self, t: Option<Duration>) -> Result<(), Error> {
        if self.write_timeout != t {
            self.stream.set_write_timeout(t)?;
            self.write_timeout = t;
        }
        Ok(())
    }

    /// [`flush`](Self::flush) for a request body, reading meanwhile what the server sends
    /// while the socket takes no more: RFC 9112 §9.5 has a client that sends a body watch for
    /// a response, and stop when the server does not want the body (the engine then drops
    /// what is queued: `Connection::body_refused`). A write waits at most [`WATCH_STEP`] at a
    /// time, then looks for bytes from the server without waiting; bytes that come do not
    /// extend the write timeout, which counts from the last write that went. A final
    /// response head is kept in `early`, for the caller; the watch ends with it, or with
    /// anything but the start of a response (the server's close or error is the write's, or
    /// the response's, to report). The socket keeps the short timeout for the body's next
    /// piece; [`flush`](Self::flush) puts the usual one back.
    pub(crate) fn write_body(&mut self, early: &mut Option<ResponseHead>) -> Result<(), Error> {
        if early.is_some() || self.broken || !self.engine.has_transmit() {
            return self.flush();
        }
        let limit = self.write_limit;
        let step = limit.map_or(WATCH_STEP, |l| l.min(WATCH_STEP));
        self.set_write_timeout(Some(step))?;
        let mut until = limit.map(|l| Instant::now() + l);
        let written = loop {
            let left = self.engine.transmit_len();
            match write_queued(&mut self.stream, &mut self.engine) {
                Err(Error::Timeout) => {}
                done => break done,
            }
            if self.engine.transmit_len() < left {
                until = limit.map(|l| Instant::now() + l);
            } else if until.is_some_and(|t| Instant::now() >= t) {
                break Err(Error::Timeout);
            }
            if !self.peer_spoke() {
                continue;
            }
            if let Err(e) = self.read(None) {
                break Err(e);
            }
            let watch = loop {
                match self.poll() {
                    // A final response: an interim one leaves the server's half where it was.
                    Ok(Polled::Event(Event::Response(r)))
                        if self.engine.their_state() != HalfState::SendResponse =>
                    {
                        *early = Some(r);
                        break false;
                    }
                    Ok(Polled::Event(Event::Response(_))) => {}
                    Ok(Polled::NeedData) => break true,
                    Ok(Polled::Event(_) | Polled::Paused) | Err(_) => break false,
                }
            };
            if !watch {
                // What is left goes with the usual write timeout.
                return self.flush();
            }
        };
        written.inspect_err(|_| self.broken = true)
    }

    /// Sends `len` bytes of `file` from `offset` as body bytes, after what the engine queued
    /// before: counted by the engine but never held by it (`send_data_direct`; nothing is
    /// written for HEAD, 204 or 304), each write bounded by the write timeout. A file shorter
    /// than the range is an error (the connection then closes, its body cut short).
    pub(crate) fn send_file(
        &mut self,
        file: &mut File,
        offset: u64,
        len: u64,
    ) -> Result<(), Error> {
        if !self.engine.send_data_direct(len)? {
            return Ok(());
        }
        self.flush()?;
        let (mut offset, mut left) = (offset, len);
        while left > 0 {
            let want = usize::try_from(left).unwrap_or(usize::MAX);
            let sent = send_file_once(&mut self.stream, file, offset, want);
            if matches!(&sent, Err(e) if e.kind() != ErrorKind::Interrupted) {
                self.broken = true;
            }
            match sent {
                Ok(0) => return Err(Error::Body("the file ended before its length".into())),
                Ok(n) => {
                    offset += n as u64;
                    left = left.saturating_sub(n as u64);
                }
                Err(e) if e.kind() == ErrorKind::Interrupted => {}
                Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {
                    return Err(Error::Timeout);
                }
                Err(e) => return Err(e.into()),
            }
        }
        Ok(())
    }

    /// Waits for bytes or for the engine's next deadline, whichever comes first, and hands
    /// the engine what came and the time. A server waiting idle between messages is woken by
    /// a shutdown, which ends its input (see the `idle` flag); one in an exchange notices the
    /// shutdown before its response.
    pub(crate) fn wait(&mut self) -> Result<(), Error> {
        self.check_shutdown();
        if self.engine.should_close() {
            // A shutdown just ended an idle connection: nothing to wait for.
            return Ok(());
        }
        let bound = self
            .engine
            .poll_timeout()
            .map(|d| d.at.as_duration().saturating_sub(self.origin.elapsed()))
            .map(read_step);
        if bound != Some(Duration::ZERO) {
            if self.engine.wants_read() {
                let idle = self.idle.is_some() && self.engine.is_idle();
                if idle {
                    self.set_idle(true);
                    // A shutdown begun before the flag went up did not see this wait: the
                    // connection closes now instead. (Begun after, it sees the flag and ends
                    // the input.)
                    if self.stopping() {
                        self.set_idle(false);
                        self.check_shutdown();
                        return Ok(());
                    }
                }
                let read = self.read(bound);
                if idle {
                    self.set_idle(false);
                }
                read?;
            } else if let Some(bound) = bound {
                std::thread::sleep(bound);
            } else {
                // Nothing to read and nothing to wait for: the caller sees the state as is.
                return Err(Error::Closed);
            }
        }
        self.engine.handle_timeout(self.now());
        Ok(())
    }

    /// One read from the socket straight into the engine's receive buffer, waiting at most
    /// `bound` (`None`: as long as it takes).
    fn read(&mut self, bound: Option<Duration>) -> Result<(), Error> {
        if self.read_timeout != bound {
            self.stream.set_read_timeout(bound)?;
            self.read_timeout = bound;
        }
        if let Some(buf) = self.spare.take() {
            // Refused (and freed) if the engine has memory of its own by now.
            let _ = self.engine.give_buffer(buf);
        }
        // The time is read once the read returns: the bytes came then, however long it
        // waited for them.
        let (stream, origin) = (&mut self.stream, self.origin);
        let read = |buf: &mut [u8]| {
            let n = stream.read(buf)?;
            Ok::<_, std::io::Error>((n, http_core::Instant::from_duration(origin.elapsed())))
        };
        match self.engine.receive_timed(READ_SIZE, read) {
            Ok(0) => self.engine.feed_eof(),
            Ok(_) => {}
            Err(e)
                if matches!(
                    e.kind(),
                    ErrorKind::WouldBlock | ErrorKind::TimedOut | ErrorKind::Interrupted
                ) => {}
            Err(e) => return Err(e.into()),
        }
        Ok(())
    }

    /// The next piece of the body being received, reading the socket as needed. Writes what
    /// is queued before each wait (a 100 (Continue), an earlier response).
    pub(crate) fn next_body(&mut self) -> Result<BodyPart, Error> {
        if let Some(piece) = self.held.take() {
            return Ok(BodyPart::Data(piece));
        }
        // The reader may have paused since its last piece: a wait for more of the body
        // counts from now, not from the engine's last news of the time.
        self.engine.set_now(self.now());
        loop {
            match self.poll()? {
                Polled::Event(Event::Data(d)) => return Ok(BodyPart::Data(d)),
                Polled::Event(Event::End(t)) => return Ok(BodyPart::End(t)),
                Polled::Event(Event::Closed) => return Err(Error::Closed),
                // The peer's message is complete (a switch of protocols): no more body.
                Polled::Paused => {
                    self.reading.store(0, Ordering::SeqCst);
                    return Ok(BodyPart::End(Headers::new()));
                }
                // invariant: no head comes while a body is read (the engine reads the next
                // head only after this message's end, which the caller stops at).
                Polled::Event(_) => return Err(Error::Closed),
                Polled::NeedData => {
                    self.flush()?;
                    self.wait()?;
                }
            }
        }
    }

    /// The socket, ready to be handed over after a protocol switch: blocking again, without
    /// the timeouts this driver set.
    pub(crate) fn hand_over(&mut self) -> std::io::Result<TcpStream> {
        self.stream.set_read_timeout(None)?;
        self.stream.set_write_timeout(None)?;
        self.write_limit = None;
        self.write_timeout = None;
        self.read_timeout = None;
        self.stream.try_clone()
    }

    /// Whether the peer sent something nobody read, closed, or the socket failed: a look
    /// that does not wait, and takes nothing.
    pub(crate) fn peer_spoke(&self) -> bool {
        if self.stream.set_nonblocking(true).is_err() {
            return true;
        }
        let spoke = !matches!(
            self.stream.peek(&mut [0u8; 1]),
            Err(e) if e.kind() == ErrorKind::WouldBlock
        );
        self.stream.set_nonblocking(false).is_err() || spoke
    }

    /// Closes at once, both ways, with nothing more written: a message that cannot be
    /// finished.
    pub(crate) fn abort(&mut self) {
        self.broken = true;
        let _ = self.stream.shutdown(Shutdown::Both);
    }

    /// Closes after writing everything: the write side first, then reading and discarding
    /// what the peer still sends, for [`LINGER`] at most.
    pub(crate) fn close(&mut self) {
        if self.broken || self.flush().is_err() {
            return;
        }
        let _ = self.stream.shutdown(Shutdown::Write);
        let end = Instant::now() + LINGER;
        let mut sink = [0u8; 4096];
        loop {
            let left = end.saturating_duration_since(Instant::now());
            if left.is_zero() || self.stream.set_read_timeout(Some(left)).is_err() {
                return;
            }
            match self.stream.read(&mut sink) {
                Ok(0) => return,
                Ok(_) => {}
                Err(e) if e.kind() == ErrorKind::Interrupted => {}
                Err(_) => return,
            }
        }
    }
}

/// How long one wait for a deadline `left` away lasts. The kernel keeps a socket's timeout
/// on a timer wheel whose slots grow coarser with the timeout (some 12 % of it: a 30 s one
/// fired 1.4 s late), so a long wait is made of shorter ones, each four fifths of what is
/// left, until what is left is short enough to be kept to a few milliseconds: a deadline
/// some ten wake-ups away, and none of them late by much.
fn read_step(left: Duration) -> Duration {
    if left <= Duration::from_secs(1) {
        left
    } else {
        left - left / 5
    }
}

/// Most pieces handed to one vectored write (the rest go in the next).
const MAX_IOV: usize = 64;

/// Writes everything `engine` has queued, in order, straight from its queue, with as few
/// vectored writes as the socket allows; a partial write resumes inside the piece where it
/// stopped.
fn write_queued(stream: &mut impl Write, engine: &mut Connection) -> Result<(), Error> {
    loop {
        let mut slices = [IoSlice::new(&[]); MAX_IOV];
        let k = engine.transmit_io_slices(&mut slices);
        if k == 0 {
            return Ok(());
        }
        match stream.write_vectored(&slices[..k]) {
            Ok(0) => return Err(Error::Closed),
            Ok(n) => engine.consume_transmit(n),
            Err(e) if e.kind() == ErrorKind::Interrupted => {}
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {
                return Err(Error::Timeout);
            }
            Err(e) => return Err(e.into()),
        }
    }
}

/// Sends up to `len` bytes of `file` from `offset` to `stream`: straight from the file
/// (`sendfile(2)`) on Linux, through memory (at most 64 KiB) elsewhere; how many went, 0 at
/// the file's end.
fn send_file_once(
    stream: &mut TcpStream,
    file: &mut File,
    offset: u64,
    len: usize,
) -> std::io::Result<usize> {
    #[cfg(target_os = "linux")]
    let sent = {
        let mut at = offset;
        rustix::fs::sendfile(&*stream, &*file, Some(&mut at), len)?
    };
    #[cfg(not(target_os = "linux"))]
    let sent = {
        use std::io::{Seek, SeekFrom};
        file.seek(SeekFrom::Start(offset))?;
        let mut buf = vec![0; len.min(64 * 1024)];
        let n = file.read(&mut buf)?;
        if n == 0 {
            return Ok(0);
        }
        match stream.write(&buf[..n])? {
            0 => return Err(ErrorKind::WriteZero.into()),
            written => written,
        }
    };
    Ok(sent)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Takes at most `most` bytes per write, and counts the writes.
    struct Trickle {
        got: Vec<u8>,
        most: usize,
        writes: usize,
    }

    impl Write for Trickle {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.write_vectored(&[IoSlice::new(buf)])
        }

        fn write_vectored(&mut self, bufs: &[IoSlice<'_>]) -> std::io::Result<usize> {
            self.writes += 1;
            let mut n = 0;
            for b in bufs {
                let take = b.len().min(self.most - n);
                self.got.extend_from_slice(&b[..take]);
                n += take;
                if n == self.most {
                    break;
                }
            }
            Ok(n)
        }

        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn partial_vectored_writes_resume_where_they_stopped() {
        // A server connection with a chunked response queued: head, size lines, data, CRLFs
        // and the last chunk.
        let queued = || {
            let mut engine = Connection::server(http_core::Config::default(), Default::default());
            engine.feed(Default::default(), b"GET / HTTP/1.1\r\nHost: a\r\n\r\n");
            while let Ok(Polled::Event(_)) = engine.poll_event() {}
            let mut head = ResponseHead::new(200);
            head.headers.append("Transfer-Encoding", "chunked");
            engine.send_response(head).unwrap();
            for piece in ["a", "bcdefgh"] {
                engine
                    .send_data(Bytes::from_static(piece.as_bytes()))
                    .unwrap();
            }
            engine.send_end(Headers::new()).unwrap();
            engine
        };
        let whole: Vec<u8> = queued().transmit_pieces().flatten().copied().collect();
        for most in 1..=whole.len() {
            let mut w = Trickle {
                got: Vec::new(),
                most,
                writes: 0,
            };
            let mut engine = queued();
            write_queued(&mut w, &mut engine).unwrap();
            assert_eq!(w.got, whole, "at most {most} bytes a write");
            assert_eq!(w.writes, whole.len().div_ceil(most));
            assert!(!engine.has_transmit());
        }
    }
}
