//! driver-tokio's client with `Expect: 100-continue` and a streamed or file body, against a
//! raw server: nothing of the body is taken from the application while the 100 is awaited
//! (the body is not queued in memory meanwhile), all of it goes after the 100, and none of
//! it after a final response that came first, which also leaves the connection unused. And
//! both clients, async and blocking, against a server that switches protocols without the
//! 100 it owes.

use bytes::Bytes;
use http::Request;
use http_body::{Body, Frame, SizeHint};
use http_body_util::BodyExt;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::task::{Context, Poll};
use std::time::Duration;

/// The body's length: far more than a socket takes at once.
const LEN: u64 = 8 << 20;

/// A body of [`LEN`] bytes made as it is polled, counting what was taken.
struct Counted {
    left: u64,
    taken: Arc<AtomicU64>,
}

impl Body for Counted {
    type Data = Bytes;
    type Error = std::convert::Infallible;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        _: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Self::Error>>> {
        if self.left == 0 {
            return Poll::Ready(None);
        }
        let n = self.left.min(64 * 1024);
        self.left -= n;
        self.taken.fetch_add(n, Ordering::SeqCst);
        Poll::Ready(Some(Ok(Frame::data(Bytes::from(vec![b'x'; n as usize])))))
    }

    fn size_hint(&self) -> SizeHint {
        SizeHint::with_exact(self.left)
    }
}

/// Bytes that come on `s` within `wait`.
fn drain(s: &mut TcpStream, wait: Duration) -> u64 {
    s.set_read_timeout(Some(wait)).expect("timeout");
    let mut got = 0;
    let mut buf = [0; 65536];
    while let Ok(n) = s.read(&mut buf) {
        if n == 0 {
            break;
        }
        got += n as u64;
    }
    got
}

/// A server of one request that waits 300 ms after its head, reports what the client had
/// taken of its body by then, and then answers with a 100 and reads the body (`refuse`
/// false), or with a 417 and counts what still comes (`refuse` true); it reports the body
/// bytes it got.
fn server(
    refuse: bool,
    taken: Arc<AtomicU64>,
) -> (SocketAddr, std::sync::mpsc::Receiver<(u64, u64)>) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().expect("address");
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let (mut s, _) = listener.accept().expect("accept");
        let head = workspace_tests::read_head(&mut s).to_ascii_lowercase();
        assert!(head.contains("expect: 100-continue\r\n"), "{head}");
        std::thread::sleep(Duration::from_millis(300));
        let before = taken.load(Ordering::SeqCst);
        if refuse {
            s.write_all(b"HTTP/1.1 417 Expectation Failed\r\nContent-Length: 0\r\n\r\n")
                .expect("write");
            let got = drain(&mut s, Duration::from_millis(300));
            let _ = tx.send((before, got));
            // Kept open a while: a client that reused it would wait for an answer here.
            std::thread::sleep(Duration::from_secs(3));
            return;
        }
        s.write_all(b"HTTP/1.1 100 Continue\r\n\r\n")
            .expect("write");
        let mut body = Vec::new();
        (&mut s)
            .take(LEN)
            .read_to_end(&mut body)
            .expect("read the body");
        s.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")
            .expect("write");
        let got = body.len() as u64;
        let _ = tx.send((before, got));
    });
    (addr, rx)
}

/// One request to [`server`] with `Expect: 100-continue`: a streamed body of [`LEN`] bytes,
/// or with `file`, that file sent as the body (`SendFile`). Returns the status, what the
/// client had taken of a streamed body when the server answered, the body bytes the server
/// got, what was taken in all, and whether the connection was refused for a next request.
fn exchange(refuse: bool, file: Option<&std::path::Path>) -> (u16, u64, u64, u64, bool) {
    let taken = Arc::new(AtomicU64::new(0));
    let (addr, report) = server(refuse, taken.clone());
    let (status, closed) = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime")
        .block_on(async {
            let mut config = driver_tokio::Config::default();
            config.engine.timeouts.continue_wait = Some(Duration::from_secs(10));
            let mut client = driver_tokio::Client::connect(addr, config)
                .await
                .expect("connect");
            let req = Request::post(format!("http://{addr}/up")).header("expect", "100-continue");
            let res = match file {
                Some(path) => {
                    let mut req = req
                        .body(http_body_util::Empty::<Bytes>::new())
                        .expect("request");
                    let file = std::fs::File::open(path).expect("open");
                    req.extensions_mut()
                        .insert(driver_tokio::SendFile::new(file, 0, LEN));
                    client.send(req).await
                }
                None => {
                    let body = Counted {
                        left: LEN,
                        taken: taken.clone(),
                    };
                    client.send(req.body(body).expect("request")).await
                }
            }
            .expect("send");
            let status = res.status().as_u16();
            let _ = res.into_body().collect().await;
            // A next request on this connection: refused at once, or (reused) it waits.
            let again = Request::get(format!("http://{addr}/"))
                .body(http_body_util::Empty::<Bytes>::new())
                .expect("request");
            let next = tokio::time::timeout(Duration::from_secs(1), client.send(again)).await;
            (status, matches!(next, Ok(Err(driver_tokio::Error::Closed))))
        });
    let (before, got) = report.recv().expect("report");
    (status, before, got, taken.load(Ordering::SeqCst), closed)
}

#[test]
fn the_body_is_not_taken_before_the_100_and_all_of_it_goes_after() {
    let (status, before, got, taken, _) = exchange(false, None);
    assert_eq!(status, 200);
    assert_eq!(before, 0, "body taken from the application before the 100");
    assert_eq!(got, LEN);
    assert_eq!(taken, LEN);
}

#[test]
fn a_body_refused_before_the_100_is_never_sent_nor_taken() {
    let (status, before, got, taken, closed) = exchange(true, None);
    assert_eq!(status, 417);
    assert_eq!(
        before, 0,
        "body taken from the application before the answer"
    );
    assert_eq!(got, 0, "the refused body was sent");
    assert_eq!(taken, 0, "the refused body was taken from the application");
    assert!(
        closed,
        "a connection with a request left half-sent was reused"
    );
}

#[test]
fn a_file_body_goes_after_the_100_and_never_after_a_refusal() {
    let file = workspace_tests::TempFile::new("client-expect", &vec![b'f'; LEN as usize]);
    let (status, _, got, _, _) = exchange(false, Some(&file.0));
    assert_eq!((status, got), (200, LEN));
    let (status, _, got, _, closed) = exchange(true, Some(&file.0));
    assert_eq!((status, got), (417, 0), "the refused file was sent");
    assert!(
        closed,
        "a connection with a request left half-sent was reused"
    );
}

/// A raw server that reads one head and answers `answer` at once.
fn answers_at_once(answer: &'static [u8]) -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().expect("addr");
    std::thread::spawn(move || {
        let (mut s, _) = listener.accept().expect("accept");
        let (mut head, mut b) = (Vec::new(), [0; 1]);
        while !head.ends_with(b"\r\n\r\n") && s.read(&mut b).is_ok_and(|n| n == 1) {
            head.push(b[0]);
        }
        s.write_all(answer).expect("write");
        s.set_read_timeout(Some(Duration::from_millis(1500)))
            .expect("timeout");
        let _ = drain(&mut s, Duration::from_millis(1500));
    });
    addr
}

/// RFC 9110 §7.8: a server that switches protocols for a request expecting 100 (Continue)
/// sends the 100 first. A 101 without it is the server's error, and both clients say so
/// (the async one blamed the application's body; the blocking one returned the 101, after
/// which nothing could be done with the connection).
#[test]
fn a_101_without_the_100_it_owes_is_the_server_s_error() {
    const SWITCHED: &[u8] =
        b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: x\r\nConnection: upgrade\r\n\r\nPROTO";
    let addr = answers_at_once(SWITCHED);
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let sent = rt.block_on(async move {
        let mut client = driver_tokio::Client::connect(addr, driver_tokio::Config::default())
            .await
            .expect("connect");
        let req = Request::post(format!("http://{addr}/"))
            .header("upgrade", "x")
            .header("connection", "upgrade")
            .header("expect", "100-continue")
            .body(http_body_util::Full::new(Bytes::from_static(b"hello")))
            .expect("request");
        client.send(req).await.map(|r| r.status())
    });
    assert!(
        matches!(
            sent,
            Err(driver_tokio::Error::Remote(
                http_core::RemoteError::UnexpectedResponse
            ))
        ),
        "{sent:?}"
    );
    let addr = answers_at_once(SWITCHED);
    let mut client = driver_blocking::Client::connect(addr, driver_blocking::Config::default())
        .expect("connect");
    let req = Request::post(format!("http://{addr}/"))
        .header("upgrade", "x")
        .header("connection", "upgrade")
        .header("expect", "100-continue")
        .body(driver_blocking::Body::from(Bytes::from_static(b"hello")))
        .expect("request");
    let sent = client.send(req).map(|r| r.status());
    assert!(
        matches!(
            sent,
            Err(driver_blocking::Error::Remote(
                http_core::RemoteError::UnexpectedResponse
            ))
        ),
        "{sent:?}"
    );
}
