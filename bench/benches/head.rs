//! Head parsing: http-core against httparse and picohttpparser on the same inputs, whole and in 16-byte pieces.
//! What each side does is said in `bench/src/lib.rs` and BENCHMARKS.md.

use bench::{
    CoreServer, REQUESTS, RESPONSE, core_response, httparse_request, httparse_response, pico,
};
use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use std::hint::black_box;

fn heads(c: &mut Criterion) {
    for (piece, label) in [(usize::MAX, "whole"), (16, "16-byte pieces")] {
        let mut g = c.benchmark_group(format!("request head, {label}"));
        for (name, input) in REQUESTS {
            g.throughput(Throughput::Bytes(input.len() as u64));
            let mut server = CoreServer::default();
            g.bench_with_input(BenchmarkId::new("http-core", name), input, |b, i| {
                b.iter(|| server.head(black_box(i), piece));
            });
            g.bench_with_input(BenchmarkId::new("httparse", name), input, |b, i| {
                b.iter(|| httparse_request(black_box(i), piece));
            });
            g.bench_with_input(BenchmarkId::new("picohttpparser", name), input, |b, i| {
                b.iter(|| pico::request(black_box(i), piece));
            });
        }
        g.finish();
        let mut g = c.benchmark_group(format!("response head, {label}"));
        g.throughput(Throughput::Bytes(RESPONSE.len() as u64));
        g.bench_function("http-core", |b| {
            b.iter(|| core_response(black_box(RESPONSE), piece));
        });
        g.bench_function("httparse", |b| {
            b.iter(|| httparse_response(black_box(RESPONSE), piece));
        });
        g.bench_function("picohttpparser", |b| {
            b.iter(|| pico::response(black_box(RESPONSE), piece));
        });
        g.finish();
    }
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .warm_up_time(std::time::Duration::from_millis(500))
        .measurement_time(std::time::Duration::from_secs(2));
    targets = heads
}
criterion_main!(benches);
