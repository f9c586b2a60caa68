//! The [`http_core`] engine driven by tokio: HTTP/1.1 servers and clients over tokio sockets.
//!
//! The driver does I/O, timers, spawning and shutdown, and nothing else: every HTTP rule
//! (parsing, framing, keep-alive, 100-continue, error answers, deadlines) is the engine's.
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

mod body;
mod client;
mod error;
mod io;
mod server;
pub mod upgrade;

pub use body::Incoming;
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
    /// Most connections served at once; at the limit the server stops accepting, and further
    /// clients wait in the listen backlog (none is refused). Default 1024.
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
            max_connections: 1024,
            shutdown_timeout: Duration::from_secs(10),
            write_timeout: Duration::from_secs(30),
        }
    }
}
