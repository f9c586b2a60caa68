//! The [`http_core`] engine on blocking `std::net` sockets: a thread per connection, from a
//! bounded set.
//!
//! The driver does I/O, timers (socket timeouts derived from the engine's deadlines), threads
//! and shutdown, and nothing else: every HTTP rule is the engine's.
//!
//! ```no_run
//! use driver_blocking::{Body, BoxError, Config, Incoming, Server};
//!
//! let server = Server::bind("127.0.0.1:8080", Config::default())?;
//! server.serve(|_req: http::Request<Incoming>| {
//!     Ok::<_, BoxError>(http::Response::new(Body::from("hello\n")))
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

use std::time::Duration;

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
    /// How long a graceful shutdown lets requests in flight finish. Default 10 s.
    pub shutdown_timeout: Duration,
    /// How long a write may wait for a peer that does not read. Default 30 s.
    pub write_timeout: Duration,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            engine: http_core::Config::default(),
            max_connections: 256,
            shutdown_timeout: Duration::from_secs(10),
            write_timeout: Duration::from_secs(30),
        }
    }
}
