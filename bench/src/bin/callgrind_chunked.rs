//! A fixed loop over chunked bodies for instruction counts under callgrind:
//! `callgrind_chunked IMPL CHUNK [N]` with IMPL `http-core-decode`, `httparse-decode`,
//! `picohttpparser-decode` or `http-core-encode`, CHUNK the chunk size in bytes; each iteration handles a 64 KiB body.
//! See `bench/callgrind.sh`.

use bench::{
    CHUNKED_HEAD, TINY, body_pieces, chunked_request, core_decode, core_encode, httparse_decode,
    pico_decode,
};
use http_core::{Config, Connection, Instant};
use std::hint::black_box;

const TOTAL: usize = 64 * 1024;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(imp), Some(chunk)) = (args.first(), args.get(1).and_then(|s| s.parse().ok())) else {
        eprintln!(
            "usage: callgrind_chunked http-core-decode|httparse-decode|picohttpparser-decode|http-core-encode CHUNK [N]"
        );
        std::process::exit(2);
    };
    let n: usize = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(100);
    let mut conn = Connection::server(Config::default(), Instant::ZERO);
    let input = chunked_request(TOTAL, chunk);
    let head_len = CHUNKED_HEAD.len();
    let pieces = body_pieces(TOTAL, chunk);
    let mut scratch = Vec::with_capacity(input.len());
    let mut sum = 0;
    for _ in 0..n {
        sum += match imp.as_str() {
            "http-core-decode" => core_decode(black_box(&input), &mut conn),
            "httparse-decode" => httparse_decode(black_box(&input), head_len),
            "picohttpparser-decode" => pico_decode(black_box(&input), head_len, &mut scratch),
            "http-core-encode" => core_encode(&mut conn, TINY, black_box(&pieces)),
            _ => {
                eprintln!("unknown implementation {imp}");
                std::process::exit(2);
            }
        };
    }
    println!("{sum}");
}
