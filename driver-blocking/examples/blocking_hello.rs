//! 200 "Hello, World!" to every request, for benchmarks.
//! `cargo run --release -p driver-blocking --example blocking_hello -- --port 8080 [--max-connections N]`

use driver_blocking::{Body, BoxError, Config, Incoming, Server};
use example_support::{HELLO, hello_args, listening_line};
use std::io::Write;

fn main() -> Result<(), BoxError> {
    let (port, max_connections) =
        example_support::args_or_exit("blocking_hello [--port N] [--max-connections N]", |a| {
            hello_args(a, 8080)
        });
    let mut config = Config::default();
    if let Some(max) = max_connections {
        config.max_connections = max;
    }
    let server = Server::bind(("127.0.0.1", port), config)?;
    // Before the line that says it listens: a signal from then on is a graceful shutdown.
    let shutdown = server.shutdown_handle();
    example_support::shutdown_on_ctrl_c(move || shutdown.shutdown());
    println!("{}", listening_line(server.local_addr()?));
    std::io::stdout().flush()?;
    server.serve(|_req: http::Request<Incoming>| {
        // No Content-Length: a body in memory is framed by its length.
        let mut res = http::Response::new(Body::from(HELLO));
        res.headers_mut().insert(
            http::header::CONTENT_TYPE,
            http::HeaderValue::from_static("text/plain"),
        );
        Ok::<_, http::Error>(res)
    })?;
    Ok(())
}
