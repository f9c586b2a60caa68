//! The test applications on driver-tokio: the shared async applications, plus the upgrade on
//! tokio's `TcpStream`.

use super::async_apps::{self, BoxError, Out, Runtime, full};
use super::{App, Mount, Running, TestConfig};
use driver_tokio::{Config, Incoming, Server, upgrade};
use http::{HeaderValue, Request, Response};
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{AsyncWriteExt, copy, split};

/// driver-tokio under test.
#[derive(Debug)]
pub(crate) struct Tokio;

impl Runtime for Tokio {
    fn sleep(d: Duration) -> impl Future<Output = ()> + Send {
        tokio::time::sleep(d)
    }
    fn send_file(file: std::fs::File, offset: u64, len: u64) -> impl Clone + Send + Sync + 'static {
        driver_tokio::SendFile::new(file, offset, len)
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

/// A runtime for a server or client thread.
pub(crate) fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("tokio runtime")
}

impl Mount for Tokio {
    const NAME: &'static str = "driver-tokio";

    fn start(app: App, cfg: TestConfig) -> Running {
        Running::spawn(move |ready| {
            runtime().block_on(async move {
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
        return async_apps::handle::<Tokio, _>(app, req).await;
    }
    let on = upgrade::on(&mut req);
    tokio::spawn(async move {
        let Ok(up) = on.await else { return };
        let mut io = up.io;
        if io.write_all(&up.leftover).await.is_err() {
            return;
        }
        let (mut r, mut w) = split(io);
        let _ = copy(&mut r, &mut w).await;
        let _ = w.shutdown().await;
    });
    let mut res = full(101, None, "");
    res.headers_mut().remove("content-length");
    res.headers_mut()
        .insert("connection", HeaderValue::from_static("upgrade"));
    res.headers_mut()
        .insert("upgrade", HeaderValue::from_static("echo"));
    Ok(res)
}
