//! Responses without content (RFC 9110 §6.4.1, RFC 9112 §6.3 step 1): the answer to HEAD, and
//! 1xx, 204 and 304, end with their head whatever their fields say; no body is read and the
//! connection stays reusable.

#[path = "scenario/mod.rs"]
mod scenario;

use bytes::Bytes;
use http_core::{Event, Headers, LocalError};
use scenario::*;

/// A GET right after, answered with a body, to show no byte of a body was expected or left.
#[track_caller]
fn next_exchange_is_clean(p: &mut workspace_tests::Pair) {
    send_bodiless(&mut p.client.conn, get("/after"));
    p.drive();
    assert_eq!(took(&mut p.server), [Event::Request(get("/after")), end()]);
    respond(&mut p.server.conn, 200, b"after");
    p.drive();
    assert_eq!(
        took(&mut p.client),
        [
            Event::Response(res(200, &[("Content-Length", "5")])),
            data("after"),
            end()
        ]
    );
    assert_reusable(p);
}

#[test]
fn head_gets_the_length_of_a_get_and_no_body() {
    each_split(|split| {
        let mut p = pair(split);
        send_bodiless(&mut p.client.conn, req("HEAD", "/doc"));
        p.drive();
        assert_eq!(
            took(&mut p.server),
            [Event::Request(req("HEAD", "/doc")), end()]
        );
        let head = res(
            200,
            &[("Content-Length", "5"), ("Content-Type", "text/plain")],
        );
        p.server.conn.send_response(head.clone()).unwrap();
        // The application may write the GET body: the engine drops it.
        p.server
            .conn
            .send_data(Bytes::from_static(b"hello"))
            .unwrap();
        p.server.conn.send_end(Headers::new()).unwrap();
        p.drive();
        assert_eq!(took(&mut p.client), [Event::Response(head), end()]);
        assert_eq!(
            text(&p.server.sent),
            "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Type: text/plain\r\n\r\n"
        );
        assert_reusable(&p);
        next_exchange_is_clean(&mut p);
    });
}

#[test]
fn head_without_a_length_is_still_bodiless() {
    each_split(|split| {
        let mut p = pair(split);
        send_bodiless(&mut p.client.conn, req("HEAD", "/unknown-length"));
        p.drive();
        assert_eq!(took(&mut p.server).len(), 2);
        send_response(
            &mut p.server.conn,
            res(200, &[]),
            &[Bytes::from_static(b"dropped")],
            Headers::new(),
        );
        p.drive();
        let events = took(&mut p.client);
        assert_eq!(events.len(), 2, "{events:?}");
        assert_eq!(response_of(&events[0]).status, 200);
        assert_eq!(events[1], end());
        assert!(!text(&p.server.sent).contains("dropped"));
        assert!(
            !text(&p.server.sent).contains("\r\n0\r\n"),
            "no chunk either"
        );
        assert_reusable(&p);
        next_exchange_is_clean(&mut p);
    });
}

#[test]
fn no_content_204_has_no_body() {
    each_split(|split| {
        let mut p = pair(split);
        send_bodiless(&mut p.client.conn, req("DELETE", "/item"));
        p.drive();
        assert_eq!(
            took(&mut p.server),
            [Event::Request(req("DELETE", "/item")), end()]
        );
        p.server.conn.send_response(res(204, &[])).unwrap();
        // What the application gives for one is dropped: none can be sent.
        assert_eq!(p.server.conn.send_data(Bytes::from_static(b"x")), Ok(()));
        p.server.conn.send_end(Headers::new()).unwrap();
        p.drive();
        assert_eq!(took(&mut p.client), [Event::Response(res(204, &[])), end()]);
        assert_eq!(text(&p.server.sent), "HTTP/1.1 204 No Content\r\n\r\n");
        assert_reusable(&p);
        next_exchange_is_clean(&mut p);
    });
}

#[test]
fn not_modified_304_has_no_body_even_with_a_length() {
    each_split(|split| {
        let mut p = pair(split);
        let mut cond = get("/cached");
        cond.headers.append("If-None-Match", "\"v1\"");
        send_bodiless(&mut p.client.conn, cond.clone());
        p.drive();
        assert_eq!(took(&mut p.server), [Event::Request(cond), end()]);
        // The length describes the representation the client already has.
        let head = res(304, &[("ETag", "\"v1\""), ("Content-Length", "1234")]);
        p.server.conn.send_response(head.clone()).unwrap();
        // What the application gives for one is dropped: none can be sent.
        assert_eq!(p.server.conn.send_data(Bytes::from_static(b"x")), Ok(()));
        p.server.conn.send_end(Headers::new()).unwrap();
        p.drive();
        assert_eq!(took(&mut p.client), [Event::Response(head), end()]);
        assert_eq!(
            text(&p.server.sent),
            "HTTP/1.1 304 Not Modified\r\nETag: \"v1\"\r\nContent-Length: 1234\r\n\r\n"
        );
        assert_reusable(&p);
        next_exchange_is_clean(&mut p);
    });
}

#[test]
fn interim_responses_have_no_body_and_precede_the_final_one() {
    each_split(|split| {
        let mut p = pair(split);
        send_bodiless(&mut p.client.conn, get("/page"));
        p.drive();
        assert_eq!(took(&mut p.server).len(), 2);
        let hints = res(103, &[("Link", "</style.css>; rel=preload; as=style")]);
        p.server.conn.send_response(hints.clone()).unwrap();
        p.server.conn.send_response(hints.clone()).unwrap();
        assert_eq!(
            p.server.conn.send_data(Bytes::from_static(b"x")),
            Err(LocalError::WrongState),
            "no body before the final response"
        );
        respond(&mut p.server.conn, 200, b"page");
        p.drive();
        assert_eq!(
            took(&mut p.client),
            [
                Event::Response(hints.clone()),
                Event::Response(hints),
                Event::Response(res(200, &[("Content-Length", "4")])),
                data("page"),
                end()
            ]
        );
        assert_reusable(&p);
    });
}

#[test]
fn bodiless_answers_in_a_row_keep_the_connection() {
    each_split(|split| {
        let mut p = pair(split);
        for round in 0..3 {
            send_bodiless(&mut p.client.conn, req("HEAD", "/a"));
            p.drive();
            assert_eq!(took(&mut p.server).len(), 2, "{round}");
            send_response(
                &mut p.server.conn,
                res(200, &[("Content-Length", "100")]),
                &[],
                Headers::new(),
            );
            assert_eq!(
                p.client.conn.send_request(req("HEAD", "/too-early")),
                Err(LocalError::WrongState),
                "one request at a time"
            );
            p.drive();
            let events = took(&mut p.client);
            assert_eq!(events.len(), 2, "{round}: {events:?}");
            assert_reusable(&p);
            for (status, fields) in [(204, &[][..]), (304, &[("ETag", "\"x\"")][..])] {
                send_bodiless(&mut p.client.conn, get("/b"));
                p.drive();
                assert_eq!(took(&mut p.server).len(), 2);
                send_response(&mut p.server.conn, res(status, fields), &[], Headers::new());
                p.drive();
                assert_eq!(
                    took(&mut p.client),
                    [Event::Response(res(status, fields)), end()],
                    "{round} {status}"
                );
                assert_reusable(&p);
            }
        }
        next_exchange_is_clean(&mut p);
    });
}

/// RFC 9110 §8.6 and RFC 9112 §6.1: a server MUST NOT send Content-Length or
/// Transfer-Encoding in a 1xx; `LocalError::InvalidContentLength` documents the refusal.
#[test]
fn an_interim_response_with_framing_fields_is_refused() {
    each_split(|split| {
        let mut p = pair(split);
        send_bodiless(&mut p.client.conn, get("/page"));
        p.drive();
        assert_eq!(took(&mut p.server).len(), 2);
        assert_eq!(
            p.server
                .conn
                .send_response(res(103, &[("Content-Length", "0")])),
            Err(LocalError::InvalidContentLength)
        );
        assert_eq!(
            p.server
                .conn
                .send_response(res(100, &[("Transfer-Encoding", "chunked")])),
            Err(LocalError::InvalidTransferEncoding)
        );
        assert!(!p.server.conn.has_transmit(), "nothing queued");
        respond(&mut p.server.conn, 200, b"page");
        p.drive();
        assert_eq!(
            took(&mut p.client),
            [
                Event::Response(res(200, &[("Content-Length", "4")])),
                data("page"),
                end()
            ]
        );
    });
}
