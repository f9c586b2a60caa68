//! Arbitrary sequences of API calls on a server or a client connection: the engine must not
//! panic, a call it refuses must change nothing, and the state it reports must stay
//! consistent (`workspace_tests::properties::api_sequence`).
#![no_main]

use libfuzzer_sys::fuzz_target;
use workspace_tests::properties::api_sequence;

fuzz_target!(|data: &[u8]| {
    if let Some((&role, script)) = data.split_first() {
        api_sequence(role % 2 == 0, script);
    }
});
