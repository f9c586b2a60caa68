//! The test applications on driver-smol: the shared async applications, plus the upgrade on
//! smol's `TcpStream`.

use super::async_apps::{self, BoxError, Out, Runtime, full};
use super::{App, Mount, Running, TestConfig};
use driver_smol::{Config, Incoming, Server, upgrade};
use http::{HeaderValue, Request, Response};
use smol::io::{AsyncWriteExt, copy};
use std::sync::Arc;
use std::time::Duration;

/// driver-smol under test.
#[derive(Debug)]
pub(crate) struct Smol;

impl Runtime for Smol {
    async fn sleep(d: Duration) {
        smol::Timer::after(d).await;
    }
    fn send_file(file: std::fs::File, offset: u64, len: u64) -> impl Clone + Send + Sync + 'static {
        driver_smol::SendFile::new(file, offset, len)
    }
}

/// The driver's configuration for a test configuration.
pub(crate) fn config(cfg: &TestConfig) -> Config {
    let mut c = Config::default();
    c.engine = cfg.engine();
    c.max_connections = cfg.max_connections;
    c.shutdown_timeout = cfg.shutdown_timeout;
    c.write_timeout = cfg.write_timeout;
    c.peer_addr = cfg.peer_addr;
    // The echo application reports the head as received.
    c.raw_head = true;
    c
}

impl Mount for Smol {
    const NAME: &'static str = "driver-smol";

    fn start(app: App, cfg: TestConfig) -> Running {
        Running::spawn(move |ready| {
            smol::block_on(async move {
                let server = Server::bind("127.0.0.1:0", config(&cfg)).await?;
                let shutdown = server.shutdown_handle();
                let _ = ready.send((server.local_addr()?, Box::new(move || shutdown.shutdown())));
                let app = Arc::new(app);
                server
                    .serve(move |req| {
                        let app = app.clone();
                        async move { handle(&app, req).await }
                    })
                    .await
            })
        })
    }
}

async fn handle(app: &App, mut req: Request<Incoming>) -> Result<Response<Out>, BoxError> {
    if !matches!(app, App::Upgrade) {
        return async_apps::handle::<Smol, _>(app, req).await;
    }
    let on = upgrade::on(&mut req);
    smol::spawn(async move {
        let Ok(up) = on.await else { return };
        let mut io = up.io;
        if io.write_all(&up.leftover).await.is_err() {
            return;
        }
        let mut reader = io.clone();
        let _ = copy(&mut reader, &mut io).await;
        let _ = io.close().await;
    })
    .detach();
    let mut res = full(101, None, "");
    res.headers_mut().remove("content-length");
    res.headers_mut()
        .insert("connection", HeaderValue::from_static("upgrade"));
    res.headers_mut()
        .insert("upgrade", HeaderValue::from_static("echo"));
    Ok(res)
}
