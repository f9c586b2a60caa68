//! Persistent connections (RFC 9112 §9.3, §9.6): several exchanges on one connection,
//! `Connection: close` from either side, HTTP/1.0 clients with and without keep-alive.

#[path = "scenario/mod.rs"]
mod scenario;

use bytes::Bytes;
use http_core::{Event, HalfState, Headers, LocalError, Version};
use scenario::*;

#[test]
fn several_exchanges_share_one_connection() {
    each_split(|split| {
        let mut p = pair(split);
        assert_reusable(&p);
        for i in 0..5u32 {
            // Alternate a GET with a POST that carries a body by Content-Length.
            let body = format!("request body {i}");
            let head = if i % 2 == 0 {
                get("/get")
            } else {
                let mut h = req("POST", "/post");
                h.headers.append("Content-Length", body.len().to_string());
                h
            };
            let pieces: Vec<Bytes> = if i % 2 == 0 {
                vec![]
            } else {
                vec![Bytes::from(body.clone())]
            };
            send_request(&mut p.client.conn, head.clone(), &pieces, Headers::new());
            assert!(!p.client.conn.is_reusable(), "an exchange is under way");
            assert_eq!(
                p.client.conn.send_request(get("/too-early")),
                Err(LocalError::WrongState),
                "one request at a time"
            );
            p.drive();
            let mut want = vec![Event::Request(head)];
            if i % 2 == 1 {
                want.push(data(body.clone()));
            }
            want.push(end());
            assert_eq!(took(&mut p.server), want, "exchange {i}");
            assert_states(&p.server.conn, HalfState::SendResponse, HalfState::Done);
            assert!(!p.server.conn.is_reusable());
            assert!(p.client.take().is_empty(), "no response yet");

            let answer = format!("answer {i}");
            let len = answer.len().to_string();
            let head = res(
                200,
                &[("Content-Length", &len), ("X-Exchange", &i.to_string())],
            );
            send_response(
                &mut p.server.conn,
                head.clone(),
                &[Bytes::from(answer.clone())],
                Headers::new(),
            );
            p.drive();
            assert_eq!(
                took(&mut p.client),
                [Event::Response(head), data(answer), end()],
                "exchange {i}"
            );
            assert_reusable(&p);
        }
        // Nothing but the five exchanges went over the wire: no close, no extra field.
        let sent = text(&p.server.sent);
        assert_eq!(sent.matches("HTTP/1.1 200 OK\r\n").count(), 5);
        assert!(!sent.to_ascii_lowercase().contains("connection:"), "{sent}");
    });
}

#[test]
fn the_client_s_close_ends_the_connection_after_the_response() {
    each_split(|split| {
        let mut p = pair(split);
        // One kept-alive exchange first.
        send_bodiless(&mut p.client.conn, get("/1"));
        p.drive();
        assert_eq!(took(&mut p.server), [Event::Request(get("/1")), end()]);
        respond(&mut p.server.conn, 200, b"one");
        p.drive();
        assert_eq!(took(&mut p.client)[1..], [data("one"), end()]);
        assert_reusable(&p);

        let mut last = get("/2");
        last.headers.append("Connection", "close");
        send_bodiless(&mut p.client.conn, last.clone());
        assert!(!p.client.conn.keep_alive());
        assert_eq!(p.client.conn.our_state(), HalfState::MustClose);
        p.drive();
        let mut server_events = took(&mut p.server);
        assert_eq!(server_events[..2], [Event::Request(last), end()]);
        // (Whether the client has closed its end yet is the business of the next test.)
        assert_eq!(p.server.conn.our_state(), HalfState::SendResponse);
        assert!(!p.server.conn.keep_alive());

        // The application's own response says nothing of the close: the engine adds it.
        respond(&mut p.server.conn, 200, b"two");
        assert!(p.server.conn.should_close());
        p.drive();
        server_events.extend(took(&mut p.server));
        assert_eq!(
            merged(server_events),
            [Event::Request(req_close("/2")), end(), Event::Closed],
            "the server sees the client's close after its request"
        );
        let want = res(200, &[("Content-Length", "3"), ("Connection", "close")]);
        assert_eq!(
            took(&mut p.client),
            [Event::Response(want), data("two"), end(), Event::Closed]
        );
        for conn in [&p.client.conn, &p.server.conn] {
            assert!(conn.should_close(), "{:?}", conn.role());
            assert!(!conn.is_reusable(), "{:?}", conn.role());
        }
        assert_eq!(p.server.conn.our_state(), HalfState::MustClose);
        assert_eq!(p.client.conn.their_state(), HalfState::Closed);
        assert_eq!(
            p.client.conn.send_request(get("/3")),
            Err(LocalError::WrongState),
            "no request after a close (RFC 9112 §9.6)"
        );
        assert_eq!((p.client.error, p.server.error), (None, None));
    });
}

fn req_close(target: &'static str) -> http_core::RequestHead {
    let mut r = get(target);
    r.headers.append("Connection", "close");
    r
}

/// RFC 9112 §9.6: a client that sends `close` "MUST close the connection after reading the
/// final response": it still has a response to read after sending its request.
#[test]
fn a_client_that_sent_close_still_waits_for_its_response() {
    each_split(|split| {
        let mut p = pair(split);
        send_bodiless(&mut p.client.conn, req_close("/"));
        assert!(
            !p.client.conn.should_close(),
            "a client that sent close must read the response before closing"
        );
        p.drive();
        assert_eq!(
            took(&mut p.server)[..2],
            [Event::Request(req_close("/")), end()]
        );
        respond(&mut p.server.conn, 200, b"ok");
        p.drive();
        assert_eq!(took(&mut p.client)[1..], [data("ok"), end(), Event::Closed]);
        assert!(p.client.conn.should_close());
    });
}

#[test]
fn the_server_s_close_ends_the_connection_after_its_response() {
    each_split(|split| {
        let mut p = pair(split);
        send_bodiless(&mut p.client.conn, get("/"));
        p.drive();
        assert_eq!(took(&mut p.server), [Event::Request(get("/")), end()]);
        let head = res(200, &[("Content-Length", "3"), ("Connection", "close")]);
        send_response(
            &mut p.server.conn,
            head.clone(),
            &[Bytes::from_static(b"bye")],
            Headers::new(),
        );
        assert_eq!(p.server.conn.our_state(), HalfState::MustClose);
        assert!(p.server.conn.should_close());
        p.drive();
        assert_eq!(
            took(&mut p.client),
            [Event::Response(head), data("bye"), end(), Event::Closed]
        );
        assert_eq!(
            text(&p.server.sent),
            "HTTP/1.1 200 OK\r\nContent-Length: 3\r\nConnection: close\r\n\r\nbye",
            "the application's close is not repeated"
        );
        assert!(p.client.conn.should_close() && !p.client.conn.is_reusable());
        assert_eq!(p.client.conn.their_state(), HalfState::Closed);
        // The client closes in turn; the server sees it.
        assert_eq!(took(&mut p.server), [Event::Closed]);
        assert_eq!(p.server.conn.their_state(), HalfState::Closed);
        assert_eq!(
            p.client.conn.send_request(get("/again")),
            Err(LocalError::WrongState)
        );
        assert_eq!((p.client.error, p.server.error), (None, None));
    });
}

#[test]
fn an_http_1_0_client_without_keep_alive_gets_one_exchange() {
    each_split(|split| {
        let mut p = pair(split);
        let head = req10("GET", "/old", &[]);
        send_bodiless(&mut p.client.conn, head.clone());
        assert!(
            !p.client.conn.keep_alive(),
            "HTTP/1.0 does not persist by default"
        );
        p.drive();
        assert_eq!(text(&p.client.sent), "GET /old HTTP/1.0\r\n\r\n");
        let events = took(&mut p.server);
        assert_eq!(events[..2], [Event::Request(head), end()]);
        assert_eq!(request_of(&events[0]).version, Version::Http10);
        respond(&mut p.server.conn, 200, b"ok");
        p.drive();
        let want = res(200, &[("Content-Length", "2"), ("Connection", "close")]);
        assert_eq!(
            took(&mut p.client),
            [Event::Response(want), data("ok"), end(), Event::Closed]
        );
        for conn in [&p.client.conn, &p.server.conn] {
            assert!(
                conn.should_close() && !conn.is_reusable(),
                "{:?}",
                conn.role()
            );
        }
    });
}

#[test]
fn an_http_1_0_client_with_keep_alive_is_kept_until_it_stops_asking() {
    each_split(|split| {
        let mut p = pair(split);
        for i in 0..3 {
            let head = req10("GET", "/k", &[("Connection", "keep-alive")]);
            send_bodiless(&mut p.client.conn, head.clone());
            assert!(p.client.conn.keep_alive());
            p.drive();
            assert_eq!(took(&mut p.server), [Event::Request(head), end()], "{i}");
            respond(&mut p.server.conn, 200, b"kept");
            p.drive();
            let want = res(
                200,
                &[("Content-Length", "4"), ("Connection", "keep-alive")],
            );
            assert_eq!(
                took(&mut p.client),
                [Event::Response(want), data("kept"), end()],
                "{i}: the server tells a kept-alive 1.0 client so"
            );
            assert_reusable(&p);
        }
        // The last request does not ask: the connection ends after it.
        let head = req10("GET", "/last", &[]);
        send_bodiless(&mut p.client.conn, head.clone());
        p.drive();
        assert_eq!(took(&mut p.server)[..2], [Event::Request(head), end()]);
        respond(&mut p.server.conn, 200, b"last");
        p.drive();
        let want = res(200, &[("Content-Length", "4"), ("Connection", "close")]);
        assert_eq!(
            took(&mut p.client),
            [Event::Response(want), data("last"), end(), Event::Closed]
        );
        assert!(p.client.conn.should_close() && p.server.conn.should_close());
    });
}

#[test]
fn is_reusable_follows_the_exchange() {
    each_split(|split| {
        let mut p = pair(split);
        assert!(p.client.conn.is_reusable() && p.server.conn.is_reusable());
        let mut head = req("PUT", "/r");
        head.headers.append("Content-Length", "4");
        p.client.conn.send_request(head.clone()).unwrap();
        assert_states(&p.client.conn, HalfState::SendBody, HalfState::SendResponse);
        assert!(!p.client.conn.is_reusable());
        p.drive();
        assert_eq!(took(&mut p.server), [Event::Request(head)]);
        assert_states(&p.server.conn, HalfState::SendResponse, HalfState::SendBody);
        assert!(!p.server.conn.is_reusable());
        p.client
            .conn
            .send_data(Bytes::from_static(b"data"))
            .unwrap();
        p.client.conn.send_end(Headers::new()).unwrap();
        assert_states(&p.client.conn, HalfState::Done, HalfState::SendResponse);
        assert!(!p.client.conn.is_reusable(), "the response is still owed");
        p.drive();
        assert_eq!(took(&mut p.server), [data("data"), end()]);
        assert_states(&p.server.conn, HalfState::SendResponse, HalfState::Done);
        p.server
            .conn
            .send_response(res(200, &[("Content-Length", "1")]))
            .unwrap();
        assert_states(&p.server.conn, HalfState::SendBody, HalfState::Done);
        p.server.conn.send_data(Bytes::from_static(b"x")).unwrap();
        p.drive();
        assert_eq!(took(&mut p.client)[1..], [data("x"), end()]);
        assert!(
            p.client.conn.is_reusable(),
            "the whole response came: the client may send again"
        );
        assert!(
            !p.server.conn.is_reusable(),
            "the server has not ended its response"
        );
        p.server.conn.send_end(Headers::new()).unwrap();
        p.drive();
        assert_reusable(&p);
    });
}
