//! driver-tokio's client with `Expect: 100-continue` and a streamed body, against a raw
//! server: nothing of the body is taken from the application while the 100 is awaited (the
//! body is not queued in memory meanwhile), all of it goes after the 100, and none of it
//! after a final response that came first.

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

/// Reads a head off `s`.
fn read_head(s: &mut TcpStream) -> String {
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
    String::from_utf8(head).expect("a head in ASCII")
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
        let head = read_head(&mut s).to_ascii_lowercase();
        assert!(head.contains("expect: 100-continue\r\n"), "{head}");
        std::thread::sleep(Duration::from_millis(300));
        let before = taken.load(Ordering::SeqCst);
        let got = if refuse {
            s.write_all(b"HTTP/1.1 417 Expectation Failed\r\nContent-Length: 0\r\n\r\n")
                .expect("write");
            drain(&mut s, Duration::from_millis(300))
        } else {
            s.write_all(b"HTTP/1.1 100 Continue\r\n\r\n")
                .expect("write");
            let mut body = Vec::new();
            (&mut s)
                .take(LEN)
                .read_to_end(&mut body)
                .expect("read the body");
            s.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")
                .expect("write");
            body.len() as u64
        };
        let _ = tx.send((before, got));
    });
    (addr, rx)
}

fn exchange(refuse: bool) -> (u16, u64, u64, u64) {
    let taken = Arc::new(AtomicU64::new(0));
    let (addr, report) = server(refuse, taken.clone());
    let status = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime")
        .block_on(async {
            let mut config = driver_tokio::Config::default();
            config.engine.timeouts.continue_wait = Some(Duration::from_secs(10));
            let mut client = driver_tokio::Client::connect(addr, config)
                .await
                .expect("connect");
            let body = Counted {
                left: LEN,
                taken: taken.clone(),
            };
            let req = Request::post(format!("http://{addr}/up"))
                .header("expect", "100-continue")
                .body(body)
                .expect("request");
            let res = client.send(req).await.expect("send");
            let status = res.status().as_u16();
            let _ = res.into_body().collect().await;
            status
        });
    let (before, got) = report.recv().expect("report");
    (status, before, got, taken.load(Ordering::SeqCst))
}

#[test]
fn the_body_is_not_taken_before_the_100_and_all_of_it_goes_after() {
    let (status, before, got, taken) = exchange(false);
    assert_eq!(status, 200);
    assert_eq!(before, 0, "body taken from the application before the 100");
    assert_eq!(got, LEN);
    assert_eq!(taken, LEN);
}

#[test]
fn a_body_refused_before_the_100_is_never_sent() {
    let (status, before, got, _) = exchange(true);
    assert_eq!(status, 417);
    assert_eq!(
        before, 0,
        "body taken from the application before the answer"
    );
    assert_eq!(got, 0, "the refused body was sent");
}
