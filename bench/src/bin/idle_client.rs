//! Holds idle keep-alive connections open against a server, for measuring the server's memory
//! per connection (see `bench/memory.sh`).
//!
//! `idle_client PORT N [SECONDS]` opens `N` connections to `127.0.0.1:PORT`, in batches so that
//! the listen backlog never holds more than one batch. On each it sends one
//! `GET / HTTP/1.1` and reads the whole response (framed by its Content-Length; every read
//! bounded by a timeout), so that every connection has just completed one exchange. It then
//! prints `ready N` on stdout and keeps them all open and idle until its stdin closes or
//! `SECONDS` pass (default 600). Before it exits it prints `open K of N`: how many the server
//! still held open. Any failure is reported on stderr and ends the program with an error; it
//! raises no limit itself (the caller raises `ulimit -n`).

use std::io::{ErrorKind, Read, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpStream};
use std::sync::mpsc;
use std::time::Duration;

/// Connections opened before their responses are read: bounds what waits in the listen
/// backlog, well below the 128 the servers measured here listen with (a full backlog drops
/// the SYN, and the client retries it only after a second).
const BATCH: usize = 64;
/// The longest any connect, write or read may take.
const TIMEOUT: Duration = Duration::from_secs(10);
/// The request sent on each connection.
const REQUEST: &[u8] = b"GET / HTTP/1.1\r\nHost: x\r\n\r\n";
/// The longest response head accepted.
const MAX_HEAD: usize = 16 * 1024;

type BoxError = Box<dyn std::error::Error>;

fn main() -> Result<(), BoxError> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let usage = "usage: idle_client PORT N [SECONDS]";
    let (Some(port), Some(n)) = (args.first(), args.get(1)) else {
        return Err(usage.into());
    };
    let port: u16 = port
        .parse()
        .map_err(|_| format!("PORT: {port:?} is not a port number ({usage})"))?;
    let n: usize = n
        .parse()
        .map_err(|_| format!("N: {n:?} is not a count ({usage})"))?;
    let secs: u64 = match args.get(2) {
        Some(s) => s
            .parse()
            .map_err(|_| format!("SECONDS: {s:?} is not a number ({usage})"))?,
        None => 600,
    };
    if args.len() > 3 {
        return Err(usage.into());
    }
    let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, port));

    let mut conns: Vec<TcpStream> = Vec::with_capacity(n);
    let mut buf = vec![0u8; MAX_HEAD];
    while conns.len() < n {
        let start = conns.len();
        let batch = BATCH.min(n - start);
        for i in start..start + batch {
            let mut s = TcpStream::connect_timeout(&addr, TIMEOUT)
                .map_err(|e| format!("connection {i}: connect to {addr}: {e}"))?;
            s.set_read_timeout(Some(TIMEOUT))?;
            s.set_write_timeout(Some(TIMEOUT))?;
            s.write_all(REQUEST)
                .map_err(|e| format!("connection {i}: sending the request: {e}"))?;
            conns.push(s);
        }
        for (i, s) in conns.iter_mut().enumerate().skip(start) {
            read_response(s, &mut buf).map_err(|e| format!("connection {i}: {e}"))?;
        }
    }

    let mut out = std::io::stdout().lock();
    writeln!(out, "ready {n}")?;
    out.flush()?;

    // Idle until stdin closes (a thread reads it to its end) or the time is up.
    let (done, wait) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = std::io::copy(&mut std::io::stdin().lock(), &mut std::io::sink());
        let _ = done.send(());
    });
    let _ = wait.recv_timeout(Duration::from_secs(secs));

    let mut open = 0;
    for s in &conns {
        if still_open(s)? {
            open += 1;
        }
    }
    writeln!(out, "open {open} of {n}")?;
    out.flush()?;
    Ok(())
}

/// Reads one whole response from `s`: a head (at most `buf.len()` bytes) with status 200 and a
/// Content-Length, then that many bytes of body. Nothing may follow it.
fn read_response(s: &mut TcpStream, buf: &mut [u8]) -> Result<(), String> {
    let mut len = 0;
    let head_end = loop {
        if let Some(p) = find(&buf[..len], b"\r\n\r\n") {
            break p + 4;
        }
        if len == buf.len() {
            return Err(format!("response head longer than {} bytes", buf.len()));
        }
        len += read_some(s, &mut buf[len..])?;
    };
    let head = std::str::from_utf8(&buf[..head_end])
        .map_err(|_| "response head is not UTF-8".to_owned())?;
    let mut lines = head.split("\r\n");
    let status = lines.next().unwrap_or_default();
    if !status.starts_with("HTTP/1.1 200 ") {
        return Err(format!("unexpected status line {status:?}"));
    }
    let length = lines
        .filter_map(|l| l.split_once(':'))
        .find(|(name, _)| name.trim().eq_ignore_ascii_case("content-length"))
        .ok_or("response has no Content-Length")?
        .1
        .trim();
    let length: usize = length
        .parse()
        .map_err(|_| format!("bad Content-Length {length:?}"))?;
    let mut body = len - head_end;
    while body < length {
        let room = buf.len().min(length - body);
        body += read_some(s, &mut buf[..room])?;
    }
    if body > length {
        return Err(format!("{} bytes after a body of {length}", body - length));
    }
    Ok(())
}

/// One read of at least one byte; the end of input is an error, as is the read timeout.
fn read_some(s: &mut TcpStream, buf: &mut [u8]) -> Result<usize, String> {
    match s.read(buf) {
        Ok(0) => Err("server closed the connection mid-response".to_owned()),
        Ok(n) => Ok(n),
        Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => Err(format!(
            "no response within {} s (is the server at its connection limit?)",
            TIMEOUT.as_secs()
        )),
        Err(e) => Err(format!("reading the response: {e}")),
    }
}

/// Whether the server still holds `s` open: nothing to read yet and no end of input.
fn still_open(s: &TcpStream) -> std::io::Result<bool> {
    s.set_nonblocking(true)?;
    let mut byte = [0u8; 1];
    Ok(match s.peek(&mut byte) {
        Err(e) if e.kind() == ErrorKind::WouldBlock => true,
        // The end of input, unexpected bytes or a reset: not an idle open connection.
        Ok(_) | Err(_) => false,
    })
}

/// Where `needle` first occurs in `haystack`.
fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}
