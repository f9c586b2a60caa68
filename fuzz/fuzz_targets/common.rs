//! What the targets share: configurations chosen by the input, and splitting.

use arbitrary::Arbitrary;
use http_core::Config;

/// Which configuration to run with: default, every leniency on, or tiny limits.
#[derive(Arbitrary, Debug, Clone, Copy)]
pub struct Knobs {
    lenient: bool,
    tiny: Option<u8>,
}

impl Knobs {
    pub fn config(self) -> Config {
        let mut c = Config::default();
        if self.lenient {
            c.leniency.allow_bare_lf = true;
            c.leniency.chunked_overrides_content_length = true;
            c.leniency.allow_identical_content_lengths = true;
            c.leniency.allow_unsafe_target_bytes = true;
            c.leniency.allow_obs_fold_in_responses = true;
            c.leniency.allow_space_before_colon_in_responses = true;
        }
        if let Some(t) = self.tiny {
            let n = usize::from(t) + 1;
            c.limits.max_request_line = n * 2;
            c.limits.max_status_line = n * 2;
            c.limits.max_field_line = n;
            c.limits.max_head = n * 4;
            c.limits.max_fields = n % 8;
            c.limits.max_chunk_line = n;
            c.limits.max_chunk_extensions = n;
            c.limits.max_trailers = n * 2;
            c.limits.max_body = n as u64 * 3;
            c.limits.max_discard = n as u64;
        }
        c
    }
}

/// `data` cut at the offsets in `cuts` (taken modulo its length, sorted).
pub fn pieces<'a>(data: &'a [u8], cuts: &[u16]) -> Vec<&'a [u8]> {
    let mut at: Vec<usize> = cuts
        .iter()
        .map(|&c| usize::from(c) % (data.len() + 1))
        .collect();
    at.sort_unstable();
    at.dedup();
    let mut out = Vec::with_capacity(at.len() + 1);
    let mut from = 0;
    for a in at {
        out.push(&data[from..a]);
        from = a;
    }
    out.push(&data[from..]);
    out
}
