//! Helpers shared by the workspace tests: a scripted server application, and the one helper
//! that runs a transcript through a server connection in every split.
//!
//! [`serve_all_ways`] feeds the same input whole, one byte at a time, split in two at every
//! offset (for inputs up to 2 KiB) and followed by a further valid request, and asserts that
//! every way gives the same events, error and response bytes. The last check is the
//! request-smuggling check: where a message ends must not depend on the bytes after it.

use bytes::{Bytes, BytesMut};
use http_core::{Config, Connection, Event, Headers, Instant, Polled, RemoteError, ResponseHead};

pub mod properties;

/// A file of a test's own in the temporary folder, holding `content`; removed when dropped,
/// a panicking test's included.
#[derive(Debug)]
pub struct TempFile(pub std::path::PathBuf);

impl TempFile {
    /// A new file named after `name`, this process and a count, so that tests running at once
    /// never share one.
    pub fn new(name: &str, content: &[u8]) -> Self {
        static N: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
        let n = N.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let path = std::env::temp_dir().join(format!("{name}-{}-{n}.bin", std::process::id()));
        std::fs::write(&path, content).expect("write the test file");
        Self(path)
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// Reads a message head off a raw socket, byte by byte up to and with its empty line (so
/// that nothing after it is taken); panics if the peer closes first.
pub fn read_head(s: &mut impl std::io::Read) -> String {
    let mut head = Vec::new();
    let mut byte = [0; 1];
    while !head.ends_with(b"\r\n\r\n") {
        let n = s.read(&mut byte).expect("read a head");
        assert_eq!(n, 1, "closed in the head");
        head.push(byte[0]);
    }
    String::from_utf8(head).expect("a head in ASCII")
}

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

    /// Records the peer's close, once: it is terminal, and every later poll says the same.
    fn record_closed(&mut self) {
        if self.events.last() != Some(&Event::Closed) {
            self.events.push(Event::Closed);
        }
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

/// The choices of a scripted server application, one byte per request, cycling; an empty
/// script is the default application: it accepts every 100-continue, answers each request once
/// its body has been read with `200` and the body `ok`, and answers an error with the status
/// the engine suggests.
#[derive(Clone, Debug, Default)]
pub struct Script<'a> {
    choices: &'a [u8],
    next: usize,
}

/// How the scripted application answers one request.
#[derive(Clone, Copy, Debug)]
struct Choice {
    refuse_continue: bool,
    early: bool,
    answer: u8,
    /// The request was CONNECT: a 2xx answer opens a tunnel and carries no framing.
    connect: bool,
}

impl<'a> Script<'a> {
    /// A script from choice bytes.
    pub fn new(choices: &'a [u8]) -> Self {
        Self { choices, next: 0 }
    }

    fn take(&mut self) -> Choice {
        let Some(&b) = self.choices.get(self.next % self.choices.len().max(1)) else {
            return Choice {
                refuse_continue: false,
                early: false,
                answer: 0,
                connect: false,
            };
        };
        self.next += 1;
        Choice {
            refuse_continue: b & 1 != 0,
            early: b & 2 != 0,
            answer: (b >> 2) % 6,
            connect: false,
        }
    }
}

/// Sends the scripted answer: 0 Content-Length, 1 chunked with a trailer, 2 a 204, 3 with
/// `Connection: close`, 4 a 417 refusal, 5 Content-Length with its last byte written by the
/// application itself (`send_data_direct`), after what was queued, as a driver's `sendfile`.
fn answer(conn: &mut Connection, t: &mut Transcript, c: &Choice) {
    let (status, close, chunked) = match c.answer {
        1 => (200, false, true),
        2 => (204, false, false),
        3 => (200, true, false),
        4 => (417, false, false),
        _ => (200, false, false),
    };
    let direct = c.answer == 5;
    let mut res = ResponseHead::new(status);
    if c.connect && (200..300).contains(&status) {
        // RFC 9110 §9.3.6: no framing fields; the tunnel starts after the head.
        conn.send_response(res).expect("send response");
        return;
    }
    if status != 204 && !chunked {
        res.headers.append("Content-Length", "2");
    }
    if close {
        res.headers.append("Connection", "close");
    }
    conn.send_response(res).expect("send response");
    if status != 204 {
        conn.send_data(Bytes::from_static(b"o")).expect("send data");
        if !direct {
            conn.send_data(Bytes::from_static(b"k")).expect("send data");
        } else if conn.send_data_direct(1).expect("send direct data") {
            while let Some(piece) = conn.poll_transmit() {
                t.wire.extend_from_slice(&piece);
            }
            t.wire.push(b'k');
        }
    }
    let trailers = if chunked {
        [("X-Checksum", "1")].into_iter().collect()
    } else {
        Headers::new()
    };
    conn.send_end(trailers).expect("send end");
}

fn drain_scripted(
    conn: &mut Connection,
    t: &mut Transcript,
    script: &mut Script<'_>,
    pending: &mut Option<Choice>,
) {
    loop {
        match conn.poll_event() {
            Ok(Polled::Event(Event::Closed)) => {
                t.record_closed();
                break;
            }
            Ok(Polled::Event(e)) => {
                match &e {
                    Event::Request(req) => {
                        let c = Choice {
                            connect: req.is_connect(),
                            ..script.take()
                        };
                        if conn.expects_continue() && !c.refuse_continue {
                            conn.send_continue().expect("send 100");
                        }
                        if c.early {
                            answer(conn, t, &c);
                        } else {
                            *pending = Some(c);
                        }
                    }
                    Event::End(_) => {
                        if let Some(c) = pending.take() {
                            answer(conn, t, &c);
                        }
                    }
                    _ => {}
                }
                t.record(e);
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

/// Feeds `pieces` one after another to a new server connection run by the default
/// application, then the end of input.
pub fn serve(pieces: &[&[u8]], cfg: Config) -> Transcript {
    serve_with(pieces, cfg, &[])
}

/// Feeds `pieces` one after another to a new server connection run by the application that
/// `script` describes, then the end of input.
pub fn serve_with(pieces: &[&[u8]], cfg: Config, script: &[u8]) -> Transcript {
    let mut conn = Connection::server(cfg, Instant::ZERO);
    let mut t = Transcript::default();
    let mut script = Script::new(script);
    let mut pending = None;
    for piece in pieces {
        // As a driver with a pool of buffers does: memory the connection can spare goes, and
        // whenever it has none, memory comes from elsewhere, full of bytes that must never
        // be read as received.
        let _ = conn.take_spare_buffer();
        if conn.give_buffer(stale_buffer()).is_none() {
            STALE_GIVEN.set(STALE_GIVEN.get() + 1);
        }
        conn.feed(Instant::ZERO, piece);
        drain_scripted(&mut conn, &mut t, &mut script, &mut pending);
    }
    conn.feed_eof();
    drain_scripted(&mut conn, &mut t, &mut script, &mut pending);
    t
}

thread_local! {
    /// How many times [`serve_with`] gave a connection memory holding stale bytes, on this
    /// thread (tests run on threads of their own).
    pub static STALE_GIVEN: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

/// About 1 KiB (what a driver's first read is lent) of bytes that would parse, were they ever
/// read as received: whole requests, over and over.
fn stale_buffer() -> BytesMut {
    const REQUEST: &[u8] = b"GET /stale HTTP/1.1\r\nHost: s\r\n\r\n";
    BytesMut::from(&REQUEST.repeat(1024 / REQUEST.len())[..])
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
            assert_eq!(
                t.error, whole.error,
                "the bytes after a message changed its error"
            );
        }
    }
    whole
}

// ----- the client side -----

/// A complete response appended for the client's trailing-bytes check, after the client has
/// sent its next request.
pub const NEXT_RESPONSE: &[u8] = b"HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nnext";

/// What a client connection did with a response to `request`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Fetched {
    /// Events and error, as for the server; `wire` holds what the client sent.
    pub transcript: Transcript,
    /// Whether the response ended before the end of input (so its end did not depend on it).
    pub ended_before_eof: bool,
}

/// Where a client connection is in reading a response.
#[derive(Default)]
struct Reading {
    /// The next request went out.
    next_sent: bool,
    /// The response's body is to be given up (`Connection::discard_body`) as soon as its head
    /// has come; then whether the engine took it on.
    discard: Option<Option<bool>>,
}

fn drain_client(conn: &mut Connection, t: &mut Transcript, r: &mut Reading) {
    loop {
        match conn.poll_event() {
            Ok(Polled::Event(Event::Closed)) => {
                t.record_closed();
                break;
            }
            Ok(Polled::Event(e)) => {
                let is_final = matches!(&e, Event::Response(h) if h.status >= 200);
                t.record(e);
                if is_final && let Some(taken @ None) = &mut r.discard {
                    *taken = Some(conn.discard_body());
                }
            }
            Ok(Polled::NeedData | Polled::Paused) => break,
            Err(e) => {
                t.error.get_or_insert(e);
                break;
            }
        }
    }
    // Once the exchange is over, the next request goes out, so a following response is read.
    let over = t.events.iter().any(|e| matches!(e, Event::End(_))) || r.discard == Some(Some(true));
    if !r.next_sent && conn.is_reusable() && over {
        r.next_sent = true;
        let mut next = http_core::RequestHead::new("GET", "/next");
        next.headers.append("Host", "next");
        conn.send_request(next).expect("send next request");
        conn.send_end(Headers::new()).expect("end next request");
    }
    while let Some(piece) = conn.poll_transmit() {
        t.wire.extend_from_slice(&piece);
    }
}

/// Sends `request` (with no body) on a new client connection and feeds it `pieces` of the
/// response, then the end of input.
pub fn fetch(request: &http_core::RequestHead, pieces: &[&[u8]], cfg: Config) -> Fetched {
    let mut conn = Connection::client(cfg, Instant::ZERO);
    conn.send_request(request.clone()).expect("send request");
    conn.send_end(Headers::new()).expect("end request");
    read_response(conn, pieces, false)
}

/// As [`fetch`], giving up the response's body (`Connection::discard_body`) as soon as its
/// head has come: the engine drops it within `max_discard`, and the next request goes out
/// once it is over. Whether the engine took the body on is the `bool`.
pub fn fetch_discarding(
    request: &http_core::RequestHead,
    pieces: &[&[u8]],
    cfg: Config,
) -> (Fetched, Option<bool>) {
    let mut conn = Connection::client(cfg, Instant::ZERO);
    conn.send_request(request.clone()).expect("send request");
    conn.send_end(Headers::new()).expect("end request");
    let (fetched, reading) = read(conn, pieces, true);
    (fetched, reading.discard.flatten())
}

/// A new client connection that started a PUT of 100 bytes and sent 5 of them.
fn uploading(cfg: Config) -> Connection {
    let mut conn = Connection::client(cfg, Instant::ZERO);
    let mut put = http_core::RequestHead::new("PUT", "/upload");
    put.headers.append("Host", "example.com");
    conn.send_request_sized(put, 100).expect("send request");
    conn.send_data(Bytes::from_static(b"first"))
        .expect("send data");
    conn
}

/// Starts a PUT of 100 bytes on a new client connection, sends 5 of them, then tells the
/// engine the transport failed (`send_failed`, as a driver does when the server stopped
/// reading) and feeds it `pieces` of the response the server may have sent first, then the
/// end of input.
pub fn fetch_after_failed_upload(pieces: &[&[u8]], cfg: Config) -> Fetched {
    let mut conn = uploading(cfg);
    conn.send_failed();
    read_response(conn, pieces, false)
}

/// Starts a PUT of 100 bytes on a new client connection and sends 5 of them; feeds it
/// `pieces` of a response the server sends meanwhile; then ends the body as a driver does:
/// with its other 95 bytes, unless the engine says the server does not want them
/// (`Connection::body_refused`, RFC 9112 §9.5); then the end of input. What was written
/// after the request's head and first bytes is in the transcript's `wire`.
pub fn fetch_while_uploading(pieces: &[&[u8]], cfg: Config) -> Fetched {
    let mut conn = uploading(cfg);
    while conn.poll_transmit().is_some() {}
    let mut t = Transcript::default();
    let mut r = Reading::default();
    for piece in pieces {
        conn.feed(Instant::ZERO, piece);
        drain_client(&mut conn, &mut t, &mut r);
    }
    // (After the peer's error, or once it closed, the engine may refuse these: what it
    // wrote is what counts.)
    if !conn.body_refused() {
        let _ = conn.send_data(Bytes::from(vec![b'x'; 95]));
    }
    let _ = conn.send_end(Headers::new());
    drain_client(&mut conn, &mut t, &mut r);
    let ended_before_eof = t.events.iter().any(|e| matches!(e, Event::End(_))) || r.next_sent;
    conn.feed_eof();
    drain_client(&mut conn, &mut t, &mut r);
    Fetched {
        transcript: t,
        ended_before_eof,
    }
}

/// Feeds a client connection `pieces` of a response, then the end of input; with `discard`,
/// the response's body is given up once its head has come.
fn read_response(conn: Connection, pieces: &[&[u8]], discard: bool) -> Fetched {
    read(conn, pieces, discard).0
}

fn read(mut conn: Connection, pieces: &[&[u8]], discard: bool) -> (Fetched, Reading) {
    let mut t = Transcript::default();
    let mut r = Reading {
        discard: discard.then_some(None),
        ..Reading::default()
    };
    drain_client(&mut conn, &mut t, &mut r);
    for piece in pieces {
        conn.feed(Instant::ZERO, piece);
        drain_client(&mut conn, &mut t, &mut r);
    }
    let ended_before_eof = t.events.iter().any(|e| matches!(e, Event::End(_))) || r.next_sent;
    conn.feed_eof();
    drain_client(&mut conn, &mut t, &mut r);
    let fetched = Fetched {
        transcript: t,
        ended_before_eof,
    };
    (fetched, r)
}

/// The client's [`serve_all_ways`]: the response whole, one byte at a time, split in two at
/// every offset, and (when it ended by itself) followed by a further response, which must not
/// change how it was read.
#[track_caller]
pub fn fetch_all_ways(request: &http_core::RequestHead, input: &[u8], cfg: Config) -> Transcript {
    let whole = fetch(request, &[input], cfg);
    let bytes: Vec<&[u8]> = input.chunks(1).collect();
    assert_eq!(
        whole,
        fetch(request, &bytes, cfg),
        "whole vs one byte at a time"
    );
    if input.len() <= 2048 {
        for at in 1..input.len() {
            let (a, b) = input.split_at(at);
            assert_eq!(
                whole,
                fetch(request, &[a, b], cfg),
                "whole vs split at {at}"
            );
        }
    }
    if whole.ended_before_eof {
        // The next response comes in its own piece, after the client had the chance to send
        // its next request (a response before any request is an error of its own).
        let t = fetch(request, &[input, NEXT_RESPONSE], cfg).transcript;
        let own = match whole.transcript.events.split_last() {
            Some((Event::Closed, rest)) => rest,
            _ => &whole.transcript.events[..],
        };
        assert_eq!(
            t.events.get(..own.len()),
            Some(own),
            "the bytes after a response changed its events"
        );
        let next_sent = t.wire.windows(10).any(|w| w == b"GET /next ");
        if !next_sent {
            // Alone, the end of input cut the next exchange short; here, the response came.
            assert_eq!(
                t.error, whole.transcript.error,
                "the bytes after a response changed its error"
            );
        } else {
            assert_eq!(t.error, None, "the next response was not read cleanly");
            assert!(
                matches!(
                    &t.events[own.len()..],
                    [Event::Response(r), Event::Data(d), Event::End(_), ..]
                        if r.status == 200 && &d[..] == b"next"
                ),
                "the next response was not read after this one: {:?}",
                &t.events[own.len()..]
            );
        }
    }
    whole.transcript
}

// ----- the pair -----

/// A small deterministic generator (xorshift64*) for splitting transfers.
#[derive(Clone, Debug)]
pub struct Rng(u64);

impl Rng {
    /// A generator from a seed (any value).
    pub fn new(seed: u64) -> Self {
        Self(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }

    /// The next number in `0..n` (`n` > 0).
    pub fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        (self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 33) as usize % n
    }
}

/// One side of a [`Pair`]: its connection, what it received, and whether it closed.
#[derive(Debug)]
pub struct Side {
    /// The connection.
    pub conn: Connection,
    /// Events received and not yet taken by the test.
    pub events: std::collections::VecDeque<Event>,
    /// The peer's error, if one came.
    pub error: Option<RemoteError>,
    /// Every byte this side sent.
    pub sent: Vec<u8>,
    /// Whether this side has closed its end of the pipe.
    pub closed: bool,
}

impl Side {
    fn new(conn: Connection) -> Self {
        Self {
            conn,
            events: Default::default(),
            error: None,
            sent: Vec::new(),
            closed: false,
        }
    }

    /// Takes the next received event.
    #[track_caller]
    pub fn next_event(&mut self) -> Event {
        self.events.pop_front().expect("an event was expected")
    }

    /// Takes every received event.
    pub fn take(&mut self) -> Vec<Event> {
        self.events.drain(..).collect()
    }

    /// Polls events until none is ready; returns whether any came.
    fn poll(&mut self) -> bool {
        let mut any = false;
        while self.error.is_none() {
            match self.conn.poll_event() {
                Ok(Polled::Event(Event::Closed)) => {
                    if self.events.back() != Some(&Event::Closed) {
                        self.events.push_back(Event::Closed);
                        any = true;
                    }
                    break;
                }
                Ok(Polled::Event(e)) => {
                    self.events.push_back(e);
                    any = true;
                }
                Ok(Polled::NeedData | Polled::Paused) => break,
                Err(e) => {
                    self.error = Some(e);
                    // A server answers its peer's error, as a driver does.
                    if self.conn.role() == http_core::Role::Server {
                        self.conn
                            .send_error_response()
                            .expect("send error response");
                    }
                    any = true;
                }
            }
        }
        any
    }
}

/// A client and a server connection joined by a byte pipe, with a fake clock.
///
/// Tests act on `client.conn` and `server.conn` directly (sending heads and bodies), then call
/// [`drive`](Self::drive), which moves bytes both ways, split at random if asked, and collects
/// each side's events until nothing moves; [`advance`](Self::advance) moves the clock.
#[derive(Debug)]
pub struct Pair {
    /// The client side.
    pub client: Side,
    /// The server side.
    pub server: Side,
    /// The fake clock.
    pub now: Instant,
    split: Option<Rng>,
}

impl Pair {
    /// A pair with default configurations, transferring whole pieces.
    pub fn new() -> Self {
        Self::with_configs(Config::default(), Config::default())
    }

    /// A pair with the given client and server configurations.
    pub fn with_configs(client: Config, server: Config) -> Self {
        Self {
            client: Side::new(Connection::client(client, Instant::ZERO)),
            server: Side::new(Connection::server(server, Instant::ZERO)),
            now: Instant::ZERO,
            split: None,
        }
    }

    /// Splits every transfer into random pieces, from `seed`.
    pub fn split_randomly(mut self, seed: u64) -> Self {
        self.split = Some(Rng::new(seed));
        self
    }

    /// Moves bytes and events until neither side has anything to move. A side that should
    /// close and has written everything closes its end: the other side sees the end of input.
    pub fn drive(&mut self) {
        loop {
            // Each side acts on what it has (an error answered, as a driver does) before its
            // bytes move and its close is judged.
            let mut moved = self.client.poll();
            moved |= self.server.poll();
            moved |= transfer(
                &mut self.client,
                &mut self.server,
                self.now,
                &mut self.split,
            );
            moved |= transfer(
                &mut self.server,
                &mut self.client,
                self.now,
                &mut self.split,
            );
            if !moved {
                return;
            }
        }
    }

    /// The earlier of the two sides' deadlines.
    pub fn next_deadline(&self) -> Option<Instant> {
        [&self.client, &self.server]
            .iter()
            .filter_map(|s| s.conn.poll_timeout().map(|d| d.at))
            .min()
    }

    /// Moves the clock to `now + by`, firing every deadline on the way in order, driving after
    /// each.
    pub fn advance(&mut self, by: std::time::Duration) {
        let end = self.now.saturating_add(by);
        loop {
            let step = match self.next_deadline() {
                Some(at) if at <= end => at.max(self.now),
                _ => end,
            };
            self.now = step;
            self.client.conn.handle_timeout(step);
            self.server.conn.handle_timeout(step);
            self.drive();
            if step >= end {
                return;
            }
        }
    }
}

impl Default for Pair {
    fn default() -> Self {
        Self::new()
    }
}

/// Moves what `from` transmits to `to`; closes `from`'s end once it should close.
fn transfer(from: &mut Side, to: &mut Side, now: Instant, split: &mut Option<Rng>) -> bool {
    let mut moved = false;
    while let Some(piece) = from.conn.poll_transmit() {
        moved = true;
        from.sent.extend_from_slice(&piece);
        if from.closed {
            continue;
        }
        let mut rest = &piece[..];
        while !rest.is_empty() {
            let n = match split {
                Some(rng) => 1 + rng.below(rest.len()),
                None => rest.len(),
            };
            to.conn.feed(now, &rest[..n]);
            rest = &rest[n..];
        }
    }
    if !from.closed && (from.conn.should_close() || from.error.is_some()) {
        from.closed = true;
        to.conn.feed_eof();
        moved = true;
    }
    moved
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_harness_reads_into_stale_memory_between_requests() {
        let before = STALE_GIVEN.get();
        let two = [GET_A, NEXT_REQUEST];
        let t = serve(&two, Config::default());
        assert!(STALE_GIVEN.get() > before, "no stale memory was given");
        assert_eq!(
            t,
            serve(&[&[GET_A, NEXT_REQUEST].concat()], Config::default())
        );
        assert!(t.error.is_none(), "{t:?}");
        assert!(
            !format!("{t:?}").contains("stale"),
            "stale bytes were read: {t:?}"
        );
    }

    const GET_A: &[u8] = b"GET /a HTTP/1.1\r\nHost: a\r\n\r\n";
}
