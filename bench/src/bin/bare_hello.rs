//! The floor for the end-to-end runs: a bare tokio loop around httparse, answering every
//! request with the same "Hello, World!" bytes and `Date`, as `hello` and `hyper_hello` do. It
//! checks nothing beyond what `httparse` checks, frames nothing (every request is taken to
//! have no body), keeps no timers and has no shutdown: the least a server on tokio can do.
//! `bare_hello [--port N]`; prints `listening on http://ADDR` once it listens.

use bytes::{Buf, BytesMut};
use example_support::{HELLO, port_arg};
use http_core::HttpDate;
use std::time::{SystemTime, UNIX_EPOCH};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// The response: the same fields and body as the other hellos send (the case of the names
/// and their order aside), around the `Date` field every server sends (RFC 9110 §6.6.1).
const BEFORE_DATE: &[u8] = b"HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\ndate: ";
const AFTER_DATE: &[u8] = b"\r\ncontent-length: 13\r\n\r\n";
const _: () = assert!(HELLO.len() == 13, "the Content-Length above");

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let port = port_arg(std::env::args().skip(1), 8080)?;
    bench::serve_tokio(port, |stream| async move {
        let _ = serve(stream).await;
    })
}

/// One connection: every complete request in what was read is answered, the answers written
/// together (pipelined requests get one write), then the next read.
async fn serve(mut stream: TcpStream) -> std::io::Result<()> {
    let mut buf = BytesMut::with_capacity(8192);
    let mut out = Vec::with_capacity(128 * 16);
    let mut date = HttpDate::from_unix_secs(0);
    loop {
        if stream.read_buf(&mut buf).await? == 0 {
            return Ok(());
        }
        loop {
            let mut headers = [httparse::EMPTY_HEADER; 32];
            let mut req = httparse::Request::new(&mut headers);
            match req.parse(&buf) {
                Ok(httparse::Status::Complete(len)) => {
                    // The date is written anew only when the second changes.
                    let now = SystemTime::now()
                        .duration_since(UNIX_EPOCH)
                        .map_or(0, |d| d.as_secs());
                    if now != date.unix_secs() {
                        date = HttpDate::from_unix_secs(now);
                    }
                    out.extend_from_slice(BEFORE_DATE);
                    out.extend_from_slice(date.as_bytes());
                    out.extend_from_slice(AFTER_DATE);
                    out.extend_from_slice(HELLO);
                    buf.advance(len);
                }
                Ok(httparse::Status::Partial) => break,
                Err(_) => return Ok(()),
            }
        }
        if !out.is_empty() {
            stream.write_all(&out).await?;
            out.clear();
        }
        if buf.capacity() - buf.len() < 1024 {
            buf.reserve(8192);
        }
    }
}
