//! Response bodies sent from a file by the driver (`sendfile(2)` on Linux): `SendFile` on
//! driver-tokio and driver-smol, `Body::from_file` on driver-blocking, seen on the wire:
//! whole files larger than a socket's buffer, ranges, HEAD, pipelining, HTTP/1.0, an empty
//! range, and a file shorter than its range.

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

/// A file of [`content`] of its own for each server.
fn file() -> PathBuf {
    static N: AtomicUsize = AtomicUsize::new(0);
    let path = std::env::temp_dir().join(format!(
        "send-file-{}-{}.bin",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    ));
    std::fs::write(&path, content()).expect("write the test file");
    path
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

/// The answer to `uri`: an empty body, and the range of the file at `path` in its
/// extensions, made by the driver's `SendFile::new` (`make`).
fn response<S>(
    path: &std::path::Path,
    uri: &str,
    make: impl Fn(std::fs::File, u64, u64) -> S,
) -> Response<Empty<Bytes>>
where
    S: Clone + Send + Sync + 'static,
{
    let (offset, len) = range(uri);
    let file = std::fs::File::open(path).expect("open the test file");
    let mut res = Response::new(Empty::new());
    res.extensions_mut().insert(make(file, offset, len));
    res
}

fn tokio_server(path: PathBuf) -> SocketAddr {
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
            let path = Arc::new(path);
            server
                .serve(move |req: Request<driver_tokio::Incoming>| {
                    let res = response(&path, req.uri().path(), driver_tokio::SendFile::new);
                    async move { Ok::<_, driver_tokio::BoxError>(res) }
                })
                .await
                .expect("serve");
        });
    });
    rx.recv().expect("address")
}

fn smol_server(path: PathBuf) -> SocketAddr {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        smol::block_on(async move {
            let server = driver_smol::Server::bind("127.0.0.1:0", driver_smol::Config::default())
                .await
                .expect("bind");
            tx.send(server.local_addr().expect("address"))
                .expect("send");
            let path = Arc::new(path);
            server
                .serve(move |req: Request<driver_smol::Incoming>| {
                    let res = response(&path, req.uri().path(), driver_smol::SendFile::new);
                    async move { Ok::<_, driver_smol::BoxError>(res) }
                })
                .await
                .expect("serve");
        });
    });
    rx.recv().expect("address")
}

fn blocking_server(path: PathBuf) -> SocketAddr {
    let server = driver_blocking::Server::bind("127.0.0.1:0", driver_blocking::Config::default())
        .expect("bind");
    let addr = server.local_addr().expect("address");
    std::thread::spawn(move || {
        server
            .serve(move |req: Request<driver_blocking::Incoming>| {
                let (offset, len) = range(req.uri().path());
                let file = std::fs::File::open(&path)?;
                Ok::<_, driver_blocking::BoxError>(Response::new(driver_blocking::Body::from_file(
                    file, offset, len,
                )))
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
/// (none for `head_only`), or fewer if the connection closed first.
fn read_response(s: &mut TcpStream, head_only: bool) -> (String, Vec<u8>) {
    let mut head = Vec::new();
    let mut byte = [0; 1];
    while !head.ends_with(b"\r\n\r\n") {
        assert_eq!(
            s.read(&mut byte).expect("read the head"),
            1,
            "closed in the head"
        );
        head.push(byte[0]);
    }
    let head = String::from_utf8(head).expect("a head in ASCII");
    let len: usize = head
        .lines()
        .find_map(|l| l.strip_prefix("Content-Length: "))
        .expect("a Content-Length")
        .parse()
        .expect("a number");
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

#[test]
fn tokio_sends_files_whole_in_ranges_and_pipelined() {
    let path = file();
    check(tokio_server(path.clone()));
    let _ = std::fs::remove_file(path);
}

#[test]
fn smol_sends_files_whole_in_ranges_and_pipelined() {
    let path = file();
    check(smol_server(path.clone()));
    let _ = std::fs::remove_file(path);
}

#[test]
fn blocking_sends_files_whole_in_ranges_and_pipelined() {
    let path = file();
    check(blocking_server(path.clone()));
    let _ = std::fs::remove_file(path);
}
