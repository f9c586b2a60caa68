//! Holds idle keep-alive connections open against a server, for measuring the server's memory
//! per connection (see `bench/memory.sh`).
//!
//! `idle_client PORT N [SECONDS]` opens `N` connections to `127.0.0.1:PORT`, in batches so that
//! the listen backlog never holds more than one batch. On each, an http-core client connection
//! sends one `GET / HTTP/1.1` and reads the whole response (every read bounded by a timeout),
//! so that every connection has just completed one exchange. It then
//! prints `ready N` on stdout and keeps them all open and idle until its stdin closes or
//! `SECONDS` pass (default 600). Before it exits it prints `open K of N`: how many the server
//! still held open. Any failure is reported on stderr and ends the program with an error; it
//! raises no limit itself (the caller raises `ulimit -n`).

use http_core::{Config, Connection, Event, Headers, Instant, Polled, RequestHead};
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
/// Bytes read from a socket at a time.
const READ: usize = 4096;

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
    let mut buf = vec![0u8; READ];
    while conns.len() < n {
        let start = conns.len();
        let batch = BATCH.min(n - start);
        let mut engines = Vec::with_capacity(batch);
        for i in start..start + batch {
            let mut s = TcpStream::connect_timeout(&addr, TIMEOUT)
                .map_err(|e| format!("connection {i}: connect to {addr}: {e}"))?;
            s.set_read_timeout(Some(TIMEOUT))?;
            s.set_write_timeout(Some(TIMEOUT))?;
            engines.push(send_get(&mut s).map_err(|e| format!("connection {i}: {e}"))?);
            conns.push(s);
        }
        for (i, (s, engine)) in conns[start..].iter_mut().zip(&mut engines).enumerate() {
            read_response(s, engine, &mut buf)
                .map_err(|e| format!("connection {}: {e}", start + i))?;
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

/// Sends `GET /` on `s` through a client connection of the engine, which then reads the
/// response.
fn send_get(s: &mut TcpStream) -> Result<Connection, String> {
    let mut engine = Connection::client(Config::default(), Instant::ZERO);
    let mut get = RequestHead::new("GET", "/");
    get.headers.append("Host", "x");
    engine.send_request(get).map_err(|e| e.to_string())?;
    engine.send_end(Headers::new()).map_err(|e| e.to_string())?;
    while let Some(piece) = engine.poll_transmit() {
        s.write_all(&piece)
            .map_err(|e| format!("sending the request: {e}"))?;
    }
    Ok(engine)
}

/// Reads the whole response to the GET `engine` sent, which must be a 200 with nothing
/// after it.
fn read_response(s: &mut TcpStream, engine: &mut Connection, buf: &mut [u8]) -> Result<(), String> {
    loop {
        match engine.poll_event() {
            Ok(Polled::Event(Event::Response(r))) if r.status != 200 => {
                return Err(format!("unexpected status {}", r.status));
            }
            // Nothing may follow the response: bytes read past it would be a response to
            // no request (the engine then reports them as unexpected data).
            Ok(Polled::Event(Event::End(_))) => {
                return match engine.poll_event() {
                    Ok(Polled::NeedData) => Ok(()),
                    other => Err(format!("after the response: {other:?}")),
                };
            }
            Ok(Polled::Event(_)) => {}
            Ok(Polled::NeedData | Polled::Paused) => {
                let n = read_some(s, buf)?;
                engine.feed(Instant::ZERO, &buf[..n]);
            }
            Err(e) => return Err(format!("bad response: {e}")),
        }
    }
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
