//! A fixed loop of head parses for instruction counts under callgrind:
//! `callgrind_head IMPL INPUT [N] [PIECE]` with IMPL `http-core`, `http-core-fresh`, `httparse`
//! or `picohttpparser`, INPUT `tiny`, `browser`, `techempower` or `response`, and the input
//! fed whole or in pieces of PIECE bytes (not for `http-core-fresh`). See `bench/callgrind.sh`.

use bench::{
    CoreServer, REQUESTS, RESPONSE, core_fresh_request, core_response, httparse_request,
    httparse_response, pico,
};
use std::hint::black_box;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(imp), Some(input)) = (args.first(), args.get(1)) else {
        eprintln!(
            "usage: callgrind_head http-core|http-core-fresh|httparse|picohttpparser tiny|browser|techempower|response [N] [PIECE]"
        );
        std::process::exit(2);
    };
    let n: usize = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(10_000);
    let piece: usize = args
        .get(3)
        .and_then(|s| s.parse().ok())
        .unwrap_or(usize::MAX);
    if imp == "http-core-fresh" && args.get(3).is_some() {
        eprintln!("http-core-fresh reads its input whole: no PIECE");
        std::process::exit(2);
    }
    let bytes = if input == "response" {
        RESPONSE
    } else {
        let Some((_, b)) = REQUESTS.iter().find(|(name, _)| name == input) else {
            eprintln!("unknown input {input}");
            std::process::exit(2);
        };
        b
    };
    let mut server = CoreServer::default();
    let mut sum = 0;
    for _ in 0..n {
        sum += match (imp.as_str(), input == "response") {
            ("http-core", false) => server.head(black_box(bytes), piece),
            ("http-core", true) => core_response(black_box(bytes), piece),
            ("http-core-fresh", false) => core_fresh_request(black_box(bytes)),
            ("httparse", false) => httparse_request(black_box(bytes), piece),
            ("httparse", true) => httparse_response(black_box(bytes), piece),
            ("picohttpparser", false) => pico::request(black_box(bytes), piece),
            ("picohttpparser", true) => pico::response(black_box(bytes), piece),
            _ => {
                eprintln!("unknown implementation {imp}");
                std::process::exit(2);
            }
        };
    }
    println!("{sum}");
}
