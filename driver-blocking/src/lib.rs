//! The [`http_core`] engine on blocking `std::net` sockets: a thread per connection, from a
//! bounded set.
//!
//! The driver does I/O, timers, threads and shutdown, and nothing else: every HTTP rule
//! (parsing, framing, keep-alive, 100-continue, error answers, deadlines) is the engine's.
//!
//! - [`Server`] accepts connections while fewer than [`Config::max_connections`] are open
//!   (the rest wait in the listen backlog) and serves each on a thread of its own. The handler
//!   runs on that thread: it gets an `http::Request<`[`Incoming`]`>` whose body it reads with
//!   [`std::io::Read`] (straight from the socket, as it asks) and returns an
//!   `http::Response<`[`Body`]`>`, whose body may stream from a reader.
//! - Timers are socket timeouts: before each read, the read timeout is set to the engine's next
//!   deadline ([`http_core::Connection::poll_timeout`]); writes are bounded by
//!   [`Config::write_timeout`].
//! - [`Shutdown`] stops accepting, lets requests in flight finish (their responses say
//!   `Connection: close`), closes idle connections, and after [`Config::shutdown_timeout`]
//!   cuts off what is left.
//! - [`Client`] sends requests on one connection, reusing it while the engine allows.
//! - [`upgrade`] hands the socket over after a 101 (or a 2xx to CONNECT).
//!
//! ```no_run
//! use driver_blocking::{Body, BoxError, Config, Incoming, Server};
//! use std::io::Read;
//!
//! let server = Server::bind("127.0.0.1:8080", Config::default())?;
//! server.serve(|mut req: http::Request<Incoming>| {
//!     let mut body = Vec::new();
//!     req.body_mut().read_to_end(&mut body)?;
//!     Ok::<_, BoxError>(http::Response::new(Body::from(body)))
//! })?;
//! # Ok::<(), std::io::Error>(())
//! ```

mod body;
mod client;
mod conn;
mod error;
mod server;
pub mod upgrade;

pub use body::{Body, Incoming};
pub use client::Client;
pub use error::Error;
pub use server::{Server, Shutdown};

use std::net::SocketAddr;
use std::time::Duration;

/// The address of the peer a request came from: in the request's extensions when
/// [`Config::peer_addr`] is set.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct PeerAddr(pub SocketAddr);

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
    /// Most connections served at once, each on its own thread; at the limit the server stops
    /// accepting and further clients wait in the listen backlog. Default 256.
    pub max_connections: usize,
    /// How long a graceful shutdown lets requests in flight finish before their connections
    /// are cut off. Default 10 s.
    pub shutdown_timeout: Duration,
    /// How long one write may wait for a peer that does not read; past it the connection is
    /// dropped. Default 30 s.
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
            max_connections: 256,
            shutdown_timeout: Duration::from_secs(10),
            write_timeout: Duration::from_secs(30),
            raw_head: false,
            peer_addr: false,
            connect_timeout: Duration::from_secs(30),
        }
    }
}
