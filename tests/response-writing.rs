//! The two ways a server sends a response head give the same answer: an `http::response::Parts`
//! written straight from its map (`Connection::send_http_response`, as the drivers send) and
//! a `ResponseHead` holding the same fields (`send_response`, `send_response_sized`). For any
//! request, status, fields (framing fields, Connection options and `Date` among them, valid
//! or not for the status) and known length, both refuse the same heads with the same error, or
//! queue the same bytes, frame the body the same way and agree on closing the connection.

use bytes::Bytes;
use http_core::{Config, Connection, Event, Headers, Instant, Polled, ResponseHead};
use proptest::prelude::*;

/// A server connection that has read `request` and is to answer it, told the time.
fn answering(request: &str) -> Connection {
    let mut c = Connection::server(Config::default(), Instant::ZERO);
    c.set_date(784_111_777);
    c.feed(Instant::ZERO, request.as_bytes());
    assert!(matches!(
        c.poll_event(),
        Ok(Polled::Event(Event::Request(_)))
    ));
    c
}

/// Everything queued, after a body of `len` bytes (or of 3 bytes when no length is known)
/// and its end were offered: what the engine refused of them shows as what is missing.
fn rest(c: &mut Connection, len: Option<u64>) -> (Vec<u8>, bool) {
    let body = vec![b'x'; len.map_or(3, |n| n as usize)];
    let _ = c.send_data(Bytes::from(body));
    let _ = c.send_end(Headers::new());
    let mut out = Vec::new();
    while let Some(piece) = c.poll_transmit() {
        out.extend_from_slice(&piece);
    }
    (out, c.should_close())
}

fn request() -> impl Strategy<Value = &'static str> {
    prop_oneof![
        Just("GET / HTTP/1.1\r\nHost: a\r\n\r\n"),
        Just("GET / HTTP/1.0\r\n\r\n"),
        Just("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"),
        Just("HEAD / HTTP/1.1\r\nHost: a\r\n\r\n"),
        Just("CONNECT a:443 HTTP/1.1\r\nHost: a:443\r\n\r\n"),
        Just("GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n"),
    ]
}

fn field() -> impl Strategy<Value = (&'static str, &'static str)> {
    let name = prop_oneof![
        Just("content-length"),
        Just("transfer-encoding"),
        Just("connection"),
        Just("date"),
        Just("content-type"),
        Just("x-a"),
    ];
    let value = prop_oneof![
        Just("0"),
        Just("5"),
        Just("1, 2"),
        Just("chunked"),
        Just("gzip, chunked"),
        Just("chunked, gzip"),
        Just("close"),
        Just("keep-alive"),
        Just("Keep-Alive, Upgrade"),
        Just(" x \t"),
        Just("Sun, 06 Nov 1994 08:49:37 GMT"),
        Just(""),
    ];
    (name, value)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2048, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn a_response_from_http_parts_goes_out_as_from_a_head(
        request in request(),
        status in prop_oneof![Just(100u16), Just(101), Just(200), Just(204), Just(304), Just(404), 100u16..1000],
        fields in proptest::collection::vec(field(), 0..5),
        len in proptest::option::of(prop_oneof![Just(0u64), Just(3), Just(5)]),
    ) {
        let mut res = http::Response::builder().status(status);
        for &(name, value) in &fields {
            res = res.header(name, value);
        }
        let (parts, ()) = res.body(()).expect("a valid response").into_parts();
        // The head holds the fields in the order the map gives them (grouped by name).
        let mut head = ResponseHead::new(status);
        for (name, value) in &parts.headers {
            head.headers.append(name.as_str(), value.as_bytes());
        }
        let (mut straight, mut via_head) = (answering(request), answering(request));
        let sent = straight.send_http_response(&parts, len);
        let sent_head = match len {
            Some(n) => via_head.send_response_sized(head, n),
            None => via_head.send_response(head),
        };
        prop_assert_eq!(sent, sent_head);
        let (a, b) = (rest(&mut straight, len), rest(&mut via_head, len));
        prop_assert_eq!(String::from_utf8_lossy(&a.0), String::from_utf8_lossy(&b.0));
        prop_assert_eq!(a.1, b.1);
    }
}
