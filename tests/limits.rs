//! Size limits (`Limits`) in a conversation: a request over a limit is answered with the status
//! RFC 9110 names for it (414, 431, 413) and `Connection: close`, and the connection closes; a
//! request exactly at the limit passes. The client's own limits hold for responses.

#[path = "scenario/mod.rs"]
mod scenario;

use bytes::Bytes;
use http_core::{Config, Event, Headers, Limits, RemoteError, RequestHead};
use scenario::*;

/// A request head of the given target, with Host and `extra` fields.
fn request(method: &str, target: String, extra: &[(String, String)]) -> RequestHead {
    let mut r = RequestHead::new(Bytes::copy_from_slice(method.as_bytes()), target);
    r.headers.append("Host", "example.com");
    for (n, v) in extra {
        r.headers.append(n, v);
    }
    r
}

/// Runs one request through a server with `limits` (after `set`): at the limit it is read and
/// answered; over it, the client gets the error's status and the close.
fn check(
    set: impl Fn(&mut Limits),
    head: &RequestHead,
    body: &[Bytes],
    over: Option<RemoteError>,
    status: u16,
) {
    each_split(|split| {
        let mut server = Config::default();
        set(&mut server.limits);
        let mut p = pair_with(split, Config::default(), server);
        send_request(&mut p.client.conn, head.clone(), body, Headers::new());
        p.drive();
        match over {
            None => {
                let events = took(&mut p.server);
                assert_eq!(events[0], Event::Request(head.clone()));
                assert_eq!(body_of(&events), body.concat());
                assert_eq!(events.last(), Some(&end()));
                assert_eq!(p.server.error, None);
                respond(&mut p.server.conn, 200, b"fine");
                p.drive();
                assert_eq!(took(&mut p.client)[1..], [data("fine"), end()]);
                assert_reusable(&p);
            }
            Some(error) => {
                assert_eq!(p.server.error, Some(error));
                assert_eq!(error.status_hint(), Some(status));
                assert!(
                    !p.server.events.iter().any(|e| matches!(e, Event::End(_))),
                    "the request was not read whole"
                );
                let events = took(&mut p.client);
                assert_eq!(events, error_answer(error));
                assert_eq!(response_of(&events[0]).status, status);
                assert!(
                    text(&p.server.sent).starts_with(&format!("HTTP/1.1 {status} ")),
                    "{}",
                    text(&p.server.sent)
                );
                for conn in [&p.client.conn, &p.server.conn] {
                    assert!(
                        conn.should_close() && !conn.is_reusable(),
                        "{:?}",
                        conn.role()
                    );
                }
                assert!(p.server.closed);
                assert_eq!(p.client.error, None);
            }
        }
    });
}

#[test]
fn a_request_line_over_the_limit_gets_414() {
    // "GET " + target + " HTTP/1.1\r\n" is 15 bytes more than the target.
    let limit = |l: &mut Limits| l.max_request_line = 64;
    let at_limit = request("GET", format!("/{}", "a".repeat(48)), &[]);
    assert_eq!(
        format!("GET {} HTTP/1.1\r\n", text(&at_limit.target)).len(),
        64
    );
    check(limit, &at_limit, &[], None, 200);
    let over = request("GET", format!("/{}", "a".repeat(49)), &[]);
    check(
        limit,
        &over,
        &[],
        Some(RemoteError::RequestLineTooLong),
        414,
    );
}

#[test]
fn a_field_line_over_the_limit_gets_431() {
    // "X-Long: " + value + CRLF is 10 bytes more than the value.
    let limit = |l: &mut Limits| l.max_field_line = 64;
    let field = |n: usize| vec![("X-Long".to_string(), "v".repeat(n))];
    assert_eq!(format!("X-Long: {}\r\n", "v".repeat(54)).len(), 64);
    check(
        limit,
        &request("GET", "/".into(), &field(54)),
        &[],
        None,
        200,
    );
    check(
        limit,
        &request("GET", "/".into(), &field(55)),
        &[],
        Some(RemoteError::FieldLineTooLong),
        431,
    );
}

#[test]
fn a_head_over_the_limit_gets_431() {
    // "GET / HTTP/1.1\r\n" (16) + "Host: example.com\r\n" (19) + "X-Fill: " value CRLF (10 +
    // value) + the empty line (2).
    let limit = |l: &mut Limits| l.max_head = 256;
    let field = |n: usize| vec![("X-Fill".to_string(), "v".repeat(n))];
    let head = format!(
        "GET / HTTP/1.1\r\nHost: example.com\r\nX-Fill: {}\r\n\r\n",
        "v".repeat(209)
    );
    assert_eq!(head.len(), 256);
    check(
        limit,
        &request("GET", "/".into(), &field(209)),
        &[],
        None,
        200,
    );
    check(
        limit,
        &request("GET", "/".into(), &field(210)),
        &[],
        Some(RemoteError::HeadTooLarge),
        431,
    );
}

#[test]
fn too_many_fields_get_431() {
    let limit = |l: &mut Limits| l.max_fields = 5;
    // Host and n more.
    let fields = |n: usize| {
        (0..n)
            .map(|i| (format!("X-F{i}"), "1".to_string()))
            .collect::<Vec<_>>()
    };
    check(
        limit,
        &request("GET", "/".into(), &fields(4)),
        &[],
        None,
        200,
    );
    check(
        limit,
        &request("GET", "/".into(), &fields(5)),
        &[],
        Some(RemoteError::TooManyFields),
        431,
    );
}

#[test]
fn a_declared_body_over_the_limit_gets_413() {
    let limit = |l: &mut Limits| l.max_body = 100;
    let post = |n: usize| {
        request(
            "POST",
            "/upload".into(),
            &[("Content-Length".to_string(), n.to_string())],
        )
    };
    check(
        limit,
        &post(100),
        &[Bytes::from(pattern(100, 1))],
        None,
        200,
    );
    check(
        limit,
        &post(101),
        &[Bytes::from(pattern(101, 1))],
        Some(RemoteError::BodyTooLarge),
        413,
    );
}

#[test]
fn a_chunked_body_over_the_limit_gets_413_when_it_crosses() {
    let limit = |l: &mut Limits| l.max_body = 100;
    let chunked = request(
        "POST",
        "/upload".into(),
        &[("Transfer-Encoding".to_string(), "chunked".to_string())],
    );
    let body = |last: usize| [Bytes::from(pattern(60, 1)), Bytes::from(pattern(last, 2))];
    check(limit, &chunked, &body(40), None, 200);
    check(
        limit,
        &chunked,
        &body(41),
        Some(RemoteError::BodyTooLarge),
        413,
    );
    // What the server read before the limit was crossed: the head and the first chunk only.
    each_split(|split| {
        let mut server = Config::default();
        limit(&mut server.limits);
        let mut p = pair_with(split, Config::default(), server);
        send_request(
            &mut p.client.conn,
            chunked.clone(),
            &body(41),
            Headers::new(),
        );
        p.drive();
        assert_eq!(
            took(&mut p.server),
            [Event::Request(chunked.clone()), data(pattern(60, 1))]
        );
        assert_eq!(p.server.error, Some(RemoteError::BodyTooLarge));
    });
}

#[test]
fn the_client_s_limits_hold_for_responses() {
    for (extra, error) in [(0usize, None), (1, Some(RemoteError::HeadTooLarge))] {
        each_split(|split| {
            let mut client = Config::default();
            // "HTTP/1.1 204 No Content\r\n" (25) + "X-Big: " value CRLF (9 + value) + CRLF (2).
            client.limits.max_head = 128;
            let mut p = pair_with(split, client, Config::default());
            send_bodiless(&mut p.client.conn, get("/"));
            p.drive();
            assert_eq!(took(&mut p.server).len(), 2);
            let value = "v".repeat(92 + extra);
            let head = res(204, &[("X-Big", &value)]);
            send_response(&mut p.server.conn, head.clone(), &[], Headers::new());
            p.drive();
            let events = took(&mut p.client);
            assert_eq!(p.client.error, error);
            match error {
                None => {
                    assert_eq!(events, [Event::Response(head.clone()), end()]);
                    assert_reusable(&p);
                }
                Some(_) => {
                    assert!(events.is_empty(), "{events:?}");
                    assert!(p.client.closed, "the client gives up on the connection");
                    assert!(p.client.conn.should_close());
                    assert_eq!(took(&mut p.server), [Event::Closed]);
                }
            }
        });
    }
}

#[test]
fn the_client_s_body_limit_holds_for_a_declared_length() {
    for (len, error) in [(100usize, None), (101, Some(RemoteError::BodyTooLarge))] {
        each_split(|split| {
            let mut client = Config::default();
            client.limits.max_body = 100;
            let mut p = pair_with(split, client, Config::default());
            send_bodiless(&mut p.client.conn, get("/big"));
            p.drive();
            assert_eq!(took(&mut p.server).len(), 2);
            let body = Bytes::from(pattern(len, 3));
            let n = len.to_string();
            send_response(
                &mut p.server.conn,
                res(200, &[("Content-Length", &n)]),
                std::slice::from_ref(&body),
                Headers::new(),
            );
            p.drive();
            let events = took(&mut p.client);
            assert_eq!(p.client.error, error);
            if error.is_none() {
                assert_eq!(events[1..], [data(body), end()]);
                assert_reusable(&p);
            } else {
                assert!(events.is_empty(), "refused at the head: {events:?}");
                assert!(p.client.conn.should_close());
            }
        });
    }
}
