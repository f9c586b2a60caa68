//! Chunked bodies: decoding (http-core's server connection against a loop over httparse's
//! chunk-size parser and picohttpparser's in-place decoder) and serialization, in small and large chunks.

use bench::{
    CHUNKED_HEAD, TINY, body_pieces, chunked_request, core_decode, core_encode, httparse_decode,
    pico_decode,
};
use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use http_core::{Config, Connection, Instant};
use std::hint::black_box;

const TOTAL: usize = 1 << 20;

fn chunked(c: &mut Criterion) {
    let mut g = c.benchmark_group("chunked decode, 1 MiB");
    g.throughput(Throughput::Bytes(TOTAL as u64));
    for chunk in [16, 64 * 1024] {
        let input = chunked_request(TOTAL, chunk);
        let head_len = CHUNKED_HEAD.len();
        let mut conn = Connection::server(Config::default(), Instant::ZERO);
        g.bench_with_input(BenchmarkId::new("http-core", chunk), &input, |b, i| {
            b.iter(|| core_decode(black_box(i), &mut conn));
        });
        g.bench_with_input(BenchmarkId::new("httparse", chunk), &input, |b, i| {
            b.iter(|| httparse_decode(black_box(i), head_len));
        });
        let mut scratch = Vec::with_capacity(input.len());
        g.bench_with_input(BenchmarkId::new("picohttpparser", chunk), &input, |b, i| {
            b.iter(|| pico_decode(black_box(i), head_len, &mut scratch));
        });
    }
    g.finish();

    let mut g = c.benchmark_group("chunked encode, 1 MiB");
    g.throughput(Throughput::Bytes(TOTAL as u64));
    for chunk in [16, 64 * 1024] {
        let pieces = body_pieces(TOTAL, chunk);
        let mut conn = Connection::server(Config::default(), Instant::ZERO);
        g.bench_with_input(BenchmarkId::new("http-core", chunk), &pieces, |b, p| {
            b.iter(|| core_encode(&mut conn, TINY, black_box(p)));
        });
    }
    g.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .warm_up_time(std::time::Duration::from_millis(500))
        .measurement_time(std::time::Duration::from_secs(2));
    targets = chunked
}
criterion_main!(benches);
