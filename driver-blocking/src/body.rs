//! Bodies: a received one read from the connection on demand, and one to send.

use crate::conn::{BodyPart, Shared, lock};
use bytes::{Buf, Bytes};
use std::io::{self, Read};

/// A received body, read from the connection as the reader asks (nothing is read ahead).
/// A server's first read sends the 100 (Continue) a client waits for.
#[derive(Debug)]
pub struct Incoming {
    conn: Option<Shared>,
    pending: Bytes,
    trailers: Option<http::HeaderMap>,
}

impl Incoming {
    /// A body that is already over.
    #[must_use]
    pub fn empty() -> Self {
        Self {
            conn: None,
            pending: Bytes::new(),
            trailers: None,
        }
    }

    pub(crate) fn new(conn: Shared) -> Self {
        Self {
            conn: Some(conn),
            pending: Bytes::new(),
            trailers: None,
        }
    }

    /// The trailer fields, once the body has been read to its end (if it had any).
    #[must_use]
    pub fn trailers(&self) -> Option<&http::HeaderMap> {
        self.trailers.as_ref()
    }

    /// Whether the body was read to its end.
    #[must_use]
    pub fn is_end(&self) -> bool {
        self.conn.is_none() && self.pending.is_empty()
    }
}

impl Read for Incoming {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        while self.pending.is_empty() {
            let Some(shared) = &self.conn else {
                return Ok(0);
            };
            let mut c = lock(shared);
            if c.engine.expects_continue() {
                // RFC 9110 §10.1.1 is the engine's; the driver says when the body is wanted.
                c.engine.send_continue().map_err(io::Error::other)?;
            }
            match c.next_body().map_err(io::Error::other)? {
                BodyPart::Data(d) => self.pending = d,
                BodyPart::End(t) => {
                    drop(c);
                    self.conn = None;
                    if !t.is_empty() {
                        self.trailers = Some(t.to_http().map_err(io::Error::other)?);
                    }
                }
            }
        }
        let n = buf.len().min(self.pending.len());
        buf[..n].copy_from_slice(&self.pending[..n]);
        self.pending.advance(n);
        Ok(n)
    }
}

/// Where a body's bytes come from.
enum Source {
    Bytes(Bytes),
    Reader(Box<dyn Read + Send>),
}

impl std::fmt::Debug for Source {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Bytes(b) => write!(f, "Bytes({} bytes)", b.len()),
            Self::Reader(_) => f.write_str("Reader"),
        }
    }
}

/// A body to send: bytes in memory, or a reader streamed in pieces as the peer takes them
/// (Content-Length if the head declares one, else the engine chunks it); trailers optional.
#[derive(Debug)]
pub struct Body {
    source: Source,
    trailers: http::HeaderMap,
}

impl Body {
    /// No content.
    #[must_use]
    pub fn empty() -> Self {
        Bytes::new().into()
    }

    /// A body read from `reader` as it is sent.
    pub fn from_reader(reader: impl Read + Send + 'static) -> Self {
        Self {
            source: Source::Reader(Box::new(reader)),
            trailers: http::HeaderMap::new(),
        }
    }

    /// Trailer fields sent after the content (they need a chunked body).
    #[must_use]
    pub fn with_trailers(mut self, trailers: http::HeaderMap) -> Self {
        self.trailers = trailers;
        self
    }

    /// The next piece to send, `None` at the end.
    pub(crate) fn next_piece(&mut self, buf_size: usize) -> io::Result<Option<Bytes>> {
        match &mut self.source {
            Source::Bytes(b) => Ok((!b.is_empty()).then(|| std::mem::take(b))),
            Source::Reader(r) => {
                let mut buf = vec![0u8; buf_size];
                loop {
                    match r.read(&mut buf) {
                        Ok(0) => return Ok(None),
                        Ok(n) => {
                            buf.truncate(n);
                            return Ok(Some(Bytes::from(buf)));
                        }
                        Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                        Err(e) => return Err(e),
                    }
                }
            }
        }
    }

    /// Whether the content is read from a reader as it is sent.
    pub(crate) fn is_streamed(&self) -> bool {
        matches!(self.source, Source::Reader(_))
    }

    pub(crate) fn trailers(&self) -> &http::HeaderMap {
        &self.trailers
    }
}

impl From<Bytes> for Body {
    fn from(b: Bytes) -> Self {
        Self {
            source: Source::Bytes(b),
            trailers: http::HeaderMap::new(),
        }
    }
}

impl From<Vec<u8>> for Body {
    fn from(v: Vec<u8>) -> Self {
        Bytes::from(v).into()
    }
}

impl From<String> for Body {
    fn from(s: String) -> Self {
        Bytes::from(s).into()
    }
}

impl From<&'static str> for Body {
    fn from(s: &'static str) -> Self {
        Bytes::from_static(s.as_bytes()).into()
    }
}

impl From<&'static [u8]> for Body {
    fn from(s: &'static [u8]) -> Self {
        Bytes::from_static(s).into()
    }
}
