//! Arbitrary response bytes into a client connection that sent an arbitrary kind of request
//! (or whose upload failed part way, or that is still uploading, or that gives up the
//! response's body), whole and split: no panic, and the same events, error and bytes sent
//! either way.
#![no_main]

use arbitrary::Arbitrary;
use http_core::RequestHead;
use libfuzzer_sys::fuzz_target;
use workspace_tests::{fetch, fetch_after_failed_upload, fetch_discarding, fetch_while_uploading};

#[path = "common.rs"]
mod common;

#[derive(Arbitrary, Debug)]
struct Input {
    knobs: common::Knobs,
    request: u8,
    cuts: Vec<u16>,
    data: Vec<u8>,
}

fn request(kind: u8) -> RequestHead {
    let mut r = match kind % 4 {
        0 => RequestHead::new("GET", "/"),
        1 => RequestHead::new("HEAD", "/"),
        2 => RequestHead::new("CONNECT", "example.com:443"),
        _ => {
            let mut r = RequestHead::new("GET", "/chat");
            r.headers.append("Connection", "upgrade");
            r.headers.append("Upgrade", "websocket");
            r
        }
    };
    r.headers.append("Host", "example.com");
    r
}

fuzz_target!(|input: Input| {
    let cfg = input.knobs.config();
    let pieces = common::pieces(&input.data, &input.cuts);
    let (whole, split) = if input.request >= 250 {
        (
            fetch_after_failed_upload(&[&input.data], cfg),
            fetch_after_failed_upload(&pieces, cfg),
        )
    } else if input.request >= 225 {
        // The response read while the body still goes (which it may stop).
        (
            fetch_while_uploading(&[&input.data], cfg),
            fetch_while_uploading(&pieces, cfg),
        )
    } else if input.request >= 200 {
        // The body given up as soon as its head comes: dropped by the engine.
        let req = request(input.request);
        let whole = fetch_discarding(&req, &[&input.data], cfg);
        let split = fetch_discarding(&req, &pieces, cfg);
        assert_eq!(whole.1, split.1, "the split changed whether the body was taken on");
        (whole.0, split.0)
    } else {
        let req = request(input.request);
        (fetch(&req, &[&input.data], cfg), fetch(&req, &pieces, cfg))
    };
    assert_eq!(whole, split, "the split changed the outcome");
});
