//! The receive buffer and the readers that consume it: a head parser between messages, a
//! body reader by framing inside one (RFC 9112 §6.3, §7.1).
//!
//! Bytes are appended once and split off as events without copying. An idle buffer holds no
//! allocation, so a kept-alive connection waiting for its next request costs little memory.

use crate::error::RemoteError;
use crate::framing::BodyLength;
use crate::headers::Headers;
use crate::limits::Config;
use crate::parse::chunked::{Chunk, ChunkedDecoder};
use crate::parse::head::{HeadKind, HeadParser, ParsedHead};
use bytes::{Bytes, BytesMut};

/// What the first read of a message is lent, and the least any read is: most request heads
/// fit (nginx's `client_header_buffer_size` is 1k by default too), and an allocation this
/// small is one the allocator serves from its per-thread cache.
pub(crate) const MIN_WINDOW: usize = 1024;

/// The most a read is lent: the window doubles up to this while reads fill it.
const MAX_WINDOW: usize = 64 * 1024;

/// The largest buffer handed out as a spare (`take_spare`): one that grew larger (for a long
/// head, a body streaming in) is freed instead, so that a driver keeping spare buffers for
/// other connections keeps only small ones.
const SPARE_MAX: usize = 4 * MIN_WINDOW;

/// What a body reader produced.
#[derive(Debug)]
pub(crate) enum BodyEvent {
    Data(Bytes),
    End(Headers),
}

#[derive(Debug)]
enum Reader {
    Head(HeadParser),
    Length(u64),
    Chunked(ChunkedDecoder),
    UntilClose { received: u64 },
}

/// The buffer of received bytes and where parsing stands in it.
#[derive(Debug)]
pub(crate) struct Receiver {
    buf: BytesMut,
    reader: Reader,
    eof: bool,
    /// No more HTTP is read on this connection: bytes are dropped as they come.
    stopped: bool,
    /// How many bytes the next read is lent. Safe code must zero memory before a read may
    /// write into it, so lending all a driver offers (16 KiB, say) to read a 100-byte request
    /// would cost a 16 KiB `memset` per read. The window starts at `MIN_WINDOW`, doubles
    /// while reads fill it (a body streaming in) and halves while they use less than half of
    /// it.
    window: usize,
    /// The buffer's memory has grown past [`SPARE_MAX`] since it was allocated or given.
    grown: bool,
}

impl Receiver {
    pub(crate) fn new(kind: HeadKind) -> Self {
        Self {
            buf: BytesMut::new(),
            reader: Reader::Head(HeadParser::new(kind)),
            eof: false,
            stopped: false,
            window: MIN_WINDOW,
            grown: false,
        }
    }

    /// Appends received bytes (dropped once reading has stopped or the input ended).
    pub(crate) fn feed(&mut self, data: &[u8]) {
        if self.stopped || self.eof {
            return;
        }
        if self.buf.capacity() == 0 {
            // The first allocation: one for most heads, so one arriving in small pieces does
            // not reallocate for each. (Made new rather than reserved: a reservation on an
            // empty buffer takes the longer way of a growth.)
            self.buf = BytesMut::with_capacity(data.len().max(MIN_WINDOW));
        }
        self.buf.extend_from_slice(data);
        self.note_growth();
    }

    /// Notes that the buffer's memory grew past [`SPARE_MAX`]: any allocation made for it
    /// shows in its capacity right after (a new or moved allocation is used from its start).
    fn note_growth(&mut self) {
        self.grown |= self.buf.capacity() > SPARE_MAX;
    }

    /// Lets `read` write up to `max` bytes straight into the buffer and keeps the `n` it
    /// reports; nothing is kept on an error. Returns `read`'s result.
    pub(crate) fn receive<E>(
        &mut self,
        max: usize,
        read: impl FnOnce(&mut [u8]) -> Result<usize, E>,
    ) -> Result<usize, E> {
        let len = self.buf.len();
        let wanted = max.min(self.window);
        let mut lent = wanted;
        if self.buf.capacity() == 0 {
            // As in `feed`: an allocation made new is cheaper than one reserved.
            self.buf = BytesMut::with_capacity(lent);
        } else if !matches!(self.reader, Reader::Head(_)) && self.buf.capacity() - len >= wanted / 2
        {
            // Body data handed out shares this memory: a read that asked for more than is
            // left would take new memory, and a small piece would keep a whole allocation
            // alive by itself (a body trickled a byte a read would hold a window for each
            // byte). A body's read goes into the room left while it is at least half a
            // window, so that pieces share their memory: they keep at most twice their size.
            // (A head is not handed out before it is whole: its reads just add to it.)
            lent = lent.min(self.buf.capacity() - len);
        }
        self.buf.resize(len + lent, 0);
        self.note_growth();
        let result = read(&mut self.buf[len..]);
        let kept = match &result {
            Ok(n) if !self.stopped && !self.eof => (*n).min(lent),
            _ => 0,
        };
        if let Ok(n) = result {
            // (A read that filled the room it was lent, less than the window, says neither.)
            if n >= wanted {
                self.window = (self.window * 2).min(MAX_WINDOW);
            } else if n < lent && n < self.window / 2 {
                self.window = (self.window / 2).max(MIN_WINDOW);
            }
        }
        self.buf.truncate(len + kept);
        // Nothing came and nothing waits: no memory held while the connection is idle.
        self.release_if_empty();
        result
    }

    pub(crate) fn feed_eof(&mut self) {
        self.eof = true;
    }

    pub(crate) fn eof(&self) -> bool {
        self.eof
    }

    pub(crate) fn len(&self) -> usize {
        self.buf.len()
    }

    #[cfg(test)]
    pub(crate) fn capacity(&self) -> usize {
        self.buf.capacity()
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.buf.is_empty()
    }

    pub(crate) fn is_stopped(&self) -> bool {
        self.stopped
    }

    /// Stops reading HTTP: drops what is buffered and everything that comes later.
    pub(crate) fn stop(&mut self) {
        self.stopped = true;
        self.buf = BytesMut::new();
    }

    /// Whether the buffer has memory and holds no bytes.
    fn idle_memory(&self) -> bool {
        self.buf.is_empty() && self.buf.capacity() > 0
    }

    /// Frees the buffer's memory when it holds nothing, as on an idle connection.
    pub(crate) fn release_if_empty(&mut self) {
        if self.idle_memory() {
            self.buf = BytesMut::new();
            self.grown = false;
        }
    }

    /// The buffer's memory, when it holds no bytes and never grew past [`SPARE_MAX`] (see
    /// `Connection::take_spare_buffer`).
    pub(crate) fn take_spare(&mut self) -> Option<BytesMut> {
        (self.idle_memory() && !self.grown).then(|| core::mem::take(&mut self.buf))
    }

    /// Takes `buf` as the buffer's memory if there is none and reading goes on; gives it back
    /// otherwise (see `Connection::give_buffer`).
    pub(crate) fn give(&mut self, mut buf: BytesMut) -> Option<BytesMut> {
        if self.buf.capacity() > 0 || self.stopped || self.eof {
            return Some(buf);
        }
        buf.clear();
        self.buf = buf;
        self.grown = false;
        self.note_growth();
        None
    }

    /// Everything still buffered, for the protocol that takes over after a switch.
    pub(crate) fn take_all(&mut self) -> Bytes {
        self.buf.split().freeze()
    }

    /// The bytes of a body still to come, when its framing gives its length (Content-Length,
    /// or none at all); `None` for chunked and close-delimited bodies and between messages.
    pub(crate) fn body_remaining(&self) -> Option<u64> {
        match self.reader {
            Reader::Length(n) => Some(n),
            _ => None,
        }
    }

    /// Expects a head of `kind` next.
    pub(crate) fn expect_head(&mut self, kind: HeadKind) {
        self.reader = Reader::Head(HeadParser::new(kind));
    }

    /// Parses the head being read; `Ok(None)` when more bytes are needed.
    pub(crate) fn read_head(&mut self, cfg: &Config) -> Result<Option<ParsedHead>, RemoteError> {
        match &mut self.reader {
            Reader::Head(p) if !self.stopped => p.parse(&mut self.buf, cfg),
            _ => Ok(None),
        }
    }

    /// Expects a body framed as `body` next.
    pub(crate) fn expect_body(&mut self, body: BodyLength) {
        self.reader = match body {
            BodyLength::Length(n) => Reader::Length(n),
            BodyLength::Chunked => Reader::Chunked(ChunkedDecoder::new()),
            BodyLength::UntilClose => Reader::UntilClose { received: 0 },
        };
    }

    /// Reads the body: `Ok(None)` when more bytes are needed. The end of input inside a body
    /// delimited by length or chunks is an error; for a body delimited by the close it is the
    /// body's end (RFC 9112 §6.3 steps 7–8).
    #[inline]
    pub(crate) fn read_body(&mut self, cfg: &Config) -> Result<Option<BodyEvent>, RemoteError> {
        if self.stopped {
            return Ok(None);
        }
        let incomplete = |eof: bool| {
            if eof {
                Err(RemoteError::IncompleteMessage)
            } else {
                Ok(None)
            }
        };
        match &mut self.reader {
            Reader::Length(0) => Ok(Some(BodyEvent::End(Headers::new()))),
            Reader::Length(remaining) => {
                if self.buf.is_empty() {
                    return incomplete(self.eof);
                }
                let n =
                    usize::try_from(*remaining).map_or(self.buf.len(), |r| r.min(self.buf.len()));
                // n <= remaining, so this cannot wrap.
                *remaining -= n as u64;
                Ok(Some(BodyEvent::Data(self.buf.split_to(n).freeze())))
            }
            Reader::Chunked(d) => match d.decode(&mut self.buf, cfg)? {
                Some(Chunk::Data(b)) => Ok(Some(BodyEvent::Data(b))),
                Some(Chunk::End(t)) => Ok(Some(BodyEvent::End(t))),
                None => incomplete(self.eof),
            },
            Reader::UntilClose { received } => {
                if self.buf.is_empty() {
                    return Ok(self.eof.then(|| BodyEvent::End(Headers::new())));
                }
                // The bytes within the limit are delivered; the limit is crossed at the next
                // byte, whatever the split.
                let room = cfg.limits.max_body.saturating_sub(*received);
                if room == 0 {
                    return Err(RemoteError::BodyTooLarge);
                }
                let n = usize::try_from(room).map_or(self.buf.len(), |r| r.min(self.buf.len()));
                *received += n as u64;
                Ok(Some(BodyEvent::Data(self.buf.split_to(n).freeze())))
            }
            Reader::Head(_) => Ok(None),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_emptied_buffer_gives_its_memory_back() {
        let mut r = Receiver::new(HeadKind::Request);
        assert_eq!(r.capacity(), 0);
        r.feed(b"x");
        assert!(r.capacity() >= MIN_WINDOW);
        r.release_if_empty();
        assert!(r.capacity() > 0, "not empty yet");
        r.take_all();
        r.release_if_empty();
        assert_eq!(r.capacity(), 0);
    }

    #[test]
    fn the_read_window_grows_with_full_reads_and_shrinks_with_small_ones() {
        let mut r = Receiver::new(HeadKind::Request);
        let mut lent = alloc::vec::Vec::new();
        let mut read = |r: &mut Receiver, n: usize| {
            r.receive(1 << 20, |buf| {
                lent.push(buf.len());
                Ok::<_, ()>(n.min(buf.len()))
            })
            .unwrap();
            r.take_all();
        };
        // Full reads: 1 KiB, 2, 4, … up to the cap.
        for _ in 0..10 {
            read(&mut r, usize::MAX);
        }
        // Small reads: back down to the start.
        for _ in 0..9 {
            read(&mut r, 10);
        }
        assert_eq!(
            lent,
            [
                1, 2, 4, 8, 16, 32, 64, 64, 64, 64, // full reads
                64, 32, 16, 8, 4, 2, 1, 1, 1, // small ones
            ]
            .map(|k| k << 10)
        );
        // Never more than the driver offers.
        r.receive(100, |buf| {
            assert_eq!(buf.len(), 100);
            Ok::<_, ()>(0)
        })
        .unwrap();
    }

    #[test]
    fn bodies_by_length_and_until_close() {
        let cfg = Config::default();
        let mut r = Receiver::new(HeadKind::Response);
        r.expect_body(BodyLength::Length(3));
        r.feed(b"abcdef");
        assert!(matches!(r.read_body(&cfg), Ok(Some(BodyEvent::Data(d))) if d == "abc"));
        assert!(matches!(r.read_body(&cfg), Ok(Some(BodyEvent::End(_)))));
        assert_eq!(r.len(), 3, "the next message's bytes stay");

        let mut r = Receiver::new(HeadKind::Response);
        r.expect_body(BodyLength::UntilClose);
        r.feed(b"abc");
        assert!(matches!(r.read_body(&cfg), Ok(Some(BodyEvent::Data(d))) if d == "abc"));
        assert!(matches!(r.read_body(&cfg), Ok(None)));
        r.feed_eof();
        assert!(matches!(r.read_body(&cfg), Ok(Some(BodyEvent::End(_)))));

        let mut small = Config::default();
        small.limits.max_body = 2;
        let mut r = Receiver::new(HeadKind::Response);
        r.expect_body(BodyLength::UntilClose);
        r.feed(b"abc");
        assert!(matches!(r.read_body(&small), Ok(Some(BodyEvent::Data(d))) if d == "ab"));
        assert_eq!(r.read_body(&small).err(), Some(RemoteError::BodyTooLarge));

        let mut r = Receiver::new(HeadKind::Request);
        r.expect_body(BodyLength::Length(3));
        r.feed(b"ab");
        r.read_body(&cfg).unwrap();
        r.feed_eof();
        assert_eq!(
            r.read_body(&cfg).err(),
            Some(RemoteError::IncompleteMessage)
        );
    }

    #[test]
    fn a_stopped_receiver_drops_everything() {
        let cfg = Config::default();
        let mut r = Receiver::new(HeadKind::Request);
        r.stop();
        r.feed(b"GET / HTTP/1.1\r\n\r\n");
        assert_eq!(r.len(), 0);
        assert!(matches!(r.read_head(&cfg), Ok(None)));
    }
}
