//! 200 "Hello, World!" to every request, for benchmarks; a single-threaded runtime.
//! `cargo run --release -p driver-tokio --example tokio_hello -- --port 8080 [--max-connections N]`

use bytes::Bytes;
use driver_tokio::{BoxError, Config, Incoming, Server};
use example_support::{HELLO, hello_args, listening_line};
use http_body_util::Full;
use std::io::Write;

fn main() -> Result<(), BoxError> {
    let (port, max_connections) =
        example_support::args_or_exit("tokio_hello [--port N] [--max-connections N]", |a| {
            hello_args(a, 8080)
        });
    let mut config = Config::default();
    if let Some(max) = max_connections {
        config.max_connections = max;
    }
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?
        .block_on(async {
            let server = Server::bind(("127.0.0.1", port), config).await?;
            // Before the line that says it listens: a signal from then on is a graceful shutdown.
            let shutdown = server.shutdown_handle();
            example_support::tokio_shutdown_on_ctrl_c(move || shutdown.shutdown());
            println!("{}", listening_line(server.local_addr()?));
            std::io::stdout().flush()?;
            server
                .serve(|_req: http::Request<Incoming>| async {
                    // No Content-Length: the body knows its length, and the driver frames it
                    // by that, as hyper does.
                    let mut res = http::Response::new(Full::new(Bytes::from_static(HELLO)));
                    res.headers_mut().insert(
                        http::header::CONTENT_TYPE,
                        http::HeaderValue::from_static("text/plain"),
                    );
                    Ok::<_, BoxError>(res)
                })
                .await?;
            Ok(())
        })
}
