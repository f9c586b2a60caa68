//! A connection shared by the thread that drives it and the bodies it hands out: the engine,
//! the socket, and the waits bounded by the engine's deadlines.

use crate::{Config, Error};
use bytes::Bytes;
use http_core::{Connection, Event, Polled};
use std::io::{ErrorKind, IoSlice, Read, Write};
use std::net::{Shutdown, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

/// Bytes read from the socket at a time.
const READ_SIZE: usize = 16 * 1024;
/// The longest a wait lasts before the shutdown flag is looked at again.
const POLL: Duration = Duration::from_millis(50);
/// How long a closing connection reads and discards what the peer still sends (RFC 9112 §9.6).
const LINGER: Duration = Duration::from_secs(1);

/// The engine and its socket.
#[derive(Debug)]
pub(crate) struct Conn {
    pub(crate) engine: Connection,
    pub(crate) stream: TcpStream,
    origin: Instant,
    /// Set by a graceful shutdown.
    stop: Option<Arc<AtomicBool>>,
    told: bool,
}

/// A connection behind a lock, as bodies share it.
pub(crate) type Shared = Arc<Mutex<Conn>>;

/// Locks a shared connection; a panic elsewhere does not make it unusable.
pub(crate) fn lock(shared: &Shared) -> MutexGuard<'_, Conn> {
    shared
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl Conn {
    pub(crate) fn new(
        stream: TcpStream,
        cfg: &Config,
        engine: impl FnOnce(http_core::Instant) -> Connection,
        stop: Option<Arc<AtomicBool>>,
    ) -> Self {
        let _ = stream.set_nodelay(true);
        let _ = stream.set_write_timeout(Some(cfg.write_timeout));
        Self {
            engine: engine(http_core::Instant::ZERO),
            stream,
            origin: Instant::now(),
            stop,
            told: false,
        }
    }

    fn now(&self) -> http_core::Instant {
        http_core::Instant::from_duration(self.origin.elapsed())
    }

    /// Starts closing after the exchange under way once a shutdown has begun.
    pub(crate) fn check_shutdown(&mut self) {
        if !self.told
            && self
                .stop
                .as_ref()
                .is_some_and(|s| s.load(Ordering::Relaxed))
        {
            self.told = true;
            self.engine.close_after_exchange();
        }
    }

    /// Writes everything the engine has queued, vectored.
    pub(crate) fn flush(&mut self) -> Result<(), Error> {
        let mut pieces: Vec<Bytes> = Vec::new();
        while let Some(p) = self.engine.poll_transmit() {
            pieces.push(p);
        }
        let mut first = 0;
        while first < pieces.len() {
            let slices: Vec<IoSlice<'_>> =
                pieces[first..].iter().map(|p| IoSlice::new(p)).collect();
            let mut n = match self.stream.write_vectored(&slices) {
                Ok(0) => return Err(Error::Closed),
                Ok(n) => n,
                Err(e) if e.kind() == ErrorKind::Interrupted => continue,
                Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {
                    return Err(Error::Timeout);
                }
                Err(e) => return Err(e.into()),
            };
            while n > 0 {
                let len = pieces[first].len();
                if n >= len {
                    n -= len;
                    first += 1;
                } else {
                    pieces[first] = pieces[first].slice(n..);
                    n = 0;
                }
            }
        }
        Ok(())
    }

    /// Waits for bytes or the engine's next deadline (at most [`POLL`], to notice a
    /// shutdown) and hands what came to the engine.
    pub(crate) fn wait(&mut self) -> Result<(), Error> {
        let until = self
            .engine
            .poll_timeout()
            .map(|d| d.at.as_duration().saturating_sub(self.origin.elapsed()));
        if until == Some(Duration::ZERO) {
            self.engine.handle_timeout(self.now());
            return Ok(());
        }
        let wait = until.map_or(POLL, |u| u.min(POLL));
        if !self.engine.wants_read() {
            std::thread::sleep(wait);
            self.engine.handle_timeout(self.now());
            return Ok(());
        }
        self.stream.set_read_timeout(Some(wait))?;
        let now = self.now();
        let stream = &mut self.stream;
        // Straight into the engine's buffer, lent only for the read.
        match self.engine.receive(now, READ_SIZE, |buf| stream.read(buf)) {
            Ok(0) => self.engine.feed_eof(),
            Ok(_) => {}
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {
                let now = self.now();
                self.engine.handle_timeout(now);
            }
            Err(e) if e.kind() == ErrorKind::Interrupted => {}
            Err(e) => return Err(e.into()),
        }
        Ok(())
    }

    /// The next body event of the message being read: `Ok(Some(data))`, `Ok(None)` at its
    /// end (trailers, if any, returned beside), reading the socket as needed.
    pub(crate) fn next_body(&mut self) -> Result<BodyPart, Error> {
        loop {
            match self.engine.poll_event() {
                Ok(Polled::Event(Event::Data(d))) => return Ok(BodyPart::Data(d)),
                Ok(Polled::Event(Event::End(t))) => return Ok(BodyPart::End(t)),
                Ok(Polled::Event(Event::Closed)) => return Err(Error::Closed),
                Ok(Polled::Event(_)) => {}
                Ok(Polled::NeedData | Polled::Paused) => {
                    self.flush()?;
                    self.wait()?;
                }
                Err(e) => return Err(Error::Remote(e)),
            }
        }
    }

    /// Closes after writing everything: the write side first, then reading and discarding
    /// what the peer still sends for a short while.
    pub(crate) fn close(&mut self) {
        let _ = self.flush();
        let _ = self.stream.shutdown(Shutdown::Write);
        let _ = self.stream.set_read_timeout(Some(LINGER));
        let mut sink = [0u8; 4096];
        let start = Instant::now();
        while start.elapsed() < LINGER {
            match self.stream.read(&mut sink) {
                Ok(n) if n > 0 => {}
                _ => break,
            }
        }
    }
}

/// A piece of a body being read.
#[derive(Debug)]
pub(crate) enum BodyPart {
    Data(Bytes),
    End(http_core::Headers),
}
