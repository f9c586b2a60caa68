//! Bodies: a received one, read from the connection as its reader asks, and one to send.

use crate::Error;
use crate::conn::{BodyPart, Handed, Shared, lock};
use bytes::{Buf, Bytes, BytesMut};
use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

/// The connection a body comes from.
#[derive(Debug)]
struct Origin {
    conn: Shared,
    /// The connection's record of which message's body is being received.
    reading: Arc<AtomicU64>,
    /// The end of a body the connection took in its reader's place (a response's: see
    /// [`Incoming::response`]).
    handed: Option<Handed>,
    /// This body's message.
    message: u64,
}

/// A received body, read from the connection as the reader asks: nothing is read ahead, so
/// a peer sending faster than the reader reads is held back by TCP.
///
/// In a server, the first read sends the 100 (Continue) a client waits for, if it waits for
/// one. A read fails once the exchange the body belongs to is over (the handler returned
/// without reading it to its end, or a client sent its next request).
#[derive(Debug)]
pub struct Incoming {
    /// Where the rest comes from, while more may come.
    conn: Option<Origin>,
    /// Received and not yet read.
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

    /// The body of the request whose head `conn` handed out last.
    pub(crate) fn request(conn: Shared) -> Self {
        Self::new(conn, false)
    }

    /// The body of the response whose head `conn` handed out last: the connection may take
    /// its end in its reader's place (when the next request goes out).
    pub(crate) fn response(conn: Shared) -> Self {
        Self::new(conn, true)
    }

    fn new(conn: Shared, response: bool) -> Self {
        let (reading, handed, message) = {
            let mut c = lock(&conn);
            (
                c.reading().clone(),
                response.then(|| c.handed()),
                c.message(),
            )
        };
        Self {
            conn: Some(Origin {
                conn,
                reading,
                handed,
                message,
            }),
            pending: Bytes::new(),
            trailers: None,
        }
    }

    /// The trailer fields, once the body has been read to its end (`None` if it had none).
    #[must_use]
    pub fn trailers(&self) -> Option<&http::HeaderMap> {
        self.trailers.as_ref()
    }

    /// Whether the body has been read to its end.
    #[must_use]
    pub fn is_end(&self) -> bool {
        self.conn.is_none() && self.pending.is_empty()
    }

    /// Takes the next piece from the connection into `pending`, or ends the body.
    fn fill(&mut self) -> io::Result<()> {
        let Some(from) = &self.conn else {
            return Ok(());
        };
        // The exchange is over: the body ended, if the connection took its end in this
        // reader's place; else its rest was discarded.
        let over = |from: &Origin| {
            let handed = from
                .handed
                .as_ref()
                .and_then(|h| h.lock().ok().and_then(|mut h| h.take()));
            match handed {
                Some(trailers) => Ok(BodyPart::End(trailers)),
                None => Err(io::Error::other(
                    "the exchange this body belongs to is over; its rest was discarded",
                )),
            }
        };
        // Looked at before the lock, which the connection may hold while it waits for its
        // next request, and again under it, as the message may have ended in between.
        if from.reading.load(Ordering::SeqCst) != from.message {
            let part = over(from);
            return self.take(part?);
        }
        let mut c = lock(&from.conn);
        if from.reading.load(Ordering::SeqCst) != from.message {
            drop(c);
            let part = over(from);
            return self.take(part?);
        }
        if c.engine.expects_continue() {
            // RFC 9110 §10.1.1 is the engine's; the driver only says when the body is wanted.
            c.engine.send_continue().map_err(Error::from)?;
        }
        let part = c.next_body()?;
        drop(c);
        self.take(part)
    }

    /// Takes a piece of the body, or its end.
    fn take(&mut self, part: BodyPart) -> io::Result<()> {
        match part {
            BodyPart::Data(d) => self.pending = d,
            BodyPart::End(t) => {
                self.conn = None;
                if !t.is_empty() {
                    self.trailers = Some(t.to_http().map_err(Error::from)?);
                }
            }
        }
        Ok(())
    }
}

impl Read for Incoming {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if buf.is_empty() {
            return Ok(0);
        }
        while self.pending.is_empty() && self.conn.is_some() {
            self.fill()?;
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
    /// The range of a file still to send; no file once a server took it to send itself.
    File {
        file: Option<File>,
        offset: u64,
        len: u64,
    },
    Reader {
        reader: Box<dyn Read + Send>,
        /// Memory for the pieces, reused once the last one is written.
        buf: BytesMut,
    },
}

impl std::fmt::Debug for Source {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Bytes(b) => write!(f, "Bytes({} bytes)", b.len()),
            Self::Reader { .. } => f.write_str("Reader"),
            Self::File { offset, len, .. } => write!(f, "File({len} bytes from {offset})"),
        }
    }
}

/// A body to send: bytes in memory, or a reader streamed in pieces as the peer takes them
/// (each piece is written before the next is read); trailers optional.
///
/// The framing is the engine's: a response (or request) whose head has a Content-Length gets
/// exactly that many bytes (else the connection is cut); without one, a response body in
/// memory without trailers is framed by its length, and anything else goes chunked to an
/// HTTP/1.1 peer.
#[derive(Debug)]
pub struct Body {
    source: Source,
    trailers: http::HeaderMap,
}

/// The largest piece read from a body's reader at once.
const PIECE: usize = 64 * 1024;

impl Body {
    /// No content.
    #[must_use]
    pub fn empty() -> Self {
        Bytes::new().into()
    }

    /// A body read from `reader` as it is sent, in pieces of at most 64 KiB.
    pub fn from_reader(reader: impl Read + Send + 'static) -> Self {
        Self {
            source: Source::Reader {
                reader: Box::new(reader),
                buf: BytesMut::new(),
            },
            trailers: http::HeaderMap::new(),
        }
    }

    /// The `len` bytes of `file` from `offset`, framed by that length. A server sends them
    /// from the file to the socket (`sendfile(2)` on Linux), so that they never pass through
    /// the process's memory; elsewhere, and in a client's request, they are read and written
    /// in pieces of at most 64 KiB, as [`from_reader`](Self::from_reader)'s. A file shorter
    /// than the range closes the connection, as any body that ends before its length;
    /// trailers are dropped, as with any body framed by its length.
    pub fn from_file(file: File, offset: u64, len: u64) -> Self {
        Self {
            source: Source::File {
                file: Some(file),
                offset,
                len,
            },
            trailers: http::HeaderMap::new(),
        }
    }

    /// Trailer fields sent after the content (they need a chunked body; the engine drops them
    /// otherwise).
    #[must_use]
    pub fn with_trailers(mut self, trailers: http::HeaderMap) -> Self {
        self.trailers = trailers;
        self
    }

    /// The length of a body in memory without trailers (one that can be framed by its
    /// length); `None` for a reader's.
    pub(crate) fn known_len(&self) -> Option<u64> {
        self.framing_len(true)
    }

    /// The length to frame the body by: a file's; a body in memory's, unless it ends with
    /// trailers and `carried` says its message can carry them (chunked then, RFC 9112
    /// §7.1.2); `None` for a reader's.
    pub(crate) fn framing_len(&self, carried: bool) -> Option<u64> {
        match &self.source {
            Source::Bytes(b) if self.trailers.is_empty() || !carried => Some(b.len() as u64),
            Source::File { len, .. } => Some(*len),
            Source::Bytes(_) | Source::Reader { .. } => None,
        }
    }

    /// The length of a body from a file (which is framed by it alone).
    pub(crate) fn file_len(&self) -> Option<u64> {
        match &self.source {
            Source::File {
                file: Some(_), len, ..
            } => Some(*len),
            _ => None,
        }
    }

    /// The file and range of a body from a file, which is then over.
    pub(crate) fn take_file(&mut self) -> Option<(File, u64, u64)> {
        let Source::File { file, offset, len } = &mut self.source else {
            return None;
        };
        let taken = (file.take()?, *offset, *len);
        *len = 0;
        Some(taken)
    }

    /// Whether the content is read from a reader as it is sent.
    pub(crate) fn is_streamed(&self) -> bool {
        matches!(self.source, Source::Reader { .. } | Source::File { .. })
    }

    /// The next piece to send, `None` at the end.
    pub(crate) fn next_piece(&mut self) -> io::Result<Option<Bytes>> {
        if let Source::File { file, offset, len } = &mut self.source {
            // Not sent whole from the file (a client's body): read in pieces as any reader's,
            // from its offset and no further than its length.
            let Some(mut file) = file.take() else {
                return Ok(None);
            };
            file.seek(SeekFrom::Start(*offset))?;
            let reader = Box::new(file.take(*len));
            self.source = Source::Reader {
                reader,
                buf: BytesMut::new(),
            };
        }
        match &mut self.source {
            Source::Bytes(b) => Ok((!b.is_empty()).then(|| std::mem::take(b))),
            Source::File { .. } => Ok(None),
            Source::Reader { reader, buf } => {
                // Takes back the memory of the last piece if it was written and dropped.
                buf.clear();
                buf.resize(PIECE, 0);
                loop {
                    match reader.read(buf) {
                        Ok(0) => return Ok(None),
                        Ok(n) => {
                            buf.truncate(n.min(PIECE));
                            return Ok(Some(buf.split().freeze()));
                        }
                        Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                        Err(e) => return Err(e),
                    }
                }
            }
        }
    }

    /// The trailer fields to send after the content.
    pub(crate) fn take_trailers(&mut self) -> http::HeaderMap {
        std::mem::take(&mut self.trailers)
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    #[test]
    fn a_file_body_read_in_pieces_gives_its_range_and_ends_where_the_file_does() {
        let content: Vec<u8> = (0..200_000u32).map(|i| (i % 251) as u8).collect();
        let path = std::env::temp_dir().join(format!("file-body-{}.bin", std::process::id()));
        File::create(&path)
            .and_then(|mut f| f.write_all(&content))
            .expect("write the test file");
        let open = || File::open(&path).expect("open the test file");

        let mut body = Body::from_file(open(), 10, 150_000);
        assert_eq!(body.known_len(), Some(150_000));
        assert!(body.is_streamed());
        let mut got = Vec::new();
        while let Some(piece) = body.next_piece().expect("read") {
            assert!(!piece.is_empty() && piece.len() <= PIECE);
            got.extend_from_slice(&piece);
        }
        assert!(got[..] == content[10..150_010]);

        // Ten bytes past the end: the last piece, then the end, short of the 20 bytes the
        // head promised (the engine refuses that end, and the connection closes).
        let mut body = Body::from_file(open(), 199_990, 20);
        assert_eq!(body.known_len(), Some(20));
        assert_eq!(
            &body.next_piece().expect("read").expect("a piece")[..],
            &content[199_990..]
        );
        assert_eq!(body.next_piece().expect("read"), None);

        // A server takes the file whole, and the body is then over.
        let mut body = Body::from_file(open(), 3, 4);
        let (_, offset, len) = body.take_file().expect("a file");
        assert_eq!((offset, len), (3, 4));
        assert!(body.take_file().is_none());
        assert_eq!(body.next_piece().expect("read"), None);
        let _ = std::fs::remove_file(path);
    }
}
