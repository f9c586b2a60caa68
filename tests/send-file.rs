//! Response bodies sent from a file by the driver (`sendfile(2)` on Linux): `SendFile` on
//! driver-tokio and driver-smol, `Body::from_file` on driver-blocking, seen on the wire:
//! whole files larger than a socket's buffer, ranges, HEAD, pipelining, HTTP/1.0, an empty
//! range, a file shorter than its range, and the wait for the next request after a send
//! that took longer than that wait.

use bytes::Bytes;
use http::{Request, Response};
use http_body_util::Empty;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

/// The file served: larger than a loopback socket's buffer, so that sending it waits for the
/// reader several times.
const LEN: usize = 3 * 1024 * 1024 + 123;

fn content() -> Vec<u8> {
    (0..LEN).map(|i| (i * 7 + i / 251) as u8).collect()
}

/// The larger file, at `/big`: more than loopback sockets' buffers take, so that a slow
/// reader makes sending it last.
const BIG: usize = 32 << 20;

/// How long a kept-alive connection waits for the next request: less than the slow read of
/// the larger file lasts.
const IDLE: Duration = Duration::from_millis(500);

/// How long the handler takes at `/slow`, which answers with an empty body in memory:
/// longer than [`IDLE`].
const SLOW: Duration = Duration::from_millis(800);

/// The files a server sends, removed when the test ends.
struct Files {
    path: PathBuf,
    big: PathBuf,
}

impl Files {
    /// Files of their own for each server: [`content`], and [`BIG`] bytes if `big` (only
    /// the slow reader reads it).
    fn new(big: bool) -> Self {
        static N: AtomicUsize = AtomicUsize::new(0);
        let n = N.fetch_add(1, Ordering::Relaxed);
        let name = |what: &str| {
            std::env::temp_dir().join(format!("send-file-{}-{n}-{what}.bin", std::process::id()))
        };
        let files = Self {
            path: name("small"),
            big: name("big"),
        };
        std::fs::write(&files.path, content()).expect("write the test file");
        if big {
            std::fs::write(&files.big, vec![7u8; BIG]).expect("write the test file");
        }
        files
    }
}

impl Drop for Files {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
        let _ = std::fs::remove_file(&self.big);
    }
}

/// The range of the file each path answers with: `/whole` the file, `/range` bytes 5..15, `/empty` none of it,
/// `/short` a range that runs 100 bytes past the file's end.
fn range(uri: &str) -> (u64, u64) {
    match uri {
        "/range" => (5, 10),
        "/empty" => (0, 0),
        "/short" => (LEN as u64 - 50, 150),
        _ => (0, LEN as u64),
    }
}

/// The file and range for `uri`: [`range`] of the smaller file, or all of the larger.
fn open(paths: &(PathBuf, PathBuf), uri: &str) -> (std::fs::File, u64, u64) {
    let (path, (offset, len)) = if uri == "/big" {
        (&paths.1, (0, BIG as u64))
    } else {
        (&paths.0, range(uri))
    };
    let file = std::fs::File::open(path).expect("open the test file");
    (file, offset, len)
}

/// The answer to `uri`: an empty body, and the range of the file in its extensions, made by
/// the driver's `SendFile::new` (`make`).
fn response<S>(
    paths: &(PathBuf, PathBuf),
    uri: &str,
    make: impl Fn(std::fs::File, u64, u64) -> S,
) -> Response<Empty<Bytes>>
where
    S: Clone + Send + Sync + 'static,
{
    let mut res = Response::new(Empty::new());
    if uri == "/slow" {
        // A body in memory (empty), after the wait.
        return res;
    }
    let (file, offset, len) = open(paths, uri);
    res.extensions_mut().insert(make(file, offset, len));
    frame_otherwise(uri, &mut res);
    res
}

/// The heads some paths give their file: framing it by chunks (`/chunked`) or by another
/// length (`/mismatch`), which cannot carry it, or a 304 (`/not-modified`), which carries no
/// body.
fn frame_otherwise<B>(uri: &str, res: &mut Response<B>) {
    let h = res.headers_mut();
    match uri {
        "/chunked" => {
            h.insert(
                "transfer-encoding",
                http::HeaderValue::from_static("chunked"),
            );
        }
        "/mismatch" => {
            h.insert("content-length", http::HeaderValue::from_static("4"));
        }
        "/not-modified" => *res.status_mut() = http::StatusCode::NOT_MODIFIED,
        _ => {}
    }
}

/// The engine's configuration of every server here: [`IDLE`] between requests.
fn engine() -> http_core::Config {
    let mut c = http_core::Config::default();
    c.timeouts.idle = Some(IDLE);
    c
}

fn tokio_server(files: &Files) -> SocketAddr {
    let paths = Arc::new((files.path.clone(), files.big.clone()));
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        rt.block_on(async move {
            let mut config = driver_tokio::Config::default();
            config.engine = engine();
            let server = driver_tokio::Server::bind("127.0.0.1:0", config)
                .await
                .expect("bind");
            tx.send(server.local_addr().expect("address"))
                .expect("send");
            server
                .serve(move |req: Request<driver_tokio::Incoming>| {
                    let res = response(&paths, req.uri().path(), driver_tokio::SendFile::new);
                    let slow = req.uri().path() == "/slow";
                    async move {
                        if slow {
                            tokio::time::sleep(SLOW).await;
                        }
                        Ok::<_, driver_tokio::BoxError>(res)
                    }
                })
                .await
                .expect("serve");
        });
    });
    rx.recv().expect("address")
}

fn smol_server(files: &Files) -> SocketAddr {
    let paths = Arc::new((files.path.clone(), files.big.clone()));
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        smol::block_on(async move {
            let mut config = driver_smol::Config::default();
            config.engine = engine();
            let server = driver_smol::Server::bind("127.0.0.1:0", config)
                .await
                .expect("bind");
            tx.send(server.local_addr().expect("address"))
                .expect("send");
            server
                .serve(move |req: Request<driver_smol::Incoming>| {
                    let res = response(&paths, req.uri().path(), driver_smol::SendFile::new);
                    let slow = req.uri().path() == "/slow";
                    async move {
                        if slow {
                            smol::Timer::after(SLOW).await;
                        }
                        Ok::<_, driver_smol::BoxError>(res)
                    }
                })
                .await
                .expect("serve");
        });
    });
    rx.recv().expect("address")
}

fn blocking_server(files: &Files) -> SocketAddr {
    let paths = (files.path.clone(), files.big.clone());
    let mut config = driver_blocking::Config::default();
    config.engine = engine();
    let server = driver_blocking::Server::bind("127.0.0.1:0", config).expect("bind");
    let addr = server.local_addr().expect("address");
    std::thread::spawn(move || {
        server
            .serve(move |req: Request<driver_blocking::Incoming>| {
                if req.uri().path() == "/slow" {
                    std::thread::sleep(SLOW);
                    return Ok(Response::new(driver_blocking::Body::empty()));
                }
                let (file, offset, len) = open(&paths, req.uri().path());
                let mut res = Response::new(driver_blocking::Body::from_file(file, offset, len));
                frame_otherwise(req.uri().path(), &mut res);
                Ok::<_, driver_blocking::BoxError>(res)
            })
            .expect("serve");
    });
    addr
}

fn connect(addr: SocketAddr) -> TcpStream {
    let s = TcpStream::connect(addr).expect("connect");
    s.set_read_timeout(Some(Duration::from_secs(10)))
        .expect("timeout");
    s
}

/// One response read off `s`: its head, and as many body bytes as its Content-Length says
/// (none without one, or for `head_only`), or fewer if the connection closed first.
fn read_response(s: &mut TcpStream, head_only: bool) -> (String, Vec<u8>) {
    let head = workspace_tests::read_head(s);
    let len: usize = head
        .lines()
        .find_map(|l| l.strip_prefix("Content-Length: "))
        .map_or(0, |v| v.parse().expect("a number"));
    let mut body = Vec::new();
    if !head_only {
        s.take(len as u64)
            .read_to_end(&mut body)
            .expect("read the body");
    }
    (head, body)
}

fn closed(s: &mut TcpStream) -> bool {
    let mut rest = Vec::new();
    matches!(s.read_to_end(&mut rest), Ok(0))
}

fn check(addr: SocketAddr) {
    let want = content();
    const GET_WHOLE: &[u8] = b"GET /whole HTTP/1.1\r\nHost: a\r\n\r\n";
    const GET_RANGE: &[u8] = b"GET /range HTTP/1.1\r\nHost: a\r\n\r\n";

    // A whole file larger than the socket's buffer, then HEAD on the same connection: the
    // length a GET gets and no body (the GET after it would read body bytes as its head).
    let mut s = connect(addr);
    s.write_all(GET_WHOLE).expect("write");
    let (head, body) = read_response(&mut s, false);
    assert!(head.starts_with("HTTP/1.1 200 OK\r\n"), "{head}");
    assert!(
        head.contains(&format!("Content-Length: {LEN}\r\n")),
        "{head}"
    );
    assert!(body == want, "the body differs from the file");
    s.write_all(b"HEAD /whole HTTP/1.1\r\nHost: a\r\n\r\n")
        .expect("write");
    let (head, _) = read_response(&mut s, true);
    assert!(
        head.contains(&format!("Content-Length: {LEN}\r\n")),
        "{head}"
    );
    s.write_all(GET_RANGE).expect("write");
    let (head, body) = read_response(&mut s, false);
    assert!(head.starts_with("HTTP/1.1 200 OK\r\n"), "{head}");
    assert_eq!(body, want[5..15]);

    // Pipelined: each answer whole and in order.
    let mut s = connect(addr);
    s.write_all(
        &[
            GET_RANGE,
            GET_WHOLE,
            b"GET /empty HTTP/1.1\r\nHost: a\r\n\r\n",
            GET_RANGE,
        ]
        .concat(),
    )
    .expect("write");
    let (_, body) = read_response(&mut s, false);
    assert_eq!(body, want[5..15]);
    let (_, body) = read_response(&mut s, false);
    assert!(body == want, "the pipelined whole file differs");
    let (head, body) = read_response(&mut s, false);
    assert!(head.contains("Content-Length: 0\r\n"), "{head}");
    assert!(body.is_empty());
    let (_, body) = read_response(&mut s, false);
    assert_eq!(body, want[5..15]);

    // A head that frames the file otherwise cannot carry it: a 500 instead, nothing of the
    // file, and the connection goes on; a 304 carries no body.
    let mut s = connect(addr);
    for (path, status) in [
        ("/chunked", "500"),
        ("/mismatch", "500"),
        ("/not-modified", "304"),
    ] {
        s.write_all(format!("GET {path} HTTP/1.1\r\nHost: a\r\n\r\n").as_bytes())
            .expect("write");
        let (head, body) = read_response(&mut s, false);
        assert!(
            head.starts_with(&format!("HTTP/1.1 {status} ")),
            "{path}: {head}"
        );
        assert!(
            !head.to_ascii_lowercase().contains("transfer-encoding"),
            "{path}: {head}"
        );
        assert!(body.is_empty(), "{path}: a body");
    }
    s.write_all(GET_RANGE).expect("write");
    let (head, body) = read_response(&mut s, false);
    assert!(head.starts_with("HTTP/1.1 200 OK\r\n"), "{head}");
    assert_eq!(body, want[5..15]);

    // A handler slower than the wait for a next request: that wait counts from its answer.
    let mut s = connect(addr);
    s.write_all(b"GET /slow HTTP/1.1\r\nHost: a\r\n\r\n")
        .expect("write");
    let (head, _) = read_response(&mut s, false);
    assert!(head.starts_with("HTTP/1.1 200 OK\r\n"), "{head}");
    s.write_all(GET_RANGE).expect("write");
    let (head, body) = read_response(&mut s, false);
    assert!(head.starts_with("HTTP/1.1 200 OK\r\n"), "{head}");
    assert_eq!(body, want[5..15]);

    // HTTP/1.0 without keep-alive: framed by its length, then closed.
    let mut s = connect(addr);
    s.write_all(b"GET /range HTTP/1.0\r\n\r\n").expect("write");
    let (head, body) = read_response(&mut s, false);
    assert!(head.contains("Content-Length: 10\r\n"), "{head}");
    assert_eq!(body, want[5..15]);
    assert!(closed(&mut s), "an HTTP/1.0 connection stays open");

    // A file shorter than its range: the head promised 150 bytes, 50 came, and the
    // connection closes rather than leave the client waiting for the rest.
    let mut s = connect(addr);
    s.write_all(b"GET /short HTTP/1.1\r\nHost: a\r\n\r\n")
        .expect("write");
    let (head, body) = read_response(&mut s, false);
    assert!(head.contains("Content-Length: 150\r\n"), "{head}");
    assert_eq!(body, want[LEN - 50..]);
    assert!(
        closed(&mut s),
        "the connection stays open after a short body"
    );
}

/// The larger file read slowly, so that sending it lasts longer than [`IDLE`]; then another
/// request at once on the same connection, which must be answered: the wait for it counts
/// from the end of the send, not from its start (the engine's clock, told only before the
/// response, would otherwise have the wait over already).
fn check_slow_reader(addr: SocketAddr) {
    let mut s = connect(addr);
    s.write_all(b"GET /big HTTP/1.1\r\nHost: a\r\n\r\n")
        .expect("write");
    let (head, _) = read_response(&mut s, true);
    assert!(
        head.contains(&format!("Content-Length: {BIG}\r\n")),
        "{head}"
    );
    let mut piece = vec![0; 1 << 20];
    let mut left = BIG;
    while left > 0 {
        let want = left.min(piece.len());
        s.read_exact(&mut piece[..want]).expect("read the body");
        assert!(piece[..want].iter().all(|&b| b == 7), "the body differs");
        left -= want;
        // Slowly for the first half (15 pieces, over 1 s: twice `IDLE`), while the server is
        // still sending, as `BIG` is more than the loopback sockets' buffers take; the rest
        // at once, so that the next request follows the end of the send by far less than
        // `IDLE` (the buffers hold several MiB the server no longer waits for).
        if left > BIG / 2 {
            std::thread::sleep(Duration::from_millis(70));
        }
    }
    s.write_all(b"GET /range HTTP/1.1\r\nHost: a\r\n\r\n")
        .expect("write");
    let (head, body) = read_response(&mut s, false);
    assert!(head.starts_with("HTTP/1.1 200 OK\r\n"), "{head}");
    assert_eq!(body, content()[5..15]);
}

#[test]
fn tokio_sends_files_whole_in_ranges_and_pipelined() {
    let files = Files::new(true);
    let addr = tokio_server(&files);
    check(addr);
    check_slow_reader(addr);
}

#[test]
fn smol_sends_files_whole_in_ranges_and_pipelined() {
    let files = Files::new(true);
    let addr = smol_server(&files);
    check(addr);
    check_slow_reader(addr);
}

#[test]
fn blocking_sends_files_whole_in_ranges_and_pipelined() {
    let files = Files::new(true);
    let addr = blocking_server(&files);
    check(addr);
    check_slow_reader(addr);
}

/// A server that answers each request with the length and a checksum of the body it read,
/// or, at `/refuse`, with a 403 before reading any.
fn counting_server() -> SocketAddr {
    use http_body_util::{BodyExt, Full};
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        rt.block_on(async move {
            let server = driver_tokio::Server::bind("127.0.0.1:0", driver_tokio::Config::default())
                .await
                .expect("bind");
            tx.send(server.local_addr().expect("address"))
                .expect("send");
            server
                .serve(|req: Request<driver_tokio::Incoming>| async move {
                    if req.uri().path() == "/refuse" {
                        let mut res = Response::new(Full::new(Bytes::new()));
                        *res.status_mut() = http::StatusCode::FORBIDDEN;
                        return Ok::<_, driver_tokio::BoxError>(res);
                    }
                    let body = req.into_body().collect().await?.to_bytes();
                    let sum = body
                        .iter()
                        .fold(0u64, |a, &b| a.wrapping_mul(31) + u64::from(b));
                    let text = format!("{} {sum}", body.len());
                    Ok(Response::new(Full::new(Bytes::from(text))))
                })
                .await
                .expect("serve");
        });
    });
    rx.recv().expect("address")
}

/// driver-tokio's client sends a request body from a file (`SendFile` in the request's
/// extensions): a range of it, with and without `Expect: 100-continue`, three requests on
/// one connection (a file refused before its 100: tests/client-expect.rs).
#[test]
fn a_client_sends_a_file_as_the_request_body() {
    use http_body_util::BodyExt;
    let files = Files::new(false);
    let addr = counting_server();
    let want = content();
    let expected = |range: &[u8]| {
        let sum = range
            .iter()
            .fold(0u64, |a, &b| a.wrapping_mul(31) + u64::from(b));
        format!("{} {sum}", range.len())
    };
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime")
        .block_on(async {
            let mut client = driver_tokio::Client::connect(addr, driver_tokio::Config::default())
                .await
                .expect("connect");
            for expect in [false, true, false] {
                let file = std::fs::File::open(&files.path).expect("open");
                let mut req = Request::post(format!("http://{addr}/count"));
                if expect {
                    req = req.header("expect", "100-continue");
                }
                let mut req = req.body(Empty::<Bytes>::new()).expect("request");
                req.extensions_mut()
                    .insert(driver_tokio::SendFile::new(file, 1000, 2_000_000));
                let res = client.send(req).await.expect("send");
                assert_eq!(res.status(), 200);
                let body = res.into_body().collect().await.expect("body").to_bytes();
                assert_eq!(body, expected(&want[1000..2_001_000]), "expect: {expect}");
            }
        });
}
