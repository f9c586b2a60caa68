//! The `http-core` engine driven by tokio: HTTP/1.1 servers and clients over tokio sockets.
//!
//! The driver does I/O, timers, spawning and shutdown, and nothing else: every HTTP rule
//! (parsing, framing, keep-alive, 100-continue, error answers, deadlines) is the engine's, and
//! the connection loops are `driver-async`'s, shared with the smol driver. This crate is
//! tokio's sockets, tasks and timer plugged into them.
//!
//! ```no_run
//! use bytes::Bytes;
//! use driver_tokio::{BoxError, Config, Incoming, Server};
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
use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Instant;
use tokio::io::{AsyncRead as _, AsyncWrite as _, ReadBuf};
use tokio::net::{TcpListener, TcpStream, ToSocketAddrs};

/// A tokio socket as the shared loops see it (`futures-io`), vectored writes included.
#[derive(Debug)]
pub struct Stream(TcpStream);

impl futures_io::AsyncRead for Stream {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut [u8],
    ) -> Poll<io::Result<usize>> {
        let mut rb = ReadBuf::new(buf);
        Pin::new(&mut self.0)
            .poll_read(cx, &mut rb)
            .map_ok(|()| rb.filled().len())
    }
}

impl futures_io::AsyncWrite for Stream {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.0).poll_write(cx, buf)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.0).poll_write_vectored(cx, bufs)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.0).poll_flush(cx)
    }

    fn poll_close(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.0).poll_shutdown(cx)
    }
}

/// tokio's part: sockets, tasks, timer.
#[derive(Debug)]
pub struct Tokio;

impl driver_async::Runtime for Tokio {
    type Stream = Stream;

    fn spawn(task: impl Future<Output = ()> + Send + 'static) {
        tokio::spawn(task);
    }

    fn sleep_until(at: Instant) -> impl Future<Output = ()> + Send {
        tokio::time::sleep_until(at.into())
    }

    type Timer = Pin<Box<tokio::time::Sleep>>;

    fn timer(at: Instant) -> Self::Timer {
        Box::pin(tokio::time::sleep_until(at.into()))
    }

    fn reset_timer(timer: &mut Self::Timer, at: Instant) {
        timer.as_mut().reset(at.into());
    }

    fn peer_spoke(stream: &Stream) -> bool {
        // The socket itself, not tokio's readiness (which may not have seen the bytes yet).
        // It does not block: tokio's sockets are non-blocking.
        let probe = &mut [std::mem::MaybeUninit::uninit(); 1];
        !matches!(
            socket2::SockRef::from(&stream.0).peek(probe),
            Err(e) if e.kind() == io::ErrorKind::WouldBlock
        )
    }

    fn peer_addr(stream: &Stream) -> Option<SocketAddr> {
        stream.0.peer_addr().ok()
    }

    fn poll_read_ready(stream: &mut Stream, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        // tokio clears readiness after a short read, so this waits without a system call
        // until the socket has something.
        stream.0.poll_read_ready(cx)
    }

    #[cfg(target_os = "linux")]
    fn poll_send_file(
        stream: &mut Stream,
        file: &std::fs::File,
        offset: u64,
        len: usize,
        cx: &mut Context<'_>,
    ) -> Poll<io::Result<usize>> {
        loop {
            std::task::ready!(stream.0.poll_write_ready(cx))?;
            let mut at = offset;
            // A socket that cannot take more clears its readiness here, and the loop waits.
            match stream.0.try_io(tokio::io::Interest::WRITABLE, || {
                Ok(rustix::fs::sendfile(&stream.0, file, Some(&mut at), len)?)
            }) {
                Err(e)
                    if matches!(
                        e.kind(),
                        io::ErrorKind::WouldBlock | io::ErrorKind::Interrupted
                    ) => {}
                r => return Poll::Ready(r),
            }
        }
    }
}

/// tokio's listener, as the shared loops see it.
#[derive(Debug)]
pub struct Listen(TcpListener);

impl driver_async::Listener<Tokio> for Listen {
    async fn accept(&self) -> io::Result<Stream> {
        let (s, _) = self.0.accept().await?;
        let _ = s.set_nodelay(true);
        Ok(Stream(s))
    }

    fn local_addr(&self) -> io::Result<SocketAddr> {
        self.0.local_addr()
    }
}

/// An HTTP/1.1 server on a tokio listener.
#[derive(Debug)]
pub struct Server(driver_async::Server<Tokio, Listen>);

impl Server {
    /// Listens on `addr`.
    pub async fn bind(addr: impl ToSocketAddrs, config: Config) -> io::Result<Self> {
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

/// An HTTP/1.1 client on one tokio connection.
#[derive(Debug)]
pub struct Client(driver_async::Client<Tokio>);

impl Client {
    /// Connects to `addr` (its lookup, then its addresses in turn, within
    /// `config.connect_timeout` in all).
    pub async fn connect(addr: impl ToSocketAddrs, config: Config) -> io::Result<Self> {
        let stream = tokio::time::timeout(config.connect_timeout, TcpStream::connect(addr))
            .await
            .map_err(|_| io::Error::new(io::ErrorKind::TimedOut, "connect timed out"))??;
        let _ = stream.set_nodelay(true);
        Ok(Self(driver_async::Client::new(Stream(stream), &config)))
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
    pub async fn upgrade(&mut self) -> Result<upgrade::Upgraded, Error> {
        self.0.upgrade().await.map(|u| upgrade::Upgraded {
            io: u.io.0,
            leftover: u.leftover,
        })
    }
}

pub mod upgrade {
    //! Taking over the connection after a protocol switch: a 101 (Switching Protocols) to an
    //! Upgrade request, or a 2xx to CONNECT.

    use super::{Error, Stream};
    use bytes::Bytes;
    use std::future::Future;
    use std::pin::Pin;
    use std::task::{Context, Poll};
    use tokio::net::TcpStream;

    /// The raw connection after a protocol switch, with the bytes the peer had already sent
    /// after the switching message (a server's request, a client's response).
    #[derive(Debug)]
    pub struct Upgraded {
        /// The socket.
        pub io: TcpStream,
        /// Bytes received after the switching message (a server's request with its body, a
        /// client's response), to be read before the socket's.
        pub leftover: Bytes,
    }

    /// Resolves to the [`Upgraded`] connection once the handler's switching response has been
    /// written; fails with [`Error::Closed`] if the response did not switch protocols.
    #[derive(Debug)]
    pub struct OnUpgrade(driver_async::upgrade::OnUpgrade<Stream>);

    impl Future for OnUpgrade {
        type Output = Result<Upgraded, Error>;

        fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
            Pin::new(&mut self.0).poll(cx).map(|r| {
                r.map(|u| Upgraded {
                    io: u.io.0,
                    leftover: u.leftover,
                })
            })
        }
    }

    /// The upgrade of `req`'s connection: answer `req` with a 101 (or a 2xx to CONNECT), then
    /// await this in a task of its own.
    pub fn on<B>(req: &mut http::Request<B>) -> OnUpgrade {
        OnUpgrade(driver_async::upgrade::on(req))
    }
}
