//! Answers every request with a JSON description of how it was parsed, in the echo format
//! (`ECHO_FORMAT.md`), so that differential testers can drive the engine beside other servers.
//! `cargo run -p driver-tokio --example tokio_echo -- --port 0`

use bytes::Bytes;
use driver_tokio::{BoxError, Config, Incoming, Server};
use example_support::{echo_answer, listening_line, port_arg};
use http_body_util::{BodyExt, Full};
use std::io::Write;

async fn echo(req: http::Request<Incoming>) -> Result<http::Response<Full<Bytes>>, BoxError> {
    let raw = req
        .extensions()
        .get::<http_core::RequestHead>()
        .cloned()
        .ok_or("the driver did not keep the raw head")?;
    // A body the engine refused (a bad chunk, a limit) is `None`: the request is rejected.
    let body = req
        .into_body()
        .collect()
        .await
        .ok()
        .map(http_body_util::Collected::to_bytes);
    Ok(echo_answer(&raw, body.as_deref()).map(|b| Full::new(Bytes::from(b))))
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
            // Before the line that says it listens: a signal from then on is a graceful shutdown.
            let shutdown = server.shutdown_handle();
            example_support::tokio_shutdown_on_ctrl_c(move || shutdown.shutdown());
            println!("{}", listening_line(server.local_addr()?));
            std::io::stdout().flush()?;
            server.serve(echo).await?;
            Ok(())
        })
}
