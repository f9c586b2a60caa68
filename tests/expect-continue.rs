//! `Expect: 100-continue` (RFC 9110 §10.1.1): the client holds its body until a 100 comes, or
//! a final status comes first (then the body is never sent and the connection closes), or its
//! wait runs out (then it sends the body anyway).

#[path = "scenario/mod.rs"]
mod scenario;

use std::time::Duration;

use bytes::Bytes;
use http_core::{Event, HalfState, Headers, LocalError, RemoteError, RequestHead, TimerKind};
use scenario::*;

fn expecting(len: usize) -> RequestHead {
    let mut r = req("PUT", "/file");
    r.headers.append("Content-Length", len.to_string());
    r.headers.append("Expect", "100-continue");
    r
}

const HEAD_WIRE: &str =
    "PUT /file HTTP/1.1\r\nHost: example.com\r\nContent-Length: 11\r\nExpect: 100-continue\r\n\r\n";

#[test]
fn a_100_releases_the_body() {
    each_split(|split| {
        let mut p = pair(split);
        let head = expecting(11);
        p.client.conn.send_request(head.clone()).unwrap();
        p.client
            .conn
            .send_data(Bytes::from_static(b"hello"))
            .unwrap();
        let d = p
            .client
            .conn
            .poll_timeout()
            .expect("a deadline for the 100");
        assert_eq!((d.kind, d.at), (TimerKind::Continue, at(1)));
        p.drive();
        assert_eq!(text(&p.client.sent), HEAD_WIRE, "the body is held");
        assert_eq!(took(&mut p.server), [Event::Request(head)]);
        assert!(p.server.conn.expects_continue());
        assert_states(&p.server.conn, HalfState::SendResponse, HalfState::SendBody);

        p.server.conn.send_continue().unwrap();
        assert!(!p.server.conn.expects_continue());
        assert_eq!(
            p.server.conn.send_continue(),
            Err(LocalError::NoContinueExpected),
            "one 100 per request"
        );
        p.drive();
        assert_eq!(took(&mut p.client), [Event::Response(res(100, &[]))]);
        assert_eq!(took(&mut p.server), [data("hello")]);
        assert_eq!(
            p.client.conn.poll_timeout(),
            None,
            "nothing is held any more"
        );
        // The rest of the body goes straight out.
        p.client
            .conn
            .send_data(Bytes::from_static(b" world"))
            .unwrap();
        p.client.conn.send_end(Headers::new()).unwrap();
        p.drive();
        assert_eq!(took(&mut p.server), [data(" world"), end()]);
        assert_eq!(
            text(&p.client.sent),
            format!("{HEAD_WIRE}hello world"),
            "the whole body, once"
        );
        assert!(text(&p.server.sent).starts_with("HTTP/1.1 100 Continue\r\n\r\n"));

        respond(&mut p.server.conn, 201, b"stored");
        p.drive();
        assert_eq!(
            took(&mut p.client),
            [
                Event::Response(res(201, &[("Content-Length", "6")])),
                data("stored"),
                end()
            ]
        );
        assert_reusable(&p);
    });
}

#[test]
fn a_final_status_before_100_means_the_body_is_never_sent() {
    for status in [417, 413] {
        each_split(|split| {
            let mut p = pair(split);
            let head = expecting(11);
            send_request(
                &mut p.client.conn,
                head.clone(),
                &[Bytes::from_static(b"hello world")],
                Headers::new(),
            );
            p.drive();
            assert_eq!(took(&mut p.server), [Event::Request(head)]);
            assert!(p.server.conn.expects_continue());

            respond(&mut p.server.conn, status, b"no");
            assert_eq!(
                p.server.conn.our_state(),
                HalfState::MustClose,
                "{status}: the body may or may not come: the connection cannot be read reliably"
            );
            assert!(p.server.conn.should_close());
            p.drive();
            let want = res(status, &[("Content-Length", "2"), ("Connection", "close")]);
            assert_eq!(
                took(&mut p.client),
                [Event::Response(want), data("no"), end(), Event::Closed],
                "{status}"
            );
            assert_eq!(
                text(&p.client.sent),
                HEAD_WIRE,
                "{status}: the body never left"
            );
            assert!(p.server.take().is_empty(), "{status}");
            for conn in [&p.client.conn, &p.server.conn] {
                assert!(
                    conn.should_close() && !conn.is_reusable(),
                    "{status} {:?}",
                    conn.role()
                );
            }
            assert_eq!(p.client.conn.our_state(), HalfState::MustClose);
            assert_eq!(p.client.conn.poll_timeout(), None);
            assert_eq!((p.client.error, p.server.error), (None, None));
        });
    }
}

#[test]
fn body_pieces_sent_after_an_early_final_status_are_dropped() {
    each_split(|split| {
        let mut p = pair(split);
        let head = expecting(11);
        p.client.conn.send_request(head).unwrap();
        p.client
            .conn
            .send_data(Bytes::from_static(b"hello"))
            .unwrap();
        p.drive();
        assert_eq!(took(&mut p.server).len(), 1);
        respond(&mut p.server.conn, 417, b"");
        p.drive();
        let events = took(&mut p.client);
        assert_eq!(response_of(&events[0]).status, 417);
        assert_eq!(events[1..], [end(), Event::Closed]);
        // The application finishes its body: none of it goes out.
        p.client
            .conn
            .send_data(Bytes::from_static(b" world"))
            .unwrap();
        p.client.conn.send_end(Headers::new()).unwrap();
        p.drive();
        assert_eq!(text(&p.client.sent), HEAD_WIRE);
        assert!(p.client.conn.should_close());
        assert!(p.server.take().is_empty());
    });
}

/// RFC 9112 §9.6: a client that reads a response with `close` MUST close the connection after
/// it, whether or not its application has finished the (dropped) body.
#[test]
fn a_client_mid_body_closes_after_an_early_final_status_with_close() {
    each_split(|split| {
        let mut p = pair(split);
        p.client.conn.send_request(expecting(11)).unwrap();
        p.client
            .conn
            .send_data(Bytes::from_static(b"hello"))
            .unwrap();
        p.drive();
        assert_eq!(took(&mut p.server).len(), 1);
        respond(&mut p.server.conn, 413, b"");
        p.drive();
        assert_eq!(took(&mut p.client)[1..], [end(), Event::Closed]);
        assert!(
            p.client.conn.should_close(),
            "the server closed after a final response with close"
        );
    });
}

#[test]
fn without_a_100_the_body_goes_out_when_the_wait_is_over() {
    each_split(|split| {
        let mut p = pair(split);
        let head = expecting(11);
        send_request(
            &mut p.client.conn,
            head.clone(),
            &[Bytes::from_static(b"hello"), Bytes::from_static(b" world")],
            Headers::new(),
        );
        p.drive();
        assert_eq!(took(&mut p.server), [Event::Request(head)]);
        p.advance(Duration::from_millis(999));
        assert_eq!(text(&p.client.sent), HEAD_WIRE, "still waiting");
        assert!(p.server.take().is_empty());
        p.advance(Duration::from_millis(1));
        assert_eq!(text(&p.client.sent), format!("{HEAD_WIRE}hello world"));
        assert_eq!(took(&mut p.server), [data("hello world"), end()]);
        // Only the wait for the response is left.
        assert_eq!(
            p.client.conn.poll_timeout().map(|d| d.kind),
            Some(TimerKind::Response)
        );
        assert_eq!(p.client.error, None);

        // The server never said 100; the body came anyway, so the connection stays usable.
        respond(&mut p.server.conn, 200, b"ok");
        assert!(!p.server.conn.should_close());
        p.drive();
        assert_eq!(
            took(&mut p.client),
            [
                Event::Response(res(200, &[("Content-Length", "2")])),
                data("ok"),
                end()
            ]
        );
        assert!(!text(&p.server.sent).contains("100 Continue"));
        assert_reusable(&p);
    });
}

#[test]
fn an_expectation_other_than_100_continue_gets_417() {
    each_split(|split| {
        let mut p = pair(split);
        let mut head = req("PUT", "/x");
        head.headers.append("Content-Length", "2");
        head.headers.append("Expect", "teapot");
        send_request(
            &mut p.client.conn,
            head,
            &[Bytes::from_static(b"hi")],
            Headers::new(),
        );
        p.drive();
        assert_eq!(p.server.error, Some(RemoteError::UnsupportedExpectation));
        assert!(p.server.take().is_empty());
        assert_eq!(
            took(&mut p.client),
            error_answer(RemoteError::UnsupportedExpectation)
        );
        assert!(p.client.conn.should_close() && p.server.conn.should_close());
    });
}

#[test]
fn nothing_is_held_for_an_empty_body_or_an_http_1_0_request() {
    each_split(|split| {
        let mut p = pair(split);
        let head = expecting(0);
        send_bodiless(&mut p.client.conn, head.clone());
        assert_eq!(
            p.client.conn.poll_timeout().map(|d| d.kind),
            Some(TimerKind::Response),
            "no body to hold: only the response is waited for"
        );
        p.drive();
        assert_eq!(took(&mut p.server), [Event::Request(head), end()]);
        assert!(!p.server.conn.expects_continue(), "no content, no 100");
        assert_eq!(
            p.server.conn.send_continue(),
            Err(LocalError::NoContinueExpected)
        );
        send_response(&mut p.server.conn, res(204, &[]), &[], Headers::new());
        p.drive();
        assert_eq!(took(&mut p.client), [Event::Response(res(204, &[])), end()]);
        assert_reusable(&p);

        // HTTP/1.0 has no 100 (Continue): the expectation is ignored both ways.
        let old = req10(
            "PUT",
            "/old",
            &[
                ("Content-Length", "3"),
                ("Expect", "100-continue"),
                ("Connection", "keep-alive"),
            ],
        );
        send_request(
            &mut p.client.conn,
            old.clone(),
            &[Bytes::from_static(b"abc")],
            Headers::new(),
        );
        assert_eq!(
            p.client.conn.poll_timeout().map(|d| d.kind),
            Some(TimerKind::Response),
            "nothing held"
        );
        p.drive();
        assert_eq!(
            took(&mut p.server),
            [Event::Request(old), data("abc"), end()]
        );
        assert!(!p.server.conn.expects_continue());
        assert_eq!(
            p.server.conn.send_response(res(100, &[])),
            Err(LocalError::InvalidStatus),
            "no 1xx to an HTTP/1.0 client"
        );
        respond(&mut p.server.conn, 200, b"");
        p.drive();
        assert_eq!(took(&mut p.client)[1..], [end()]);
        assert_reusable(&p);
    });
}
