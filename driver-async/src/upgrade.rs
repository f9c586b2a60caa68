//! Taking over the connection after a protocol switch: a 101 (Switching Protocols) to an
//! Upgrade request, or a 2xx to CONNECT.

use crate::Error;
use bytes::Bytes;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use tokio::sync::oneshot;

/// The raw connection after a protocol switch, with the bytes the peer had already sent
/// after the switching message (they belong to the new protocol).
#[derive(Debug)]
pub struct Upgraded<S> {
    /// The socket.
    pub io: S,
    /// Bytes received after the switching message (a server's request with its body, a
    /// client's response), to be read before the socket's.
    pub leftover: Bytes,
}

/// The driver's half, kept in the request's extensions until the handler takes it.
#[derive(Debug)]
pub(crate) struct Pending<S>(Arc<Mutex<Option<oneshot::Receiver<Upgraded<S>>>>>);

impl<S> Clone for Pending<S> {
    fn clone(&self) -> Self {
        Self(self.0.clone())
    }
}

impl<S> Pending<S> {
    pub(crate) fn new() -> (oneshot::Sender<Upgraded<S>>, Self) {
        let (tx, rx) = oneshot::channel();
        (tx, Self(Arc::new(Mutex::new(Some(rx)))))
    }
}

/// Resolves to the [`Upgraded`] connection once the handler's switching response has been
/// written and the request has ended: what the handler left unread of its body is HTTP's,
/// and the engine discards it (RFC 9110 §7.8). Fails with [`Error::Closed`] if the response
/// did not switch protocols, or if that body could not be discarded: longer than the
/// engine's `max_discard`, or stalled past the body read timeout.
#[derive(Debug)]
pub struct OnUpgrade<S>(Option<oneshot::Receiver<Upgraded<S>>>);

impl<S> Future for OnUpgrade<S> {
    type Output = Result<Upgraded<S>, Error>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        match &mut self.0 {
            None => Poll::Ready(Err(Error::Closed)),
            Some(rx) => Pin::new(rx).poll(cx).map(|r| r.map_err(|_| Error::Closed)),
        }
    }
}

/// The upgrade of `req`'s connection: answer `req` with a 101 (or a 2xx to CONNECT), then
/// await this (in a task of its own: the connection is handed over after the handler
/// returned its response).
pub fn on<S: Send + 'static, B>(req: &mut http::Request<B>) -> OnUpgrade<S> {
    let rx = req
        .extensions_mut()
        .remove::<Pending<S>>()
        .and_then(|p| p.0.lock().ok().and_then(|mut g| g.take()));
    OnUpgrade(rx)
}
