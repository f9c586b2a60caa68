//! The harness of the conformance suite: what a mount provides ([`Mount`], [`App`],
//! [`TestConfig`], [`Running`]) and what the applications share with the checks (the body
//! [`pattern`], [`Meter`], [`Probe`]).

use super::wire::SAFETY;
use std::io;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Condvar, LazyLock, Mutex, mpsc};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

// ----- what a mount provides -----

/// A driver under test: starts a test application on a loopback port.
pub(crate) trait Mount {
    /// The driver's name, for messages.
    const NAME: &'static str;

    /// Starts `app` on `127.0.0.1:0` under `cfg`; returns once the server listens.
    fn start(app: App, cfg: TestConfig) -> Running;
}

/// The test applications every mount implements with its driver's handler types.
#[derive(Clone, Debug)]
pub(crate) enum App {
    /// The echo format (`ECHO_FORMAT.md`) through `example_support::Echo`, built from the raw
    /// head in the request's extensions: 200, `Content-Type: application/json`,
    /// Content-Length; a body that fails to read gives 400 (Content-Length 0).
    Echo,
    /// Answers 200 `not read` (Content-Length 8) without touching the request body.
    NoRead,
    /// By path: `/panic` panics before answering; `/error` returns `Err`; `/interim`
    /// answers with an interim status (103), which is no answer; `/error-mid`
    /// answers 200 with a streamed body (no Content-Length) that yields `partial` and then an
    /// error; `/collect` reads the whole body, passing its error on (as `?` does), and
    /// answers 200 with its length; `/drop-then-wait` drops the request unread, sleeps 50 ms
    /// and answers 200 `ok`; anything else answers 200 `ok` (Content-Length 2).
    Faulty,
    /// Reads the whole request body and its trailers, then answers 200 with the same bytes as
    /// a streamed body (no Content-Length, so chunked) followed by trailers: the request's
    /// trailer fields, then `X-Served: trailers`.
    Trailers,
    /// Answers 200 with `len` bytes of [`pattern`] as a streamed body with no Content-Length,
    /// produced lazily in pieces of at most [`PIECE`] bytes (take them from [`pattern_at`]),
    /// each counted with [`Meter::record`] as it is produced.
    Source {
        /// The body length.
        len: u64,
        /// Counts the bytes produced.
        meter: Arc<Meter>,
    },
    /// Reads the request body piece by piece, calling [`Meter::record`] with each piece and
    /// then waiting while the meter's gate is closed ([`Meter::wait_open`] or, in async code,
    /// polling [`Meter::is_open`] between short sleeps); then answers 200 with the number of
    /// body bytes in decimal (Content-Length set). A body that fails to read gives 400.
    Sink {
        /// Counts the bytes consumed.
        meter: Arc<Meter>,
    },
    /// Answers 101 (`Connection: upgrade`, `Upgrade: echo`) through the driver's
    /// `upgrade::on`, then on the upgraded connection writes back the leftover bytes and
    /// echoes every byte it reads until the end of input, then closes.
    Upgrade,
    /// Answers from files, sent by the driver's own means (`SendFile` in the response's
    /// extensions, `Body::from_file`), by path ([`files_answer`]): all of `small`, a range of
    /// it, none of it, a range running past its end, all of `big`; the whole of `small`
    /// under a head that frames it otherwise (chunked, another length) or under a 304; and
    /// `/slow`, an empty body in memory (Content-Length 0) after `slow` (the runtime's
    /// sleep).
    Files {
        /// The smaller file.
        small: PathBuf,
        /// The larger file, served at `/big`.
        big: PathBuf,
        /// How long `/slow` takes.
        slow: Duration,
    },
    /// `/slow`: calls [`Probe::hit`], sleeps `delay` (the runtime's own sleep), answers 200
    /// `slept` (Content-Length 5). Anything else: 200 `quick` (Content-Length 5) at once.
    Slow {
        /// How long `/slow` takes.
        delay: Duration,
        /// Hit when `/slow` starts.
        probe: Arc<Probe>,
    },
}

/// The server configuration a check asks for; each mount turns it into its driver's `Config`.
#[derive(Clone, Copy, Debug)]
pub(crate) struct TestConfig {
    /// `engine.timeouts.header_read`.
    pub(crate) header_read: Duration,
    /// `engine.timeouts.idle`.
    pub(crate) idle: Duration,
    /// `engine.timeouts.body_read`.
    pub(crate) body_read: Duration,
    /// `max_connections`.
    pub(crate) max_connections: usize,
    /// `shutdown_timeout`.
    pub(crate) shutdown_timeout: Duration,
    /// `write_timeout`.
    pub(crate) write_timeout: Duration,
    /// `peer_addr`: each request carries the peer's address.
    pub(crate) peer_addr: bool,
    /// `engine.limits.max_body`.
    pub(crate) max_body: u64,
}

impl Default for TestConfig {
    fn default() -> Self {
        Self {
            header_read: Duration::from_secs(5),
            idle: Duration::from_secs(5),
            body_read: Duration::from_secs(5),
            max_connections: 64,
            shutdown_timeout: Duration::from_secs(5),
            write_timeout: Duration::from_secs(5),
            peer_addr: true,
            max_body: http_core::Config::default().limits.max_body,
        }
    }
}

impl TestConfig {
    /// The engine's configuration: defaults with this configuration's timeouts.
    pub(crate) fn engine(&self) -> http_core::Config {
        let mut c = http_core::Config::default();
        c.timeouts.header_read = Some(self.header_read);
        c.timeouts.idle = Some(self.idle);
        c.timeouts.body_read = Some(self.body_read);
        c.limits.max_body = self.max_body;
        c
    }
}

/// What a mount's server thread reports once it listens.
pub(crate) type Ready = mpsc::Sender<(SocketAddr, Box<dyn Fn() + Send + Sync>)>;

/// A server under test, serving on its own thread.
pub(crate) struct Running {
    /// Where it listens.
    pub(crate) addr: SocketAddr,
    shutdown: Box<dyn Fn() + Send + Sync>,
    thread: Option<JoinHandle<io::Result<()>>>,
}

impl std::fmt::Debug for Running {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Running").field("addr", &self.addr).finish()
    }
}

impl Running {
    /// Runs `serve` on a new thread and waits until it reports, through the [`Ready`] it is
    /// given, its address and how to start its graceful shutdown. `serve` returns the result
    /// of the driver's `serve`.
    #[track_caller]
    pub(crate) fn spawn(serve: impl FnOnce(Ready) -> io::Result<()> + Send + 'static) -> Self {
        let (tx, rx) = mpsc::channel();
        let thread = std::thread::spawn(move || serve(tx));
        match rx.recv_timeout(SAFETY) {
            Ok((addr, shutdown)) => Self {
                addr,
                shutdown,
                thread: Some(thread),
            },
            Err(_) if thread.is_finished() => match thread.join() {
                Ok(r) => panic!("the server stopped before listening: {r:?}"),
                Err(p) => std::panic::resume_unwind(p),
            },
            Err(e) => panic!("the server did not report its address: {e}"),
        }
    }

    /// Starts the graceful shutdown.
    pub(crate) fn shutdown(&self) {
        (self.shutdown)();
    }

    /// Waits up to `within` for `serve` to return, and returns its result.
    #[track_caller]
    pub(crate) fn join(mut self, within: Duration) -> io::Result<()> {
        let thread = self.thread.take().expect("joined once");
        let deadline = Instant::now() + within;
        while !thread.is_finished() {
            assert!(
                Instant::now() < deadline,
                "serve did not return within {within:?} of the shutdown"
            );
            std::thread::sleep(Duration::from_millis(5));
        }
        match thread.join() {
            Ok(r) => r,
            Err(p) => std::panic::resume_unwind(p),
        }
    }

    /// Shuts down and asserts `serve` returns `Ok` in time.
    #[track_caller]
    pub(crate) fn stop(self) {
        self.shutdown();
        if let Err(e) = self.join(SAFETY) {
            panic!("serve returned an error: {e}");
        }
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        if self.thread.is_some() {
            (self.shutdown)();
        }
    }
}

// ----- shared pieces of the applications -----

/// A head's own word on the body of a file answer (see [`files_answer`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Framing {
    /// Nothing: the driver frames it by the range's length.
    ByLength,
    /// `Transfer-Encoding: chunked`, which a file sent as it is cannot honour.
    Chunked,
    /// `Content-Length: 4`, another length than the range's.
    OtherLength,
    /// Status 304, which carries no body.
    NotModified,
}

/// The answer of [`App::Files`] to `path`: the response `send` makes of a range of a file
/// (the driver's way of sending one), under the head the path asks for; `None` for `/slow`,
/// which the mount answers after its sleep. `/big` is all of `big`; of `small`, `/range` is
/// bytes 5..15, `/empty` none, `/short` 150 bytes from 50 before its end (100 past it), and
/// `/chunked`, `/mismatch`, `/not-modified` and any other path all of it, under their head.
pub(crate) fn files_answer<B>(
    path: &str,
    small: &Path,
    big: &Path,
    send: impl FnOnce(std::fs::File, u64, u64) -> http::Response<B>,
) -> io::Result<Option<http::Response<B>>> {
    if path == "/slow" {
        return Ok(None);
    }
    let file = std::fs::File::open(if path == "/big" { big } else { small })?;
    let all = file.metadata()?.len();
    let (offset, len, framing) = match path {
        "/range" => (5, 10, Framing::ByLength),
        "/empty" => (0, 0, Framing::ByLength),
        "/short" => (all.saturating_sub(50), 150, Framing::ByLength),
        "/chunked" => (0, all, Framing::Chunked),
        "/mismatch" => (0, all, Framing::OtherLength),
        "/not-modified" => (0, all, Framing::NotModified),
        _ => (0, all, Framing::ByLength),
    };
    let mut res = send(file, offset, len);
    framing.apply(&mut res);
    Ok(Some(res))
}

impl Framing {
    /// Gives `res` the head this framing asks for.
    pub(crate) fn apply<B>(self, res: &mut http::Response<B>) {
        let h = res.headers_mut();
        match self {
            Self::ByLength => {}
            Self::Chunked => {
                h.insert(
                    "transfer-encoding",
                    http::HeaderValue::from_static("chunked"),
                );
            }
            Self::OtherLength => {
                h.insert("content-length", http::HeaderValue::from_static("4"));
            }
            Self::NotModified => *res.status_mut() = http::StatusCode::NOT_MODIFIED,
        }
    }
}

/// The largest piece [`App::Source`] produces at once.
pub(crate) const PIECE: usize = 64 * 1024;

/// The byte at `offset` of every test body: a cycle of 251 (a prime, so no piece size
/// lines up with it).
pub(crate) fn pattern(offset: u64) -> u8 {
    (offset % 251) as u8
}

static CYCLE: LazyLock<Vec<u8>> =
    LazyLock::new(|| (0..(PIECE + 251) as u64).map(pattern).collect());

/// `len` (at most [`PIECE`]) bytes of the pattern starting at `offset`, without copying.
pub(crate) fn pattern_at(offset: u64, len: usize) -> &'static [u8] {
    assert!(len <= PIECE, "pattern pieces are at most {PIECE} bytes");
    let start = (offset % 251) as usize;
    &CYCLE[start..start + len]
}

/// `len` bytes of the pattern from 0.
pub(crate) fn pattern_vec(len: usize) -> Vec<u8> {
    (0..len as u64).map(pattern).collect()
}

/// Counts what an application produced or consumed, and holds it at a gate.
#[derive(Debug)]
pub(crate) struct Meter {
    bytes: AtomicU64,
    max_piece: AtomicU64,
    open: AtomicBool,
}

impl Meter {
    /// A meter whose gate is open.
    pub(crate) fn new() -> Arc<Self> {
        Arc::new(Self {
            bytes: AtomicU64::new(0),
            max_piece: AtomicU64::new(0),
            open: AtomicBool::new(true),
        })
    }

    /// A meter whose gate is closed until [`open`](Self::open).
    pub(crate) fn gated() -> Arc<Self> {
        let m = Self::new();
        m.open.store(false, Ordering::SeqCst);
        m
    }

    /// Counts one piece of `n` bytes.
    pub(crate) fn record(&self, n: usize) {
        self.bytes.fetch_add(n as u64, Ordering::SeqCst);
        self.max_piece.fetch_max(n as u64, Ordering::SeqCst);
    }

    /// The bytes counted so far.
    pub(crate) fn bytes(&self) -> u64 {
        self.bytes.load(Ordering::SeqCst)
    }

    /// The largest piece counted.
    pub(crate) fn max_piece(&self) -> u64 {
        self.max_piece.load(Ordering::SeqCst)
    }

    /// Whether the gate is open.
    pub(crate) fn is_open(&self) -> bool {
        self.open.load(Ordering::SeqCst)
    }

    /// Opens the gate.
    pub(crate) fn open(&self) {
        self.open.store(true, Ordering::SeqCst);
    }

    /// Blocks the calling thread while the gate is closed (blocking code only).
    pub(crate) fn wait_open(&self) {
        while !self.is_open() {
            std::thread::sleep(Duration::from_millis(2));
        }
    }
}

/// Counts events an application reports, for a check to wait on.
#[derive(Debug, Default)]
pub(crate) struct Probe {
    hits: Mutex<usize>,
    changed: Condvar,
}

impl Probe {
    /// A new probe.
    pub(crate) fn new() -> Arc<Self> {
        Arc::default()
    }

    /// Reports one event (never blocks for long: fine in async code).
    pub(crate) fn hit(&self) {
        *self.hits.lock().unwrap() += 1;
        self.changed.notify_all();
    }

    /// Waits until `n` events were reported.
    #[track_caller]
    pub(crate) fn wait(&self, n: usize) {
        let hits = self.hits.lock().unwrap();
        let (hits, t) = self
            .changed
            .wait_timeout_while(hits, SAFETY, |h| *h < n)
            .unwrap();
        assert!(!t.timed_out(), "the application reported {} of {n}", *hits);
    }
}
