//! The driver conformance suite: every check once, run against each driver over loopback.
//!
//! A check talks to a server through a raw `std::net::TcpStream` ([`wire::Wire`]), writing
//! exact bytes and reading responses with a reader of its own, so it is the same for every
//! driver. A driver takes part through a [`Mount`]: it starts one of the test applications
//! ([`App`]) with its own handler types under a [`TestConfig`] and hands back a [`Running`]
//! server. Each `tests/conformance-<driver>.rs` lists the checks through `suite!`, which
//! expands one `#[test]` per check (and a test that the list is complete).

#![allow(dead_code)]

pub(crate) mod async_apps;
pub(crate) mod echo;
mod harness;

pub(crate) mod mount_blocking;
pub(crate) mod mount_smol;
pub(crate) mod mount_tokio;
pub(crate) mod real_clients;
pub(crate) mod wire;

pub(crate) use harness::*;
use std::io::{self, Write};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};
use wire::{ReadError, SAFETY, Wire};

// ----- helpers of the checks -----

/// A short timeout for the checks that test timeouts.
const SHORT: Duration = Duration::from_millis(300);

/// The most bytes a streamed body may have in flight between the peer and the application:
/// socket buffers on both sides plus the driver's bounded queue, far below the 64 MiB body.
const IN_FLIGHT_BOUND: u64 = 16 << 20;

/// The size of the large bodies.
const LARGE: u64 = 64 << 20;

fn start<M: Mount>(app: App) -> Running {
    M::start(app, TestConfig::default())
}

fn get(target: &str) -> String {
    format!("GET {target} HTTP/1.1\r\nHost: test\r\n\r\n")
}

fn post(target: &str, body: &str) -> String {
    format!(
        "POST {target} HTTP/1.1\r\nHost: test\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
}

#[track_caller]
fn assert_echo(res: &wire::Response, method: &str, uri: &str, body: &[u8]) -> echo::Echo {
    let e = res.echo();
    assert_eq!(
        (
            String::from_utf8_lossy(&e.method),
            String::from_utf8_lossy(&e.uri)
        ),
        (method.into(), uri.into()),
        "{e:?}"
    );
    assert!(e.body == body, "echoed body differs: {e:?}");
    e
}

/// Waits until `value` stops growing (no change for 300 ms), and returns it.
fn settled(value: impl Fn() -> u64) -> u64 {
    let deadline = Instant::now() + SAFETY;
    let mut last = value();
    let mut still = 0;
    while still < 6 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(50));
        let now = value();
        if now == last {
            still += 1;
        } else {
            still = 0;
            last = now;
        }
    }
    last
}

/// Asserts that a final response carries `Date` (RFC 9110 §6.6.1): an IMF-fixdate within a
/// few seconds of now.
#[track_caller]
fn assert_recent_date(res: &wire::Response) {
    let text = res
        .header("date")
        .unwrap_or_else(|| panic!("no Date: {res:?}"));
    let date = http_core::HttpDate::parse(text.as_bytes())
        .unwrap_or_else(|| panic!("not an HTTP date: {text:?}"));
    assert_eq!(date.as_bytes(), text.as_bytes(), "not an IMF-fixdate");
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("clock")
        .as_secs();
    assert!(
        now.abs_diff(date.unix_secs()) <= 5,
        "{date:?} is not now ({now})"
    );
}

// ----- the checks -----

/// The echo application reports the request exactly as sent: method, raw target, version,
/// header names in their case and order with duplicates, values trimmed.
pub(crate) fn echo_reports_the_request<M: Mount>() {
    let server = start::<M>(App::Echo);
    let mut w = Wire::connect(server.addr);
    w.send(
        "GET /a?b=1 HTTP/1.1\r\nHost: example\r\nX-Dup: 1\r\nX-Dup: 2\r\n\
         X-MiXeD-Case:  v w \r\n\r\n",
    );
    let res = w.read("GET");
    assert_eq!(res.status, 200, "{res:?}");
    assert_recent_date(&res);
    assert_eq!(res.header("content-type"), Some("application/json"));
    assert!(
        res.header("content-length").is_some() && !res.chunked,
        "the echo has a Content-Length: {res:?}"
    );
    let e = assert_echo(&res, "GET", "/a?b=1", b"");
    assert_eq!(e.version, b"1.1");
    let want = [
        ("Host", "example"),
        ("X-Dup", "1"),
        ("X-Dup", "2"),
        ("X-MiXeD-Case", "v w"),
    ]
    .map(|(n, v)| (n.to_owned(), v.to_owned()));
    assert_eq!(e.header_pairs(), want);
    drop(w);
    server.stop();
}

/// Several requests, one after another, on one connection.
pub(crate) fn keep_alive<M: Mount>() {
    let server = start::<M>(App::Echo);
    let mut w = Wire::connect(server.addr);
    for i in 0..4 {
        let uri = format!("/ka/{i}");
        if i % 2 == 0 {
            w.send(get(&uri));
            let res = w.read("GET");
            assert_echo(&res, "GET", &uri, b"");
            assert!(!res.says_close(), "{res:?}");
        } else {
            let body = format!("body number {i}");
            w.send(post(&uri, &body));
            let res = w.read("POST");
            assert_echo(&res, "POST", &uri, body.as_bytes());
            assert!(!res.says_close(), "{res:?}");
        }
    }
    drop(w);
    server.stop();
}

/// Many requests in one write (GET, Content-Length and chunked bodies, HEAD): every one is
/// answered, in order.
pub(crate) fn pipelining<M: Mount>() {
    let server = start::<M>(App::Echo);
    let mut w = Wire::connect(server.addr);
    let mut all = String::new();
    let mut want = Vec::new();
    for i in 0..12 {
        let uri = format!("/p/{i}");
        match i % 4 {
            0 => {
                all += &get(&uri);
                want.push(("GET", uri, String::new()));
            }
            1 => {
                let body = format!("pipelined {i}");
                all += &post(&uri, &body);
                want.push(("POST", uri, body));
            }
            2 => {
                all += &format!(
                    "PUT {uri} HTTP/1.1\r\nHost: test\r\nTransfer-Encoding: chunked\r\n\r\n\
                     3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n"
                );
                want.push(("PUT", uri, "abcde".into()));
            }
            _ => {
                all += &format!("HEAD {uri} HTTP/1.1\r\nHost: test\r\n\r\n");
                want.push(("HEAD", uri, String::new()));
            }
        }
    }
    w.send(all);
    for (method, uri, body) in want {
        let res = w.read(method);
        assert_eq!(res.status, 200, "{method} {uri}: {res:?}");
        if method == "HEAD" {
            assert!(res.body.is_empty());
            continue;
        }
        assert_echo(&res, method, &uri, body.as_bytes());
    }
    // The connection is still good, and nothing extra was sent.
    w.send(get("/after"));
    assert_echo(&w.read("GET"), "GET", "/after", b"");
    drop(w);
    server.stop();
}

/// A response to HEAD has no body (the driver must not write one), and the connection goes on.
pub(crate) fn head_has_no_body<M: Mount>() {
    let server = start::<M>(App::Echo);
    let mut w = Wire::connect(server.addr);
    w.send("HEAD /h HTTP/1.1\r\nHost: test\r\n\r\n");
    let res = w.read("HEAD");
    assert_eq!(res.status, 200, "{res:?}");
    w.send(get("/g"));
    assert_echo(&w.read("GET"), "GET", "/g", b"");
    drop(w);
    server.stop();
}

/// An HTTP/1.0 request without keep-alive is answered, then the server closes.
pub(crate) fn http10_closes<M: Mount>() {
    let server = start::<M>(App::Echo);
    let mut w = Wire::connect(server.addr);
    w.send("GET /old HTTP/1.0\r\n\r\n");
    let res = w.read("GET");
    let e = assert_echo(&res, "GET", "/old", b"");
    assert_eq!(e.version, b"1.0");
    w.expect_closed();
    server.stop();
}

/// A chunked request body, arriving in pieces that split the chunk framing, reaches the
/// application de-chunked.
pub(crate) fn chunked_request_body<M: Mount>() {
    let server = start::<M>(App::Echo);
    let mut w = Wire::connect(server.addr);
    let pieces = [
        "POST /chunked HTTP/1.1\r\nHost: test\r\nTransfer-Encoding: chunked\r\n\r\n",
        "5\r\nhel",
        "lo\r\n6;ext=1\r\n wor",
        "ld\r\n0\r",
        "\n\r\n",
    ];
    for p in pieces {
        w.send(p);
        std::thread::sleep(Duration::from_millis(10));
    }
    let e = assert_echo(&w.read("POST"), "POST", "/chunked", b"hello world");
    assert_eq!(e.header("transfer-encoding").as_deref(), Some("chunked"));
    drop(w);
    server.stop();
}

/// A streamed response with no Content-Length goes out chunked, whole and in order.
pub(crate) fn chunked_response<M: Mount>() {
    let len = 3 * PIECE as u64 + 1234;
    let meter = Meter::new();
    let server = start::<M>(App::Source {
        len,
        meter: meter.clone(),
    });
    let mut w = Wire::connect(server.addr);
    w.send(get("/source"));
    let res = w.read("GET");
    assert_eq!(res.status, 200, "{res:?}");
    assert!(res.chunked, "a body of unknown length is chunked: {res:?}");
    assert!(res.header("content-length").is_none());
    assert_eq!(res.body.len() as u64, len);
    assert!(res.body == pattern_vec(len as usize), "body bytes differ");
    assert_eq!(meter.bytes(), len);
    // The connection is reusable after a chunked response.
    w.send(get("/again"));
    assert_eq!(w.read("GET").body.len() as u64, len);
    drop(w);
    server.stop();
}

/// Request trailers reach the application apart from the headers; response trailers reach
/// the client after a chunked body.
pub(crate) fn trailers<M: Mount>() {
    let server = start::<M>(App::Trailers);
    let mut w = Wire::connect(server.addr);
    w.send(
        "POST /t HTTP/1.1\r\nHost: test\r\nTransfer-Encoding: chunked\r\nTrailer: X-Req-Trailer\r\n\r\n\
         4\r\nbody\r\n0\r\nX-Req-Trailer: one\r\n\r\n",
    );
    let res = w.read("POST");
    assert_eq!(res.status, 200, "{res:?}");
    assert!(res.chunked, "{res:?}");
    assert_eq!(res.text(), "body");
    assert_eq!(res.trailer("x-req-trailer"), Some("one"), "{res:?}");
    assert_eq!(res.trailer("x-served"), Some("trailers"), "{res:?}");
    assert!(
        res.header("x-req-trailer").is_none(),
        "trailers are not headers: {res:?}"
    );
    // Without request trailers, the response still ends with its own.
    w.send("POST /t HTTP/1.1\r\nHost: test\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n");
    let res = w.read("POST");
    assert_eq!(res.trailer("x-served"), Some("trailers"), "{res:?}");
    assert!(res.body.is_empty());
    drop(w);
    server.stop();
}

/// `Expect: 100-continue` with a handler that reads the body: 100 first, then (after the
/// body) the final response.
pub(crate) fn continue_when_the_body_is_read<M: Mount>() {
    let server = start::<M>(App::Echo);
    let mut w = Wire::connect(server.addr);
    w.send("POST /c HTTP/1.1\r\nHost: test\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n");
    let interim = w.read("POST");
    assert_eq!(interim.status, 100, "{interim:?}");
    w.send("hello");
    assert_echo(&w.read("POST"), "POST", "/c", b"hello");
    drop(w);
    server.stop();
}

/// `Expect: 100-continue` with a handler that answers without reading: no 100, the final
/// response comes although the body was never sent.
pub(crate) fn no_continue_without_reading<M: Mount>() {
    let server = start::<M>(App::NoRead);
    let mut w = Wire::connect(server.addr);
    w.send(
        "POST /n HTTP/1.1\r\nHost: test\r\nExpect: 100-continue\r\nContent-Length: 100000\r\n\r\n",
    );
    let res = w.read("POST");
    assert_eq!(res.status, 200, "the final response, no 100 first: {res:?}");
    assert_eq!(res.text(), "not read");
    drop(w);
    server.stop();
}

/// A request body the handler drops unread: within `max_discard` (64 KiB) the engine drops
/// the rest and the next request is answered; past it by its Content-Length the answer says
/// `Connection: close` (RFC 9112 §9.6), so that a client that pipelined a request after it
/// knows that one will not be answered.
pub(crate) fn a_dropped_body_too_long_to_discard_has_its_answer_say_close<M: Mount>() {
    let server = start::<M>(App::NoRead);
    let mut w = Wire::connect(server.addr);
    w.send(
        "POST /n HTTP/1.1\r\nHost: test\r\nContent-Length: 5\r\n\r\nhelloGET /next HTTP/1.1\r\nHost: test\r\n\r\n",
    );
    let res = w.read("POST");
    assert_eq!((res.status, res.says_close()), (200, false), "{res:?}");
    assert_eq!(w.read("GET").status, 200);
    drop(w);
    let mut w = Wire::connect(server.addr);
    w.send(format!(
        "POST /n HTTP/1.1\r\nHost: test\r\nContent-Length: {}\r\n\r\n",
        64 * 1024 + 1
    ));
    let res = w.read("POST");
    assert_eq!((res.status, res.says_close()), (200, true), "{res:?}");
    drop(w);
    server.stop();
}

/// The same for a handler that drops the body and then takes a moment before it answers:
/// the engine learns of the drop when it happens, not only when the answer comes.
pub(crate) fn a_body_dropped_before_a_wait_has_its_answer_say_close<M: Mount>() {
    let server = start::<M>(App::Faulty);
    for _ in 0..3 {
        let mut w = Wire::connect(server.addr);
        // Body bytes with the head: the driver has a piece to hand over when the body is
        // dropped.
        w.send(format!(
            "POST /drop-then-wait HTTP/1.1\r\nHost: test\r\nContent-Length: {}\r\n\r\n{}",
            1_000_000,
            "x".repeat(100)
        ));
        let res = w.read("POST");
        assert_eq!((res.status, res.says_close()), (200, true), "{res:?}");
        w.expect_closed();
    }
    server.stop();
}

/// A handler that fails on the request body's error, passing it on: the client's fault is
/// answered as the engine says (413 for a chunked body past `max_body`, 408 for a body that
/// stopped coming), with a close, not as a server error (500).
pub(crate) fn a_handler_failing_on_the_client_s_body_error_answers_its_status<M: Mount>() {
    let cfg = TestConfig {
        body_read: SHORT,
        max_body: 1000,
        ..TestConfig::default()
    };
    let server = M::start(App::Faulty, cfg);
    let mut w = Wire::connect(server.addr);
    let piece = format!("200\r\n{}\r\n", "x".repeat(512));
    w.send(format!(
        "POST /collect HTTP/1.1\r\nHost: test\r\nTransfer-Encoding: chunked\r\n\r\n{piece}{piece}{piece}0\r\n\r\n"
    ));
    let res = w.read("POST");
    assert_eq!((res.status, res.says_close()), (413, true), "{res:?}");
    w.expect_closed();
    let mut w = Wire::connect(server.addr);
    w.send("POST /collect HTTP/1.1\r\nHost: test\r\nContent-Length: 10\r\n\r\nabc");
    let res = w.read("POST");
    assert_eq!((res.status, res.says_close()), (408, true), "{res:?}");
    w.expect_closed();
    // A body that comes whole is read and counted.
    let mut w = Wire::connect(server.addr);
    w.send("POST /collect HTTP/1.1\r\nHost: test\r\nContent-Length: 3\r\n\r\nabc");
    assert_eq!(w.read("POST").text(), "3");
    drop(w);
    server.stop();
}

/// An upgrade: 101, then raw bytes both ways, the bytes sent right after the head included.
pub(crate) fn upgrade<M: Mount>() {
    let server = start::<M>(App::Upgrade);
    let mut w = Wire::connect(server.addr);
    w.send("GET /up HTTP/1.1\r\nHost: test\r\nConnection: upgrade\r\nUpgrade: echo\r\n\r\nearly");
    let res = w.read("GET");
    assert_eq!(res.status, 101, "{res:?}");
    assert_eq!(
        w.read_raw(5),
        b"early",
        "the leftover bytes are echoed first"
    );
    for round in 0..3 {
        let msg = format!("raw bytes, round {round}, not HTTP\r\n\r\n");
        w.send(&msg);
        assert_eq!(w.read_raw(msg.len()), msg.as_bytes());
    }
    w.shutdown_write();
    w.expect_closed();
    // A request body the application did not read is HTTP's, never the new protocol's
    // (RFC 9110 §7.8), whether it came with the head or after a 100 (Continue) it waited
    // for, by length or chunked.
    for (fields, body, wait) in [
        ("Content-Length: 5\r\n", "HELLO", false),
        (
            "Transfer-Encoding: chunked\r\n",
            "5\r\nHELLO\r\n0\r\n\r\n",
            false,
        ),
        (
            "Content-Length: 5\r\nExpect: 100-continue\r\n",
            "HELLO",
            true,
        ),
    ] {
        let mut w = Wire::connect(server.addr);
        let head = format!(
            "POST /up HTTP/1.1\r\nHost: test\r\nConnection: upgrade\r\nUpgrade: echo\r\n{fields}\r\n"
        );
        if wait {
            w.send(&head);
            let res = w.read("POST");
            assert_eq!(res.status, 100, "{fields:?}: {res:?}");
            w.send(format!("{body}after"));
        } else {
            w.send(format!("{head}{body}after"));
        }
        let res = w.read("POST");
        assert_eq!(res.status, 101, "{fields:?}: {res:?}");
        assert_eq!(w.read_raw(5), b"after", "{fields:?}");
        w.send("more");
        assert_eq!(w.read_raw(4), b"more", "{fields:?}");
    }
    // One longer than the engine discards (`max_discard`, 64 KiB by default) can never be
    // over: the connection closes after the 101, with nothing handed over.
    let mut w = Wire::connect(server.addr);
    w.send(
        "POST /up HTTP/1.1\r\nHost: test\r\nConnection: upgrade\r\nUpgrade: echo\r\n\
         Content-Length: 1000000\r\n\r\nHELLO",
    );
    let res = w.read("POST");
    assert_eq!(res.status, 101, "{res:?}");
    w.expect_closed();
    // So does a chunked one, once more than that has come.
    let mut w = Wire::connect(server.addr);
    w.send(
        "POST /up HTTP/1.1\r\nHost: test\r\nConnection: upgrade\r\nUpgrade: echo\r\n\
         Transfer-Encoding: chunked\r\n\r\n",
    );
    let res = w.read("POST");
    assert_eq!(res.status, 101, "{res:?}");
    let mut body = b"20000\r\n".to_vec();
    body.resize(body.len() + 0x20000, b'x');
    // The server may close while this is still being written.
    let _ = w.try_send(&body);
    w.expect_closed();
    server.stop();
}

/// A response whose body is the request's, to a request that waits for 100 (Continue): the
/// 100 comes before the final head (after a final status a client sends no content, RFC
/// 9110 §10.1.1), and the body comes back whole.
pub(crate) fn a_body_made_of_the_request_s_gets_its_100_first<M: Mount>() {
    let server = start::<M>(App::Faulty);
    let mut w = Wire::connect(server.addr);
    w.send(
        "POST /mirror HTTP/1.1\r\nHost: test\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n",
    );
    let res = w.read("POST");
    assert_eq!(res.status, 100, "{res:?}");
    w.send("HELLO");
    let res = w.read("POST");
    assert_eq!((res.status, res.text().as_str()), (200, "HELLO"), "{res:?}");
    // The exchange is over: the connection carries the next request.
    w.send(get("/ok"));
    let res = w.read("GET");
    assert_eq!((res.status, res.text().as_str()), (200, "ok"), "{res:?}");
    server.stop();
}

/// How far apart a paced body's pieces come (`/slowstream`).
pub(crate) const PACE: Duration = Duration::from_millis(100);

/// The outcomes of request bodies read in the background (`/bg`), by request id.
static OUTCOMES: std::sync::Mutex<Vec<(String, String)>> = std::sync::Mutex::new(Vec::new());

/// The request's `x-id`.
pub(crate) fn request_id(h: &http::HeaderMap) -> String {
    h.get("x-id")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}

/// Notes how the background read of request `id`'s body ended.
pub(crate) fn record_outcome(id: String, outcome: String) {
    if let Ok(mut o) = OUTCOMES.lock() {
        o.push((id, outcome));
    }
}

/// How the background read of request `id`'s body ended, once it has (10 s at most).
fn outcome(id: &str) -> Option<String> {
    let end = Instant::now() + Duration::from_secs(10);
    while Instant::now() < end {
        let found = OUTCOMES
            .lock()
            .ok()
            .and_then(|o| o.iter().find(|(i, _)| i == id).map(|(_, r)| r.clone()));
        if found.is_some() {
            return found;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    None
}

/// A response body that is slow to come, to a request expecting 100 (Continue) whose body
/// the handler never reads: a streamed response may still come to read it, so the 100
/// comes first on every driver; the response comes whole, its end included, and the
/// connection (the body sent and discarded) carries the next request.
pub(crate) fn a_slow_answer_to_a_request_expecting_100_comes_whole<M: Mount>() {
    let server = start::<M>(App::Faulty);
    let mut w = Wire::connect(server.addr);
    w.send(
        "POST /slowstream HTTP/1.1\r\nHost: test\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n",
    );
    let res = w.read("POST");
    assert_eq!(res.status, 100, "{res:?}");
    w.send("hello");
    let res = w.read("POST");
    assert_eq!((res.status, res.text().as_str()), (200, "abc"), "{res:?}");
    assert!(res.chunked, "{res:?}");
    w.send(get("/ok"));
    let res = w.read("GET");
    assert_eq!((res.status, res.text().as_str()), (200, "ok"), "{res:?}");
    server.stop();
}

/// A request body the handler reads after its exchange is over (here in a thread of its own,
/// the handler having answered at once) is cut short, and the reader is told so: it never
/// takes the part that had come for the whole.
pub(crate) fn a_body_read_after_its_exchange_is_over_is_cut_short<M: Mount>() {
    let server = start::<M>(App::Faulty);
    let mut w = Wire::connect(server.addr);
    let id = format!("{}-cut", M::NAME);
    w.send(format!(
        "POST /bg HTTP/1.1\r\nHost: test\r\nx-id: {id}\r\nContent-Length: 10\r\n\r\nabc"
    ));
    let res = w.read("POST");
    assert_eq!((res.status, res.text().as_str()), (200, "ok"), "{res:?}");
    let outcome = outcome(&id);
    assert!(
        outcome.as_deref().is_some_and(|o| o.starts_with("error")),
        "{outcome:?}"
    );
    server.stop();
}

/// A body the handler gives a 204 or 304 is dropped (those have no content, RFC 9110
/// §15.3.5, §15.4.5): the head goes as it is, and the connection answers the request
/// pipelined after it.
pub(crate) fn a_body_given_to_a_204_or_304_is_dropped<M: Mount>() {
    let server = start::<M>(App::Faulty);
    let mut w = Wire::connect(server.addr);
    w.send(format!(
        "{}{}{}",
        get("/204body"),
        get("/304body"),
        get("/ok")
    ));
    for status in [204, 304] {
        let res = w.read("GET");
        assert_eq!((res.status, res.text().as_str()), (status, ""), "{res:?}");
    }
    let res = w.read("GET");
    assert_eq!((res.status, res.text().as_str()), (200, "ok"), "{res:?}");
    server.stop();
}

/// What the applications answer on `/peer`: the peer's address they were given, or `none`.
pub(crate) fn peer(addr: Option<std::net::SocketAddr>) -> String {
    addr.map_or_else(|| "none".to_owned(), |a| a.to_string())
}

/// With `peer_addr` set, each request carries the address of the peer it came from; without
/// it, none.
pub(crate) fn the_handler_knows_the_peer_s_address<M: Mount>() {
    for on in [true, false] {
        let server = M::start(
            App::Faulty,
            TestConfig {
                peer_addr: on,
                ..TestConfig::default()
            },
        );
        let mut w = Wire::connect(server.addr);
        let expected = if on {
            w.local_addr().to_string()
        } else {
            "none".to_owned()
        };
        for _ in 0..2 {
            w.send(get("/peer"));
            let res = w.read("GET");
            assert_eq!((res.status, res.text()), (200, expected.clone()), "{res:?}");
        }
        server.stop();
    }
}

/// A body whose length is known and that ends with trailers is chunked, the one framing that
/// carries them (RFC 9112 §7.1.2).
pub(crate) fn trailers_of_a_sized_body_are_sent<M: Mount>() {
    let server = start::<M>(App::Faulty);
    let mut w = Wire::connect(server.addr);
    w.send(get("/sized-trailers"));
    let res = w.read("GET");
    assert_eq!(
        (res.status, res.text().as_str()),
        (200, "abcdef"),
        "{res:?}"
    );
    assert!(res.chunked, "{res:?}");
    assert!(
        res.trailers
            .iter()
            .any(|(n, v)| n.eq_ignore_ascii_case("x-trailer") && v == b"tval"),
        "{res:?}"
    );
    server.stop();
}

/// A client that sends its head too slowly gets 408 after the header-read timeout, then the
/// close.
pub(crate) fn header_timeout_408<M: Mount>() {
    let cfg = TestConfig {
        header_read: SHORT,
        ..TestConfig::default()
    };
    let server = M::start(App::Echo, cfg);
    let mut w = Wire::connect(server.addr);
    w.send("GET /slow HTTP/1.1\r\nHost: te");
    let res = w.read("GET");
    assert_eq!(res.status, 408, "{res:?}");
    w.expect_closed();
    // A client that sends nothing at all is cut off too (408 or a quiet close).
    let mut w = Wire::connect(server.addr);
    match w.try_read("GET") {
        Ok(r) => assert_eq!(r.status, 408, "{r:?}"),
        Err(ReadError::Closed { partial }) => assert!(partial.is_empty()),
        Err(e) => panic!("expected 408 or the close, got {e:?}"),
    }
    server.stop();
}

/// A client that stops sending its body is cut off after the body-read timeout: an error
/// status (408, or the echo application's 400 for a body that failed), then the close.
pub(crate) fn body_timeout<M: Mount>() {
    let cfg = TestConfig {
        body_read: SHORT,
        ..TestConfig::default()
    };
    let server = M::start(App::Echo, cfg);
    let mut w = Wire::connect(server.addr);
    w.send("POST /b HTTP/1.1\r\nHost: test\r\nContent-Length: 10\r\n\r\nabc");
    match w.try_read("POST") {
        Ok(res) => assert!(matches!(res.status, 400 | 408), "{res:?}"),
        Err(e) => panic!("expected 408 (or 400), got {e:?}"),
    }
    w.expect_closed();
    server.stop();
}

/// A kept-alive connection quiet for longer than `header_read` (within `idle`), then a
/// whole request: answered, its head timed from its first byte, not from the start of the
/// quiet spell.
pub(crate) fn a_request_after_a_quiet_spell_longer_than_header_read_is_answered<M: Mount>() {
    let cfg = TestConfig {
        header_read: SHORT,
        idle: Duration::from_secs(30),
        ..TestConfig::default()
    };
    let server = M::start(App::Echo, cfg);
    let mut w = Wire::connect(server.addr);
    w.send(get("/one"));
    assert_eq!(w.read("GET").status, 200);
    std::thread::sleep(SHORT * 3);
    w.send(get("/two"));
    let res = w.read("GET");
    assert_eq!(res.status, 200, "{res:?}");
    drop(w);
    server.stop();
}

/// An idle kept-alive connection is closed after the idle timeout, quietly.
pub(crate) fn idle_timeout<M: Mount>() {
    let cfg = TestConfig {
        idle: SHORT,
        header_read: Duration::from_secs(30),
        ..TestConfig::default()
    };
    let server = M::start(App::Echo, cfg);
    let mut w = Wire::connect(server.addr);
    w.send(get("/once"));
    let res = w.read("GET");
    assert!(!res.says_close(), "{res:?}");
    // The safety timeout (10 s) is far above the idle (0.3 s) and below the header read (30 s).
    w.expect_closed();
    server.stop();
}

/// With `max_connections = 2`, a third client waits in the backlog (not refused) and is
/// served once one of the first two closes.
pub(crate) fn connection_limit<M: Mount>() {
    let cfg = TestConfig {
        max_connections: 2,
        ..TestConfig::default()
    };
    let server = M::start(App::Echo, cfg);
    let mut a = Wire::connect(server.addr);
    let mut b = Wire::connect(server.addr);
    for (w, name) in [(&mut a, "/a"), (&mut b, "/b")] {
        w.send(get(name));
        assert_echo(&w.read("GET"), "GET", name, b"");
    }
    let mut c = Wire::connect(server.addr);
    c.send(get("/c"));
    assert!(
        c.quiet_for(Duration::from_millis(300)),
        "a third connection was served while two were open"
    );
    drop(a);
    assert_echo(&c.read("GET"), "GET", "/c", b"");
    b.send(get("/b2"));
    assert_echo(&b.read("GET"), "GET", "/b2", b"");
    drop((b, c));
    server.stop();
}

/// Graceful shutdown: a request in flight is answered (with `Connection: close`), an idle
/// connection is closed at once, `serve` returns, and the port no longer accepts.
pub(crate) fn graceful_shutdown<M: Mount>() {
    let probe = Probe::new();
    let server = start::<M>(App::Slow {
        delay: Duration::from_millis(400),
        probe: probe.clone(),
    });
    let mut idle = Wire::connect(server.addr);
    idle.send(get("/quick"));
    assert_eq!(idle.read("GET").text(), "quick");
    let mut busy = Wire::connect(server.addr);
    busy.send(get("/slow"));
    probe.wait(1);
    server.shutdown();
    idle.expect_closed();
    let res = busy.read("GET");
    assert_eq!((res.status, res.text().as_str()), (200, "slept"), "{res:?}");
    assert!(
        res.says_close(),
        "a response during shutdown says close: {res:?}"
    );
    busy.expect_closed();
    let addr = server.addr;
    if let Err(e) = server.join(SAFETY) {
        panic!("serve returned an error: {e}");
    }
    // The listener is gone: a connection is refused (or at least never answered).
    if let Ok(mut w) = Wire::try_connect(addr) {
        let _ = w.try_send(get("/late"));
        assert!(
            w.try_read("GET").is_err(),
            "served a request after shutdown"
        );
    }
}

/// A request of which some bytes had come when a graceful shutdown began is the exchange
/// under way: it is read and answered (saying close), while an idle connection closes.
pub(crate) fn a_request_begun_before_a_shutdown_is_answered<M: Mount>() {
    let server = start::<M>(App::Faulty);
    let mut idle = Wire::connect(server.addr);
    let mut begun = Wire::connect(server.addr);
    begun.send("GET /ok HTTP/1.1\r\nHo");
    // The server has read those bytes by then.
    std::thread::sleep(Duration::from_millis(500));
    server.shutdown();
    idle.expect_closed();
    begun.send("st: test\r\n\r\n");
    let res = begun.read("GET");
    assert_eq!((res.status, res.text().as_str()), (200, "ok"), "{res:?}");
    assert!(res.says_close(), "{res:?}");
    begun.expect_closed();
    if let Err(e) = server.join(SAFETY) {
        panic!("serve returned an error: {e}");
    }
}

/// A handler that panics: 500 with Content-Length 0, and the server goes on serving.
pub(crate) fn panic_is_500<M: Mount>() {
    let server = start::<M>(App::Faulty);
    let mut w = Wire::connect(server.addr);
    w.send(get("/panic"));
    let res = w.read("GET");
    assert_eq!(res.status, 500, "{res:?}");
    assert_recent_date(&res);
    assert_eq!(res.header("content-length"), Some("0"), "{res:?}");
    if !res.says_close() {
        w.send(get("/ok"));
        let res = w.read("GET");
        assert_eq!((res.status, res.text().as_str()), (200, "ok"), "{res:?}");
    }
    let mut w = Wire::connect(server.addr);
    w.send(get("/ok"));
    assert_eq!(w.read("GET").text(), "ok");
    drop(w);
    server.stop();
}

/// A handler that returns an error: 500 with Content-Length 0, and the server goes on.
pub(crate) fn error_is_500<M: Mount>() {
    let server = start::<M>(App::Faulty);
    let mut w = Wire::connect(server.addr);
    w.send(get("/error"));
    let res = w.read("GET");
    assert_eq!(res.status, 500, "{res:?}");
    assert_eq!(res.header("content-length"), Some("0"), "{res:?}");
    // An interim status is no answer either: the 500 follows it.
    let mut w = Wire::connect(server.addr);
    w.send(get("/interim"));
    let mut res = w.read("GET");
    if res.status == 103 {
        res = w.read("GET");
    }
    assert_eq!(res.status, 500, "{res:?}");
    assert_eq!(res.header("content-length"), Some("0"), "{res:?}");
    let mut w = Wire::connect(server.addr);
    w.send(get("/ok"));
    assert_eq!(w.read("GET").text(), "ok");
    drop(w);
    server.stop();
}

/// A response body that fails after the head was sent: the connection closes mid-body, so
/// the client sees an incomplete message (never a clean end).
pub(crate) fn body_error_cuts_the_response<M: Mount>() {
    let server = start::<M>(App::Faulty);
    let mut w = Wire::connect(server.addr);
    w.send(get("/error-mid"));
    match w.try_read("GET") {
        Err(ReadError::Closed { partial }) => {
            assert!(
                partial.starts_with(b"HTTP/1.1 200"),
                "{:?}",
                String::from_utf8_lossy(&partial)
            );
        }
        Err(ReadError::Io(e)) if e.kind() == io::ErrorKind::ConnectionReset => {}
        other => panic!("expected an incomplete response, got {other:?}"),
    }
    let mut w = Wire::connect(server.addr);
    w.send(get("/ok"));
    assert_eq!(w.read("GET").text(), "ok");
    drop(w);
    server.stop();
}

/// A malformed request: 400, then the close.
pub(crate) fn bad_request_400<M: Mount>() {
    let server = start::<M>(App::Echo);
    let mut w = Wire::connect(server.addr);
    w.send("GET / HTTP/1.1\r\nHost: test\r\nBad Header\r\n\r\n");
    let res = w.read("GET");
    assert_eq!(res.status, 400, "{res:?}");
    assert_recent_date(&res);
    w.expect_closed();
    server.stop();
}

/// Content-Length with Transfer-Encoding (the classic smuggling vector): 400 and the close,
/// and the request hidden in the body is never answered.
pub(crate) fn smuggling_is_refused<M: Mount>() {
    let server = start::<M>(App::Echo);
    let mut w = Wire::connect(server.addr);
    w.send(
        "POST / HTTP/1.1\r\nHost: test\r\nContent-Length: 43\r\nTransfer-Encoding: chunked\r\n\r\n\
         0\r\n\r\nGET /smuggled HTTP/1.1\r\nHost: test\r\n\r\n",
    );
    let res = w.read("POST");
    assert_eq!(res.status, 400, "{res:?}");
    w.expect_closed();
    server.stop();
}

/// A 64 MiB request body streams through the application piece by piece: while the
/// application holds still, the client can get at most a bounded amount ahead of it (the
/// driver never buffers the body whole), and every byte arrives.
pub(crate) fn large_request_body_streams<M: Mount>() {
    let meter = Meter::gated();
    let server = start::<M>(App::Sink {
        meter: meter.clone(),
    });
    let mut w = Wire::connect(server.addr);
    w.send(format!(
        "POST /sink HTTP/1.1\r\nHost: test\r\nContent-Length: {LARGE}\r\n\r\n"
    ));
    let written = Arc::new(AtomicU64::new(0));
    let mut out = w.stream().try_clone().expect("clone");
    out.set_write_timeout(None).expect("write timeout");
    let writer = {
        let written = written.clone();
        std::thread::spawn(move || -> io::Result<()> {
            let mut sent = 0u64;
            while sent < LARGE {
                let n = (LARGE - sent).min(PIECE as u64) as usize;
                out.write_all(pattern_at(sent, n))?;
                sent += n as u64;
                written.store(sent, Ordering::SeqCst);
            }
            Ok(())
        })
    };
    let ahead = settled(|| written.load(Ordering::SeqCst));
    let consumed = meter.bytes();
    meter.open();
    assert!(
        ahead <= IN_FLIGHT_BOUND,
        "the client got {ahead} bytes ahead of an application that had consumed {consumed}: \
         the body is buffered, not streamed"
    );
    writer.join().expect("writer").expect("writing the body");
    let res = w.read("POST");
    assert_eq!(
        (res.status, res.text()),
        (200, LARGE.to_string()),
        "{res:?}"
    );
    assert!(
        meter.max_piece() <= 1 << 20,
        "the application got a piece of {} bytes",
        meter.max_piece()
    );
    drop(w);
    server.stop();
}

/// A 64 MiB response body streams: while the client does not read, the application can
/// produce at most a bounded amount ahead of it; then every byte arrives, in order.
pub(crate) fn large_response_body_streams<M: Mount>() {
    let meter = Meter::new();
    let server = start::<M>(App::Source {
        len: LARGE,
        meter: meter.clone(),
    });
    let mut w = Wire::connect(server.addr);
    w.send(get("/source"));
    let produced = settled(|| meter.bytes());
    assert!(
        produced <= IN_FLIGHT_BOUND,
        "the application produced {produced} bytes for a client that read none: the body is \
         buffered, not streamed"
    );
    let mut got = 0u64;
    let mut same = true;
    let res = w
        .try_read_with("GET", &mut |piece| {
            let mut at = 0;
            while at < piece.len() {
                let n = (piece.len() - at).min(PIECE);
                same &= piece[at..at + n] == *pattern_at(got, n);
                got += n as u64;
                at += n;
            }
        })
        .unwrap_or_else(|e| panic!("reading the large body after {got} bytes: {e:?}"));
    assert_eq!(res.status, 200, "{res:?}");
    assert_eq!(got, LARGE);
    assert!(same, "the body's bytes differ from the pattern");
    drop(w);
    server.stop();
}

/// A response held in memory whole (the echo of a large body, one frame), read steadily but
/// slowly, so that writing it lasts several times the write timeout while no single wait
/// for the reader comes near it: it arrives whole. The timeout bounds each wait for a peer
/// that does not read, not the time a large response takes.
pub(crate) fn a_steady_reader_gets_a_large_response_whole<M: Mount>() {
    let server = M::start(
        App::Echo,
        TestConfig {
            write_timeout: Duration::from_millis(300),
            ..TestConfig::default()
        },
    );
    let mut w = Wire::connect(server.addr);
    let sent = "e".repeat(12 << 20);
    w.send(post("/large", &sent));
    let (mut body, mut next_pause) = (Vec::new(), 512usize << 10);
    let start = Instant::now();
    let read = w.try_read_with("POST", &mut |piece| {
        body.extend_from_slice(piece);
        // 40 ms per 512 KiB of the 16 MiB response: over a second in all.
        if body.len() >= next_pause {
            std::thread::sleep(Duration::from_millis(40));
            next_pause += 512 << 10;
        }
    });
    let mut res = read.unwrap_or_else(|e| panic!("after {} bytes: {e:?}", body.len()));
    assert!(
        start.elapsed() > Duration::from_millis(900),
        "read too fast to test anything: {:?}",
        start.elapsed()
    );
    res.body = body;
    assert_echo(&res, "POST", "/large", sent.as_bytes());
    server.stop();
}

/// A peer that reads nothing of a large response is cut off once a write has waited the
/// write timeout: the connection ends short of the response, and the server stops at once.
pub(crate) fn a_peer_that_reads_nothing_is_cut_off<M: Mount>() {
    let server = M::start(
        App::Echo,
        TestConfig {
            write_timeout: Duration::from_millis(300),
            ..TestConfig::default()
        },
    );
    let mut w = Wire::connect(server.addr);
    let sent = "e".repeat(24 << 20);
    w.send(post("/large", &sent));
    // Once the response has begun (the echo takes its time over 24 MiB in a debug build),
    // far longer than the timeout: the server's writes have waited for it by now.
    let mut first = [0u8; 1];
    w.set_read_timeout(Duration::from_secs(60));
    w.stream().peek(&mut first).expect("the response begins");
    std::thread::sleep(Duration::from_millis(1500));
    let mut got = 0usize;
    let read = w.try_read_with("POST", &mut |piece| got += piece.len());
    assert!(read.is_err(), "the whole response came after {got} bytes");
    assert!(got < 32 << 20, "{got} bytes");
    let start = Instant::now();
    server.stop();
    assert!(
        start.elapsed() < Duration::from_secs(3),
        "{:?}",
        start.elapsed()
    );
}

// ----- files sent by the driver -----

/// The smaller file of [`App::Files`]: larger than a loopback socket's buffer, so that
/// sending it waits for the reader several times.
const FILE_LEN: usize = 3 * 1024 * 1024 + 123;

/// The larger file, at `/big`: more than loopback sockets' buffers take, so that a slow
/// reader makes sending it last.
const BIG_FILE: usize = 32 << 20;

/// The smaller file's bytes.
fn file_content() -> Vec<u8> {
    (0..FILE_LEN).map(|i| (i * 7 + i / 251) as u8).collect()
}

/// The files of one [`App::Files`] server, removed when dropped.
struct TempFiles {
    small: workspace_tests::TempFile,
    big: workspace_tests::TempFile,
}

impl TempFiles {
    /// Files of their own: [`file_content`], and [`BIG_FILE`] bytes of 7 if `big` (empty
    /// otherwise).
    fn new(big: bool) -> Self {
        let big = if big { vec![7u8; BIG_FILE] } else { Vec::new() };
        Self {
            small: workspace_tests::TempFile::new("files-small", &file_content()),
            big: workspace_tests::TempFile::new("files-big", &big),
        }
    }

    /// The application serving them; `/slow` takes `slow`.
    fn app(&self, slow: Duration) -> App {
        App::Files {
            small: self.small.0.clone(),
            big: self.big.0.clone(),
            slow,
        }
    }
}

/// Files sent from the file by the driver (`sendfile(2)` on Linux): whole and larger than a
/// socket's buffer, then HEAD (the length a GET gets, no body) and a range on the same
/// connection; pipelined, each whole and in order; a head that frames the file otherwise
/// gets a 500 with nothing of the file, a 304 no body, and the connection goes on; a
/// handler slower than the wait for the next request does not have its connection closed
/// (the wait counts from its answer); HTTP/1.0 framed by length, then closed; a file shorter
/// than its range ends the connection after what there was.
pub(crate) fn files_are_sent_by_the_driver<M: Mount>() {
    let files = TempFiles::new(false);
    let cfg = TestConfig {
        idle: Duration::from_millis(500),
        ..TestConfig::default()
    };
    let server = M::start(files.app(Duration::from_millis(800)), cfg);
    let want = file_content();
    let range = &want[5..15];

    let mut w = Wire::connect(server.addr);
    w.send(get("/whole"));
    let res = w.read("GET");
    assert_eq!(
        (res.version.as_str(), res.status),
        ("HTTP/1.1", 200),
        "{res:?}"
    );
    assert_eq!(
        res.header("content-length"),
        Some(&*FILE_LEN.to_string()),
        "{res:?}"
    );
    assert!(res.body == want, "the body differs from the file");
    w.send("HEAD /whole HTTP/1.1\r\nHost: test\r\n\r\n");
    let res = w.read("HEAD");
    assert_eq!(
        res.header("content-length"),
        Some(&*FILE_LEN.to_string()),
        "{res:?}"
    );
    w.send(get("/range"));
    let res = w.read("GET");
    assert_eq!((res.status, &res.body[..]), (200, range), "{res:?}");

    let mut w = Wire::connect(server.addr);
    w.send([get("/range"), get("/whole"), get("/empty"), get("/range")].concat());
    assert_eq!(w.read("GET").body, range);
    assert!(
        w.read("GET").body == want,
        "the pipelined whole file differs"
    );
    let res = w.read("GET");
    assert_eq!(
        (res.header("content-length"), res.body.len()),
        (Some("0"), 0),
        "{res:?}"
    );
    assert_eq!(w.read("GET").body, range);

    let mut w = Wire::connect(server.addr);
    for (path, status) in [
        ("/chunked", 500),
        ("/mismatch", 500),
        ("/not-modified", 304),
    ] {
        w.send(get(path));
        let res = w.read("GET");
        assert_eq!(res.status, status, "{path}: {res:?}");
        // Nothing of the file; what follows would show any of it as a bad response.
        assert!(
            res.header("transfer-encoding").is_none() && res.body.is_empty(),
            "{path}: {res:?}"
        );
    }
    w.send(get("/range"));
    assert_eq!(w.read("GET").body, range);

    let mut w = Wire::connect(server.addr);
    w.send(get("/slow"));
    assert_eq!(w.read("GET").status, 200);
    w.send(get("/range"));
    match w.try_read("GET") {
        Ok(res) => assert_eq!(res.body, range),
        Err(e) => panic!("the connection ended after a slow answer: {e:?}"),
    }

    let mut w = Wire::connect(server.addr);
    w.send("GET /range HTTP/1.0\r\n\r\n");
    let res = w.read("GET");
    assert_eq!(
        (res.header("content-length"), &res.body[..]),
        (Some("10"), range)
    );
    w.expect_end_of_input();

    let mut w = Wire::connect(server.addr);
    w.send(get("/short"));
    let mut body = Vec::new();
    match w.try_read_with("GET", &mut |b| body.extend_from_slice(b)) {
        Err(ReadError::Closed { partial }) => {
            let head = String::from_utf8_lossy(&partial).to_ascii_lowercase();
            assert!(head.contains("content-length: 150\r\n"), "{head}");
        }
        other => panic!("expected the close after a short body, got {other:?}"),
    }
    assert_eq!(body, want[FILE_LEN - 50..]);
    server.stop();
}

/// The larger file read slowly, so that sending it lasts longer than the wait for the next
/// request; then another request at once on the same connection, which must be answered:
/// that wait counts from the end of the send, not from its start.
pub(crate) fn a_slow_reader_of_a_file_keeps_its_connection<M: Mount>() {
    let files = TempFiles::new(true);
    let cfg = TestConfig {
        idle: Duration::from_millis(500),
        ..TestConfig::default()
    };
    let server = M::start(files.app(Duration::ZERO), cfg);
    let mut w = Wire::connect(server.addr);
    w.send(get("/big"));
    let (mut got, mut wrong, mut next_pause) = (0usize, false, 1usize << 20);
    let read = w.try_read_with("GET", &mut |b| {
        wrong |= b.iter().any(|&x| x != 7);
        got += b.len();
        // Slowly for the first half (a pause per MiB, over 1 s in all: twice the wait),
        // while the server is still sending, as the file is more than the loopback sockets'
        // buffers take; the rest at once, so that the next request follows the end of the
        // send by far less than the wait.
        if got >= next_pause && got < BIG_FILE / 2 {
            std::thread::sleep(Duration::from_millis(70));
            next_pause += 1 << 20;
        }
    });
    let res = read.expect("the response to /big");
    assert_eq!(
        res.header("content-length"),
        Some(&*BIG_FILE.to_string()),
        "{res:?}"
    );
    assert!(got == BIG_FILE && !wrong, "the body differs from the file");
    w.send(get("/range"));
    match w.try_read("GET") {
        Ok(res) => assert_eq!(res.body, file_content()[5..15]),
        Err(e) => panic!("the connection ended after the slow read: {e:?}"),
    }
    server.stop();
}

/// Expands one `#[test]` per check for a mount: `suite!(Mount)`. Every check is listed here
/// alone, so that none is left out of any mount.
#[allow(unused_macros)]
macro_rules! suite {
    ($mount:ty) => {
        $crate::conformance::suite!(@ $mount;
            echo_reports_the_request,
            keep_alive,
            pipelining,
            head_has_no_body,
            http10_closes,
            chunked_request_body,
            chunked_response,
            trailers,
            continue_when_the_body_is_read,
            no_continue_without_reading,
            a_dropped_body_too_long_to_discard_has_its_answer_say_close,
            a_body_dropped_before_a_wait_has_its_answer_say_close,
            a_handler_failing_on_the_client_s_body_error_answers_its_status,
            upgrade,
            header_timeout_408,
            body_timeout,
            a_request_after_a_quiet_spell_longer_than_header_read_is_answered,
            idle_timeout,
            connection_limit,
            graceful_shutdown,
            panic_is_500,
            error_is_500,
            body_error_cuts_the_response,
            bad_request_400,
            smuggling_is_refused,
            large_request_body_streams,
            large_response_body_streams,
            files_are_sent_by_the_driver,
            a_slow_reader_of_a_file_keeps_its_connection,
            a_steady_reader_gets_a_large_response_whole,
            a_body_made_of_the_request_s_gets_its_100_first,
            trailers_of_a_sized_body_are_sent,
            a_peer_that_reads_nothing_is_cut_off,
            the_handler_knows_the_peer_s_address,
            a_slow_answer_to_a_request_expecting_100_comes_whole,
            a_body_read_after_its_exchange_is_over_is_cut_short,
            a_body_given_to_a_204_or_304_is_dropped,
            a_request_begun_before_a_shutdown_is_answered,
        );
    };
    (@ $mount:ty; $($check:ident),* $(,)?) => {
        $(
            #[test]
            fn $check() {
                $crate::conformance::$check::<$mount>();
            }
        )*
    };
}
#[allow(unused_imports)]
pub(crate) use suite;
