//! Response bodies sent from a file straight to the socket.

use futures_io::AsyncWrite;
use std::fs::File;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

/// A body that is a range of a file, sent by the driver from the file to the socket: by
/// `sendfile(2)` where the runtime has it (tokio and smol on Linux), so that its bytes never
/// pass through the process's memory, and read and written in pieces elsewhere.
///
/// Put it in a response's extensions (or, for a client, a request's). The message is then
/// framed by the range's length, `Content-Length`, and its own body is not polled: leave it
/// empty. A response head that frames its body otherwise (Transfer-Encoding, another
/// Content-Length) is refused, and the client gets a 500; a response that has no body (to
/// HEAD, a 204 or 304) sends none of the file. A request's file waits, as any body, for a
/// 100 (Continue) it expects, and is not sent at all if a final response comes first. A
/// file that turns out shorter than the range closes the connection, as any body that ends
/// before its length.
///
/// ```
/// # fn f(file: std::fs::File, len: u64) {
/// use driver_async::SendFile;
/// let mut res = http::Response::new(http_body_util::Empty::<bytes::Bytes>::new());
/// res.extensions_mut().insert(SendFile::new(file, 0, len));
/// # }
/// ```
#[derive(Clone, Debug)]
pub struct SendFile {
    pub(crate) file: Arc<File>,
    pub(crate) offset: u64,
    pub(crate) len: u64,
}

impl SendFile {
    /// The `len` bytes of `file` from `offset`.
    pub fn new(file: impl Into<Arc<File>>, offset: u64, len: u64) -> Self {
        Self {
            file: file.into(),
            offset,
            len,
        }
    }

    /// How many bytes it sends.
    #[must_use]
    pub fn len(&self) -> u64 {
        self.len
    }

    /// Whether it sends nothing.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
}

/// Most bytes [`poll_copy`] reads at a time.
const COPY_MAX: usize = 64 * 1024;

/// Sends up to `len` bytes of `file` from `offset` to `stream` through memory: reads them
/// (at most [`COPY_MAX`]), writes what the socket takes, and says how many that was. What it
/// did not take is read again by the next call, so nothing is held between calls. 0 only at
/// the file's end; a socket that takes nothing is an error (`WriteZero`). The read blocks
/// the task's thread, as a read of a file does where the runtime has no `sendfile`.
pub(crate) fn poll_copy(
    stream: &mut (impl AsyncWrite + Unpin),
    file: &File,
    offset: u64,
    len: usize,
    cx: &mut Context<'_>,
) -> Poll<std::io::Result<usize>> {
    let mut buf = vec![0; len.min(COPY_MAX)];
    let n = read_at(file, &mut buf, offset)?;
    if n == 0 {
        return Poll::Ready(Ok(0));
    }
    match std::task::ready!(Pin::new(stream).poll_write(cx, &buf[..n]))? {
        0 => Poll::Ready(Err(std::io::ErrorKind::WriteZero.into())),
        written => Poll::Ready(Ok(written)),
    }
}

/// Reads up to `buf.len()` bytes of `file` at `offset`, leaving its cursor where it was (the
/// file may be shared).
fn read_at(file: &File, buf: &mut [u8], offset: u64) -> std::io::Result<usize> {
    #[cfg(unix)]
    {
        std::os::unix::fs::FileExt::read_at(file, buf, offset)
    }
    #[cfg(windows)]
    {
        std::os::windows::fs::FileExt::seek_read(file, buf, offset)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use futures_util::io::Cursor;
    use std::io::Write;
    use std::task::Waker;

    #[test]
    fn copying_through_memory_sends_the_range_and_stops_at_the_end() {
        let content: Vec<u8> = (0..200_000u32).map(|i| (i % 251) as u8).collect();
        let path = std::env::temp_dir().join(format!("poll-copy-{}.bin", std::process::id()));
        File::create(&path)
            .and_then(|mut f| f.write_all(&content))
            .expect("write the test file");
        let file = File::open(&path).expect("open the test file");
        let mut out = Cursor::new(Vec::new());
        let mut cx = Context::from_waker(Waker::noop());
        // A range across several reads, as the driver asks for it: until all went.
        let (mut offset, mut left) = (10u64, 150_000usize);
        while left > 0 {
            let Poll::Ready(Ok(n)) = poll_copy(&mut out, &file, offset, left, &mut cx) else {
                panic!("a write to memory waited or failed");
            };
            assert!(n > 0 && n <= COPY_MAX.min(left));
            offset += n as u64;
            left -= n;
        }
        assert!(out.get_ref()[..] == content[10..150_010]);
        // At the end of the file: 0, nothing written.
        let at_end = poll_copy(&mut out, &file, content.len() as u64, 5, &mut cx);
        assert!(matches!(at_end, Poll::Ready(Ok(0))));
        assert_eq!(out.get_ref().len(), 150_000);

        // A socket that cannot take more: the call waits, and the next one reads again.
        let mut full = Answers(Poll::Pending);
        assert!(poll_copy(&mut full, &file, 0, 10, &mut cx).is_pending());
        // One that takes nothing (closed): an error, not the end of the file.
        let mut closed = Answers(Poll::Ready(0));
        let Poll::Ready(Err(e)) = poll_copy(&mut closed, &file, 0, 10, &mut cx) else {
            panic!("a write of nothing was taken for progress");
        };
        assert_eq!(e.kind(), std::io::ErrorKind::WriteZero);
        let _ = std::fs::remove_file(path);
    }

    /// A writer that gives one answer to every write.
    struct Answers(Poll<usize>);

    impl AsyncWrite for Answers {
        fn poll_write(
            self: Pin<&mut Self>,
            _: &mut Context<'_>,
            _: &[u8],
        ) -> Poll<std::io::Result<usize>> {
            self.0.map(Ok)
        }

        fn poll_flush(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<std::io::Result<()>> {
            Poll::Ready(Ok(()))
        }

        fn poll_close(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<std::io::Result<()>> {
            Poll::Ready(Ok(()))
        }
    }
}
