//! What the async drivers of [`http_core`] share, whatever their runtime: the connection loops
//! of the server and the client, the streamed bodies, and upgrades. A driver supplies its
//! runtime's sockets, spawning and timer through [`Runtime`] and [`Listener`], and nothing
//! else; `driver-tokio` and `driver-smol` are that and a few lines of glue each.

mod body;
mod client;
mod error;
mod file;
mod flag;
mod io;
mod server;
pub mod upgrade;

pub use body::Incoming;
pub use client::Client;
pub use error::Error;
pub use file::SendFile;
pub use server::{Server, Shutdown};

use std::future::Future;
use std::net::SocketAddr;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

/// The error type handlers and bodies may return.
pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// What a server or client may tune: the engine's limits, leniencies and timeouts, and the
/// driver's own bounds.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct Config {
    /// The engine's limits, leniencies and timeouts (header read, idle keep-alive, body read,
    /// 100-continue wait).
    pub engine: http_core::Config,
    /// Most connections served at once; at the limit the server stops accepting, and further
    /// clients wait in the listen backlog (none is refused). Default 1024.
    pub max_connections: usize,
    /// How long a graceful shutdown lets requests in flight finish. Default 10 s.
    pub shutdown_timeout: Duration,
    /// How long a write may wait for a peer that does not read. Default 30 s.
    pub write_timeout: Duration,
    /// Whether each request carries its head as received, an `http_core::RequestHead` in
    /// its extensions: field names in their own case and order, repeated fields apart, the
    /// target as sent. Off by default: it costs three allocations per request, and most
    /// applications need only the `http` types. Default false.
    pub raw_head: bool,
    /// Whether each request carries the address of the peer it came from, a [`PeerAddr`], in
    /// its extensions (for logs, say). Off by default: it costs two allocations per request.
    /// Default false.
    pub peer_addr: bool,
    /// How long a client's connect may take, to all the addresses its name has (their
    /// lookup included on the async drivers; the blocking one leaves the lookup to the
    /// system). Default 30 s.
    pub connect_timeout: Duration,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            engine: http_core::Config::default(),
            max_connections: 1024,
            shutdown_timeout: Duration::from_secs(10),
            write_timeout: Duration::from_secs(30),
            raw_head: false,
            peer_addr: false,
            connect_timeout: Duration::from_secs(30),
        }
    }
}

/// The address of the peer a request came from: in the request's extensions when
/// [`Config::peer_addr`] is set.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct PeerAddr(pub SocketAddr);

/// A runtime's part: its sockets, its tasks and its timer.
pub trait Runtime: Send + Sync + 'static {
    /// A connected socket, as `futures-io` sees it.
    type Stream: futures_io::AsyncRead + futures_io::AsyncWrite + Unpin + Send + 'static;

    /// Runs `task` to its end in the background.
    fn spawn(task: impl Future<Output = ()> + Send + 'static);

    /// Completes at `at`.
    fn sleep_until(at: Instant) -> impl Future<Output = ()> + Send;

    /// A timer that can be set again: a connection keeps one for the engine's deadlines.
    type Timer: Future + Send + Unpin;

    /// A timer that completes at `at`.
    fn timer(at: Instant) -> Self::Timer;

    /// Sets `timer` to complete at `at` instead (again after it completed).
    fn reset_timer(timer: &mut Self::Timer, at: Instant);

    /// The address of the peer `stream` is connected to, if it has one ([`PeerAddr`]). The
    /// default knows none.
    fn peer_addr(stream: &Self::Stream) -> Option<SocketAddr> {
        let _ = stream;
        None
    }

    /// Whether the peer sent something nobody read, closed, or the socket failed: a look at
    /// the socket that neither waits nor takes anything (a client asks it before reusing a
    /// connection). The default cannot look and says `false`: a close is then found by the
    /// next request, bytes sent unasked taken for its response.
    fn peer_spoke(stream: &Self::Stream) -> bool {
        let _ = stream;
        false
    }

    /// Ready when `stream` may have bytes to read (or an error), so that a read is lent the
    /// engine's buffer only when it is likely to fill some of it: a wait for the next request
    /// then holds no buffer and costs no allocation. The default is ready at once, and the
    /// read itself waits.
    fn poll_read_ready(
        stream: &mut Self::Stream,
        cx: &mut Context<'_>,
    ) -> Poll<std::io::Result<()>> {
        let _ = (stream, cx);
        Poll::Ready(Ok(()))
    }

    /// Sends up to `len` bytes of `file` from `offset` to `stream` once the socket can take
    /// some, and says how many it took (0 only at the file's end). A runtime that can sends
    /// them straight from the file (`sendfile(2)`); the default reads them into memory and
    /// writes them, reading again what the socket did not take.
    fn poll_send_file(
        stream: &mut Self::Stream,
        file: &std::fs::File,
        offset: u64,
        len: usize,
        cx: &mut Context<'_>,
    ) -> Poll<std::io::Result<usize>> {
        file::poll_copy(stream, file, offset, len, cx)
    }
}

/// A listening socket of runtime `R`.
pub trait Listener<R: Runtime>: Send + Sync + 'static {
    /// The next connection.
    fn accept(&self) -> impl Future<Output = std::io::Result<R::Stream>> + Send;

    /// The address it listens on.
    fn local_addr(&self) -> std::io::Result<SocketAddr>;
}
