//! HTTP/1.0 peers (RFC 9112 §9.3, RFC 9110 §2.5): one exchange per connection unless
//! keep-alive is asked for, no chunked coding, no 1xx, and a body of unknown length is
//! delimited by the close.

#[path = "scenario/mod.rs"]
mod scenario;

use bytes::Bytes;
use http_core::{
    Config, Connection, Event, HalfState, Headers, Instant, LocalError, Polled, RemoteError,
    Version,
};
use scenario::*;

#[test]
fn the_server_closes_after_a_close_delimited_response_to_http_1_0() {
    each_split(|split| {
        let mut p = pair(split);
        let head = req10("GET", "/old", &[("User-Agent", "old/1.0")]);
        send_bodiless(&mut p.client.conn, head.clone());
        p.drive();
        assert_eq!(
            text(&p.client.sent),
            "GET /old HTTP/1.0\r\nUser-Agent: old/1.0\r\n\r\n"
        );
        let mut server_events = took(&mut p.server);
        assert_eq!(server_events[..2], [Event::Request(head.clone()), end()]);
        assert_eq!(request_of(&server_events[0]).version, Version::Http10);
        assert!(!p.server.conn.keep_alive());

        send_response(
            &mut p.server.conn,
            res(200, &[("Content-Type", "text/plain")]),
            &[
                Bytes::from_static(b"hello "),
                Bytes::from_static(b"old world"),
            ],
            Headers::new(),
        );
        assert!(p.server.conn.should_close());
        p.drive();
        assert_eq!(
            text(&p.server.sent),
            "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\nhello old world",
            "no chunked coding to HTTP/1.0: the close delimits the body"
        );
        let want = res(
            200,
            &[("Content-Type", "text/plain"), ("Connection", "close")],
        );
        assert_eq!(
            took(&mut p.client),
            [
                Event::Response(want),
                data("hello old world"),
                end(),
                Event::Closed
            ]
        );
        server_events.extend(took(&mut p.server));
        assert_eq!(
            merged(server_events),
            [Event::Request(head), end(), Event::Closed]
        );
        for conn in [&p.client.conn, &p.server.conn] {
            assert!(
                conn.should_close() && !conn.is_reusable(),
                "{:?}",
                conn.role()
            );
        }
        assert_eq!(p.client.conn.their_state(), HalfState::Closed);
        assert_eq!((p.client.error, p.server.error), (None, None));
    });
}

#[test]
fn the_server_closes_after_a_length_delimited_response_to_http_1_0() {
    each_split(|split| {
        let mut p = pair(split);
        send_bodiless(&mut p.client.conn, req10("GET", "/", &[]));
        p.drive();
        assert_eq!(
            took(&mut p.server)[..2],
            [Event::Request(req10("GET", "/", &[])), end()]
        );
        respond(&mut p.server.conn, 200, b"ok");
        p.drive();
        assert_eq!(
            took(&mut p.client),
            [
                Event::Response(res(
                    200,
                    &[("Content-Length", "2"), ("Connection", "close")]
                )),
                data("ok"),
                end(),
                Event::Closed
            ]
        );
        assert!(p.server.conn.should_close() && p.client.conn.should_close());
    });
}

#[test]
fn http_1_0_with_keep_alive_persists() {
    each_split(|split| {
        let mut p = pair(split);
        let ka = [("Connection", "keep-alive")];
        for target in ["/a", "/b"] {
            let head = req10("GET", target, &ka);
            send_bodiless(&mut p.client.conn, head.clone());
            p.drive();
            assert_eq!(took(&mut p.server), [Event::Request(head), end()]);
            assert!(p.server.conn.keep_alive());
            respond(&mut p.server.conn, 200, b"ok");
            p.drive();
            assert_eq!(
                took(&mut p.client),
                [
                    Event::Response(res(
                        200,
                        &[("Content-Length", "2"), ("Connection", "keep-alive")]
                    )),
                    data("ok"),
                    end()
                ]
            );
            assert_reusable(&p);
        }
        // A body sent by Content-Length works on the kept-alive connection.
        let post = req10(
            "POST",
            "/form",
            &[("Connection", "keep-alive"), ("Content-Length", "3")],
        );
        send_request(
            &mut p.client.conn,
            post.clone(),
            &[Bytes::from_static(b"a=1")],
            Headers::new(),
        );
        p.drive();
        assert_eq!(
            took(&mut p.server),
            [Event::Request(post), data("a=1"), end()]
        );
        // A response of unknown length still has to be delimited by the close.
        send_response(
            &mut p.server.conn,
            res(200, &[]),
            &[Bytes::from_static(b"until close")],
            Headers::new(),
        );
        assert!(p.server.conn.should_close());
        p.drive();
        assert_eq!(
            took(&mut p.client),
            [
                Event::Response(res(200, &[("Connection", "close")])),
                data("until close"),
                end(),
                Event::Closed
            ]
        );
        assert!(p.client.conn.should_close());
        assert_eq!(took(&mut p.server), [Event::Closed]);
    });
}

#[test]
fn http_1_1_features_are_refused_towards_http_1_0() {
    each_split(|split| {
        let mut p = pair(split);
        // The client cannot chunk a body of unknown length to an HTTP/1.0 server.
        let head = req10("POST", "/x", &[("Connection", "keep-alive")]);
        p.client.conn.send_request(head.clone()).unwrap();
        assert_eq!(
            p.client.conn.send_data(Bytes::from_static(b"abc")),
            Err(LocalError::InvalidContentLength)
        );
        p.client.conn.send_end(Headers::new()).unwrap();
        p.drive();
        assert_eq!(
            text(&p.client.sent),
            "POST /x HTTP/1.0\r\nConnection: keep-alive\r\nContent-Length: 0\r\n\r\n"
        );
        let mut chunked = req10("POST", "/y", &[]);
        chunked.headers.append("Transfer-Encoding", "chunked");

        assert_eq!(took(&mut p.server)[1..], [end()]);
        // No 1xx and no chunked coding to an HTTP/1.0 client.
        assert_eq!(
            p.server.conn.send_response(res(103, &[])),
            Err(LocalError::InvalidStatus)
        );
        assert_eq!(
            p.server
                .conn
                .send_response(res(200, &[("Transfer-Encoding", "chunked")])),
            Err(LocalError::InvalidTransferEncoding)
        );
        assert!(!p.server.conn.has_transmit());
        respond(&mut p.server.conn, 200, b"");
        p.drive();
        assert_eq!(took(&mut p.client)[1..], [end()]);
        assert_reusable(&p);
        assert_eq!(
            p.client.conn.send_request(chunked),
            Err(LocalError::InvalidTransferEncoding),
            "no Transfer-Encoding in an HTTP/1.0 request"
        );
    });
}

#[test]
fn transfer_encoding_in_an_http_1_0_request_is_rejected() {
    each_split(|split| {
        let mut rng = splitter(split);
        let mut s = Connection::server(Config::default(), Instant::ZERO);
        feed_split(
            &mut s,
            at(0),
            b"POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n",
            &mut rng,
        );
        let (events, _, err) = poll_all(&mut s);
        assert!(events.is_empty());
        assert_eq!(err, Some(RemoteError::TransferEncodingInHttp10));
        assert_eq!(s.send_error_response(), Ok(true));
        let wire = text(&drain(&mut s));
        assert!(wire.starts_with("HTTP/1.1 400 Bad Request\r\n"), "{wire}");
        assert!(wire.contains("\r\nConnection: close\r\n"), "{wire}");
        assert!(s.should_close());
    });
}

#[test]
fn an_http_1_0_server_s_response_ends_the_connection_unless_kept_alive() {
    for (response, reusable) in [
        (
            &b"HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok"[..],
            false,
        ),
        (
            &b"HTTP/1.0 200 OK\r\nContent-Length: 2\r\nConnection: keep-alive\r\n\r\nok"[..],
            true,
        ),
    ] {
        each_split(|split| {
            let mut rng = splitter(split);
            let mut c = Connection::client(Config::default(), Instant::ZERO);
            send_bodiless(&mut c, get("/"));
            drain(&mut c);
            feed_split(&mut c, at(0), response, &mut rng);
            let (events, polled, err) = poll_all(&mut c);
            assert_eq!(err, None);
            let events = merged(events);
            assert_eq!(events[1..], [data("ok"), end()]);
            assert_eq!(response_of(&events[0]).version, Version::Http10);
            assert_eq!(c.is_reusable(), reusable);
            assert_eq!(c.should_close(), !reusable);
            if reusable {
                assert_eq!(polled, Polled::NeedData);
            } else {
                assert_eq!(c.our_state(), HalfState::MustClose);
            }
        });
    }
}
