//! Deadlines (`Timeouts`): a slow head gets 408 and a close, an idle kept-alive connection
//! closes quietly, a stalled body gets 408, and nothing is timed when a timeout is `None`.

#[path = "scenario/mod.rs"]
mod scenario;

use bytes::Bytes;
use http_core::{Config, Deadline, Event, HalfState, Headers, LocalError, RemoteError, TimerKind};
use scenario::*;
use workspace_tests::{Pair, Rng};

/// Moves only the first `n` bytes of what the client queued to the server (the rest is slow
/// to come); returns the rest.
fn send_part(p: &mut Pair, n: usize, rng: &mut Option<Rng>) -> Vec<u8> {
    let wire = drain(&mut p.client.conn);
    let (now, rest) = wire.split_at(n);
    send_bytes(p, now, rng);
    rest.to_vec()
}

/// Moves `bytes` from the client to the server by hand.
fn send_bytes(p: &mut Pair, bytes: &[u8], rng: &mut Option<Rng>) {
    p.client.sent.extend_from_slice(bytes);
    feed_split(&mut p.server.conn, p.now, bytes, rng);
    p.drive();
}

fn deadline(kind: TimerKind, secs: u64) -> Option<Deadline> {
    Some(Deadline { kind, at: at(secs) })
}

/// One complete exchange.
fn exchange(p: &mut Pair, target: &'static str) {
    send_bodiless(&mut p.client.conn, get(target));
    p.drive();
    assert_eq!(took(&mut p.server), [Event::Request(get(target)), end()]);
    respond(&mut p.server.conn, 200, b"ok");
    p.drive();
    assert_eq!(took(&mut p.client)[1..], [data("ok"), end()]);
    assert_reusable(p);
}

#[test]
fn a_slow_first_head_gets_408_then_the_close() {
    each_split(|split| {
        let mut p = pair(split);
        let mut rng = splitter(split);
        // Before any byte, the wait for the first head is an idle one.
        assert_eq!(p.server.conn.poll_timeout(), deadline(TimerKind::Idle, 30));
        advance_in_order(&mut p, secs(5));
        send_bodiless(&mut p.client.conn, get("/slow"));
        send_part(&mut p, 20, &mut rng);
        assert!(p.server.take().is_empty());
        // The first head counts from the connection's start, not from its first byte.
        assert_eq!(
            p.server.conn.poll_timeout(),
            deadline(TimerKind::HeaderRead, 30)
        );
        // The client waits for its response from the request's end.
        assert_eq!(
            p.client.conn.poll_timeout(),
            deadline(TimerKind::Response, 5 + 60)
        );
        advance_in_order(&mut p, secs(24));
        assert!(p.client.take().is_empty() && p.server.error.is_none());
        advance_in_order(&mut p, secs(1));
        assert_eq!(p.server.error, Some(RemoteError::HeaderTimeout));
        assert!(p.server.take().is_empty(), "no request was read");
        assert_eq!(
            took(&mut p.client),
            error_answer(RemoteError::HeaderTimeout)
        );
        assert!(text(&p.server.sent).starts_with("HTTP/1.1 408 Request Timeout\r\n"));
        assert!(p.server.conn.should_close() && p.server.closed);
        assert!(
            p.client.conn.should_close(),
            "the client read a response with close"
        );
        assert_eq!(p.client.conn.their_state(), HalfState::Closed);
        assert_eq!(p.client.error, None);
        assert_eq!(p.server.conn.poll_timeout(), None, "nothing more is timed");
    });
}

#[test]
fn a_slow_later_head_counts_from_its_first_byte() {
    each_split(|split| {
        let mut p = pair(split);
        let mut rng = splitter(split);
        exchange(&mut p, "/1");
        assert_eq!(p.server.conn.poll_timeout(), deadline(TimerKind::Idle, 75));
        advance_in_order(&mut p, secs(10));
        send_bodiless(&mut p.client.conn, get("/2"));
        let rest = send_part(&mut p, 5, &mut rng);
        assert_eq!(
            p.server.conn.poll_timeout(),
            deadline(TimerKind::HeaderRead, 40)
        );
        advance_in_order(&mut p, secs(29));
        assert!(p.server.take().is_empty() && p.server.error.is_none());
        // More bytes of the same head do not push the deadline back.
        send_bytes(&mut p, &rest[..rest.len() - 1], &mut rng);
        assert_eq!(
            p.server.conn.poll_timeout(),
            deadline(TimerKind::HeaderRead, 40)
        );
        advance_in_order(&mut p, secs(1));
        assert_eq!(p.server.error, Some(RemoteError::HeaderTimeout));
        assert_eq!(
            took(&mut p.client),
            error_answer(RemoteError::HeaderTimeout)
        );
        assert!(p.client.conn.should_close() && !p.client.conn.is_reusable());
    });
}

#[test]
fn an_idle_kept_alive_connection_closes_quietly() {
    each_split(|split| {
        let mut p = pair(split);
        exchange(&mut p, "/");
        let sent = p.server.sent.len();
        assert_eq!(p.server.conn.poll_timeout(), deadline(TimerKind::Idle, 75));
        advance_in_order(&mut p, secs(74));
        assert!(p.client.take().is_empty());
        assert_reusable(&p);
        advance_in_order(&mut p, secs(1));
        assert_eq!(p.server.error, Some(RemoteError::IdleTimeout));
        assert_eq!(
            p.server.sent.len(),
            sent,
            "no response to an idle connection"
        );
        assert!(p.server.conn.should_close() && p.server.closed);
        assert_eq!(took(&mut p.client), [Event::Closed]);
        assert_eq!(p.client.error, None);
        assert!(p.client.conn.should_close() && !p.client.conn.is_reusable());
        assert_eq!(
            p.client.conn.send_request(get("/late")),
            Err(LocalError::WrongState)
        );
    });
}

#[test]
fn a_connection_that_never_speaks_closes_quietly() {
    each_split(|split| {
        let mut p = pair(split);
        advance_in_order(&mut p, secs(29));
        assert_eq!(p.server.error, None);
        advance_in_order(&mut p, secs(1));
        assert_eq!(p.server.error, Some(RemoteError::IdleTimeout));
        assert!(p.server.sent.is_empty());
        assert_eq!(took(&mut p.client), [Event::Closed]);
        assert!(p.client.conn.should_close());
    });
}

#[test]
fn the_server_s_own_work_is_not_timed() {
    // The server does not time its application; a client that waits for ever does not either.
    let mut patient = Config::default();
    patient.timeouts.response_wait = None;
    each_split(|split| {
        let mut p = pair_with(split, patient, Config::default());
        send_bodiless(&mut p.client.conn, get("/slow-app"));
        p.drive();
        assert_eq!(took(&mut p.server).len(), 2);
        assert_eq!(p.server.conn.poll_timeout(), None);
        advance_in_order(&mut p, secs(3600));
        assert_eq!((p.client.error, p.server.error), (None, None));
        respond(&mut p.server.conn, 200, b"finally");
        p.drive();
        assert_eq!(took(&mut p.client)[1..], [data("finally"), end()]);
        // The idle wait starts when the response ends.
        assert_eq!(
            p.server.conn.poll_timeout(),
            deadline(TimerKind::Idle, 3600 + 75)
        );
        assert_reusable(&p);
    });
}

#[test]
fn a_client_waits_for_its_response_no_longer_than_response_wait() {
    each_split(|split| {
        let mut p = pair(split);
        advance_in_order(&mut p, secs(10));
        let mut head = req("PUT", "/upload");
        head.headers.append("Content-Length", "3");
        p.client.conn.send_request(head.clone()).unwrap();
        p.client.conn.send_data(Bytes::from_static(b"ab")).unwrap();
        p.drive();
        assert_eq!(took(&mut p.server), [Event::Request(head), data("ab")]);
        // While the request is still being sent, the response is not waited for.
        assert_eq!(p.client.conn.poll_timeout(), None);
        advance_in_order(&mut p, secs(50));
        p.client.conn.send_data(Bytes::from_static(b"c")).unwrap();
        p.client.conn.send_end(Headers::new()).unwrap();
        p.drive();
        assert_eq!(took(&mut p.server), [data("c"), end()]);
        assert_eq!(
            p.client.conn.poll_timeout(),
            deadline(TimerKind::Response, 60 + 60)
        );
        // Interim responses do not move the deadline.
        advance_in_order(&mut p, secs(30));
        p.server
            .conn
            .send_response(res(103, &[("Link", "</a>")]))
            .unwrap();
        p.drive();
        assert_eq!(took(&mut p.client).len(), 1);
        assert_eq!(
            p.client.conn.poll_timeout(),
            deadline(TimerKind::Response, 60 + 60)
        );
        // Part of a final head: still the same deadline, a second before and at it.
        p.server
            .conn
            .send_response(res(200, &[("Content-Length", "2")]))
            .unwrap();
        let wire = drain(&mut p.server.conn);
        feed_split(&mut p.client.conn, p.now, &wire[..10], &mut splitter(split));
        p.drive();
        advance_in_order(&mut p, secs(29));
        assert_eq!(p.client.error, None);
        advance_in_order(&mut p, secs(1));
        assert_eq!(p.client.error, Some(RemoteError::ResponseTimeout));
        assert_eq!(RemoteError::ResponseTimeout.status_hint(), None);
        assert!(p.client.conn.should_close());
        assert_eq!(p.client.conn.poll_timeout(), None);
    });
}

#[test]
fn a_request_that_proposes_a_switch_waits_for_its_response_no_longer_either() {
    each_split(|split| {
        for head in [
            {
                let mut r = get("/chat");
                r.headers.append("Connection", "upgrade");
                r.headers.append("Upgrade", "websocket");
                r
            },
            {
                let mut r = http_core::RequestHead::new("CONNECT", "example.com:443");
                r.headers.append("Host", "example.com:443");
                r
            },
        ] {
            let mut p = pair(split);
            send_bodiless(&mut p.client.conn, head);
            p.drive();
            assert_eq!(
                p.client.conn.poll_timeout(),
                deadline(TimerKind::Response, 60)
            );
            advance_in_order(&mut p, secs(60));
            assert_eq!(p.client.error, Some(RemoteError::ResponseTimeout));
        }
    });
}

#[test]
fn a_response_head_in_time_ends_the_client_s_wait() {
    each_split(|split| {
        let mut p = pair(split);
        send_bodiless(&mut p.client.conn, get("/"));
        p.drive();
        assert_eq!(took(&mut p.server).len(), 2);
        advance_in_order(&mut p, secs(59));
        p.server
            .conn
            .send_response(res(200, &[("Content-Length", "2")]))
            .unwrap();
        p.drive();
        assert_eq!(took(&mut p.client).len(), 1);
        // The body's own wait takes over once the application waits for it.
        assert_eq!(
            p.client.conn.poll_timeout().map(|d| d.kind),
            Some(TimerKind::BodyRead)
        );
        advance_in_order(&mut p, secs(10));
        assert_eq!(p.client.error, None);
        p.server.conn.send_data(Bytes::from_static(b"ok")).unwrap();
        p.server.conn.send_end(Headers::new()).unwrap();
        p.drive();
        assert_eq!(took(&mut p.client), [data("ok"), end()]);
        assert_eq!(p.client.conn.poll_timeout(), None);
        assert_reusable(&p);
    });
}

#[test]
fn a_stalled_body_gets_408_then_the_close() {
    each_split(|split| {
        let mut p = pair(split);
        let mut head = req("PUT", "/upload");
        head.headers.append("Content-Length", "10");
        p.client.conn.send_request(head.clone()).unwrap();
        p.client.conn.send_data(Bytes::from_static(b"abc")).unwrap();
        p.drive();
        assert_eq!(took(&mut p.server), [Event::Request(head), data("abc")]);
        assert_eq!(
            p.server.conn.poll_timeout(),
            deadline(TimerKind::BodyRead, 60)
        );
        advance_in_order(&mut p, secs(50));
        // Progress pushes the deadline back.
        p.client.conn.send_data(Bytes::from_static(b"de")).unwrap();
        p.drive();
        assert_eq!(took(&mut p.server), [data("de")]);
        assert_eq!(
            p.server.conn.poll_timeout(),
            deadline(TimerKind::BodyRead, 110)
        );
        advance_in_order(&mut p, secs(59));
        assert_eq!(p.server.error, None);
        advance_in_order(&mut p, secs(1));
        assert_eq!(p.server.error, Some(RemoteError::BodyTimeout));
        assert!(p.server.take().is_empty());
        assert_eq!(took(&mut p.client), error_answer(RemoteError::BodyTimeout));
        assert!(text(&p.server.sent).starts_with("HTTP/1.1 408 Request Timeout\r\n"));
        assert!(p.server.conn.should_close());
        assert_eq!(p.client.conn.their_state(), HalfState::Closed);
        assert_eq!(p.client.error, None);
        // RFC 9112 §9.6: having read a response with close, the client MUST close, though its
        // application never finished the body.
        assert!(
            p.client.conn.should_close(),
            "the client should close after reading a response with close"
        );
    });
}

#[test]
fn nothing_is_timed_when_the_timeouts_are_none() {
    each_split(|split| {
        let mut rng = splitter(split);
        let mut none = Config::default();
        none.timeouts.header_read = None;
        none.timeouts.idle = None;
        none.timeouts.body_read = None;
        none.timeouts.continue_wait = None;
        let mut p = pair_with(split, none, none);
        assert_eq!(p.server.conn.poll_timeout(), None);
        advance_in_order(&mut p, secs(3600));
        assert_eq!(p.server.error, None);

        // A slow head with a held body.
        let mut head = req("PUT", "/f");
        head.headers.append("Content-Length", "5");
        head.headers.append("Expect", "100-continue");
        send_request(
            &mut p.client.conn,
            head.clone(),
            &[Bytes::from_static(b"hello")],
            Headers::new(),
        );
        assert_eq!(p.client.conn.poll_timeout(), None, "no wait for 100");
        let rest = send_part(&mut p, 12, &mut rng);
        assert_eq!(p.server.conn.poll_timeout(), None);
        advance_in_order(&mut p, secs(24 * 3600));
        assert_eq!(p.server.error, None);
        send_bytes(&mut p, &rest, &mut rng);
        assert_eq!(took(&mut p.server), [Event::Request(head)]);

        // The body stays held however long the server takes.
        advance_in_order(&mut p, secs(24 * 3600));
        assert!(p.server.take().is_empty());
        assert_eq!(p.server.conn.poll_timeout(), None, "no body deadline");
        assert_eq!(p.server.error, None);
        p.server.conn.send_continue().unwrap();
        p.drive();
        assert_eq!(took(&mut p.client), [Event::Response(res(100, &[]))]);
        assert_eq!(took(&mut p.server), [data("hello"), end()]);
        respond(&mut p.server.conn, 200, b"");
        p.drive();
        assert_eq!(took(&mut p.client)[1..], [end()]);

        // Idle forever, and still usable.
        assert_eq!(p.server.conn.poll_timeout(), None);
        advance_in_order(&mut p, secs(7 * 24 * 3600));
        assert_reusable(&p);
        exchange(&mut p, "/again");
    });
}
