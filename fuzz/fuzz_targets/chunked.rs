//! The chunked decoder alone, whole and split.
#![no_main]

use arbitrary::Arbitrary;
use http_core::fuzzing::decode_chunked;
use libfuzzer_sys::fuzz_target;

#[path = "common.rs"]
mod common;

#[derive(Arbitrary, Debug)]
struct Input {
    knobs: common::Knobs,
    cuts: Vec<u16>,
    data: Vec<u8>,
}

fuzz_target!(|input: Input| {
    let cfg = input.knobs.config();
    let whole = decode_chunked(&[&input.data], &cfg);
    let split = decode_chunked(&common::pieces(&input.data, &input.cuts), &cfg);
    assert_eq!(whole, split);
    if let Ok(Some((data, _, used))) = &whole {
        assert!(data.len() as u64 <= cfg.limits.max_body);
        assert!(*used <= input.data.len());
    }
});
