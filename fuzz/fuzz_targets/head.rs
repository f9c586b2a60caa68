//! The head parser alone, requests and responses, whole and split.
#![no_main]

use arbitrary::Arbitrary;
use http_core::fuzzing::parse_head;
use libfuzzer_sys::fuzz_target;

#[path = "common.rs"]
mod common;

#[derive(Arbitrary, Debug)]
struct Input {
    knobs: common::Knobs,
    request: bool,
    cuts: Vec<u16>,
    data: Vec<u8>,
}

fuzz_target!(|input: Input| {
    let cfg = input.knobs.config();
    let whole = parse_head(input.request, &[&input.data], &cfg);
    let split = parse_head(
        input.request,
        &common::pieces(&input.data, &input.cuts),
        &cfg,
    );
    assert_eq!(whole, split);
    if let Ok(Some(h)) = &whole {
        assert!(h.len <= input.data.len());
        assert!(h.fields.len() <= cfg.limits.max_fields);
        // Empty lines before a request line are skipped and not counted in the head.
        let head = &input.data[..h.len];
        let skipped = head.len() - head.trim_ascii_start().len();
        assert!(h.len - skipped <= cfg.limits.max_head);
    }
});
