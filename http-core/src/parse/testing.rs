//! The one helper every parser test goes through: the same input parsed whole, one byte at a
//! time, split in two at every offset, and followed by trailing bytes that must be left in
//! the buffer (h11's idiom). Every way must give the same answer.

use crate::error::RemoteError;
use alloc::vec::Vec;
use bytes::BytesMut;
use core::fmt::Debug;

/// A resumable parser under test, fed through a growing buffer.
pub(crate) trait Incremental {
    /// What a finished parse produces.
    type Output: PartialEq + Debug;
    /// Parses what it can of `buf`, consuming what it used; `Some` when finished.
    fn step(&mut self, buf: &mut BytesMut, eof: bool) -> Result<Option<Self::Output>, RemoteError>;
}

/// The one answer all ways of feeding agreed on.
#[derive(Debug, PartialEq)]
pub(crate) enum Outcome<T> {
    Done(T),
    Partial,
    Error(RemoteError),
}

impl<T: Debug> Outcome<T> {
    #[track_caller]
    pub(crate) fn unwrap_done(self) -> T {
        match self {
            Self::Done(t) => t,
            other => panic!("expected a finished parse, got {other:?}"),
        }
    }

    #[track_caller]
    pub(crate) fn unwrap_err(self) -> RemoteError {
        match self {
            Self::Error(e) => e,
            other => panic!("expected an error, got {other:?}"),
        }
    }

    pub(crate) fn is_done(&self) -> bool {
        matches!(self, Self::Done(_))
    }
}

const TRAILING: &[u8] = b"TRAILING\r\n";

/// Feeds `pieces` in order, stepping after each; then the end of input. Returns the outcome and
/// the bytes left unconsumed.
fn feed<P: Incremental>(mut p: P, pieces: &[&[u8]]) -> (Outcome<P::Output>, Vec<u8>) {
    let mut buf = BytesMut::new();
    for piece in pieces {
        buf.extend_from_slice(piece);
        match p.step(&mut buf, false) {
            Ok(Some(out)) => {
                let mut rest = buf.to_vec();
                for later in pieces
                    .iter()
                    .skip_while(|x| !core::ptr::eq(*x, piece))
                    .skip(1)
                {
                    rest.extend_from_slice(later);
                }
                return (Outcome::Done(out), rest);
            }
            Ok(None) => {}
            Err(e) => return (Outcome::Error(e), Vec::new()),
        }
    }
    match p.step(&mut buf, true) {
        Ok(Some(out)) => (Outcome::Done(out), buf.to_vec()),
        Ok(None) => (Outcome::Partial, buf.to_vec()),
        Err(e) => (Outcome::Error(e), Vec::new()),
    }
}

/// Runs `input` through fresh parsers from `make` in every way, asserts they agree, and
/// returns the common outcome.
#[track_caller]
pub(crate) fn check<P: Incremental>(input: &[u8], make: impl Fn() -> P) -> Outcome<P::Output> {
    let (whole, rest) = feed(make(), &[input]);
    if whole.is_done() {
        assert!(rest.is_empty(), "whole input left {rest:?} unconsumed");
    }
    let bytes: Vec<&[u8]> = input.chunks(1).collect();
    let (one_by_one, _) = feed(make(), &bytes);
    assert_eq!(whole, one_by_one, "whole vs one byte at a time");
    if input.len() <= 512 {
        for at in 1..input.len() {
            let (a, b) = input.split_at(at);
            let (split, _) = feed(make(), &[a, b]);
            assert_eq!(whole, split, "whole vs split at {at}");
        }
    }
    if !matches!(whole, Outcome::Partial) {
        let mut with_trailing = input.to_vec();
        with_trailing.extend_from_slice(TRAILING);
        let (trailing, rest) = feed(make(), &[&with_trailing]);
        assert_eq!(whole, trailing, "whole vs with trailing bytes");
        if trailing.is_done() {
            assert_eq!(rest, TRAILING, "trailing bytes not left in the buffer");
        }
    }
    whole
}
