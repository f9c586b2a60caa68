//! Answers every request with a JSON description of how it was parsed, in the echo format
//! (`ECHO_FORMAT.md`), so that differential testers can drive the engine beside other servers.
//! `cargo run -p driver-tokio --example tokio_echo -- --port 0`

use bytes::Bytes;
use driver_tokio::{BoxError, Config, Incoming, Server};
use example_support::{Echo, listening_line, port_arg};
use http_body_util::{BodyExt, Full};
use std::io::Write;

async fn echo(req: http::Request<Incoming>) -> Result<http::Response<Full<Bytes>>, BoxError> {
    let raw = req
        .extensions()
        .get::<http_core::RequestHead>()
        .cloned()
        .ok_or("the driver did not keep the raw head")?;
    let body = match req.into_body().collect().await {
        Ok(collected) => collected.to_bytes(),
        // A body the engine refused (a bad chunk, a limit): the request is rejected.
        Err(_) => {
            return Ok(http::Response::builder()
                .status(400)
                .body(Full::new(Bytes::new()))?);
        }
    };
    // A CONNECT accepted would be a tunnel, whose 2xx carries no content (RFC 9110 §9.3.6):
    // the echo opens none.
    if raw.is_connect() {
        return Ok(http::Response::builder()
            .status(501)
            .body(Full::new(Bytes::new()))?);
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
        .body(Full::new(Bytes::from(json)))?)
}

fn main() -> Result<(), BoxError> {
    let port = example_support::args_or_exit("tokio_echo [--port N]", |a| port_arg(a, 8080));
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?
        .block_on(async {
            // The echo reports the head as received (names' case and order, raw target).
            let mut config = Config::default();
            config.raw_head = true;
            let server = Server::bind(("127.0.0.1", port), config).await?;
            println!("{}", listening_line(server.local_addr()?));
            std::io::stdout().flush()?;
            server.serve(echo).await?;
            Ok(())
        })
}
