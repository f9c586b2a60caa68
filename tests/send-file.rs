//! A client's request body sent from a file by the driver (`sendfile(2)` on Linux):
//! driver-tokio's `SendFile` in the request's extensions. Responses sent from files, by every
//! driver, are the conformance suite's (`files_are_sent_by_the_driver`,
//! `a_slow_reader_of_a_file_keeps_its_connection`).

use bytes::Bytes;
use http::{Request, Response};
use http_body_util::Empty;
use std::net::SocketAddr;

/// The file sent: larger than a socket's buffer, so that sending it waits several times.
const LEN: usize = 3 * 1024 * 1024 + 123;

fn content() -> Vec<u8> {
    (0..LEN).map(|i| (i * 7 + i / 251) as u8).collect()
}

/// A server that answers each request with the length and a checksum of the body it read,
/// or, at `/refuse`, with a 403 before reading any.
fn counting_server() -> SocketAddr {
    use http_body_util::{BodyExt, Full};
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        rt.block_on(async move {
            let server = driver_tokio::Server::bind("127.0.0.1:0", driver_tokio::Config::default())
                .await
                .expect("bind");
            tx.send(server.local_addr().expect("address"))
                .expect("send");
            server
                .serve(|req: Request<driver_tokio::Incoming>| async move {
                    if req.uri().path() == "/refuse" {
                        let mut res = Response::new(Full::new(Bytes::new()));
                        *res.status_mut() = http::StatusCode::FORBIDDEN;
                        return Ok::<_, driver_tokio::BoxError>(res);
                    }
                    let body = req.into_body().collect().await?.to_bytes();
                    let sum = body
                        .iter()
                        .fold(0u64, |a, &b| a.wrapping_mul(31) + u64::from(b));
                    let text = format!("{} {sum}", body.len());
                    Ok(Response::new(Full::new(Bytes::from(text))))
                })
                .await
                .expect("serve");
        });
    });
    rx.recv().expect("address")
}

/// driver-tokio's client sends a request body from a file (`SendFile` in the request's
/// extensions): a range of it, with and without `Expect: 100-continue`, three requests on
/// one connection (a file refused before its 100: tests/client-expect.rs).
#[test]
fn a_client_sends_a_file_as_the_request_body() {
    use http_body_util::BodyExt;
    let temp = workspace_tests::TempFile::new("send-file", &content());
    let addr = counting_server();
    let want = content();
    let expected = |range: &[u8]| {
        let sum = range
            .iter()
            .fold(0u64, |a, &b| a.wrapping_mul(31) + u64::from(b));
        format!("{} {sum}", range.len())
    };
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime")
        .block_on(async {
            let mut client = driver_tokio::Client::connect(addr, driver_tokio::Config::default())
                .await
                .expect("connect");
            for expect in [false, true, false] {
                let file = std::fs::File::open(&temp.0).expect("open");
                let mut req = Request::post(format!("http://{addr}/count"));
                if expect {
                    req = req.header("expect", "100-continue");
                }
                let mut req = req.body(Empty::<Bytes>::new()).expect("request");
                req.extensions_mut()
                    .insert(driver_tokio::SendFile::new(file, 1000, 2_000_000));
                let res = client.send(req).await.expect("send");
                assert_eq!(res.status(), 200);
                let body = res.into_body().collect().await.expect("body").to_bytes();
                assert_eq!(body, expected(&want[1000..2_001_000]), "expect: {expect}");
            }
        });
}
