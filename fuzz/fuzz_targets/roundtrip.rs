//! Arbitrary structured messages: a request the client engine serializes must reach the server
//! engine with the same head, body and trailers; a response the server serializes must reach
//! the client the same, through a pipe that splits every transfer at random.
#![no_main]

use arbitrary::Arbitrary;
use bytes::Bytes;
use http_core::{Event, Headers, RequestHead, ResponseHead};
use libfuzzer_sys::fuzz_target;
use workspace_tests::Pair;

#[derive(Arbitrary, Debug)]
struct Message {
    fields: Vec<(Vec<u8>, Vec<u8>)>,
    body: Vec<Vec<u8>>,
    trailers: Vec<(Vec<u8>, Vec<u8>)>,
    /// Declare Content-Length (else the engine chunks).
    length: bool,
}

#[derive(Arbitrary, Debug)]
struct Input {
    method: u8,
    target: Vec<u8>,
    request: Message,
    status: u16,
    response: Message,
    seed: u64,
}

const TCHAR: &[u8] =
    b"!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
const PCHAR: &[u8] =
    b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~!$&'()*+,;=:@/?";
/// Fields whose meaning the engine acts on; the messages here carry only plain ones.
const RESERVED: &[&str] = &[
    "host",
    "content-length",
    "transfer-encoding",
    "connection",
    "keep-alive",
    "upgrade",
    "te",
    "trailer",
    "expect",
    "proxy-connection",
];

fn token(raw: &[u8]) -> Vec<u8> {
    let mut t: Vec<u8> = raw
        .iter()
        .map(|b| TCHAR[usize::from(*b) % TCHAR.len()])
        .collect();
    if t.is_empty() {
        t.push(b'x');
    }
    t
}

/// A field value: field-vchar, with SP and HTAB only inside.
fn value(raw: &[u8]) -> Vec<u8> {
    let v: Vec<u8> = raw
        .iter()
        .map(|&b| match b {
            b'\t' | b' ' | 0x21..=0x7e | 0x80..=0xff => b,
            _ => b'v',
        })
        .collect();
    v.trim_ascii().to_vec()
}

fn fields(raw: &[(Vec<u8>, Vec<u8>)], trailers: bool) -> Headers {
    raw.iter()
        .take(30)
        .map(|(n, v)| (token(n), value(v)))
        .filter(|(n, _)| {
            let n = String::from_utf8_lossy(n).to_ascii_lowercase();
            !RESERVED.contains(&n.as_str()) && !(trailers && http_core_forbidden_trailer(&n))
        })
        .collect()
}

fn http_core_forbidden_trailer(name: &str) -> bool {
    [
        "range",
        "max-forwards",
        "if-match",
        "if-none-match",
        "if-modified-since",
        "if-unmodified-since",
        "if-range",
        "authorization",
        "proxy-authorization",
        "www-authenticate",
        "proxy-authenticate",
        "cookie",
        "set-cookie",
        "content-type",
        "content-encoding",
        "content-range",
    ]
    .contains(&name)
}

/// The body pieces, and whether trailers can be carried (only when chunked).
fn body(m: &Message) -> Vec<Bytes> {
    m.body
        .iter()
        .take(16)
        .map(|b| Bytes::from(b.clone()))
        .collect()
}

fn collect(events: Vec<Event>) -> (Option<Event>, Vec<u8>, Option<Headers>) {
    let mut head = None;
    let mut data = Vec::new();
    let mut end = None;
    for e in events {
        match e {
            Event::Data(d) => data.extend_from_slice(&d),
            Event::End(t) => end = Some(t),
            Event::Request(_) | Event::Response(_) => head = Some(e),
            other => panic!("unexpected event {other:?}"),
        }
    }
    (head, data, end)
}

fuzz_target!(|input: Input| {
    let methods = ["GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "PURGE"];
    let mut target = vec![b'/'];
    target.extend(
        input
            .target
            .iter()
            .take(200)
            .map(|b| PCHAR[usize::from(*b) % PCHAR.len()]),
    );
    let mut req = RequestHead::new(methods[usize::from(input.method) % methods.len()], target);
    req.headers = fields(&input.request.fields, false);
    req.headers.append("Host", "example.com");
    let req_body = body(&input.request);
    let req_len: usize = req_body.iter().map(Bytes::len).sum();
    if input.request.length {
        req.headers.append("Content-Length", req_len.to_string());
    }
    let req_trailers = fields(&input.request.trailers, true);

    let mut pair = Pair::new().split_randomly(input.seed);
    pair.client
        .conn
        .send_request(req.clone())
        .expect("a valid request");
    for b in &req_body {
        pair.client.conn.send_data(b.clone()).expect("request body");
    }
    pair.client
        .conn
        .send_end(req_trailers.clone())
        .expect("request end");
    pair.drive();
    assert_eq!(
        pair.server.error, None,
        "the server refused what the client sent"
    );
    let (head, data, end) = collect(pair.server.take());
    let Some(Event::Request(got)) = head else {
        panic!("no request")
    };
    assert_eq!(got.method, req.method);
    assert_eq!(got.target, req.target);
    // The engine adds only framing fields, after the application's.
    let sent: Vec<_> = req.headers.iter().collect();
    let received: Vec<_> = got.headers.iter().collect();
    assert_eq!(&received[..sent.len()], &sent[..], "request fields");
    for (name, _) in &received[sent.len()..] {
        assert!(
            name.eq_ignore_ascii_case(b"transfer-encoding")
                || name.eq_ignore_ascii_case(b"content-length")
        );
    }
    assert_eq!(data, req_body.concat(), "request body");
    let chunked = got.headers.contains("transfer-encoding");
    let want_trailers = if chunked {
        req_trailers
    } else {
        Headers::new()
    };
    assert_eq!(end, Some(want_trailers), "request trailers");

    // The response, back the other way. 1xx and 101 are left out: they are not final.
    let status = 200 + input.status % 400;
    let mut res = ResponseHead::new(status);
    res.headers = fields(&input.response.fields, false);
    // (A 205 has no content either, and says so: RFC 9110 §15.3.6.)
    let bodiless = matches!(status, 204 | 205 | 304) || got.method == "HEAD";
    let res_body = if bodiless {
        Vec::new()
    } else {
        body(&input.response)
    };
    let res_len: usize = res_body.iter().map(Bytes::len).sum();
    if input.response.length && status != 204 {
        res.headers.append("Content-Length", res_len.to_string());
    }
    let res_trailers = fields(&input.response.trailers, true);
    pair.server
        .conn
        .send_response(res.clone())
        .expect("a valid response");
    for b in &res_body {
        pair.server
            .conn
            .send_data(b.clone())
            .expect("response body");
    }
    pair.server
        .conn
        .send_end(res_trailers.clone())
        .expect("response end");
    pair.drive();
    assert_eq!(
        pair.client.error, None,
        "the client refused what the server sent"
    );
    let (head, data, end) = collect(pair.client.take());
    let Some(Event::Response(got)) = head else {
        panic!("no response")
    };
    assert_eq!(got.status, status);
    let sent: Vec<_> = res.headers.iter().collect();
    let received: Vec<_> = got.headers.iter().collect();
    assert_eq!(&received[..sent.len()], &sent[..], "response fields");
    assert_eq!(data, res_body.concat(), "response body");
    let chunked = got.headers.contains("transfer-encoding") && !bodiless;
    let want_trailers = if chunked {
        res_trailers
    } else {
        Headers::new()
    };
    assert_eq!(end, Some(want_trailers), "response trailers");
    assert!(pair.client.conn.is_reusable() && pair.server.conn.is_reusable());
});
