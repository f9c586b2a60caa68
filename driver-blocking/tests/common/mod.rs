//! What the tests share: a server on a thread of its own, and a raw client that writes exact
//! bytes and reads responses with a reader of its own.

#![allow(dead_code, unreachable_pub)]

use driver_blocking::{Body, BoxError, Config, Incoming, Server, Shutdown};
use std::io::{self, ErrorKind, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// How long anything may take before a test fails instead of hanging.
pub const SAFETY: Duration = Duration::from_secs(5);

/// A configuration with timeouts short enough for tests.
pub fn config() -> Config {
    let mut c = Config::default();
    c.engine.timeouts.header_read = Some(Duration::from_secs(5));
    c.engine.timeouts.idle = Some(Duration::from_secs(5));
    c.engine.timeouts.body_read = Some(Duration::from_secs(5));
    c.max_connections = 16;
    c.shutdown_timeout = Duration::from_secs(5);
    c.write_timeout = Duration::from_secs(5);
    // The echo handler reports the head as received.
    c.raw_head = true;
    c
}

/// A server serving on its own thread.
pub struct Running {
    pub addr: SocketAddr,
    pub shutdown: Shutdown,
    thread: Option<JoinHandle<io::Result<()>>>,
}

/// Starts `handler` on `127.0.0.1:0`.
pub fn start<H>(config: Config, handler: H) -> Running
where
    H: Fn(http::Request<Incoming>) -> Result<http::Response<Body>, BoxError>
        + Send
        + Sync
        + 'static,
{
    let server = Server::bind("127.0.0.1:0", config).expect("bind");
    let addr = server.local_addr().expect("local address");
    let shutdown = server.shutdown_handle();
    let thread = std::thread::spawn(move || server.serve(handler));
    Running {
        addr,
        shutdown,
        thread: Some(thread),
    }
}

impl Running {
    /// Waits up to `within` for `serve` to return; returns how long it took.
    #[track_caller]
    pub fn join(&mut self, within: Duration) -> Duration {
        let thread = self.thread.take().expect("joined once");
        let start = Instant::now();
        while !thread.is_finished() {
            assert!(
                start.elapsed() < within,
                "serve did not return in {within:?}"
            );
            std::thread::sleep(Duration::from_millis(5));
        }
        thread
            .join()
            .expect("serve panicked")
            .expect("serve failed");
        start.elapsed()
    }

    /// Shuts down and waits for `serve` to return: well before the grace period of
    /// [`config`] ends, as every connection left is idle or finishing and closes at once.
    #[track_caller]
    pub fn stop(mut self) {
        self.shutdown.shutdown();
        self.join(Duration::from_secs(2));
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        self.shutdown.shutdown();
    }
}

/// A response as read off the wire.
#[derive(Debug)]
pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    pub chunked: bool,
    pub trailers: Vec<(String, String)>,
}

impl Response {
    pub fn header(&self, name: &str) -> Option<&str> {
        find(&self.headers, name)
    }

    pub fn trailer(&self, name: &str) -> Option<&str> {
        find(&self.trailers, name)
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    pub fn says_close(&self) -> bool {
        self.header("connection")
            .is_some_and(|v| v.eq_ignore_ascii_case("close"))
    }
}

fn find<'a>(fields: &'a [(String, String)], name: &str) -> Option<&'a str> {
    fields
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

/// A raw connection to a server.
pub struct Wire {
    pub stream: TcpStream,
    buf: Vec<u8>,
}

impl Wire {
    #[track_caller]
    pub fn connect(addr: SocketAddr) -> Self {
        let stream = TcpStream::connect(addr).expect("connect");
        stream.set_read_timeout(Some(SAFETY)).expect("timeout");
        Self {
            stream,
            buf: Vec::new(),
        }
    }

    #[track_caller]
    pub fn send(&mut self, bytes: impl AsRef<[u8]>) {
        self.stream.write_all(bytes.as_ref()).expect("send");
    }

    /// Reads more bytes; `Ok(0)` at the end of input.
    fn fill(&mut self) -> io::Result<usize> {
        let mut chunk = [0u8; 16 * 1024];
        let n = self.stream.read(&mut chunk)?;
        self.buf.extend_from_slice(&chunk[..n]);
        Ok(n)
    }

    /// Reads through the next CRLF-ended line.
    fn line(&mut self) -> io::Result<String> {
        loop {
            if let Some(at) = self.buf.windows(2).position(|w| w == b"\r\n") {
                let line = String::from_utf8_lossy(&self.buf[..at]).into_owned();
                self.buf.drain(..at + 2);
                return Ok(line);
            }
            if self.fill()? == 0 {
                return Err(ErrorKind::UnexpectedEof.into());
            }
        }
    }

    fn take(&mut self, n: usize) -> io::Result<Vec<u8>> {
        while self.buf.len() < n {
            if self.fill()? == 0 {
                return Err(ErrorKind::UnexpectedEof.into());
            }
        }
        Ok(self.buf.drain(..n).collect())
    }

    fn fields(&mut self) -> io::Result<Vec<(String, String)>> {
        let mut fields = Vec::new();
        loop {
            let line = self.line()?;
            if line.is_empty() {
                return Ok(fields);
            }
            let (n, v) = line.split_once(':').expect("a field line");
            fields.push((n.to_owned(), v.trim().to_owned()));
        }
    }

    /// Reads one response (an interim one too); `head` says whether it answers HEAD.
    pub fn try_read(&mut self) -> io::Result<Response> {
        let status_line = self.line()?;
        let status = status_line
            .split(' ')
            .nth(1)
            .and_then(|s| s.parse().ok())
            .expect("a status line");
        let headers = self.fields()?;
        let mut res = Response {
            status,
            headers,
            body: Vec::new(),
            chunked: false,
            trailers: Vec::new(),
        };
        if (100..200).contains(&status) || status == 204 || status == 304 {
            return Ok(res);
        }
        if res
            .header("transfer-encoding")
            .is_some_and(|te| te.contains("chunked"))
        {
            res.chunked = true;
            loop {
                let size = self.line()?;
                let size = usize::from_str_radix(size.split(';').next().unwrap().trim(), 16)
                    .expect("a chunk size");
                if size == 0 {
                    res.trailers = self.fields()?;
                    return Ok(res);
                }
                res.body.extend(self.take(size)?);
                assert_eq!(self.take(2)?, b"\r\n");
            }
        }
        if let Some(len) = res.header("content-length") {
            let len = len.parse().expect("a content length");
            res.body = self.take(len)?;
            return Ok(res);
        }
        while self.fill()? > 0 {}
        res.body = std::mem::take(&mut self.buf);
        Ok(res)
    }

    #[track_caller]
    pub fn read(&mut self) -> Response {
        self.try_read().expect("a response")
    }

    /// Exactly `n` raw bytes.
    #[track_caller]
    pub fn read_raw(&mut self, n: usize) -> Vec<u8> {
        self.take(n).expect("raw bytes")
    }

    /// Asserts the server closes the connection (end of input or a reset) with nothing more
    /// sent.
    #[track_caller]
    pub fn expect_closed(&mut self) {
        match self.fill() {
            Ok(0) => assert!(
                self.buf.is_empty(),
                "bytes before the close: {:?}",
                self.buf
            ),
            Ok(_) => panic!(
                "expected the close, got {:?}",
                String::from_utf8_lossy(&self.buf)
            ),
            Err(e) if e.kind() == ErrorKind::ConnectionReset => {}
            Err(e) => panic!("expected the close, got {e}"),
        }
    }

    /// Whether nothing arrives for `d`.
    pub fn quiet_for(&mut self, d: Duration) -> bool {
        self.stream.set_read_timeout(Some(d)).expect("timeout");
        let quiet = matches!(self.fill(), Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut));
        self.stream.set_read_timeout(Some(SAFETY)).expect("timeout");
        quiet
    }
}

/// A response with a body in memory and its Content-Length.
pub fn full(status: u16, body: impl Into<Vec<u8>>) -> http::Response<Body> {
    let body = body.into();
    http::Response::builder()
        .status(status)
        .header("content-length", body.len())
        .body(Body::from(body))
        .expect("response")
}

pub fn get(target: &str) -> String {
    format!("GET {target} HTTP/1.1\r\nHost: test\r\n\r\n")
}

pub fn post(target: &str, body: &str) -> String {
    format!(
        "POST {target} HTTP/1.1\r\nHost: test\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
}

/// The echo handler: `METHOD TARGET` from the raw head, the raw header names in order, then
/// the body.
pub fn echo(mut req: http::Request<Incoming>) -> Result<http::Response<Body>, BoxError> {
    let raw = req
        .extensions()
        .get::<http_core::RequestHead>()
        .cloned()
        .ok_or("no raw head")?;
    let mut body = Vec::new();
    req.body_mut().read_to_end(&mut body)?;
    let names: Vec<String> = raw
        .headers
        .iter()
        .map(|(n, _)| String::from_utf8_lossy(n).into_owned())
        .collect();
    let mut out = format!(
        "{} {}\n{}\n",
        String::from_utf8_lossy(&raw.method),
        String::from_utf8_lossy(&raw.target),
        names.join(",")
    )
    .into_bytes();
    out.extend_from_slice(&body);
    let mut res = full(200, out);
    if let Some(t) = req.body().trailers() {
        for (n, v) in t {
            res.headers_mut().append(n, v.clone());
        }
    }
    Ok(res)
}

impl Wire {
    /// Whether a connection to `addr` is refused, or accepted and never answered.
    pub fn connect_failing(addr: SocketAddr) -> bool {
        let Ok(stream) = TcpStream::connect(addr) else {
            return true;
        };
        let _ = stream.set_read_timeout(Some(Duration::from_millis(300)));
        let mut w = Self {
            stream,
            buf: Vec::new(),
        };
        let _ = w.stream.write_all(get("/late").as_bytes());
        w.try_read().is_err()
    }
}
