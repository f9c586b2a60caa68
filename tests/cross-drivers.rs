//! Each driver's `Client` against every driver's server (3×3), on the echo application: a GET,
//! a POST whose body streams in pieces (so it goes out chunked), and several requests reusing
//! one client connection.

#[path = "conformance/mod.rs"]
mod conformance;

use bytes::Bytes;
use conformance::echo::Echo;
use conformance::{App, Meter, Mount, PIECE, TestConfig, pattern_vec};
use http::{Request, Response};
use std::io::{Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener};
use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// The streamed POST body's length: several pieces and a ragged end.
const POSTED: u64 = 4 * PIECE as u64 + 7;

/// A driver's client, as the checks use it.
trait ClientUnderTest {
    /// Sends `n` requests on one connection: even ones are GETs of `/get/<i>?q=<i>`, odd ones
    /// POST a streamed body of [`POSTED`] bytes to `/post/<i>`. Returns each response's status,
    /// body, and whether the client said it was reusable once the body was read.
    fn exchange(addr: SocketAddr, n: usize) -> Vec<(Response<()>, Vec<u8>, bool)>;

    /// Connects, waits `idle`, then sends one GET with the engine's `response_wait` set to
    /// `wait`; returns the error it ends with (empty if it got a response).
    fn unanswered(addr: SocketAddr, wait: Duration, idle: Duration) -> String;

    /// Sends a GET and keeps its response unread (or, `drop`, drops it), then sends another
    /// GET on the same connection. Returns what the second ended with (its status, or the
    /// error), and then what reading the first body to its end gave (its length, or the
    /// error; `Ok(0)` when dropped).
    fn unread_then_again(
        addr: SocketAddr,
        drop: bool,
    ) -> (Result<u16, String>, Result<usize, String>);

    /// Sends `req` (a request that proposes a switch), reads the response's body to its end,
    /// then sends a GET on the same connection: the first response's status, what reading
    /// its body gave, and what the GET ended with.
    fn switch_then_again(
        addr: SocketAddr,
        req: Request<()>,
    ) -> (u16, Result<usize, String>, Result<u16, String>);

    /// Asks for the connection's upgrade before any request (which must fail), sends `req` (a
    /// request that proposes a switch), takes the connection for the new protocol, writes
    /// `ping` on it and reads until [`TALK`]'s length or the end: the response's status,
    /// whether the early upgrade failed, and the bytes the new protocol brought (what the
    /// client had already received first).
    fn switch_and_talk(addr: SocketAddr, req: Request<()>) -> (u16, bool, Vec<u8>);

    /// Sends a request the client cannot send (an HTTP/2 one), then `req` (a request that
    /// proposes a switch), then a GET, then takes the connection for the new protocol:
    /// whether the first and the GET failed, and whether the connection was then handed over.
    fn misuse_around_a_switch(addr: SocketAddr, req: Request<()>) -> (bool, bool, bool);

    /// Sends a GET and reads its body, waits for `ready` (the server did something meanwhile),
    /// then sends another GET: what each ended with (the status, or the error), and what
    /// `is_reusable` said before the second.
    fn again_after_idle(
        addr: SocketAddr,
        ready: Receiver<()>,
    ) -> (Result<u16, String>, bool, Result<u16, String>);

    /// Sends a GET and reads its body's first [`HELLO`]`.len()` bytes (all its content), then
    /// the same with a second GET, then sends a third; then reads the first two bodies on:
    /// what they gave (their content, and whether each ended with trailers), and the
    /// third's status.
    fn read_on_after_the_next(addr: SocketAddr) -> ReadOn;

    /// POSTs a streamed body: [`GATED`]'s first piece at once, its second once `gate` opens
    /// (or after 20 s), its end 200 ms later; returns the response's status and body, or the
    /// error it ended with.
    fn gated_upload(addr: SocketAddr, gate: Receiver<()>) -> Result<(u16, Vec<u8>), String>;

    /// PUTs a body of [`UPLOAD`] bytes, made as `how` says, with `write_timeout` and
    /// [`UPLOAD_CONFIG`]'s `response_wait`; returns the response's status and body, or the
    /// error it ended with.
    fn upload(
        addr: SocketAddr,
        how: Upload,
        write_timeout: Duration,
    ) -> Result<(u16, Vec<u8>), String>;
}

/// What [`ClientUnderTest::read_on_after_the_next`] gives: what the first two bodies gave
/// (their content, and whether each ended with trailers), and the third response's status.
type ReadOn = ([Result<(Vec<u8>, bool), String>; 2], Result<u16, String>);

/// The body of an upload: far more than the socket buffers of both ends hold.
const UPLOAD: u64 = 64 << 20;

/// How an upload's body is made.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Upload {
    /// In memory, whole: of known length.
    Whole,
    /// Read as it goes, of unknown length (so chunked).
    Streamed,
    /// A file's range: sent from the file (`sendfile(2)`) by the async clients, read in
    /// pieces by the blocking one.
    File,
}

impl Upload {
    const ALL: [Self; 3] = [Self::Whole, Self::Streamed, Self::File];

    /// A file of [`UPLOAD`] bytes, for [`Upload::File`].
    fn file() -> workspace_tests::TempFile {
        workspace_tests::TempFile::new("upload", &vec![0; UPLOAD as usize])
    }
}

/// A client's timeouts for an upload, as (write timeout, `response_wait`): short enough that
/// a check of a server that stops reading takes seconds, long enough that a server thread
/// slowed by a loaded machine still answers within them, and far shorter than that server
/// holds the connection (see `early`).
const UPLOAD_CONFIG: (Duration, Duration) = (Duration::from_secs(1), Duration::from_secs(2));

/// A configuration whose wait for a response is `wait`.
fn waiting(wait: Duration) -> http_core::Config {
    let mut engine = http_core::Config::default();
    engine.timeouts.response_wait = Some(wait);
    engine
}

fn target(i: usize) -> String {
    if i.is_multiple_of(2) {
        format!("/get/{i}?q={i}")
    } else {
        format!("/post/{i}")
    }
}

/// The client of an async driver (`$krate`), its futures run by `$block`; `$tag` names it
/// in the requests it sends.
macro_rules! async_client {
    ($name:ident, $krate:ident, $tag:literal, $block:path, $talk:path) => {
        struct $name;

        impl ClientUnderTest for $name {
            fn exchange(addr: SocketAddr, n: usize) -> Vec<(Response<()>, Vec<u8>, bool)> {
                use conformance::async_apps::{Out, Source};
                use http_body_util::{BodyExt, Empty};
                $block(async move {
                    let mut client = $krate::Client::connect(addr, $krate::Config::default())
                        .await
                        .expect("connect");
                    let mut out = Vec::new();
                    for i in 0..n {
                        let uri = format!("http://{addr}{}", target(i));
                        let req = if i.is_multiple_of(2) {
                            let body: Out = Empty::<Bytes>::new().map_err(|e| match e {}).boxed();
                            Request::get(uri).header("x-client", $tag).body(body)
                        } else {
                            let body: Out = Source {
                                sent: 0,
                                len: POSTED,
                                meter: Meter::new(),
                            }
                            .boxed();
                            Request::post(uri).body(body)
                        }
                        .expect("request");
                        let res = client
                            .send(req)
                            .await
                            .unwrap_or_else(|e| panic!("request {i}: {e}"));
                        let (parts, body) = res.into_parts();
                        let body = body
                            .collect()
                            .await
                            .unwrap_or_else(|e| panic!("body {i}: {e}"))
                            .to_bytes()
                            .to_vec();
                        out.push((Response::from_parts(parts, ()), body, client.is_reusable()));
                    }
                    out
                })
            }

            fn unanswered(addr: SocketAddr, wait: Duration, idle: Duration) -> String {
                use http_body_util::Empty;
                $block(async move {
                    let mut config = $krate::Config::default();
                    config.engine = waiting(wait);
                    let mut client = $krate::Client::connect(addr, config)
                        .await
                        .expect("connect");
                    std::thread::sleep(idle);
                    let req = Request::get(format!("http://{addr}/")).body(Empty::<Bytes>::new());
                    match client.send(req.expect("request")).await {
                        Ok(_) => String::new(),
                        Err(e) => e.to_string(),
                    }
                })
            }

            fn unread_then_again(
                addr: SocketAddr,
                drop: bool,
            ) -> (Result<u16, String>, Result<usize, String>) {
                use http_body_util::{BodyExt, Empty};
                $block(async move {
                    let mut client = $krate::Client::connect(addr, $krate::Config::default())
                        .await
                        .expect("connect");
                    let get =
                        || Request::get(format!("http://{addr}/")).body(Empty::<Bytes>::new());
                    let first = client.send(get().expect("request")).await.expect("first");
                    let first = (!drop).then_some(first);
                    let second = match client.send(get().expect("request")).await {
                        Ok(res) => Ok(res.status().as_u16()),
                        Err(e) => Err(e.to_string()),
                    };
                    let read = match first {
                        Some(res) => match res.into_body().collect().await {
                            Ok(b) => Ok(b.to_bytes().len()),
                            Err(e) => Err(e.to_string()),
                        },
                        None => Ok(0),
                    };
                    (second, read)
                })
            }

            fn switch_then_again(
                addr: SocketAddr,
                req: Request<()>,
            ) -> (u16, Result<usize, String>, Result<u16, String>) {
                use http_body_util::{BodyExt, Empty};
                $block(async move {
                    let mut client = $krate::Client::connect(addr, $krate::Config::default())
                        .await
                        .expect("connect");
                    let res = client
                        .send(req.map(|()| Empty::<Bytes>::new()))
                        .await
                        .expect("the switch");
                    let status = res.status().as_u16();
                    let read = match res.into_body().collect().await {
                        Ok(b) => Ok(b.to_bytes().len()),
                        Err(e) => Err(e.to_string()),
                    };
                    let get = Request::get(format!("http://{addr}/")).body(Empty::<Bytes>::new());
                    let again = match client.send(get.expect("request")).await {
                        Ok(res) => Ok(res.status().as_u16()),
                        Err(e) => Err(e.to_string()),
                    };
                    (status, read, again)
                })
            }

            fn switch_and_talk(addr: SocketAddr, req: Request<()>) -> (u16, bool, Vec<u8>) {
                use http_body_util::Empty;
                $block(async move {
                    let mut client = $krate::Client::connect(addr, $krate::Config::default())
                        .await
                        .expect("connect");
                    let early = client.upgrade().await.is_err();
                    let res = client
                        .send(req.map(|()| Empty::<Bytes>::new()))
                        .await
                        .expect("the switch");
                    let up = client.upgrade().await.expect("the upgrade");
                    (res.status().as_u16(), early, $talk(up).await)
                })
            }

            fn misuse_around_a_switch(addr: SocketAddr, req: Request<()>) -> (bool, bool, bool) {
                use http_body_util::Empty;
                $block(async move {
                    let mut client = $krate::Client::connect(addr, $krate::Config::default())
                        .await
                        .expect("connect");
                    let h2 = Request::get(format!("http://{addr}/"))
                        .version(http::Version::HTTP_2)
                        .body(Empty::<Bytes>::new())
                        .expect("request");
                    let refused = client.send(h2).await.is_err();
                    let res = client
                        .send(req.map(|()| Empty::<Bytes>::new()))
                        .await
                        .expect("the switch");
                    assert_eq!(res.status(), 101);
                    let get = Request::get(format!("http://{addr}/")).body(Empty::<Bytes>::new());
                    let after = client.send(get.expect("request")).await.is_err();
                    (refused, after, client.upgrade().await.is_ok())
                })
            }

            fn again_after_idle(
                addr: SocketAddr,
                ready: Receiver<()>,
            ) -> (Result<u16, String>, bool, Result<u16, String>) {
                use http_body_util::{BodyExt, Empty};
                $block(async move {
                    let mut client = $krate::Client::connect(addr, $krate::Config::default())
                        .await
                        .expect("connect");
                    let get = async |client: &mut $krate::Client| {
                        let req = Request::get(format!("http://{addr}/"))
                            .body(Empty::<Bytes>::new())
                            .expect("request");
                        let res = client.send(req).await.map_err(|e| e.to_string())?;
                        let status = res.status().as_u16();
                        res.into_body().collect().await.map_err(|e| e.to_string())?;
                        Ok(status)
                    };
                    let first = get(&mut client).await;
                    let _ = ready.recv_timeout(Duration::from_secs(20));
                    // The server's bytes, or its close, reach this end.
                    std::thread::sleep(Duration::from_millis(100));
                    let reusable = client.is_reusable();
                    (first, reusable, get(&mut client).await)
                })
            }

            fn read_on_after_the_next(addr: SocketAddr) -> ReadOn {
                use http_body_util::{BodyExt, Empty};
                /// What of `body` comes after `got` (its content so far), up to `upto`
                /// bytes or its end: the content, and whether it ended with trailers.
                async fn rest(
                    body: &mut $krate::Incoming,
                    mut got: Vec<u8>,
                    upto: usize,
                ) -> Result<(Vec<u8>, bool), String> {
                    let mut trailers = false;
                    while got.len() < upto {
                        match body.frame().await {
                            None => break,
                            Some(Ok(f)) if f.is_trailers() => trailers = true,
                            Some(Ok(f)) => {
                                got.extend_from_slice(&f.into_data().unwrap_or_default())
                            }
                            Some(Err(e)) => return Err(e.to_string()),
                        }
                    }
                    Ok((got, trailers))
                }
                $block(async move {
                    let mut client = $krate::Client::connect(addr, $krate::Config::default())
                        .await
                        .expect("connect");
                    let get = || {
                        Request::get(format!("http://{addr}/"))
                            .body(Empty::<Bytes>::new())
                            .expect("request")
                    };
                    let mut bodies = Vec::new();
                    for _ in 0..2 {
                        let mut body = client.send(get()).await.expect("a response").into_body();
                        let got = rest(&mut body, Vec::new(), HELLO.len()).await;
                        bodies.push((body, got));
                    }
                    let third = client.send(get()).await.map(|r| r.status().as_u16());
                    let mut ends = Vec::new();
                    for (mut body, got) in bodies {
                        ends.push(match got {
                            Ok((got, _)) => rest(&mut body, got, usize::MAX).await,
                            Err(e) => Err(e),
                        });
                    }
                    let ends: [_; 2] = ends.try_into().expect("two");
                    (ends, third.map_err(|e| e.to_string()))
                })
            }

            fn gated_upload(
                addr: SocketAddr,
                gate: Receiver<()>,
            ) -> Result<(u16, Vec<u8>), String> {
                use http_body_util::BodyExt;
                let (open, opened) = tokio::sync::oneshot::channel();
                let (end, ended) = tokio::sync::oneshot::channel();
                std::thread::spawn(move || {
                    let _ = gate.recv_timeout(Duration::from_secs(20));
                    let _ = open.send(());
                    std::thread::sleep(Duration::from_millis(200));
                    let _ = end.send(());
                });
                $block(async move {
                    let mut client = $krate::Client::connect(addr, $krate::Config::default())
                        .await
                        .expect("connect");
                    let body = Gated {
                        first: Some(Bytes::from_static(GATED[0])),
                        gate: Some(opened),
                        second: Some(Bytes::from_static(GATED[1])),
                        end: Some(ended),
                    };
                    let req = Request::post(format!("http://{addr}/"))
                        .body(body)
                        .expect("request");
                    let res = client.send(req).await.map_err(|e| e.to_string())?;
                    let status = res.status().as_u16();
                    let body = res.into_body().collect().await.map_err(|e| e.to_string())?;
                    Ok((status, body.to_bytes().to_vec()))
                })
            }

            fn upload(
                addr: SocketAddr,
                how: Upload,
                write_timeout: Duration,
            ) -> Result<(u16, Vec<u8>), String> {
                use conformance::async_apps::{Out, Source};
                use http_body_util::{BodyExt, Empty, Full};
                let file = (how == Upload::File).then(Upload::file);
                $block(async move {
                    let mut config = $krate::Config::default();
                    config.write_timeout = write_timeout;
                    config.engine = waiting(UPLOAD_CONFIG.1);
                    let mut client = $krate::Client::connect(addr, config)
                        .await
                        .expect("connect");
                    let body: Out = match how {
                        Upload::Whole => Full::new(Bytes::from(vec![0; UPLOAD as usize]))
                            .map_err(|e| match e {})
                            .boxed(),
                        Upload::Streamed => Source {
                            sent: 0,
                            len: UPLOAD,
                            meter: Meter::new(),
                        }
                        .boxed(),
                        Upload::File => Empty::new().map_err(|e| match e {}).boxed(),
                    };
                    let mut req = Request::put(format!("http://{addr}/upload"))
                        .body(body)
                        .expect("request");
                    if let Some(file) = &file {
                        let file = std::fs::File::open(&file.0).expect("open");
                        req.extensions_mut()
                            .insert($krate::SendFile::new(file, 0, UPLOAD));
                    }
                    let res = client.send(req).await.map_err(|e| e.to_string())?;
                    let status = res.status().as_u16();
                    let body = res.into_body().collect().await.map_err(|e| e.to_string())?;
                    Ok((status, body.to_bytes().to_vec()))
                })
            }
        }
    };
}

/// Runs `f` on the tokio runtime of the tokio mount.
fn tokio_block<F: Future>(f: F) -> F::Output {
    conformance::mount_tokio::runtime().block_on(f)
}

/// What the new protocol brings in [`switch_and_talk`](ClientUnderTest::switch_and_talk):
/// bytes sent with the switching response, then the answer to `ping`.
const TALK: &[u8] = b"new-protopong";

/// Writes `ping` on an upgraded tokio connection; reads what came and comes after the switch
/// until [`TALK`]'s length or the end.
async fn tokio_talk(mut up: driver_tokio::upgrade::Upgraded) -> Vec<u8> {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut got = up.leftover.to_vec();
    up.io.write_all(b"ping").await.expect("ping");
    let mut buf = [0; 64];
    while got.len() < TALK.len() {
        match up.io.read(&mut buf).await {
            Ok(0) | Err(_) => break,
            Ok(n) => got.extend_from_slice(&buf[..n]),
        }
    }
    got
}

/// [`tokio_talk`] on smol.
async fn smol_talk(mut up: driver_smol::upgrade::Upgraded<smol::net::TcpStream>) -> Vec<u8> {
    use smol::io::{AsyncReadExt, AsyncWriteExt};
    let mut got = up.leftover.to_vec();
    up.io.write_all(b"ping").await.expect("ping");
    let mut buf = [0; 64];
    while got.len() < TALK.len() {
        match up.io.read(&mut buf).await {
            Ok(0) | Err(_) => break,
            Ok(n) => got.extend_from_slice(&buf[..n]),
        }
    }
    got
}

async_client!(TokioClient, driver_tokio, "tokio", tokio_block, tokio_talk);
async_client!(SmolClient, driver_smol, "smol", smol::block_on, smol_talk);

struct BlockingClient;

impl ClientUnderTest for BlockingClient {
    fn exchange(addr: SocketAddr, n: usize) -> Vec<(Response<()>, Vec<u8>, bool)> {
        use conformance::mount_blocking::SourceReader;
        use driver_blocking::Body;
        use std::io::Read;
        let mut client = driver_blocking::Client::connect(addr, driver_blocking::Config::default())
            .expect("connect");
        let mut out = Vec::new();
        for i in 0..n {
            let uri = format!("http://{addr}{}", target(i));
            let req = if i.is_multiple_of(2) {
                Request::get(uri)
                    .header("x-client", "blocking")
                    .body(Body::empty())
            } else {
                Request::post(uri).body(Body::from_reader(SourceReader {
                    sent: 0,
                    len: POSTED,
                    meter: Meter::new(),
                }))
            }
            .expect("request");
            let res = client
                .send(req)
                .unwrap_or_else(|e| panic!("request {i}: {e}"));
            let (parts, mut body) = res.into_parts();
            let mut bytes = Vec::new();
            body.read_to_end(&mut bytes)
                .unwrap_or_else(|e| panic!("body {i}: {e}"));
            out.push((Response::from_parts(parts, ()), bytes, client.is_reusable()));
        }
        out
    }

    fn unanswered(addr: SocketAddr, wait: Duration, idle: Duration) -> String {
        let mut config = driver_blocking::Config::default();
        config.engine = waiting(wait);
        let mut client = driver_blocking::Client::connect(addr, config).expect("connect");
        std::thread::sleep(idle);
        let req = Request::get(format!("http://{addr}/")).body(driver_blocking::Body::empty());
        match client.send(req.expect("request")) {
            Ok(_) => String::new(),
            Err(e) => e.to_string(),
        }
    }

    fn unread_then_again(
        addr: SocketAddr,
        drop: bool,
    ) -> (Result<u16, String>, Result<usize, String>) {
        let mut client = driver_blocking::Client::connect(addr, driver_blocking::Config::default())
            .expect("connect");
        let get = || Request::get(format!("http://{addr}/")).body(driver_blocking::Body::empty());
        let first = client.send(get().expect("request")).expect("first");
        let first = (!drop).then_some(first);
        let second = match client.send(get().expect("request")) {
            Ok(res) => Ok(res.status().as_u16()),
            Err(e) => Err(e.to_string()),
        };
        let read = match first {
            Some(res) => {
                let mut bytes = Vec::new();
                match res.into_body().read_to_end(&mut bytes) {
                    Ok(n) => Ok(n),
                    Err(e) => Err(e.to_string()),
                }
            }
            None => Ok(0),
        };
        (second, read)
    }

    fn switch_then_again(
        addr: SocketAddr,
        req: Request<()>,
    ) -> (u16, Result<usize, String>, Result<u16, String>) {
        let mut client = driver_blocking::Client::connect(addr, driver_blocking::Config::default())
            .expect("connect");
        let res = client
            .send(req.map(|()| driver_blocking::Body::empty()))
            .expect("the switch");
        let status = res.status().as_u16();
        let mut bytes = Vec::new();
        let read = match res.into_body().read_to_end(&mut bytes) {
            Ok(n) => Ok(n),
            Err(e) => Err(e.to_string()),
        };
        let get = Request::get(format!("http://{addr}/")).body(driver_blocking::Body::empty());
        let again = match client.send(get.expect("request")) {
            Ok(res) => Ok(res.status().as_u16()),
            Err(e) => Err(e.to_string()),
        };
        (status, read, again)
    }

    fn switch_and_talk(addr: SocketAddr, req: Request<()>) -> (u16, bool, Vec<u8>) {
        let mut client = driver_blocking::Client::connect(addr, driver_blocking::Config::default())
            .expect("connect");
        let early = client.upgrade().is_err();
        let res = client
            .send(req.map(|()| driver_blocking::Body::empty()))
            .expect("the switch");
        let mut up = client.upgrade().expect("the upgrade");
        let mut got = up.leftover.to_vec();
        up.io.write_all(b"ping").expect("ping");
        let mut buf = [0; 64];
        while got.len() < TALK.len() {
            match up.io.read(&mut buf) {
                Ok(0) | Err(_) => break,
                Ok(n) => got.extend_from_slice(&buf[..n]),
            }
        }
        (res.status().as_u16(), early, got)
    }

    fn misuse_around_a_switch(addr: SocketAddr, req: Request<()>) -> (bool, bool, bool) {
        use driver_blocking::Body;
        let mut client = driver_blocking::Client::connect(addr, driver_blocking::Config::default())
            .expect("connect");
        let h2 = Request::get(format!("http://{addr}/"))
            .version(http::Version::HTTP_2)
            .body(Body::empty())
            .expect("request");
        let refused = client.send(h2).is_err();
        let res = client
            .send(req.map(|()| Body::empty()))
            .expect("the switch");
        assert_eq!(res.status(), 101);
        let get = Request::get(format!("http://{addr}/")).body(Body::empty());
        let after = client.send(get.expect("request")).is_err();
        (refused, after, client.upgrade().is_ok())
    }

    fn again_after_idle(
        addr: SocketAddr,
        ready: Receiver<()>,
    ) -> (Result<u16, String>, bool, Result<u16, String>) {
        let mut client = driver_blocking::Client::connect(addr, driver_blocking::Config::default())
            .expect("connect");
        let get = |client: &mut driver_blocking::Client| {
            let req = Request::get(format!("http://{addr}/"))
                .body(driver_blocking::Body::empty())
                .expect("request");
            let res = client.send(req).map_err(|e| e.to_string())?;
            let status = res.status().as_u16();
            res.into_body()
                .read_to_end(&mut Vec::new())
                .map_err(|e| e.to_string())?;
            Ok(status)
        };
        let first = get(&mut client);
        let _ = ready.recv_timeout(Duration::from_secs(20));
        // The server's bytes, or its close, reach this end.
        std::thread::sleep(Duration::from_millis(100));
        let reusable = client.is_reusable();
        (first, reusable, get(&mut client))
    }

    fn read_on_after_the_next(addr: SocketAddr) -> ReadOn {
        let mut client = driver_blocking::Client::connect(addr, driver_blocking::Config::default())
            .expect("connect");
        let get = || {
            Request::get(format!("http://{addr}/"))
                .body(driver_blocking::Body::empty())
                .expect("request")
        };
        let mut bodies = Vec::new();
        for _ in 0..2 {
            let mut body = client.send(get()).expect("a response").into_body();
            let mut got = vec![0; HELLO.len()];
            let read = body.read_exact(&mut got).map(|()| got);
            bodies.push((body, read));
        }
        let third = client.send(get()).map(|r| r.status().as_u16());
        let mut ends = bodies.into_iter().map(|(mut body, read)| {
            let mut got = read.map_err(|e| e.to_string())?;
            body.read_to_end(&mut got).map_err(|e| e.to_string())?;
            Ok((got, body.trailers().is_some()))
        });
        let ends = [
            ends.next().expect("the first"),
            ends.next().expect("the second"),
        ];
        (ends, third.map_err(|e| e.to_string()))
    }

    fn gated_upload(addr: SocketAddr, gate: Receiver<()>) -> Result<(u16, Vec<u8>), String> {
        let mut client = driver_blocking::Client::connect(addr, driver_blocking::Config::default())
            .expect("connect");
        let body = driver_blocking::Body::from_reader(GatedReader(0, gate));
        let req = Request::post(format!("http://{addr}/"))
            .body(body)
            .expect("request");
        let res = client.send(req).map_err(|e| e.to_string())?;
        let status = res.status().as_u16();
        let mut bytes = Vec::new();
        res.into_body()
            .read_to_end(&mut bytes)
            .map_err(|e| e.to_string())?;
        Ok((status, bytes))
    }

    fn upload(
        addr: SocketAddr,
        how: Upload,
        write_timeout: Duration,
    ) -> Result<(u16, Vec<u8>), String> {
        use conformance::mount_blocking::SourceReader;
        use driver_blocking::Body;
        let mut config = driver_blocking::Config::default();
        config.write_timeout = write_timeout;
        config.engine = waiting(UPLOAD_CONFIG.1);
        let mut client = driver_blocking::Client::connect(addr, config).expect("connect");
        let file = (how == Upload::File).then(Upload::file);
        let body = match &file {
            None if how == Upload::Streamed => Body::from_reader(SourceReader {
                sent: 0,
                len: UPLOAD,
                meter: Meter::new(),
            }),
            None => Body::from(vec![0; UPLOAD as usize]),
            Some(file) => Body::from_file(std::fs::File::open(&file.0).expect("open"), 0, UPLOAD),
        };
        let req = Request::put(format!("http://{addr}/upload")).body(body);
        let res = client
            .send(req.expect("request"))
            .map_err(|e| e.to_string())?;
        let status = res.status().as_u16();
        let mut bytes = Vec::new();
        res.into_body()
            .read_to_end(&mut bytes)
            .map_err(|e| e.to_string())?;
        Ok((status, bytes))
    }
}

/// A server that reads one request head and answers it with `answer`, then keeps the
/// connection open (10 s) without a word more.
fn answering_once(answer: &'static [u8]) -> SocketAddr {
    serve_once(move |mut s| {
        let mut buf = [0; 1024];
        let _ = s.read(&mut buf);
        let _ = s.write_all(answer);
        std::thread::sleep(Duration::from_secs(10));
    })
}

/// A 101, or a 2xx to CONNECT, has no content (RFC 9110 §15.2, §9.3.6): its body ends at
/// once, whatever bytes of the new protocol follow, and the connection carries no other
/// request.
fn switched<C: ClientUnderTest>() {
    let start = Instant::now();
    let addr = answering_once(
        b"HTTP/1.1 101 Switching Protocols\r\nConnection: upgrade\r\nUpgrade: x\r\n\r\nnew-proto",
    );
    let req = Request::get(format!("http://{addr}/"))
        .header("connection", "upgrade")
        .header("upgrade", "x")
        .body(())
        .expect("request");
    let (status, read, again) = C::switch_then_again(addr, req);
    assert_eq!((status, read), (101, Ok(0)));
    assert!(again.is_err_and(|e| e.contains("closed")));
    let addr = answering_once(b"HTTP/1.1 200 OK\r\n\r\ntunnel-bytes");
    let req = Request::connect(addr.to_string())
        .body(())
        .expect("request");
    let (status, read, again) = C::switch_then_again(addr, req);
    assert_eq!((status, read), (200, Ok(0)));
    assert!(again.is_err_and(|e| e.contains("closed")));
    // Long before the server lets the connection go: nothing waited for it.
    assert!(
        start.elapsed() < Duration::from_secs(5),
        "{:?}",
        start.elapsed()
    );
}

/// A server that reads one request head, answers it with `answer` (a switch, with the
/// first bytes of the new protocol), then answers `ping` with `pong` in the new protocol.
fn talking_once(answer: &'static [u8]) -> SocketAddr {
    serve_once(move |mut s| {
        let _ = s.set_read_timeout(Some(Duration::from_secs(20)));
        let mut head = Vec::new();
        let mut byte = [0; 1];
        while !head.ends_with(b"\r\n\r\n") && s.read(&mut byte).is_ok_and(|n| n == 1) {
            head.push(byte[0]);
        }
        let _ = s.write_all(answer);
        let mut ping = [0; 4];
        if s.read_exact(&mut ping).is_ok() && &ping == b"ping" {
            let _ = s.write_all(b"pong");
        }
        std::thread::sleep(Duration::from_secs(2));
    })
}

/// After a switch, the client hands over the connection: the new protocol's bytes that
/// came with the switching response first, then the socket, both ways; before any switch
/// there is nothing to hand over.
fn talks_after_a_switch<C: ClientUnderTest>() {
    let addr = talking_once(
        b"HTTP/1.1 101 Switching Protocols\r\nConnection: upgrade\r\nUpgrade: x\r\n\r\nnew-proto",
    );
    let req = Request::get(format!("http://{addr}/"))
        .header("connection", "upgrade")
        .header("upgrade", "x")
        .body(())
        .expect("request");
    assert_eq!(C::switch_and_talk(addr, req), (101, true, TALK.to_vec()));
    let addr = talking_once(b"HTTP/1.1 200 OK\r\n\r\nnew-proto");
    let req = Request::connect(addr.to_string())
        .body(())
        .expect("request");
    assert_eq!(C::switch_and_talk(addr, req), (200, true, TALK.to_vec()));
}

/// Serves one connection on a thread of its own with `script`; the address to reach it.
fn serve_once(script: impl FnOnce(std::net::TcpStream) + Send + 'static) -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().expect("addr");
    std::thread::spawn(move || {
        let (s, _) = listener.accept().expect("accept");
        script(s);
    });
    addr
}

/// A server that reads a request and answers it with a 204 after `delay`, or (`None`)
/// never: silently, or (`interim`) with a `102 (Processing)` every 50 ms meanwhile, for as
/// long as the client stays (at most 20 s).
fn answering(delay: Option<Duration>, interim: bool) -> SocketAddr {
    serve_once(move |mut s| {
        let mut buf = [0; 1024];
        let _ = s.read(&mut buf);
        let start = Instant::now();
        for _ in 0..400 {
            if delay.is_some_and(|d| start.elapsed() >= d) {
                let _ = s.write_all(b"HTTP/1.1 204 No Content\r\n\r\n");
                std::thread::sleep(Duration::from_secs(1));
                return;
            }
            if interim && s.write_all(b"HTTP/1.1 102 Processing\r\n\r\n").is_err() {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    })
}

/// A server that answers every request on a connection with `len` bytes (Content-Length),
/// for as long as the client reads.
fn serving(len: usize) -> SocketAddr {
    serve_once(move |mut s| {
        let mut pending = Vec::new();
        let mut buf = [0; 4096];
        let body = vec![b'x'; len];
        loop {
            while let Some(end) = pending.windows(4).position(|w| w == b"\r\n\r\n") {
                pending.drain(..end + 4);
                let head = format!("HTTP/1.1 200 OK\r\nContent-Length: {len}\r\n\r\n");
                if s.write_all(head.as_bytes())
                    .and_then(|()| s.write_all(&body))
                    .is_err()
                {
                    return;
                }
            }
            match s.read(&mut buf) {
                Ok(0) | Err(_) => return,
                Ok(n) => pending.extend_from_slice(&buf[..n]),
            }
        }
    })
}

/// A server that answers every request with `len` bytes in 4 KiB chunks, for as long as the
/// client reads.
fn serving_chunked(len: usize) -> SocketAddr {
    serve_once(move |mut s| {
        let mut pending = Vec::new();
        let mut buf = [0; 4096];
        let mut body = Vec::new();
        for _ in 0..len / 4096 {
            body.extend_from_slice(b"1000\r\n");
            body.extend_from_slice(&[b'y'; 4096]);
            body.extend_from_slice(b"\r\n");
        }
        body.extend_from_slice(b"0\r\n\r\n");
        loop {
            while let Some(end) = pending.windows(4).position(|w| w == b"\r\n\r\n") {
                pending.drain(..end + 4);
                let head = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n";
                if s.write_all(head).and_then(|()| s.write_all(&body)).is_err() {
                    return;
                }
            }
            match s.read(&mut buf) {
                Ok(0) | Err(_) => return,
                Ok(n) => pending.extend_from_slice(&buf[..n]),
            }
        }
    })
}

/// A response body left unread, or dropped, before the next request: a small one is read
/// and dropped and the connection reused; one known to be larger than `max_discard` is not:
/// the next request fails at once (no wait for a reader that may never read), and a reader
/// still holding the body reads it whole.
fn unread<C: ClientUnderTest>() {
    for drop in [false, true] {
        let (second, _) = C::unread_then_again(serving(1000), drop);
        assert_eq!(second, Ok(200), "a small body, dropped: {drop}");
    }
    let start = Instant::now();
    let (second, first) = C::unread_then_again(serving(8 << 20), false);
    assert!(
        second.as_ref().is_err_and(|e| e.contains("closed")),
        "{second:?}"
    );
    assert_eq!(first, Ok(8 << 20), "the large body is still its reader's");
    assert!(
        start.elapsed() < Duration::from_secs(5),
        "{:?}",
        start.elapsed()
    );
    let (second, _) = C::unread_then_again(serving(8 << 20), true);
    assert!(
        second.as_ref().is_err_and(|e| e.contains("closed")),
        "{second:?}"
    );
    // A body of unknown length, too large to drop: the next request fails (once the
    // engine has dropped what it may, with no wait for the rest), and the reader, whose
    // body lost what was dropped, gets an error rather than the rest without it.
    let start = Instant::now();
    let (second, first) = C::unread_then_again(serving_chunked(8 << 20), false);
    assert!(
        start.elapsed() < Duration::from_secs(5),
        "{:?}",
        start.elapsed()
    );
    assert!(
        second.as_ref().is_err_and(|e| e.contains("closed")),
        "{second:?}"
    );
    assert!(first.is_err() || first == Ok(8 << 20), "{first:?}");
}

/// A client whose server never answers fails once `response_wait` is over, whether the
/// server is silent or sends interim responses without end; the wait counts from the
/// request, not from when the connection was made.
fn unanswered<C: ClientUnderTest>() {
    let wait = Duration::from_millis(400);
    let error = C::unanswered(
        answering(Some(Duration::from_millis(100)), false),
        wait,
        2 * wait,
    );
    assert_eq!(error, "", "a connection idle for longer than the wait");
    for interim in [false, true] {
        let addr = answering(None, interim);
        let start = Instant::now();
        let error = C::unanswered(addr, wait, Duration::ZERO);
        let took = start.elapsed();
        assert!(
            error.contains("timed out waiting for the response"),
            "interim {interim}: {error:?}"
        );
        assert!(
            took >= wait && took < wait + Duration::from_secs(3),
            "interim {interim}: failed after {took:?}"
        );
    }
}

#[track_caller]
fn check_echo(i: usize, addr: SocketAddr, res: &Response<()>, body: &[u8]) -> Echo {
    assert_eq!(res.status(), 200, "request {i}: {res:?}");
    let e = Echo::parse(body);
    let method = if i.is_multiple_of(2) { "GET" } else { "POST" };
    assert_eq!(
        (
            String::from_utf8_lossy(&e.method).into_owned(),
            String::from_utf8_lossy(&e.uri).into_owned()
        ),
        (method.to_owned(), target(i)),
        "request {i}: {e:?}"
    );
    assert_eq!(
        e.header("host"),
        Some(addr.to_string()),
        "the Host comes from the URI"
    );
    e
}

/// One GET.
fn get<C: ClientUnderTest, S: Mount>() {
    let server = S::start(App::Echo, TestConfig::default());
    let got = C::exchange(server.addr, 1);
    let (res, body, _) = &got[0];
    let e = check_echo(0, server.addr, res, body);
    assert!(e.body.is_empty(), "{e:?}");
    assert!(e.header("x-client").is_some(), "{e:?}");
    server.stop();
}

/// A GET, then a POST whose body streams in pieces.
fn post_streamed<C: ClientUnderTest, S: Mount>() {
    let server = S::start(App::Echo, TestConfig::default());
    let got = C::exchange(server.addr, 2);
    let (res, body, _) = &got[1];
    let e = check_echo(1, server.addr, res, body);
    assert_eq!(
        e.header("transfer-encoding").as_deref(),
        Some("chunked"),
        "a body of unknown length goes out chunked: {e:?}"
    );
    assert_eq!(e.body.len() as u64, POSTED);
    assert!(
        e.body == pattern_vec(POSTED as usize),
        "the body's bytes differ"
    );
    server.stop();
}

/// Six requests on one client connection, reusable after each.
fn keep_alive_reuse<C: ClientUnderTest, S: Mount>() {
    let server = S::start(
        App::Echo,
        TestConfig {
            // A reconnecting client could not get a second connection.
            max_connections: 1,
            ..TestConfig::default()
        },
    );
    let got = C::exchange(server.addr, 6);
    for (i, (res, body, reusable)) in got.iter().enumerate() {
        let e = check_echo(i, server.addr, res, body);
        if i % 2 == 1 {
            assert!(e.body == pattern_vec(POSTED as usize), "request {i}'s body");
        }
        assert!(*reusable, "request {i}: the client is not reusable");
    }
    server.stop();
}

macro_rules! cross {
    ($($pair:ident: $client:ty, $server:ty;)*) => {
        $(
            mod $pair {
                use super::*;

                #[test]
                fn get() {
                    super::get::<$client, $server>();
                }

                #[test]
                fn post_streamed() {
                    super::post_streamed::<$client, $server>();
                }

                #[test]
                fn keep_alive_reuse() {
                    super::keep_alive_reuse::<$client, $server>();
                }
            }
        )*
    };
}

cross! {
    tokio_client_tokio_server: TokioClient, conformance::mount_tokio::Tokio;
    tokio_client_smol_server: TokioClient, conformance::mount_smol::Smol;
    tokio_client_blocking_server: TokioClient, conformance::mount_blocking::Blocking;
    smol_client_tokio_server: SmolClient, conformance::mount_tokio::Tokio;
    smol_client_smol_server: SmolClient, conformance::mount_smol::Smol;
    smol_client_blocking_server: SmolClient, conformance::mount_blocking::Blocking;
    blocking_client_tokio_server: BlockingClient, conformance::mount_tokio::Tokio;
    blocking_client_smol_server: BlockingClient, conformance::mount_smol::Smol;
    blocking_client_blocking_server: BlockingClient, conformance::mount_blocking::Blocking;
}

/// Bytes the server sent before a request was made (here a second response, in the same
/// write as the first) are never taken for that request's response: the connection is not
/// reused.
fn unsolicited<C: ClientUnderTest>() {
    let addr = answering_once(
        b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokHTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nBAD",
    );
    let req = Request::get(format!("http://{addr}/"))
        .body(())
        .expect("request");
    let (status, read, again) = C::switch_then_again(addr, req);
    assert_eq!((status, read), (200, Ok(2)));
    assert!(again.is_err_and(|e| e.contains("closed")));
}

/// What the server of an upload does once it has its head.
#[derive(Clone, Copy, Debug)]
enum Early {
    /// Answers 413, shuts its side down, reads a little of the body and closes with the
    /// rest unread (the client's write then fails: a reset, or a broken pipe).
    Answer,
    /// The same without the answer.
    Silent,
    /// Answers 413 and reads nothing more, holding the connection open (the client's write
    /// then times out).
    AnswerAndStall,
    /// The same without the answer.
    Stall,
}

/// The early answer: its status says close, and the client must see it whole.
const EARLY_ANSWER: &[u8] =
    b"HTTP/1.1 413 Content Too Large\r\nContent-Length: 5\r\nConnection: close\r\n\r\nlarge";

/// A server of one upload, treated as `how` says; it holds a stalled connection until told
/// on the sender it returns (at most 60 s), and its thread says whether it let go of the
/// connection on its own before it was told.
fn early(how: Early) -> (SocketAddr, Sender<()>, JoinHandle<bool>) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().expect("addr");
    let (done, told) = std::sync::mpsc::channel();
    let server = std::thread::spawn(move || {
        let (mut s, _) = listener.accept().expect("accept");
        workspace_tests::read_head(&mut s);
        if matches!(how, Early::Answer | Early::AnswerAndStall) {
            s.write_all(EARLY_ANSWER).expect("the answer");
        }
        match how {
            Early::Answer | Early::Silent => {
                let _ = s.shutdown(Shutdown::Write);
                let mut bit = [0; 1024];
                let _ = s.read(&mut bit);
                false
            }
            Early::AnswerAndStall | Early::Stall => told
                .recv_timeout(Duration::from_secs(60))
                .is_err_and(|e| e == RecvTimeoutError::Timeout),
        }
    });
    (addr, done, server)
}

/// RFC 9112 §9.5: a server that answers before it has read the request's body (a 413 that
/// says close) and then closes or stops reading makes the client's write fail; the client
/// stops sending and returns that answer, not the write's error. When no answer came, the
/// client fails with the write's error, and does not wait for the server to let go.
fn early_answer<C: ClientUnderTest>() {
    for upload in Upload::ALL {
        for how in [Early::Answer, Early::AnswerAndStall] {
            let (addr, done, server) = early(how);
            let got = C::upload(addr, upload, UPLOAD_CONFIG.0);
            let _ = done.send(());
            assert_eq!(got, Ok((413, b"large".to_vec())), "{how:?}, {upload:?}");
            assert!(!server.join().expect("server"), "{how:?}");
        }
        for (how, error) in [(Early::Silent, "i/o error"), (Early::Stall, "timed out")] {
            let (addr, done, server) = early(how);
            let got = C::upload(addr, upload, UPLOAD_CONFIG.0);
            let _ = done.send(());
            assert!(
                got.as_ref().is_err_and(|e| e.contains(error)),
                "{how:?}, {upload:?}: {got:?}"
            );
            assert!(
                !server.join().expect("server"),
                "{how:?}, {upload:?}: the client waited for the server to let go"
            );
        }
    }
}

/// RFC 9112 §9.5: a client that sends a body watches for a response meanwhile, and stops
/// sending once one says the server does not want the body and closes: the 413 of a server
/// that then reads nothing more comes back at once, not when the write times out (30 s
/// here), and neither the client nor the server waits for the other.
fn an_early_answer_stops_the_upload<C: ClientUnderTest>() {
    for upload in Upload::ALL {
        let (addr, done, server) = early(Early::AnswerAndStall);
        let started = Instant::now();
        let got = C::upload(addr, upload, Duration::from_secs(30));
        let took = started.elapsed();
        let _ = done.send(());
        assert_eq!(got, Ok((413, b"large".to_vec())), "{upload:?}");
        assert!(
            took < Duration::from_secs(10),
            "{upload:?}: the answer took {took:?}"
        );
        assert!(!server.join().expect("server"));
    }
}

/// A server of one upload that answers `answer` as soon as it has the head, then reads
/// nothing more, holding the connection until told on the sender it returns (at most 60 s).
fn answer_then_stall(answer: &'static [u8]) -> (SocketAddr, Sender<()>, JoinHandle<()>) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().expect("addr");
    let (done, told) = std::sync::mpsc::channel::<()>();
    let server = std::thread::spawn(move || {
        let (mut s, _) = listener.accept().expect("accept");
        workspace_tests::read_head(&mut s);
        s.write_all(answer).expect("the answer");
        let _ = told.recv_timeout(Duration::from_secs(60));
    });
    (addr, done, server)
}

/// `f` on a thread of its own, or `Err` if it has not returned within 30 s (a hang).
fn within_30s<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> Result<T, String> {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(f());
    });
    rx.recv_timeout(Duration::from_secs(30))
        .map_err(|_| "no outcome within 30 s".to_owned())
}

/// An answer that does not refuse the body (a success from a server that closes, an error
/// on a connection kept, an HTTP/1.0 one), from a server that then reads nothing more: the
/// client sends on until its write times out, and returns the answer it read meanwhile;
/// neither loses it nor waits without end.
fn an_answer_read_during_an_upload_outlives_its_write_timeout<C: ClientUnderTest>() {
    let answers: [(&'static [u8], u16); 3] = [
        (
            b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok",
            200,
        ),
        (
            b"HTTP/1.1 413 Content Too Large\r\nContent-Length: 2\r\n\r\nok",
            413,
        ),
        (b"HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok", 200),
    ];
    for (answer, status) in answers {
        for upload in Upload::ALL {
            let (addr, done, server) = answer_then_stall(answer);
            let got = within_30s(move || C::upload(addr, upload, UPLOAD_CONFIG.0));
            let _ = done.send(());
            assert_eq!(
                got,
                Ok(Ok((status, b"ok".to_vec()))),
                "{}, {upload:?}",
                String::from_utf8_lossy(answer)
            );
            server.join().expect("server");
        }
    }
}

/// A tokio socket stays readable after a read that filled all it was lent: an upload after
/// a response of exactly the engine's first read (1 KiB) must not take that for the
/// server's answer and wait for it, which stopped the writing (the server, which reads the
/// body after a second, then waited for bytes that never came).
#[test]
fn an_upload_after_a_response_that_filled_a_read_goes_on() {
    use http_body_util::BodyExt;
    fn server() -> (SocketAddr, JoinHandle<usize>) {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let addr = listener.local_addr().expect("addr");
        let server = std::thread::spawn(move || {
            let (mut s, _) = listener.accept().expect("accept");
            workspace_tests::read_head(&mut s);
            let head = "HTTP/1.1 200 OK\r\nContent-Length: 0983\r\n\r\n";
            let mut first = head.as_bytes().to_vec();
            first.resize(1024, b'a');
            s.write_all(&first).expect("first answer");
            workspace_tests::read_head(&mut s);
            std::thread::sleep(Duration::from_secs(1));
            s.set_read_timeout(Some(Duration::from_secs(10)))
                .expect("timeout");
            let (mut got, mut buf) = (0, vec![0; 1 << 16]);
            while got < UPLOAD_SMALL {
                match s.read(&mut buf) {
                    Ok(0) | Err(_) => return got,
                    Ok(n) => got += n,
                }
            }
            let _ = s.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
            got
        });
        (addr, server)
    }
    const UPLOAD_SMALL: usize = 8 << 20;
    let (addr, server) = server();
    let got = within_30s(move || {
        tokio_block(async move {
            let mut client = driver_tokio::Client::connect(addr, driver_tokio::Config::default())
                .await
                .map_err(|e| e.to_string())?;
            let get = Request::get(format!("http://{addr}/"))
                .body(http_body_util::Empty::<Bytes>::new())
                .expect("request");
            let res = client.send(get).await.map_err(|e| e.to_string())?;
            let first = res.into_body().collect().await.map_err(|e| e.to_string())?;
            assert_eq!(first.to_bytes().len(), 983);
            let put = Request::put(format!("http://{addr}/up"))
                .body(http_body_util::Full::new(Bytes::from(vec![
                    0;
                    UPLOAD_SMALL
                ])))
                .expect("request");
            let res = client.send(put).await.map_err(|e| e.to_string())?;
            let status = res.status().as_u16();
            let body = res.into_body().collect().await.map_err(|e| e.to_string())?;
            Ok::<_, String>((status, body.to_bytes().to_vec()))
        })
    });
    assert_eq!(got, Ok(Ok((200, b"ok".to_vec()))));
    assert_eq!(server.join().expect("server"), UPLOAD_SMALL);
}

/// A listener whose accept queue is full (a backlog of 0, with one connection waiting in
/// it): a further connect waits as long as the kernel retries, minutes. Kept with the
/// connection that fills it.
fn full_listener() -> (TcpListener, Vec<std::net::TcpStream>) {
    let listener = tokio_block(async {
        let socket = tokio::net::TcpSocket::new_v4().expect("socket");
        socket
            .bind("127.0.0.1:0".parse().expect("addr"))
            .expect("bind");
        socket.listen(0).expect("listen").into_std().expect("std")
    });
    let addr = listener.local_addr().expect("addr");
    let fill = (0..2)
        .filter_map(|_| {
            std::net::TcpStream::connect_timeout(&addr, Duration::from_millis(200)).ok()
        })
        .collect();
    (listener, fill)
}

/// What a client's connect to a full listener ends with, with a connect timeout of 300 ms
/// (`connect` is the client's, given the address and that configuration).
fn connect_to_full<T>(connect: impl FnOnce(SocketAddr, Duration) -> std::io::Result<T>) {
    let (listener, _fill) = full_listener();
    let addr = listener.local_addr().expect("addr");
    let start = Instant::now();
    let Err(e) = connect(addr, Duration::from_millis(300)) else {
        panic!("connected to a full listener");
    };
    assert_eq!(e.kind(), std::io::ErrorKind::TimedOut, "{e}");
    // Far sooner than the kernel gives up (over a minute).
    assert!(
        start.elapsed() < Duration::from_secs(20),
        "{:?}",
        start.elapsed()
    );
}

#[test]
fn a_tokio_client_s_connect_is_bounded() {
    connect_to_full(|addr, timeout| {
        let mut config = driver_tokio::Config::default();
        config.connect_timeout = timeout;
        tokio_block(driver_tokio::Client::connect(addr, config))
    });
}

#[test]
fn a_smol_client_s_connect_is_bounded() {
    connect_to_full(|addr, timeout| {
        let mut config = driver_smol::Config::default();
        config.connect_timeout = timeout;
        smol::block_on(driver_smol::Client::connect(addr, config))
    });
}

#[test]
fn a_blocking_client_s_connect_is_bounded() {
    connect_to_full(|addr, timeout| {
        let mut config = driver_blocking::Config::default();
        config.connect_timeout = timeout;
        driver_blocking::Client::connect(addr, config)
    });
}

/// The two pieces of a gated upload's body (see `gated_upload`).
const GATED: [&[u8]; 2] = [b"first piece;", b"second piece"];

/// A streamed async body: `first`, then, once `gate` opens (or is dropped), `second`, then
/// its end once `end` opens.
struct Gated {
    first: Option<Bytes>,
    gate: Option<tokio::sync::oneshot::Receiver<()>>,
    second: Option<Bytes>,
    end: Option<tokio::sync::oneshot::Receiver<()>>,
}

impl http_body::Body for Gated {
    type Data = Bytes;
    type Error = std::io::Error;

    fn poll_frame(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Result<http_body::Frame<Bytes>, std::io::Error>>> {
        use std::task::Poll;
        if let Some(first) = self.first.take() {
            return Poll::Ready(Some(Ok(http_body::Frame::data(first))));
        }
        if let Some(gate) = &mut self.gate {
            if std::pin::Pin::new(gate).poll(cx).is_pending() {
                return Poll::Pending;
            }
            self.gate = None;
        }
        if let Some(second) = self.second.take() {
            return Poll::Ready(Some(Ok(http_body::Frame::data(second))));
        }
        if let Some(end) = &mut self.end {
            if std::pin::Pin::new(end).poll(cx).is_pending() {
                return Poll::Pending;
            }
            self.end = None;
        }
        Poll::Ready(None)
    }
}

/// [`Gated`] for the blocking client: a reader that waits on the gate between the pieces.
struct GatedReader(usize, Receiver<()>);

impl Read for GatedReader {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        self.0 += 1;
        let piece = match self.0 {
            1 => GATED[0],
            2 => {
                let _ = self.1.recv_timeout(Duration::from_secs(20));
                GATED[1]
            }
            _ => {
                std::thread::sleep(Duration::from_millis(200));
                return Ok(0);
            }
        };
        buf[..piece.len()].copy_from_slice(piece);
        Ok(piece.len())
    }
}

/// Reads from `s` until `pattern` has come (or the end, or `wait` without a byte):
/// everything read.
fn read_within(s: &mut std::net::TcpStream, pattern: &[u8], wait: Duration) -> Vec<u8> {
    let _ = s.set_read_timeout(Some(wait));
    let mut got = Vec::new();
    let mut buf = [0; 4096];
    while !got.windows(pattern.len()).any(|w| w == pattern) {
        match s.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => got.extend_from_slice(&buf[..n]),
        }
    }
    got
}

/// A streamed body's first piece goes out while the body waits for its next: the server has
/// it (and opens the gate for the second) long before the body ends. (If it were held until
/// the body ended, the server would answer 500 after 5 s, before the body's own wait for
/// the gate is over.)
fn the_first_piece_goes_before_the_body_ends<C: ClientUnderTest>() {
    let (open, gate) = std::sync::mpsc::channel();
    let addr = serve_once(move |mut s| {
        let early = read_within(&mut s, GATED[0], Duration::from_secs(5));
        let seen = early.windows(GATED[0].len()).any(|w| w == GATED[0]);
        let _ = open.send(());
        let _ = read_within(&mut s, b"0\r\n\r\n", Duration::from_secs(20));
        let answer: &[u8] = if seen {
            b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"
        } else {
            b"HTTP/1.1 500 Late\r\nContent-Length: 4\r\n\r\nlate"
        };
        let _ = s.write_all(answer);
        std::thread::sleep(Duration::from_secs(1));
    });
    assert_eq!(C::gated_upload(addr, gate), Ok((200, b"ok".to_vec())));
}

/// A server that answers before the body's end and closes: the rest of the body goes to a
/// closed socket (which answers it with a reset), its end then fails to go (at the client's
/// last write), and the client returns the answer rather than that failure.
fn an_answer_before_the_last_write_fails_is_returned<C: ClientUnderTest>() {
    let (open, gate) = std::sync::mpsc::channel();
    let addr = serve_once(move |mut s| {
        let _ = read_within(&mut s, GATED[0], Duration::from_secs(5));
        let _ = s.write_all(
            b"HTTP/1.1 413 Content Too Large\r\nContent-Length: 5\r\nConnection: close\r\n\r\nlarge",
        );
        drop(s);
        std::thread::sleep(Duration::from_millis(100));
        let _ = open.send(());
    });
    assert_eq!(C::gated_upload(addr, gate), Ok((413, b"large".to_vec())));
}

/// A server that, while the connection is idle between requests, sends a response nobody
/// asked for, or closes: the next request fails with `Closed` (the connection is not
/// reused), never taking those bytes for its response.
fn nothing_said_on_an_idle_connection_is_taken_for_a_response<C: ClientUnderTest>() {
    for close in [false, true] {
        let (said, ready) = std::sync::mpsc::channel();
        let addr = serve_once(move |mut s| {
            let _ = read_within(&mut s, b"\r\n\r\n", Duration::from_secs(20));
            let _ = s.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
            std::thread::sleep(Duration::from_millis(100));
            if close {
                drop(s);
                let _ = said.send(());
                return;
            }
            let _ = s.write_all(b"HTTP/1.1 203 Fake\r\nContent-Length: 5\r\n\r\nfake!");
            let _ = said.send(());
            let _ = read_within(&mut s, b"\r\n\r\n", Duration::from_secs(20));
            std::thread::sleep(Duration::from_secs(1));
        });
        let (first, reusable, again) = C::again_after_idle(addr, ready);
        assert_eq!(first, Ok(200), "close: {close}");
        assert!(!reusable, "close: {close}: said reusable");
        assert!(
            again.as_ref().is_err_and(|e| e.contains("closed")),
            "close: {close}: {again:?}"
        );
    }
}

/// What a body's reader is told after the next request went out.
const HELLO: &[u8] = b"hello";

/// A body whose reader had all its content, but not yet its end, when the next request
/// went out: its end is not taken for a discarded rest. The reader sees the body end (with
/// its trailers), whichever came first, the end or the next request (tried a few times, as
/// which comes first depends on timing in the async clients); so does the reader of an
/// earlier body, whose end was taken so before.
fn a_body_read_whole_ends_cleanly_after_the_next_request<C: ClientUnderTest>() {
    for (framing, trailers) in [
        (&b"Content-Length: 5\r\n\r\nhello"[..], false),
        (
            &b"Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\nX-T: 1\r\n\r\n"[..],
            true,
        ),
    ] {
        for round in 0..10 {
            let addr = serve_once(move |mut s| {
                for _ in 0..3 {
                    let _ = read_within(&mut s, b"\r\n\r\n", Duration::from_secs(20));
                    let _ = s.write_all(&[&b"HTTP/1.1 200 OK\r\n"[..], framing].concat());
                }
                std::thread::sleep(Duration::from_millis(500));
            });
            let (bodies, third) = C::read_on_after_the_next(addr);
            let whole = Ok((HELLO.to_vec(), trailers));
            assert_eq!(
                bodies,
                [whole.clone(), whole],
                "trailers: {trailers}, round {round}"
            );
            assert_eq!(third, Ok(200), "trailers: {trailers}, round {round}");
        }
    }
}

/// A request the client cannot send leaves the connection as it was; after a switch, a
/// request is refused and the connection is still there to be taken.
fn misuse_leaves_the_connection<C: ClientUnderTest>() {
    let addr = talking_once(
        b"HTTP/1.1 101 Switching Protocols\r\nConnection: upgrade\r\nUpgrade: x\r\n\r\nnew-proto",
    );
    let req = Request::get(format!("http://{addr}/"))
        .header("connection", "upgrade")
        .header("upgrade", "x")
        .body(())
        .expect("request");
    assert_eq!(C::misuse_around_a_switch(addr, req), (true, true, true));
}

/// An upload of known length to a server that reads it steadily but slowly, taking longer
/// than `response_wait` in all: that wait counts from the body's end, so the answer that
/// follows is returned.
fn a_slow_steady_reader_gets_an_upload_whole<C: ClientUnderTest>() {
    let addr = serve_once(move |mut s| {
        let head = read_within(&mut s, b"\r\n\r\n", Duration::from_secs(20));
        let at = head
            .windows(4)
            .position(|w| w == b"\r\n\r\n")
            .map_or(0, |i| i + 4);
        let mut got = (head.len() - at) as u64;
        let mut buf = vec![0; 256 << 10];
        // 256 KiB every 25 ms: 6.4 s for the body, well past the client's 2 s wait for a
        // response, and never a wait near its 1 s write timeout.
        while got < UPLOAD {
            std::thread::sleep(Duration::from_millis(25));
            match s.read(&mut buf) {
                Ok(0) | Err(_) => return,
                Ok(n) => got += n as u64,
            }
        }
        let _ = s.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\ngot");
        std::thread::sleep(Duration::from_secs(1));
    });
    assert_eq!(
        C::upload(addr, Upload::Whole, UPLOAD_CONFIG.0),
        Ok((200, b"got".to_vec()))
    );
}

/// Each check, on every driver's client: a module of three tests named after the check.
macro_rules! on_every_client {
    ($($check:ident),* $(,)?) => {$(
        mod $check {
            #[test]
            fn tokio() {
                super::$check::<super::TokioClient>();
            }

            #[test]
            fn smol() {
                super::$check::<super::SmolClient>();
            }

            #[test]
            fn blocking() {
                super::$check::<super::BlockingClient>();
            }
        }
    )*};
}

on_every_client!(
    talks_after_a_switch,
    switched,
    unread,
    unanswered,
    unsolicited,
    early_answer,
    an_early_answer_stops_the_upload,
    an_answer_read_during_an_upload_outlives_its_write_timeout,
    the_first_piece_goes_before_the_body_ends,
    an_answer_before_the_last_write_fails_is_returned,
    nothing_said_on_an_idle_connection_is_taken_for_a_response,
    a_body_read_whole_ends_cleanly_after_the_next_request,
    misuse_leaves_the_connection,
    a_slow_steady_reader_gets_an_upload_whole,
);
