//! Helpers shared by the scenario tests: each scenario is a real conversation between a client
//! and a server `Connection` joined by [`Pair`], run unsplit and split at random by several
//! seeds.
//!
//! Included by each scenario file with `#[path = "scenario/mod.rs"] mod scenario;`; a file uses
//! only some of the helpers.
#![allow(dead_code)]

use std::panic::{AssertUnwindSafe, catch_unwind, resume_unwind};
use std::time::Duration;

use bytes::Bytes;
use http_core::{
    Config, Connection, Event, HalfState, Headers, Instant, Polled, RemoteError, RequestHead,
    ResponseHead, Version,
};
use workspace_tests::{Pair, Rng};

/// How many random splits each scenario runs with, besides the unsplit run.
pub(crate) const SEEDS: u64 = 16;

/// Every way a scenario runs: unsplit (`None`), then split at random by each seed.
pub(crate) fn splits() -> impl Iterator<Item = Option<u64>> {
    std::iter::once(None).chain((0..SEEDS).map(Some))
}

/// Runs `scenario` once for every split; a failure names the split it happened in.
pub(crate) fn each_split(mut scenario: impl FnMut(Option<u64>)) {
    for split in splits() {
        if let Err(panic) = catch_unwind(AssertUnwindSafe(|| scenario(split))) {
            eprintln!("the scenario failed with split {split:?}");
            resume_unwind(panic);
        }
    }
}

/// A pair with default configurations, split as `split` says.
pub(crate) fn pair(split: Option<u64>) -> Pair {
    pair_with(split, Config::default(), Config::default())
}

/// A pair with the given client and server configurations, split as `split` says.
pub(crate) fn pair_with(split: Option<u64>, client: Config, server: Config) -> Pair {
    let p = Pair::with_configs(client, server);
    match split {
        Some(seed) => p.split_randomly(seed),
        None => p,
    }
}

/// A generator for splitting bytes the test delivers by hand, in step with `split`.
pub(crate) fn splitter(split: Option<u64>) -> Option<Rng> {
    split.map(|seed| Rng::new(seed ^ 0x5eed))
}

/// Feeds `bytes` to `to` at `now`, in random pieces when `rng` is given.
pub(crate) fn feed_split(to: &mut Connection, now: Instant, bytes: &[u8], rng: &mut Option<Rng>) {
    let mut rest = bytes;
    while !rest.is_empty() {
        let n = match rng {
            Some(r) => 1 + r.below(rest.len()),
            None => rest.len(),
        };
        to.feed(now, &rest[..n]);
        rest = &rest[n..];
    }
}

/// Everything `conn` has queued for transmission, as the pieces it hands out.
pub(crate) fn drain_pieces(conn: &mut Connection) -> Vec<Bytes> {
    let pieces: Vec<Bytes> = std::iter::from_fn(|| conn.poll_transmit()).collect();
    assert_eq!(conn.transmit_len(), 0, "the count of bytes waiting");
    pieces
}

/// Everything `conn` has queued for transmission, joined.
pub(crate) fn drain(conn: &mut Connection) -> Vec<u8> {
    drain_pieces(conn).concat()
}

/// An instant `secs` seconds after the origin.
pub(crate) fn at(secs: u64) -> Instant {
    Instant::from_duration(Duration::from_secs(secs))
}

/// `secs` seconds.
pub(crate) fn secs(secs: u64) -> Duration {
    Duration::from_secs(secs)
}

/// Bytes as text, for messages.
pub(crate) fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

// ----- heads -----

/// A request with a Host field.
pub(crate) fn req(method: &'static str, target: &'static str) -> RequestHead {
    let mut r = RequestHead::new(method, target);
    r.headers.append("Host", "example.com");
    r
}

/// `GET target` with a Host field.
pub(crate) fn get(target: &'static str) -> RequestHead {
    req("GET", target)
}

/// An HTTP/1.0 request without Host, with the given extra fields.
pub(crate) fn req10(
    method: &'static str,
    target: &'static str,
    fields: &[(&str, &str)],
) -> RequestHead {
    let mut r = RequestHead::new(method, target);
    r.version = Version::Http10;
    for (n, v) in fields {
        r.headers.append(n, v);
    }
    r
}

/// `head` with `fields` appended, as the peer will parse it once the engine added them.
pub(crate) fn request_with(head: &RequestHead, fields: &[(&str, &str)]) -> RequestHead {
    let mut r = head.clone();
    for (n, v) in fields {
        r.headers.append(n, v);
    }
    r
}

/// A response head with the given fields.
pub(crate) fn res(status: u16, fields: &[(&str, &str)]) -> ResponseHead {
    let mut r = ResponseHead::new(status);
    for (n, v) in fields {
        r.headers.append(n, v);
    }
    r
}

/// A field section from pairs.
pub(crate) fn fields(pairs: &[(&str, &str)]) -> Headers {
    pairs.iter().copied().collect()
}

// ----- sending -----

/// Sends `head` with `body` in the given pieces, then ends it with `trailers`.
#[track_caller]
pub(crate) fn send_request(
    conn: &mut Connection,
    head: RequestHead,
    body: &[Bytes],
    trailers: Headers,
) {
    conn.send_request(head).expect("send request");
    for piece in body {
        conn.send_data(piece.clone()).expect("send request data");
    }
    conn.send_end(trailers).expect("end request");
}

/// Sends a bodiless request.
#[track_caller]
pub(crate) fn send_bodiless(conn: &mut Connection, head: RequestHead) {
    send_request(conn, head, &[], Headers::new());
}

/// Sends a response `head` with `body` in the given pieces, then ends it with `trailers`.
#[track_caller]
pub(crate) fn send_response(
    conn: &mut Connection,
    head: ResponseHead,
    body: &[Bytes],
    trailers: Headers,
) {
    conn.send_response(head).expect("send response");
    for piece in body {
        conn.send_data(piece.clone()).expect("send response data");
    }
    conn.send_end(trailers).expect("end response");
}

/// Answers with `status`, a Content-Length and `body`.
#[track_caller]
pub(crate) fn respond(conn: &mut Connection, status: u16, body: &'static [u8]) {
    let len = body.len().to_string();
    send_response(
        conn,
        res(status, &[("Content-Length", &len)]),
        &[Bytes::from_static(body)],
        Headers::new(),
    );
}

// ----- events -----

/// `events` with adjacent data pieces joined (how a body is split depends on the transfer's),
/// and a repeated `Closed` kept once (it is terminal: every poll after it says it again).
pub(crate) fn merged(events: impl IntoIterator<Item = Event>) -> Vec<Event> {
    let mut out: Vec<Event> = Vec::new();
    let mut body: Vec<u8> = Vec::new();
    for e in events {
        match e {
            Event::Data(d) => body.extend_from_slice(&d),
            e => {
                if !body.is_empty() {
                    out.push(Event::Data(Bytes::from(std::mem::take(&mut body))));
                }
                if e == Event::Closed && out.last() == Some(&Event::Closed) {
                    continue;
                }
                out.push(e);
            }
        }
    }
    if !body.is_empty() {
        out.push(Event::Data(Bytes::from(body)));
    }
    out
}

/// The events `side` received since the last call, with data pieces joined.
pub(crate) fn took(side: &mut workspace_tests::Side) -> Vec<Event> {
    merged(side.take())
}

/// A data event.
pub(crate) fn data(b: impl Into<Bytes>) -> Event {
    Event::Data(b.into())
}

/// The end of a message without trailers.
pub(crate) fn end() -> Event {
    Event::End(Headers::new())
}

/// The body bytes of `events`, joined.
pub(crate) fn body_of(events: &[Event]) -> Vec<u8> {
    events
        .iter()
        .filter_map(|e| match e {
            Event::Data(d) => Some(&d[..]),
            _ => None,
        })
        .collect::<Vec<_>>()
        .concat()
}

/// The response head of `e`.
#[track_caller]
pub(crate) fn response_of(e: &Event) -> &ResponseHead {
    match e {
        Event::Response(r) => r,
        other => panic!("expected a response, got {other:?}"),
    }
}

/// The request head of `e`.
#[track_caller]
pub(crate) fn request_of(e: &Event) -> &RequestHead {
    match e {
        Event::Request(r) => r,
        other => panic!("expected a request, got {other:?}"),
    }
}

/// What a client receives when the server answers `error` with `send_error_response` and
/// closes: the response, its body, its end and the close.
pub(crate) fn error_answer(error: RemoteError) -> Vec<Event> {
    let message = format!("{error}\n");
    let len = message.len().to_string();
    let head = res(
        error.status_hint().expect("an error with a status"),
        &[
            ("Content-Type", "text/plain; charset=utf-8"),
            ("Content-Length", &len),
            ("Connection", "close"),
        ],
    );
    vec![Event::Response(head), data(message), end(), Event::Closed]
}

/// Asserts `conn`'s own and peer's half states.
#[track_caller]
pub(crate) fn assert_states(conn: &Connection, ours: HalfState, theirs: HalfState) {
    assert_eq!(
        (conn.our_state(), conn.their_state()),
        (ours, theirs),
        "(our_state, their_state) of the {:?}",
        conn.role()
    );
}

/// Asserts both sides are between exchanges on a kept-alive connection.
#[track_caller]
pub(crate) fn assert_reusable(p: &Pair) {
    for conn in [&p.client.conn, &p.server.conn] {
        assert_states(conn, HalfState::Idle, HalfState::Idle);
        assert!(conn.is_reusable(), "{:?} is reusable", conn.role());
        assert!(conn.keep_alive(), "{:?} keeps alive", conn.role());
        assert!(!conn.should_close(), "{:?} should not close", conn.role());
    }
    assert!(!p.client.closed && !p.server.closed, "neither side closed");
    assert_eq!((p.client.error, p.server.error), (None, None));
}

/// Polls `conn` until it has nothing ready, collecting its events (for a connection outside a
/// [`Pair`]); stops at an error, which is returned.
pub(crate) fn poll_all(conn: &mut Connection) -> (Vec<Event>, Polled, Option<RemoteError>) {
    let mut events = Vec::new();
    loop {
        match conn.poll_event() {
            Ok(Polled::Event(Event::Closed)) => {
                events.push(Event::Closed);
                return (events, Polled::Event(Event::Closed), None);
            }
            Ok(Polled::Event(e)) => events.push(e),
            Ok(p) => return (events, p, None),
            Err(e) => return (events, Polled::NeedData, Some(e)),
        }
    }
}

/// Reads `wire`, the responses a server sent to pipelined `requests`, with a client engine
/// that sends each request just before reading its response: the events of each response.
pub(crate) fn read_responses(wire: &[u8], requests: &[RequestHead]) -> Vec<Vec<Event>> {
    let mut c = Connection::client(Config::default(), Instant::ZERO);
    c.feed(Instant::ZERO, wire);
    c.feed_eof();
    let mut out = Vec::new();
    for r in requests {
        assert!(c.is_reusable(), "the client can send {r:?}");
        // A declared body is sent as filler: only the responses matter here.
        let len = r
            .headers
            .get("content-length")
            .map_or(0, |v| text(v).parse::<usize>().expect("a length"));
        let body = if len > 0 {
            vec![Bytes::from(vec![b'x'; len])]
        } else {
            vec![]
        };
        send_request(&mut c, r.clone(), &body, Headers::new());
        drain(&mut c);
        let mut events = Vec::new();
        loop {
            match c.poll_event() {
                Ok(Polled::Event(e)) => {
                    let done = matches!(e, Event::End(_) | Event::Closed);
                    events.push(e);
                    if done {
                        break;
                    }
                }
                other => panic!("reading the response to {r:?}: {other:?}"),
            }
        }
        out.push(merged(events));
    }
    out
}

/// Moves what `from` has queued to `to` by hand, as [`Pair::drive`] would (split by `rng`),
/// and returns the pieces as `from` handed them out, so a test can check them.
pub(crate) fn hand_over(
    from: &mut workspace_tests::Side,
    to: &mut workspace_tests::Side,
    now: Instant,
    rng: &mut Option<Rng>,
) -> Vec<Bytes> {
    let pieces = drain_pieces(&mut from.conn);
    for piece in &pieces {
        from.sent.extend_from_slice(piece);
        feed_split(&mut to.conn, now, piece, rng);
    }
    pieces
}

/// Whether `a` and `b` are the same bytes in memory (one `Bytes` handed on, not a copy).
pub(crate) fn same_bytes(a: &Bytes, b: &Bytes) -> bool {
    a.as_ptr() == b.as_ptr() && a.len() == b.len()
}

/// A deterministic body of `len` bytes.
pub(crate) fn pattern(len: usize, salt: u8) -> Vec<u8> {
    (0..len)
        .map(|i| (i as u8).wrapping_mul(31).wrapping_add(salt))
        .collect()
}

/// Polls `side`'s events as [`Pair::drive`] does: until none is ready; an error is recorded
/// and, on the server, answered with `send_error_response`.
pub(crate) fn poll_side(side: &mut workspace_tests::Side) {
    while side.error.is_none() {
        match side.conn.poll_event() {
            Ok(Polled::Event(Event::Closed)) => {
                if side.events.back() != Some(&Event::Closed) {
                    side.events.push_back(Event::Closed);
                }
                return;
            }
            Ok(Polled::Event(e)) => side.events.push_back(e),
            Ok(Polled::NeedData | Polled::Paused) => return,
            Err(e) => {
                side.error = Some(e);
                if side.conn.role() == http_core::Role::Server {
                    side.conn
                        .send_error_response()
                        .expect("send error response");
                }
            }
        }
    }
}

/// [`Pair::advance`] in the engine's documented call order: after each deadline is handed to
/// both sides, their events are polled (and a server answers its peer's error) *before* any
/// transfer looks at `should_close`.
///
/// `Pair::advance` drives, and so transfers and checks `should_close`, before polling: a
/// server whose header-read deadline passed is closed before it can queue its 408.
pub(crate) fn advance_in_order(p: &mut Pair, by: Duration) {
    let end = p.now.saturating_add(by);
    loop {
        let step = match p.next_deadline() {
            Some(at) if at <= end => at.max(p.now),
            _ => end,
        };
        p.now = step;
        p.client.conn.handle_timeout(step);
        p.server.conn.handle_timeout(step);
        poll_side(&mut p.client);
        poll_side(&mut p.server);
        p.drive();
        if step >= end {
            return;
        }
    }
}
