//! Protocol upgrades (RFC 9110 §7.8, §15.2.2): a 101 hands the connection over, with the bytes
//! that followed the last HTTP message on each side; a declined upgrade carries on with HTTP.

#[path = "scenario/mod.rs"]
mod scenario;

use bytes::Bytes;
use http_core::{Event, HalfState, Headers, LocalError, Polled, RequestHead, Version};
use scenario::*;

fn upgrade_request() -> RequestHead {
    let mut r = get("/chat");
    r.headers.append("Connection", "Upgrade");
    r.headers.append("Upgrade", "websocket");
    r
}

fn switching() -> http_core::ResponseHead {
    res(101, &[("Connection", "Upgrade"), ("Upgrade", "websocket")])
}

/// The client's first frame, sent right behind its request without waiting for the 101.
const CLIENT_EARLY: &[u8] = b"\x81\x85early";
/// The server's first frame, in the same write as its 101.
const SERVER_EARLY: &[u8] = b"\x81\x05hello";

#[test]
fn a_101_hands_over_the_leftover_bytes_on_both_sides() {
    each_split(|split| {
        let mut p = pair(split);
        let mut rng = splitter(split);
        send_bodiless(&mut p.client.conn, upgrade_request());
        assert_states(
            &p.client.conn,
            HalfState::MightSwitchProtocol,
            HalfState::SendResponse,
        );
        // The request and the first bytes of the new protocol go out together.
        let out = hand_over(&mut p.client, &mut p.server, p.now, &mut rng);
        assert_eq!(out.len(), 1);
        feed_split(&mut p.server.conn, p.now, CLIENT_EARLY, &mut rng);
        p.client.sent.extend_from_slice(CLIENT_EARLY);
        p.drive();
        assert_eq!(
            took(&mut p.server),
            [Event::Request(upgrade_request()), end()]
        );
        assert_states(
            &p.server.conn,
            HalfState::SendResponse,
            HalfState::MightSwitchProtocol,
        );
        assert_eq!(
            p.server.conn.poll_event(),
            Ok(Polled::Paused),
            "the early bytes are not read as HTTP"
        );
        assert_eq!(p.server.conn.take_leftover(), None, "no switch yet");
        assert_eq!(p.client.conn.take_leftover(), None, "no switch yet");

        p.server.conn.send_response(switching()).unwrap();
        assert_states(
            &p.server.conn,
            HalfState::SwitchedProtocol,
            HalfState::SwitchedProtocol,
        );
        assert_eq!(
            p.server.conn.take_leftover().as_deref(),
            Some(CLIENT_EARLY),
            "the server's leftover is the client's first frame"
        );
        assert_eq!(
            p.server.conn.take_leftover().as_deref(),
            Some(&b""[..]),
            "taken once"
        );
        assert_eq!(
            p.server.conn.send_data(Bytes::from_static(b"x")),
            Err(LocalError::WrongState),
            "no HTTP body after a switch"
        );
        // The 101 and the server's first frame arrive in one write.
        let mut wire = drain(&mut p.server.conn);
        assert_eq!(
            text(&wire),
            "HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n"
        );
        wire.extend_from_slice(SERVER_EARLY);
        p.server.sent.extend_from_slice(&wire);
        feed_split(&mut p.client.conn, p.now, &wire, &mut rng);
        p.drive();
        assert_eq!(took(&mut p.client), [Event::Response(switching())]);
        assert_eq!(p.client.conn.poll_event(), Ok(Polled::Paused));
        assert_states(
            &p.client.conn,
            HalfState::SwitchedProtocol,
            HalfState::SwitchedProtocol,
        );
        assert_eq!(p.client.conn.take_leftover().as_deref(), Some(SERVER_EARLY));

        for conn in [&p.client.conn, &p.server.conn] {
            assert!(
                !conn.should_close(),
                "{:?}: the socket is handed over",
                conn.role()
            );
            assert!(
                !conn.wants_read(),
                "{:?}: no more HTTP is read",
                conn.role()
            );
            assert!(!conn.is_reusable(), "{:?}", conn.role());
            assert_eq!(conn.poll_timeout(), None, "{:?}", conn.role());
        }
        assert!(!p.client.closed && !p.server.closed);
        assert_eq!((p.client.error, p.server.error), (None, None));
    });
}

#[test]
fn a_101_without_early_bytes_leaves_nothing_over() {
    each_split(|split| {
        let mut p = pair(split);
        send_bodiless(&mut p.client.conn, upgrade_request());
        p.drive();
        assert_eq!(
            took(&mut p.server),
            [Event::Request(upgrade_request()), end()]
        );
        p.server.conn.send_response(switching()).unwrap();
        p.drive();
        assert_eq!(took(&mut p.client), [Event::Response(switching())]);
        assert_eq!(p.client.conn.take_leftover().as_deref(), Some(&b""[..]));
        assert_eq!(p.server.conn.take_leftover().as_deref(), Some(&b""[..]));
        assert_eq!(p.client.conn.our_state(), HalfState::SwitchedProtocol);
    });
}

#[test]
fn a_declined_upgrade_carries_on_with_http() {
    each_split(|split| {
        let mut p = pair(split);
        send_bodiless(&mut p.client.conn, upgrade_request());
        p.drive();
        assert_eq!(
            took(&mut p.server),
            [Event::Request(upgrade_request()), end()]
        );
        // The server ignores the proposal and answers normally.
        respond(&mut p.server.conn, 200, b"plain http");
        p.drive();
        assert_eq!(
            took(&mut p.client),
            [
                Event::Response(res(200, &[("Content-Length", "10")])),
                data("plain http"),
                end()
            ]
        );
        assert_eq!(p.client.conn.take_leftover(), None);
        assert_eq!(p.server.conn.take_leftover(), None);
        assert_reusable(&p);
        // And the connection carries the next exchange.
        send_bodiless(&mut p.client.conn, get("/next"));
        p.drive();
        assert_eq!(took(&mut p.server), [Event::Request(get("/next")), end()]);
        respond(&mut p.server.conn, 200, b"next");
        p.drive();
        assert_eq!(took(&mut p.client)[1..], [data("next"), end()]);
        assert_reusable(&p);
    });
}

#[test]
fn a_101_to_a_request_expecting_100_continue_comes_after_a_100() {
    each_split(|split| {
        let mut p = pair(split);
        let mut head = upgrade_request();
        head.method = "POST".into();
        head.headers.append("Content-Length", "3");
        head.headers.append("Expect", "100-continue");
        send_request(
            &mut p.client.conn,
            head.clone(),
            &[Bytes::from_static(b"abc")],
            Headers::new(),
        );
        p.drive();
        // The client holds its body for the 100.
        assert_eq!(took(&mut p.server), [Event::Request(head)]);
        assert!(p.server.conn.expects_continue());
        // RFC 9110 §7.8: the 100 goes first, whether the application sent one or not.
        p.server.conn.send_response(switching()).unwrap();
        assert!(!p.server.conn.expects_continue());
        assert_eq!(
            p.server.conn.take_leftover(),
            None,
            "the request's body is HTTP's, not the new protocol's"
        );
        p.drive();
        assert!(
            text(&p.server.sent).starts_with("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 101 "),
            "{}",
            text(&p.server.sent)
        );
        assert_eq!(
            took(&mut p.client),
            [Event::Response(res(100, &[])), Event::Response(switching())]
        );
        // The body came on the 100, after the 101 was queued: the engine discarded it
        // (RFC 9110 §7.8: the new protocol begins after it), and the application saw none.
        assert_eq!(took(&mut p.server), []);
        assert_states(
            &p.server.conn,
            HalfState::SwitchedProtocol,
            HalfState::SwitchedProtocol,
        );
        // What follows the body is the new protocol's.
        let mut rng = splitter(split);
        feed_split(&mut p.server.conn, p.now, CLIENT_EARLY, &mut rng);
        p.client.sent.extend_from_slice(CLIENT_EARLY);
        p.drive();
        assert_eq!(took(&mut p.server), []);
        assert_eq!(p.server.conn.take_leftover().as_deref(), Some(CLIENT_EARLY));
    });
}

#[test]
fn an_interim_response_before_the_101_does_not_switch() {
    each_split(|split| {
        let mut p = pair(split);
        send_bodiless(&mut p.client.conn, upgrade_request());
        p.drive();
        assert_eq!(took(&mut p.server).len(), 2);
        p.server
            .conn
            .send_response(res(103, &[("Link", "</s.css>; rel=preload")]))
            .unwrap();
        p.drive();
        assert_eq!(
            took(&mut p.client),
            [Event::Response(res(
                103,
                &[("Link", "</s.css>; rel=preload")]
            ))]
        );
        assert_eq!(p.client.conn.our_state(), HalfState::MightSwitchProtocol);
        p.server.conn.send_response(switching()).unwrap();
        p.drive();
        assert_eq!(took(&mut p.client), [Event::Response(switching())]);
        assert_states(
            &p.client.conn,
            HalfState::SwitchedProtocol,
            HalfState::SwitchedProtocol,
        );
    });
}

#[test]
fn no_101_without_an_upgrade_proposal() {
    each_split(|split| {
        let mut p = pair(split);
        // Upgrade without `Connection: upgrade` proposes nothing (RFC 9110 §7.8).
        let mut half = get("/");
        half.headers.append("Upgrade", "websocket");
        send_bodiless(&mut p.client.conn, half.clone());
        assert_eq!(p.client.conn.our_state(), HalfState::Done);
        p.drive();
        assert_eq!(took(&mut p.server), [Event::Request(half), end()]);
        assert_eq!(
            p.server.conn.send_response(switching()),
            Err(LocalError::InvalidStatus)
        );
        assert!(!p.server.conn.has_transmit());
        respond(&mut p.server.conn, 200, b"");
        p.drive();
        assert_eq!(took(&mut p.client)[1..], [end()]);
        assert_reusable(&p);

        // An HTTP/1.0 request's Upgrade is ignored (RFC 9110 §7.8).
        let mut old = upgrade_request();
        old.version = Version::Http10;
        old.headers.append("Connection", "keep-alive");
        send_bodiless(&mut p.client.conn, old.clone());
        p.drive();
        assert_eq!(took(&mut p.server), [Event::Request(old), end()]);
        assert_eq!(
            p.server.conn.send_response(switching()),
            Err(LocalError::InvalidStatus)
        );
        respond(&mut p.server.conn, 200, b"");
        p.drive();
        assert_eq!(took(&mut p.client)[1..], [end()]);
        assert_reusable(&p);
    });
}
