//! Taking over the connection after a protocol switch: a 101 (Switching Protocols) to an
//! Upgrade request, or a 2xx to CONNECT.
//!
//! The handler runs on the connection's thread and the switch happens after it returned its
//! response, so the upgraded connection is served elsewhere: take [`on`] in the handler, give
//! the [`OnUpgrade`] to a thread of yours, and return the switching response.
//!
//! ```no_run
//! use driver_blocking::{Body, BoxError, Incoming, upgrade};
//! use std::io::Write;
//!
//! fn handler(mut req: http::Request<Incoming>) -> Result<http::Response<Body>, BoxError> {
//!     let on = upgrade::on(&mut req);
//!     std::thread::spawn(move || {
//!         if let Ok(mut up) = on.wait() {
//!             let _ = up.io.write_all(b"hello in the new protocol");
//!         }
//!     });
//!     Ok(http::Response::builder()
//!         .status(101)
//!         .header("Connection", "upgrade")
//!         .header("Upgrade", "example")
//!         .body(Body::empty())?)
//! }
//! ```

use crate::Error;
use bytes::Bytes;
use std::net::TcpStream;
use std::sync::mpsc;
use std::sync::{Arc, Mutex};

/// The raw connection after a protocol switch, with the bytes the peer had already sent
/// after the switching message (a server's request, a client's response).
#[derive(Debug)]
pub struct Upgraded {
    /// The socket: blocking, without timeouts.
    pub io: TcpStream,
    /// Bytes received after the switching message (a server's request with its body, a
    /// client's response), to be read before the socket's.
    pub leftover: Bytes,
}

/// The driver's half, kept in the request's extensions until the handler takes it.
#[derive(Clone, Debug)]
pub(crate) struct Pending(Arc<Mutex<Option<mpsc::Receiver<Upgraded>>>>);

impl Pending {
    pub(crate) fn new() -> (mpsc::SyncSender<Upgraded>, Self) {
        let (tx, rx) = mpsc::sync_channel(1);
        (tx, Self(Arc::new(Mutex::new(Some(rx)))))
    }
}

/// The upgrade to come: [`wait`](Self::wait) for it on another thread than the handler's.
#[derive(Debug)]
pub struct OnUpgrade(Option<mpsc::Receiver<Upgraded>>);

impl OnUpgrade {
    /// Blocks until the switching response has been written and the request has ended, then
    /// returns the connection: what the handler left unread of the request's body is HTTP's,
    /// and the engine discards it (RFC 9110 §7.8). Fails with [`Error::Closed`] if the
    /// response did not switch protocols, if that body could not be discarded (longer than
    /// the engine's `max_discard`, or stalled past the body read timeout), or if the request
    /// came from elsewhere than this driver's server.
    pub fn wait(self) -> Result<Upgraded, Error> {
        self.0
            .ok_or(Error::Closed)?
            .recv()
            .map_err(|_| Error::Closed)
    }
}

/// The upgrade of `req`'s connection: answer `req` with a 101 (or a 2xx to CONNECT) and
/// [`OnUpgrade::wait`] elsewhere. Taken once; a second call gets an upgrade that never comes.
pub fn on<B>(req: &mut http::Request<B>) -> OnUpgrade {
    let rx = req
        .extensions_mut()
        .remove::<Pending>()
        .and_then(|p| p.0.lock().ok().and_then(|mut g| g.take()));
    OnUpgrade(rx)
}
