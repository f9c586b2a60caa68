//! What the drivers' example programs share, so that each driver's `echo` and `hello` say the
//! same thing in the same bytes: the echo format (`ECHO_FORMAT.md`: a JSON object whose every
//! leaf is standard base64 of raw bytes) and the `--port N` argument.

use std::fmt::Write as _;

/// The body every `hello` example answers with (served as `text/plain`, Content-Length 13).
pub const HELLO: &[u8] = b"Hello, World!";

/// A request as the echo format reports it: raw bytes, exactly as parsed.
#[derive(Clone, Copy, Debug)]
pub struct Echo<'a> {
    /// The method token, case preserved.
    pub method: &'a [u8],
    /// The request-target, raw octets, no percent-decoding.
    pub uri: &'a [u8],
    /// The version without `HTTP/`: `1.1` or `1.0`.
    pub version: &'a [u8],
    /// The body with its transfer codings removed.
    pub body: &'a [u8],
}

impl Echo<'_> {
    /// The JSON object of the echo format; `headers` are the header section's field lines in
    /// received order, one `(name, value)` pair per line, values without surrounding whitespace.
    /// Trailers are never part of it.
    pub fn to_json<'h>(&self, headers: impl IntoIterator<Item = (&'h [u8], &'h [u8])>) -> String {
        let mut out = String::with_capacity(128 + self.body.len() * 4 / 3);
        out.push_str("{\"method\": \"");
        base64(self.method, &mut out);
        out.push_str("\", \"uri\": \"");
        base64(self.uri, &mut out);
        out.push_str("\", \"version\": \"");
        base64(self.version, &mut out);
        out.push_str("\", \"headers\": [");
        for (i, (name, value)) in headers.into_iter().enumerate() {
            if i > 0 {
                out.push_str(", ");
            }
            out.push_str("[\"");
            base64(name, &mut out);
            out.push_str("\", \"");
            base64(value, &mut out);
            out.push_str("\"]");
        }
        out.push_str("], \"body\": \"");
        base64(self.body, &mut out);
        out.push_str("\"}");
        out
    }
}

/// Standard base64 (RFC 4648 §4 alphabet, `=` padding, no line breaks) of `bytes`, appended.
pub fn base64(bytes: &[u8], out: &mut String) {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let sextet = |v: u32, shift: u32| char::from(ALPHABET[((v >> shift) & 63) as usize]);
    let mut chunks = bytes.chunks_exact(3);
    for c in &mut chunks {
        let v = u32::from(c[0]) << 16 | u32::from(c[1]) << 8 | u32::from(c[2]);
        out.extend([sextet(v, 18), sextet(v, 12), sextet(v, 6), sextet(v, 0)]);
    }
    match *chunks.remainder() {
        [a] => {
            let v = u32::from(a) << 16;
            out.extend([sextet(v, 18), sextet(v, 12), '=', '=']);
        }
        [a, b] => {
            let v = u32::from(a) << 16 | u32::from(b) << 8;
            out.extend([sextet(v, 18), sextet(v, 12), sextet(v, 6), '=']);
        }
        _ => {}
    }
}

/// The value of `--port N` (or `--port=N`) among `args` (the program name excluded); `default`
/// when absent. Port 0 asks the system for a free port; the program then prints the one it got.
///
/// # Errors
/// A message for the user when the argument is missing its value or is not a port number.
pub fn port_arg(args: impl IntoIterator<Item = String>, default: u16) -> Result<u16, String> {
    let mut args = args.into_iter();
    let mut port = default;
    while let Some(arg) = args.next() {
        let Some(value) = flag_value(&arg, "port", &mut args) else {
            return Err(format!("unknown argument {arg:?} (usage: [--port N])"));
        };
        let value = value?;
        port = value
            .parse()
            .map_err(|_| format!("--port: {value:?} is not a port number"))?;
    }
    Ok(port)
}

/// The value of `arg` when it is `--NAME VALUE` (the value taken from `rest`) or
/// `--NAME=VALUE`; `None` when it is another argument.
fn flag_value(
    arg: &str,
    name: &str,
    rest: &mut impl Iterator<Item = String>,
) -> Option<Result<String, String>> {
    let flag = arg.strip_prefix("--")?.strip_prefix(name)?;
    if flag.is_empty() {
        return Some(rest.next().ok_or_else(|| format!("--{name} needs a value")));
    }
    flag.strip_prefix('=').map(|v| Ok(v.to_owned()))
}

/// The arguments of a `hello` example: `--port N` as [`port_arg`] reads them, and
/// `--max-connections N` (or `--max-connections=N`), which replaces the driver's connection
/// limit, for benchmarks that hold many connections open; `None` when absent (the driver's
/// default stays).
///
/// # Errors
/// A message for the user when an argument is unknown, is missing its value or is not a number.
pub fn hello_args(
    args: impl IntoIterator<Item = String>,
    default_port: u16,
) -> Result<(u16, Option<usize>), String> {
    let mut args = args.into_iter();
    let mut rest = Vec::new();
    let mut max = None;
    while let Some(arg) = args.next() {
        let Some(value) = flag_value(&arg, "max-connections", &mut args) else {
            rest.push(arg);
            continue;
        };
        let value = value?;
        max = Some(
            value
                .parse()
                .map_err(|_| format!("--max-connections: {value:?} is not a count"))?,
        );
    }
    let port = port_arg(rest, default_port)
        .map_err(|e| e.replace("[--port N]", "[--port N] [--max-connections N]"))?;
    Ok((port, max))
}

/// The command line of an example, read by `parse` (the arguments after the program's name),
/// or the end of the program: with `-h` or `--help` anywhere, `usage` on stdout and status
/// 0; with arguments `parse` cannot read, its message and `usage` on stderr and status 2.
pub fn args_or_exit<T>(usage: &str, parse: impl FnOnce(Vec<String>) -> Result<T, String>) -> T {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.iter().any(|a| a == "-h" || a == "--help") {
        println!("usage: {usage}");
        std::process::exit(0);
    }
    parse(args).unwrap_or_else(|e| {
        eprintln!("{e}\nusage: {usage}");
        std::process::exit(2);
    })
}

/// The echo servers' answer to a request whose head is `raw`, as received (the driver keeps
/// it when asked, `Config::raw_head`), and whose body, its transfer coding removed, is
/// `body`, or `None` if it could not be read (a bad chunk, a limit): 200 with the JSON of
/// [`Echo`]; 400 for a body that failed; 501 for a CONNECT, whose 2xx would open a tunnel
/// and carry no content (RFC 9110 §9.3.6), which the echo does not do.
pub fn echo_answer(raw: &http_core::RequestHead, body: Option<&[u8]>) -> http::Response<Vec<u8>> {
    let status = |code: u16| {
        let mut res = http::Response::new(Vec::new());
        *res.status_mut() = http::StatusCode::from_u16(code).unwrap_or_default();
        res
    };
    let Some(body) = body else {
        return status(400);
    };
    if raw.is_connect() {
        return status(501);
    }
    let version = match raw.version {
        http_core::Version::Http10 => "1.0",
        http_core::Version::Http11 => "1.1",
    };
    let json = Echo {
        method: &raw.method,
        uri: &raw.target,
        version: version.as_bytes(),
        body,
    }
    .to_json(raw.headers.iter());
    let mut res = http::Response::new(json.into_bytes());
    let fields = res.headers_mut();
    fields.insert(
        http::header::CONTENT_TYPE,
        http::HeaderValue::from_static("application/json"),
    );
    let len = res.body().len();
    res.headers_mut()
        .insert(http::header::CONTENT_LENGTH, http::HeaderValue::from(len));
    res
}

/// What the `n`th Ctrl-C or termination signal (from 0) does: the first starts `shutdown`
/// (a server's graceful shutdown: no new connections, the requests under way answered),
/// saying so on stderr; a second ends the process at once.
fn signalled(n: usize, shutdown: &impl Fn()) {
    if n > 0 {
        std::process::exit(130);
    }
    eprintln!("shutting down (again to stop at once)");
    shutdown();
}

/// Says a signal will not shut the server down gracefully.
fn unsignalled(e: impl std::fmt::Display) {
    eprintln!("no graceful shutdown on Ctrl-C: {e}");
}

/// Calls `shutdown` (a server's graceful shutdown: no new connections, the requests under
/// way answered) on the first Ctrl-C or termination signal, saying so on stderr; a second
/// one ends the process at once. On a thread of its own: for the blocking driver's servers,
/// which have threads anyway.
pub fn shutdown_on_ctrl_c(shutdown: impl Fn() + Send + 'static) {
    let signals = std::sync::atomic::AtomicUsize::new(0);
    let set = ctrlc::set_handler(move || {
        signalled(
            signals.fetch_add(1, std::sync::atomic::Ordering::SeqCst),
            &shutdown,
        );
    });
    if let Err(e) = set {
        unsignalled(e);
    }
}

/// [`shutdown_on_ctrl_c`] as a task of the tokio runtime it is called in. The signals are
/// listened for from the call on (none is lost between the first and the second).
#[cfg(feature = "tokio")]
pub fn tokio_shutdown_on_ctrl_c(shutdown: impl Fn() + Send + 'static) {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let (mut int, mut term) = match (
            signal(SignalKind::interrupt()),
            signal(SignalKind::terminate()),
        ) {
            (Ok(int), Ok(term)) => (int, term),
            (Err(e), _) | (_, Err(e)) => return unsignalled(e),
        };
        tokio::spawn(async move {
            for n in 0.. {
                tokio::select! {
                    _ = int.recv() => {}
                    _ = term.recv() => {}
                }
                signalled(n, &shutdown);
            }
        });
    }
    #[cfg(not(unix))]
    tokio::spawn(async move {
        for n in 0.. {
            let _ = tokio::signal::ctrl_c().await;
            signalled(n, &shutdown);
        }
    });
}

/// [`shutdown_on_ctrl_c`] as a task of smol's global executor.
#[cfg(feature = "smol")]
pub fn smol_shutdown_on_ctrl_c(shutdown: impl Fn() + Send + 'static) {
    use async_signal::{Signal, Signals};
    use smol::stream::StreamExt;
    let mut signals = match Signals::new([Signal::Int, Signal::Term]) {
        Ok(signals) => signals,
        Err(e) => return unsignalled(e),
    };
    smol::spawn(async move {
        for n in 0.. {
            signals.next().await;
            signalled(n, &shutdown);
        }
    })
    .detach();
}

/// The line a server example prints once it listens, so that scripts can find the port.
pub fn listening_line(addr: std::net::SocketAddr) -> String {
    let mut line = String::new();
    let _ = write!(line, "listening on http://{addr}");
    line
}

#[cfg(test)]
mod tests {
    use super::*;

    fn b64(bytes: &[u8]) -> String {
        let mut s = String::new();
        base64(bytes, &mut s);
        s
    }

    #[test]
    fn base64_matches_rfc_4648_test_vectors() {
        // RFC 4648 §10.
        let vectors = [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ];
        for (plain, encoded) in vectors {
            assert_eq!(b64(plain.as_bytes()), encoded, "{plain:?}");
        }
        assert_eq!(b64(&[0xff, 0xfe, 0x00]), "//4A");
    }

    #[test]
    fn the_worked_example_of_the_echo_format() {
        let echo = Echo {
            method: b"POST",
            uri: b"/a?b=1",
            version: b"1.1",
            body: b"hello",
        };
        let headers: [(&[u8], &[u8]); 4] = [
            (b"Host", b"example"),
            (b"X-Dup", b"1"),
            (b"X-Dup", b"2"),
            (b"Transfer-Encoding", b"chunked"),
        ];
        assert_eq!(
            echo.to_json(headers),
            "{\"method\": \"UE9TVA==\", \"uri\": \"L2E/Yj0x\", \"version\": \"MS4x\", \
             \"headers\": [[\"SG9zdA==\", \"ZXhhbXBsZQ==\"], [\"WC1EdXA=\", \"MQ==\"], \
             [\"WC1EdXA=\", \"Mg==\"], [\"VHJhbnNmZXItRW5jb2Rpbmc=\", \"Y2h1bmtlZA==\"]], \
             \"body\": \"aGVsbG8=\"}"
        );
    }

    #[test]
    fn port_argument_forms() {
        let args = |a: &[&str]| a.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
        assert_eq!(port_arg(args(&[]), 8080), Ok(8080));
        assert_eq!(port_arg(args(&["--port", "0"]), 8080), Ok(0));
        assert_eq!(port_arg(args(&["--port=9000"]), 8080), Ok(9000));
        assert!(port_arg(args(&["--port"]), 8080).is_err());
        assert!(port_arg(args(&["--port", "65536"]), 8080).is_err());
        assert!(port_arg(args(&["--bogus"]), 8080).is_err());
    }

    #[test]
    fn hello_argument_forms() {
        let args = |a: &[&str]| a.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
        assert_eq!(hello_args(args(&[]), 8080), Ok((8080, None)));
        assert_eq!(
            hello_args(args(&["--port", "0", "--max-connections", "20000"]), 8080),
            Ok((0, Some(20000)))
        );
        assert_eq!(
            hello_args(args(&["--max-connections=5", "--port=9000"]), 8080),
            Ok((9000, Some(5)))
        );
        assert!(hello_args(args(&["--max-connections"]), 8080).is_err());
        assert!(hello_args(args(&["--max-connections", "-1"]), 8080).is_err());
        assert!(hello_args(args(&["--bogus"]), 8080).is_err());
    }

    #[test]
    fn the_echo_answers_200_with_the_json_400_for_a_failed_body_and_501_for_connect() {
        let mut get = http_core::RequestHead::new("GET", "/a?b");
        get.headers.append("Host", "x");
        let res = echo_answer(&get, Some(b"hi"));
        assert_eq!(res.status(), 200);
        assert_eq!(res.headers()["content-type"], "application/json");
        let json = String::from_utf8(res.body().clone()).expect("utf-8");
        assert_eq!(
            res.headers()["content-length"],
            json.len().to_string().as_str()
        );
        assert!(
            json.contains(&b64(b"/a?b")) && json.contains(&b64(b"hi")),
            "{json}"
        );
        let refused = echo_answer(&get, None);
        assert_eq!((refused.status().as_u16(), refused.body().len()), (400, 0));
        let mut connect = http_core::RequestHead::new("CONNECT", "x:443");
        connect.headers.append("Host", "x:443");
        let tunnel = echo_answer(&connect, Some(b""));
        assert_eq!((tunnel.status().as_u16(), tunnel.body().len()), (501, 0));
    }
}
