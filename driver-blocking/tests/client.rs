//! The client over loopback, against this driver's server and against a raw one.

mod common;

use common::{SAFETY, config, echo, full, start};
use driver_blocking::{Body, Client, Error};
use std::io::{self, Read, Write};
use std::net::TcpListener;
use std::time::{Duration, Instant};

fn read_all(res: &mut http::Response<driver_blocking::Incoming>) -> Vec<u8> {
    let mut out = Vec::new();
    res.body_mut().read_to_end(&mut out).expect("the body");
    out
}

#[test]
fn the_connection_is_reused() {
    let server = start(config(), echo);
    let mut client = Client::connect(server.addr, config()).unwrap();
    for i in 0..4 {
        let uri = format!("http://{}/r/{i}", server.addr);
        let req = match i {
            1 => http::Request::post(uri).body(Body::from("posted")),
            3 => http::Request::post(uri).body(Body::from_reader(&b"streamed"[..])),
            _ => http::Request::get(uri).body(Body::empty()),
        }
        .unwrap();
        let mut res = client.send(req).unwrap();
        assert_eq!(res.status(), 200);
        assert!(!client.is_reusable(), "not before the body was read");
        let text = String::from_utf8(read_all(&mut res)).unwrap();
        match i {
            // A body in memory goes with its length; a streamed one is chunked.
            1 => assert_eq!(text, "POST /r/1\nHost,Content-Length\nposted"),
            3 => assert_eq!(text, "POST /r/3\nHost,Transfer-Encoding\nstreamed"),
            _ => assert_eq!(text, format!("GET /r/{i}\nHost\n")),
        }
        assert!(client.is_reusable(), "request {i}");
    }
    drop(client);
    server.stop();
}

#[test]
fn an_unread_body_is_drained_by_the_next_send() {
    let server = start(config(), |req: http::Request<_>| match req.uri().path() {
        // At most `max_discard` (64 KiB by default), and past it.
        "/small" => Ok(full(200, vec![b'x'; 60_000])),
        "/big" => Ok(full(200, vec![b'x'; 200_000])),
        _ => echo(req),
    });
    let mut client = Client::connect(server.addr, config()).unwrap();
    let get = |path: &str| {
        http::Request::get(format!("http://{}{path}", server.addr))
            .body(Body::empty())
            .unwrap()
    };
    let mut res = client.send(get("/small")).unwrap();
    let mut some = [0u8; 10];
    res.body_mut().read_exact(&mut some).unwrap();
    let mut res2 = client.send(get("/next")).unwrap();
    assert_eq!(read_all(&mut res2), b"GET /next\nHost\n");
    assert!(
        res.body_mut().read_to_end(&mut Vec::new()).is_err(),
        "the drained body fails once what it held is read"
    );
    // Too large to drop: the connection is given up, and the body stays its reader's.
    let mut res = client.send(get("/big")).unwrap();
    res.body_mut().read_exact(&mut some).unwrap();
    assert!(matches!(client.send(get("/next")), Err(Error::Closed)));
    assert!(!client.is_reusable());
    assert_eq!(read_all(&mut res).len(), 200_000 - 10);
    assert!(matches!(client.send(get("/next")), Err(Error::Closed)));
    drop(client);
    server.stop();
}

/// A body left unread for longer than `body_read`, all of its rest already come, is still
/// dropped and the connection reused: the wait for that rest counts from the next request,
/// not from when the body's head came.
#[test]
fn a_body_left_unread_past_the_body_timeout_is_still_dropped() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let server = std::thread::spawn(move || {
        let (mut s, _) = listener.accept().unwrap();
        let mut buf = [0u8; 4096];
        let _ = s.read(&mut buf).unwrap();
        s.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n")
            .unwrap();
        std::thread::sleep(Duration::from_millis(100));
        s.write_all(b"0123456789").unwrap();
        let _ = s.read(&mut buf).unwrap();
        s.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
            .unwrap();
    });
    let mut cfg = config();
    cfg.engine.timeouts.body_read = Some(Duration::from_millis(300));
    let mut client = Client::connect(addr, cfg).unwrap();
    let get = || root(addr);
    let res = client.send(get()).unwrap();
    std::thread::sleep(Duration::from_millis(600));
    drop(res);
    let mut second = client.send(get()).expect("the connection, reused");
    assert_eq!(read_all(&mut second), b"ok");
    server.join().unwrap();
}

#[test]
fn a_closing_response_ends_reuse() {
    let server = start(config(), |_req| {
        let mut res = full(200, "bye");
        res.headers_mut()
            .insert("connection", http::HeaderValue::from_static("close"));
        Ok(res)
    });
    let mut client = Client::connect(server.addr, config()).unwrap();
    let uri = format!("http://{}/", server.addr);
    let mut res = client
        .send(http::Request::get(&uri).body(Body::empty()).unwrap())
        .unwrap();
    assert_eq!(read_all(&mut res), b"bye");
    assert!(!client.is_reusable());
    let again = client.send(http::Request::get(&uri).body(Body::empty()).unwrap());
    assert!(matches!(again, Err(Error::Closed)), "{again:?}");
    drop(client);
    server.stop();
}

#[test]
fn expect_continue_sends_the_body_after_the_100() {
    let server = start(config(), echo);
    let mut client = Client::connect(server.addr, config()).unwrap();
    let req = http::Request::put(format!("http://{}/c", server.addr))
        .header("expect", "100-continue")
        .body(Body::from_reader(io::Cursor::new(
            b"after the 100".to_vec(),
        )))
        .unwrap();
    let start = Instant::now();
    let mut res = client.send(req).unwrap();
    let text = String::from_utf8(read_all(&mut res)).unwrap();
    assert!(text.ends_with("\nafter the 100"), "{text}");
    assert!(
        start.elapsed() < Duration::from_millis(900),
        "the body went after the 100, not after the 1 s wait"
    );
    assert!(client.is_reusable());
    drop(client);
    server.stop();
}

#[test]
fn expect_continue_with_an_early_answer_never_sends_the_body() {
    let server = start(config(), |_req| Ok(full(413, "too big")));
    let mut client = Client::connect(server.addr, config()).unwrap();
    /// A body that must never be read.
    struct Untouchable;
    impl Read for Untouchable {
        fn read(&mut self, _: &mut [u8]) -> io::Result<usize> {
            panic!("the body was read although the server answered first");
        }
    }
    let req = http::Request::put(format!("http://{}/c", server.addr))
        .header("expect", "100-continue")
        .header("content-length", "1000000")
        .body(Body::from_reader(Untouchable))
        .unwrap();
    let mut res = client.send(req).unwrap();
    assert_eq!(res.status(), 413);
    assert_eq!(read_all(&mut res), b"too big");
    assert!(!client.is_reusable(), "the request never ended");
    drop(client);
    server.stop();
}

/// A raw server's first connection, and the request head read from it (a byte at a time, so
/// that nothing after it is taken).
fn accept_head(listener: &TcpListener) -> (std::net::TcpStream, Vec<u8>) {
    let (mut s, _) = listener.accept().unwrap();
    s.set_read_timeout(Some(SAFETY)).unwrap();
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        s.read_exact(&mut byte).unwrap();
        head.push(byte[0]);
    }
    (s, head)
}

/// A GET of `/` at `addr`, with no body.
fn root(addr: std::net::SocketAddr) -> http::Request<Body> {
    http::Request::get(format!("http://{addr}/"))
        .body(Body::empty())
        .unwrap()
}

#[test]
fn requests_carry_host_and_an_origin_form_target() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let peer = std::thread::spawn(move || {
        let (mut s, head) = accept_head(&listener);
        s.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
            .unwrap();
        String::from_utf8(head).unwrap()
    });
    let mut client = Client::connect(addr, config()).unwrap();
    let mut res = client
        .send(
            http::Request::get(format!("http://{addr}/p?q=1"))
                .body(Body::empty())
                .unwrap(),
        )
        .unwrap();
    assert_eq!(read_all(&mut res), b"ok");
    let head = peer.join().unwrap();
    assert_eq!(
        head,
        format!("GET /p?q=1 HTTP/1.1\r\nHost: {addr}\r\n\r\n"),
        "{head:?}"
    );
}

/// A request that cannot be finished (its body ends short of its own Content-Length) fails,
/// and its connection closes at once: the server is not left waiting for the rest while the
/// client lives on.
#[test]
fn a_request_that_cannot_be_finished_closes_its_connection() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let server = std::thread::spawn(move || {
        let (mut s, _) = listener.accept().unwrap();
        s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        let mut got = Vec::new();
        // Everything the client sends, up to its close (or the timeout's error).
        let _ = s.read_to_end(&mut got);
        got
    });
    let mut client = Client::connect(addr, config()).unwrap();
    let req = http::Request::post(format!("http://{addr}/x"))
        .header("content-length", "10")
        .body(Body::from_reader(&b"hello"[..]))
        .unwrap();
    let started = Instant::now();
    let sent = client.send(req);
    assert!(
        matches!(sent, Err(Error::Local(http_core::LocalError::BodyTooShort))),
        "{sent:?}"
    );
    assert!(!client.is_reusable());
    let got = server.join().unwrap();
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "the connection stayed open while the client lived"
    );
    assert!(String::from_utf8_lossy(&got).ends_with("\r\n\r\nhello"));
    drop(client);
}

/// A reader that pauses longer than `body_read` between two pieces, while the rest of the
/// body waits in the socket: the wait for more counts from when it asks again, so the
/// server, which was never slow, is not taken for a stalled one.
#[test]
fn a_reader_that_pauses_is_not_taken_for_a_stalled_server() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        let (mut s, _) = accept_head(&listener);
        s.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\naaa")
            .unwrap();
        std::thread::sleep(Duration::from_millis(100));
        s.write_all(b"bbb").unwrap();
        let _ = s.read(&mut [0]);
    });
    let mut cfg = config();
    cfg.engine.timeouts.body_read = Some(Duration::from_millis(400));
    let mut client = Client::connect(addr, cfg).unwrap();
    let req = http::Request::get(format!("http://{addr}/"))
        .body(Body::empty())
        .unwrap();
    let mut res = client.send(req).unwrap();
    let mut first = [0u8; 3];
    res.body_mut().read_exact(&mut first).unwrap();
    assert_eq!(&first, b"aaa");
    std::thread::sleep(Duration::from_millis(1000));
    assert_eq!(read_all(&mut res), b"bbb");
}

/// Bytes after a response whose body was left unread answer no request: the next send finds
/// the connection unfit for another request (`Error::Closed`), and nothing of it goes.
#[test]
fn bytes_after_a_dropped_body_fail_the_next_send_with_closed() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let peer = std::thread::spawn(move || {
        let (mut s, _) = accept_head(&listener);
        s.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\nabcdefHTTP/1.1 200 OK\r\n")
            .unwrap();
        // What comes next, until the client closes: nothing.
        let mut rest = Vec::new();
        let _ = s.read_to_end(&mut rest);
        rest
    });
    let mut client = Client::connect(addr, config()).unwrap();
    let get = || root(addr);
    let res = client.send(get()).unwrap();
    std::thread::sleep(Duration::from_millis(200));
    drop(res);
    match client.send(get()) {
        Err(Error::Closed) => {}
        other => panic!("{:?}", other.map(|r| r.status())),
    }
    assert!(!client.is_reusable());
    drop(client);
    assert_eq!(peer.join().unwrap(), b"");
}

/// A request refused before anything is queued leaves the connection as it was, trailers or
/// none: a head whose own Content-Length contradicts its body's length, or a CONNECT with
/// content. And a request that cannot chunk (HTTP/1.0) sends a body with trailers by its
/// length, the trailers dropped.
#[test]
fn a_body_with_trailers_is_framed_as_its_request_allows() {
    let server = start(config(), echo);
    for (name, connect) in [
        ("a Content-Length of 5 for 3 bytes", false),
        ("a CONNECT with content", true),
    ] {
        for with_trailers in [false, true] {
            let mut client = Client::connect(server.addr, config()).unwrap();
            let mut trailers = http::HeaderMap::new();
            if with_trailers {
                trailers.insert("x-checksum", http::HeaderValue::from_static("abc"));
            }
            let body = Body::from("abc").with_trailers(trailers);
            let req = if connect {
                http::Request::connect(server.addr.to_string()).body(body)
            } else {
                http::Request::post(format!("http://{}/t", server.addr))
                    .header("content-length", "5")
                    .body(body)
            }
            .unwrap();
            let refused = client.send(req);
            assert!(
                matches!(refused, Err(Error::Local(_))),
                "{name}, trailers {with_trailers}: {:?}",
                refused.map(|r| r.status())
            );
            let uri = format!("http://{}/after", server.addr);
            let after = client.send(http::Request::get(uri).body(Body::empty()).unwrap());
            assert_eq!(
                after.map(|r| r.status()).ok(),
                Some(http::StatusCode::OK),
                "{name}, trailers {with_trailers}"
            );
        }
    }
    let mut client = Client::connect(server.addr, config()).unwrap();
    let mut trailers = http::HeaderMap::new();
    trailers.insert("x-checksum", http::HeaderValue::from_static("abc"));
    let req = http::Request::post(format!("http://{}/t", server.addr))
        .version(http::Version::HTTP_10)
        .body(Body::from("posted").with_trailers(trailers))
        .unwrap();
    let mut res = client.send(req).expect("sent with its length");
    assert_eq!(
        String::from_utf8(read_all(&mut res)).unwrap(),
        "POST /t\nHost,Content-Length\nposted"
    );
    drop(client);
    server.stop();
}

/// The rest of a body left unread is faulty and already received: the next send fails with
/// `Error::Closed`, as when the faulty bytes come while the rest is dropped.
#[test]
fn a_faulty_rest_already_received_fails_the_next_send_with_closed() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        let (mut s, _) = accept_head(&listener);
        s.write_all(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\nzz\r\n")
            .unwrap();
        let _ = s.read(&mut [0]);
    });
    let mut client = Client::connect(addr, config()).unwrap();
    let get = || root(addr);
    let mut res = client.send(get()).unwrap();
    let mut one = [0u8; 1];
    res.body_mut().read_exact(&mut one).unwrap();
    // The faulty rest arrives before the next send looks at it.
    std::thread::sleep(Duration::from_millis(200));
    drop(res);
    match client.send(get()) {
        Err(Error::Closed) => {}
        other => panic!("{:?}", other.map(|r| r.status())),
    }
    assert!(!client.is_reusable());
}
