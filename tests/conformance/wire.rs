//! A raw HTTP/1.1 client over `std::net::TcpStream`: writes exact bytes and reads responses
//! with a small reader of its own, independent of the engine under test (so a bug the engine
//! shares between its two roles cannot hide itself).
//!
//! The reader frames bodies by RFC 9112 §6.3: no body for 1xx, 204, 304 and responses to HEAD;
//! chunked (with trailers); Content-Length; otherwise until the close.

use std::io::{self, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpStream};
use std::time::{Duration, Instant};

/// How long any single read may wait before the check fails: a safety net, far above what a
/// passing check needs.
pub(crate) const SAFETY: Duration = Duration::from_secs(10);

/// One received response.
#[derive(Clone, PartialEq, Eq)]
pub(crate) struct Response {
    /// The status code.
    pub(crate) status: u16,
    /// The version on the status line, e.g. `HTTP/1.1`.
    pub(crate) version: String,
    /// The header section, in order.
    pub(crate) headers: Vec<(String, Vec<u8>)>,
    /// The body, de-chunked.
    pub(crate) body: Vec<u8>,
    /// The trailer section (chunked bodies only).
    pub(crate) trailers: Vec<(String, Vec<u8>)>,
    /// Whether the body was chunked.
    pub(crate) chunked: bool,
}

impl std::fmt::Debug for Response {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let lossy = |h: &[(String, Vec<u8>)]| {
            h.iter()
                .map(|(n, v)| format!("{n}: {}", String::from_utf8_lossy(v)))
                .collect::<Vec<_>>()
        };
        let body = if self.body.len() > 512 {
            format!("<{} bytes>", self.body.len())
        } else {
            String::from_utf8_lossy(&self.body).into_owned()
        };
        f.debug_struct("Response")
            .field("status", &self.status)
            .field("version", &self.version)
            .field("headers", &lossy(&self.headers))
            .field("body", &body)
            .field("trailers", &lossy(&self.trailers))
            .field("chunked", &self.chunked)
            .finish()
    }
}

impl Response {
    /// The first value of the header `name` (case-insensitive), as text.
    pub(crate) fn header(&self, name: &str) -> Option<&str> {
        find(&self.headers, name)
    }

    /// The first value of the trailer `name` (case-insensitive), as text.
    pub(crate) fn trailer(&self, name: &str) -> Option<&str> {
        find(&self.trailers, name)
    }

    /// Whether the `Connection` header lists `close`.
    pub(crate) fn says_close(&self) -> bool {
        self.headers.iter().any(|(n, v)| {
            n.eq_ignore_ascii_case("connection")
                && String::from_utf8_lossy(v)
                    .split(',')
                    .any(|t| t.trim().eq_ignore_ascii_case("close"))
        })
    }

    /// The body as text.
    pub(crate) fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// The body decoded as an echo.
    #[track_caller]
    pub(crate) fn echo(&self) -> super::echo::Echo {
        assert_eq!(self.status, 200, "an echo is a 200: {self:?}");
        super::echo::Echo::parse(&self.body)
    }
}

fn find<'a>(h: &'a [(String, Vec<u8>)], name: &str) -> Option<&'a str> {
    h.iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .and_then(|(_, v)| std::str::from_utf8(v).ok())
}

/// Why a response could not be read.
#[derive(Debug)]
pub(crate) enum ReadError {
    /// The peer closed; `partial` holds the bytes of the unfinished response (empty if the
    /// close came between responses).
    Closed {
        /// The bytes received of the response that did not finish.
        partial: Vec<u8>,
    },
    /// Nothing came for the read timeout.
    Timeout,
    /// Another I/O error (a reset, for example).
    Io(io::Error),
    /// The bytes were not a valid response.
    Invalid(String),
}

/// A raw connection to the server under test.
#[derive(Debug)]
pub(crate) struct Wire {
    stream: TcpStream,
    /// Received bytes not yet consumed by the reader.
    buf: Vec<u8>,
    /// Whether the server closed its side.
    eof: bool,
}

impl Wire {
    /// Connects, with the safety read timeout.
    #[track_caller]
    /// The client's own address.
    pub(crate) fn local_addr(&self) -> SocketAddr {
        self.stream.local_addr().expect("local address")
    }

    pub(crate) fn connect(addr: SocketAddr) -> Self {
        Self::try_connect(addr).unwrap_or_else(|e| panic!("connect {addr}: {e}"))
    }

    /// Connects, with the safety read timeout, reporting failure.
    pub(crate) fn try_connect(addr: SocketAddr) -> io::Result<Self> {
        let stream = TcpStream::connect(addr)?;
        stream.set_nodelay(true)?;
        stream.set_read_timeout(Some(SAFETY))?;
        stream.set_write_timeout(Some(SAFETY))?;
        Ok(Self {
            stream,
            buf: Vec::new(),
            eof: false,
        })
    }

    /// The socket, for writing from another thread (`try_clone`) or shutting down.
    pub(crate) fn stream(&self) -> &TcpStream {
        &self.stream
    }

    /// Writes all of `bytes`.
    #[track_caller]
    pub(crate) fn send(&mut self, bytes: impl AsRef<[u8]>) {
        self.stream.write_all(bytes.as_ref()).expect("write");
    }

    /// Writes `bytes`, reporting failure instead of panicking.
    pub(crate) fn try_send(&mut self, bytes: impl AsRef<[u8]>) -> io::Result<()> {
        self.stream.write_all(bytes.as_ref())
    }

    /// Shuts down the write side: the server reads the end of input.
    pub(crate) fn shutdown_write(&self) {
        let _ = self.stream.shutdown(Shutdown::Write);
    }

    /// Sets the read timeout for the reads that follow.
    pub(crate) fn set_read_timeout(&self, d: Duration) {
        self.stream.set_read_timeout(Some(d)).expect("read timeout");
    }

    /// Reads more bytes into the buffer; `Ok(false)` at the end of input.
    fn fill(&mut self) -> Result<bool, ReadError> {
        if self.eof {
            return Ok(false);
        }
        let mut chunk = [0u8; 64 * 1024];
        loop {
            match self.stream.read(&mut chunk) {
                Ok(0) => {
                    self.eof = true;
                    return Ok(false);
                }
                Ok(n) => {
                    self.buf.extend_from_slice(&chunk[..n]);
                    return Ok(true);
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e)
                    if matches!(
                        e.kind(),
                        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
                    ) =>
                {
                    return Err(ReadError::Timeout);
                }
                Err(e) => return Err(ReadError::Io(e)),
            }
        }
    }

    /// Ensures at least `n` bytes are buffered.
    fn need(&mut self, n: usize, consumed: &[u8]) -> Result<(), ReadError> {
        while self.buf.len() < n {
            if !self.fill()? {
                let mut partial = consumed.to_vec();
                partial.extend_from_slice(&self.buf);
                return Err(ReadError::Closed { partial });
            }
        }
        Ok(())
    }

    /// Takes one CRLF-terminated line (without the CRLF).
    fn line(&mut self, consumed: &mut Vec<u8>) -> Result<Vec<u8>, ReadError> {
        let mut from = 0;
        loop {
            if let Some(i) = self.buf[from..].windows(2).position(|w| w == b"\r\n") {
                let end = from + i;
                let line = self.buf[..end].to_vec();
                consumed.extend(self.buf.drain(..end + 2));
                return Ok(line);
            }
            from = self.buf.len().saturating_sub(1);
            if self.buf.len() > 1 << 20 {
                return Err(ReadError::Invalid("a line longer than 1 MiB".into()));
            }
            if !self.fill()? {
                let mut partial = consumed.clone();
                partial.extend_from_slice(&self.buf);
                return Err(ReadError::Closed { partial });
            }
        }
    }

    /// Takes `n` bytes, handing them to `sink` as they come.
    fn exact(
        &mut self,
        mut n: u64,
        consumed: &[u8],
        sink: &mut dyn FnMut(&[u8]),
    ) -> Result<(), ReadError> {
        while n > 0 {
            if self.buf.is_empty() {
                self.need(1, consumed)?;
            }
            let take = usize::try_from(n).unwrap_or(usize::MAX).min(self.buf.len());
            sink(&self.buf[..take]);
            self.buf.drain(..take);
            n -= take as u64;
        }
        Ok(())
    }

    /// Reads a field section up to its empty line.
    fn fields(&mut self, consumed: &mut Vec<u8>) -> Result<Vec<(String, Vec<u8>)>, ReadError> {
        let mut fields = Vec::new();
        loop {
            let line = self.line(consumed)?;
            if line.is_empty() {
                return Ok(fields);
            }
            let colon = line.iter().position(|&b| b == b':').ok_or_else(|| {
                ReadError::Invalid(format!(
                    "field line without a colon: {:?}",
                    String::from_utf8_lossy(&line)
                ))
            })?;
            let name = String::from_utf8_lossy(&line[..colon]).into_owned();
            let value = line[colon + 1..].trim_ascii().to_vec();
            fields.push((name, value));
        }
    }

    /// Reads the next response (interim ones included) to a request with `method`, handing
    /// body bytes to `sink` instead of keeping them.
    pub(crate) fn try_read_with(
        &mut self,
        method: &str,
        sink: &mut dyn FnMut(&[u8]),
    ) -> Result<Response, ReadError> {
        let mut consumed = Vec::new();
        if self.buf.is_empty() && !self.fill()? {
            return Err(ReadError::Closed {
                partial: Vec::new(),
            });
        }
        let status_line = self.line(&mut consumed)?;
        let text = String::from_utf8_lossy(&status_line).into_owned();
        let mut parts = text.splitn(3, ' ');
        let version = parts.next().unwrap_or_default().to_owned();
        let status: u16 = parts
            .next()
            .and_then(|s| s.parse().ok())
            .filter(|_| version.starts_with("HTTP/1."))
            .ok_or_else(|| ReadError::Invalid(format!("bad status line {text:?}")))?;
        let headers = self.fields(&mut consumed)?;
        let mut res = Response {
            status,
            version,
            headers,
            body: Vec::new(),
            trailers: Vec::new(),
            chunked: false,
        };
        let bodiless = (100..200).contains(&status)
            || status == 204
            || status == 304
            || method.eq_ignore_ascii_case("HEAD");
        if bodiless {
            return Ok(res);
        }
        let te = res.header("transfer-encoding").map(str::to_owned);
        if let Some(te) = te {
            if !te.to_ascii_lowercase().trim().ends_with("chunked") {
                return Err(ReadError::Invalid(format!("transfer-encoding {te:?}")));
            }
            res.chunked = true;
            loop {
                let line = self.line(&mut consumed)?;
                let size_text = String::from_utf8_lossy(&line);
                let size_text = size_text.split(';').next().unwrap_or_default().trim();
                let size = u64::from_str_radix(size_text, 16).map_err(|_| {
                    ReadError::Invalid(format!("bad chunk size line {size_text:?}"))
                })?;
                if size == 0 {
                    res.trailers = self.fields(&mut consumed)?;
                    return Ok(res);
                }
                self.exact(size, &consumed, sink)?;
                let crlf = self.line(&mut consumed)?;
                if !crlf.is_empty() {
                    return Err(ReadError::Invalid("chunk data longer than its size".into()));
                }
            }
        }
        if let Some(cl) = res.header("content-length") {
            let n: u64 = cl
                .trim()
                .parse()
                .map_err(|_| ReadError::Invalid(format!("bad content-length {cl:?}")))?;
            self.exact(n, &consumed, sink)?;
            return Ok(res);
        }
        // Delimited by the close.
        loop {
            sink(&self.buf);
            self.buf.clear();
            if !self.fill()? {
                return Ok(res);
            }
        }
    }

    /// Reads the next response (interim ones included), keeping its body.
    pub(crate) fn try_read(&mut self, method: &str) -> Result<Response, ReadError> {
        let mut body = Vec::new();
        let mut res = self.try_read_with(method, &mut |b| body.extend_from_slice(b))?;
        res.body = body;
        Ok(res)
    }

    /// Reads the next response (interim ones included) or fails the check.
    #[track_caller]
    pub(crate) fn read(&mut self, method: &str) -> Response {
        match self.try_read(method) {
            Ok(r) => r,
            Err(e) => panic!("expected a response to {method}, got {e:?}"),
        }
    }

    /// Reads the next final response, skipping interim ones, or fails the check.
    #[track_caller]
    pub(crate) fn read_final(&mut self, method: &str) -> Response {
        loop {
            let r = self.read(method);
            if !(100..200).contains(&r.status) || r.status == 101 {
                return r;
            }
        }
    }

    /// Takes the raw bytes already buffered or arriving next (at least one), for raw protocols
    /// after an upgrade.
    #[track_caller]
    pub(crate) fn read_raw(&mut self, n: usize) -> Vec<u8> {
        if let Err(e) = self.need(n, &[]) {
            panic!("expected {n} raw bytes, got {e:?} after {:?}", self.buf);
        }
        self.buf.drain(..n).collect()
    }

    /// Asserts the server closes the connection without sending anything more. A reset counts
    /// as a close.
    #[track_caller]
    pub(crate) fn expect_closed(&mut self) {
        self.expect_close(true);
    }

    /// Asserts the server ends the connection cleanly, with the end of input and no reset,
    /// without sending anything more.
    #[track_caller]
    pub(crate) fn expect_end_of_input(&mut self) {
        self.expect_close(false);
    }

    #[track_caller]
    fn expect_close(&mut self, reset_counts: bool) {
        loop {
            assert!(
                self.buf.is_empty(),
                "expected the close, got more bytes: {:?}",
                String::from_utf8_lossy(&self.buf)
            );
            match self.fill() {
                Ok(true) => {}
                Ok(false) => return,
                Err(ReadError::Io(e))
                    if reset_counts
                        && matches!(
                            e.kind(),
                            io::ErrorKind::ConnectionReset | io::ErrorKind::ConnectionAborted
                        ) =>
                {
                    return;
                }
                Err(e) => panic!("expected the close, got {e:?}"),
            }
        }
    }

    /// Whether nothing arrives (and the connection stays open) for `d`; restores the safety
    /// timeout afterwards.
    pub(crate) fn quiet_for(&mut self, d: Duration) -> bool {
        if !self.buf.is_empty() {
            return false;
        }
        self.set_read_timeout(d);
        let quiet = matches!(self.fill(), Err(ReadError::Timeout));
        self.set_read_timeout(SAFETY);
        quiet
    }

    /// Reads everything until the server closes (or resets), returning the raw bytes.
    pub(crate) fn read_to_close(&mut self) -> Vec<u8> {
        let deadline = Instant::now() + SAFETY;
        while Instant::now() < deadline {
            match self.fill() {
                Ok(true) => {}
                Ok(false) | Err(_) => break,
            }
        }
        std::mem::take(&mut self.buf)
    }
}
