//! Helpers shared by the workspace tests: a scripted server application, and the one helper
//! that runs a transcript through a server connection in every split.
//!
//! [`serve_all_ways`] feeds the same input whole, one byte at a time, split in two at every
//! offset (for inputs up to 2 KiB) and followed by a further valid request, and asserts that
//! every way gives the same events, error and response bytes. The last check is the
//! request-smuggling check: where a message ends must not depend on the bytes after it.

use bytes::Bytes;
use http_core::{Config, Connection, Event, Headers, Instant, Polled, RemoteError, ResponseHead};

pub mod properties;

/// What a server connection did with an input.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Transcript {
    /// The events, with adjacent body pieces merged (their split depends on the input's).
    pub events: Vec<Event>,
    /// The peer's error, if one came.
    pub error: Option<RemoteError>,
    /// Every byte the server queued for the client.
    pub wire: Vec<u8>,
}

impl std::fmt::Debug for Transcript {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Transcript")
            .field("events", &self.events)
            .field("error", &self.error)
            .field("wire", &String::from_utf8_lossy(&self.wire))
            .finish()
    }
}

impl Transcript {
    /// The request heads received.
    pub fn requests(&self) -> Vec<&http_core::RequestHead> {
        self.events
            .iter()
            .filter_map(|e| match e {
                Event::Request(r) => Some(r),
                _ => None,
            })
            .collect()
    }

    /// The body of the `n`th request (all its data events joined).
    pub fn body(&self, n: usize) -> Vec<u8> {
        let mut seen = 0;
        let mut body = Vec::new();
        for e in &self.events {
            match e {
                Event::Request(_) => seen += 1,
                Event::Data(d) if seen == n + 1 => body.extend_from_slice(d),
                _ => {}
            }
        }
        body
    }

    /// The status code the server answered with first, if any.
    pub fn first_status(&self) -> Option<u16> {
        let w = self.wire.strip_prefix(b"HTTP/1.1 ")?;
        std::str::from_utf8(w.get(..3)?).ok()?.parse().ok()
    }

    fn record(&mut self, e: Event) {
        if let (Event::Data(new), Some(Event::Data(last))) = (&e, self.events.last_mut()) {
            let mut joined = last.to_vec();
            joined.extend_from_slice(new);
            *last = Bytes::from(joined);
            return;
        }
        self.events.push(e);
    }
}

/// The scripted application: it accepts every 100-continue, answers each request once its
/// body has been read with `200` and the body `ok`, and answers an error with the status the
/// engine suggests.
pub fn drain(conn: &mut Connection, t: &mut Transcript) {
    loop {
        match conn.poll_event() {
            Ok(Polled::Event(Event::Closed)) => {
                // Terminal: every later poll says the same.
                if t.events.last() != Some(&Event::Closed) {
                    t.record(Event::Closed);
                }
                break;
            }
            Ok(Polled::Event(e)) => {
                let end = matches!(e, Event::End(_));
                if matches!(e, Event::Request(_)) && conn.expects_continue() {
                    conn.send_continue().expect("send 100");
                }
                t.record(e);
                if end {
                    let mut res = ResponseHead::new(200);
                    res.headers.append("Content-Length", "2");
                    conn.send_response(res).expect("send response");
                    conn.send_data(Bytes::from_static(b"ok")).expect("send data");
                    conn.send_end(Headers::new()).expect("send end");
                }
            }
            Ok(Polled::NeedData | Polled::Paused) => break,
            Err(e) => {
                if t.error.is_none() {
                    t.error = Some(e);
                    conn.send_error_response().expect("send error response");
                }
                break;
            }
        }
    }
    while let Some(piece) = conn.poll_transmit() {
        t.wire.extend_from_slice(&piece);
    }
}

/// Feeds `pieces` one after another to a new server connection, then the end of input.
pub fn serve(pieces: &[&[u8]], cfg: Config) -> Transcript {
    let mut conn = Connection::server(cfg, Instant::ZERO);
    let mut t = Transcript::default();
    for piece in pieces {
        conn.feed(Instant::ZERO, piece);
        drain(&mut conn, &mut t);
    }
    conn.feed_eof();
    drain(&mut conn, &mut t);
    t
}

/// A complete, valid request appended for the trailing-bytes check.
pub const NEXT_REQUEST: &[u8] = b"GET /next HTTP/1.1\r\nHost: next\r\n\r\n";

/// Runs `input` through a server in every way and asserts they agree; returns the transcript.
#[track_caller]
pub fn serve_all_ways(input: &[u8], cfg: Config) -> Transcript {
    let whole = serve(&[input], cfg);
    let bytes: Vec<&[u8]> = input.chunks(1).collect();
    assert_eq!(whole, serve(&bytes, cfg), "whole vs one byte at a time");
    if input.len() <= 2048 {
        for at in 1..input.len() {
            let (a, b) = input.split_at(at);
            assert_eq!(whole, serve(&[a, b], cfg), "whole vs split at {at}");
        }
    }
    if whole.error != Some(RemoteError::IncompleteMessage) {
        let mut longer = input.to_vec();
        longer.extend_from_slice(NEXT_REQUEST);
        let t = serve(&[&longer], cfg);
        // The end of input moves after the appended request, and `Closed` with it.
        let own = match whole.events.split_last() {
            Some((Event::Closed, rest)) => rest,
            _ => &whole.events[..],
        };
        assert_eq!(
            t.events.get(..own.len()),
            Some(own),
            "the bytes after a message changed its events"
        );
        if whole.error.is_some() {
            assert_eq!(t.error, whole.error, "the bytes after a message changed its error");
        }
    }
    whole
}
