//! CONNECT (RFC 9110 §9.3.6): a 2xx turns the connection into a tunnel on both sides, with the
//! bytes that followed the HTTP messages handed over; any other status is a normal response.

#[path = "scenario/mod.rs"]
mod scenario;

use bytes::Bytes;
use http_core::{Event, HalfState, Headers, LocalError, Polled, RequestHead};
use scenario::*;

fn connect() -> RequestHead {
    let mut r = RequestHead::new("CONNECT", "example.com:443");
    r.headers.append("Host", "example.com:443");
    r
}

const CLIENT_HELLO: &[u8] = b"\x16\x03\x01\x00\x05hello";
const SERVER_HELLO: &[u8] = b"\x16\x03\x03\x00\x02hi";

#[test]
fn a_2xx_opens_a_tunnel_on_both_sides() {
    each_split(|split| {
        let mut p = pair(split);
        let mut rng = splitter(split);
        send_bodiless(&mut p.client.conn, connect());
        // The client starts its TLS handshake without waiting for the answer.
        hand_over(&mut p.client, &mut p.server, p.now, &mut rng);
        feed_split(&mut p.server.conn, p.now, CLIENT_HELLO, &mut rng);
        p.client.sent.extend_from_slice(CLIENT_HELLO);
        p.drive();
        assert_eq!(
            text(&p.client.sent[..p.client.sent.len() - CLIENT_HELLO.len()]),
            "CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n",
            "no framing fields on a CONNECT"
        );
        assert_eq!(took(&mut p.server), [Event::Request(connect()), end()]);
        assert_eq!(p.server.conn.poll_event(), Ok(Polled::Paused));
        assert_eq!(p.server.conn.take_leftover(), None);

        // Framing fields in a 2xx to CONNECT are refused (RFC 9110 §9.3.6).
        assert_eq!(
            p.server
                .conn
                .send_response(res(200, &[("Content-Length", "0")])),
            Err(LocalError::InvalidContentLength)
        );
        assert!(!p.server.conn.has_transmit());
        p.server.conn.send_response(res(200, &[])).unwrap();
        assert_states(
            &p.server.conn,
            HalfState::SwitchedProtocol,
            HalfState::SwitchedProtocol,
        );
        assert_eq!(p.server.conn.take_leftover().as_deref(), Some(CLIENT_HELLO));

        let mut wire = drain(&mut p.server.conn);
        assert_eq!(text(&wire), "HTTP/1.1 200 OK\r\n\r\n");
        wire.extend_from_slice(SERVER_HELLO);
        p.server.sent.extend_from_slice(&wire);
        feed_split(&mut p.client.conn, p.now, &wire, &mut rng);
        p.drive();
        assert_eq!(took(&mut p.client), [Event::Response(res(200, &[]))]);
        assert_eq!(p.client.conn.poll_event(), Ok(Polled::Paused));
        assert_states(
            &p.client.conn,
            HalfState::SwitchedProtocol,
            HalfState::SwitchedProtocol,
        );
        assert_eq!(p.client.conn.take_leftover().as_deref(), Some(SERVER_HELLO));

        for conn in [&p.client.conn, &p.server.conn] {
            assert!(
                !conn.should_close() && !conn.wants_read(),
                "{:?}",
                conn.role()
            );
            assert_eq!(conn.poll_timeout(), None, "{:?}", conn.role());
        }
        assert_eq!((p.client.error, p.server.error), (None, None));
    });
}

#[test]
fn a_2xx_to_connect_has_no_body_whatever_its_fields_say() {
    // RFC 9112 §6.3 step 2: a client ignores framing fields in a 2xx to CONNECT; what
    // follows is the tunnel.
    each_split(|split| {
        let mut rng = splitter(split);
        let mut c = http_core::Connection::client(Default::default(), http_core::Instant::ZERO);
        send_bodiless(&mut c, connect());
        drain(&mut c);
        feed_split(
            &mut c,
            at(0),
            b"HTTP/1.1 200 Connection Established\r\nContent-Length: 5\r\n\r\ntunnel bytes",
            &mut rng,
        );
        let (events, polled, err) = poll_all(&mut c);
        assert_eq!(events.len(), 1);
        assert_eq!(response_of(&events[0]).status, 200);
        assert_eq!((polled, err), (Polled::Paused, None));
        assert_eq!(c.take_leftover().as_deref(), Some(&b"tunnel bytes"[..]));
    });
}

#[test]
fn a_407_to_connect_is_a_normal_response_and_the_retry_tunnels() {
    each_split(|split| {
        let mut p = pair(split);
        send_bodiless(&mut p.client.conn, connect());
        p.drive();
        assert_eq!(took(&mut p.server), [Event::Request(connect()), end()]);
        let challenge = res(
            407,
            &[
                ("Proxy-Authenticate", "Basic realm=\"proxy\""),
                ("Content-Length", "12"),
            ],
        );
        send_response(
            &mut p.server.conn,
            challenge.clone(),
            &[Bytes::from_static(b"who are you?")],
            Headers::new(),
        );
        p.drive();
        assert_eq!(
            took(&mut p.client),
            [Event::Response(challenge), data("who are you?"), end()],
            "a non-2xx answer to CONNECT has its body, framed as usual"
        );
        assert_eq!(p.client.conn.take_leftover(), None);
        assert_eq!(p.server.conn.take_leftover(), None);
        assert_reusable(&p);

        // The retry with credentials opens the tunnel.
        let mut retry = connect();
        retry
            .headers
            .append("Proxy-Authorization", "Basic dXNlcjpwYXNz");
        send_bodiless(&mut p.client.conn, retry.clone());
        p.drive();
        assert_eq!(took(&mut p.server), [Event::Request(retry), end()]);
        p.server.conn.send_response(res(200, &[])).unwrap();
        p.drive();
        assert_eq!(took(&mut p.client), [Event::Response(res(200, &[]))]);
        assert_eq!(p.client.conn.our_state(), HalfState::SwitchedProtocol);
        assert_eq!(p.server.conn.our_state(), HalfState::SwitchedProtocol);
        assert_eq!(p.client.conn.take_leftover().as_deref(), Some(&b""[..]));
    });
}

/// RFC 9110 §9.3.6: a CONNECT request has no content. The client refuses to send one,
/// with nothing queued, and the connection is as it was (a server's refusal of one it
/// receives, `ConnectWithBody`, is in the request table).
#[test]
fn a_connect_with_content_is_refused() {
    each_split(|split| {
        let mut p = pair(split);
        let mut r = connect();
        r.headers.append("Content-Length", "4");
        assert_eq!(
            p.client.conn.send_request(r),
            Err(LocalError::BodyNotAllowed)
        );
        assert_eq!(
            p.client.conn.send_request_sized(connect(), 4),
            Err(LocalError::BodyNotAllowed)
        );
        send_bodiless(&mut p.client.conn, connect());
        p.drive();
        assert_eq!(took(&mut p.server), [Event::Request(connect()), end()]);
        p.server.conn.send_response(res(200, &[])).unwrap();
        p.drive();
        assert_eq!(took(&mut p.client), [Event::Response(res(200, &[]))]);
        assert_eq!(p.client.conn.our_state(), HalfState::SwitchedProtocol);
    });
}
