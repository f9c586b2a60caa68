//! Arbitrary bytes into a server connection run by an arbitrary scripted application, whole
//! and split: it must not panic, and must give the same events, error and answer either way.
#![no_main]

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use workspace_tests::serve_with;

#[path = "common.rs"]
mod common;

#[derive(Arbitrary, Debug)]
struct Input {
    knobs: common::Knobs,
    script: Vec<u8>,
    cuts: Vec<u16>,
    data: Vec<u8>,
}

fuzz_target!(|input: Input| {
    let cfg = input.knobs.config();
    let whole = serve_with(&[&input.data], cfg, &input.script);
    let split = serve_with(
        &common::pieces(&input.data, &input.cuts),
        cfg,
        &input.script,
    );
    assert_eq!(whole, split, "the split changed the outcome");
    let bytes: Vec<&[u8]> = input.data.chunks(1).collect();
    if input.data.len() < 512 {
        assert_eq!(
            whole,
            serve_with(&bytes, cfg, &input.script),
            "byte at a time"
        );
    }
});
