//! The parsers: heads, request-targets and the chunked coding. Pure and incremental: each is
//! handed the receive buffer, consumes what it can and remembers where it stopped.

pub(crate) mod chars;
pub(crate) mod chunked;
pub(crate) mod fast;
pub(crate) mod head;
pub(crate) mod target;

#[cfg(test)]
pub(crate) mod testing;
