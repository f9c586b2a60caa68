//! The inputs and the per-implementation work of the benchmarks, shared by the criterion
//! benches and the fixed loops measured with callgrind, so that both measure the same thing.
//!
//! What each side does for one head:
//! - **http-core**: a server connection is fed the request and polled for the `Request` event
//!   and the `End` of its (empty) body; that is parsing, validation of every byte, the framing
//!   decision (RFC 9112 §6.3), the state machine and the event with its zero-copy `Bytes`
//!   fields. A bodiless `204` is then sent and its bytes drained, so that one keep-alive
//!   connection carries every iteration, as in a server.
//! - **httparse**: `Request::parse` into a stack array of 32 headers: tokenising and the byte
//!   checks of its grammar; no framing decision, no owned result.
//! - **picohttpparser** ([`pico`]): `phr_parse_request` into a stack array of 32 headers: the
//!   same kind of work as httparse, in C.
//!
//! For a response head, http-core is a client connection that sent a GET and reads the
//! response's head and body end; httparse is `Response::parse`, picohttpparser
//! `phr_parse_response`.

pub mod pico;

use bytes::Bytes;
use http_core::{Config, Connection, Event, Headers, Instant, Polled, RequestHead, ResponseHead};

/// A tiny GET.
pub const TINY: &[u8] = b"GET / HTTP/1.1\r\nHost: a\r\n\r\n";

/// The TechEmpower plaintext request.
pub const TECHEMPOWER: &[u8] = b"GET /plaintext HTTP/1.1\r\n\
Host: localhost\r\n\
Accept: text/plain,text/html;q=0.9,application/xhtml+xml;q=0.9,application/xml;q=0.8,*/*;q=0.7\r\n\
Connection: keep-alive\r\n\r\n";

/// A browser's request: a dozen fields and a cookie (about 650 bytes).
pub const BROWSER: &[u8] = b"GET /wp-content/uploads/2010/03/hello-kitty-darth-vader-pink.jpg HTTP/1.1\r\n\
Host: www.kittyhell.com\r\n\
User-Agent: Mozilla/5.0 (Macintosh; U; Intel Mac OS X 10.6; ja-JP-mac; rv:1.9.2.3) Gecko/20100401 Firefox/3.6.3 Pathtraq/0.9\r\n\
Accept: text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8\r\n\
Accept-Language: ja,en-us;q=0.7,en;q=0.3\r\n\
Accept-Encoding: gzip,deflate\r\n\
Accept-Charset: Shift_JIS,utf-8;q=0.7,*;q=0.7\r\n\
Keep-Alive: 115\r\n\
Connection: keep-alive\r\n\
Cookie: wp_ozh_wsa_visits=2; wp_ozh_wsa_visit_lasttime=xxxxxxxxxx; __utma=xxxxxxxxx.xxxxxxxxxx.xxxxxxxxxx.xxxxxxxxxx.xxxxxxxxxx.x; __utmz=xxxxxxxxx.xxxxxxxxxx.x.x.utmccn=(referral)|utmcsr=reader.livedoor.com|utmcct=/reader/|utmcmd=referral\r\n\
Sec-Fetch-Dest: image\r\n\
Sec-Fetch-Mode: no-cors\r\n\
Referer: http://www.kittyhell.com/\r\n\r\n";

/// A response head with ten fields and an empty body.
pub const RESPONSE: &[u8] = b"HTTP/1.1 200 OK\r\n\
Date: Tue, 24 Nov 2026 12:00:00 GMT\r\n\
Server: Apache/2.4.62 (Debian)\r\n\
Last-Modified: Mon, 23 Nov 2026 08:30:00 GMT\r\n\
ETag: \"3f80f-1b6-3e1cb03b\"\r\n\
Accept-Ranges: bytes\r\n\
Cache-Control: max-age=3600, public\r\n\
Vary: Accept-Encoding\r\n\
X-Frame-Options: SAMEORIGIN\r\n\
Content-Type: text/html; charset=UTF-8\r\n\
Content-Length: 0\r\n\r\n";

/// The request inputs, by name.
pub const REQUESTS: &[(&str, &[u8])] = &[
    ("tiny", TINY),
    ("browser", BROWSER),
    ("techempower", TECHEMPOWER),
];

/// The accept loop of the peer servers of the end-to-end runs (`hyper_hello`, `bare_hello`):
/// a current-thread tokio runtime listening on 127.0.0.1:`port`, which prints `listening on
/// http://ADDR` once it listens and hands each connection (`TCP_NODELAY` set) to a task of
/// its own running `serve`.
pub fn serve_tokio<F, Fut>(port: u16, serve: F) -> Result<(), Box<dyn std::error::Error>>
where
    F: Fn(tokio::net::TcpStream) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    use std::io::Write;
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?
        .block_on(async move {
            let listener = tokio::net::TcpListener::bind(("127.0.0.1", port)).await?;
            println!(
                "{}",
                example_support::listening_line(listener.local_addr()?)
            );
            std::io::stdout().flush()?;
            loop {
                let (stream, _) = listener.accept().await?;
                let _ = stream.set_nodelay(true);
                tokio::spawn(serve(stream));
            }
        })
}

/// A keep-alive server connection that parses one request head per call.
#[derive(Debug)]
pub struct CoreServer {
    conn: Connection,
}

impl Default for CoreServer {
    fn default() -> Self {
        Self {
            conn: Connection::server(Config::default(), Instant::ZERO),
        }
    }
}

impl CoreServer {
    /// Feeds `input` in pieces of `piece` bytes (all at once for `usize::MAX`), polling after
    /// each, until the request and its end came; answers with a 204 and drains the bytes.
    /// Returns the number of fields, so that nothing is optimised away.
    pub fn head(&mut self, input: &[u8], piece: usize) -> usize {
        let mut fields = 0;
        let mut ended = false;
        for chunk in input.chunks(piece.min(input.len()).max(1)) {
            self.conn.feed(Instant::ZERO, chunk);
            loop {
                match self.conn.poll_event() {
                    Ok(Polled::Event(Event::Request(r))) => fields = r.headers.len(),
                    Ok(Polled::Event(Event::End(_))) => ended = true,
                    Ok(_) => break,
                    Err(e) => panic!("benchmark input rejected: {e}"),
                }
            }
        }
        assert!(ended, "the request did not end");
        self.conn
            .send_response(ResponseHead::new(204))
            .expect("send 204");
        self.conn.send_end(Headers::new()).expect("end 204");
        while self.conn.poll_transmit().is_some() {}
        fields
    }
}

/// A server connection made anew for one request head, polled for the `Request` event and
/// the `End` of its empty body, and dropped without answering: the head's cost alone, with
/// the connection's creation.
pub fn core_fresh_request(input: &[u8]) -> usize {
    let mut conn = Connection::server(Config::default(), Instant::ZERO);
    conn.feed(Instant::ZERO, input);
    let mut fields = 0;
    loop {
        match conn.poll_event() {
            Ok(Polled::Event(Event::Request(r))) => fields = r.headers.len(),
            Ok(Polled::Event(Event::End(_))) => return fields,
            other => panic!("benchmark input rejected: {other:?}"),
        }
    }
}

/// A client connection, made anew, that reads one response head.
pub fn core_response(input: &[u8], piece: usize) -> usize {
    let mut conn = Connection::client(Config::default(), Instant::ZERO);
    let mut get = RequestHead::new("GET", "/");
    get.headers.append("Host", "a");
    conn.send_request(get).expect("send request");
    conn.send_end(Headers::new()).expect("end request");
    let mut fields = 0;
    for chunk in input.chunks(piece.min(input.len()).max(1)) {
        conn.feed(Instant::ZERO, chunk);
        loop {
            match conn.poll_event() {
                Ok(Polled::Event(Event::Response(r))) => fields = r.headers.len(),
                Ok(Polled::Event(_)) => {}
                Ok(_) => break,
                Err(e) => panic!("benchmark input rejected: {e}"),
            }
        }
    }
    fields
}

/// A peer's parse of `input` fed in pieces of `piece` bytes (all at once for `usize::MAX`):
/// each time more bytes have come, `parse` runs again from the start on all of them, told how
/// many it saw before, as the peers' users do with a partial head. `parse` gives the number
/// of fields once the head is complete, `None` while it is partial; this returns that number.
pub fn reparse(
    input: &[u8],
    piece: usize,
    mut parse: impl FnMut(&[u8], usize) -> Option<usize>,
) -> usize {
    let piece = piece.min(input.len()).max(1);
    let mut have = 0;
    loop {
        let last = have;
        have = (have + piece).min(input.len());
        if let Some(fields) = parse(&input[..have], last) {
            return fields;
        }
        assert!(have < input.len(), "benchmark input incomplete");
    }
}

/// What httparse said, as [`reparse`] takes it.
fn complete<T: std::fmt::Debug>(status: httparse::Result<T>, fields: usize) -> Option<usize> {
    match status {
        Ok(httparse::Status::Complete(_)) => Some(fields),
        Ok(httparse::Status::Partial) => None,
        Err(e) => panic!("benchmark input not parsed by httparse: {e:?}"),
    }
}

/// httparse on a request fed in pieces of `piece` bytes ([`reparse`]).
pub fn httparse_request(input: &[u8], piece: usize) -> usize {
    reparse(input, piece, |buf, _| {
        let mut headers = [httparse::EMPTY_HEADER; 32];
        let mut req = httparse::Request::new(&mut headers);
        let status = req.parse(buf);
        complete(status, req.headers.len())
    })
}

/// httparse on a response, as [`httparse_request`].
pub fn httparse_response(input: &[u8], piece: usize) -> usize {
    reparse(input, piece, |buf, _| {
        let mut headers = [httparse::EMPTY_HEADER; 32];
        let mut res = httparse::Response::new(&mut headers);
        let status = res.parse(buf);
        complete(status, res.headers.len())
    })
}

/// The head of [`chunked_request`]: its body starts at `CHUNKED_HEAD.len()`.
pub const CHUNKED_HEAD: &[u8] =
    b"POST /upload HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n";

/// A chunked request body of `total` bytes in chunks of `chunk` bytes, after its head.
pub fn chunked_request(total: usize, chunk: usize) -> Vec<u8> {
    let mut out = CHUNKED_HEAD.to_vec();
    let data = vec![b'x'; chunk];
    let mut left = total;
    while left > 0 {
        let n = left.min(chunk);
        out.extend_from_slice(format!("{n:x}\r\n").as_bytes());
        out.extend_from_slice(&data[..n]);
        out.extend_from_slice(b"\r\n");
        left -= n;
    }
    out.extend_from_slice(b"0\r\n\r\n");
    out
}

/// A response body of `total` bytes as pieces of `chunk` bytes (the last one whole), for
/// [`core_encode`].
pub fn body_pieces(total: usize, chunk: usize) -> Vec<Bytes> {
    let data = Bytes::from(vec![b'x'; chunk]);
    (0..total.div_ceil(chunk)).map(|_| data.clone()).collect()
}

/// Decodes a whole chunked request with http-core; returns the body bytes seen.
pub fn core_decode(input: &[u8], conn: &mut Connection) -> usize {
    conn.feed(Instant::ZERO, input);
    let mut body = 0;
    loop {
        match conn.poll_event() {
            Ok(Polled::Event(Event::Data(d))) => body += d.len(),
            Ok(Polled::Event(Event::End(_))) => break,
            Ok(Polled::Event(_)) => {}
            other => panic!("benchmark body not decoded: {other:?}"),
        }
    }
    conn.send_response(ResponseHead::new(204))
        .expect("send 204");
    conn.send_end(Headers::new()).expect("end 204");
    while conn.poll_transmit().is_some() {}
    body
}

/// Decodes the chunked body after `head_len` bytes with httparse's chunk-size parser, slicing
/// out each chunk's data (what a server built on httparse does); returns the body bytes seen.
pub fn httparse_decode(input: &[u8], head_len: usize) -> usize {
    let mut at = head_len;
    let mut body = 0;
    loop {
        match httparse::parse_chunk_size(&input[at..]) {
            Ok(httparse::Status::Complete((n, size))) => {
                at += n;
                let size = usize::try_from(size).expect("chunk size fits");
                if size == 0 {
                    return body;
                }
                body += input[at..at + size].len();
                at += size + 2;
            }
            other => panic!("benchmark chunk not parsed: {other:?}"),
        }
    }
}

/// Decodes the chunked body after `head_len` bytes with picohttpparser: the body is copied
/// into `scratch` (a server's receive buffer, reused) and decoded there in place; returns the
/// body bytes seen.
pub fn pico_decode(input: &[u8], head_len: usize, scratch: &mut Vec<u8>) -> usize {
    scratch.clear();
    scratch.extend_from_slice(&input[head_len..]);
    pico::decode_chunked(scratch)
}

/// Serializes a chunked response of `pieces` data pieces and returns the bytes queued.
pub fn core_encode(conn: &mut Connection, request: &[u8], pieces: &[Bytes]) -> usize {
    conn.feed(Instant::ZERO, request);
    while let Ok(Polled::Event(_)) = conn.poll_event() {}
    conn.send_response(ResponseHead::new(200))
        .expect("send 200");
    for p in pieces {
        conn.send_data(p.clone()).expect("send data");
    }
    conn.send_end(Headers::new()).expect("send end");
    let mut n = 0;
    while let Some(p) = conn.poll_transmit() {
        n += p.len();
    }
    n
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Whether picohttpparser, built with SSE4.2 (the `pico-sse4` feature), can run here.
    fn pico_runs() -> bool {
        #[cfg(all(
            feature = "pico-sse4",
            any(target_arch = "x86", target_arch = "x86_64")
        ))]
        if !std::arch::is_x86_feature_detected!("sse4.2") {
            eprintln!("picohttpparser skipped: it was built for SSE4.2, which this CPU lacks");
            return false;
        }
        true
    }

    /// Every side parses every input to the same fields, whole and in pieces: the benchmarks
    /// compare the same work.
    #[test]
    fn the_peers_see_the_same_heads() {
        let mut server = CoreServer::default();
        for (name, input) in REQUESTS {
            for piece in [usize::MAX, 16, 1] {
                let core = server.head(input, piece);
                assert_eq!(core, httparse_request(input, piece), "{name} httparse");
                if pico_runs() {
                    assert_eq!(core, pico::request(input, piece), "{name} picohttpparser");
                }
            }
            assert_eq!(core_fresh_request(input), server.head(input, usize::MAX));
        }
        for piece in [usize::MAX, 16, 1] {
            let core = core_response(RESPONSE, piece);
            assert_eq!(core, 10);
            assert_eq!(core, httparse_response(RESPONSE, piece));
            if pico_runs() {
                assert_eq!(core, pico::response(RESPONSE, piece));
            }
        }
    }

    /// Every decoder finds the same body in the same chunked request.
    #[test]
    fn the_peers_decode_the_same_bodies() {
        for (total, chunk) in [(1000, 16), (4096, 4096), (70_000, 1024)] {
            let input = chunked_request(total, chunk);
            let head_len = CHUNKED_HEAD.len();
            let mut conn = Connection::server(Config::default(), Instant::ZERO);
            assert_eq!(core_decode(&input, &mut conn), total);
            assert_eq!(httparse_decode(&input, head_len), total);
            if pico_runs() {
                assert_eq!(pico_decode(&input, head_len, &mut Vec::new()), total);
            }
        }
    }
}
