//! The test applications for the async drivers, written once over `http_body::Body`: the
//! tokio and smol mounts differ only in their sleep and their upgrade, which they supply.

use super::{App, Meter, PIECE, files_answer, pattern_at};
use bytes::Bytes;
use http::{HeaderMap, HeaderValue, Request, Response, StatusCode};
use http_body::{Body, Frame, SizeHint};
use http_body_util::BodyExt;
use http_body_util::combinators::BoxBody;
use std::collections::VecDeque;
use std::fmt::Display;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

/// The drivers' error type for handlers and bodies.
pub(crate) type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// Every response body of the async applications.
pub(crate) type Out = BoxBody<Bytes, BoxError>;

/// What an async application needs from its runtime.
pub(crate) trait Runtime: 'static {
    /// Sleeps for `d` on the runtime's timer.
    fn sleep(d: Duration) -> impl Future<Output = ()> + Send;

    /// The driver's word that a response's body is `len` bytes of `file` from `offset`, to
    /// put in its extensions (`SendFile`).
    fn send_file(file: std::fs::File, offset: u64, len: u64) -> impl Clone + Send + Sync + 'static;
}

/// A response with a fixed body and its Content-Length.
pub(crate) fn full(
    status: u16,
    content_type: Option<&str>,
    body: impl Into<Bytes>,
) -> Response<Out> {
    let body: Bytes = body.into();
    let mut res = Response::new(Frames::new([Ok(Frame::data(body.clone()))]).boxed());
    *res.status_mut() = StatusCode::from_u16(status).expect("status");
    res.headers_mut()
        .insert("content-length", HeaderValue::from(body.len()));
    if let Some(ct) = content_type {
        res.headers_mut()
            .insert("content-type", HeaderValue::from_str(ct).expect("type"));
    }
    if body.is_empty() {
        *res.body_mut() = Frames::new([]).boxed();
    }
    res
}

/// The request's body as the response's, read as the response is sent (in a lock only to be
/// `Sync`, as `Out` must be).
struct Mirror<I>(std::sync::Mutex<I>);

impl<I> Body for Mirror<I>
where
    I: Body<Data = Bytes> + Unpin,
    I::Error: Display,
{
    type Data = Bytes;
    type Error = BoxError;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, BoxError>>> {
        let inner = self
            .get_mut()
            .0
            .get_mut()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        Pin::new(inner)
            .poll_frame(cx)
            .map_err(|e| BoxError::from(e.to_string()))
    }

    fn size_hint(&self) -> SizeHint {
        self.0
            .lock()
            .map_or_else(|_| SizeHint::default(), |b| b.size_hint())
    }
}

/// A streamed response: no Content-Length, so the engine frames it chunked.
pub(crate) fn streamed(
    body: impl Body<Data = Bytes, Error = BoxError> + Send + Sync + 'static,
) -> Response<Out> {
    Response::new(body.boxed())
}

/// Answers `req` as `app` does; `App::Upgrade` is the mount's own.
pub(crate) async fn handle<R, I>(app: &App, req: Request<I>) -> Result<Response<Out>, BoxError>
where
    R: Runtime,
    I: Body<Data = Bytes> + Send + Unpin + 'static,
    I::Error: Display,
{
    match app {
        App::Echo => Ok(echo(req).await),
        App::NoRead => Ok(full(200, None, "not read")),
        App::Faulty => match req.uri().path() {
            "/panic" => panic!("the test application panics (on purpose)"),
            "/error" => Err("the test application fails (on purpose)".into()),
            "/collect" => {
                // An application that passes the body's error on, as `?` does.
                let body = req.into_body().collect().await.map_err(|e| e.to_string())?;
                Ok(full(200, None, body.to_bytes().len().to_string()))
            }
            "/drop-then-wait" => {
                drop(req);
                R::sleep(Duration::from_millis(50)).await;
                Ok(full(200, None, "ok"))
            }
            "/error-mid" => Ok(streamed(Frames::new([
                Ok(Frame::data(Bytes::from_static(b"partial"))),
                Err("the test body fails (on purpose)".into()),
            ]))),
            "/interim" => {
                let mut res = full(103, None, "");
                res.headers_mut().clear();
                Ok(res)
            }
            "/mirror" => Ok(streamed(Mirror(std::sync::Mutex::new(req.into_body())))),
            "/slowstream" => Ok(streamed(Paced::new(&[b"a", b"b", b"c"]))),
            "/204body" | "/304body" => {
                let status = if req.uri().path() == "/204body" {
                    204
                } else {
                    304
                };
                let mut res = full(status, None, "abc");
                res.headers_mut().remove("content-length");
                Ok(res)
            }
            "/bg" => {
                let id = super::request_id(req.headers());
                let body = req.into_body();
                std::thread::spawn(move || {
                    let outcome = match smol::block_on(body.collect()) {
                        Ok(b) => format!("ended after {} bytes", b.to_bytes().len()),
                        Err(e) => format!("error: {e}"),
                    };
                    super::record_outcome(id, outcome);
                });
                Ok(full(200, None, "ok"))
            }
            // One type for both async drivers: driver-async's.
            "/peer" => Ok(full(
                200,
                None,
                super::peer(
                    req.extensions()
                        .get::<driver_tokio::PeerAddr>()
                        .map(|p| p.0),
                ),
            )),
            "/sized-trailers" => {
                let mut trailers = HeaderMap::new();
                trailers.insert("x-trailer", HeaderValue::from_static("tval"));
                // The length is known from the body alone, not said in the head.
                let mut res = full(200, None, "abcdef");
                res.headers_mut().remove("content-length");
                Ok(res.map(|b| b.with_trailers(async { Some(Ok(trailers)) }).boxed()))
            }
            _ => Ok(full(200, None, "ok")),
        },
        App::Trailers => {
            let Ok(collected) = req.into_body().collect().await else {
                return Ok(full(400, None, ""));
            };
            let mut trailers = collected.trailers().cloned().unwrap_or_default();
            trailers.append("x-served", HeaderValue::from_static("trailers"));
            let data = collected.to_bytes();
            let mut frames = Vec::new();
            if !data.is_empty() {
                frames.push(Ok(Frame::data(data)));
            }
            frames.push(Ok(Frame::trailers(trailers)));
            Ok(streamed(Frames::new(frames)))
        }
        App::Source { len, meter } => Ok(streamed(Source {
            sent: 0,
            len: *len,
            meter: meter.clone(),
        })),
        App::Sink { meter } => {
            let mut body = req.into_body();
            let mut total = 0u64;
            while let Some(frame) = body.frame().await {
                let Ok(frame) = frame else {
                    return Ok(full(400, None, ""));
                };
                if let Some(data) = frame.data_ref() {
                    total += data.len() as u64;
                    meter.record(data.len());
                    while !meter.is_open() {
                        R::sleep(Duration::from_millis(2)).await;
                    }
                }
            }
            Ok(full(200, None, total.to_string()))
        }
        App::Upgrade => unreachable!("the mount answers upgrades itself"),
        App::Files { small, big, slow } => {
            let send = |file, offset, len| {
                let mut res = Response::new(Frames::new([]).boxed());
                res.extensions_mut().insert(R::send_file(file, offset, len));
                res
            };
            match files_answer(req.uri().path(), small, big, send)? {
                Some(res) => Ok(res),
                None => {
                    R::sleep(*slow).await;
                    Ok(full(200, None, ""))
                }
            }
        }
        App::Slow { delay, probe } => {
            if req.uri().path() == "/slow" {
                probe.hit();
                R::sleep(*delay).await;
                Ok(full(200, None, "slept"))
            } else {
                Ok(full(200, None, "quick"))
            }
        }
    }
}

/// The echo format, from the raw head in the request's extensions.
pub(crate) async fn echo<I>(req: Request<I>) -> Response<Out>
where
    I: Body<Data = Bytes>,
    I::Error: Display,
{
    let (parts, body) = req.into_parts();
    let Some(head) = parts.extensions.get::<http_core::RequestHead>().cloned() else {
        return full(500, None, "no raw head in the request's extensions");
    };
    let body = match body.collect().await {
        Ok(c) => c.to_bytes(),
        Err(_) => return full(400, None, ""),
    };
    full(200, Some("application/json"), echo_json(&head, &body))
}

/// The echo JSON of a raw head and its body.
pub(crate) fn echo_json(head: &http_core::RequestHead, body: &[u8]) -> String {
    let version: &[u8] = match head.version {
        http_core::Version::Http10 => b"1.0",
        _ => b"1.1",
    };
    example_support::Echo {
        method: &head.method,
        uri: &head.target,
        version,
        body,
    }
    .to_json(head.headers.iter())
}

/// A body whose pieces come [`super::PACE`] apart, as a slow source's would.
#[derive(Debug)]
pub(crate) struct Paced {
    left: VecDeque<&'static [u8]>,
    /// When the next piece is due, once asked for.
    due: Option<std::time::Instant>,
}

impl Paced {
    pub(crate) fn new(pieces: &[&'static [u8]]) -> Self {
        Self {
            left: pieces.iter().copied().collect(),
            due: None,
        }
    }
}

impl Body for Paced {
    type Data = Bytes;
    type Error = BoxError;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, BoxError>>> {
        let this = self.get_mut();
        if this.left.is_empty() {
            return Poll::Ready(None);
        }
        let now = std::time::Instant::now();
        let due = *this.due.get_or_insert(now + super::PACE);
        if now >= due {
            this.due = None;
            let piece = this.left.pop_front().unwrap_or_default();
            return Poll::Ready(Some(Ok(Frame::data(Bytes::from_static(piece)))));
        }
        // Each wait wakes the waker it was polled with (a poll may come from another).
        let waker = cx.waker().clone();
        std::thread::spawn(move || {
            std::thread::sleep(due.saturating_duration_since(std::time::Instant::now()));
            waker.wake();
        });
        Poll::Pending
    }
}

/// A body of frames given in advance (an `Err` ends it with that error).
#[derive(Debug)]
pub(crate) struct Frames(VecDeque<Result<Frame<Bytes>, BoxError>>);

impl Frames {
    /// The frames, in order.
    pub(crate) fn new(frames: impl IntoIterator<Item = Result<Frame<Bytes>, BoxError>>) -> Self {
        Self(frames.into_iter().collect())
    }
}

impl Body for Frames {
    type Data = Bytes;
    type Error = BoxError;

    fn poll_frame(
        self: Pin<&mut Self>,
        _: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, BoxError>>> {
        Poll::Ready(self.get_mut().0.pop_front())
    }

    fn is_end_stream(&self) -> bool {
        self.0.is_empty()
    }

    fn size_hint(&self) -> SizeHint {
        // Exact only for fixed data bodies; anything with trailers or errors stays unknown.
        let mut n = 0u64;
        for f in &self.0 {
            match f {
                Ok(f) if f.is_data() => n += f.data_ref().map_or(0, |d| d.len() as u64),
                _ => return SizeHint::default(),
            }
        }
        SizeHint::with_exact(n)
    }
}

/// `len` bytes of the pattern, made one piece per poll (so only as fast as they are sent).
#[derive(Debug)]
pub(crate) struct Source {
    /// Bytes made so far.
    pub(crate) sent: u64,
    /// The body's length.
    pub(crate) len: u64,
    /// Counts what was made.
    pub(crate) meter: Arc<Meter>,
}

impl Body for Source {
    type Data = Bytes;
    type Error = BoxError;

    fn poll_frame(
        self: Pin<&mut Self>,
        _: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, BoxError>>> {
        let this = self.get_mut();
        if this.sent >= this.len {
            return Poll::Ready(None);
        }
        let n = (this.len - this.sent).min(PIECE as u64) as usize;
        let piece = Bytes::from_static(pattern_at(this.sent, n));
        this.sent += n as u64;
        this.meter.record(n);
        Poll::Ready(Some(Ok(Frame::data(piece))))
    }

    fn is_end_stream(&self) -> bool {
        self.sent >= self.len
    }
}

/// Trailers as an `http::HeaderMap`, for checks.
pub(crate) fn header_map(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
    pairs
        .iter()
        .map(|(n, v)| {
            (
                http::HeaderName::from_static(n),
                HeaderValue::from_static(v),
            )
        })
        .collect()
}
