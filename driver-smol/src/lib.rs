//! The `http-core` engine driven by smol: HTTP/1.1 servers and clients over smol sockets.
//!
//! The driver does I/O, timers, spawning and shutdown, and nothing else: every HTTP rule
//! (parsing, framing, keep-alive, 100-continue, error answers, deadlines) is the engine's, and
//! the connection loops are `driver-async`'s, shared with the tokio driver. This crate is
//! smol's sockets, tasks and timer plugged into them. Connections run on smol's global
//! executor (`SMOL_THREADS` threads, 1 by default).
//!
//! ```no_run
//! use bytes::Bytes;
//! use driver_smol::{BoxError, Config, Incoming, Server};
//! use http_body_util::Full;
//!
//! # async fn run() -> std::io::Result<()> {
//! let server = Server::bind("127.0.0.1:8080", Config::default()).await?;
//! server
//!     .serve(|_req: http::Request<Incoming>| async {
//!         Ok::<_, BoxError>(http::Response::new(Full::new(Bytes::from("hello\n"))))
//!     })
//!     .await
//! # }
//! ```

pub use driver_async::{BoxError, Config, Error, Incoming, PeerAddr, SendFile, Shutdown};

use bytes::Bytes;
use smol::net::{AsyncToSocketAddrs, TcpListener, TcpStream};
use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Instant;

/// smol's part: sockets, tasks, timer.
#[derive(Debug)]
pub struct Smol;

impl driver_async::Runtime for Smol {
    type Stream = TcpStream;

    fn spawn(task: impl Future<Output = ()> + Send + 'static) {
        smol::spawn(task).detach();
    }

    async fn sleep_until(at: Instant) {
        smol::Timer::at(at).await;
    }

    type Timer = smol::Timer;

    fn timer(at: Instant) -> smol::Timer {
        smol::Timer::at(at)
    }

    fn reset_timer(timer: &mut smol::Timer, at: Instant) {
        timer.set_at(at);
    }

    fn peer_spoke(stream: &TcpStream) -> bool {
        // The socket itself (non-blocking under async-io), not the reactor's readiness.
        let source: Arc<smol::Async<std::net::TcpStream>> = stream.clone().into();
        !matches!(
            source.get_ref().peek(&mut [0u8; 1]),
            Err(e) if e.kind() == io::ErrorKind::WouldBlock
        )
    }

    fn peer_addr(stream: &TcpStream) -> Option<SocketAddr> {
        stream.peer_addr().ok()
    }

    fn poll_read_ready(stream: &mut TcpStream, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        // async-io reports readiness once the reactor has seen the socket readable since this
        // task last got `Pending`: a wait for the next request lends no buffer to a read that
        // would find nothing, and costs no failed read.
        let source: Arc<smol::Async<std::net::TcpStream>> = stream.clone().into();
        source.poll_readable(cx)
    }

    #[cfg(target_os = "linux")]
    fn poll_send_file(
        stream: &mut TcpStream,
        file: &std::fs::File,
        offset: u64,
        len: usize,
        cx: &mut Context<'_>,
    ) -> Poll<io::Result<usize>> {
        let source: Arc<smol::Async<std::net::TcpStream>> = stream.clone().into();
        loop {
            let mut at = offset;
            match rustix::fs::sendfile(source.get_ref(), file, Some(&mut at), len) {
                Ok(n) => return Poll::Ready(Ok(n)),
                Err(rustix::io::Errno::INTR) => {}
                Err(rustix::io::Errno::AGAIN) => {
                    std::task::ready!(source.poll_writable(cx))?;
                }
                Err(e) => return Poll::Ready(Err(e.into())),
            }
        }
    }
}

/// smol's listener, as the shared loops see it.
#[derive(Debug)]
pub struct Listen(TcpListener);

impl driver_async::Listener<Smol> for Listen {
    async fn accept(&self) -> io::Result<TcpStream> {
        let (s, _) = self.0.accept().await?;
        let _ = s.set_nodelay(true);
        Ok(s)
    }

    fn local_addr(&self) -> io::Result<SocketAddr> {
        self.0.local_addr()
    }
}

/// An HTTP/1.1 server on a smol listener.
#[derive(Debug)]
pub struct Server(driver_async::Server<Smol, Listen>);

impl Server {
    /// Listens on `addr`.
    pub async fn bind(addr: impl AsyncToSocketAddrs, config: Config) -> io::Result<Self> {
        Self::from_listener(TcpListener::bind(addr).await?, config)
    }

    /// Serves on a listener bound elsewhere.
    pub fn from_listener(listener: TcpListener, config: Config) -> io::Result<Self> {
        Ok(Self(driver_async::Server::new(Listen(listener), config)))
    }

    /// The address it listens on (useful after binding port 0).
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.0.local_addr()
    }

    /// A handle that starts a graceful shutdown.
    #[must_use]
    pub fn shutdown_handle(&self) -> Shutdown {
        self.0.shutdown_handle()
    }

    /// Serves `handler` until shut down, then waits for the connections to finish (at most
    /// `Config::shutdown_timeout`). A handler that fails or panics gives its client a 500
    /// (or, when it failed on the request body's error, the client's fault, the status the
    /// engine suggests for it: 413, 408, 431, 400).
    ///
    /// A response body that knows its exact length (`size_hint`) goes with `Content-Length`,
    /// unless it ends with trailers it has ready at once: then chunked, the one framing that
    /// carries them. Trailers such a body yields later are dropped (RFC 9110 §6.5.1 lets a
    /// recipient drop them too): a body whose trailers come as it goes (a checksum) reports
    /// no exact length.
    pub async fn serve<H, F, B, E>(self, handler: H) -> io::Result<()>
    where
        H: Fn(http::Request<Incoming>) -> F + Send + Sync + 'static,
        F: Future<Output = Result<http::Response<B>, E>> + Send + 'static,
        B: http_body::Body<Data = Bytes> + Send + 'static,
        B::Error: Into<BoxError> + Send,
        E: Into<BoxError> + Send + 'static,
    {
        self.0.serve(handler).await
    }
}

/// An HTTP/1.1 client on one smol connection.
#[derive(Debug)]
pub struct Client(driver_async::Client<Smol>);

impl Client {
    /// Connects to `addr` (its lookup, then its addresses in turn, within
    /// `config.connect_timeout` in all).
    pub async fn connect(addr: impl AsyncToSocketAddrs, config: Config) -> io::Result<Self> {
        let timeout = config.connect_timeout;
        let stream = smol::future::or(TcpStream::connect(addr), async {
            smol::Timer::after(timeout).await;
            Err(io::Error::new(io::ErrorKind::TimedOut, "connect timed out"))
        })
        .await?;
        let _ = stream.set_nodelay(true);
        Ok(Self(driver_async::Client::new(stream, &config)))
    }

    /// Whether the next [`send`](Self::send) may go out on this connection: the previous
    /// response was read to its end, both sides keep the connection, and the server has
    /// neither closed it nor sent anything since. (`&mut`: a connection given back by the
    /// body that was read to its end is taken back here, to be looked at.)
    #[must_use]
    pub fn is_reusable(&mut self) -> bool {
        self.0.is_reusable()
    }

    /// Sends `req` and reads the response's head; its body streams as the caller reads it.
    /// A body that knows its exact length goes with `Content-Length`, unless it ends with
    /// trailers it has ready at once (chunked then, the framing that carries them).
    pub async fn send<B>(
        &mut self,
        req: http::Request<B>,
    ) -> Result<http::Response<Incoming>, Error>
    where
        B: http_body::Body<Data = Bytes>,
        B::Error: Into<BoxError>,
    {
        self.0.send(req).await
    }

    /// The connection, for the new protocol, after a response that switched to it (a 101 to
    /// a request with `Upgrade`, or a 2xx to CONNECT), with the bytes the server sent after
    /// that response; the client has no connection afterwards. Fails with
    /// [`Error::Closed`] if the last response did not switch protocols.
    pub async fn upgrade(&mut self) -> Result<upgrade::Upgraded<TcpStream>, Error> {
        self.0.upgrade().await
    }
}

pub mod upgrade {
    //! Taking over the connection after a protocol switch: a 101 (Switching Protocols) to an
    //! Upgrade request, or a 2xx to CONNECT: [`on`] gives a future of the raw socket and the
    //! bytes already received, once the switching response has been written.

    pub use driver_async::upgrade::{OnUpgrade, Upgraded};

    /// The upgrade of `req`'s connection: answer `req` with a 101 (or a 2xx to CONNECT), then
    /// await this in a task of its own.
    pub fn on<B>(req: &mut http::Request<B>) -> OnUpgrade<smol::net::TcpStream> {
        driver_async::upgrade::on(req)
    }
}
