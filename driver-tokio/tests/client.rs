//! driver-tokio's client against its server over loopback: requests with and without bodies,
//! bodies streamed both ways, trailers, and reuse of the connection.

use bytes::Bytes;
use driver_tokio::{BoxError, Client, Config, Error, Incoming, Server};
use http_body::Frame;
use http_body_util::{BodyExt, Full};
use std::convert::Infallible;
use std::net::SocketAddr;
use std::time::Duration;

/// A server answering each request with its method, path and body, and a trailer counting
/// the body's bytes.
async fn server() -> SocketAddr {
    let server = Server::bind("127.0.0.1:0", Config::default())
        .await
        .expect("bind");
    let addr = server.local_addr().expect("addr");
    tokio::spawn(server.serve(|req: http::Request<Incoming>| async move {
        let head = format!("{} {} ", req.method(), req.uri().path());
        let body = req.into_body().collect().await?.to_bytes();
        let mut trailers = http::HeaderMap::new();
        trailers.insert("x-length", body.len().into());
        let frames = [
            Frame::data(Bytes::from(head)),
            Frame::data(body),
            Frame::trailers(trailers),
        ];
        Ok::<_, BoxError>(http::Response::new(Frames(frames.into())))
    }));
    addr
}

/// A body of the given frames, handed out one per poll.
struct Frames(std::collections::VecDeque<Frame<Bytes>>);

impl http_body::Body for Frames {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(
        mut self: std::pin::Pin<&mut Self>,
        _: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Result<Frame<Bytes>, Infallible>>> {
        std::task::Poll::Ready(self.0.pop_front().map(Ok))
    }
}

/// A server with `config` answering every request with `handler`'s bytes.
async fn serve_bytes<F>(
    config: Config,
    handler: impl Fn(http::Request<Incoming>) -> F + Send + Sync + 'static,
) -> SocketAddr
where
    F: Future<Output = Result<http::Response<Full<Bytes>>, BoxError>> + Send + 'static,
{
    let server = Server::bind("127.0.0.1:0", config).await.expect("bind");
    let addr = server.local_addr().expect("addr");
    tokio::spawn(server.serve(handler));
    addr
}

/// A GET of `path` on `client` with `fields` and no body.
async fn get(
    client: &mut Client,
    addr: SocketAddr,
    path: &str,
    fields: &[(&str, &str)],
) -> Result<http::Response<Incoming>, Error> {
    let mut req = http::Request::get(format!("http://{addr}{path}"));
    for &(name, value) in fields {
        req = req.header(name, value);
    }
    client
        .send(req.body(Full::new(Bytes::new())).expect("request"))
        .await
}

#[tokio::test]
async fn requests_reuse_one_connection_and_bodies_stream_both_ways() {
    let addr = server().await;
    let mut client = Client::connect(addr, Config::default())
        .await
        .expect("connect");
    let res = get(&mut client, addr, "/first", &[])
        .await
        .expect("response");
    assert_eq!(res.status(), 200);
    let collected = res.into_body().collect().await.expect("body");
    assert_eq!(
        collected.trailers().and_then(|t| t.get("x-length")),
        Some(&http::HeaderValue::from_static("0"))
    );
    assert_eq!(collected.to_bytes(), "GET /first ");
    assert!(client.is_reusable());

    // A body of unknown length goes out chunked, in pieces.
    let body = Frames(
        (0..100)
            .map(|i| Frame::data(Bytes::from(format!("{i:03}"))))
            .collect(),
    );
    let res = client
        .send(
            http::Request::post(format!("http://{addr}/upload"))
                .body(body)
                .expect("request"),
        )
        .await
        .expect("response on the same connection");
    let bytes = res.into_body().collect().await.expect("body").to_bytes();
    assert_eq!(bytes.len(), "POST /upload ".len() + 300);
    assert!(bytes.ends_with(b"098099"));

    // Asking to close: the response still comes, then the connection is done.
    let res = get(&mut client, addr, "/last", &[("connection", "close")])
        .await
        .expect("response");
    assert_eq!(
        res.into_body().collect().await.expect("body").to_bytes(),
        "GET /last "
    );
    let again = get(&mut client, addr, "/again", &[]).await;
    assert!(matches!(again, Err(Error::Closed)), "{again:?}");
}

/// A response body that knows its length (`Full`) is framed by it, with no Content-Length
/// from the handler; the client sees the length as the body's exact size hint.
#[tokio::test]
async fn a_body_of_known_length_is_framed_by_it() {
    use http_body::Body as _;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let addr = serve_bytes(Config::default(), |_req| async {
        Ok(http::Response::new(Full::new(Bytes::from_static(b"hello"))))
    })
    .await;

    let mut raw = tokio::net::TcpStream::connect(addr).await.expect("connect");
    raw.write_all(b"GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n")
        .await
        .expect("write");
    let mut out = Vec::new();
    raw.read_to_end(&mut out).await.expect("read");
    let out = String::from_utf8_lossy(&out).to_ascii_lowercase();
    assert!(out.contains("\r\ncontent-length: 5\r\n"), "{out}");
    assert!(!out.contains("transfer-encoding"), "{out}");
    assert!(out.ends_with("\r\n\r\nhello"), "{out}");

    let mut client = Client::connect(addr, Config::default())
        .await
        .expect("connect");
    let res = get(&mut client, addr, "/", &[]).await.expect("response");
    assert_eq!(res.body().size_hint().exact(), Some(5));
    assert_eq!(
        res.into_body().collect().await.expect("body").to_bytes(),
        "hello"
    );
}

/// The idle deadline moves with every request: a timer set for an earlier request's deadline
/// that fires while a later request's is still ahead does not close the connection, and the
/// later deadline still does.
#[tokio::test]
async fn the_idle_deadline_follows_the_last_request() {
    use std::time::{Duration, Instant};
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut config = Config::default();
    config.engine.timeouts.idle = Some(Duration::from_millis(1000));
    let addr = serve_bytes(config, |_req| async {
        Ok(http::Response::new(Full::new(Bytes::from_static(b"ok"))))
    })
    .await;
    let mut raw = tokio::net::TcpStream::connect(addr).await.expect("connect");
    let start = Instant::now();
    let mut buf = [0u8; 1024];
    // Requests at 0 s, 0.6 s and 1.3 s: the last comes after the first one's deadline.
    for at in [0, 600, 1300] {
        tokio::time::sleep_until((start + Duration::from_millis(at)).into()).await;
        raw.write_all(b"GET / HTTP/1.1\r\nHost: a\r\n\r\n")
            .await
            .expect("write");
        let n = raw.read(&mut buf).await.expect("read");
        let got = String::from_utf8_lossy(&buf[..n]);
        assert!(
            got.starts_with("HTTP/1.1 200") && got.ends_with("ok"),
            "{at} ms: {got}"
        );
    }
    // Then the connection closes about a second after the last response.
    let n = tokio::time::timeout(Duration::from_secs(5), raw.read(&mut buf))
        .await
        .expect("closed within the idle timeout")
        .expect("read");
    assert_eq!(n, 0, "closed quietly");
    let idle = start.elapsed();
    assert!(idle >= Duration::from_millis(2200), "closed after {idle:?}");
}

/// The head as received rides in the request's extensions only when the configuration asks.
#[tokio::test]
async fn the_raw_head_is_kept_only_when_asked() {
    for raw_head in [false, true] {
        let mut config = Config::default();
        config.raw_head = raw_head;
        let addr = serve_bytes(config, |req| async move {
            let names = req
                .extensions()
                .get::<http_core::RequestHead>()
                .map(|h| {
                    h.headers
                        .iter()
                        .map(|(n, _)| String::from_utf8_lossy(n).into_owned())
                        .collect::<Vec<_>>()
                        .join(",")
                })
                .unwrap_or_else(|| "none".into());
            Ok(http::Response::new(Full::new(Bytes::from(names))))
        })
        .await;
        let mut client = Client::connect(addr, Config::default())
            .await
            .expect("connect");
        let res = get(&mut client, addr, "/", &[("X-Mixed-Case", "1")])
            .await
            .expect("response");
        let body = res.into_body().collect().await.expect("body").to_bytes();
        if raw_head {
            let names = String::from_utf8_lossy(&body).into_owned();
            assert!(
                names
                    .split(',')
                    .any(|n| n.eq_ignore_ascii_case("x-mixed-case")),
                "{names}"
            );
        } else {
            assert_eq!(body, "none");
        }
    }
}

/// A body of known length goes with its Content-Length; one of unknown length is chunked.
#[tokio::test]
async fn a_body_of_known_length_is_sent_with_its_length() {
    let addr = serve_bytes(
        Config::default(),
        |req: http::Request<Incoming>| async move {
            let field = |name| {
                req.headers()
                    .get(name)
                    .map_or("-", |v| v.to_str().unwrap_or("?"))
                    .to_owned()
            };
            let framing = format!("{} {}", field("content-length"), field("transfer-encoding"));
            let body = req.into_body().collect().await?.to_bytes();
            let text = format!("{framing} {}", String::from_utf8_lossy(&body));
            Ok(http::Response::new(Full::new(Bytes::from(text))))
        },
    )
    .await;
    let mut client = Client::connect(addr, Config::default())
        .await
        .expect("connect");
    let res = client
        .send(
            http::Request::put(format!("http://{addr}/known"))
                .body(Full::new(Bytes::from_static(b"twelve bytes")))
                .expect("request"),
        )
        .await
        .expect("response");
    let text = res.into_body().collect().await.expect("body").to_bytes();
    assert_eq!(text, "12 - twelve bytes");
    let res = client
        .send(
            http::Request::put(format!("http://{addr}/unknown"))
                .body(Frames([Frame::data(Bytes::from_static(b"some"))].into()))
                .expect("request"),
        )
        .await
        .expect("response");
    let text = res.into_body().collect().await.expect("body").to_bytes();
    assert_eq!(text, "- chunked some");
}

/// Sends 60 bytes of body: four pieces of 10, just enough to fill a reader's queue (the
/// socket is empty when it asks again), then the last 20 bytes 2.9 s later: 0.6 s after a
/// reader that paused 2.5 s asks again.
async fn send_paced_body(s: &mut tokio::net::TcpStream) {
    use tokio::io::AsyncWriteExt;
    for _ in 0..4 {
        s.write_all(&[b'a'; 10]).await.expect("write");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    tokio::time::sleep(Duration::from_millis(2900)).await;
    s.write_all(&[b'b'; 20]).await.expect("write");
}

/// A body's reader that pauses longer than `body_read` after its queue filled (the
/// connection stops reading then), and reads on: the wait for more counts from when it
/// asks again, so the server, which was never slow, is not taken for a stalled one.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reader_that_pauses_is_not_taken_for_a_stalled_server() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move {
        let (mut s, _) = listener.accept().await.expect("accept");
        let mut head = Vec::new();
        let mut byte = [0u8; 1];
        while !head.ends_with(b"\r\n\r\n") {
            if s.read(&mut byte).await.expect("read") == 0 {
                return;
            }
            head.push(byte[0]);
        }
        s.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 60\r\n\r\n")
            .await
            .expect("write");
        send_paced_body(&mut s).await;
        let _ = s.read(&mut byte).await;
    });
    let mut config = Config::default();
    config.engine.timeouts.body_read = Some(Duration::from_secs(1));
    let mut client = Client::connect(addr, config).await.expect("connect");
    let res = get(&mut client, addr, "/", &[]).await.expect("response");
    let mut body = res.into_body();
    tokio::time::sleep(Duration::from_millis(2500)).await;
    let mut got = Vec::new();
    while let Some(frame) = body.frame().await {
        match frame {
            Ok(f) => got.extend_from_slice(&f.into_data().unwrap_or_default()),
            Err(e) => panic!("after {} bytes: {e:?}", got.len()),
        }
    }
    assert_eq!(got.len(), 60);
}

/// The same for a handler reading a request body: it pauses longer than `body_read` once
/// its queue filled, and the client, never slow, gets its answer rather than a 408.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_handler_that_pauses_while_reading_is_not_taken_for_a_stalled_client() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut config = Config::default();
    config.engine.timeouts.body_read = Some(Duration::from_secs(1));
    let addr = serve_bytes(config, |req| async move {
        let mut body = req.into_body();
        tokio::time::sleep(Duration::from_millis(2500)).await;
        let mut got = 0;
        while let Some(frame) = body.frame().await {
            got += frame?.into_data().map_or(0, |d| d.len());
        }
        Ok(http::Response::new(Full::new(Bytes::from(got.to_string()))))
    })
    .await;
    let mut s = tokio::net::TcpStream::connect(addr).await.expect("connect");
    s.write_all(b"POST / HTTP/1.1\r\nHost: t\r\nConnection: close\r\nContent-Length: 60\r\n\r\n")
        .await
        .expect("write");
    send_paced_body(&mut s).await;
    let mut answer = Vec::new();
    s.read_to_end(&mut answer).await.expect("read");
    let answer = String::from_utf8_lossy(&answer);
    assert!(answer.starts_with("HTTP/1.1 200 "), "{answer}");
    assert!(answer.ends_with("\r\n\r\n60"), "{answer}");
}

/// A server answering each request with how its body was framed, the body and its trailers.
async fn framing_server() -> SocketAddr {
    serve_bytes(Config::default(), |req| async move {
        let framing = format!(
            "cl={:?} te={:?}",
            req.headers().get("content-length"),
            req.headers().get("transfer-encoding")
        );
        let collected = req.into_body().collect().await?;
        let trailers = collected.trailers().cloned();
        let body = collected.to_bytes();
        Ok(http::Response::new(Full::new(Bytes::from(format!(
            "{framing} body={body:?} trailers={trailers:?}"
        )))))
    })
    .await
}

/// A body that knows its length and ends with trailers it has ready goes chunked, the one
/// framing that carries them (RFC 9112 §7.1.2), as the server sends such a response; one
/// without trailers keeps its Content-Length.
#[tokio::test]
async fn a_body_of_known_length_with_trailers_goes_chunked() {
    let addr = framing_server().await;
    let mut client = Client::connect(addr, Config::default())
        .await
        .expect("connect");
    let mut trailers = http::HeaderMap::new();
    trailers.insert("x-checksum", http::HeaderValue::from_static("abc123"));
    let answer = |res: http::Response<Incoming>| async move {
        let bytes = res.into_body().collect().await.expect("body").to_bytes();
        String::from_utf8_lossy(&bytes).into_owned()
    };
    let body = Full::new(Bytes::from_static(b"abc")).with_trailers(std::future::ready(Some(Ok::<
        _,
        Infallible,
    >(
        trailers,
    ))));
    let req = http::Request::post(format!("http://{addr}/t"))
        .body(body)
        .expect("request");
    let got = answer(client.send(req).await.expect("response")).await;
    assert_eq!(
        got,
        "cl=None te=Some(\"chunked\") body=b\"abc\" trailers=Some({\"x-checksum\": \"abc123\"})"
    );
    // The same body without trailers, and an empty one, on the same connection.
    for (body, want) in [
        (
            &b"abc"[..],
            "cl=Some(\"3\") te=None body=b\"abc\" trailers=None",
        ),
        (b"", "cl=Some(\"0\") te=None body=b\"\" trailers=None"),
    ] {
        let req = http::Request::post(format!("http://{addr}/t"))
            .body(Full::new(Bytes::from_static(body)))
            .expect("request");
        assert_eq!(
            answer(client.send(req).await.expect("response")).await,
            want
        );
    }
}

/// The same framing rule, where it cannot chunk or must not look: an HTTP/1.0 request keeps
/// its length (its trailers dropped: chunked needs HTTP/1.1), and an empty body with
/// trailers goes chunked with them.
#[tokio::test]
async fn trailers_go_where_the_framing_can_carry_them() {
    let addr = framing_server().await;
    let with_trailers = |body: &'static [u8]| {
        let mut trailers = http::HeaderMap::new();
        trailers.insert("x-checksum", http::HeaderValue::from_static("abc123"));
        Full::new(Bytes::from_static(body)).with_trailers(std::future::ready(Some(Ok::<
            _,
            Infallible,
        >(
            trailers
        ))))
    };
    for (version, body, want) in [
        (
            http::Version::HTTP_10,
            &b"abc"[..],
            "cl=Some(\"3\") te=None body=b\"abc\" trailers=None",
        ),
        (
            http::Version::HTTP_11,
            b"",
            "cl=None te=Some(\"chunked\") body=b\"\" trailers=Some({\"x-checksum\": \"abc123\"})",
        ),
    ] {
        let mut client = Client::connect(addr, Config::default())
            .await
            .expect("connect");
        let req = http::Request::post(format!("http://{addr}/t"))
            .version(version)
            .body(with_trailers(body))
            .expect("request");
        let res = client.send(req).await.expect("response");
        let got = res.into_body().collect().await.expect("body").to_bytes();
        assert_eq!(String::from_utf8_lossy(&got), want, "{version:?}");
    }
}

/// A body of known length, counting how often it was polled.
struct Polled(
    Option<Bytes>,
    std::sync::Arc<std::sync::atomic::AtomicUsize>,
);

impl http_body::Body for Polled {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(
        mut self: std::pin::Pin<&mut Self>,
        _: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Result<Frame<Bytes>, Infallible>>> {
        self.1.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        std::task::Poll::Ready(self.0.take().map(|b| Ok(Frame::data(b))))
    }

    fn size_hint(&self) -> http_body::SizeHint {
        http_body::SizeHint::with_exact(self.0.as_ref().map_or(0, |b| b.len() as u64))
    }
}

/// A request that expects a 100 (Continue), however its Expect field lists it, has nothing
/// of its body taken before the 100: not even a look at what it has ready.
#[tokio::test]
async fn a_body_waiting_for_a_100_is_not_looked_at_before_it() {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    for expect in [
        "100-continue",
        "100-continue, 100-continue",
        "100-Continue ",
    ] {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let addr = listener.local_addr().expect("addr");
        let polls = Arc::new(AtomicUsize::new(0));
        let seen = polls.clone();
        let server = tokio::spawn(async move {
            let (mut s, _) = listener.accept().await.expect("accept");
            let mut head = Vec::new();
            let mut b = [0u8; 1];
            while !head.ends_with(b"\r\n\r\n") {
                s.read_exact(&mut b).await.expect("read");
                head.push(b[0]);
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
            let before = seen.load(Ordering::SeqCst);
            s.write_all(b"HTTP/1.1 417 Expectation Failed\r\nContent-Length: 0\r\n\r\n")
                .await
                .expect("write");
            before
        });
        let mut client = Client::connect(addr, Config::default())
            .await
            .expect("connect");
        let req = http::Request::post(format!("http://{addr}/"))
            .header("expect", expect)
            .body(Polled(Some(Bytes::from_static(b"hello")), polls.clone()))
            .expect("request");
        let res = client.send(req).await.expect("response");
        assert_eq!(res.status(), 417);
        assert_eq!(server.await.expect("server"), 0, "{expect:?}");
    }
}

/// A request refused before anything is queued leaves the connection as it was, trailers or
/// none: a head whose own Content-Length contradicts its body's length, or a CONNECT with
/// content (a head that frames the body itself keeps that framing, its trailers dropped).
#[tokio::test]
async fn a_refused_request_with_trailers_keeps_the_connection() {
    type Boxed = http_body_util::combinators::UnsyncBoxBody<Bytes, Infallible>;
    type Make = fn(SocketAddr, bool) -> http::Request<Boxed>;
    fn body(trailers: bool) -> Boxed {
        let full = Full::new(Bytes::from_static(b"abc"));
        if !trailers {
            return full.boxed_unsync();
        }
        let mut t = http::HeaderMap::new();
        t.insert("x-checksum", http::HeaderValue::from_static("abc123"));
        full.with_trailers(std::future::ready(Some(Ok::<_, Infallible>(t))))
            .boxed_unsync()
    }
    let addr = server().await;
    let cases: [(&str, Make); 2] = [
        ("a Content-Length of 5 for 3 bytes", |addr, t| {
            http::Request::post(format!("http://{addr}/x"))
                .header("content-length", "5")
                .body(body(t))
                .expect("request")
        }),
        ("a CONNECT with content", |addr, t| {
            http::Request::connect(addr.to_string())
                .body(body(t))
                .expect("request")
        }),
    ];
    for (name, make) in cases {
        for trailers in [false, true] {
            let mut client = Client::connect(addr, Config::default())
                .await
                .expect("connect");
            let refused = client.send(make(addr, trailers)).await;
            assert!(
                matches!(refused, Err(Error::Local(_))),
                "{name}, trailers {trailers}: {:?}",
                refused.map(|r| r.status())
            );
            let after = get(&mut client, addr, "/after", &[]).await;
            assert_eq!(
                after.map(|r| r.status()).ok(),
                Some(http::StatusCode::OK),
                "{name}, trailers {trailers}"
            );
        }
    }
}
