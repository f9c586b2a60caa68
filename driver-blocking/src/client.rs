//! The client: one connection, requests sent one after another, reused while the engine
//! allows it.

use crate::body::{Body, Incoming};
use crate::conn::{BodyPart, Conn, Shared, lock};
use crate::{Config, Error};
use bytes::Bytes;
use http_core::{Connection, Event, HalfState, Headers, Polled, RequestHead};
use std::net::{TcpStream, ToSocketAddrs};
use std::sync::{Arc, Mutex};

/// Bytes read from a body's reader at a time.
const PIECE: usize = 64 * 1024;

/// An HTTP/1.1 client on one connection.
#[derive(Debug)]
pub struct Client {
    conn: Shared,
}

impl Client {
    /// Connects to `addr`.
    pub fn connect(addr: impl ToSocketAddrs, config: Config) -> std::io::Result<Self> {
        let stream = TcpStream::connect(addr)?;
        let conn = Conn::new(
            stream,
            &config,
            |now| Connection::client(config.engine, now),
            None,
        );
        Ok(Self {
            conn: Arc::new(Mutex::new(conn)),
        })
    }

    /// Whether the next [`send`](Self::send) may go out on this connection: both sides keep
    /// it, and the previous response was read to its end (or can be, with what is left).
    #[must_use]
    pub fn is_reusable(&self) -> bool {
        let c = lock(&self.conn);
        c.engine.is_reusable()
            || (c.engine.keep_alive() && c.engine.their_state() == HalfState::SendBody)
    }

    /// Sends `req` and reads the response's head; its body is read as the caller reads it. A
    /// request without a Host field gets one from its URI's authority. What is left of the
    /// previous response's body is read and dropped first.
    pub fn send(&mut self, req: http::Request<Body>) -> Result<http::Response<Incoming>, Error> {
        let mut c = lock(&self.conn);
        while c.engine.their_state() == HalfState::SendBody {
            if let BodyPart::End(_) = c.next_body()? {
                break;
            }
        }
        if !c.engine.is_reusable() {
            return Err(Error::Closed);
        }
        let (mut parts, mut body) = req.into_parts();
        if !parts.headers.contains_key(http::header::HOST)
            && let Some(authority) = parts.uri.authority()
            && let Ok(host) = http::HeaderValue::from_str(authority.as_str())
        {
            parts.headers.insert(http::header::HOST, host);
        }
        let mut head = RequestHead::from_http(&parts)?;
        if let Some(pq) = parts.uri.path_and_query() {
            // The origin-form target: a client sends the path, not the whole URI.
            head.target = Bytes::copy_from_slice(pq.as_str().as_bytes());
        }
        c.engine.send_request(head)?;
        while let Some(piece) = body.next_piece(PIECE).map_err(|e| Error::Body(e.into()))? {
            c.engine.send_data(piece)?;
            c.flush()?;
        }
        c.engine.send_end(Headers::from_http(body.trailers()))?;
        c.flush()?;
        // The response head; interim responses pass by.
        let head = loop {
            match c.engine.poll_event() {
                Ok(Polled::Event(Event::Response(r)))
                    if !r.is_informational() || r.status == 101 =>
                {
                    break r;
                }
                Ok(Polled::Event(Event::Closed)) => return Err(Error::Closed),
                Ok(Polled::Event(_)) => {}
                Ok(Polled::NeedData | Polled::Paused) => {
                    c.flush()?;
                    c.wait()?;
                }
                Err(e) => return Err(e.into()),
            }
        };
        drop(c);
        Ok(head.into_http(Incoming::new(self.conn.clone()))?)
    }
}
