//! A static file server on driver-tokio: point it at a folder and open a browser.
//!
//! `cargo run --release -p driver-tokio --example static_files -- [DIR] [--port N] [--bind ADDR]
//! [--threads N] [--quiet]`
//!
//! GET and HEAD; `index.html` or a listing for directories; ETag and Last-Modified with
//! conditional requests; byte ranges (one, or several as multipart/byteranges); small files
//! cached in memory (a change shows within a second), large ones sent from the file by
//! `sendfile(2)`; never a path outside the root. One access-log line per request on stderr,
//! unless `--quiet`. `--threads N` sets the runtime's worker threads (default: one per CPU);
//! `--port 0` picks a free port, shown in the `serving ... on` line on stdout. Ctrl-C shuts
//! down gracefully.

mod ranges;
mod serve;
mod site;

use driver_tokio::{BoxError, Config, Incoming, Server};
use std::io::Write;
use std::net::IpAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

struct Args {
    dir: PathBuf,
    port: u16,
    bind: IpAddr,
    threads: usize,
    quiet: bool,
}

fn args() -> Result<Args, String> {
    let mut a = Args {
        dir: PathBuf::from("."),
        port: 8080,
        bind: IpAddr::from([127, 0, 0, 1]),
        threads: std::thread::available_parallelism().map_or(1, std::num::NonZero::get),
        quiet: false,
    };
    let mut it = std::env::args().skip(1);
    let mut dir_seen = false;
    while let Some(arg) = it.next() {
        // `--name=value` as `--name value`.
        let (arg, mut inline) = match arg.split_once('=') {
            Some((name, value)) if name.starts_with("--") => {
                (name.to_owned(), Some(value.to_owned()))
            }
            _ => (arg, None),
        };
        let mut value = |name: &str| {
            inline
                .take()
                .or_else(|| it.next())
                .ok_or_else(|| format!("{name} needs a value"))
        };
        match arg.as_str() {
            "--port" => {
                let v = value("--port")?;
                a.port = v
                    .parse()
                    .map_err(|_| format!("--port: {v:?} is not a port"))?;
            }
            "--bind" => {
                let v = value("--bind")?;
                a.bind = v
                    .parse()
                    .map_err(|_| format!("--bind: {v:?} is not an IP address"))?;
            }
            "--threads" => {
                let v = value("--threads")?;
                a.threads = v
                    .parse()
                    .ok()
                    .filter(|&n: &usize| n > 0)
                    .ok_or_else(|| format!("--threads: {v:?} is not a positive number"))?;
            }
            "--quiet" => a.quiet = true,
            "-h" | "--help" => {
                println!("usage: {USAGE}");
                std::process::exit(0);
            }
            s if s.starts_with('-') => return Err(format!("unknown option {s}")),
            s if !dir_seen => {
                a.dir = PathBuf::from(s);
                dir_seen = true;
            }
            s => return Err(format!("unexpected argument {s}")),
        }
    }
    Ok(a)
}

/// The command line.
const USAGE: &str = "static_files [DIR] [--port N] [--bind ADDR] [--threads N] [--quiet]";

fn main() -> Result<(), BoxError> {
    let a = args().unwrap_or_else(|e| {
        eprintln!("{e}\nusage: {USAGE}");
        std::process::exit(2);
    });
    let site = Arc::new(site::Site::new(&a.dir).map_err(|e| format!("{}: {e}", a.dir.display()))?);
    let quiet = a.quiet;
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(a.threads)
        .enable_all()
        .build()?
        .block_on(async move {
            let server = Server::bind((a.bind, a.port), Config::default()).await?;
            // Before the line that says it serves: a signal from then on is a graceful shutdown.
            let shutdown = server.shutdown_handle();
            example_support::tokio_shutdown_on_ctrl_c(move || shutdown.shutdown());
            println!(
                "serving {} on http://{}/",
                site.root().display(),
                server.local_addr()?
            );
            std::io::stdout().flush()?;
            server
                .serve(move |req: http::Request<Incoming>| {
                    let site = site.clone();
                    async move {
                        let start = Instant::now();
                        let res = serve::respond(&site, req.method(), req.uri(), req.headers());
                        if quiet {
                            return Ok::<_, BoxError>(res);
                        }
                        let bytes = res
                            .headers()
                            .get(http::header::CONTENT_LENGTH)
                            .and_then(|v| v.to_str().ok())
                            .unwrap_or("-");
                        // One write for the line: `eprintln!` writes each of its pieces
                        // to the unbuffered stderr by itself, some ten system calls a
                        // request.
                        let line = format!(
                            "{} {} {} {} {:?}\n",
                            req.method(),
                            req.uri().path(),
                            res.status().as_u16(),
                            bytes,
                            start.elapsed()
                        );
                        let _ = std::io::stderr().write_all(line.as_bytes());
                        Ok::<_, BoxError>(res)
                    }
                })
                .await?;
            Ok(())
        })
}
