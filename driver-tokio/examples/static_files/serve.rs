//! Answering one request: methods, validators and conditional requests (RFC 9110 §13),
//! ranges (§14), and the body: from the cache, sent from the file by the driver, or (several
//! ranges) streamed by a task.

use crate::ranges::{self, Ranges};
use crate::site::{Kept, Refusal, Site, Stamp, Target, content_type};
use bytes::Bytes;
use driver_tokio::SendFile;
use http::{HeaderMap, Method, Response, StatusCode, Uri, header};
use http_body::{Body, Frame, SizeHint};
use http_core::HttpDate;
use std::fs::File;
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::{SystemTime, UNIX_EPOCH};
use tokio::sync::mpsc;

/// Bytes read from a file at a time when streaming: each read is one trip to the blocking
/// thread pool, so fewer, larger reads cost less (one waits in the queue, one more is read
/// ahead at most).
const READ_CHUNK: usize = 128 * 1024;

/// A response body: bytes in memory, or pieces streamed by a task that reads the file only as
/// fast as the client takes them. Each read is its own trip to the blocking pool, so that a
/// slow client holds no pool thread while it is waited for.
#[derive(Debug)]
pub(crate) enum FileBody {
    /// Whole, in memory (small files, listings, errors).
    Full(Option<Bytes>),
    /// Streamed.
    Stream(mpsc::Receiver<std::io::Result<Bytes>>, u64),
}

impl Body for FileBody {
    type Data = Bytes;
    type Error = std::io::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, std::io::Error>>> {
        match self.get_mut() {
            Self::Full(b) => Poll::Ready(b.take().map(|b| Ok(Frame::data(b)))),
            Self::Stream(rx, _) => rx.poll_recv(cx).map(|o| o.map(|r| r.map(Frame::data))),
        }
    }

    fn size_hint(&self) -> SizeHint {
        match self {
            Self::Full(b) => SizeHint::with_exact(b.as_ref().map_or(0, |b| b.len() as u64)),
            Self::Stream(_, n) => SizeHint::with_exact(*n),
        }
    }
}

/// One piece of a body to stream: bytes, or a range of a file.
#[derive(Debug)]
enum Piece {
    Bytes(Bytes),
    File { offset: u64, len: u64 },
}

/// Streams `pieces` of `file` (opened, or why not) from a task of its own.
fn stream(file: Arc<File>, pieces: Vec<Piece>) -> FileBody {
    let total = pieces
        .iter()
        .map(|p| match p {
            Piece::Bytes(b) => b.len() as u64,
            Piece::File { len, .. } => *len,
        })
        .sum();
    let (tx, rx) = mpsc::channel(1);
    tokio::spawn(async move {
        for piece in pieces {
            match piece {
                Piece::Bytes(b) => {
                    if tx.send(Ok(b)).await.is_err() {
                        return;
                    }
                }
                Piece::File {
                    mut offset,
                    mut len,
                } => {
                    while len > 0 {
                        let want = READ_CHUNK.min(usize::try_from(len).unwrap_or(READ_CHUNK));
                        let chunk = match read_at(file.clone(), offset, want).await {
                            Ok(chunk) if !chunk.is_empty() => chunk,
                            Ok(_) => {
                                let e = std::io::Error::other("the file shrank while sent");
                                let _ = tx.send(Err(e)).await;
                                return;
                            }
                            Err(e) => {
                                let _ = tx.send(Err(e)).await;
                                return;
                            }
                        };
                        offset += chunk.len() as u64;
                        len -= chunk.len() as u64;
                        if tx.send(Ok(chunk)).await.is_err() {
                            return;
                        }
                    }
                }
            }
        }
    });
    FileBody::Stream(rx, total)
}

/// `res` with `len` bytes of `file` from `offset` as its body, sent by the driver from the
/// file to the socket (`sendfile(2)` on Linux: the bytes never pass through this process).
fn send_file(
    mut res: Response<FileBody>,
    file: Arc<File>,
    offset: u64,
    len: u64,
) -> Response<FileBody> {
    res.extensions_mut()
        .insert(SendFile::new(file, offset, len));
    res
}

/// Bytes `a..=b` of a small file's bytes.
fn part(all: &Bytes, a: u64, b: u64) -> Bytes {
    // invariant: ranges are checked against the file's length, which cached bytes have (a
    // slice past them would be a bug, not a response to send under its Content-Length).
    all.slice(a as usize..=b as usize)
}

/// Reads up to `len` bytes of `file` from `offset`, in one trip to the blocking thread pool
/// (none at its end). Positioned reads: the handle is shared by every response the site
/// serves from it, and a cursor moved by one would hand another the wrong bytes.
async fn read_at(file: Arc<File>, offset: u64, len: usize) -> std::io::Result<Bytes> {
    tokio::task::spawn_blocking(move || {
        let mut buf = vec![0; len];
        let mut got = 0;
        while got < len {
            #[cfg(unix)]
            let n =
                std::os::unix::fs::FileExt::read_at(&*file, &mut buf[got..], offset + got as u64);
            #[cfg(windows)]
            let n = std::os::windows::fs::FileExt::seek_read(
                &*file,
                &mut buf[got..],
                offset + got as u64,
            );
            match n {
                Ok(0) => break,
                Ok(n) => got += n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        buf.truncate(got);
        Ok(Bytes::from(buf))
    })
    .await
    .map_err(std::io::Error::other)?
}

fn plain(status: StatusCode, text: &str) -> Response<FileBody> {
    let body = Bytes::from(format!("{text}\n"));
    let mut res = Response::new(FileBody::Full(Some(body.clone())));
    *res.status_mut() = status;
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        "text/plain; charset=utf-8".parse().expect("static"),
    );
    h.insert(header::CONTENT_LENGTH, body.len().into());
    res
}

/// The entity tags of a list (`"a", W/"b"`), each with whether it is weak; `None` for `*`.
fn tags(list: &str) -> Option<Vec<(bool, &str)>> {
    if list.trim() == "*" {
        return None;
    }
    Some(
        list.split(',')
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(|t| match t.strip_prefix("W/") {
                Some(opaque) => (true, opaque),
                None => (false, t),
            })
            .collect(),
    )
}

/// Whether an `If-None-Match` list matches `tag` (ours, strong; `None` for a representation
/// without one, which only `*` matches), by weak comparison (RFC 9110 §8.8.3.2, §13.1.2).
fn none_match(list: &str, tag: Option<&str>) -> bool {
    tags(list).is_none_or(|tags| tags.iter().any(|&(_, t)| Some(t) == tag))
}

/// Whether an `If-Match` list matches `tag` (as for [`none_match`]), by strong comparison: a
/// weak tag in it never matches (RFC 9110 §13.1.1).
fn any_match(list: &str, tag: Option<&str>) -> bool {
    tags(list).is_none_or(|tags| tags.iter().any(|&(weak, t)| !weak && Some(t) == tag))
}

/// All the field lines named `name` as one list (RFC 9110 §5.3), if there is any; a value
/// that is not text (no tag or date can be) is left out.
fn list(headers: &HeaderMap, name: header::HeaderName) -> Option<String> {
    let mut values = headers.get_all(name).iter().peekable();
    values.peek()?;
    let text: Vec<&str> = values.filter_map(|v| v.to_str().ok()).collect();
    Some(text.join(","))
}

/// The value of a field whose grammar allows one value, not a list (a date, a range, an
/// If-Range), if it came in exactly one field line: several lines make a list (RFC 9110
/// §5.3), which is no valid value of it. `None` too for a value that is not text.
fn single(headers: &HeaderMap, name: header::HeaderName) -> Option<&str> {
    let mut lines = headers.get_all(name).iter();
    match (lines.next(), lines.next()) {
        (Some(one), None) => one.to_str().ok(),
        _ => None,
    }
}

/// What the preconditions of a GET or HEAD decide, in the order RFC 9110 §13.2.2 evaluates
/// them: If-Match, else If-Unmodified-Since (a failure is 412); then If-None-Match, else
/// If-Modified-Since (a match is 304).
#[derive(Debug, PartialEq, Eq)]
enum Precondition {
    Holds,
    Failed,
    NotModified,
}

/// `tag` and `modified` are the representation's validators, if it has them.
fn precondition(
    headers: &HeaderMap,
    tag: Option<&str>,
    modified: Option<HttpDate>,
) -> Precondition {
    // A date that does not parse, or more than one, is ignored (§13.1.3, §13.1.4).
    let date = |name| single(headers, name).and_then(|v| HttpDate::parse(v.as_bytes()));
    if let Some(list) = list(headers, header::IF_MATCH) {
        if !any_match(&list, tag) {
            return Precondition::Failed;
        }
    } else if let (Some(since), Some(m)) = (date(header::IF_UNMODIFIED_SINCE), modified)
        && m.unix_secs() > since.unix_secs()
    {
        return Precondition::Failed;
    }
    let not_modified = match list(headers, header::IF_NONE_MATCH) {
        Some(list) => none_match(&list, tag),
        None => matches!(
            (date(header::IF_MODIFIED_SINCE), modified),
            (Some(since), Some(m)) if m.unix_secs() <= since.unix_secs()
        ),
    };
    if not_modified {
        Precondition::NotModified
    } else {
        Precondition::Holds
    }
}

/// A multipart boundary nobody can foresee, so that no file can hold it to forge a part
/// (RFC 2046 §5.1.1): 128 bits from SipHash under the process's random keys.
fn boundary() -> String {
    use std::hash::{BuildHasher, RandomState};
    let keys = RandomState::new();
    format!("{:016x}{:016x}", keys.hash_one(1u8), keys.hash_one(2u8))
}

/// The answer to `method uri` with `headers`, from `site`.
pub(crate) fn respond(
    site: &Site,
    method: &Method,
    uri: &Uri,
    headers: &HeaderMap,
) -> Response<FileBody> {
    if method != Method::GET && method != Method::HEAD {
        let mut res = plain(StatusCode::METHOD_NOT_ALLOWED, "method not allowed");
        res.headers_mut()
            .insert(header::ALLOW, "GET, HEAD".parse().expect("static"));
        return res;
    }
    let head = method == Method::HEAD;
    let path = uri.path();
    let mut res = match site.resolve(path) {
        Err(Refusal::BadRequest) => plain(StatusCode::BAD_REQUEST, "bad path"),
        Err(Refusal::NotFound) => plain(StatusCode::NOT_FOUND, "not found"),
        Err(Refusal::Forbidden) => plain(StatusCode::FORBIDDEN, "forbidden"),
        Ok(Target::AddSlash(to)) => {
            let mut res = plain(StatusCode::MOVED_PERMANENTLY, "moved");
            let to = match uri.query() {
                Some(q) => format!("{to}?{q}"),
                None => to,
            };
            if let Ok(loc) = to.parse() {
                res.headers_mut().insert(header::LOCATION, loc);
            }
            res
        }
        Ok(Target::Dir(dir)) => {
            // The index is resolved as any path is: a link in its place leading out of the
            // root is refused, not followed.
            match site.resolve(&format!("{path}index.html")) {
                Ok(Target::File(index, meta, kept)) => {
                    file(site, index, &meta, kept, headers, !head)
                }
                Err(Refusal::Forbidden) => plain(StatusCode::FORBIDDEN, "forbidden"),
                // An index that is there but cannot be served (unreadable, not a regular
                // file) hides the directory still: it is not listed instead.
                _ if std::fs::symlink_metadata(dir.join("index.html")).is_ok() => {
                    plain(StatusCode::FORBIDDEN, "forbidden")
                }
                // A listing has no validator: only `*` matches it (RFC 9110 §13.1.1,
                // §13.1.2), and dates are not compared.
                _ => match precondition(headers, None, None) {
                    Precondition::Failed => {
                        plain(StatusCode::PRECONDITION_FAILED, "precondition failed")
                    }
                    Precondition::NotModified => {
                        let mut res = Response::new(FileBody::Full(None));
                        *res.status_mut() = StatusCode::NOT_MODIFIED;
                        res
                    }
                    Precondition::Holds => listing(site, &dir, path),
                },
            }
        }
        Ok(Target::File(path, meta, kept)) => file(site, path, &meta, kept, headers, !head),
    };
    if head {
        // The engine sends no body to HEAD; the fields stay those of GET.
        *res.body_mut() = FileBody::Full(None);
    }
    res
}

/// A directory's listing, as HTML.
fn listing(site: &Site, dir: &Path, path: &str) -> Response<FileBody> {
    match site.listing(dir, path) {
        Ok(html) => {
            let mut res = plain(StatusCode::OK, "");
            let body = Bytes::from(html);
            res.headers_mut().insert(
                header::CONTENT_TYPE,
                "text/html; charset=utf-8".parse().expect("static"),
            );
            res.headers_mut()
                .insert(header::CONTENT_LENGTH, body.len().into());
            *res.body_mut() = FileBody::Full(Some(body));
            res
        }
        Err(_) => plain(StatusCode::FORBIDDEN, "forbidden"),
    }
}

/// A regular file: validators, conditionals, ranges (for a GET only, RFC 9110 §14.2), then
/// the bytes.
fn file(
    site: &Site,
    path: PathBuf,
    meta: &std::fs::Metadata,
    kept: Kept,
    headers: &HeaderMap,
    get: bool,
) -> Response<FileBody> {
    let len = meta.len();
    let tag = Stamp::of(meta).etag();
    // Kept to the second: the precision of HTTP dates; and never later than now, the
    // response's Date (RFC 9110 §8.8.2.1: a file dated in the future is sent as changed now).
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let modified = meta.modified().ok().map(|m| {
        HttpDate::from_unix_secs(
            m.duration_since(UNIX_EPOCH)
                .map_or(0, |d| d.as_secs())
                .min(now),
        )
    });
    let mut res = Response::new(FileBody::Full(None));
    let h = res.headers_mut();
    if let Ok(v) = tag.parse() {
        h.insert(header::ETAG, v);
    }
    if let Some(m) = modified
        && let Ok(v) = header::HeaderValue::from_bytes(m.as_bytes())
    {
        h.insert(header::LAST_MODIFIED, v);
    }
    h.insert(header::ACCEPT_RANGES, "bytes".parse().expect("static"));
    match precondition(headers, Some(&tag), modified) {
        Precondition::Holds => {}
        Precondition::NotModified => {
            *res.status_mut() = StatusCode::NOT_MODIFIED;
            return res;
        }
        Precondition::Failed => {
            return plain(StatusCode::PRECONDITION_FAILED, "precondition failed");
        }
    }

    let ct = content_type(&path);
    // RFC 9110 §13.1.5: a Range whose If-Range does not match the current version (strong
    // comparison) is ignored. A date there is taken as never matching: a date is a strong
    // validator only if the file cannot have changed twice within its second (§8.8.2.2),
    // which nothing here can tell, and a range of another version would corrupt the
    // client's copy; the whole file is always a correct answer. So is it for an If-Range
    // that is not one value, and for a Range that is not (§14.2: an invalid one is ignored).
    let range_valid = !headers.contains_key(header::IF_RANGE)
        || single(headers, header::IF_RANGE).is_some_and(|v| v.trim() == tag);
    let ranges = match single(headers, header::RANGE) {
        Some(r) if get && range_valid => ranges::parse(r, len),
        _ => Ranges::Whole,
    };
    let h = res.headers_mut();
    match ranges {
        Ranges::Unsatisfiable => {
            let mut r = plain(StatusCode::RANGE_NOT_SATISFIABLE, "range not satisfiable");
            if let Ok(v) = format!("bytes */{len}").parse() {
                r.headers_mut().insert(header::CONTENT_RANGE, v);
            }
            r
        }
        Ranges::Some(list) if list.len() == 1 => {
            let (a, b) = list[0];
            *res.status_mut() = StatusCode::PARTIAL_CONTENT;
            let h = res.headers_mut();
            h.insert(header::CONTENT_TYPE, ct.parse().expect("static"));
            if let Ok(v) = format!("bytes {a}-{b}/{len}").parse() {
                h.insert(header::CONTENT_RANGE, v);
            }
            h.insert(header::CONTENT_LENGTH, (b - a + 1).into());
            match kept {
                Kept::Bytes(all) => {
                    *res.body_mut() = FileBody::Full(Some(part(&all, a, b)));
                    res
                }
                Kept::Open(file) => send_file(res, file, a, b - a + 1),
            }
        }
        Ranges::Some(list) => {
            // RFC 9110 §14.6: multipart/byteranges, each part with its own type and range.
            let boundary = boundary();
            let mut pieces = Vec::new();
            for (a, b) in &list {
                let part = format!(
                    "\r\n--{boundary}\r\nContent-Type: {ct}\r\nContent-Range: bytes {a}-{b}/{len}\r\n\r\n"
                );
                pieces.push(Piece::Bytes(Bytes::from(part)));
                pieces.push(Piece::File {
                    offset: *a,
                    len: b - a + 1,
                });
            }
            pieces.push(Piece::Bytes(Bytes::from(format!("\r\n--{boundary}--\r\n"))));
            *res.status_mut() = StatusCode::PARTIAL_CONTENT;
            let body = match kept {
                // A small file's parts are in memory: the body is too.
                Kept::Bytes(all) => {
                    let mut whole = Vec::new();
                    for piece in &pieces {
                        let bytes = match piece {
                            Piece::Bytes(b) => b.clone(),
                            Piece::File { offset, len } => part(&all, *offset, offset + len - 1),
                        };
                        whole.extend_from_slice(&bytes);
                    }
                    FileBody::Full(Some(Bytes::from(whole)))
                }
                Kept::Open(file) => stream(file, pieces),
            };
            let h = res.headers_mut();
            if let Ok(v) = format!("multipart/byteranges; boundary={boundary}").parse() {
                h.insert(header::CONTENT_TYPE, v);
            }
            h.insert(
                header::CONTENT_LENGTH,
                body.size_hint().exact().unwrap_or(0).into(),
            );
            *res.body_mut() = body;
            res
        }
        Ranges::Whole => {
            h.insert(header::CONTENT_TYPE, ct.parse().expect("static"));
            h.insert(header::CONTENT_LENGTH, len.into());
            let file = match kept {
                Kept::Bytes(all) => {
                    *res.body_mut() = FileBody::Full(Some(all));
                    return res;
                }
                Kept::Open(file) => file,
            };
            match site.cached(&path, meta, &file) {
                Ok(Some(bytes)) if bytes.len() as u64 == len => {
                    *res.body_mut() = FileBody::Full(Some(bytes));
                    res
                }
                _ => send_file(res, file, 0, len),
            }
        }
    }
}
