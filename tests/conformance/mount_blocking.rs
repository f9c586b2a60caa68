//! The test applications on driver-blocking: plain functions, `std::io::Read` bodies.

use super::{
    App, Mount, PIECE, Running, TestConfig, async_apps::echo_json, files_answer, pattern_at,
};
use driver_blocking::{Body, Config, Incoming, Server, upgrade};
use http::{HeaderMap, HeaderValue, Request, Response, StatusCode};
use std::io::{self, Read, Write};
use std::sync::Arc;

/// driver-blocking under test.
#[derive(Debug)]
pub(crate) struct Blocking;

/// The driver's configuration for a test configuration.
pub(crate) fn config(cfg: &TestConfig) -> Config {
    let mut c = Config::default();
    c.engine = cfg.engine();
    c.max_connections = cfg.max_connections;
    c.shutdown_timeout = cfg.shutdown_timeout;
    c.write_timeout = cfg.write_timeout;
    c.peer_addr = cfg.peer_addr;
    // The echo application reports the head as received.
    c.raw_head = true;
    c
}

impl Mount for Blocking {
    const NAME: &'static str = "driver-blocking";

    fn start(app: App, cfg: TestConfig) -> Running {
        Running::spawn(move |ready| {
            let server = Server::bind("127.0.0.1:0", config(&cfg))?;
            let shutdown = server.shutdown_handle();
            let _ = ready.send((server.local_addr()?, Box::new(move || shutdown.shutdown())));
            let app = Arc::new(app);
            server.serve(move |req| handle(&app, req))
        })
    }
}

type BoxError = Box<dyn std::error::Error + Send + Sync>;

fn full(status: u16, content_type: Option<&str>, body: impl Into<Vec<u8>>) -> Response<Body> {
    let body: Vec<u8> = body.into();
    let mut res = Response::new(Body::empty());
    *res.status_mut() = StatusCode::from_u16(status).expect("status");
    res.headers_mut()
        .insert("content-length", HeaderValue::from(body.len()));
    if let Some(ct) = content_type {
        res.headers_mut()
            .insert("content-type", HeaderValue::from_str(ct).expect("type"));
    }
    *res.body_mut() = Body::from(body);
    res
}

fn streamed(body: Body) -> Response<Body> {
    Response::new(body)
}

/// A reader that yields `partial`, then fails.
struct FailsMidway(bool);

impl Read for FailsMidway {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if std::mem::replace(&mut self.0, true) {
            return Err(io::Error::other("the test body fails (on purpose)"));
        }
        buf[..7].copy_from_slice(b"partial");
        Ok(7)
    }
}

/// A reader whose pieces come [`super::PACE`] apart, as a slow source's would.
struct PacedReader(&'static [&'static [u8]]);

impl Read for PacedReader {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let Some((piece, rest)) = self.0.split_first() else {
            return Ok(0);
        };
        std::thread::sleep(super::PACE);
        self.0 = rest;
        buf[..piece.len()].copy_from_slice(piece);
        Ok(piece.len())
    }
}

/// The pattern, `len` bytes, counted as it is read.
pub(crate) struct SourceReader {
    /// Bytes made so far.
    pub(crate) sent: u64,
    /// The body's length.
    pub(crate) len: u64,
    /// Counts what was made.
    pub(crate) meter: Arc<super::Meter>,
}

impl Read for SourceReader {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = (self.len - self.sent)
            .min(PIECE as u64)
            .min(buf.len() as u64) as usize;
        buf[..n].copy_from_slice(pattern_at(self.sent, n));
        self.sent += n as u64;
        self.meter.record(n);
        Ok(n)
    }
}

fn handle(app: &App, mut req: Request<Incoming>) -> Result<Response<Body>, BoxError> {
    Ok(match app {
        App::Echo => {
            let Some(head) = req.extensions().get::<http_core::RequestHead>().cloned() else {
                return Ok(full(500, None, "no raw head in the request's extensions"));
            };
            let mut body = Vec::new();
            if req.body_mut().read_to_end(&mut body).is_err() {
                return Ok(full(400, None, ""));
            }
            full(200, Some("application/json"), echo_json(&head, &body))
        }
        App::NoRead => full(200, None, "not read"),
        App::Faulty => match req.uri().path() {
            "/panic" => panic!("the test application panics (on purpose)"),
            "/error" => return Err("the test application fails (on purpose)".into()),
            "/collect" => {
                // An application that passes the body's error on, as `?` does.
                let mut body = Vec::new();
                req.body_mut().read_to_end(&mut body)?;
                full(200, None, body.len().to_string())
            }
            "/drop-then-wait" => {
                drop(req);
                std::thread::sleep(std::time::Duration::from_millis(50));
                full(200, None, "ok")
            }
            "/error-mid" => streamed(Body::from_reader(FailsMidway(false))),
            "/interim" => {
                let mut res = full(103, None, "");
                res.headers_mut().clear();
                res
            }
            "/mirror" => streamed(Body::from_reader(req.into_body())),
            "/slowstream" => streamed(Body::from_reader(PacedReader(&[b"a", b"b", b"c"]))),
            "/204body" | "/304body" => {
                let status = if req.uri().path() == "/204body" {
                    204
                } else {
                    304
                };
                let mut res = full(status, None, "abc");
                res.headers_mut().remove("content-length");
                res
            }
            "/bg" => {
                let id = super::request_id(req.headers());
                let mut body = req.into_body();
                std::thread::spawn(move || {
                    let mut bytes = Vec::new();
                    let outcome = match body.read_to_end(&mut bytes) {
                        Ok(n) => format!("ended after {n} bytes"),
                        Err(e) => format!("error: {e}"),
                    };
                    super::record_outcome(id, outcome);
                });
                full(200, None, "ok")
            }
            "/peer" => full(
                200,
                None,
                super::peer(
                    req.extensions()
                        .get::<driver_blocking::PeerAddr>()
                        .map(|p| p.0),
                ),
            ),
            "/sized-trailers" => {
                let mut trailers = HeaderMap::new();
                trailers.insert("x-trailer", HeaderValue::from_static("tval"));
                let mut res = full(200, None, "abcdef");
                res.headers_mut().remove("content-length");
                res.map(|b| b.with_trailers(trailers))
            }
            _ => full(200, None, "ok"),
        },
        App::Trailers => {
            let mut body = Vec::new();
            if req.body_mut().read_to_end(&mut body).is_err() {
                return Ok(full(400, None, ""));
            }
            let mut trailers = req.body().trailers().cloned().unwrap_or_default();
            trailers.append("x-served", HeaderValue::from_static("trailers"));
            streamed(Body::from_reader(io::Cursor::new(body)).with_trailers(trailers))
        }
        App::Source { len, meter } => streamed(Body::from_reader(SourceReader {
            sent: 0,
            len: *len,
            meter: meter.clone(),
        })),
        App::Sink { meter } => {
            let mut buf = vec![0u8; PIECE];
            let mut total = 0u64;
            loop {
                match req.body_mut().read(&mut buf) {
                    Ok(0) => break,
                    Ok(n) => {
                        total += n as u64;
                        meter.record(n);
                        meter.wait_open();
                    }
                    Err(_) => return Ok(full(400, None, "")),
                }
            }
            full(200, None, total.to_string())
        }
        App::Upgrade => {
            let on = upgrade::on(&mut req);
            std::thread::spawn(move || {
                let Ok(up) = on.wait() else { return };
                let mut io = up.io;
                if io.write_all(&up.leftover).is_err() {
                    return;
                }
                let Ok(mut reader) = io.try_clone() else {
                    return;
                };
                let _ = io::copy(&mut reader, &mut io);
                let _ = io.shutdown(std::net::Shutdown::Write);
            });
            let mut res = full(101, None, "");
            res.headers_mut().remove("content-length");
            res.headers_mut()
                .insert("connection", HeaderValue::from_static("upgrade"));
            res.headers_mut()
                .insert("upgrade", HeaderValue::from_static("echo"));
            *res.body_mut() = Body::empty();
            res
        }
        App::Files { small, big, slow } => {
            let send = |file, offset, len| Response::new(Body::from_file(file, offset, len));
            match files_answer(req.uri().path(), small, big, send)? {
                Some(res) => res,
                None => {
                    std::thread::sleep(*slow);
                    full(200, None, "")
                }
            }
        }
        App::Slow { delay, probe } => {
            if req.uri().path() == "/slow" {
                probe.hit();
                std::thread::sleep(*delay);
                full(200, None, "slept")
            } else {
                full(200, None, "quick")
            }
        }
    })
}
