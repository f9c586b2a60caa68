//! Scenarios of the server role driven by hand: timers, 100-continue, early responses,
//! protocol switches, response framing, pipelining and errors.

use super::*;
use crate::event::{RequestHead, ResponseHead, Version};
use crate::limits::Config;
use crate::parse::testing::{self, Incremental, Outcome};
use alloc::string::ToString;
use alloc::vec::Vec;
use core::time::Duration;

fn at(secs: u64) -> Instant {
    Instant::from_duration(Duration::from_secs(secs))
}

fn server() -> Connection {
    Connection::server(Config::default(), Instant::ZERO)
}

fn wire(conn: &mut Connection) -> Vec<u8> {
    let waiting = conn.transmit_len();
    let mut out = Vec::new();
    while let Some(piece) = conn.poll_transmit() {
        out.extend_from_slice(&piece);
    }
    assert_eq!(out.len(), waiting, "the count of bytes waiting");
    out
}

fn text(b: &[u8]) -> alloc::string::String {
    alloc::string::String::from_utf8_lossy(b).into_owned()
}

#[track_caller]
fn event(conn: &mut Connection) -> Event {
    match conn.poll_event() {
        Ok(Polled::Event(e)) => e,
        other => panic!("expected an event, got {other:?}"),
    }
}

#[track_caller]
fn request(conn: &mut Connection) -> RequestHead {
    match event(conn) {
        Event::Request(r) => r,
        other => panic!("expected a request, got {other:?}"),
    }
}

fn respond(conn: &mut Connection, status: u16, body: &'static [u8]) {
    let mut res = ResponseHead::new(status);
    let mut digits = [0; 20];
    res.headers.append(
        "Content-Length",
        serialize::decimal(body.len() as u64, &mut digits),
    );
    conn.send_response(res).unwrap();
    conn.send_data(Bytes::from_static(body)).unwrap();
    conn.send_end(Headers::new()).unwrap();
}

const GET: &[u8] = b"GET / HTTP/1.1\r\nHost: a\r\n\r\n";

// ----- timers -----

#[test]
fn a_slow_head_gets_408_and_a_close() {
    let mut c = server();
    c.feed(at(1), b"GET / HTTP/1.1\r\nHo");
    assert_eq!(c.poll_event(), Ok(Polled::NeedData));
    let d = c.poll_timeout().unwrap();
    // The first head counts from the connection's start.
    assert_eq!((d.kind, d.at), (TimerKind::HeaderRead, at(30)));
    c.handle_timeout(at(29));
    assert_eq!(c.poll_event(), Ok(Polled::NeedData));
    c.handle_timeout(at(30));
    assert_eq!(c.poll_event(), Err(RemoteError::HeaderTimeout));
    assert_eq!(c.send_error_response(), Ok(true));
    assert!(text(&wire(&mut c)).starts_with("HTTP/1.1 408 Request Timeout\r\n"));
    assert!(c.should_close());
    assert_eq!(c.poll_timeout(), None);
}

#[test]
fn a_silent_connection_closes_quietly() {
    let mut c = server();
    let d = c.poll_timeout().unwrap();
    assert_eq!((d.kind, d.at), (TimerKind::Idle, at(30)));
    c.handle_timeout(at(30));
    assert_eq!(c.poll_event(), Err(RemoteError::IdleTimeout));
    assert_eq!(c.send_error_response(), Ok(false));
    assert!(wire(&mut c).is_empty());
    assert!(c.should_close());
}

#[test]
fn idle_and_header_deadlines_follow_each_exchange() {
    let mut c = server();
    c.feed(at(1), GET);
    request(&mut c);
    assert_eq!(event(&mut c), Event::End(Headers::new()));
    // While the application works on the response, nothing is timed.
    assert_eq!(c.poll_timeout(), None);
    c.handle_timeout(at(10));
    respond(&mut c, 200, b"");
    let d = c.poll_timeout().unwrap();
    assert_eq!((d.kind, d.at), (TimerKind::Idle, at(10 + 75)));
    c.feed(at(20), b"GET");
    assert_eq!(c.poll_event(), Ok(Polled::NeedData));
    let d = c.poll_timeout().unwrap();
    assert_eq!((d.kind, d.at), (TimerKind::HeaderRead, at(50)));
    c.handle_timeout(at(84));
    assert_eq!(c.poll_event(), Err(RemoteError::HeaderTimeout));
}

#[test]
fn an_idle_kept_alive_connection_times_out_quietly_and_holds_no_buffer() {
    let mut c = server();
    c.feed(at(0), GET);
    request(&mut c);
    event(&mut c);
    respond(&mut c, 200, b"hi");
    assert_eq!(c.poll_event(), Ok(Polled::NeedData));
    assert_eq!(
        c.recv.capacity(),
        0,
        "an idle connection holds no read buffer"
    );
    c.handle_timeout(at(75));
    assert_eq!(c.poll_event(), Err(RemoteError::IdleTimeout));
    assert!(c.should_close());
}

#[test]
fn a_stalled_body_gets_408_before_the_response_and_a_quiet_close_after() {
    let post = b"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 10\r\n\r\nhello";
    let mut c = server();
    c.feed(at(0), post);
    request(&mut c);
    assert_eq!(event(&mut c), Event::Data(Bytes::from_static(b"hello")));
    assert_eq!(c.poll_event(), Ok(Polled::NeedData));
    let d = c.poll_timeout().unwrap();
    assert_eq!((d.kind, d.at), (TimerKind::BodyRead, at(60)));
    // Progress pushes the deadline back.
    c.feed(at(50), b"12");
    assert_eq!(event(&mut c), Event::Data(Bytes::from_static(b"12")));
    assert_eq!(c.poll_event(), Ok(Polled::NeedData));
    assert_eq!(c.poll_timeout().unwrap().at, at(110));
    c.handle_timeout(at(110));
    assert_eq!(c.poll_event(), Err(RemoteError::BodyTimeout));
    assert_eq!(c.send_error_response(), Ok(true));
    assert!(text(&wire(&mut c)).starts_with("HTTP/1.1 408 "));

    let mut c = server();
    c.feed(at(0), post);
    request(&mut c);
    event(&mut c);
    c.send_response(ResponseHead::new(200)).unwrap();
    assert_eq!(c.poll_event(), Ok(Polled::NeedData));
    c.handle_timeout(at(60));
    assert_eq!(c.poll_event(), Err(RemoteError::BodyTimeout));
    assert_eq!(
        c.send_error_response(),
        Ok(false),
        "the response has started"
    );
    // The response may still be finished; then the connection closes.
    assert!(!c.should_close());
    c.send_end(Headers::new()).unwrap();
    assert!(c.should_close());
}

#[test]
fn timeouts_can_be_switched_off() {
    let mut cfg = Config::default();
    cfg.timeouts.header_read = None;
    cfg.timeouts.idle = None;
    let c = Connection::server(cfg, Instant::ZERO);
    assert_eq!(c.poll_timeout(), None);
}

// ----- 100-continue -----

const EXPECT: &[u8] =
    b"POST / HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n";

#[test]
fn continue_then_read_the_body() {
    let mut c = server();
    c.feed(at(0), EXPECT);
    request(&mut c);
    assert!(c.expects_continue());
    c.send_continue().unwrap();
    assert!(!c.expects_continue());
    assert_eq!(wire(&mut c), b"HTTP/1.1 100 Continue\r\n\r\n");
    assert_eq!(c.send_continue(), Err(LocalError::NoContinueExpected));
    c.feed(at(0), b"hello");
    assert_eq!(event(&mut c), Event::Data(Bytes::from_static(b"hello")));
    event(&mut c);
    respond(&mut c, 200, b"");
    assert!(!c.should_close());
}

#[test]
fn a_final_status_without_continue_closes_the_connection() {
    let mut c = server();
    c.feed(at(0), EXPECT);
    request(&mut c);
    respond(&mut c, 413, b"no");
    let out = text(&wire(&mut c));
    assert!(out.starts_with("HTTP/1.1 413 "), "{out}");
    assert!(out.contains("\r\nConnection: close\r\n"), "{out}");
    assert!(c.should_close());
    // The body, if the client sends it anyway, is never parsed as a request.
    c.feed(at(0), GET);
    assert_eq!(c.poll_event(), Ok(Polled::NeedData));
}

#[test]
fn a_client_that_does_not_wait_for_100_is_read_normally() {
    let mut c = server();
    let mut all = EXPECT.to_vec();
    all.extend_from_slice(b"hello");
    c.feed(at(0), &all);
    request(&mut c);
    assert_eq!(event(&mut c), Event::Data(Bytes::from_static(b"hello")));
    assert_eq!(event(&mut c), Event::End(Headers::new()));
    // The whole body came: a 100 is pointless, and no close is needed.
    respond(&mut c, 200, b"");
    assert!(!text(&wire(&mut c)).contains("close"));
    assert!(!c.should_close());
}

// ----- early responses -----

#[test]
fn a_small_unread_body_is_discarded_and_the_next_request_parsed() {
    let mut c = server();
    c.feed(
        at(0),
        b"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhel",
    );
    request(&mut c);
    respond(&mut c, 200, b"early");
    c.feed(at(0), b"lo");
    c.feed(at(0), GET);
    // The rest of the body is thrown away; the pipelined request comes next.
    assert_eq!(request(&mut c).target, "/");
    assert!(!c.should_close());
}

/// A server with `max_discard` of 4 that has read a request's `head` (its body to come).
fn discarding_up_to_4(head: &[u8]) -> Connection {
    let mut cfg = Config::default();
    cfg.limits.max_discard = 4;
    let mut c = Connection::server(cfg, Instant::ZERO);
    c.feed(at(0), head);
    request(&mut c);
    c
}

#[test]
fn a_request_body_given_up_early_has_one_budget_in_all() {
    let mut c =
        discarding_up_to_4(b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n");
    assert!(c.discard_body());
    c.feed(at(0), b"3\r\nabc\r\n");
    assert_eq!(c.poll_event(), Ok(Polled::NeedData));
    // The response's end leaves the budget as it was: one byte more than it holds closes.
    respond(&mut c, 200, b"ok");
    assert!(!c.should_close());
    c.feed(at(0), b"2\r\nde\r\n");
    assert_eq!(c.poll_event(), Ok(Polled::NeedData));
    assert!(c.should_close());
}

#[test]
fn a_dropped_body_too_long_to_discard_has_its_response_say_close() {
    // Content-Length leaves more than the budget: the response says close, the engine
    // closes after it, and the request pipelined after this one is not answered.
    let mut c = discarding_up_to_4(b"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\n");
    c.body_dropped();
    respond(&mut c, 405, b"");
    assert!(text(&wire(&mut c)).contains("Connection: close\r\n"));
    assert!(c.should_close());
    // At the budget: dropped by the engine, the connection kept for the next request.
    let mut c = discarding_up_to_4(b"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\n\r\n");
    c.body_dropped();
    respond(&mut c, 405, b"");
    assert!(!text(&wire(&mut c)).contains("close"));
    c.feed(at(0), b"abcd");
    c.feed(at(0), GET);
    assert_eq!(request(&mut c).target, "/");
    // A length not known (chunked) is dropped as it comes, within the same budget.
    let mut c =
        discarding_up_to_4(b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n");
    c.body_dropped();
    respond(&mut c, 405, b"");
    assert!(!text(&wire(&mut c)).contains("close"));
    // No body being received: nothing changes.
    let mut c = discarding_up_to_4(GET);
    c.body_dropped();
    respond(&mut c, 200, b"");
    assert!(!text(&wire(&mut c)).contains("close"));
    assert!(!c.should_close());
}

#[test]
fn a_switch_after_a_given_up_body_passed_its_budget_fails_at_once() {
    let mut c = discarding_up_to_4(
        b"POST / HTTP/1.1\r\nHost: a\r\nUpgrade: foo\r\nConnection: upgrade\r\n\
          Transfer-Encoding: chunked\r\n\r\n",
    );
    assert!(c.discard_body());
    c.feed(at(0), b"5\r\nabcde\r\n");
    assert_eq!(c.poll_event(), Ok(Polled::NeedData));
    let mut res = ResponseHead::new(101);
    res.headers.append("Upgrade", "foo");
    res.headers.append("Connection", "upgrade");
    c.send_response(res).unwrap();
    // As for a body that passes the budget after the switch: nothing to hand over.
    assert_eq!(c.poll_event(), Err(RemoteError::UnreadBodyTooLarge));
    assert!(c.take_leftover().is_none());
    assert!(c.should_close());
}

#[test]
fn a_large_unread_body_closes_the_connection() {
    let mut c = discarding_up_to_4(b"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 10\r\n\r\n");
    respond(&mut c, 200, b"early");
    c.feed(at(0), b"0123456789");
    assert_eq!(c.poll_event(), Ok(Polled::NeedData));
    assert!(c.should_close());
}

// ----- protocol switches -----

#[test]
fn upgrade_hands_over_the_leftover_bytes() {
    let mut c = server();
    c.feed(
        at(0),
        b"GET /chat HTTP/1.1\r\nHost: a\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n\x81\x05hello",
    );
    request(&mut c);
    event(&mut c);
    assert_eq!(c.poll_event(), Ok(Polled::Paused));
    assert_eq!(c.take_leftover(), None);
    let mut res = ResponseHead::new(101);
    res.headers.append("Upgrade", "websocket");
    res.headers.append("Connection", "Upgrade");
    c.send_response(res).unwrap();
    assert_eq!(c.our_state(), HalfState::SwitchedProtocol);
    assert_eq!(c.their_state(), HalfState::SwitchedProtocol);
    assert!(text(&wire(&mut c)).starts_with("HTTP/1.1 101 Switching Protocols\r\n"));
    assert_eq!(c.take_leftover().unwrap(), &b"\x81\x05hello"[..]);
    assert_eq!(c.poll_event(), Ok(Polled::Paused));
}

#[test]
fn a_declined_upgrade_carries_on_with_http() {
    let mut c = server();
    let mut input =
        b"GET / HTTP/1.1\r\nHost: a\r\nConnection: upgrade\r\nUpgrade: x\r\n\r\n".to_vec();
    input.extend_from_slice(GET);
    c.feed(at(0), &input);
    request(&mut c);
    event(&mut c);
    assert_eq!(c.poll_event(), Ok(Polled::Paused));
    respond(&mut c, 200, b"no");
    request(&mut c);
}

#[test]
fn connect_opens_a_tunnel_on_2xx() {
    let mut c = server();
    c.feed(
        at(0),
        b"CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n\x16\x03",
    );
    let r = request(&mut c);
    assert_eq!(r.target, "example.com:443");
    event(&mut c);
    c.send_response(ResponseHead::new(200)).unwrap();
    assert_eq!(
        wire(&mut c),
        b"HTTP/1.1 200 OK\r\n\r\n",
        "no framing fields in a 2xx to CONNECT"
    );
    assert_eq!(c.take_leftover().unwrap(), &b"\x16\x03"[..]);
}

#[test]
fn a_101_without_an_upgrade_request_is_refused() {
    let mut c = server();
    c.feed(at(0), GET);
    request(&mut c);
    assert_eq!(
        c.send_response(ResponseHead::new(101)),
        Err(LocalError::InvalidStatus)
    );
    assert!(wire(&mut c).is_empty());
}

// ----- the request body before a protocol switch -----

/// An upgrade request with `fields` (its framing), as a client sends it.
fn upgrade_post(fields: &str, body: &str) -> Vec<u8> {
    let mut input = Vec::new();
    input.extend_from_slice(
        b"POST /chat HTTP/1.1\r\nHost: a\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n",
    );
    input.extend_from_slice(fields.as_bytes());
    input.extend_from_slice(b"\r\n");
    input.extend_from_slice(body.as_bytes());
    input
}

fn switching() -> ResponseHead {
    let mut res = ResponseHead::new(101);
    res.headers.append("Upgrade", "websocket");
    res.headers.append("Connection", "Upgrade");
    res
}

/// A server application that answers an upgrade request with 101 as soon as its head comes,
/// reading none of its body, then feeds what comes until the connection is handed over: done
/// when [`Connection::take_leftover`] yields, whose bytes go back to the buffer (they are
/// not HTTP's). What it finishes with is every event the application saw after the head.
struct SwitchesAtOnce(Connection, Vec<Event>);

impl SwitchesAtOnce {
    fn new(cfg: Config) -> Self {
        Self(Connection::server(cfg, Instant::ZERO), Vec::new())
    }
}

impl Incremental for SwitchesAtOnce {
    type Output = Vec<Event>;

    fn step(&mut self, buf: &mut BytesMut, eof: bool) -> Result<Option<Vec<Event>>, RemoteError> {
        let c = &mut self.0;
        c.feed(at(0), &buf.split());
        if eof {
            c.feed_eof();
        }
        // As a driver does: every event drained, then the hand-over if it is due.
        loop {
            match c.poll_event()? {
                Polled::Event(Event::Request(_)) => {
                    c.send_response(switching()).unwrap();
                    assert!(text(&wire(c)).starts_with("HTTP/1.1 101 "));
                }
                Polled::Event(e) => self.1.push(e),
                Polled::NeedData | Polled::Paused => break,
            }
        }
        let Some(left) = c.take_leftover() else {
            return Ok(None);
        };
        buf.extend_from_slice(&left);
        assert!(!c.wants_read(), "no more HTTP is read");
        Ok(Some(core::mem::take(&mut self.1)))
    }
}

/// The outcome of `input` through [`SwitchesAtOnce`], the same whole, one byte at a time,
/// split anywhere, and with trailing bytes (the new protocol's, which must be the leftover).
#[track_caller]
fn switch_at_once(input: &[u8], cfg: Config) -> Outcome<Vec<Event>> {
    testing::check(input, || SwitchesAtOnce::new(cfg))
}

#[test]
fn a_body_of_known_length_left_unread_by_a_101_is_discarded() {
    let input = upgrade_post("Content-Length: 10\r\n", "0123456789");
    let seen = switch_at_once(&input, Config::default()).unwrap_done();
    assert_eq!(seen, [], "nothing of the body reaches the application");
    // Exactly the new protocol's bytes are left over.
    let mut c = SwitchesAtOnce::new(Config::default());
    let mut buf = BytesMut::from(&input[..]);
    buf.extend_from_slice(b"\x81\x05hello");
    assert_eq!(c.step(&mut buf, false), Ok(Some(Vec::new())));
    assert_eq!(&buf[..], b"\x81\x05hello");
    assert_eq!(c.0.poll_timeout(), None);
    assert!(!c.0.should_close(), "the socket is handed over");
    // A body already over when the 101 is queued, its end not yet polled: the same.
    let input = upgrade_post("Content-Length: 0\r\n", "");
    assert_eq!(switch_at_once(&input, Config::default()).unwrap_done(), []);
}

#[test]
fn a_chunked_body_left_unread_by_a_101_is_discarded_trailers_and_all() {
    let input = upgrade_post(
        "Transfer-Encoding: chunked\r\n",
        "5\r\nHELLO\r\n3;ext=1\r\nabc\r\n0\r\nTrailer-Field: x\r\n\r\n",
    );
    assert_eq!(switch_at_once(&input, Config::default()).unwrap_done(), []);
    // The chunked coding is still checked: a bad chunk is the peer's error.
    let input = upgrade_post("Transfer-Encoding: chunked\r\n", "5\r\nHELLO\r\nzz\r\n");
    assert_eq!(
        switch_at_once(&input, Config::default()).unwrap_err(),
        RemoteError::InvalidChunkSize
    );
}

#[test]
fn a_body_left_unread_by_a_101_is_discarded_up_to_max_discard() {
    let mut cfg = Config::default();
    cfg.limits.max_discard = 8;
    // At the bound: discarded.
    let input = upgrade_post("Content-Length: 8\r\n", "01234567");
    assert_eq!(switch_at_once(&input, cfg).unwrap_done(), []);
    let input = upgrade_post(
        "Transfer-Encoding: chunked\r\n",
        "5\r\nHELLO\r\n3\r\nabc\r\n0\r\n\r\n",
    );
    assert_eq!(switch_at_once(&input, cfg).unwrap_done(), []);
    // Past it: the connection cannot be handed over, and fails, whatever the split.
    for input in [
        upgrade_post("Content-Length: 9\r\n", "012345678"),
        upgrade_post(
            "Transfer-Encoding: chunked\r\n",
            "5\r\nHELLO\r\n4\r\nabcd\r\n0\r\n\r\n",
        ),
    ] {
        assert_eq!(
            switch_at_once(&input, cfg).unwrap_err(),
            RemoteError::UnreadBodyTooLarge,
            "{}",
            text(&input)
        );
    }
}

#[test]
fn a_body_too_long_to_discard_before_a_switch_fails_the_connection() {
    let mut cfg = Config::default();
    cfg.limits.max_discard = 8;
    let mut c = Connection::server(cfg, Instant::ZERO);
    c.feed(at(0), &upgrade_post("Content-Length: 100\r\n", ""));
    request(&mut c);
    // The declared length is past the bound: the switch fails at once, its 101 sent, with
    // no byte of the body waited for.
    c.send_response(switching()).unwrap();
    assert!(text(&wire(&mut c)).starts_with("HTTP/1.1 101 "));
    assert_eq!(c.poll_event(), Err(RemoteError::UnreadBodyTooLarge));
    assert_eq!(
        c.poll_event(),
        Err(RemoteError::UnreadBodyTooLarge),
        "sticky"
    );
    assert_eq!(c.take_leftover(), None);
    assert!(c.should_close());
    assert!(!c.wants_read());
    assert_eq!(c.poll_timeout(), None);
    assert_eq!(
        c.send_error_response(),
        Ok(false),
        "no response after a 101"
    );
    assert!(wire(&mut c).is_empty());
    assert_eq!(
        RemoteError::UnreadBodyTooLarge.to_string(),
        "unread request body too large to discard before a protocol switch"
    );

    // A chunked body, whose length is known only as it comes, fails at the byte that
    // crosses the bound.
    let mut c = Connection::server(cfg, Instant::ZERO);
    c.feed(
        at(0),
        &upgrade_post("Transfer-Encoding: chunked\r\n", "10\r\n"),
    );
    request(&mut c);
    c.send_response(switching()).unwrap();
    assert_eq!(c.poll_event(), Ok(Polled::NeedData));
    c.feed(at(0), b"01234567");
    assert_eq!(c.poll_event(), Ok(Polled::NeedData));
    assert!(!c.should_close());
    c.feed(at(0), b"8");
    assert_eq!(c.poll_event(), Err(RemoteError::UnreadBodyTooLarge));
    assert!(c.should_close());
    assert_eq!(c.take_leftover(), None);
}

#[test]
fn a_body_read_in_part_before_a_101_has_its_rest_discarded() {
    let mut c = server();
    c.feed(at(0), &upgrade_post("Content-Length: 10\r\n", "01234"));
    request(&mut c);
    assert_eq!(event(&mut c), Event::Data(Bytes::from_static(b"01234")));
    c.send_response(switching()).unwrap();
    assert_eq!(c.take_leftover(), None, "the body is HTTP's");
    assert_eq!(c.poll_event(), Ok(Polled::NeedData));
    assert!(c.wants_read());
    c.feed(at(0), b"5678");
    assert_eq!(c.poll_event(), Ok(Polled::NeedData));
    assert_eq!(c.take_leftover(), None);
    c.feed(at(0), b"9\x81\x00");
    assert_eq!(c.poll_event(), Ok(Polled::Paused));
    assert_eq!(c.take_leftover().as_deref(), Some(&b"\x81\x00"[..]));
    assert_eq!(c.their_state(), HalfState::SwitchedProtocol);
}

#[test]
fn a_body_that_stalls_before_a_switch_times_out() {
    let mut c = server();
    c.feed(at(0), &upgrade_post("Content-Length: 10\r\n", "01"));
    request(&mut c);
    c.send_response(switching()).unwrap();
    assert_eq!(c.poll_event(), Ok(Polled::NeedData));
    let d = c.poll_timeout().unwrap();
    assert_eq!((d.kind, d.at), (TimerKind::BodyRead, at(60)));
    c.handle_timeout(at(60));
    assert_eq!(c.poll_event(), Err(RemoteError::BodyTimeout));
    assert_eq!(c.take_leftover(), None);
    assert!(c.should_close());
}

#[test]
fn a_101_to_a_request_expecting_100_discards_the_body_that_follows_the_100() {
    let mut c = server();
    c.feed(
        at(0),
        &upgrade_post("Content-Length: 5\r\nExpect: 100-continue\r\n", ""),
    );
    request(&mut c);
    assert!(c.expects_continue());
    c.send_response(switching()).unwrap();
    assert!(text(&wire(&mut c)).starts_with("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 101 "));
    c.feed(at(0), b"HELLOafter");
    assert_eq!(c.poll_event(), Ok(Polled::Paused));
    assert_eq!(c.take_leftover().as_deref(), Some(&b"after"[..]));
}

/// A request whose body, of unknown length, turns out empty but ends with trailers goes
/// chunked, the one framing that carries them (RFC 9112 §7.1.2); an HTTP/1.0 one cannot, and
/// goes with a length of 0, its trailers dropped.
#[test]
fn an_empty_body_with_trailers_goes_chunked_where_it_may() {
    let mut trailers = Headers::new();
    trailers.append("X-Checksum", "abc");
    let mut c = client();
    c.send_request(upload("POST", &[])).unwrap();
    c.send_end(trailers.clone()).unwrap();
    let sent = text(&wire(&mut c));
    assert!(
        sent.ends_with("Transfer-Encoding: chunked\r\n\r\n0\r\nX-Checksum: abc\r\n\r\n"),
        "{sent}"
    );
    let mut old = upload("POST", &[]);
    old.version = Version::Http10;
    let mut c = client();
    c.send_request(old).unwrap();
    c.send_end(trailers).unwrap();
    let sent = text(&wire(&mut c));
    assert!(sent.ends_with("Content-Length: 0\r\n\r\n"), "{sent}");
    // Trailers the chunked framing refuses are refused before anything is queued.
    let mut bad = Headers::new();
    bad.append("Content-Length", "5");
    let mut c = client();
    c.send_request(upload("POST", &[])).unwrap();
    assert!(c.send_end(bad).is_err());
    assert!(wire(&mut c).is_empty());
    c.send_end(Headers::new()).unwrap();
    assert!(text(&wire(&mut c)).ends_with("Content-Length: 0\r\n\r\n"));
}

/// RFC 9110 §7.8: a server switching protocols for a request that expects 100 (Continue)
/// sends the 100 first. A 101 while the body still waits for it is the server's error: the
/// request would stay unfinished under the new protocol. After the 100, the switch is
/// taken.
#[test]
fn a_client_refuses_a_101_that_came_before_the_100_its_body_waits_for() {
    let fields = [
        ("Upgrade", "x"),
        ("Connection", "upgrade"),
        ("Expect", "100-continue"),
    ];
    let switched =
        b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: x\r\nConnection: upgrade\r\n\r\nPROTO";
    let mut c = client();
    c.send_request_sized(upload("POST", &fields), 5).unwrap();
    c.send_data(Bytes::from_static(b"hello")).unwrap();
    assert!(c.holds_body());
    c.feed(at(0), switched);
    assert_eq!(c.poll_event(), Err(RemoteError::UnexpectedResponse));

    let mut c = client();
    c.send_request_sized(upload("POST", &fields), 5).unwrap();
    c.send_data(Bytes::from_static(b"hello")).unwrap();
    c.send_end(Headers::new()).unwrap();
    c.feed(at(0), b"HTTP/1.1 100 Continue\r\n\r\n");
    assert_eq!(response(&mut c).status, 100);
    assert!(!c.holds_body());
    assert!(text(&wire(&mut c)).ends_with("\r\n\r\nhello"));
    c.feed(at(0), switched);
    assert_eq!(response(&mut c).status, 101);
    assert_eq!(c.poll_event(), Ok(Polled::Paused));
    assert_eq!(c.take_leftover().as_deref(), Some(&b"PROTO"[..]));
}

// ----- response framing -----

/// A server connection that read `input`, a bodiless request, to its end: its response is
/// next.
fn answering(input: &[u8]) -> Connection {
    let mut c = server();
    c.feed(at(0), input);
    request(&mut c);
    event(&mut c);
    c
}

fn answer(
    input: &[u8],
    res: ResponseHead,
    body: &[&'static [u8]],
    trailers: Headers,
) -> (Connection, alloc::string::String) {
    let mut c = answering(input);
    c.send_response(res).unwrap();
    for b in body {
        c.send_data(Bytes::from_static(b)).unwrap();
    }
    c.send_end(trailers).unwrap();
    let out = text(&wire(&mut c));
    (c, out)
}

#[test]
fn without_a_length_the_engine_chunks_for_1_1_and_closes_for_1_0() {
    let t: Headers = [("X-Sum", "1")].into_iter().collect();
    let (c, out) = answer(
        GET,
        ResponseHead::new(200),
        &[b"hello", b"", b" world"],
        t.clone(),
    );
    assert_eq!(
        out,
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\nX-Sum: 1\r\n\r\n"
    );
    assert!(!c.should_close());
    let (c, out) = answer(
        b"GET / HTTP/1.0\r\n\r\n",
        ResponseHead::new(200),
        &[b"hello"],
        t,
    );
    assert_eq!(out, "HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nhello");
    assert!(c.should_close());
}

#[test]
fn a_kept_alive_1_0_client_is_told_so() {
    let mut res = ResponseHead::new(200);
    res.headers.append("Content-Length", "2");
    let (c, out) = answer(
        b"GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n",
        res,
        &[b"ok"],
        Headers::new(),
    );
    assert_eq!(
        out,
        "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: keep-alive\r\n\r\nok"
    );
    assert!(!c.should_close());
}

#[test]
fn head_responses_keep_their_length_and_drop_their_body() {
    let mut res = ResponseHead::new(200);
    res.headers.append("Content-Length", "5");
    let (_, out) = answer(
        b"HEAD / HTTP/1.1\r\nHost: a\r\n\r\n",
        res,
        &[b"hello"],
        Headers::new(),
    );
    assert_eq!(out, "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n");
}

#[test]
fn an_empty_response_is_framed_by_its_status() {
    let mut c = server();
    c.feed(at(0), &[GET, GET].concat());
    request(&mut c);
    event(&mut c);
    c.send_empty_response(500).unwrap();
    assert_eq!(
        text(&wire(&mut c)),
        "HTTP/1.1 500 Internal Server Error\r\nContent-Length: 0\r\n\r\n"
    );
    request(&mut c);
    event(&mut c);
    c.send_empty_response(204).unwrap();
    assert_eq!(text(&wire(&mut c)), "HTTP/1.1 204 No Content\r\n\r\n");
    assert!(!c.should_close());
}

#[test]
fn the_declared_length_is_enforced_exactly() {
    let mut c = server();
    c.feed(at(0), GET);
    request(&mut c);
    event(&mut c);
    let mut res = ResponseHead::new(200);
    res.headers.append("Content-Length", "3");
    c.send_response(res).unwrap();
    assert_eq!(
        c.send_data(Bytes::from_static(b"toolong")),
        Err(LocalError::BodyTooLong)
    );
    c.send_data(Bytes::from_static(b"ab")).unwrap();
    assert_eq!(c.send_end(Headers::new()), Err(LocalError::BodyTooShort));
    c.send_data(Bytes::from_static(b"c")).unwrap();
    c.send_end(Headers::new()).unwrap();
    assert_eq!(
        text(&wire(&mut c)),
        "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabc"
    );
}

#[test]
fn bodiless_statuses_drop_data_and_refuse_framing_fields() {
    let mut c = server();
    c.feed(at(0), GET);
    request(&mut c);
    event(&mut c);
    let mut res = ResponseHead::new(204);
    res.headers.append("Content-Length", "0");
    assert_eq!(c.send_response(res), Err(LocalError::InvalidContentLength));
    c.send_response(ResponseHead::new(204)).unwrap();
    // What the application gives for one is dropped (RFC 9110 §15.3.5).
    assert_eq!(c.send_data(Bytes::from_static(b"x")), Ok(()));
    c.send_end(Headers::new()).unwrap();
    assert_eq!(text(&wire(&mut c)), "HTTP/1.1 204 No Content\r\n\r\n");
}

/// A 304's framing fields describe the 200 it stands for (RFC 9110 §15.4.5): they may be
/// there, but are checked as any response's (RFC 9112 §6.1, §6.2; RFC 9110 §8.6).
#[test]
fn a_304_has_no_content_and_only_valid_framing_fields() {
    let answer = |req: &[u8], fields: &[(&str, &str)]| {
        let mut c = server();
        c.feed(at(0), req);
        request(&mut c);
        event(&mut c);
        let mut res = ResponseHead::new(304);
        for (name, value) in fields {
            res.headers.append(*name, *value);
        }
        c.send_response(res).map(|()| {
            c.send_data(Bytes::from_static(b"dropped")).unwrap();
            c.send_end(Headers::new()).unwrap();
            text(&wire(&mut c))
        })
    };
    const GET10: &[u8] = b"GET / HTTP/1.0\r\n\r\n";
    for (req, fields, want) in [
        (
            GET,
            &[("Content-Length", "5")][..],
            Ok("Content-Length: 5\r\n\r\n"),
        ),
        (
            GET,
            &[("Transfer-Encoding", "chunked")][..],
            Ok("Transfer-Encoding: chunked\r\n\r\n"),
        ),
        (GET, &[][..], Ok("HTTP/1.1 304 Not Modified\r\n\r\n")),
        (
            GET,
            &[("Transfer-Encoding", "chunked"), ("Content-Length", "5")][..],
            Err(LocalError::InvalidTransferEncoding),
        ),
        (
            GET10,
            &[("Transfer-Encoding", "chunked")][..],
            Err(LocalError::InvalidTransferEncoding),
        ),
        (
            GET,
            &[("Transfer-Encoding", "gzip")][..],
            Err(LocalError::InvalidTransferEncoding),
        ),
        (
            GET,
            &[("Content-Length", "abc")][..],
            Err(LocalError::InvalidContentLength),
        ),
        (
            GET,
            &[("Content-Length", "5"), ("Content-Length", "6")][..],
            Err(LocalError::InvalidContentLength),
        ),
    ] {
        let got = answer(req, fields);
        match want {
            Ok(end) => {
                let out = got.unwrap_or_else(|e| panic!("{fields:?}: {e:?}"));
                assert!(out.ends_with(end), "{fields:?}: {out}");
            }
            Err(e) => assert_eq!(got, Err(e), "{fields:?}"),
        }
    }
}

#[test]
fn a_bad_response_is_refused_and_nothing_is_queued() {
    let mut c = server();
    c.feed(at(0), GET);
    request(&mut c);
    let mut res = ResponseHead::new(200);
    res.headers.append("X", "a\r\nInjected: yes");
    assert_eq!(c.send_response(res), Err(LocalError::InvalidFieldValue));
    assert!(!c.has_transmit());
    assert_eq!(
        c.send_data(Bytes::from_static(b"x")),
        Err(LocalError::WrongState)
    );
    assert_eq!(c.send_end(Headers::new()), Err(LocalError::WrongState));
}

#[test]
fn no_1xx_to_an_http_1_0_client() {
    let mut c = server();
    c.feed(at(0), b"GET / HTTP/1.0\r\n\r\n");
    request(&mut c);
    assert_eq!(
        c.send_response(ResponseHead::new(103)),
        Err(LocalError::InvalidStatus)
    );
}

#[test]
fn the_application_closing_is_honoured() {
    let mut res = ResponseHead::new(200);
    res.headers.append("Content-Length", "0");
    res.headers.append("Connection", "close");
    let (c, out) = answer(GET, res, &[], Headers::new());
    assert_eq!(
        out,
        "HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
    );
    assert!(c.should_close());
}

// ----- the Date field -----

const NOV_6_1994: u64 = 784_111_777;

#[test]
fn final_responses_carry_the_date_once_told_and_interim_ones_do_not() {
    let mut c = server();
    c.feed(at(0), GET);
    request(&mut c);
    event(&mut c);
    // Not told the time: no Date.
    respond(&mut c, 200, b"");
    assert!(!text(&wire(&mut c)).contains("Date:"));

    c.set_date(NOV_6_1994);
    c.feed(at(0), EXPECT);
    request(&mut c);
    c.send_continue().unwrap();
    assert_eq!(wire(&mut c), b"HTTP/1.1 100 Continue\r\n\r\n");
    c.feed(at(0), b"hello");
    event(&mut c);
    event(&mut c);
    respond(&mut c, 404, b"");
    let out = text(&wire(&mut c));
    assert_eq!(
        out.matches("\r\nDate: Sun, 06 Nov 1994 08:49:37 GMT\r\n")
            .count(),
        1
    );

    // A second later, the new second; a head with its own Date keeps it alone.
    c.set_date(NOV_6_1994 + 1);
    c.feed(at(0), GET);
    request(&mut c);
    event(&mut c);
    let mut res = ResponseHead::new(204);
    res.headers.append("date", "Mon, 07 Nov 1994 00:00:00 GMT");
    c.send_response(res).unwrap();
    c.send_end(Headers::new()).unwrap();
    let out = text(&wire(&mut c));
    assert_eq!(out.matches("ate: ").count(), 1, "{out}");
    assert!(out.contains("\r\ndate: Mon, 07 Nov 1994 00:00:00 GMT\r\n"));

    c.feed(at(0), GET);
    request(&mut c);
    event(&mut c);
    respond(&mut c, 200, b"");
    assert!(text(&wire(&mut c)).contains("\r\nDate: Sun, 06 Nov 1994 08:49:38 GMT\r\n"));
}

#[test]
fn the_engines_own_error_responses_carry_the_date() {
    let mut c = server();
    c.set_date(NOV_6_1994);
    c.feed(at(0), b"GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n");
    assert_eq!(c.poll_event(), Err(RemoteError::InvalidHost));
    assert_eq!(c.send_error_response(), Ok(true));
    let out = text(&wire(&mut c));
    assert!(out.starts_with("HTTP/1.1 400 Bad Request\r\n"), "{out}");
    assert!(
        out.contains("\r\nDate: Sun, 06 Nov 1994 08:49:37 GMT\r\n"),
        "{out}"
    );
    // The engine frames its own answer and says the connection closes.
    let (head, body) = out.split_once("\r\n\r\n").expect("a head");
    assert!(head.ends_with("\r\nConnection: close"), "{out}");
    let length = alloc::format!("\r\nContent-Length: {}\r\n", body.len());
    assert!(head.contains(&length), "{out}");
}

#[test]
fn a_client_sends_no_date() {
    let mut c = client();
    c.set_date(NOV_6_1994);
    let mut get = RequestHead::new("GET", "/");
    get.headers.append("Host", "a");
    c.send_request(get).unwrap();
    c.send_end(Headers::new()).unwrap();
    assert_eq!(wire(&mut c), b"GET / HTTP/1.1\r\nHost: a\r\n\r\n");
}

// ----- pipelining and errors -----

#[test]
fn pipelined_requests_wait_for_their_turn() {
    let mut c = server();
    let mut input = GET.repeat(3);
    input.extend_from_slice(b"GET /partial");
    c.feed(at(0), &input);
    request(&mut c);
    event(&mut c);
    assert_eq!(c.poll_event(), Ok(Polled::Paused));
    assert_eq!(c.poll_event(), Ok(Polled::Paused));
    respond(&mut c, 200, b"1");
    request(&mut c);
    event(&mut c);
    respond(&mut c, 200, b"2");
    request(&mut c);
    event(&mut c);
    respond(&mut c, 200, b"3");
    assert_eq!(c.poll_event(), Ok(Polled::NeedData));
    assert_eq!(text(&wire(&mut c)).matches("HTTP/1.1 200 OK").count(), 3);
}

#[test]
fn a_paused_connection_stops_wanting_bytes_once_a_head_s_worth_is_buffered() {
    let mut cfg = Config::default();
    cfg.limits.max_head = 64;
    let mut c = Connection::server(cfg, Instant::ZERO);
    c.feed(at(0), GET);
    request(&mut c);
    event(&mut c);
    assert!(c.wants_read());
    c.feed(at(0), &[b'x'; 63]);
    assert_eq!(c.poll_event(), Ok(Polled::Paused));
    assert!(c.wants_read());
    c.feed(at(0), b"x");
    assert!(!c.wants_read());
}

#[test]
fn errors_are_sticky_and_answered_once() {
    let mut c = server();
    c.feed(at(0), b"GET / HTTP/1.1\r\nHost: a\r\nBad Name: x\r\n\r\n");
    assert_eq!(c.poll_event(), Err(RemoteError::InvalidFieldName));
    assert_eq!(c.poll_event(), Err(RemoteError::InvalidFieldName));
    c.feed(at(0), GET);
    assert_eq!(c.poll_event(), Err(RemoteError::InvalidFieldName));
    assert_eq!(c.send_error_response(), Ok(true));
    assert_eq!(c.send_error_response(), Ok(false));
    let out = text(&wire(&mut c));
    assert!(out.starts_with("HTTP/1.1 400 Bad Request\r\n"), "{out}");
    assert!(out.contains("Connection: close\r\n"), "{out}");
    assert!(out.ends_with("\r\n\r\ninvalid field name\n"), "{out}");
    assert!(c.should_close());
}

#[test]
fn a_close_mid_message_is_an_error_and_between_messages_is_not() {
    let mut c = server();
    c.feed(at(0), b"GET / HTTP/1.1\r\n");
    c.feed_eof();
    assert_eq!(c.poll_event(), Err(RemoteError::IncompleteMessage));
    assert_eq!(c.send_error_response(), Ok(false));

    let mut c = server();
    c.feed(at(0), GET);
    c.feed_eof();
    request(&mut c);
    event(&mut c);
    respond(&mut c, 200, b"");
    assert_eq!(event(&mut c), Event::Closed);
    assert_eq!(event(&mut c), Event::Closed);
    assert!(c.should_close());
}

#[test]
fn bytes_after_a_close_request_are_never_parsed() {
    let mut c = server();
    let mut input = b"GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n".to_vec();
    input.extend_from_slice(GET);
    c.feed(at(0), &input);
    request(&mut c);
    event(&mut c);
    assert_eq!(c.poll_event(), Ok(Polled::NeedData));
    respond(&mut c, 200, b"");
    assert!(text(&wire(&mut c)).contains("Connection: close\r\n"));
    assert!(c.should_close());
    assert_eq!(c.poll_event(), Ok(Polled::NeedData));
    assert!(!c.wants_read());
}

// ----- client role -----

fn client() -> Connection {
    Connection::client(Config::default(), Instant::ZERO)
}

fn get(target: &'static str) -> RequestHead {
    let mut r = RequestHead::new("GET", target);
    r.headers.append("Host", "example.com");
    r
}

/// `method /f` to host `a`, with `fields` after the Host.
fn upload(method: &'static str, fields: &[(&str, &str)]) -> RequestHead {
    let mut r = RequestHead::new(method, "/f");
    r.headers.append("Host", "a");
    for (n, v) in fields {
        r.headers.append(n, v);
    }
    r
}

#[track_caller]
fn response(conn: &mut Connection) -> ResponseHead {
    match event(conn) {
        Event::Response(r) => r,
        other => panic!("expected a response, got {other:?}"),
    }
}

/// Sends a bodiless request and checks what went on the wire.
fn send_get(c: &mut Connection, target: &'static str) {
    c.send_request(get(target)).unwrap();
    c.send_end(Headers::new()).unwrap();
    let out = text(&wire(c));
    assert_eq!(
        out,
        alloc::format!("GET {target} HTTP/1.1\r\nHost: example.com\r\n\r\n")
    );
}

/// A client with `max_discard` of 4 that sent a GET and has the head of a response whose
/// body is framed by `framing` (a field line).
fn reading_a_body(framing: &str) -> Connection {
    let mut cfg = Config::default();
    cfg.limits.max_discard = 4;
    let mut c = Connection::client(cfg, Instant::ZERO);
    c.send_request(get("/")).unwrap();
    c.send_end(Headers::new()).unwrap();
    wire(&mut c);
    c.feed(
        at(0),
        alloc::format!("HTTP/1.1 200 OK\r\n{framing}\r\n\r\n").as_bytes(),
    );
    response(&mut c);
    c
}

/// A client sending a body of `framing` (a field line, or none: chunked) that wrote its head
/// and `sent`, with `queued` still waiting to be written, and then received `response`.
fn answered_while_sending(framing: Option<&str>, response: &str) -> Connection {
    let mut c = client();
    let fields: &[(&str, &str)] = match framing {
        Some(f) => &[("Content-Length", f)],
        None => &[],
    };
    c.send_request(upload("POST", fields)).unwrap();
    c.send_data(Bytes::from_static(b"sent")).unwrap();
    wire(&mut c);
    c.send_data(Bytes::from_static(b"queued")).unwrap();
    assert!(c.has_transmit());
    assert!(!c.body_refused());
    c.feed(at(0), response.as_bytes());
    c
}

/// A request whose head waits to learn its body's framing has sent nothing: a response then
/// answers no request (RFC 9112 §9.3), and nothing of the request goes after it.
#[test]
fn a_response_before_anything_of_the_request_was_queued_answers_nothing() {
    for answer in [
        "HTTP/1.1 413 Content Too Large\r\nConnection: close\r\nContent-Length: 0\r\n\r\n",
        "HTTP/1.1 408 Request Timeout\r\nConnection: close\r\n\r\n",
        "H",
    ] {
        let mut c = client();
        c.send_request(upload("POST", &[])).unwrap();
        assert!(!c.has_transmit(), "the head waits");
        c.feed(at(0), answer.as_bytes());
        assert_eq!(c.poll_event(), Err(RemoteError::UnexpectedData), "{answer}");
        assert!(c.send_data(Bytes::from_static(b"data")).is_err());
        assert!(c.send_end(Headers::new()).is_err());
        assert!(wire(&mut c).is_empty(), "{answer}");
        assert!(!c.is_reusable());
    }
    // Once the head is queued, a response answers it.
    let mut c = client();
    c.send_request(upload("POST", &[])).unwrap();
    c.send_data(Bytes::from_static(b"data")).unwrap();
    c.feed(
        at(0),
        b"HTTP/1.1 413 Content Too Large\r\nConnection: close\r\nContent-Length: 0\r\n\r\n",
    );
    assert_eq!(response(&mut c).status, 413);
}

#[test]
fn an_error_from_a_server_that_closes_stops_the_body_being_sent() {
    for framing in [Some("100"), None] {
        let mut c = answered_while_sending(
            framing,
            "HTTP/1.1 413 Content Too Large\r\nConnection: close\r\nContent-Length: 2\r\n\r\nno",
        );
        assert_eq!(response(&mut c).status, 413);
        // RFC 9112 §9.5: what was queued is not sent, nor what comes after.
        assert!(c.body_refused(), "{framing:?}");
        assert!(!c.has_transmit());
        c.send_data(Bytes::from_static(b"more")).unwrap();
        assert!(!c.has_transmit());
        // The request ends (short of its length: nothing more is written), and the
        // response is read to its end; then the connection closes.
        c.send_end(Headers::new()).unwrap();
        assert!(!c.body_refused());
        assert!(!c.has_transmit());
        assert_eq!(event(&mut c), Event::Data(Bytes::from_static(b"no")));
        assert!(matches!(event(&mut c), Event::End(_)));
        assert!(c.should_close());
        assert!(!c.is_reusable());
    }
    // HTTP/1.0 closes unless it says otherwise.
    let mut c = answered_while_sending(Some("100"), "HTTP/1.0 400 Bad Request\r\n\r\n");
    assert_eq!(response(&mut c).status, 400);
    assert!(c.body_refused());
}

#[test]
fn other_early_answers_leave_the_body_going() {
    // A success or a redirection may come while the server still reads (it streams its
    // answer as the upload goes); an error from a server that keeps the connection reads the
    // rest to find the next request: the body goes on, all of it.
    for answer in [
        "HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n",
        "HTTP/1.1 303 See Other\r\nConnection: close\r\nLocation: /x\r\nContent-Length: 0\r\n\r\n",
        "HTTP/1.1 413 Content Too Large\r\nContent-Length: 0\r\n\r\n",
    ] {
        let mut c = answered_while_sending(Some("14"), answer);
        response(&mut c);
        assert!(!c.body_refused(), "{answer}");
        assert_eq!(wire(&mut c), b"queued");
        c.send_data(Bytes::from_static(b"more")).unwrap();
        c.send_end(Headers::new()).unwrap();
        assert_eq!(wire(&mut c), b"more");
    }
    // An interim response is no answer.
    let mut c = answered_while_sending(Some("10"), "HTTP/1.1 102 Processing\r\n\r\n");
    assert_eq!(response(&mut c).status, 102);
    assert!(!c.body_refused());
    assert_eq!(wire(&mut c), b"queued");
}

#[test]
fn a_client_discards_what_is_left_of_a_body_within_max_discard() {
    // Four bytes left of a known length, the budget: dropped, and the connection reused.
    let mut c = reading_a_body("Content-Length: 6");
    c.feed(at(0), b"ab");
    assert_eq!(event(&mut c), Event::Data(Bytes::from_static(b"ab")));
    assert!(!c.is_discarding());
    assert!(c.discard_body());
    assert!(c.discard_body(), "asked again, the same");
    c.feed(at(0), b"cd");
    assert_eq!(c.poll_event(), Ok(Polled::NeedData));
    assert!(!c.is_idle());
    assert!(c.is_discarding());
    c.feed(at(0), b"ef");
    // No Data, no End: the response is over, and the next exchange waits for its request.
    assert_eq!(c.poll_event(), Ok(Polled::NeedData));
    assert!(c.is_idle());
    assert!(!c.is_discarding(), "over");
    send_get(&mut c, "/next");

    // Chunked, its rest (data and framing) within the budget's count of data bytes.
    let mut c = reading_a_body("Transfer-Encoding: chunked");
    assert!(c.discard_body());
    c.feed(at(0), b"4\r\nabcd\r\n0\r\n\r\n");
    assert_eq!(c.poll_event(), Ok(Polled::NeedData));
    assert!(c.is_idle());
}

/// Bytes after a response whose body was dropped answer no request (RFC 9112 §9.3): they
/// fail the connection, as after a body read to its end, and never become the next
/// request's response.
#[test]
fn bytes_after_a_discarded_body_answer_no_request() {
    let forged = b"HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\nforged";
    for polled_between in [false, true] {
        let mut c = reading_a_body("Content-Length: 3");
        assert!(c.discard_body());
        c.feed(at(0), b"abc");
        if polled_between {
            assert_eq!(c.poll_event(), Ok(Polled::NeedData));
            assert!(c.is_idle());
        }
        c.feed(at(0), forged);
        assert_eq!(c.poll_event(), Err(RemoteError::UnexpectedData));
        assert!(!c.is_reusable());
        assert!(c.send_request(get("/next")).is_err());
    }
}

#[test]
fn a_client_does_not_discard_more_than_max_discard() {
    // Five bytes declared: more than the budget, refused, and the body stays readable.
    let mut c = reading_a_body("Content-Length: 5");
    assert!(!c.discard_body());
    c.feed(at(0), b"abcde");
    assert_eq!(event(&mut c), Event::Data(Bytes::from_static(b"abcde")));
    assert!(matches!(event(&mut c), Event::End(_)));
    assert!(c.is_idle());

    // A chunked body that turns out longer: the connection is not kept.
    let mut c = reading_a_body("Transfer-Encoding: chunked");
    assert!(c.discard_body());
    c.feed(at(0), b"4\r\nabcd\r\n");
    assert_eq!(c.poll_event(), Ok(Polled::NeedData));
    assert!(c.keep_alive(), "at the budget, the byte before");
    assert!(c.is_discarding());
    c.feed(at(0), b"1\r\ne\r\n0\r\n\r\n");
    let _ = c.poll_event();
    assert!(!c.keep_alive(), "one byte past it");
    assert!(!c.is_discarding(), "given up on");
    assert!(!c.is_idle());
    assert!(c.send_request(get("/next")).is_err());

    // Nothing to discard between messages, nor on a connection that closes anyway.
    let mut c = client();
    assert!(!c.discard_body());
    let mut c = reading_a_body("Connection: close\r\nContent-Length: 2");
    assert!(!c.discard_body());
}

#[test]
fn a_client_frames_bodies_once_it_knows_them() {
    let mut c = client();
    send_get(&mut c, "/");
    c.feed(at(0), b"HTTP/1.1 204 No Content\r\n\r\n");
    assert_eq!(response(&mut c).status, 204);
    assert_eq!(event(&mut c), Event::End(Headers::new()));
    assert!(c.is_reusable());

    // An empty POST says so (RFC 9110 §8.6).
    let mut post = RequestHead::new("POST", "/p");
    post.headers.append("Host", "h");
    c.send_request(post.clone()).unwrap();
    c.send_end(Headers::new()).unwrap();
    assert_eq!(
        text(&wire(&mut c)),
        "POST /p HTTP/1.1\r\nHost: h\r\nContent-Length: 0\r\n\r\n"
    );
    c.feed(at(0), b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
    response(&mut c);
    event(&mut c);

    // A body of unknown length is chunked, with trailers.
    c.send_request(post).unwrap();
    assert!(wire(&mut c).is_empty(), "the head waits for the body");
    c.send_data(Bytes::from_static(b"abc")).unwrap();
    let t: Headers = [("X-T", "1")].into_iter().collect();
    c.send_end(t).unwrap();
    assert_eq!(
        text(&wire(&mut c)),
        "POST /p HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\nX-T: 1\r\n\r\n"
    );
}

#[test]
fn a_client_frames_a_known_length_with_content_length() {
    let mut c = client();
    let mut post = RequestHead::new("POST", "/p");
    post.headers.append("Host", "h");
    c.send_request_sized(post.clone(), 5).unwrap();
    // The head goes out at once: nothing about the body is left to learn.
    assert_eq!(
        text(&wire(&mut c)),
        "POST /p HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\n"
    );
    assert_eq!(
        c.send_data(Bytes::from_static(b"toolong")),
        Err(LocalError::BodyTooLong)
    );
    c.send_data(Bytes::from_static(b"hel")).unwrap();
    assert_eq!(c.send_end(Headers::new()), Err(LocalError::BodyTooShort));
    c.send_data(Bytes::from_static(b"lo")).unwrap();
    c.send_end(Headers::new()).unwrap();
    assert_eq!(text(&wire(&mut c)), "hello");
    c.feed(at(0), b"HTTP/1.1 204 No Content\r\n\r\n");
    response(&mut c);
    event(&mut c);

    // Empty: a GET says nothing, a POST says 0 (RFC 9110 §8.6).
    c.send_request_sized(get("/"), 0).unwrap();
    c.send_end(Headers::new()).unwrap();
    assert_eq!(
        text(&wire(&mut c)),
        "GET / HTTP/1.1\r\nHost: example.com\r\n\r\n"
    );
    c.feed(at(0), b"HTTP/1.1 204 No Content\r\n\r\n");
    response(&mut c);
    event(&mut c);
    c.send_request_sized(post.clone(), 0).unwrap();
    c.send_end(Headers::new()).unwrap();
    assert_eq!(
        text(&wire(&mut c)),
        "POST /p HTTP/1.1\r\nHost: h\r\nContent-Length: 0\r\n\r\n"
    );
    c.feed(at(0), b"HTTP/1.1 204 No Content\r\n\r\n");
    response(&mut c);
    event(&mut c);

    // The head's own Content-Length must be the body's: one that contradicts it is refused
    // before anything goes (the request would be cut short, or run over).
    let mut own = post.clone();
    own.headers.append("Content-Length", "2");
    assert_eq!(
        c.send_request_sized(own.clone(), 5),
        Err(LocalError::InvalidContentLength)
    );
    assert!(!c.has_transmit() && c.is_idle());
    // The same length: the head's framing stands, and the length is held to it.
    c.send_request_sized(own, 2).unwrap();
    assert_eq!(
        c.send_data(Bytes::from_static(b"abc")),
        Err(LocalError::BodyTooLong)
    );
    c.send_data(Bytes::from_static(b"ab")).unwrap();
    c.send_end(Headers::new()).unwrap();
    assert_eq!(
        text(&wire(&mut c)),
        "POST /p HTTP/1.1\r\nHost: h\r\nContent-Length: 2\r\n\r\nab"
    );
    c.feed(at(0), b"HTTP/1.1 204 No Content\r\n\r\n");
    response(&mut c);
    event(&mut c);

    // An HTTP/1.0 request can carry a body of known length (never a chunked one).
    let mut old = post;
    old.version = Version::Http10;
    c.send_request_sized(old, 2).unwrap();
    c.send_data(Bytes::from_static(b"ok")).unwrap();
    c.send_end(Headers::new()).unwrap();
    assert_eq!(
        text(&wire(&mut c)),
        "POST /p HTTP/1.0\r\nHost: h\r\nContent-Length: 2\r\n\r\nok"
    );
}

/// RFC 9110 §9.3.6: a CONNECT request has no content; what follows its head is the
/// tunnel's. A client is refused content for one, with nothing queued.
#[test]
fn a_connect_request_has_no_content() {
    let mut connect = RequestHead::new("CONNECT", "a:443");
    connect.headers.append("Host", "a:443");
    let mut c = client();
    assert_eq!(
        c.send_request_sized(connect.clone(), 3),
        Err(LocalError::BodyNotAllowed)
    );
    let mut framed = connect.clone();
    framed.headers.append("Content-Length", "3");
    assert_eq!(c.send_request(framed), Err(LocalError::BodyNotAllowed));
    let mut chunked = connect.clone();
    chunked.headers.append("Transfer-Encoding", "chunked");
    assert_eq!(c.send_request(chunked), Err(LocalError::BodyNotAllowed));
    assert!(!c.has_transmit() && c.is_idle());
    // A Content-Length of 0 frames nothing: sent as it is.
    let mut zero = connect.clone();
    zero.headers.append("Content-Length", "0");
    c.send_request(zero).unwrap();
    c.send_end(Headers::new()).unwrap();
    assert_eq!(
        text(&wire(&mut c)),
        "CONNECT a:443 HTTP/1.1\r\nHost: a:443\r\nContent-Length: 0\r\n\r\n"
    );
    let mut c = client();
    // One that expects a 100 (Continue) waits for none: it has no content to send.
    let mut expecting = connect.clone();
    expecting.headers.append("Expect", "100-continue");
    c.send_request(expecting).unwrap();
    c.send_end(Headers::new()).unwrap();
    assert!(!c.holds_body());
    assert_eq!(
        text(&wire(&mut c)),
        "CONNECT a:443 HTTP/1.1\r\nHost: a:443\r\nExpect: 100-continue\r\n\r\n"
    );
    let mut c = client();
    // A body of unknown length: refused at its first piece, the head then sent bare.
    c.send_request(connect).unwrap();
    assert_eq!(
        c.send_data(Bytes::from_static(b"abc")),
        Err(LocalError::BodyNotAllowed)
    );
    c.send_end(Headers::new()).unwrap();
    assert_eq!(
        text(&wire(&mut c)),
        "CONNECT a:443 HTTP/1.1\r\nHost: a:443\r\n\r\n"
    );
}

#[test]
fn a_known_length_waits_for_100_continue_like_any_body() {
    let mut c = client();
    let mut put = RequestHead::new("PUT", "/u");
    put.headers.append("Host", "h");
    put.headers.append("Expect", "100-continue");
    c.send_request_sized(put, 3).unwrap();
    c.send_data(Bytes::from_static(b"abc")).unwrap();
    c.send_end(Headers::new()).unwrap();
    assert_eq!(
        text(&wire(&mut c)),
        "PUT /u HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\nContent-Length: 3\r\n\r\n"
    );
    c.feed(at(0), b"HTTP/1.1 100 Continue\r\n\r\n");
    assert_eq!(response(&mut c).status, 100);
    assert_eq!(text(&wire(&mut c)), "abc");
}

#[test]
fn a_client_refuses_requests_it_cannot_send() {
    let mut c = client();
    assert_eq!(
        c.send_request(RequestHead::new("GET", "/")),
        Err(LocalError::MissingHost)
    );
    let mut r = get("/");
    r.headers.append("Content-Length", "x");
    assert_eq!(c.send_request(r), Err(LocalError::InvalidContentLength));
    let mut r = get("/");
    r.headers.append("X", "\n");
    assert_eq!(c.send_request(r), Err(LocalError::InvalidFieldValue));
    assert_eq!(
        c.send_response(ResponseHead::new(200)),
        Err(LocalError::WrongRole)
    );
    let mut r = RequestHead::new("GET", "/");
    r.version = Version::Http10;
    c.send_request(r).unwrap();
    assert_eq!(c.send_request(get("/")), Err(LocalError::WrongState));
    assert_eq!(
        c.send_data(Bytes::from_static(b"x")),
        Err(LocalError::InvalidContentLength),
        "no chunked body to an HTTP/1.0 server"
    );
}

#[test]
fn responses_are_framed_by_rfc_9112_section_6_3() {
    // Content-Length, chunked with trailers, and close-delimited.
    let mut c = client();
    send_get(&mut c, "/1");
    c.feed(at(0), b"HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabc");
    response(&mut c);
    assert_eq!(event(&mut c), Event::Data(Bytes::from_static(b"abc")));
    event(&mut c);
    send_get(&mut c, "/2");
    c.feed(
        at(0),
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\nX: y\r\n\r\n",
    );
    response(&mut c);
    assert_eq!(event(&mut c), Event::Data(Bytes::from_static(b"abc")));
    assert_eq!(
        event(&mut c),
        Event::End([("X", "y")].into_iter().collect())
    );
    send_get(&mut c, "/3");
    c.feed(at(0), b"HTTP/1.0 200 OK\r\n\r\nuntil the end");
    response(&mut c);
    assert_eq!(
        event(&mut c),
        Event::Data(Bytes::from_static(b"until the end"))
    );
    assert_eq!(c.poll_event(), Ok(Polled::NeedData));
    c.feed_eof();
    assert_eq!(event(&mut c), Event::End(Headers::new()));
    assert_eq!(event(&mut c), Event::Closed);
    assert!(c.should_close());
}

#[test]
fn head_204_304_and_1xx_have_no_body_whatever_they_say() {
    let mut c = client();
    let mut head = RequestHead::new("HEAD", "/");
    head.headers.append("Host", "h");
    c.send_request(head).unwrap();
    c.send_end(Headers::new()).unwrap();
    wire(&mut c);
    c.feed(at(0), b"HTTP/1.1 200 OK\r\nContent-Length: 99\r\n\r\n");
    response(&mut c);
    assert_eq!(event(&mut c), Event::End(Headers::new()));
    send_get(&mut c, "/");
    c.feed(at(0), b"HTTP/1.1 103 Early Hints\r\nLink: </s.css>\r\n\r\nHTTP/1.1 304 Not Modified\r\nContent-Length: 5\r\n\r\n");
    assert_eq!(response(&mut c).status, 103);
    assert_eq!(response(&mut c).status, 304);
    assert_eq!(event(&mut c), Event::End(Headers::new()));
    assert!(c.is_reusable());
}

#[test]
fn a_client_holds_its_body_for_100_continue() {
    let mut r = RequestHead::new("PUT", "/f");
    r.headers.append("Host", "h");
    r.headers.append("Content-Length", "5");
    r.headers.append("Expect", "100-continue");

    // The server says 100: the body goes out.
    let mut c = client();
    c.send_request(r.clone()).unwrap();
    c.send_data(Bytes::from_static(b"hello")).unwrap();
    c.send_end(Headers::new()).unwrap();
    assert!(text(&wire(&mut c)).ends_with("Expect: 100-continue\r\n\r\n"));
    assert_eq!(c.poll_timeout().unwrap().kind, TimerKind::Continue);
    c.feed(at(0), b"HTTP/1.1 100 Continue\r\n\r\n");
    assert_eq!(response(&mut c).status, 100);
    assert_eq!(wire(&mut c), b"hello");

    // The server is silent: after the deadline the body goes out anyway.
    let mut c = client();
    c.send_request(r.clone()).unwrap();
    c.send_data(Bytes::from_static(b"hello")).unwrap();
    wire(&mut c);
    c.handle_timeout(at(1));
    assert_eq!(wire(&mut c), b"hello");
    assert_eq!(c.error(), None);

    // The server refuses first: the body is never sent, and the connection closes.
    let mut c = client();
    c.send_request(r).unwrap();
    c.send_data(Bytes::from_static(b"hel")).unwrap();
    wire(&mut c);
    c.feed(
        at(0),
        b"HTTP/1.1 413 Content Too Large\r\nContent-Length: 0\r\n\r\n",
    );
    assert_eq!(response(&mut c).status, 413);
    c.send_data(Bytes::from_static(b"lo")).unwrap();
    c.send_end(Headers::new()).unwrap();
    assert!(wire(&mut c).is_empty());
    assert_eq!(event(&mut c), Event::End(Headers::new()));
    assert!(c.should_close());
}

/// A request that expects a 100 (Continue) but whose body turns out empty (streamed, so
/// framed as chunked before its end was known) ends at once: its end is not held for a 100
/// the client has no content to wait for (RFC 9110 §10.1.1).
#[test]
fn an_empty_body_is_not_held_for_100_continue() {
    let mut r = RequestHead::new("POST", "/f");
    r.headers.append("Host", "h");
    r.headers.append("Expect", "100-continue");
    let mut c = client();
    c.send_request(r).unwrap();
    assert!(c.holds_body());
    c.send_end(Headers::new()).unwrap();
    assert!(!c.holds_body());
    assert_eq!(
        text(&wire(&mut c)),
        "POST /f HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\n\
         Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n"
    );
    assert_ne!(c.poll_timeout().map(|d| d.kind), Some(TimerKind::Continue));
    // A 100 that comes anyway passes by; the response is read as usual.
    c.feed(
        at(0),
        b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n",
    );
    assert_eq!(response(&mut c).status, 100);
    assert_eq!(response(&mut c).status, 200);
    assert_eq!(event(&mut c), Event::End(Headers::new()));
    assert!(!c.should_close());
}

/// RFC 9112 §9.5: a client whose body the server stopped reading (its write failed) still
/// reads the response the server sent first; the wait for it is bounded from the failure.
#[test]
fn a_client_whose_request_write_failed_still_reads_the_early_response() {
    let failed = || {
        let mut c = client();
        c.send_request(upload("PUT", &[("Content-Length", "100")]))
            .unwrap();
        c.send_data(Bytes::from_static(b"first")).unwrap();
        assert!(c.has_transmit());
        // No deadline while the request is being sent: that wait is the sender's.
        assert_eq!(c.poll_timeout(), None);
        c.set_now(at(5));
        c.send_failed();
        c
    };

    // The response was sent before the server closed: it is read whole, and the
    // connection closes after it.
    let mut c = failed();
    assert!(!c.has_transmit(), "nothing more is written");
    assert_eq!(c.our_state(), HalfState::Error);
    assert_eq!(
        c.send_data(Bytes::from_static(b"more")),
        Err(LocalError::WrongState)
    );
    assert_eq!(c.send_end(Headers::new()), Err(LocalError::WrongState));
    let wait = Config::default().timeouts.response_wait.unwrap();
    let until = Instant::from_duration(Duration::from_secs(5) + wait);
    let d = c.poll_timeout().unwrap();
    assert_eq!((d.kind, d.at), (TimerKind::Response, until));
    assert!(c.wants_read());
    assert!(!c.should_close(), "the response is still owed");
    c.feed(
        at(6),
        b"HTTP/1.1 413 Content Too Large\r\nContent-Length: 5\r\nConnection: close\r\n\r\nlarge",
    );
    c.feed_eof();
    assert_eq!(response(&mut c).status, 413);
    assert_eq!(event(&mut c), Event::Data(Bytes::from_static(b"large")));
    assert_eq!(event(&mut c), Event::End(Headers::new()));
    assert_eq!(event(&mut c), Event::Closed);
    assert!(c.should_close());
    assert!(!c.is_reusable());

    // Nothing comes: the wait ends at the deadline, not later.
    let mut c = failed();
    let until = c.poll_timeout().unwrap().at;
    c.handle_timeout(until);
    assert_eq!(c.poll_event(), Err(RemoteError::ResponseTimeout));

    // The server closed without a word: an incomplete exchange, not a response.
    let mut c = failed();
    c.feed_eof();
    assert_eq!(c.poll_event(), Err(RemoteError::IncompleteMessage));
}

#[test]
fn a_client_upgrade_and_a_tunnel() {
    let mut c = client();
    let mut r = get("/ws");
    r.headers.append("Connection", "upgrade");
    r.headers.append("Upgrade", "websocket");
    c.send_request(r).unwrap();
    c.send_end(Headers::new()).unwrap();
    c.feed(
        at(0),
        b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n\x81\x00",
    );
    assert_eq!(response(&mut c).status, 101);
    assert_eq!(c.poll_event(), Ok(Polled::Paused));
    assert_eq!(c.take_leftover().unwrap(), &b"\x81\x00"[..]);

    let mut c = client();
    let mut r = RequestHead::new("CONNECT", "example.com:443");
    r.headers.append("Host", "example.com:443");
    c.send_request(r).unwrap();
    c.send_end(Headers::new()).unwrap();
    c.feed(at(0), b"HTTP/1.1 200 Connection Established\r\n\r\n\x16");
    response(&mut c);
    assert_eq!(c.poll_event(), Ok(Polled::Paused));
    assert_eq!(c.take_leftover().unwrap(), &b"\x16"[..]);

    // A 101 nobody asked for is the server's error.
    let mut c = client();
    send_get(&mut c, "/");
    c.feed(at(0), b"HTTP/1.1 101 Switching Protocols\r\n\r\n");
    assert_eq!(c.poll_event(), Err(RemoteError::UnexpectedResponse));
}

#[test]
fn a_client_reads_the_server_s_close_and_refuses_unsolicited_bytes() {
    let mut c = client();
    c.feed_eof();
    assert_eq!(event(&mut c), Event::Closed);
    let mut c = client();
    c.feed(at(0), b"HTTP/1.1 408 Request Timeout\r\n\r\n");
    assert_eq!(c.poll_event(), Err(RemoteError::UnexpectedData));
    let mut c = client();
    send_get(&mut c, "/");
    c.feed(at(0), b"HTTP/1.1 200 OK\r\nContent-Le");
    c.feed_eof();
    assert_eq!(c.poll_event(), Err(RemoteError::IncompleteMessage));
    let mut c = client();
    send_get(&mut c, "/");
    c.feed(
        at(0),
        b"HTTP/1.1 200 OK\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n",
    );
    assert_eq!(
        c.poll_event(),
        Err(RemoteError::ContentLengthWithTransferEncoding)
    );
}

#[test]
fn lenient_responses_by_opt_in() {
    let input = b"HTTP/1.1 200 OK\r\nX-Folded: a\r\n  b\r\nX-Sp : c\r\nContent-Length: 0\r\n\r\n";
    let mut c = client();
    send_get(&mut c, "/");
    c.feed(at(0), input);
    assert_eq!(c.poll_event(), Err(RemoteError::ObsFold));
    let mut cfg = Config::default();
    cfg.leniency.allow_obs_fold_in_responses = true;
    cfg.leniency.allow_space_before_colon_in_responses = true;
    let mut c = Connection::client(cfg, Instant::ZERO);
    send_get(&mut c, "/");
    c.feed(at(0), input);
    let r = response(&mut c);
    assert_eq!(r.headers.get("x-folded"), Some(&b"a    b"[..]));
    assert_eq!(r.headers.get("x-sp"), Some(&b"c"[..]));
    assert_eq!(event(&mut c), Event::End(Headers::new()));
}

// ----- graceful shutdown -----

#[test]
fn close_after_exchange_closes_an_idle_server_at_once() {
    let mut conn = server();
    assert!(!conn.should_close());
    conn.close_after_exchange();
    assert!(conn.should_close(), "no exchange under way: close now");
    assert!(!conn.wants_read());
}

#[test]
fn close_after_exchange_lets_the_response_in_flight_finish_with_close() {
    let mut conn = server();
    conn.feed(at(0), GET);
    request(&mut conn);
    assert_eq!(event(&mut conn), Event::End(Headers::new()));
    conn.close_after_exchange();
    assert!(!conn.should_close(), "the request is still to be answered");
    respond(&mut conn, 200, b"ok");
    assert_eq!(
        text(&wire(&mut conn)),
        "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok"
    );
    assert!(conn.should_close());
}

#[test]
fn close_after_exchange_does_not_cut_a_client_off_its_response() {
    let mut c = client();
    send_get(&mut c, "/");
    c.close_after_exchange();
    assert!(!c.should_close(), "the response is owed");
    c.feed(at(0), b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
    assert_eq!(response(&mut c).status, 200);
    assert_eq!(event(&mut c), Event::End(Headers::new()));
    assert!(c.should_close());
    assert!(!c.is_reusable());
}

// ----- reading straight into the engine -----

#[test]
fn received_bytes_are_read_straight_into_the_engine_in_any_split() {
    let mut conn = server();
    let mut input = GET;
    while !input.is_empty() {
        let n = conn
            .receive(at(0), 7, |buf| {
                let n = buf.len().min(input.len()).min(5);
                buf[..n].copy_from_slice(&input[..n]);
                Ok::<_, ()>(n)
            })
            .unwrap();
        input = &input[n..];
    }
    assert_eq!(request(&mut conn).target, "/");
    // A failed or empty read keeps nothing, and an idle connection holds no buffer.
    assert_eq!(event(&mut conn), Event::End(Headers::new()));
    respond(&mut conn, 200, b"");
    wire(&mut conn);
    assert_eq!(
        conn.receive(at(1), 4096, |_| Err::<usize, _>("would block")),
        Err("would block")
    );
    assert_eq!(conn.receive(at(1), 4096, |_| Ok::<_, ()>(0)), Ok(0));
    assert_eq!(conn.poll_event(), Ok(Polled::NeedData));
    assert_eq!(
        conn.recv.capacity(),
        0,
        "an idle connection holds no buffer"
    );
}

/// Reads `input` into `conn` as a driver does, straight into its buffer.
fn receive_all(conn: &mut Connection, mut input: &[u8]) {
    while !input.is_empty() {
        let n = conn
            .receive(at(0), 4096, |buf| {
                let n = buf.len().min(input.len());
                buf[..n].copy_from_slice(&input[..n]);
                Ok::<_, ()>(n)
            })
            .unwrap();
        input = &input[n..];
    }
}

#[test]
fn a_spare_buffer_moves_between_connections_without_touching_what_was_read_into_it() {
    let mut a = server();
    assert_eq!(a.take_spare_buffer(), None, "no memory yet");
    receive_all(
        &mut a,
        b"GET /first HTTP/1.1\r\nHost: a\r\nX-Kept: one\r\n\r\nGET /second",
    );
    let first = request(&mut a);
    assert_eq!(event(&mut a), Event::End(Headers::new()));
    assert_eq!(
        a.take_spare_buffer(),
        None,
        "bytes of the next request are buffered"
    );
    respond(&mut a, 200, b"");
    wire(&mut a);
    receive_all(&mut a, b" HTTP/1.1\r\nHost: a\r\n\r\n");
    let second = request(&mut a);
    assert_eq!(event(&mut a), Event::End(Headers::new()));
    respond(&mut a, 200, b"");
    wire(&mut a);
    // Nothing buffered: the memory goes, and the connection reads on without it.
    let spare = a.take_spare_buffer().expect("an empty buffer with memory");
    assert_eq!(a.recv.capacity(), 0);
    assert_eq!(a.take_spare_buffer(), None);

    // Another connection reads into it while both heads, which share its allocation, live.
    let mut b = server();
    assert_eq!(
        b.give_buffer(spare),
        None,
        "taken by a connection with no memory"
    );
    receive_all(
        &mut b,
        b"GET /third HTTP/1.1\r\nHost: b\r\nX-Kept: three\r\n\r\n",
    );
    let third = request(&mut b);
    assert_eq!(
        (first.target, first.headers.get("x-kept")),
        ("/first".into(), Some(&b"one"[..]))
    );
    assert_eq!(second.target, "/second");
    assert_eq!(
        (third.target, third.headers.get("x-kept")),
        ("/third".into(), Some(&b"three"[..]))
    );

    // A connection that holds memory, or has stopped reading, gives a buffer back.
    assert!(
        b.give_buffer(BytesMut::with_capacity(64)).is_some(),
        "b holds memory"
    );
    let mut c = server();
    c.feed_eof();
    assert!(
        c.give_buffer(BytesMut::with_capacity(64)).is_some(),
        "c reads no more"
    );
    // A given buffer's old contents are not read as bytes received.
    let mut d = server();
    assert_eq!(
        d.give_buffer(BytesMut::from(&b"not a request\r\n"[..])),
        None
    );
    assert_eq!(d.poll_event(), Ok(Polled::NeedData));
    receive_all(&mut d, GET);
    assert_eq!(request(&mut d).target, "/");
}

/// A read that waited long (a blocking socket's) gives the time it returned: a head that
/// begins then is timed from then, not from the start of the wait.
#[test]
fn a_head_received_after_a_long_wait_is_timed_from_its_arrival() {
    let mut conn = server();
    receive_all(&mut conn, GET);
    request(&mut conn);
    assert_eq!(event(&mut conn), Event::End(Headers::new()));
    respond(&mut conn, 200, b"");
    wire(&mut conn);
    // The wait began at 0 s; the next head's first bytes came at 50 s (within `idle`, past
    // `header_read`).
    conn.receive_timed(4096, |buf| {
        buf[..4].copy_from_slice(b"GET ");
        Ok::<_, ()>((4, at(50)))
    })
    .unwrap();
    assert_eq!(
        conn.poll_timeout().map(|d| (d.kind, d.at)),
        Some((TimerKind::HeaderRead, at(80)))
    );
    conn.handle_timeout(at(51));
    assert_eq!(conn.poll_event(), Ok(Polled::NeedData));
    assert!(conn.error().is_none());
    // A read that failed tells no time and keeps nothing.
    assert_eq!(
        conn.receive_timed(4096, |_| Err::<(usize, Instant), _>("gone")),
        Err("gone")
    );
}

/// A body trickled a byte a read, each piece kept by the application: the pieces share
/// their memory, rather than each keeping an allocation of its own alive (a thousand times
/// the body in memory).
#[test]
fn a_body_trickled_a_byte_a_read_does_not_hold_an_allocation_a_byte() {
    let mut conn = server();
    receive_all(
        &mut conn,
        b"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 4000\r\n\r\n",
    );
    request(&mut conn);
    let mut pieces = Vec::new();
    for _ in 0..4000 {
        conn.receive(at(0), 16 * 1024, |buf| {
            buf[0] = b'x';
            Ok::<_, ()>(1)
        })
        .unwrap();
        match conn.poll_event() {
            Ok(Polled::Event(Event::Data(d))) => pieces.push(d),
            other => panic!("{other:?}"),
        }
    }
    assert_eq!(event(&mut conn), Event::End(Headers::new()));
    // Each piece right after the one before, in the same memory, but where a new allocation
    // began: at least half a window's bytes to each.
    let allocations = 1 + pieces
        .windows(2)
        .filter(|w| w[1].as_ptr() != w[0].as_ptr().wrapping_add(1))
        .count();
    assert!(
        allocations <= 4000 / (crate::recv::MIN_WINDOW / 2) + 1,
        "{allocations}"
    );
}

/// A body's read lent only the room left in the buffer, which it fills, says nothing of the
/// window: it neither grows nor shrinks with it.
#[test]
fn a_read_that_fills_the_room_it_was_lent_keeps_the_window() {
    let mut conn = server();
    receive_all(
        &mut conn,
        b"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 100000000\r\n\r\n",
    );
    request(&mut conn);
    let mut pieces = Vec::new();
    // Reads `n` bytes (all it is lent when `None`); returns what it was lent.
    let mut read = |conn: &mut Connection, n: Option<usize>| -> usize {
        let mut lent = 0;
        conn.receive(at(0), 1 << 20, |buf| {
            lent = buf.len();
            let n = n.unwrap_or(buf.len()).min(buf.len());
            buf[..n].fill(b'x');
            Ok::<_, ()>(n)
        })
        .unwrap();
        while let Ok(Polled::Event(Event::Data(d))) = conn.poll_event() {
            pieces.push(d);
        }
        lent
    };
    let mut lent = 0;
    for _ in 0..20 {
        lent = read(&mut conn, None);
    }
    assert_eq!(lent, 64 * 1024, "full reads grew the window to its most");
    // 40 KiB came, more than half the window: it stays; the next read is lent at most the
    // room left, and fills it.
    assert_eq!(read(&mut conn, Some(40 * 1024)), 64 * 1024);
    assert!(read(&mut conn, None) <= 64 * 1024);
    assert_eq!(read(&mut conn, None), 64 * 1024, "the window stayed");
}

/// A head that is whole in the socket is read in one read, however little room the buffer
/// it is read into has left (a spare one, from a connection whose fields are still held).
#[test]
fn a_head_is_read_in_one_read_into_a_spare_buffer() {
    let mut head = b"GET / HTTP/1.1\r\nHost: a\r\nX-Pad: ".to_vec();
    head.resize(596, b'p');
    head.extend_from_slice(b"\r\n\r\n");
    let mut conn = server();
    let mut spare: Option<BytesMut> = None;
    let mut held = Vec::new();
    for i in 0..16 {
        if let Some(buf) = spare.take() {
            assert!(conn.give_buffer(buf).is_none());
        }
        let mut input = &head[..];
        let mut reads = 0;
        let req = loop {
            reads += 1;
            conn.receive(at(0), 16 * 1024, |buf| {
                let n = buf.len().min(input.len());
                buf[..n].copy_from_slice(&input[..n]);
                input = &input[n..];
                Ok::<_, ()>(n)
            })
            .unwrap();
            match conn.poll_event() {
                Ok(Polled::Event(Event::Request(r))) => break r,
                Ok(Polled::NeedData) => {}
                other => panic!("{other:?}"),
            }
        };
        assert_eq!(reads, 1, "request {i}");
        // The head lives on, as a handler's request does.
        held.push(req);
        assert_eq!(event(&mut conn), Event::End(Headers::new()));
        respond(&mut conn, 200, b"");
        wire(&mut conn);
        spare = conn.take_spare_buffer();
    }
}

#[test]
fn a_buffer_grown_for_a_body_is_not_handed_out_as_a_spare() {
    let mut conn = server();
    let body = alloc::vec![b'x'; 64 * 1024];
    let mut input = [
        &b"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 65536\r\n\r\n"[..],
        &body,
    ]
    .concat();
    // Reads that fill what they are lent: the window doubles, and the buffer grows with it.
    let mut got = 0;
    while !input.is_empty() {
        let n = conn
            .receive(at(0), 64 * 1024, |buf| {
                let n = buf.len().min(input.len());
                buf[..n].copy_from_slice(&input[..n]);
                Ok::<_, ()>(n)
            })
            .unwrap();
        input.drain(..n);
        loop {
            match conn.poll_event() {
                Ok(Polled::Event(Event::Data(d))) => got += d.len(),
                Ok(Polled::Event(_)) => {}
                _ => break,
            }
        }
    }
    assert_eq!(got, body.len());
    respond(&mut conn, 200, b"");
    wire(&mut conn);
    assert_eq!(
        conn.take_spare_buffer(),
        None,
        "a grown buffer is freed, not handed out"
    );
    assert_eq!(conn.poll_event(), Ok(Polled::NeedData));
    assert_eq!(
        conn.recv.capacity(),
        0,
        "and the idle connection holds none"
    );
    // The next request's buffer is small again.
    receive_all(&mut conn, GET);
    request(&mut conn);
    assert_eq!(event(&mut conn), Event::End(Headers::new()));
    respond(&mut conn, 200, b"");
    wire(&mut conn);
    assert!(conn.take_spare_buffer().is_some());
}

// ----- what a driver asks about the request -----

#[test]
fn the_remaining_body_is_known_by_its_length_only() {
    let mut conn = server();
    conn.feed(at(0), GET);
    request(&mut conn);
    assert_eq!(conn.body_remaining(), Some(0), "no body at all");
    assert!(!conn.switch_proposed());
    assert!(matches!(event(&mut conn), Event::End(_)));
    respond(&mut conn, 200, b"");
    wire(&mut conn);

    conn.feed(
        at(0),
        b"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nab",
    );
    request(&mut conn);
    assert_eq!(conn.body_remaining(), Some(5));
    assert!(matches!(event(&mut conn), Event::Data(d) if d == "ab"));
    assert_eq!(conn.body_remaining(), Some(3));
    conn.feed(at(0), b"cde");
    assert!(matches!(event(&mut conn), Event::Data(d) if d == "cde"));
    assert_eq!(conn.body_remaining(), Some(0));
    assert!(matches!(event(&mut conn), Event::End(_)));
    respond(&mut conn, 200, b"");
    wire(&mut conn);
    assert_eq!(conn.body_remaining(), None, "between messages");

    conn.feed(
        at(0),
        b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n",
    );
    request(&mut conn);
    assert_eq!(
        conn.body_remaining(),
        None,
        "chunked: known only at its end"
    );
}

#[test]
fn a_switch_is_proposed_by_upgrade_or_connect_until_turned_down() {
    let mut conn = server();
    conn.feed(
        at(0),
        b"GET / HTTP/1.1\r\nHost: a\r\nConnection: upgrade\r\nUpgrade: websocket\r\n\r\n",
    );
    request(&mut conn);
    assert!(conn.switch_proposed());
    assert!(matches!(event(&mut conn), Event::End(_)));
    respond(&mut conn, 200, b"no");
    assert!(!conn.switch_proposed(), "a final response turned it down");
    wire(&mut conn);

    let mut conn = server();
    conn.feed(at(0), b"CONNECT a:443 HTTP/1.1\r\nHost: a:443\r\n\r\n");
    request(&mut conn);
    assert!(conn.switch_proposed());
}

#[test]
fn a_sized_response_gets_a_content_length_where_the_head_left_framing_open() {
    let sized = |req: &[u8], head: ResponseHead, len: u64| {
        let mut c = answering(req);
        c.send_response_sized(head, len).map(|()| c)
    };
    let mut c = sized(GET, ResponseHead::new(200), 3).unwrap();
    assert_eq!(
        c.send_data(Bytes::from_static(b"toolong")),
        Err(LocalError::BodyTooLong),
        "held to the length it gave"
    );
    c.send_data(Bytes::from_static(b"abc")).unwrap();
    c.send_end(Headers::new()).unwrap();
    assert_eq!(
        text(&wire(&mut c)),
        "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabc"
    );
    assert!(!c.should_close());

    // The head's own framing wins.
    let mut own = ResponseHead::new(200);
    own.headers.append("Transfer-Encoding", "chunked");
    let mut c = sized(GET, own, 3).unwrap();
    assert!(text(&wire(&mut c)).contains("Transfer-Encoding: chunked\r\n\r\n"));
    // A Content-Length that contradicts the body's length is refused before anything goes
    // (the response would be cut short, or run over); the same length stands.
    let mut own = ResponseHead::new(200);
    own.headers.append("Content-Length", "5");
    assert_eq!(
        sized(GET, own.clone(), 3).err(),
        Some(LocalError::InvalidContentLength)
    );
    let mut c = sized(GET, own, 5).unwrap();
    assert_eq!(
        text(&wire(&mut c)),
        "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n"
    );
    // To HEAD, or in a 304, the Content-Length describes the body a GET would get, which is
    // not sent: any length given for the (empty) body is no contradiction.
    let mut own = ResponseHead::new(200);
    own.headers.append("Content-Length", "5");
    let mut c = sized(b"HEAD / HTTP/1.1\r\nHost: a\r\n\r\n", own.clone(), 0).unwrap();
    assert_eq!(
        text(&wire(&mut c)),
        "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n"
    );
    own.status = 304;
    assert!(sized(GET, own, 0).is_ok());
    // A 205 says it has no content, and sends none of what it is given (RFC 9110 §15.3.6).
    let mut c = sized(GET, ResponseHead::new(205), 5).unwrap();
    c.send_data(Bytes::from_static(b"hello")).unwrap();
    c.send_end(Headers::new()).unwrap();
    assert_eq!(
        text(&wire(&mut c)),
        "HTTP/1.1 205 Reset Content\r\nContent-Length: 0\r\n\r\n"
    );

    // No body allowed: nothing added.
    for status in [204, 304] {
        let mut c = sized(GET, ResponseHead::new(status), 3).unwrap();
        let out = text(&wire(&mut c));
        assert!(!out.contains("Content-Length"), "{status}: {out}");
    }
    for (req, body, want) in [
        // HEAD: the length a GET would get, and no body (RFC 9110 §9.3.2).
        (
            &b"HEAD / HTTP/1.1\r\nHost: a\r\n\r\n"[..],
            &b"abc"[..],
            "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\n",
        ),
        // An HTTP/1.0 client gets a length instead of a close-delimited body.
        (
            b"GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n",
            b"ok",
            "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: keep-alive\r\n\r\nok",
        ),
    ] {
        let mut c = sized(req, ResponseHead::new(200), body.len() as u64).unwrap();
        c.send_data(Bytes::copy_from_slice(body)).unwrap();
        c.send_end(Headers::new()).unwrap();
        assert_eq!(text(&wire(&mut c)), want);
    }
}

#[test]
fn idle_means_between_messages_with_nothing_of_the_next() {
    let mut conn = server();
    assert!(conn.is_idle());
    conn.feed(at(0), b"GET / HT");
    assert!(!conn.is_idle(), "part of a head came");
    conn.feed(at(0), b"TP/1.1\r\nHost: a\r\n\r\nGET /2");
    request(&mut conn);
    assert!(!conn.is_idle(), "an exchange is under way");
    assert!(matches!(event(&mut conn), Event::End(_)));
    respond(&mut conn, 200, b"");
    wire(&mut conn);
    assert!(!conn.is_idle(), "the next request has begun");
    conn.feed(at(0), b" HTTP/1.1\r\nHost: a\r\n\r\n");
    request(&mut conn);
    assert!(matches!(event(&mut conn), Event::End(_)));
    respond(&mut conn, 200, b"");
    wire(&mut conn);
    assert!(conn.is_idle());
}

#[test]
fn transmit_pieces_are_consumed_by_the_bytes_a_write_took() {
    let mut conn = server();
    conn.feed(at(0), GET);
    request(&mut conn);
    event(&mut conn);
    let mut res = ResponseHead::new(200);
    res.headers.append("Transfer-Encoding", "chunked");
    conn.send_response(res).unwrap();
    conn.send_data(Bytes::from_static(b"hello")).unwrap();
    conn.send_data(Bytes::new()).unwrap();
    conn.send_end(Headers::new()).unwrap();
    let whole: Vec<u8> = conn.transmit_pieces().flatten().copied().collect();
    // Consumed in uneven steps, the rest always follows on from what went out.
    let mut out = Vec::new();
    for step in [3, 1, 40, 2, 7, usize::MAX] {
        let rest: Vec<u8> = conn.transmit_pieces().flatten().copied().collect();
        assert_eq!(whole[out.len()..], rest[..]);
        assert_eq!(
            conn.transmit_len(),
            rest.len(),
            "the bytes waiting, counted"
        );
        let n = step.min(rest.len());
        out.extend_from_slice(&rest[..n]);
        conn.consume_transmit(step);
    }
    assert_eq!(out, whole);
    assert!(!conn.has_transmit(), "nothing left, not even empty pieces");
    assert_eq!(conn.transmit_len(), 0);
    assert!(
        text(&whole).ends_with("5\r\nhello\r\n0\r\n\r\n"),
        "{}",
        text(&whole)
    );
}

// ----- body bytes the driver writes itself -----

#[test]
fn direct_body_bytes_count_against_the_length_and_are_never_queued() {
    let mut c = server();
    c.feed(at(0), GET);
    request(&mut c);
    event(&mut c);
    c.send_response_sized(ResponseHead::new(200), 10).unwrap();
    c.send_data(Bytes::from_static(b"ab")).unwrap();
    assert_eq!(c.send_data_direct(5), Ok(true));
    // The bytes before the direct ones, and nothing for them.
    assert_eq!(
        text(&wire(&mut c)),
        "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nab"
    );
    // One byte past the length is refused and changes nothing.
    assert_eq!(c.send_data_direct(4), Err(LocalError::BodyTooLong));
    assert_eq!(c.send_end(Headers::new()), Err(LocalError::BodyTooShort));
    assert_eq!(c.send_data_direct(3), Ok(true));
    c.send_end(Headers::new()).unwrap();
    assert!(c.poll_transmit().is_none());
    // The connection carries the next request.
    assert!(!c.should_close());
    c.feed(at(1), GET);
    request(&mut c);
}

#[test]
fn direct_body_bytes_are_dropped_for_head_and_refused_without_a_length() {
    // HEAD: the head says how long the body would be; none is written.
    let mut c = server();
    c.feed(at(0), b"HEAD / HTTP/1.1\r\nHost: a\r\n\r\n");
    request(&mut c);
    event(&mut c);
    c.send_response_sized(ResponseHead::new(200), 1000).unwrap();
    assert_eq!(c.send_data_direct(1000), Ok(false));
    c.send_end(Headers::new()).unwrap();
    assert_eq!(
        text(&wire(&mut c)),
        "HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n"
    );

    // Chunked: the bytes would need framing between them; the body goes on as data.
    let mut c = server();
    c.feed(at(0), GET);
    request(&mut c);
    event(&mut c);
    c.send_response(ResponseHead::new(200)).unwrap();
    assert_eq!(c.send_data_direct(3), Err(LocalError::DirectChunked));
    c.send_data(Bytes::from_static(b"abc")).unwrap();
    c.send_end(Headers::new()).unwrap();
    assert_eq!(
        text(&wire(&mut c)),
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n"
    );

    // No body allowed, no response yet, nothing to write.
    let mut c = server();
    assert_eq!(c.send_data_direct(1), Err(LocalError::WrongState));
    c.feed(at(0), GET);
    request(&mut c);
    event(&mut c);
    assert_eq!(c.send_data_direct(1), Err(LocalError::WrongState));
    c.send_response(ResponseHead::new(204)).unwrap();
    assert_eq!(
        c.send_data_direct(1),
        Ok(false),
        "a 204 has no body to write"
    );
    assert_eq!(c.send_data_direct(0), Ok(false));
}

#[test]
fn a_head_for_direct_bytes_must_frame_them_by_their_length() {
    // The head's own framing, if any, must be that length, in an answer to HEAD too (its
    // head describes the GET answer's); refused heads queue nothing.
    for req in [GET, b"HEAD / HTTP/1.1\r\nHost: a\r\n\r\n"] {
        let mut c = answering(req);
        let mut chunked = ResponseHead::new(200);
        chunked.headers.append("Transfer-Encoding", "chunked");
        assert_eq!(
            c.send_response_direct(chunked, 5),
            Err(LocalError::DirectChunked)
        );
        let mut other = ResponseHead::new(200);
        other.headers.append("Content-Length", "4");
        assert_eq!(
            c.send_response_direct(other, 5),
            Err(LocalError::InvalidContentLength)
        );
        assert!(c.poll_transmit().is_none(), "a refused head was queued");
    }
    let mut c = answering(GET);
    let mut same = ResponseHead::new(200);
    same.headers.append("Content-Length", "5");
    c.send_response_direct(same, 5).unwrap();
    assert_eq!(c.send_data_direct(5), Ok(true));
    c.send_end(Headers::new()).unwrap();
    assert_eq!(
        text(&wire(&mut c)),
        "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n"
    );

    // Without framing fields: the length is added; an HTTP/1.0 client gets it too.
    let mut c = answering(b"GET / HTTP/1.0\r\n\r\n");
    c.send_response_direct(ResponseHead::new(200), 7).unwrap();
    assert_eq!(c.send_data_direct(7), Ok(true));
    c.send_end(Headers::new()).unwrap();
    assert!(text(&wire(&mut c)).contains("Content-Length: 7\r\n"));

    // No body: taken, and nothing to write.
    let mut c = answering(GET);
    c.send_response_direct(ResponseHead::new(304), 9).unwrap();
    assert_eq!(c.send_data_direct(9), Ok(false));
    c.send_end(Headers::new()).unwrap();
    assert_eq!(text(&wire(&mut c)), "HTTP/1.1 304 Not Modified\r\n\r\n");
}

#[test]
fn a_head_answer_with_an_empty_body_gets_no_length() {
    // RFC 9110 §8.6: a HEAD answer's Content-Length must be the GET answer's; an empty body
    // given for HEAD says nothing of it.
    let mut c = answering(b"HEAD / HTTP/1.1\r\nHost: a\r\n\r\n");
    c.send_response_sized(ResponseHead::new(200), 0).unwrap();
    c.send_end(Headers::new()).unwrap();
    assert_eq!(text(&wire(&mut c)), "HTTP/1.1 200 OK\r\n\r\n");
}

#[test]
fn a_client_head_for_direct_bytes_must_frame_them_by_their_length() {
    let mut c = client();
    assert_eq!(
        c.send_request_direct(upload("PUT", &[("Transfer-Encoding", "chunked")]), 3),
        Err(LocalError::DirectChunked)
    );
    assert_eq!(
        c.send_request_direct(upload("PUT", &[("Content-Length", "4")]), 3),
        Err(LocalError::InvalidContentLength)
    );
    assert!(c.poll_transmit().is_none(), "a refused head was queued");
    c.send_request_direct(upload("PUT", &[("Content-Length", "3")]), 3)
        .unwrap();
    assert_eq!(c.send_data_direct(3), Ok(true));
    c.send_end(Headers::new()).unwrap();
    let mut c = client();
    c.send_request_direct(upload("PUT", &[]), 3).unwrap();
    assert!(text(&wire(&mut c)).contains("Content-Length: 3\r\n"));
}

#[test]
fn a_client_body_refused_before_the_100_may_end_short() {
    let mut c = client();
    c.send_request_sized(upload("PUT", &[("Expect", "100-continue")]), 10)
        .unwrap();
    assert!(text(&wire(&mut c)).starts_with("PUT /f HTTP/1.1\r\n"));
    assert!(c.holds_body());
    c.feed(
        at(0),
        b"HTTP/1.1 417 Expectation Failed\r\nContent-Length: 0\r\n\r\n",
    );
    assert!(matches!(event(&mut c), Event::Response(r) if r.status == 417));
    assert!(!c.holds_body());
    // None of it is sent; the request ends there, and the connection with it.
    c.send_data(Bytes::from_static(b"abc")).unwrap();
    c.send_end(Headers::new()).unwrap();
    assert_eq!(wire(&mut c), b"");
    assert!(!c.is_reusable());
}

#[test]
fn a_client_head_without_a_length_refuses_direct_bytes_and_stays_unsent() {
    let mut c = client();
    c.send_request(upload("POST", &[])).unwrap();
    assert_eq!(c.send_data_direct(3), Err(LocalError::DirectChunked));
    assert!(c.poll_transmit().is_none(), "the head went out");
    c.send_data(Bytes::from_static(b"abc")).unwrap();
    c.send_end(Headers::new()).unwrap();
    assert!(
        text(&wire(&mut c)).ends_with("Transfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n")
    );
}

#[test]
fn a_client_writes_direct_body_bytes_only_once_the_wait_for_100_is_over() {
    let mut c = client();
    c.send_request_sized(upload("PUT", &[("Expect", "100-continue")]), 4)
        .unwrap();
    assert_eq!(c.send_data_direct(4), Err(LocalError::WrongState));
    assert!(text(&wire(&mut c)).starts_with("PUT /f HTTP/1.1\r\n"));
    c.feed(at(0), b"HTTP/1.1 100 Continue\r\n\r\n");
    assert!(matches!(event(&mut c), Event::Response(r) if r.status == 100));
    assert_eq!(c.send_data_direct(4), Ok(true));
    c.send_end(Headers::new()).unwrap();
    assert!(c.poll_transmit().is_none());
}

// ----- misuse, found by a random driver of the API -----

/// A client told to close after the exchange while idle carries no further request: it is
/// not reusable, and a request is refused rather than sent and never read.
#[test]
fn a_client_closing_while_idle_takes_no_request() {
    let mut cfg = Config::default();
    cfg.timeouts.response_wait = None;
    let mut c = Connection::client(cfg, at(0));
    assert!(c.is_reusable());
    c.close_after_exchange();
    assert!(!c.is_reusable());
    assert!(c.should_close());
    assert_eq!(c.send_request(get("/")), Err(LocalError::WrongState));
    assert!(wire(&mut c).is_empty());
}

/// A response answers a request or a peer's error: none before either (the application's
/// mistake, not the peer's, which a request arriving next would have been blamed for).
#[test]
fn a_server_refuses_a_response_before_any_request() {
    let mut s = server();
    assert_eq!(s.send_empty_response(503), Err(LocalError::WrongState));
    assert_eq!(
        s.send_response(ResponseHead::new(200)),
        Err(LocalError::WrongState)
    );
    assert!(wire(&mut s).is_empty());
    // The request that comes is read and answered as usual.
    receive_all(&mut s, GET);
    request(&mut s);
    assert_eq!(event(&mut s), Event::End(Headers::new()));
    s.send_empty_response(200).unwrap();
    assert!(text(&wire(&mut s)).starts_with("HTTP/1.1 200 OK\r\n"));
    // After a response, before the next request: refused again.
    assert_eq!(s.send_empty_response(200), Err(LocalError::WrongState));
    // A peer's error is answered.
    s.feed(at(0), b"BAD\r\n\r\n");
    assert!(s.poll_event().is_err());
    assert_eq!(s.send_error_response(), Ok(true));
}

/// An empty 2xx to CONNECT is whole as it is: the switch to the tunnel stands, and the call
/// says so rather than failing after it queued the head.
#[test]
fn an_empty_2xx_to_connect_opens_the_tunnel() {
    let mut s = server();
    s.feed(at(0), b"CONNECT a:443 HTTP/1.1\r\nHost: a:443\r\n\r\nearly");
    request(&mut s);
    assert_eq!(s.send_empty_response(200), Ok(()));
    assert_eq!(s.our_state(), HalfState::SwitchedProtocol);
    assert!(text(&wire(&mut s)).starts_with("HTTP/1.1 200 OK\r\n"));
    assert_eq!(s.poll_event(), Ok(Polled::Paused));
    assert_eq!(s.take_leftover().as_deref(), Some(&b"early"[..]));
}

/// Bytes told with a time earlier than the engine was last told count at the later one: a
/// head does not start its timer in the past.
#[test]
fn bytes_told_late_are_timed_at_the_latest_time() {
    let mut s = server();
    s.feed(at(0), GET);
    request(&mut s);
    assert_eq!(event(&mut s), Event::End(Headers::new()));
    s.set_now(at(100));
    s.send_empty_response(200).unwrap();
    s.feed(at(10), b"GET / HT");
    assert_eq!(s.poll_event(), Ok(Polled::NeedData));
    assert_eq!(s.poll_timeout().map(|d| d.at), Some(at(130)));
}

/// `keep_alive` says no once the connection will not be reused: after a failed send, after
/// the peer closed.
#[test]
fn keep_alive_is_false_once_a_side_failed_or_closed() {
    let mut s = server();
    assert!(s.keep_alive());
    s.send_failed();
    assert!(s.should_close());
    assert!(!s.keep_alive());
    let mut s = server();
    s.feed_eof();
    assert_eq!(s.poll_event(), Ok(Polled::Event(Event::Closed)));
    assert!(!s.keep_alive());
}
