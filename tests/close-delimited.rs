//! Responses delimited by the close (RFC 9112 §6.3 step 8): a server with a body of unknown
//! length for an HTTP/1.0 client writes it raw and closes; the client reads until the end of
//! input, which ends the body, and then sees the close.

#[path = "scenario/mod.rs"]
mod scenario;

use bytes::Bytes;
use http_core::{Config, Connection, Event, HalfState, Headers, Instant, Polled, RemoteError};
use scenario::*;

fn old_keep_alive(target: &'static str) -> http_core::RequestHead {
    req10("GET", target, &[("Connection", "keep-alive")])
}

#[test]
fn the_client_reads_until_the_server_closes() {
    each_split(|split| {
        let mut p = pair(split);
        send_bodiless(&mut p.client.conn, old_keep_alive("/stream"));
        p.drive();
        assert_eq!(
            took(&mut p.server),
            [Event::Request(old_keep_alive("/stream")), end()]
        );
        p.server.conn.send_response(res(200, &[])).unwrap();
        let mut all = Vec::new();
        for i in 0..20u8 {
            let piece = Bytes::from(pattern(100 + usize::from(i) * 37, i));
            all.extend_from_slice(&piece);
            p.server.conn.send_data(piece).unwrap();
            p.drive();
            let events = took(&mut p.client);
            // The body streams, and nothing says it has ended.
            assert!(
                events
                    .iter()
                    .all(|e| !matches!(e, Event::End(_) | Event::Closed)),
                "piece {i}: {events:?}"
            );
            assert_eq!(p.client.conn.their_state(), HalfState::SendBody);
            assert!(!p.server.closed, "piece {i}");
        }
        p.server.conn.send_end(Headers::new()).unwrap();
        assert!(
            p.server.conn.should_close(),
            "only the close can end the body"
        );
        p.drive();
        assert!(p.server.closed);
        assert_eq!(took(&mut p.client), [end(), Event::Closed]);
        let wire = &p.server.sent;
        let head = b"HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n";
        assert_eq!(&wire[..head.len()], head, "no length, no chunking");
        assert_eq!(&wire[head.len()..], &all[..], "the body exactly as sent");
        assert!(p.client.conn.should_close() && !p.client.conn.is_reusable());
        assert_eq!(p.client.error, None);
        assert_eq!(took(&mut p.server), [Event::Closed]);
    });
}

#[test]
fn the_whole_close_delimited_body_arrives_whatever_the_split() {
    each_split(|split| {
        let mut p = pair(split);
        send_bodiless(&mut p.client.conn, req10("GET", "/all", &[]));
        p.drive();
        assert_eq!(
            took(&mut p.server)[..2],
            [Event::Request(req10("GET", "/all", &[])), end()]
        );
        let body: Vec<Bytes> = (0..8u8).map(|i| Bytes::from(pattern(10_000, i))).collect();
        send_response(
            &mut p.server.conn,
            res(200, &[("X-Kind", "raw")]),
            &body,
            Headers::new(),
        );
        p.drive();
        assert_eq!(
            took(&mut p.client),
            [
                Event::Response(res(200, &[("X-Kind", "raw"), ("Connection", "close")])),
                data(body.concat()),
                end(),
                Event::Closed
            ]
        );
    });
}

#[test]
fn an_empty_close_delimited_body() {
    each_split(|split| {
        let mut p = pair(split);
        send_bodiless(&mut p.client.conn, old_keep_alive("/empty"));
        p.drive();
        assert_eq!(took(&mut p.server).len(), 2);
        send_response(&mut p.server.conn, res(200, &[]), &[], Headers::new());
        p.drive();
        assert_eq!(
            text(&p.server.sent),
            "HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n"
        );
        assert_eq!(
            took(&mut p.client),
            [
                Event::Response(res(200, &[("Connection", "close")])),
                end(),
                Event::Closed
            ]
        );
        assert!(p.client.conn.should_close());
    });
}

#[test]
fn the_client_s_body_limit_holds_for_close_delimited_bodies() {
    for (len, passes) in [(10usize, true), (11, false)] {
        each_split(|split| {
            let mut client = Config::default();
            client.limits.max_body = 10;
            let mut p = pair_with(split, client, Config::default());
            send_bodiless(&mut p.client.conn, old_keep_alive("/limit"));
            p.drive();
            assert_eq!(took(&mut p.server).len(), 2);
            let body = Bytes::from(pattern(len, 7));
            send_response(
                &mut p.server.conn,
                res(200, &[]),
                std::slice::from_ref(&body),
                Headers::new(),
            );
            p.drive();
            let events = took(&mut p.client);
            if passes {
                assert_eq!(events[1..], [data(body), end(), Event::Closed]);
                assert_eq!(p.client.error, None);
            } else {
                assert_eq!(p.client.error, Some(RemoteError::BodyTooLarge));
                assert!(body_of(&events).len() <= 10, "{len}");
                assert!(!events.contains(&end()));
                assert!(p.client.conn.should_close(), "the client gives up");
            }
        });
    }
}

#[test]
fn without_framing_a_response_runs_until_the_close_but_a_length_must_be_met() {
    let cases: [(&[u8], Option<RemoteError>); 3] = [
        // No framing fields from an HTTP/1.1 server: the body runs until the close.
        (b"HTTP/1.1 200 OK\r\n\r\nuntil the end", None),
        // A final coding other than chunked: the same (RFC 9112 §6.3 step 4).
        (
            b"HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\nuntil the end",
            None,
        ),
        // A declared length cut short by the close is an incomplete message.
        (
            b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nuntil the end",
            Some(RemoteError::IncompleteMessage),
        ),
    ];
    for (response, error) in cases {
        each_split(|split| {
            let mut rng = splitter(split);
            let mut c = Connection::client(Config::default(), Instant::ZERO);
            send_bodiless(&mut c, get("/"));
            drain(&mut c);
            feed_split(&mut c, at(0), response, &mut rng);
            let (events, polled, err) = poll_all(&mut c);
            assert_eq!(
                (polled, err),
                (Polled::NeedData, None),
                "{}",
                text(response)
            );
            assert_eq!(merged(events)[1..], [data("until the end")]);
            assert_eq!(c.their_state(), HalfState::SendBody);
            c.feed_eof();
            let (events, _, err) = poll_all(&mut c);
            assert_eq!(err, error, "{}", text(response));
            if error.is_none() {
                assert_eq!(events, [end(), Event::Closed]);
                assert!(c.should_close() && !c.is_reusable());
            } else {
                assert!(events.is_empty());
                assert_eq!(c.their_state(), HalfState::Error);
                assert!(!c.is_reusable());
            }
        });
    }
}
