//! Answers every request with a JSON description of how it was parsed, in the echo format
//! (`ECHO_FORMAT.md`), so that differential testers can drive the engine beside other servers.
//! `cargo run -p driver-blocking --example blocking_echo -- --port 0`

use driver_blocking::{Body, BoxError, Config, Incoming, Server};
use example_support::{echo_answer, listening_line, port_arg};
use std::io::{Read, Write};

fn echo(mut req: http::Request<Incoming>) -> Result<http::Response<Body>, BoxError> {
    let raw = req
        .extensions()
        .get::<http_core::RequestHead>()
        .cloned()
        .ok_or("the driver did not keep the raw head")?;
    // A body the engine refused (a bad chunk, a limit) is `None`: the request is rejected.
    let mut body = Vec::new();
    let read = req.body_mut().read_to_end(&mut body).is_ok();
    Ok(echo_answer(&raw, read.then_some(&body[..])).map(Body::from))
}

fn main() -> Result<(), BoxError> {
    let port = example_support::args_or_exit("blocking_echo [--port N]", |a| port_arg(a, 8080));
    // The echo reports the head as received (names' case and order, raw target).
    let mut config = Config::default();
    config.raw_head = true;
    let server = Server::bind(("127.0.0.1", port), config)?;
    // Before the line that says it listens: a signal from then on is a graceful shutdown.
    let shutdown = server.shutdown_handle();
    example_support::shutdown_on_ctrl_c(move || shutdown.shutdown());
    println!("{}", listening_line(server.local_addr()?));
    std::io::stdout().flush()?;
    server.serve(echo)?;
    Ok(())
}
