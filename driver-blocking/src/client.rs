//! The client: one connection, requests sent one after another, reused while the engine
//! allows it.

use crate::body::{Body, Incoming};
use crate::conn::{Conn, Shared, lock};
use crate::upgrade::Upgraded;
use crate::{Config, Error};
use http_core::{Connection, Event, HalfState, Headers, Polled, RequestHead, ResponseHead};
use std::io;
use std::net::{TcpStream, ToSocketAddrs};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// An HTTP/1.1 client on one connection.
#[derive(Debug)]
pub struct Client {
    conn: Shared,
    /// The connection was given up: a body too large to drop was left unread, or it was
    /// taken for a new protocol.
    given_up: bool,
}

impl Client {
    /// Connects to `addr` (its addresses in turn, within `config.connect_timeout` in all).
    pub fn connect(addr: impl ToSocketAddrs, config: Config) -> io::Result<Self> {
        let stream = connect_within(addr, config.connect_timeout)?;
        let conn = Conn::new(
            stream,
            &config,
            |now| Connection::client(config.engine, now),
            None,
            None,
        );
        Ok(Self {
            conn: Arc::new(Mutex::new(conn)),
            given_up: false,
        })
    }

    /// Whether the next [`send`](Self::send) can go out on this connection: the previous
    /// response was read to its end, both sides keep the connection, and the server has
    /// neither closed it nor sent anything since.
    #[must_use]
    pub fn is_reusable(&mut self) -> bool {
        let c = lock(&self.conn);
        !self.given_up && c.engine.is_idle() && !c.peer_spoke()
    }

    /// Sends `req` and reads the response's head (interim responses pass by); its body is
    /// read as the caller reads it. What is left of the previous response's body is read and
    /// dropped first, if it is at most the engine's `max_discard` bytes (a reader still
    /// holding it then gets an error); a connection that cannot carry another request fails
    /// with [`Error::Closed`].
    ///
    /// A request without a Host field gets one from its URI's authority, and its target is
    /// the URI's path and query. A streamed body is written as it is read; with
    /// `Expect: 100-continue` it waits for the 100 (or the engine's
    /// [`continue_wait`](http_core::Timeouts)), and a final response that comes first ends
    /// the exchange without it. While the body goes, what the server sends is watched for
    /// (RFC 9112 §9.5): a response that says it does not want the body and closes (an error
    /// status with `Connection: close`, a 413 say) stops the body at once and is returned; any
    /// other final response is returned once the body has gone. When a write of the request
    /// fails (the server stopped reading, or closed), a response the server sent before is
    /// still read and returned, the connection then closing after it; the write's error is
    /// returned only when none comes within the engine's
    /// [`response_wait`](http_core::Timeouts).
    pub fn send<B: Into<Body>>(
        &mut self,
        req: http::Request<B>,
    ) -> Result<http::Response<Incoming>, Error> {
        let (parts, body) = req.into_parts();
        let head = RequestHead::to_origin_server(&parts)?;
        let body: Body = body.into();
        {
            if self.given_up {
                return Err(Error::Closed);
            }
            let mut c = lock(&self.conn);
            // The connection may have waited long since the engine last heard the time: the
            // waits from here (for the rest of a body to drop, for a 100, for the response)
            // count from now.
            let now = c.now();
            c.engine.set_now(now);
            // The rest of the previous response's body is the engine's to drop, within its
            // `max_discard`; one too long to drop stays its reader's.
            // A body whose end is here already (its reader had all of it) ends as any
            // other: its reader sees its end, nothing of it dropped. (A piece that comes
            // instead stays its reader's, unless the rest is dropped below.)
            if c.is_reading() && c.engine.their_state() == HalfState::SendBody {
                match c.poll() {
                    Ok(Polled::Event(Event::End(trailers))) => c.hand_end(trailers),
                    Ok(Polled::Event(Event::Data(piece))) => c.hold(piece),
                    // (A faulty rest failed the engine: the connection is not idle, below.)
                    _ => {}
                }
            }
            if c.is_reading() && c.engine.their_state() == HalfState::SendBody {
                if !c.engine.discard_body() {
                    self.given_up = true;
                    return Err(Error::Closed);
                }
                // Its reader fails from now on, rather than read on with a piece missing.
                c.end_exchange();
                while c.engine.is_discarding() {
                    match c.poll() {
                        Ok(Polled::NeedData) if c.engine.is_discarding() => {
                            c.flush()?;
                            c.wait()?;
                        }
                        Ok(_) => {}
                        // Bytes after the body answer no request, or the body was faulty:
                        // the engine failed, and the connection is not kept (below).
                        Err(_) => break,
                    }
                }
                // Longer than it was allowed, or faulty: the connection is not kept.
                if !c.engine.keep_alive() {
                    self.given_up = true;
                    return Err(Error::Closed);
                }
            }
            // Bytes the server sent while the connection was idle (or its close) would be
            // taken for this request's response: such a connection is not reused.
            if !c.engine.is_idle() || c.peer_spoke() {
                return Err(Error::Closed);
            }
            // A body that knows its length is framed by it (Content-Length, the head sent at
            // once, everything checked before anything is queued), unless it ends with
            // trailers the request can carry; a streamed one goes chunked.
            match body.framing_len(head.can_carry_trailers()) {
                Some(len) => c.engine.send_request_sized(head, len)?,
                None => c.engine.send_request(head)?,
            }
        }
        // A final response that came before the body was needed, or while it went (see
        // `Conn::write_body`), is the outcome of the request, whatever becomes of the rest of
        // the body.
        let mut early = None;
        let sent = self.send_body(body, &mut early);
        let mut c = lock(&self.conn);
        let head = match (sent, early) {
            (Ok(()), Some(early)) => early,
            (Ok(()), None) => response_head(&mut c)?,
            // The server stopped reading, maybe after it answered (a 413, say): the answer
            // tells more than the failed write (RFC 9112 §9.5). The engine drops the rest of
            // the request (the connection is not reused) and bounds the wait for a response
            // still to come by its `response_wait`; only when none comes is the write's error
            // returned.
            (Err(e), early) if e.is_socket() => {
                let now = c.now();
                c.engine.set_now(now);
                c.engine.send_failed();
                match early {
                    Some(early) => early,
                    None => response_head(&mut c).map_err(|_| e)?,
                }
            }
            // The request cannot be finished (its body failed, or broke its own framing): the
            // connection closes at once, rather than leave the server waiting for the rest.
            (Err(e), _) => {
                self.given_up = true;
                c.abort();
                return Err(e);
            }
        };
        drop(c);
        Ok(head.into_http(Incoming::response(self.conn.clone()))?)
    }

    /// The connection, for the new protocol, after a response that switched to it (a 101 to
    /// a request with `Upgrade`, or a 2xx to CONNECT): the socket (blocking, without
    /// timeouts), and the bytes the server sent after that response, which come before the
    /// socket's. The client has no connection afterwards. Fails with [`Error::Closed`] if the
    /// last response did not switch protocols.
    pub fn upgrade(&mut self) -> Result<Upgraded, Error> {
        if self.given_up {
            return Err(Error::Closed);
        }
        let mut c = lock(&self.conn);
        c.flush()?;
        let leftover = c.engine.take_leftover().ok_or(Error::Closed)?;
        let io = c.hand_over()?;
        self.given_up = true;
        Ok(Upgraded { io, leftover })
    }

    /// Sends the request body (the connection is not locked while the body's reader runs),
    /// keeping in `early` a final response that came before the body was needed, or while
    /// it went; the body then stops if the server refused it.
    fn send_body(&self, mut body: Body, early: &mut Option<ResponseHead>) -> Result<(), Error> {
        let streamed = body.is_streamed();
        loop {
            {
                let mut c = lock(&self.conn);
                if let Some(head) = await_continue(&mut c)? {
                    *early = Some(head);
                    return Ok(());
                }
                if streamed {
                    c.write_body(early)?;
                }
                // The server does not want the rest: none of it is taken, and the request
                // ends with nothing more written.
                if c.engine.body_refused() {
                    c.engine.send_end(Headers::new())?;
                    return Ok(());
                }
            }
            let piece = body.next_piece().map_err(|e| Error::Body(e.into()))?;
            let mut c = lock(&self.conn);
            match piece {
                Some(piece) => c.engine.send_data(piece)?,
                None => {
                    // The body may have taken long to write: the wait for the response
                    // counts from its end, once it is written.
                    c.write_body(early)?;
                    let now = c.now();
                    c.engine.set_now(now);
                    // (Nothing is written of a refused body's trailers.)
                    c.engine
                        .send_end(Headers::from_http(&body.take_trailers()))?;
                    c.flush()?;
                    return Ok(());
                }
            }
        }
    }
}

/// A connection to the first of `addr`'s addresses that accepts one, all tried within
/// `timeout`.
fn connect_within(addr: impl ToSocketAddrs, timeout: Duration) -> io::Result<TcpStream> {
    let deadline = Instant::now() + timeout;
    let mut last = None;
    for a in addr.to_socket_addrs()? {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            break;
        }
        match TcpStream::connect_timeout(&a, left) {
            Ok(stream) => return Ok(stream),
            Err(e) => last = Some(e),
        }
    }
    Err(last.unwrap_or_else(|| {
        io::Error::new(io::ErrorKind::TimedOut, "no address to connect to in time")
    }))
}

/// While the engine holds the request body for a 100 (Continue): waits for the 100, for the
/// end of that wait, or for a final response, which it returns (the engine then drops the
/// body).
fn await_continue(c: &mut Conn) -> Result<Option<ResponseHead>, Error> {
    while c.engine.holds_body() {
        if let Some(head) = step_to_response(c)? {
            return Ok(Some(head));
        }
    }
    Ok(None)
}

/// Reads until the final response head (interim ones pass by).
fn response_head(c: &mut Conn) -> Result<ResponseHead, Error> {
    loop {
        if let Some(head) = step_to_response(c)? {
            return Ok(head);
        }
    }
}

/// One step towards the final response head: an event, or a wait for bytes or a deadline.
fn step_to_response(c: &mut Conn) -> Result<Option<ResponseHead>, Error> {
    match c.poll()? {
        // An interim response leaves the server's half where it was.
        Polled::Event(Event::Response(head))
            if c.engine.their_state() != HalfState::SendResponse =>
        {
            return Ok(Some(head));
        }
        Polled::Event(Event::Closed) => return Err(Error::Closed),
        Polled::Event(_) => {}
        Polled::NeedData | Polled::Paused => {
            c.flush()?;
            // The server will say nothing more: nor a response.
            if c.engine.should_close() {
                return Err(Error::Closed);
            }
            c.wait()?;
        }
    }
    Ok(None)
}
