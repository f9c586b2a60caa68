//! HTTP dates (RFC 9110 §5.6.7): any bytes are read without a panic, and a date that is read
//! is written as an IMF-fixdate that reads back as the same date.
#![no_main]

use http_core::HttpDate;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Some(d) = HttpDate::parse(data) {
        assert_eq!(HttpDate::parse(d.as_bytes()), Some(d));
    }
});
