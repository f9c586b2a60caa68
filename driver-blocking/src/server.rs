//! The server: a thread per connection from a bounded set, and graceful shutdown.

use crate::body::{Body, Incoming};
use crate::conn::{Conn, Shared, lock};
use crate::upgrade::{Pending, Upgraded};
use crate::{BoxError, Config, Error};
use http_core::{Connection, Event, HalfState, Headers, Polled, ResponseHead};
use std::io::{self, ErrorKind};
use std::net::{SocketAddr, TcpListener, TcpStream, ToSocketAddrs};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How often the accept loop looks at the shutdown flag and the connection count.
const TICK: Duration = Duration::from_millis(10);
/// Bytes read from a body's reader at a time.
const PIECE: usize = 64 * 1024;

/// An HTTP/1.1 server on a listening socket.
#[derive(Debug)]
pub struct Server {
    listener: TcpListener,
    config: Config,
    stop: Arc<AtomicBool>,
}

/// Starts a graceful shutdown of the server it came from: no new connection is accepted, idle
/// ones close, requests in flight finish (their responses say `Connection: close`) within
/// `Config::shutdown_timeout`.
#[derive(Clone, Debug)]
pub struct Shutdown(Arc<AtomicBool>);

impl Shutdown {
    /// Starts the shutdown (again is harmless).
    pub fn shutdown(&self) {
        self.0.store(true, Ordering::Relaxed);
    }
}

impl Server {
    /// Listens on `addr`.
    pub fn bind(addr: impl ToSocketAddrs, config: Config) -> io::Result<Self> {
        Self::from_listener(TcpListener::bind(addr)?, config)
    }

    /// Serves on a listener bound elsewhere.
    pub fn from_listener(listener: TcpListener, config: Config) -> io::Result<Self> {
        // Non-blocking, so that the accept loop notices a shutdown.
        listener.set_nonblocking(true)?;
        Ok(Self {
            listener,
            config,
            stop: Arc::new(AtomicBool::new(false)),
        })
    }

    /// The address it listens on (useful after binding port 0).
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.listener.local_addr()
    }

    /// A handle that starts a graceful shutdown.
    #[must_use]
    pub fn shutdown_handle(&self) -> Shutdown {
        Shutdown(self.stop.clone())
    }

    /// Serves `handler` until shut down, then waits for the connections to finish (at most
    /// `Config::shutdown_timeout`). A handler that fails or panics gives its client a 500.
    pub fn serve<H, E>(self, handler: H) -> io::Result<()>
    where
        H: Fn(http::Request<Incoming>) -> Result<http::Response<Body>, E> + Send + Sync + 'static,
        E: Into<BoxError>,
    {
        let handler = Arc::new(handler);
        let live = Arc::new(AtomicUsize::new(0));
        while !self.stop.load(Ordering::Relaxed) {
            // At the limit, no accept: further clients wait in the listen backlog.
            if live.load(Ordering::Acquire) >= self.config.max_connections.max(1) {
                std::thread::sleep(TICK);
                continue;
            }
            let stream = match self.listener.accept() {
                Ok((s, _)) => s,
                Err(e) if e.kind() == ErrorKind::WouldBlock => {
                    std::thread::sleep(TICK);
                    continue;
                }
                Err(e) if e.kind() == ErrorKind::Interrupted => continue,
                // Out of descriptors and the like: wait a moment, keep serving.
                Err(_) => {
                    std::thread::sleep(TICK * 5);
                    continue;
                }
            };
            live.fetch_add(1, Ordering::AcqRel);
            let (handler, config, stop, done) = (
                handler.clone(),
                self.config.clone(),
                self.stop.clone(),
                live.clone(),
            );
            let spawned = std::thread::Builder::new()
                .name("http-connection".into())
                .spawn(move || {
                    serve_connection(stream, &*handler, &config, stop);
                    done.fetch_sub(1, Ordering::AcqRel);
                });
            if spawned.is_err() {
                live.fetch_sub(1, Ordering::AcqRel);
            }
        }
        drop(self.listener);
        let deadline = Instant::now() + self.config.shutdown_timeout;
        while live.load(Ordering::Acquire) > 0 && Instant::now() < deadline {
            std::thread::sleep(TICK);
        }
        Ok(())
    }
}

/// A response with no content, for a handler that failed.
fn status_only(status: u16) -> ResponseHead {
    let mut head = ResponseHead::new(status);
    head.headers.append("Content-Length", "0");
    head
}

/// One connection, from its first byte to its close.
fn serve_connection<H, E>(stream: TcpStream, handler: &H, config: &Config, stop: Arc<AtomicBool>)
where
    H: Fn(http::Request<Incoming>) -> Result<http::Response<Body>, E>,
    E: Into<BoxError>,
{
    if stream.set_nonblocking(false).is_err() {
        return;
    }
    let conn = Conn::new(
        stream,
        config,
        |now| Connection::server(config.engine, now),
        Some(stop),
    );
    let shared: Shared = Arc::new(Mutex::new(conn));
    loop {
        let polled = {
            let mut c = lock(&shared);
            c.check_shutdown();
            c.engine.poll_event()
        };
        match polled {
            Ok(Polled::Event(Event::Request(head))) => match exchange(&shared, head, handler) {
                Ok(None) => continue,
                Ok(Some(upgrade)) => {
                    let mut c = lock(&shared);
                    let leftover = c.engine.take_leftover().unwrap_or_default();
                    if let Ok(io) = c.stream.try_clone() {
                        let _ = upgrade.send(Upgraded { io, leftover });
                    }
                    return;
                }
                Err(_) => break,
            },
            Ok(Polled::Event(Event::Closed)) => break,
            // The rest of a body nobody read: the engine discards it.
            Ok(Polled::Event(_)) => continue,
            Ok(Polled::NeedData | Polled::Paused) => {}
            Err(_) => {
                // The peer's error: answered with the status the engine suggests, then closed.
                let _ = lock(&shared).engine.send_error_response();
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

/// One request and its response; returns the upgrade to complete if the response switched
/// protocols.
fn exchange<H, E>(
    shared: &Shared,
    head: http_core::RequestHead,
    handler: &H,
) -> Result<Option<std::sync::mpsc::SyncSender<Upgraded>>, Error>
where
    H: Fn(http::Request<Incoming>) -> Result<http::Response<Body>, E>,
    E: Into<BoxError>,
{
    let (upgrade, pending) = Pending::new();
    let raw = head.clone();
    let req = match head.into_http(Incoming::new(shared.clone())) {
        Ok(mut req) => {
            req.extensions_mut().insert(raw);
            req.extensions_mut().insert(pending);
            req
        }
        Err(_) => {
            // A head the `http` types cannot hold never reaches the handler.
            let mut c = lock(shared);
            let mut head = status_only(400);
            head.headers.append("Connection", "close");
            c.engine.send_response(head)?;
            c.engine.send_end(Headers::new())?;
            return Ok(None);
        }
    };
    let result = catch_unwind(AssertUnwindSafe(|| handler(req)));
    let mut c = lock(shared);
    c.check_shutdown();
    // A head the engine refuses (a bad byte, framing it cannot honour) is never sent: the
    // client gets a 500 instead, as for a failed handler.
    let body = match result {
        Ok(Ok(res)) => {
            let (parts, body) = res.into_parts();
            ResponseHead::from_http(&parts)
                .ok()
                .and_then(|head| c.engine.send_response(head).ok())
                .map(|()| body)
        }
        Ok(Err(_)) | Err(_) => None,
    };
    let Some(mut body) = body else {
        c.engine.send_response(status_only(500))?;
        c.engine.send_end(Headers::new())?;
        c.flush()?;
        return Ok(None);
    };
    if c.engine.our_state() == HalfState::SwitchedProtocol {
        c.flush()?;
        return Ok(Some(upgrade));
    }
    // A body in memory goes out with its head in one write; a streamed one piece by piece,
    // its head first, as a reader may keep the peer waiting.
    let streamed = body.is_streamed();
    while let Some(piece) = body.next_piece(PIECE).map_err(|e| Error::Body(e.into()))? {
        if streamed {
            c.flush()?;
        }
        c.engine.send_data(piece)?;
    }
    c.engine.send_end(Headers::from_http(body.trailers()))?;
    c.flush()?;
    Ok(None)
}
