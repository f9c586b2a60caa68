//! The end-to-end peer: a hyper 1.x server answering 200 "Hello, World!" (text/plain,
//! Content-Length 13) to every request, on a current-thread tokio runtime, as the drivers'
//! `hello` examples do. `hyper_hello [--port N] [--pipeline-flush]`

use bytes::Bytes;
use example_support::{HELLO, port_arg};
use http_body_util::Full;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use std::convert::Infallible;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    // `--pipeline-flush`, and the port as the drivers' examples read it.
    let (flags, rest): (Vec<String>, Vec<String>) = std::env::args()
        .skip(1)
        .partition(|a| a == "--pipeline-flush");
    let pipeline_flush = !flags.is_empty();
    let port = port_arg(rest, 8080)?;
    bench::serve_tokio(port, move |stream| async move {
        let service = service_fn(|_req| async {
            let mut res = hyper::Response::new(Full::new(Bytes::from_static(HELLO)));
            res.headers_mut().insert(
                hyper::header::CONTENT_TYPE,
                hyper::header::HeaderValue::from_static("text/plain"),
            );
            Ok::<_, Infallible>(res)
        });
        let _ = http1::Builder::new()
            .pipeline_flush(pipeline_flush)
            .serve_connection(TokioIo::new(stream), service)
            .await;
    })
}
