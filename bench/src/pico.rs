//! The picohttpparser peer (H2O's C parser, through the `picohttpparser-sys` bindings): the
//! only code in the workspace that calls into C, and so the only `unsafe` in it. The engine
//! itself forbids `unsafe`; this module exists to measure against the fastest C parser.
//!
//! What it does for one head: `phr_parse_request` (or `phr_parse_response`) into a stack
//! array of 32 `phr_header`s: tokenising and the byte checks of its grammar (with SSE4.2
//! ranges where the CPU has them); no framing decision, no owned result, no state. For a
//! chunked body, `phr_decode_chunked` rewrites the buffer in place, removing the chunk framing.
#![allow(unsafe_code)]

use core::ffi::{c_char, c_int};
use core::ptr;
use picohttpparser_sys::{
    phr_chunked_decoder, phr_decode_chunked, phr_header, phr_parse_request, phr_parse_response,
};

use crate::reparse;

/// The size of the header array, as for httparse.
const MAX_HEADERS: usize = 32;

/// What a pico parse function said, as [`reparse`] takes it: its result (the bytes of the
/// head when positive, -2 for partial, -1 for an error) and the fields it found.
fn complete(ret: c_int, fields: usize) -> Option<usize> {
    match ret {
        n if n > 0 => Some(fields),
        -2 => None,
        other => panic!("benchmark input not parsed by picohttpparser: {other}"),
    }
}

/// picohttpparser on a request fed in pieces of `piece` bytes ([`reparse`], telling it how
/// much it saw before: `last_len`); returns the number of fields.
pub fn request(input: &[u8], piece: usize) -> usize {
    reparse(input, piece, |buf, last| {
        let mut headers = [phr_header::default(); MAX_HEADERS];
        let mut num_headers = MAX_HEADERS;
        let (mut method, mut method_len) = (ptr::null(), 0);
        let (mut path, mut path_len) = (ptr::null(), 0);
        let mut minor: c_int = 0;
        // SAFETY: `buf` is a live, initialised slice for the whole call, and its length is
        // passed with it; every out-pointer is a valid, writable local, and `num_headers`
        // tells the parser the length of `headers`, which it never writes past. The pointers
        // it stores point into `buf` and are not used after the call.
        let ret = unsafe {
            phr_parse_request(
                buf.as_ptr().cast::<c_char>(),
                buf.len(),
                &mut method,
                &mut method_len,
                &mut path,
                &mut path_len,
                &mut minor,
                headers.as_mut_ptr(),
                &mut num_headers,
                last,
            )
        };
        complete(ret, num_headers)
    })
}

/// picohttpparser on a response, as [`request`].
pub fn response(input: &[u8], piece: usize) -> usize {
    reparse(input, piece, |buf, last| {
        let mut headers = [phr_header::default(); MAX_HEADERS];
        let mut num_headers = MAX_HEADERS;
        let (mut msg, mut msg_len) = (ptr::null(), 0);
        let (mut minor, mut code): (c_int, c_int) = (0, 0);
        // SAFETY: as in `request`: a live slice with its length, valid local out-pointers,
        // and the header array's length in `num_headers`.
        let ret = unsafe {
            phr_parse_response(
                buf.as_ptr().cast::<c_char>(),
                buf.len(),
                &mut minor,
                &mut code,
                &mut msg,
                &mut msg_len,
                headers.as_mut_ptr(),
                &mut num_headers,
                last,
            )
        };
        complete(ret, num_headers)
    })
}

/// Decodes the chunked body in `buf` (the bytes after the head) in place, as a server built
/// on picohttpparser does with its receive buffer; returns the body bytes left in `buf`.
pub fn decode_chunked(buf: &mut [u8]) -> usize {
    let mut decoder = zeroed_decoder();
    decoder.consume_trailer = 1;
    let mut len = buf.len();
    // SAFETY: `buf` is a live, initialised, exclusively borrowed slice for the whole call and
    // `len` its length; the decoder only moves bytes within `buf[..len]` and writes the
    // decoded length back to `len`. `decoder` is a zero-filled local, as the API requires.
    let ret =
        unsafe { phr_decode_chunked(&mut decoder, buf.as_mut_ptr().cast::<c_char>(), &mut len) };
    assert!(
        ret >= 0,
        "benchmark body not decoded by picohttpparser: {ret}"
    );
    len
}

/// A zero-filled decoder (its private fields cannot be named outside the bindings).
fn zeroed_decoder() -> phr_chunked_decoder {
    // SAFETY: `phr_chunked_decoder` is a `repr(C)` struct of a `size_t` and three `char`s,
    // for which all-zero bytes are a valid value, and the C API asks for it zero-filled.
    unsafe { core::mem::zeroed() }
}
