//! The client: one connection, requests sent one after another, reused while the engine
//! allows it.

use crate::body::Incoming;
use crate::io::{Ahead, Io};
use crate::upgrade::Upgraded;
use crate::{BoxError, Config, Error, Runtime, SendFile};
use bytes::Bytes;
use http_body::Body;
use http_core::{Connection, Event, HalfState, Headers, Polled, RequestHead};
use std::future::pending;
use std::pin::pin;
use tokio::sync::oneshot;

/// The connection and its socket, between exchanges.
#[derive(Debug)]
struct Idle<R: Runtime> {
    io: Io<R>,
    conn: Connection,
}

/// Where the connection is: here, or reading a response body for its reader.
#[derive(Debug)]
enum State<R: Runtime> {
    Ready(Box<Idle<R>>),
    /// A task streams the previous response's body and gives the connection back at its end
    /// (`back`), reusable or not (`None`); told on `take`, it drops the rest of the body
    /// instead.
    Busy {
        back: oneshot::Receiver<Option<Box<Idle<R>>>>,
        take: oneshot::Sender<()>,
    },
    /// The last response switched protocols: the connection waits to be taken
    /// ([`Client::upgrade`]).
    Switched(Box<Idle<R>>),
    Gone,
}

/// An HTTP/1.1 client on one connection of runtime `R`.
#[derive(Debug)]
pub struct Client<R: Runtime> {
    state: State<R>,
}

impl<R: Runtime> Client<R> {
    /// A client on a connected socket.
    pub fn new(stream: R::Stream, config: &Config) -> Self {
        let io = Io::new(stream, config);
        let conn = Connection::client(config.engine, io.now());
        Self {
            state: State::Ready(Box::new(Idle { io, conn })),
        }
    }

    /// Whether the next [`send`](Self::send) may go out on this connection: the previous
    /// response was read to its end, both sides keep the connection, and the server has
    /// neither closed it nor sent anything since (as far as the runtime can look: see
    /// [`Runtime::peer_spoke`](crate::Runtime::peer_spoke); `send` looks again).
    #[must_use]
    pub fn is_reusable(&mut self) -> bool {
        // A body read to its end gave the connection back: it is looked at as any idle one
        // (the server may have closed it since).
        if let State::Busy { back, .. } = &mut self.state {
            self.state = match back.try_recv() {
                Ok(Some(idle)) => State::Ready(idle),
                Ok(None) | Err(oneshot::error::TryRecvError::Closed) => State::Gone,
                Err(oneshot::error::TryRecvError::Empty) => return false,
            };
        }
        match &self.state {
            State::Ready(idle) => idle.conn.is_idle() && !idle.io.peer_spoke(),
            State::Busy { .. } | State::Switched(_) | State::Gone => false,
        }
    }

    /// Sends `req` and reads the response's head; its body streams as the caller reads it. A
    /// request without a Host field gets one from its URI's authority. What is left of the
    /// previous response's body is read and dropped first, if it is at most the engine's
    /// `max_discard` bytes (a reader still holding it then gets an error); a connection that
    /// cannot carry another request fails with [`Error::Closed`].
    ///
    /// While the body goes, what the server sends is watched for (RFC 9112 §9.5): a response
    /// that says it does not want the body and closes (an error status with `Connection:
    /// close`, a 413 say) stops the body at once and is returned; any other final response
    /// is returned once the body has gone. When a write of the request fails (the server
    /// stopped reading, or closed), a response the server sent before is still read and
    /// returned, the connection then closing after it; the write's error is returned only
    /// when none comes within the engine's [`response_wait`](http_core::Timeouts).
    ///
    /// A body that knows its exact length (`size_hint`) goes with `Content-Length`, unless
    /// it ends with trailers it has ready at once (and the request does not wait for a 100
    /// (Continue)): then chunked, the one framing that carries them. Trailers such a body
    /// yields later are dropped: a body whose trailers come as it goes reports no exact
    /// length.
    pub async fn send<B>(
        &mut self,
        req: http::Request<B>,
    ) -> Result<http::Response<Incoming>, Error>
    where
        B: Body<Data = Bytes>,
        B::Error: Into<BoxError>,
    {
        // A request that cannot be sent leaves the connection as it was.
        let (mut parts, body) = req.into_parts();
        // A file in the extensions is the body, sent from the file (see `SendFile`).
        let file = parts.extensions.remove::<SendFile>();
        let head = RequestHead::to_origin_server(&parts)?;
        let mut idle = match std::mem::replace(&mut self.state, State::Gone) {
            State::Ready(idle) => idle,
            State::Busy { back, take, .. } => {
                let _ = take.send(());
                back.await.ok().flatten().ok_or(Error::Closed)?
            }
            // A switched connection stays, to be taken.
            other => {
                self.state = other;
                return Err(Error::Closed);
            }
        };
        // Bytes the server sent while the connection was idle (or its close) would be taken
        // for this request's response: such a connection is not reused.
        if !idle.conn.is_idle() || idle.io.peer_spoke() {
            return Err(Error::Closed);
        }
        let Idle { io, conn } = &mut *idle;
        // The connection may have waited long since the engine last heard the time: the
        // waits this request starts (for a 100, for the response) count from now.
        conn.set_now(io.now());
        let mut body = pin!(body);
        let exact = body.size_hint().exact();
        // What a body of known length has ready before its head goes, where the request
        // could carry trailers and does not wait for a 100 (Continue) (nothing of the body is
        // taken from the application before it): one that ends with trailers is chunked, the
        // one framing that carries them (RFC 9112 §7.1.2), whatever length it knows. (A
        // request that cannot chunk keeps the length, and its trailers are dropped.)
        let ahead = match (&file, exact) {
            (None, Some(_)) if head.can_carry_trailers() && !head.expects_continue() => {
                Ahead::of(body.as_mut())
            }
            _ => Ahead::default(),
        };
        // A body that knows its length is framed by it (Content-Length, the head sent at
        // once, everything checked before anything is queued); any other goes chunked; a file
        // by its range's alone.
        let started = match (&file, exact) {
            (Some(f), _) => conn.send_request_direct(head, f.len()),
            (None, Some(len)) if !ahead.trailers() => conn.send_request_sized(head, len),
            (None, _) => conn.send_request(head),
        };
        if let Err(e) = started {
            // Refused before anything was queued: the connection stays as it was.
            self.state = State::Ready(idle);
            return Err(e.into());
        }
        // The body goes when the engine lets it go: at once, or, when the request expects a
        // 100 (Continue), once it came or the wait for it is over; nothing of it is taken
        // from the application meanwhile. What was taken ahead goes first.
        let mut waiting = Some(match file {
            Some(f) => Outgoing::File(f),
            None => Outgoing::Body(body, ahead),
        });

        // A write of the request that failed: the server stopped reading, maybe after it
        // answered (a 413, say). The answer tells more than the failed write (RFC 9112 §9.5):
        // the engine drops the rest of the request and bounds the wait for the response by
        // its `response_wait`; only when no response comes is the write's error returned.
        let mut failed = None;
        // The response head; interim responses pass by.
        let head = loop {
            if let Some(out) = waiting.take_if(|_| !conn.holds_body()) {
                // A final response that came while the body went (and stopped it, if it said
                // the server does not want it) is the outcome of the request, whatever
                // becomes of the rest of the body.
                let mut early = None;
                let sent = match out {
                    Outgoing::Body(b, ahead) => io.send_body(conn, b, ahead, &mut early).await,
                    Outgoing::File(f) => io.send_file(conn, &f, Some(&mut early)).await,
                };
                match sent {
                    Ok(()) => {}
                    Err(e) if e.is_socket() => {
                        conn.set_now(io.now());
                        conn.send_failed();
                        failed = Some(e);
                    }
                    Err(e) => return Err(e),
                }
                if let Some(early) = early {
                    break early;
                }
            }
            let step = match conn.poll_event() {
                // A final response (or a switch): an interim one leaves the server's half
                // where it was.
                Ok(Polled::Event(Event::Response(r)))
                    if conn.their_state() != HalfState::SendResponse =>
                {
                    break r;
                }
                Ok(Polled::Event(Event::Closed)) => Err(Error::Closed),
                Ok(Polled::Event(_)) => Ok(()),
                Ok(Polled::NeedData | Polled::Paused) => match io.flush(conn).await {
                    // The server will say nothing more: nor a response.
                    Ok(()) if conn.should_close() => Err(Error::Closed),
                    Ok(()) => io.wait(conn, pending()).await.map(drop),
                    // The last of the request failed to go: as above.
                    Err(e) if e.is_socket() && failed.is_none() => {
                        conn.set_now(io.now());
                        conn.send_failed();
                        failed = Some(e);
                        Ok(())
                    }
                    Err(e) => Err(e),
                },
                Err(e) => Err(e.into()),
            };
            if let Err(e) = step {
                return Err(failed.unwrap_or(e));
            }
        };
        // A final response came while the body waited: none of it is sent, and the request
        // ends there (the connection is not reused).
        if waiting.is_some() {
            conn.send_end(Headers::new())?;
        }
        // After a switch (101, or 2xx to CONNECT) nothing more is HTTP: the response has no
        // content (RFC 9110 §15.2, §9.3.6), and the connection carries no other request; it
        // waits to be taken for the new protocol.
        if conn.their_state() == HalfState::SwitchedProtocol {
            let response = head.into_http(Incoming::empty())?;
            self.state = State::Switched(idle);
            return Ok(response);
        }
        let (tx, body) = Incoming::response_channel(conn.body_remaining());
        let response = head.into_http(body)?;
        let (back, rx) = oneshot::channel();
        let (take, taken) = oneshot::channel();
        self.state = State::Busy { back: rx, take };
        R::spawn(async move {
            let Idle { io, conn } = &mut *idle;
            let mut back = Some(back);
            // A body too large to drop stays its reader's: the next request gets no
            // connection at once.
            let refuse = || {
                if let Some(back) = back.take() {
                    let _ = back.send(None);
                }
            };
            let whole = io.pump_body(conn, &tx, taken, refuse).await;
            // The connection comes back only if the body was read to its end, its buffer
            // lent meanwhile to the thread's other connections. Said before the body's
            // reader sees its end (when `tx` goes).
            let whole = whole && conn.is_idle();
            if whole {
                io.park_buffer(conn);
            }
            if let Some(back) = back {
                let _ = back.send(whole.then_some(idle));
            }
            drop(tx);
        });
        Ok(response)
    }
}

impl<R: Runtime> Client<R> {
    /// The connection, for the new protocol, after a response that switched to it (a 101 to
    /// a request with `Upgrade`, or a 2xx to CONNECT): the socket, and the bytes the server
    /// sent after that response, which come before the socket's. The client has no
    /// connection afterwards. Fails with [`Error::Closed`] if the last response did not
    /// switch protocols.
    pub async fn upgrade(&mut self) -> Result<Upgraded<R::Stream>, Error> {
        if !matches!(self.state, State::Switched(_)) {
            return Err(Error::Closed);
        }
        let State::Switched(mut idle) = std::mem::replace(&mut self.state, State::Gone) else {
            return Err(Error::Closed);
        };
        let Idle { io, conn } = &mut *idle;
        io.flush(conn).await?;
        let leftover = conn.take_leftover().ok_or(Error::Closed)?;
        Ok(Upgraded {
            io: idle.io.stream,
            leftover,
        })
    }
}

/// A request body waiting to go.
enum Outgoing<B: Body> {
    /// The body, and what it had ready before its head went.
    Body(B, Ahead<B::Error>),
    File(SendFile),
}
