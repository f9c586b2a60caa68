//! The parsers alone, for the fuzz targets: compiled only under `cfg(fuzzing)`, which
//! cargo-fuzz sets. Not part of the API.

use crate::error::RemoteError;
use crate::event::Version;
use crate::headers::Headers;
use crate::limits::Config;
use crate::parse::chunked::{Chunk, ChunkedDecoder};
use crate::parse::head::{HeadKind, HeadParser, StartLine};
use alloc::vec::Vec;
use bytes::BytesMut;

/// A parsed head as plain owned data.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Head {
    /// Method and target, or version and status and reason, as bytes.
    pub start: StartParts,
    /// The fields, in order.
    pub fields: Vec<(Vec<u8>, Vec<u8>)>,
    /// How many bytes the head took.
    pub len: usize,
}

/// The start line's parts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StartParts {
    /// A request line.
    Request {
        /// The method.
        method: Vec<u8>,
        /// The request-target.
        target: Vec<u8>,
        /// The version.
        version: Version,
    },
    /// A status line.
    Response {
        /// The version.
        version: Version,
        /// The status code.
        status: u16,
        /// The reason phrase.
        reason: Vec<u8>,
    },
}

/// Feeds `pieces` to a head parser (a request head if `request`, else a response head).
/// `Ok(None)` when the head is incomplete.
pub fn parse_head(
    request: bool,
    pieces: &[&[u8]],
    cfg: &Config,
) -> Result<Option<Head>, RemoteError> {
    let kind = if request {
        HeadKind::Request
    } else {
        HeadKind::Response
    };
    let mut p = HeadParser::new(kind);
    let mut buf = BytesMut::new();
    let mut fed = 0;
    for piece in pieces {
        buf.extend_from_slice(piece);
        fed += piece.len();
        if let Some(h) = p.parse(&mut buf, cfg)? {
            let len = fed - buf.len();
            let slice = |r: core::ops::Range<usize>| h.bytes[r].to_vec();
            let start = match h.start.clone() {
                StartLine::Request {
                    method,
                    target,
                    version,
                } => StartParts::Request {
                    method: slice(method),
                    target: slice(target),
                    version,
                },
                StartLine::Response {
                    version,
                    status,
                    reason,
                } => StartParts::Response {
                    version,
                    status,
                    reason: slice(reason),
                },
                StartLine::None => return Ok(None),
            };
            let fields = Headers::from_parts(h.bytes, h.entries)
                .iter()
                .map(|(n, v)| (n.to_vec(), v.to_vec()))
                .collect();
            return Ok(Some(Head { start, fields, len }));
        }
    }
    Ok(None)
}

/// A decoded chunked body: its data, its trailers, and how many bytes it took.
pub type Dechunked = (Vec<u8>, Vec<(Vec<u8>, Vec<u8>)>, usize);

/// Feeds `pieces` to a chunked decoder. `Ok(None)` when the body is incomplete.
pub fn decode_chunked(pieces: &[&[u8]], cfg: &Config) -> Result<Option<Dechunked>, RemoteError> {
    let mut d = ChunkedDecoder::new();
    let mut buf = BytesMut::new();
    let mut data = Vec::new();
    let mut fed = 0;
    for piece in pieces {
        buf.extend_from_slice(piece);
        fed += piece.len();
        loop {
            match d.decode(&mut buf, cfg)? {
                None => break,
                Some(Chunk::Data(b)) => data.extend_from_slice(&b),
                Some(Chunk::End(t)) => {
                    let trailers = t.iter().map(|(n, v)| (n.to_vec(), v.to_vec())).collect();
                    return Ok(Some((data, trailers, fed - buf.len())));
                }
            }
        }
    }
    Ok(None)
}
