//! Real clients against a driver's echo application: `curl` and Python's `http.client`. Each
//! check decodes the echo JSON the server sent back and compares method, target, version,
//! headers and body with what the client was asked to send. A client that is not installed
//! is skipped with a printed notice.

use super::echo::Echo;
use super::{App, Mount, TestConfig};
use std::io::Write;
use std::process::{Command, Stdio};

fn installed(program: &str) -> bool {
    let found = Command::new(program)
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !found {
        println!("notice: {program} is not installed; skipping the {program} checks");
    }
    found
}

/// Runs `program` with `args` and `stdin`; returns stdout and stderr, failing on a non-zero exit.
#[track_caller]
fn run(program: &str, args: &[&str], stdin: &[u8]) -> (Vec<u8>, String) {
    let mut child = Command::new(program)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("{program}: {e}"));
    let mut input = child.stdin.take().expect("stdin");
    let stdin = stdin.to_vec();
    let feeder = std::thread::spawn(move || {
        let _ = input.write_all(&stdin);
    });
    let out = child.wait_with_output().expect("wait");
    let _ = feeder.join();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(
        out.status.success(),
        "{program} {args:?} failed ({}): {stderr}",
        out.status
    );
    (out.stdout, stderr)
}

/// The JSON values in `bytes`, one after another (curl prints one body per URL).
fn echoes(bytes: &[u8]) -> Vec<Echo> {
    serde_json::Deserializer::from_slice(bytes)
        .into_iter::<serde_json::Value>()
        .map(|v| {
            let v = v
                .unwrap_or_else(|e| panic!("not JSON ({e}): {:?}", String::from_utf8_lossy(bytes)));
            Echo::parse(v.to_string().as_bytes())
        })
        .collect()
}

#[track_caller]
fn check(e: &Echo, method: &str, uri: &str, version: &str, body: &[u8]) {
    assert_eq!(
        (
            String::from_utf8_lossy(&e.method).as_ref(),
            String::from_utf8_lossy(&e.uri).as_ref(),
            String::from_utf8_lossy(&e.version).as_ref(),
        ),
        (method, uri, version),
        "{e:?}"
    );
    assert!(e.body == body, "the echoed body differs: {e:?}");
}

/// curl: GET (twice, on one reused connection), POST, chunked upload, HTTP/1.0, and a large
/// upload with `Expect: 100-continue`.
pub(crate) fn curl<M: Mount>() {
    if !installed("curl") {
        return;
    }
    let server = M::start(App::Echo, TestConfig::default());
    let base = format!("http://{}", server.addr);
    let host = server.addr.to_string();
    let common = ["-sS", "--max-time", "20"];

    // GET, two URLs: curl reuses the connection for the second.
    let (a, b) = (format!("{base}/get?q=1"), format!("{base}/get/2"));
    let mut args = common.to_vec();
    args.extend(["-v", "-H", "X-Test: get", &a, &b]);
    let (out, err) = run("curl", &args, b"");
    let got = echoes(&out);
    assert_eq!(got.len(), 2, "{got:?}");
    check(&got[0], "GET", "/get?q=1", "1.1", b"");
    check(&got[1], "GET", "/get/2", "1.1", b"");
    assert_eq!(got[0].header("host"), Some(host.clone()));
    assert_eq!(got[0].header("x-test").as_deref(), Some("get"));
    assert!(
        err.contains("Re-using existing connection"),
        "curl did not reuse the connection: {err}"
    );

    // POST with a body.
    let url = format!("{base}/post");
    let mut args = common.to_vec();
    args.extend(["--data-binary", "posted body", &url]);
    let e = &echoes(&run("curl", &args, b"").0)[0];
    check(e, "POST", "/post", "1.1", b"posted body");
    assert_eq!(e.header("content-length").as_deref(), Some("11"));

    // A chunked upload.
    let url = format!("{base}/chunked");
    let mut args = common.to_vec();
    args.extend([
        "-H",
        "Transfer-Encoding: chunked",
        "--data-binary",
        "@-",
        &url,
    ]);
    let e = &echoes(&run("curl", &args, b"a chunked upload").0)[0];
    check(e, "POST", "/chunked", "1.1", b"a chunked upload");
    assert_eq!(e.header("transfer-encoding").as_deref(), Some("chunked"));
    assert_eq!(e.header("content-length"), None);

    // HTTP/1.0.
    let url = format!("{base}/old");
    let mut args = common.to_vec();
    args.extend(["--http1.0", &url]);
    let e = &echoes(&run("curl", &args, b"").0)[0];
    check(e, "GET", "/old", "1.0", b"");

    // A large upload with Expect: 100-continue: the server reads the body, so curl gets 100.
    let big = super::pattern_vec(2 << 20);
    let url = format!("{base}/big");
    let mut args = common.to_vec();
    args.extend([
        "-v",
        "-H",
        "Expect: 100-continue",
        "--expect100-timeout",
        "20",
        "-H",
        "Content-Type: application/octet-stream",
        "--data-binary",
        "@-",
        &url,
    ]);
    let (out, err) = run("curl", &args, &big);
    let e = &echoes(&out)[0];
    check(e, "POST", "/big", "1.1", &big);
    assert!(
        err.contains("HTTP/1.1 100 Continue"),
        "curl got no 100 (Continue): {err}"
    );
    server.stop();
}

/// Python's `http.client` over one connection: GET with a header, POST with a body, a chunked
/// upload from an iterator, and a last GET; checks that the connection was reused throughout.
const PYTHON: &str = r#"
import http.client, json, sys
conn = http.client.HTTPConnection("127.0.0.1", int(sys.argv[1]), timeout=10)
out = []
socks = []
def go(method, url, body=None, headers={}, **kw):
    conn.request(method, url, body=body, headers=headers, **kw)
    r = conn.getresponse()
    out.append({"status": r.status, "version": r.version, "body": r.read().decode("ascii")})
    socks.append(id(conn.sock))
go("GET", "/py?x=1", headers={"X-Py": "1"})
go("POST", "/py/post", body=b"python body", headers={"Content-Type": "text/plain"})
go("PUT", "/py/chunked", body=iter([b"ab", b"cd", b"ef"]), encode_chunked=True)
go("GET", "/py/last")
print(json.dumps({"responses": out, "reused": len(set(socks)) == 1}))
"#;

/// Python's `http.client` against the echo application.
pub(crate) fn python<M: Mount>() {
    if !installed("python3") {
        return;
    }
    let server = M::start(App::Echo, TestConfig::default());
    let port = server.addr.port().to_string();
    let (out, _) = run("python3", &["-c", PYTHON, &port], b"");
    let v: serde_json::Value = serde_json::from_slice(&out)
        .unwrap_or_else(|e| panic!("python printed ({e}): {}", String::from_utf8_lossy(&out)));
    assert_eq!(v["reused"], true, "python reconnected: {v}");
    let responses = v["responses"].as_array().expect("responses");
    let want: [(&str, &str, &[u8]); 4] = [
        ("GET", "/py?x=1", b""),
        ("POST", "/py/post", b"python body"),
        ("PUT", "/py/chunked", b"abcdef"),
        ("GET", "/py/last", b""),
    ];
    assert_eq!(responses.len(), want.len());
    for (r, (method, uri, body)) in responses.iter().zip(want) {
        assert_eq!(r["status"], 200, "{r}");
        assert_eq!(r["version"], 11, "{r}");
        let e = Echo::parse(r["body"].as_str().expect("body").as_bytes());
        check(&e, method, uri, "1.1", body);
        match uri {
            "/py?x=1" => assert_eq!(e.header("x-py").as_deref(), Some("1")),
            "/py/post" => assert_eq!(e.header("content-length").as_deref(), Some("11")),
            "/py/chunked" => {
                assert_eq!(e.header("transfer-encoding").as_deref(), Some("chunked"));
            }
            _ => {}
        }
    }
    server.stop();
}
