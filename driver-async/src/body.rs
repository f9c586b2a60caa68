//! The body of a received message, streamed from the connection as the handler reads it.

use crate::Error;
use bytes::Bytes;
use http_body::{Body, Frame, SizeHint};
use std::pin::Pin;
use std::task::{Context, Poll};
use tokio::sync::{mpsc, oneshot};

/// How many frames may wait between the connection and the reader: the back-pressure bound.
/// A client's response body has room for one more, which its connection keeps free for the
/// error that tells a reader the rest of its body was taken (see `Io::pump_body`).
pub(crate) const QUEUE: usize = 4;

pub(crate) type Sender = mpsc::Sender<Result<Frame<Bytes>, Error>>;

/// A received body: its data frames as the engine hands them (the same `Bytes`, never
/// copied), then one trailers frame if the message had trailers. The connection reads the
/// socket only while the reader keeps up (a few frames are queued at most).
#[derive(Debug)]
pub struct Incoming {
    rx: Option<mpsc::Receiver<Result<Frame<Bytes>, Error>>>,
    /// The bytes still to come, when the message said how many (`Content-Length`).
    remaining: Option<u64>,
    /// Told when the body is first read: a server then sends 100 (Continue).
    wanted: Option<oneshot::Sender<()>>,
}

impl Incoming {
    /// A body that is already over.
    #[must_use]
    pub fn empty() -> Self {
        Self {
            rx: None,
            remaining: None,
            wanted: None,
        }
    }

    /// A request body fed through a channel, of `remaining` bytes if that is known; `wanted`
    /// fires on the first read.
    pub(crate) fn channel(
        wanted: Option<oneshot::Sender<()>>,
        remaining: Option<u64>,
    ) -> (Sender, Self) {
        Self::with_room(QUEUE, wanted, remaining)
    }

    /// A response body fed through a channel (a client's), with room for the error kept free.
    pub(crate) fn response_channel(remaining: Option<u64>) -> (Sender, Self) {
        Self::with_room(QUEUE + 1, None, remaining)
    }

    fn with_room(
        room: usize,
        wanted: Option<oneshot::Sender<()>>,
        remaining: Option<u64>,
    ) -> (Sender, Self) {
        let (tx, rx) = mpsc::channel(room);
        (
            tx,
            Self {
                rx: Some(rx),
                remaining,
                wanted,
            },
        )
    }
}

impl Body for Incoming {
    type Data = Bytes;
    type Error = Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Error>>> {
        if let Some(w) = self.wanted.take() {
            let _ = w.send(());
        }
        let Some(rx) = &mut self.rx else {
            return Poll::Ready(None);
        };
        let polled = rx.poll_recv(cx);
        match &polled {
            // Without a channel the body is over, whatever `remaining` says.
            Poll::Ready(None) => self.rx = None,
            Poll::Ready(Some(Ok(frame))) => {
                if let (Some(left), Some(data)) = (&mut self.remaining, frame.data_ref()) {
                    *left = left.saturating_sub(data.len() as u64);
                }
            }
            _ => {}
        }
        polled
    }

    fn is_end_stream(&self) -> bool {
        self.rx.is_none()
    }

    fn size_hint(&self) -> SizeHint {
        match (&self.rx, self.remaining) {
            (None, _) => SizeHint::with_exact(0),
            (Some(_), Some(n)) => SizeHint::with_exact(n),
            (Some(_), None) => SizeHint::default(),
        }
    }
}
