//! A sans-IO HTTP/1.1 protocol engine.
//!
//! `http-core` is the protocol without the plumbing: it is fed the bytes a connection
//! receives (in any split, down to one byte at a time), the end of input and the time, and the
//! application's responses; it hands back events, bytes to transmit and the next deadline. It
//! does no I/O, reads no clock, spawns no thread and never blocks, so the same engine runs
//! under tokio, smol, blocking sockets, a fuzzer or a test with a fake clock.
//!
//! It is strict RFC 9112 by default and rejects every known request-smuggling vector (see
//! [`RemoteError`] for what is refused, and why). Each departure a real peer may need is a
//! named flag in [`Leniency`] that never changes where a message ends. Every limit is named in
//! [`Limits`] and enforced at the byte where it is crossed, whatever the split. No input makes
//! it panic.
//!
//! # The driver loop
//!
//! A server, driven by hand. A real driver reads from a socket where this feeds a literal, and
//! sleeps until [`Connection::poll_timeout`] where this passes a fixed time.
//!
//! ```
//! use bytes::Bytes;
//! use http_core::{Config, Connection, Event, Headers, Instant, Polled, ResponseHead};
//!
//! let mut conn = Connection::server(Config::default(), Instant::ZERO);
//! let mut wire = Vec::new();
//! conn.feed(Instant::ZERO, b"GET /hello HTTP/1.1\r\nHost: example.com\r\n\r\n");
//! loop {
//!     // 1. Drain events, acting on each.
//!     match conn.poll_event() {
//!         Ok(Polled::Event(Event::Request(req))) => {
//!             assert_eq!(&req.target[..], b"/hello");
//!             let mut res = ResponseHead::new(200);
//!             res.headers.append("Content-Length", "5");
//!             conn.send_response(res).unwrap();
//!             conn.send_data(Bytes::from_static(b"hello")).unwrap();
//!             conn.send_end(Headers::new()).unwrap();
//!         }
//!         // The peer closed: nothing more will come (polling again says so again).
//!         Ok(Polled::Event(Event::Closed)) => break,
//!         Ok(Polled::Event(_)) => continue,
//!         Ok(Polled::NeedData | Polled::Paused) => break,
//!         Err(_) => {
//!             conn.send_error_response().unwrap();
//!             break;
//!         }
//!     }
//! }
//! // 2. Write out what is queued, in order (a driver uses vectored writes).
//! while let Some(piece) = conn.poll_transmit() {
//!     wire.extend_from_slice(&piece);
//! }
//! // 3. Close if the engine says so; 4. otherwise wait for bytes or the deadline.
//! assert!(!conn.should_close());
//! assert!(conn.poll_timeout().is_some());
//! assert_eq!(wire, b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello");
//! ```
//!
//! # Time
//!
//! Two clocks come in from the driver, never read here: an [`Instant`] with every input, for
//! the deadlines; and the wall-clock second through [`Connection::set_date`], which a server
//! writes as the `Date` of its final responses (RFC 9110 §6.6.1; [`HttpDate`] writes and
//! reads the field's forms). A server never told the date sends none, as above.

#![no_std]
#![forbid(unsafe_code)]
#![deny(missing_docs)]
#![cfg_attr(docsrs, feature(doc_cfg))]

extern crate alloc;
#[cfg(feature = "std")]
extern crate std;

mod connection;
#[cfg(feature = "http")]
mod convert;
mod date;
mod error;
mod event;
mod framing;
mod headers;
mod limits;
mod parse;
mod recv;
mod serialize;
mod state;
mod timer;

pub use connection::Connection;
#[cfg(feature = "http")]
pub use convert::{ConvertError, reusable_map};
pub use date::HttpDate;
pub use error::{LocalError, RemoteError};
pub use event::{Event, Polled, RequestHead, ResponseHead, Version, reason_phrase};
pub use headers::{Headers, Iter};
pub use limits::{Config, Leniency, Limits, Timeouts};
pub use state::{HalfState, Role};
pub use timer::{Deadline, Instant, TimerKind};

pub use bytes::Bytes;

#[cfg(fuzzing)]
#[doc(hidden)]
pub mod fuzzing;
