//! Replays a recorded request transcript through a server [`Connection`] and prints what the
//! engine hands out and the exact bytes it queues to send.
//!
//! ```text
//! cargo run -p http-core --example replay                        # tests/corpus/pipelined.http
//! cargo run -p http-core --example replay -- --split 1           # the same, one byte at a time
//! cargo run -p http-core --example replay -- tests/corpus/http10.http
//! cargo run -p http-core --example replay -- - < request.http    # from stdin
//! cargo run -p http-core --example replay -- --timeout tests/corpus/slowloris-partial.http
//! ```
//!
//! The transcript is fed in pieces of `--split N` bytes (default: all at once), followed by the
//! end of input or, with `--timeout`, by the passing of the engine's next deadline. The scripted
//! application accepts `Expect: 100-continue`, answers each request once it has ended with 200
//! and a line describing it (501 for CONNECT: it opens no tunnels), and answers the peer's
//! errors with the status the engine suggests.
//!
//! In the output, `<-` lines are events from the engine, `->` the application's commands, `!!`
//! the peer's errors and `~~` the driver's inputs after the transcript. Consecutive body pieces
//! are printed as one line, so the output does not depend on the split: `diff` two splits to
//! see that the engine is split-invariant.

use http_core::{Bytes, Config, Connection, Event, Headers, Instant, Polled, ResponseHead};
use std::error::Error;
use std::fmt::Write as _;
use std::io::{self, Read, Write};
use std::{env, fs, process};

const USAGE: &str = "usage: replay [--split N] [--timeout] [TRANSCRIPT | -]";

/// The transcript replayed when none is named.
const DEFAULT: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../tests/corpus/pipelined.http"
);

/// How many bytes of a body to show.
const PREVIEW: usize = 40;

fn main() {
    let mut split = None;
    let mut timeout = false;
    let mut path = None;
    let mut args = env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--split" => match args.next().and_then(|n| n.parse().ok()) {
                Some(n) if n > 0 => split = Some(n),
                _ => usage("--split takes a number of bytes above 0"),
            },
            "--timeout" => timeout = true,
            "-h" | "--help" => {
                println!("{USAGE}");
                return;
            }
            _ if path.is_none() && (arg == "-" || !arg.starts_with('-')) => path = Some(arg),
            _ => usage(&format!("unexpected argument {arg:?}")),
        }
    }
    if let Err(e) = run(path.as_deref().unwrap_or(DEFAULT), split, timeout) {
        eprintln!("replay: {e}");
        process::exit(1);
    }
}

fn usage(problem: &str) -> ! {
    eprintln!("replay: {problem}\n{USAGE}");
    process::exit(2);
}

fn run(path: &str, split: Option<usize>, timeout: bool) -> Result<(), Box<dyn Error>> {
    let input = if path == "-" {
        let mut buf = Vec::new();
        io::stdin().read_to_end(&mut buf)?;
        buf
    } else {
        fs::read(path).map_err(|e| format!("{path}: {e}"))?
    };

    let mut replay = Replay {
        conn: Connection::server(Config::default(), Instant::ZERO),
        out: Printer::default(),
        request: String::new(),
        status: 200,
        body_len: 0,
        wire: Vec::new(),
        done: false,
    };
    let result = replay.run(&input, split, timeout);
    // Written at the end (also after an error), and quietly cut short when piped into `head`.
    match io::stdout().lock().write_all(replay.out.text.as_bytes()) {
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => {}
        other => other?,
    }
    result
}

/// The connection, with the scripted application's state.
struct Replay {
    conn: Connection,
    out: Printer,
    /// `METHOD target` of the request being answered.
    request: String,
    /// The status that answers it.
    status: u16,
    /// Body bytes of that request so far.
    body_len: usize,
    /// Every byte the engine queued for transmission, in order.
    wire: Vec<u8>,
    /// Set once a driver would stop reading: an error, the peer's close, or `should_close`.
    done: bool,
}

impl Replay {
    /// Feeds the transcript, then the end of input or the next deadline, and prints the
    /// response bytes.
    fn run(
        &mut self,
        input: &[u8],
        split: Option<usize>,
        timeout: bool,
    ) -> Result<(), Box<dyn Error>> {
        self.out.line("== events ==");
        for piece in input.chunks(split.unwrap_or(input.len()).max(1)) {
            // A driver would read from a socket here; every piece arrives at the same instant.
            self.conn.feed(Instant::ZERO, piece);
            self.drive()?;
            if self.done {
                break;
            }
        }
        if !self.done {
            match self.conn.poll_timeout() {
                Some(deadline) if timeout => {
                    let (kind, at) = (deadline.kind, deadline.at.as_duration().as_secs());
                    let line = format!("~~ time     the {kind:?} deadline passes at {at} s");
                    self.out.line(line);
                    self.conn.handle_timeout(deadline.at);
                }
                _ => {
                    self.out.line("~~ eof      the peer shuts down its side");
                    self.conn.feed_eof();
                }
            }
            self.drive()?;
        }
        let should_close = self.conn.should_close();
        self.out.line(format!("-- should_close: {should_close}"));

        let len = self.wire.len();
        self.out
            .line(format!("\n== response bytes ({len} bytes) =="));
        self.out
            .line(escape(&self.wire, true).trim_end_matches('\n'));
        Ok(())
    }

    /// The driver loop after each input: drain the events, acting on each, then the transmit
    /// queue.
    fn drive(&mut self) -> Result<(), Box<dyn Error>> {
        while !self.done {
            match self.conn.poll_event() {
                Ok(Polled::Event(event)) => self.on_event(event)?,
                Ok(Polled::NeedData | Polled::Paused) => break,
                Err(e) => {
                    let hint = e.status_hint().map_or("none".into(), |s| s.to_string());
                    self.out
                        .line(format!("!! error    {e} (status hint: {hint})"));
                    let queued = self.conn.send_error_response()?;
                    self.out.line(if queued {
                        "-> send_error_response: queued"
                    } else {
                        "-> send_error_response: nothing to send"
                    });
                    self.done = true;
                }
            }
        }
        while let Some(piece) = self.conn.poll_transmit() {
            self.wire.extend_from_slice(&piece);
        }
        self.done |= self.conn.should_close();
        Ok(())
    }

    /// The scripted application.
    fn on_event(&mut self, event: Event) -> Result<(), Box<dyn Error>> {
        match event {
            Event::Request(req) => {
                let (method, target) = (escape(&req.method, false), escape(&req.target, false));
                self.out
                    .line(format!("<- request  {method} {target} {}", req.version));
                self.out.fields(&req.headers);
                if self.conn.expects_continue() {
                    self.conn.send_continue()?;
                    self.out.line("-> send_continue");
                }
                self.request = format!("{method} {target}");
                self.status = if req.is_connect() { 501 } else { 200 };
                self.body_len = 0;
            }
            Event::Data(data) => {
                self.body_len += data.len();
                self.out.data(&data);
            }
            Event::End(trailers) => {
                self.out.line(if trailers.is_empty() {
                    "<- end"
                } else {
                    "<- end      trailers:"
                });
                self.out.fields(&trailers);
                let body = format!("{} with {} body bytes\n", self.request, self.body_len);
                let shown = escape(body.as_bytes(), false);
                let status = self.status;
                let mut res = ResponseHead::new(status);
                res.headers.append("Content-Type", "text/plain");
                res.headers.append("Content-Length", body.len().to_string());
                self.conn.send_response(res)?;
                self.conn.send_data(Bytes::from(body))?;
                self.conn.send_end(Headers::new())?;
                self.out.line(format!(
                    "-> send_response {status}, send_data \"{shown}\", send_end"
                ));
            }
            Event::Closed => {
                self.out.line("<- closed");
                self.done = true; // terminal: every later poll returns it again
            }
            other => self.out.line(format!("<- {other:?}")),
        }
        Ok(())
    }
}

/// The output, with consecutive body pieces merged into one line.
#[derive(Default)]
struct Printer {
    text: String,
    /// The body run not printed yet: its length and first bytes.
    data: Option<(usize, Vec<u8>)>,
}

impl Printer {
    fn line(&mut self, line: impl AsRef<str>) {
        if let Some((len, preview)) = self.data.take() {
            let more = if len > preview.len() { "..." } else { "" };
            let preview = escape(&preview, false);
            let _ = writeln!(self.text, "<- data     {len} bytes \"{preview}\"{more}");
        }
        self.text.push_str(line.as_ref());
        self.text.push('\n');
    }

    fn data(&mut self, piece: &[u8]) {
        let (len, preview) = self.data.get_or_insert_with(Default::default);
        *len += piece.len();
        let room = PREVIEW - preview.len();
        preview.extend_from_slice(&piece[..room.min(piece.len())]);
    }

    fn fields(&mut self, fields: &Headers) {
        for (name, value) in fields {
            let (name, value) = (escape(name, false), escape(value, false));
            self.line(format!("           {name}: {value}"));
        }
    }
}

/// Bytes as printable ASCII: CR, LF, tab, backslash, `"` and other bytes escaped. With
/// `lines`, each `\n` is followed by a real newline and `"` is left alone.
fn escape(bytes: &[u8], lines: bool) -> String {
    let mut s = String::new();
    for &b in bytes {
        match b {
            b'\r' => s.push_str("\\r"),
            b'\n' if lines => s.push_str("\\n\n"),
            b'\n' => s.push_str("\\n"),
            b'\t' => s.push_str("\\t"),
            b'\\' => s.push_str("\\\\"),
            b'"' if !lines => s.push_str("\\\""),
            b' '..=b'~' => s.push(char::from(b)),
            _ => {
                let _ = write!(s, "\\x{b:02x}");
            }
        }
    }
    s
}
