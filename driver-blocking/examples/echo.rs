//! Answers every request with a JSON description of how it was parsed, in the echo format
//! (`ECHO_FORMAT.md`), so that differential testers can drive the engine beside other servers.
//! `cargo run -p driver-blocking --example echo -- --port 0`

use driver_blocking::{Body, BoxError, Config, Incoming, Server};
use example_support::{Echo, listening_line, port_arg};
use std::io::{Read, Write};

fn echo(mut req: http::Request<Incoming>) -> Result<http::Response<Body>, BoxError> {
    let raw = req
        .extensions()
        .get::<http_core::RequestHead>()
        .cloned()
        .ok_or("the driver did not keep the raw head")?;
    let mut body = Vec::new();
    if req.body_mut().read_to_end(&mut body).is_err() {
        // A body the engine refused (a bad chunk, a limit): the request is rejected.
        return Ok(http::Response::builder()
            .status(400)
            .header("Content-Length", 0)
            .body(Body::empty())?);
    }
    let version = match raw.version {
        http_core::Version::Http10 => "1.0",
        http_core::Version::Http11 => "1.1",
    };
    let json = Echo {
        method: &raw.method,
        uri: &raw.target,
        version: version.as_bytes(),
        body: &body,
    }
    .to_json(raw.headers.iter());
    Ok(http::Response::builder()
        .header("Content-Type", "application/json")
        .header("Content-Length", json.len())
        .body(Body::from(json))?)
}

fn main() -> Result<(), BoxError> {
    let port = port_arg(std::env::args().skip(1), 8080)?;
    // The echo reports the head as received (names' case and order, raw target).
    let mut config = Config::default();
    config.raw_head = true;
    let server = Server::bind(("127.0.0.1", port), config)?;
    println!("{}", listening_line(server.local_addr()?));
    std::io::stdout().flush()?;
    server.serve(echo)?;
    Ok(())
}
