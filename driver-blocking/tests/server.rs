//! The server over loopback, driven by a raw client writing exact bytes.

mod common;

use common::{SAFETY, Wire, config, echo, full, get, post, start};
use driver_blocking::{Body, BoxError, Client, Incoming, upgrade};
use std::io::{self, Read, Write};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

#[test]
fn round_trip() {
    let server = start(config(), echo);
    let mut w = Wire::connect(server.addr);
    w.send("GET /a?b=1 HTTP/1.1\r\nHost: test\r\nX-MiXeD-Case: v\r\n\r\n");
    let res = w.read();
    assert_eq!(res.status, 200, "{res:?}");
    assert_eq!(res.text(), "GET /a?b=1\nHost,X-MiXeD-Case\n");
    assert!(!res.chunked && !res.says_close(), "{res:?}");
    drop(w);
    server.stop();
}

#[test]
fn keep_alive() {
    let server = start(config(), echo);
    let mut w = Wire::connect(server.addr);
    for i in 0..3 {
        if i == 1 {
            w.send(post("/ka/1", "body one"));
            assert_eq!(w.read().text(), "POST /ka/1\nHost,Content-Length\nbody one");
        } else {
            w.send(get(&format!("/ka/{i}")));
            let res = w.read();
            assert_eq!(res.text(), format!("GET /ka/{i}\nHost\n"));
            assert!(!res.says_close(), "{res:?}");
        }
    }
    drop(w);
    server.stop();
}

#[test]
fn pipelining() {
    let server = start(config(), echo);
    let mut w = Wire::connect(server.addr);
    w.send(format!("{}{}", post("/one", "first"), get("/two")));
    assert_eq!(w.read().text(), "POST /one\nHost,Content-Length\nfirst");
    assert_eq!(w.read().text(), "GET /two\nHost\n");
    w.send(get("/three"));
    assert_eq!(w.read().text(), "GET /three\nHost\n");
    drop(w);
    server.stop();
}

#[test]
fn chunked_request_body() {
    let server = start(config(), echo);
    let mut w = Wire::connect(server.addr);
    let pieces = [
        "POST /c HTTP/1.1\r\nHost: test\r\nTransfer-Encoding: chunked\r\n\r\n",
        "5\r\nhel",
        "lo\r\n6;ext=1\r\n wor",
        "ld\r\n0\r\nX-Trailer: t",
        "\r\n\r\n",
    ];
    for p in pieces {
        w.send(p);
        std::thread::sleep(Duration::from_millis(10));
    }
    let res = w.read();
    assert_eq!(
        res.text(),
        "POST /c\nHost,Transfer-Encoding\nhello world",
        "{res:?}"
    );
    assert_eq!(
        res.header("x-trailer"),
        Some("t"),
        "trailers reach the handler"
    );
    drop(w);
    server.stop();
}

#[test]
fn continue_is_sent_when_the_body_is_read() {
    let server = start(config(), echo);
    let mut w = Wire::connect(server.addr);
    w.send("POST /c HTTP/1.1\r\nHost: test\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n");
    assert_eq!(w.read().status, 100);
    w.send("hello");
    let res = w.read();
    assert_eq!(res.status, 200, "{res:?}");
    assert!(res.text().ends_with("hello"), "{res:?}");
    drop(w);
    server.stop();
}

#[test]
fn no_continue_without_reading() {
    let server = start(config(), |_req| Ok(full(200, "not read")));
    let mut w = Wire::connect(server.addr);
    w.send(
        "POST /n HTTP/1.1\r\nHost: test\r\nExpect: 100-continue\r\nContent-Length: 100000\r\n\r\n",
    );
    let res = w.read();
    assert_eq!((res.status, res.text().as_str()), (200, "not read"));
    drop(w);
    server.stop();
}

fn faulty(req: http::Request<Incoming>) -> Result<http::Response<Body>, BoxError> {
    match req.uri().path() {
        "/panic" => panic!("the test handler panics (on purpose)"),
        "/error" => Err("the test handler fails (on purpose)".into()),
        _ => Ok(full(200, "ok")),
    }
}

#[test]
fn panic_and_error_are_500_and_the_server_goes_on() {
    let server = start(config(), faulty);
    for path in ["/panic", "/error"] {
        let mut w = Wire::connect(server.addr);
        w.send(get(path));
        let res = w.read();
        assert_eq!(res.status, 500, "{path}: {res:?}");
        assert_eq!(res.header("content-length"), Some("0"), "{res:?}");
        w.send(get("/ok"));
        assert_eq!(w.read().text(), "ok", "the connection goes on after {path}");
    }
    server.stop();
}

/// A reader that yields a piece, then panics.
struct PanicsMidway(bool);

impl Read for PanicsMidway {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        assert!(
            !std::mem::replace(&mut self.0, true),
            "the test body panics (on purpose)"
        );
        buf[..7].copy_from_slice(b"partial");
        Ok(7)
    }
}

#[test]
fn a_body_that_panics_cuts_the_response_and_frees_its_slot() {
    let mut cfg = config();
    cfg.max_connections = 1;
    let server = start(cfg, |req| {
        Ok(match req.uri().path() {
            "/mid" => http::Response::new(Body::from_reader(PanicsMidway(false))),
            _ => full(200, "ok"),
        })
    });
    let mut w = Wire::connect(server.addr);
    w.send(get("/mid"));
    let err = w.try_read().expect_err("an incomplete response");
    assert!(
        matches!(
            err.kind(),
            io::ErrorKind::UnexpectedEof | io::ErrorKind::ConnectionReset
        ),
        "{err}"
    );
    // The only slot is free again.
    let mut w = Wire::connect(server.addr);
    w.send(get("/ok"));
    assert_eq!(w.read().text(), "ok");
    drop(w);
    server.stop();
}

#[test]
fn header_timeout_is_408() {
    let mut cfg = config();
    cfg.engine.timeouts.header_read = Some(Duration::from_millis(200));
    let server = start(cfg, echo);
    let mut w = Wire::connect(server.addr);
    let start = Instant::now();
    w.send("GET /slow HTTP/1.1\r\nHost: te");
    let res = w.read();
    assert_eq!(res.status, 408, "{res:?}");
    assert!(start.elapsed() >= Duration::from_millis(150));
    w.expect_closed();
    server.stop();
}

#[test]
fn graceful_shutdown_finishes_the_request_in_flight() {
    let (started, slow_started) = mpsc::channel();
    let started = Mutex::new(started);
    let mut server = start(config(), move |req| {
        if req.uri().path() == "/slow" {
            started.lock().unwrap().send(()).unwrap();
            std::thread::sleep(Duration::from_millis(400));
            return Ok(full(200, "slept"));
        }
        Ok(full(200, "quick"))
    });
    let mut idle = Wire::connect(server.addr);
    idle.send(get("/quick"));
    assert_eq!(idle.read().text(), "quick");
    let mut busy = Wire::connect(server.addr);
    busy.send(get("/slow"));
    slow_started.recv_timeout(SAFETY).unwrap();
    let asked = Instant::now();
    server.shutdown.shutdown();
    idle.expect_closed();
    // Woken by the shutdown, not by its idle timeout (5 s here).
    assert!(
        asked.elapsed() < Duration::from_secs(1),
        "the idle connection closed after {:?}",
        asked.elapsed()
    );
    let res = busy.read();
    assert_eq!(res.text(), "slept");
    assert!(res.says_close(), "{res:?}");
    busy.expect_closed();
    server.join(SAFETY);
    assert!(
        Wire::connect_failing(server.addr),
        "the listener is closed after serve returned"
    );
}

#[test]
fn once_the_grace_is_over_the_rest_is_cut_off() {
    let mut cfg = config();
    cfg.shutdown_timeout = Duration::from_millis(200);
    let (started, slow_started) = mpsc::channel();
    let started = Mutex::new(started);
    let mut server = start(cfg, move |_req| {
        started.lock().unwrap().send(()).unwrap();
        std::thread::sleep(Duration::from_secs(2));
        Ok(full(200, "too late"))
    });
    let mut w = Wire::connect(server.addr);
    w.send(get("/forever"));
    slow_started.recv_timeout(SAFETY).unwrap();
    server.shutdown.shutdown();
    let took = server.join(SAFETY);
    assert!(took < Duration::from_secs(1), "serve took {took:?}");
    w.expect_closed();
}

#[test]
fn at_the_connection_limit_clients_wait_in_the_backlog() {
    let mut cfg = config();
    cfg.max_connections = 1;
    let server = start(cfg, echo);
    let mut a = Wire::connect(server.addr);
    a.send(get("/a"));
    assert_eq!(a.read().text(), "GET /a\nHost\n");
    let mut b = Wire::connect(server.addr);
    b.send(get("/b"));
    assert!(
        b.quiet_for(Duration::from_millis(300)),
        "a second connection was served while one was open"
    );
    drop(a);
    assert_eq!(b.read().text(), "GET /b\nHost\n");
    drop(b);
    server.stop();
}

fn upgrading(mut req: http::Request<Incoming>) -> Result<http::Response<Body>, BoxError> {
    let on = upgrade::on(&mut req);
    std::thread::spawn(move || {
        let Ok(up) = on.wait() else { return };
        let mut io = up.io;
        io.write_all(&up.leftover).unwrap();
        let mut reader = io.try_clone().unwrap();
        let _ = io::copy(&mut reader, &mut io);
        let _ = io.shutdown(std::net::Shutdown::Write);
    });
    Ok(http::Response::builder()
        .status(101)
        .header("connection", "upgrade")
        .header("upgrade", "echo")
        .body(Body::empty())?)
}

#[test]
fn upgrade_hands_over_the_socket_and_the_leftover() {
    let server = start(config(), upgrading);
    let mut w = Wire::connect(server.addr);
    w.send("GET /up HTTP/1.1\r\nHost: test\r\nConnection: upgrade\r\nUpgrade: echo\r\n\r\nearly");
    assert_eq!(w.read().status, 101);
    assert_eq!(w.read_raw(5), b"early");
    // Longer than any wait of the driver's: the upgraded socket has no timeouts left.
    std::thread::sleep(Duration::from_millis(300));
    w.send("raw bytes, not HTTP\r\n\r\n");
    assert_eq!(w.read_raw(23), b"raw bytes, not HTTP\r\n\r\n");
    w.stream.shutdown(std::net::Shutdown::Write).unwrap();
    w.expect_closed();
    server.stop();
}

#[test]
fn a_response_can_stream_the_request_body_back() {
    // The response body reads the request body while it is sent: full duplex, one thread.
    let server = start(config(), |req: http::Request<Incoming>| {
        Ok(http::Response::new(Body::from_reader(req.into_body())))
    });
    let data: Vec<u8> = (0..256 * 1024).map(|i| (i % 251) as u8).collect();
    let mut client = Client::connect(server.addr, config()).unwrap();
    let req = http::Request::post(format!("http://{}/echo", server.addr))
        .body(Body::from_reader(io::Cursor::new(data.clone())))
        .unwrap();
    let mut res = client.send(req).unwrap();
    let mut back = Vec::new();
    res.body_mut().read_to_end(&mut back).unwrap();
    assert_eq!(res.headers()["transfer-encoding"], "chunked");
    assert!(back == data, "the body came back different");
    drop(client);
    server.stop();
}

#[test]
fn a_body_kept_past_its_exchange_fails_and_takes_nothing() {
    let (tx, rx) = mpsc::channel::<Incoming>();
    let tx = Mutex::new(tx);
    let server = start(config(), move |req: http::Request<Incoming>| {
        if req.uri().path() == "/keep" {
            tx.lock().unwrap().send(req.into_body()).unwrap();
            return Ok(full(200, "kept"));
        }
        echo(req)
    });
    let mut w = Wire::connect(server.addr);
    w.send(post("/keep", "hello"));
    assert_eq!(w.read().text(), "kept");
    let mut kept = rx.recv_timeout(SAFETY).unwrap();
    let reader = std::thread::spawn(move || kept.read(&mut [0u8; 16]).is_err());
    std::thread::sleep(Duration::from_millis(50));
    w.send(get("/next"));
    assert_eq!(w.read().text(), "GET /next\nHost\n");
    assert!(reader.join().unwrap(), "a stale body read fails");
    drop(w);
    server.stop();
}

#[test]
fn a_bad_request_is_400_then_the_close() {
    let server = start(config(), echo);
    let mut w = Wire::connect(server.addr);
    w.send("GET / HTTP/1.1\r\nHost: test\r\nBad Header\r\n\r\n");
    assert_eq!(w.read().status, 400);
    w.expect_closed();
    server.stop();
}

#[test]
fn a_streamed_response_with_a_length_is_not_chunked() {
    let shared = Arc::new(vec![7u8; 100_000]);
    let server = start(config(), move |_req| {
        Ok(http::Response::builder()
            .header("content-length", shared.len())
            .body(Body::from_reader(io::Cursor::new(shared.to_vec())))?)
    });
    let mut w = Wire::connect(server.addr);
    w.send(get("/len"));
    let res = w.read();
    assert!(!res.chunked, "{:?}", res.headers);
    assert_eq!(res.body.len(), 100_000);
    drop(w);
    server.stop();
}

/// A handler that pauses longer than `body_read` between two reads of the request body,
/// whose rest came long before: the wait for more counts from when it asks again, so the
/// client, which was never slow, gets its answer rather than a 408.
#[test]
fn a_handler_that_pauses_while_reading_is_not_taken_for_a_stalled_client() {
    let mut cfg = config();
    cfg.engine.timeouts.body_read = Some(Duration::from_millis(400));
    let server = start(cfg, |mut req: http::Request<Incoming>| {
        let mut first = [0u8; 3];
        req.body_mut().read_exact(&mut first)?;
        std::thread::sleep(Duration::from_millis(1000));
        let mut rest = Vec::new();
        req.body_mut().read_to_end(&mut rest)?;
        Ok(full(200, [&first[..], &rest].concat()))
    });
    let mut w = Wire::connect(server.addr);
    w.send("POST /p HTTP/1.1\r\nHost: test\r\nContent-Length: 6\r\n\r\naaa");
    std::thread::sleep(Duration::from_millis(100));
    w.send("bbb");
    let res = w.read();
    assert_eq!(
        (res.status, res.text()),
        (200, "aaabbb".to_owned()),
        "{res:?}"
    );
    drop(w);
    server.stop();
}

/// A kept connection quiet for longer than `header_read` (within `idle`), then a whole
/// request in one write: answered, not taken for a slow head (its time is the read's end,
/// not the start of the wait).
#[test]
fn a_request_after_a_pause_longer_than_header_read_is_answered() {
    let mut cfg = config();
    cfg.engine.timeouts.header_read = Some(Duration::from_millis(300));
    cfg.engine.timeouts.idle = Some(Duration::from_secs(5));
    let server = start(cfg, echo);
    let mut w = Wire::connect(server.addr);
    w.send(get("/one"));
    assert_eq!(w.read().status, 200);
    std::thread::sleep(Duration::from_millis(1000));
    w.send(get("/two"));
    let res = w.read();
    assert_eq!(
        (res.status, res.text()),
        (200, "GET /two\nHost\n".to_owned()),
        "{res:?}"
    );
    drop(w);
    server.stop();
}
