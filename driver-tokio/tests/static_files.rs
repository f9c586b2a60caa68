//! The static file server example over loopback: methods, listings, validators and
//! conditional requests, ranges, the cache, large files, and every way out of the root.

#![allow(unreachable_pub, dead_code)]

#[path = "../examples/static_files/ranges.rs"]
mod ranges;
#[path = "../examples/static_files/serve.rs"]
mod serve;
#[path = "../examples/static_files/site.rs"]
mod site;

use driver_tokio::{BoxError, Config, Incoming, Server};
use ranges::Ranges;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

/// A fresh directory with a few files, removed on drop.
struct Dir(PathBuf);

impl Dir {
    fn new(name: &str) -> Self {
        let p = std::env::temp_dir().join(format!("static-files-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&p);
        std::fs::create_dir_all(p.join("root/sub")).expect("mkdir");
        std::fs::create_dir_all(p.join("root/list")).expect("mkdir");
        std::fs::write(p.join("secret.txt"), "outside").expect("write");
        std::fs::write(p.join("root/index.html"), "<h1>home</h1>").expect("write");
        std::fs::write(p.join("root/style.css"), "body{}").expect("write");
        std::fs::write(p.join("root/sub/digits.txt"), "0123456789").expect("write");
        std::fs::write(p.join("root/list/a <b>&\".txt"), "x").expect("write");
        std::fs::write(p.join("root/list/plain.txt"), "y").expect("write");
        Self(p)
    }

    fn root(&self) -> PathBuf {
        self.0.join("root")
    }
}

impl Drop for Dir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Serves `root` on a thread of its own; the server lives as long as the test process.
fn serve(root: &Path) -> SocketAddr {
    let site = Arc::new(site::Site::new(root).expect("site"));
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("runtime");
        rt.block_on(async move {
            let server = Server::bind("127.0.0.1:0", Config::default())
                .await
                .expect("bind");
            tx.send(server.local_addr().expect("addr"))
                .expect("send addr");
            server
                .serve(move |req: http::Request<Incoming>| {
                    let site = site.clone();
                    async move {
                        Ok::<_, BoxError>(serve::respond(
                            &site,
                            req.method(),
                            req.uri(),
                            req.headers(),
                        ))
                    }
                })
                .await
                .expect("serve");
        });
    });
    rx.recv().expect("server address")
}

#[derive(Debug)]
struct Reply {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Reply {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// Sends `method target` with `fields` and `Connection: close`, reads the whole reply.
fn request(addr: SocketAddr, method: &str, target: &str, fields: &[(&str, &str)]) -> Reply {
    let mut s = TcpStream::connect(addr).expect("connect");
    s.set_read_timeout(Some(Duration::from_secs(10)))
        .expect("timeout");
    let mut req = format!("{method} {target} HTTP/1.1\r\nHost: test\r\nConnection: close\r\n");
    for (n, v) in fields {
        req.push_str(&format!("{n}: {v}\r\n"));
    }
    req.push_str("\r\n");
    s.write_all(req.as_bytes()).expect("write");
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).expect("read");
    let end = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("a head");
    let head = String::from_utf8_lossy(&raw[..end]).into_owned();
    let mut lines = head.split("\r\n");
    let status = lines.next().expect("status line")[9..12]
        .parse()
        .expect("status");
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.to_owned(), v.trim().to_owned()))
        .collect();
    Reply {
        status,
        headers,
        body: raw[end + 4..].to_vec(),
    }
}

fn get(addr: SocketAddr, target: &str) -> Reply {
    request(addr, "GET", target, &[])
}

#[test]
fn files_directories_and_types() {
    let d = Dir::new("basic");
    let addr = serve(&d.root());
    let r = get(addr, "/");
    assert_eq!((r.status, &r.body[..]), (200, &b"<h1>home</h1>"[..]));
    assert_eq!(r.header("content-type"), Some("text/html; charset=utf-8"));
    let r = get(addr, "/style.css");
    assert_eq!(r.header("content-type"), Some("text/css; charset=utf-8"));
    assert_eq!(r.header("content-length"), Some("6"));
    let r = get(addr, "/sub");
    assert_eq!((r.status, r.header("location")), (301, Some("/sub/")));
    assert_eq!(get(addr, "/missing").status, 404);
    // A file is not a directory.
    assert_eq!(get(addr, "/sub/digits.txt/").status, 404);
    // A query is not part of the path.
    assert_eq!(get(addr, "/sub/digits.txt?x=1").body, b"0123456789");
}

#[test]
fn a_redirect_to_a_folder_names_this_site_and_keeps_the_query() {
    let d = Dir::new("redirect");
    std::fs::create_dir_all(d.root().join("example.com/a b")).expect("mkdir");
    let addr = serve(&d.root());
    for (target, to) in [
        // `//example.com/` would send a browser to another host.
        ("//example.com", "/example.com/"),
        ("///example.com", "/example.com/"),
        ("/./example.com//a%20b", "/example.com/a%20b/"),
        ("/sub?page=2&x", "/sub/?page=2&x"),
        ("/.", "/"),
    ] {
        let r = get(addr, target);
        assert_eq!(
            (r.status, r.header("location")),
            (301, Some(to)),
            "{target}"
        );
    }
}

#[test]
fn listings_escape_names() {
    let d = Dir::new("listing");
    let addr = serve(&d.root());
    let r = get(addr, "/list/");
    assert_eq!(r.status, 200);
    let html = String::from_utf8(r.body).expect("utf-8");
    assert!(html.contains("a &lt;b&gt;&amp;&quot;.txt</a>"), "{html}");
    assert!(html.contains("href=\"a%20%3Cb%3E%26%22.txt\""), "{html}");
    assert!(html.contains("href=\"plain.txt\""), "{html}");
    assert!(!html.contains("<b>"), "{html}");
    // The title names the folder as its names read, escaped for HTML.
    std::fs::create_dir(d.root().join("caf\u{e9} <&>")).expect("mkdir");
    let r = get(addr, "/caf%C3%A9%20%3C%26%3E/");
    let html = String::from_utf8(r.body).expect("utf-8");
    assert!(
        html.contains("<title>Index of /caf\u{e9} &lt;&amp;&gt;/</title>"),
        "{html}"
    );
}

/// A name is bytes on Unix: one that is not UTF-8 is listed (its link carries its bytes,
/// its text reads them as UTF-8 would), served, and redirected to as a folder.
#[cfg(unix)]
#[test]
fn names_that_are_not_utf8_are_listed_and_served() {
    use std::ffi::OsStr;
    use std::os::unix::ffi::OsStrExt;
    let d = Dir::new("bytes");
    let list = d.root().join("list");
    // "café.txt" in Latin-1, and a folder named with a byte no UTF-8 text holds.
    std::fs::write(list.join(OsStr::from_bytes(b"caf\xe9.txt")), "latin").expect("write");
    std::fs::create_dir(list.join(OsStr::from_bytes(b"d\xff"))).expect("mkdir");
    std::fs::write(list.join(OsStr::from_bytes(b"d\xff/in.txt")), "inner").expect("write");
    // A hidden name stays hidden whatever bytes follow its dot.
    std::fs::write(list.join(OsStr::from_bytes(b".\xfe")), "hidden").expect("write");
    let addr = serve(&d.root());
    let r = get(addr, "/list/");
    assert_eq!(r.status, 200);
    let html = String::from_utf8(r.body).expect("utf-8");
    assert!(
        html.contains("<a href=\"caf%E9.txt\">caf\u{fffd}.txt</a>"),
        "{html}"
    );
    assert!(html.contains("<a href=\"d%FF/\">d\u{fffd}/</a>"), "{html}");
    assert!(!html.contains("%FE"), "{html}");
    let r = get(addr, "/list/caf%E9.txt");
    assert_eq!((r.status, &r.body[..]), (200, &b"latin"[..]));
    // The same name in UTF-8 is another name.
    assert_eq!(get(addr, "/list/caf%C3%A9.txt").status, 404);
    let r = get(addr, "/list/d%ff");
    assert_eq!((r.status, r.header("location")), (301, Some("/list/d%FF/")));
    assert_eq!(get(addr, "/list/d%FF/in.txt").body, b"inner");
    assert_eq!(get(addr, "/list/.%FE").status, 404);
    // The listing of the folder: its title read as UTF-8 would.
    let r = get(addr, "/list/d%FF/");
    let html = String::from_utf8(r.body).expect("utf-8");
    assert!(
        html.contains("<title>Index of /list/d\u{fffd}/</title>"),
        "{html}"
    );
    assert!(html.contains("href=\"in.txt\""), "{html}");
}

/// A file given as the folder to serve is refused at the start: it would be served as
/// nothing at all, every path a 404.
#[test]
fn the_root_must_be_a_folder() {
    let d = Dir::new("root-file");
    let file = d.root().join("style.css");
    let refused = site::Site::new(&file).expect_err("refused");
    assert_eq!(refused.kind(), std::io::ErrorKind::NotADirectory);
    assert!(site::Site::new(&d.root()).is_ok());
}

#[test]
fn a_listing_answers_preconditions_and_an_unservable_index_hides_its_folder() {
    let d = Dir::new("listing-conditions");
    let addr = serve(&d.root());
    // A listing has no validator: only `*` matches it (RFC 9110 §13.1.1, §13.1.2).
    for (field, value, status) in [
        ("If-Match", "\"x\"", 412),
        ("If-Match", "*", 200),
        ("If-None-Match", "*", 304),
        ("If-None-Match", "\"x\"", 200),
        ("If-Modified-Since", "Sun, 06 Nov 1994 08:49:37 GMT", 200),
        ("If-Unmodified-Since", "Sun, 06 Nov 1994 08:49:37 GMT", 200),
    ] {
        let r = request(addr, "GET", "/list/", &[(field, value)]);
        assert_eq!(r.status, status, "{field}: {value}");
        let listed = String::from_utf8_lossy(&r.body).contains("plain.txt");
        assert_eq!(listed, status == 200, "{field}: {value}");
        if status == 304 {
            assert!(r.body.is_empty());
        }
    }
    // An index there that cannot be served (here a folder) is no reason to list the folder.
    std::fs::create_dir(d.root().join("list/index.html")).expect("mkdir");
    let r = get(addr, "/list/");
    assert_eq!(r.status, 403);
    assert!(!String::from_utf8_lossy(&r.body).contains("plain.txt"));
}

#[test]
fn a_huge_folder_lists_a_bounded_number_of_entries() {
    let d = Dir::new("huge");
    let many = d.root().join("many");
    std::fs::create_dir(&many).expect("mkdir");
    for i in 0..=site::MAX_LISTED {
        std::fs::write(many.join(format!("f{i}")), "").expect("write");
    }
    let addr = serve(&d.root());
    let r = get(addr, "/many/");
    assert_eq!(r.status, 200);
    let html = String::from_utf8(r.body).expect("utf-8");
    assert_eq!(
        html.matches("<li>").count(),
        site::MAX_LISTED + 1,
        "with ../"
    );
    assert!(
        html.contains("more than the 10000 entries read"),
        "{}",
        &html[html.len() - 200..]
    );
    // One fewer: all of them, and no note.
    std::fs::remove_file(many.join("f0")).expect("remove");
    let html = String::from_utf8(get(addr, "/many/").body).expect("utf-8");
    assert_eq!(html.matches("<li>").count(), site::MAX_LISTED + 1);
    assert!(!html.contains("more than the"));
}

#[test]
fn a_file_dated_in_the_future_was_last_modified_now() {
    let d = Dir::new("future");
    let path = d.root().join("sub/digits.txt");
    let later = SystemTime::now() + Duration::from_secs(10 * 365 * 24 * 3600);
    std::fs::File::options()
        .write(true)
        .open(&path)
        .and_then(|f| f.set_modified(later))
        .expect("set the time");
    let addr = serve(&d.root());
    let r = get(addr, "/sub/digits.txt");
    let parse = |name| {
        http_core::HttpDate::parse(r.header(name).expect(name).as_bytes())
            .expect("a date")
            .unix_secs()
    };
    // RFC 9110 §8.8.2.1: never later than the response's Date.
    assert!(parse("last-modified") <= parse("date"));
    // A suffix range of an empty file is answered with the whole of it (RFC 9110 §14.1.2).
    std::fs::write(d.root().join("empty.txt"), "").expect("write");
    let r = request(addr, "GET", "/empty.txt", &[("Range", "bytes=-10")]);
    assert_eq!((r.status, r.header("content-length")), (200, Some("0")));
    let r = request(addr, "GET", "/sub/digits.txt", &[("Range", "Bytes=1-2")]);
    assert_eq!((r.status, &r.body[..]), (206, &b"12"[..]));
}

#[cfg(unix)]
#[test]
fn hidden_names_are_neither_listed_nor_served() {
    let d = Dir::new("hidden");
    std::fs::create_dir_all(d.root().join(".git")).expect("mkdir");
    std::fs::write(d.root().join(".git/config"), "secret").expect("write");
    std::fs::write(d.root().join(".env"), "secret").expect("write");
    std::fs::write(d.root().join("sub/.env"), "secret").expect("write");
    // A visible name that leads to a hidden one.
    std::os::unix::fs::symlink(d.root().join(".git"), d.root().join("repo")).expect("symlink");
    std::os::unix::fs::symlink(d.root().join(".env"), d.root().join("env.txt")).expect("symlink");
    let addr = serve(&d.root());
    for path in [
        "/.env",
        "/.git/config",
        "/.git/",
        "/sub/.env",
        "/%2eenv",
        "/repo/config",
        "/env.txt",
    ] {
        let r = get(addr, path);
        assert_eq!(r.status, 404, "{path}");
        assert!(
            !String::from_utf8_lossy(&r.body).contains("secret"),
            "{path}"
        );
    }
    let r = get(addr, "/sub/");
    let html = String::from_utf8(r.body).expect("utf-8");
    assert!(
        html.contains("digits.txt") && !html.contains(".env"),
        "{html}"
    );
    let html = String::from_utf8(get(addr, "/list/").body).expect("utf-8");
    assert!(html.contains("plain.txt"), "{html}");
    // The root's own listing (no index there) shows none of them either, nor a link that
    // leads out of the root (403 if asked for); a link to a folder inside is a folder.
    std::os::unix::fs::symlink(d.0.join("secret.txt"), d.root().join("out.txt")).expect("symlink");
    std::os::unix::fs::symlink(d.root().join("sub"), d.root().join("inner")).expect("symlink");
    std::fs::remove_file(d.root().join("index.html")).expect("remove");
    let html = String::from_utf8(get(addr, "/").body).expect("utf-8");
    assert!(
        html.contains("sub/") && !html.contains(".git") && !html.contains(".env"),
        "{html}"
    );
    assert!(html.contains("href=\"inner/\""), "{html}");
    for gone in ["repo", "env.txt", "out.txt"] {
        assert!(!html.contains(gone), "{gone} listed: {html}");
    }
    assert_eq!(get(addr, "/out.txt").status, 403);
    assert_eq!(get(addr, "/inner/digits.txt").body, b"0123456789");
}

#[test]
fn methods_other_than_get_and_head_are_405() {
    let d = Dir::new("methods");
    let addr = serve(&d.root());
    for m in ["POST", "PUT", "DELETE", "OPTIONS"] {
        let r = request(addr, m, "/", &[("Content-Length", "0")]);
        assert_eq!(
            (r.status, r.header("allow")),
            (405, Some("GET, HEAD")),
            "{m}"
        );
    }
    let r = request(addr, "HEAD", "/sub/digits.txt", &[]);
    assert_eq!(r.status, 200);
    assert_eq!(r.header("content-length"), Some("10"));
    assert!(r.body.is_empty(), "HEAD has no body");
}

#[test]
fn validators_and_conditional_requests() {
    let d = Dir::new("conditional");
    let addr = serve(&d.root());
    let r = get(addr, "/sub/digits.txt");
    let tag = r.header("etag").expect("etag").to_owned();
    let lm = r.header("last-modified").expect("last-modified").to_owned();
    let status = |fields: &[(&str, &str)]| request(addr, "GET", "/sub/digits.txt", fields).status;
    assert_eq!(status(&[("If-None-Match", &tag)]), 304);
    assert_eq!(
        status(&[("If-None-Match", &format!("W/{tag}"))]),
        304,
        "weak comparison"
    );
    assert_eq!(
        status(&[("If-None-Match", &format!("\"other\", {tag}"))]),
        304
    );
    assert_eq!(status(&[("If-None-Match", "*")]), 304);
    assert_eq!(status(&[("If-None-Match", "\"other\"")]), 200);
    assert_eq!(status(&[("If-Modified-Since", &lm)]), 304);
    let later = (SystemTime::now() + Duration::from_secs(3600))
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| http_core::HttpDate::from_unix_secs(d.as_secs()).to_string())
        .expect("clock");
    assert_eq!(status(&[("If-Modified-Since", &later)]), 304);
    let earlier = "Sun, 06 Nov 1994 08:49:37 GMT";
    assert_eq!(status(&[("If-Modified-Since", earlier)]), 200);
    // If-None-Match wins over If-Modified-Since (RFC 9110 §13.2.2).
    assert_eq!(
        status(&[("If-None-Match", "\"other\""), ("If-Modified-Since", &lm)]),
        200
    );
    let r = request(addr, "GET", "/sub/digits.txt", &[("If-None-Match", &tag)]);
    assert!(r.body.is_empty());
    assert_eq!(r.header("etag"), Some(tag.as_str()));
    // Field lines of one name are one list (RFC 9110 §5.3).
    assert_eq!(
        status(&[("If-None-Match", "\"other\""), ("If-None-Match", &tag)]),
        304
    );

    // If-Match compares strongly; it and If-Unmodified-Since come first (§13.2.2).
    assert_eq!(status(&[("If-Match", &tag)]), 200);
    assert_eq!(status(&[("If-Match", "*")]), 200);
    assert_eq!(status(&[("If-Match", &format!("\"x\", {tag}"))]), 200);
    assert_eq!(status(&[("If-Match", "\"other\"")]), 412);
    assert_eq!(status(&[("If-Match", &format!("W/{tag}"))]), 412);
    assert_eq!(
        status(&[("If-Match", "\"other\""), ("Range", "bytes=0-1")]),
        412
    );
    assert_eq!(
        status(&[("If-Match", "\"other\""), ("If-None-Match", &tag)]),
        412
    );
    assert_eq!(status(&[("If-Unmodified-Since", earlier)]), 412);
    assert_eq!(status(&[("If-Unmodified-Since", &lm)]), 200);
    assert_eq!(status(&[("If-Unmodified-Since", "not a date")]), 200);
    // If-Match present: If-Unmodified-Since is not looked at.
    assert_eq!(
        status(&[("If-Match", &tag), ("If-Unmodified-Since", earlier)]),
        200
    );
    assert_eq!(
        status(&[("If-Unmodified-Since", &lm), ("If-None-Match", &tag)]),
        304
    );
    // A date in more than one field line is a list, which no date is: ignored (§13.1.3,
    // §13.1.4), whichever date comes first.
    for (first, second) in [(&lm[..], earlier), (earlier, &lm[..])] {
        let two = |name| [(name, first), (name, second)];
        assert_eq!(status(&two("If-Modified-Since")), 200);
        assert_eq!(status(&two("If-Unmodified-Since")), 200);
    }
}

#[test]
fn byte_ranges() {
    let d = Dir::new("ranges");
    let addr = serve(&d.root());
    let range = |spec: &str| request(addr, "GET", "/sub/digits.txt", &[("Range", spec)]);
    let r = range("bytes=2-4");
    assert_eq!((r.status, &r.body[..]), (206, &b"234"[..]));
    assert_eq!(r.header("content-range"), Some("bytes 2-4/10"));
    assert_eq!(range("bytes=7-").body, b"789");
    assert_eq!(range("bytes=-3").body, b"789");
    assert_eq!(range("bytes=8-100").body, b"89");
    let r = range("bytes=10-");
    assert_eq!(
        (r.status, r.header("content-range")),
        (416, Some("bytes */10"))
    );
    // Invalid syntax is ignored: the whole file.
    for bad in ["bytes=5-2", "bytes=a-b", "lines=1-2", "bytes=1-2-3"] {
        let r = range(bad);
        assert_eq!((r.status, &r.body[..]), (200, &b"0123456789"[..]), "{bad}");
    }
    let r = range("bytes=0-1, 8-9");
    assert_eq!(r.status, 206);
    let ct = r.header("content-type").expect("type").to_owned();
    let boundary = ct
        .strip_prefix("multipart/byteranges; boundary=")
        .expect("multipart");
    let body = String::from_utf8(r.body.clone()).expect("utf-8");
    assert_eq!(
        r.header("content-length"),
        Some(body.len().to_string().as_str())
    );
    assert!(
        body.contains("Content-Range: bytes 0-1/10\r\n\r\n01\r\n"),
        "{body}"
    );
    assert!(
        body.contains("Content-Range: bytes 8-9/10\r\n\r\n89\r\n"),
        "{body}"
    );
    assert!(body.ends_with(&format!("--{boundary}--\r\n")), "{body}");
    // Two multipart answers have boundaries nobody could foresee: not the same twice.
    let again = range("bytes=0-1, 8-9");
    assert_ne!(again.header("content-type"), Some(ct.as_str()));
    // If-Range with another version, or with a date (never known to be strong): the whole.
    let full = get(addr, "/sub/digits.txt");
    let tag = full.header("etag").expect("etag");
    let lm = full.header("last-modified").expect("last-modified");
    for (if_range, status) in [(tag, 206), ("\"old\"", 200), (lm, 200)] {
        let r = request(
            addr,
            "GET",
            "/sub/digits.txt",
            &[("Range", "bytes=0-1"), ("If-Range", if_range)],
        );
        assert_eq!(r.status, status, "{if_range}");
    }
    // A Range, or an If-Range, in two field lines is no valid value: the whole file.
    for fields in [
        &[("Range", "bytes=0-0"), ("Range", "bytes=1-1")][..],
        &[("Range", "bytes=0-1"), ("If-Range", tag), ("If-Range", tag)][..],
    ] {
        let r = request(addr, "GET", "/sub/digits.txt", fields);
        assert_eq!(
            (r.status, &r.body[..]),
            (200, &b"0123456789"[..]),
            "{fields:?}"
        );
    }
    // Ranges asking for more than the file holds, overlapping: the file, once.
    let r = range("bytes=0-,0-");
    assert_eq!((r.status, &r.body[..]), (200, &b"0123456789"[..]));
    // HEAD ignores Range (RFC 9110 §14.2).
    let r = request(addr, "HEAD", "/sub/digits.txt", &[("Range", "bytes=2-4")]);
    assert_eq!((r.status, r.header("content-length")), (200, Some("10")));
    assert_eq!(r.header("content-range"), None);
}

#[test]
fn range_parsing_bounds() {
    assert_eq!(ranges::parse("bytes=0-0", 1), Ranges::Some(vec![(0, 0)]));
    assert_eq!(ranges::parse("bytes=-5", 3), Ranges::Some(vec![(0, 2)]));
    assert_eq!(ranges::parse("bytes=-0", 3), Ranges::Unsatisfiable);
    assert_eq!(ranges::parse("bytes=0-", 0), Ranges::Unsatisfiable);
    let many = (0..=ranges::MAX_RANGES)
        .map(|i| format!("{i}-{i}"))
        .collect::<Vec<_>>();
    assert_eq!(
        ranges::parse(&format!("bytes={}", many.join(",")), 100),
        Ranges::Whole
    );
    // Numbers past 64 bits are past any length: a first-pos there selects nothing, a
    // last-pos there means the end.
    assert_eq!(
        ranges::parse("bytes=99999999999999999999-", 3),
        Ranges::Unsatisfiable
    );
    assert_eq!(
        ranges::parse("bytes=1-99999999999999999999", 3),
        Ranges::Some(vec![(1, 2)])
    );
    assert_eq!(
        ranges::parse("bytes=-99999999999999999999", 3),
        Ranges::Some(vec![(0, 2)])
    );
    // The unit is case-insensitive (RFC 9110 §14.1); other units are not ours.
    assert_eq!(ranges::parse("Bytes=0-1", 3), Ranges::Some(vec![(0, 1)]));
    assert_eq!(ranges::parse("BYTES=-1", 3), Ranges::Some(vec![(2, 2)]));
    assert_eq!(ranges::parse("bytesx=0-1", 3), Ranges::Whole);
    assert_eq!(ranges::parse("items=0-1", 3), Ranges::Whole);
    // Of an empty file, a suffix range is the one satisfiable form, and selects nothing:
    // the whole (empty) file; any other range is unsatisfiable.
    assert_eq!(ranges::parse("bytes=-10", 0), Ranges::Whole);
    assert_eq!(ranges::parse("bytes=0-0", 0), Ranges::Unsatisfiable);
    // At most the whole file's bytes, in all: the byte before and after.
    assert_eq!(
        ranges::parse("bytes=0-4,3-7", 10),
        Ranges::Some(vec![(0, 4), (3, 7)])
    );
    assert_eq!(ranges::parse("bytes=0-4,3-8", 10), Ranges::Whole);
    assert_eq!(ranges::parse("bytes=-10,-1", 10), Ranges::Whole);
}

#[test]
fn no_path_leads_out_of_the_root() {
    let d = Dir::new("traversal");
    let root = d.root();
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(d.0.join("secret.txt"), root.join("link.txt")).expect("symlink");
        std::os::unix::fs::symlink(&d.0, root.join("up")).expect("symlink");
    }
    let addr = serve(&root);
    for target in [
        "/../secret.txt",
        "/sub/../../secret.txt",
        "/%2e%2e/secret.txt",
        "/%2E%2E/secret.txt",
        "/..%2fsecret.txt",
        "/%2e%2e%2fsecret.txt",
        "/sub%2f..%2f..%2fsecret.txt",
        "/%00",
        "/index.html%00.txt",
        "/%5c..%5csecret.txt",
        "//secret.txt",
        "/link.txt",
        "/up/secret.txt",
    ] {
        let r = get(addr, target);
        assert!(
            matches!(r.status, 400 | 403 | 404),
            "{target}: {} {:?}",
            r.status,
            String::from_utf8_lossy(&r.body)
        );
        assert!(
            !r.body.starts_with(b"outside"),
            "{target} served the secret"
        );
    }
    // Bad escapes are a bad request.
    assert_eq!(get(addr, "/%zz").status, 400);
    assert_eq!(
        get(addr, "/sub/%2e/digits.txt").status,
        200,
        "a decoded '.' is harmless"
    );
}

/// A file swapped for a link leading out of the root while its resolution is trusted: the
/// old version, whole, or the 403 a link out of the root gets once the path is resolved
/// again, and never what lies outside; for a small file (from memory) and a large one (from
/// its kept handle), and for a range of it.
#[cfg(unix)]
#[test]
fn a_path_swapped_for_a_link_out_of_the_root_serves_nothing_from_outside() {
    let d = Dir::new("swap");
    let large: Vec<u8> = (0..200_000u32).map(|i| (i % 251) as u8).collect();
    std::fs::write(d.root().join("large.bin"), &large).expect("write");
    std::fs::write(d.0.join("outside.bin"), vec![b'!'; 200_000]).expect("write");
    let addr = serve(&d.root());
    for (name, old, outside) in [
        ("sub/digits.txt", &b"0123456789"[..], "secret.txt"),
        ("large.bin", &large[..], "outside.bin"),
    ] {
        let target = format!("/{name}");
        assert!(
            get(addr, &target).body == old,
            "{name}: not served at first"
        );
        let path = d.root().join(name);
        std::fs::remove_file(&path).expect("remove");
        std::os::unix::fs::symlink(d.0.join(outside), &path).expect("symlink");
        let deadline = Instant::now() + Duration::from_secs(5);
        loop {
            // A range of it too: from what was resolved, or refused.
            let r = request(addr, "GET", &target, &[("Range", "bytes=0-3")]);
            assert!(
                (r.status == 206 && r.body == old[..4]) || r.status == 403,
                "{name}: a range neither of the old version nor refused"
            );
            let r = get(addr, &target);
            if r.status == 403 {
                break;
            }
            assert_eq!(r.status, 200, "{name}");
            assert!(
                r.body == old,
                "{name}: neither the old version nor a refusal"
            );
            assert!(Instant::now() < deadline, "{name}: the link was never seen");
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

/// A directory's `index.html` that is a link out of the root is refused, not followed.
#[cfg(unix)]
#[test]
fn an_index_linked_out_of_the_root_is_refused() {
    let d = Dir::new("index-link");
    std::fs::create_dir_all(d.root().join("linked")).expect("mkdir");
    std::os::unix::fs::symlink(d.0.join("secret.txt"), d.root().join("linked/index.html"))
        .expect("symlink");
    let addr = serve(&d.root());
    let r = get(addr, "/linked/");
    assert_eq!(r.status, 403);
    assert!(!String::from_utf8_lossy(&r.body).contains("outside"));
    // An index inside the root is served as before.
    assert_eq!(get(addr, "/").body, b"<h1>home</h1>");
}

/// A small file's trusted resolution is used only with its bytes in the cache: without them,
/// the path is resolved again (and a link out of the root found), never read as it stands.
#[cfg(unix)]
#[test]
fn a_trusted_resolution_without_cached_bytes_resolves_again() {
    let d = Dir::new("trusted");
    let site = site::Site::new(&d.root()).expect("site");
    // Resolved, and so trusted for a second, but never read, so nothing is cached.
    assert!(matches!(
        site.resolve("/sub/digits.txt"),
        Ok(site::Target::File(..))
    ));
    let path = d.root().join("sub/digits.txt");
    std::fs::remove_file(&path).expect("remove");
    std::os::unix::fs::symlink(d.0.join("secret.txt"), &path).expect("symlink");
    assert!(matches!(
        site.resolve("/sub/digits.txt"),
        Err(site::Refusal::Forbidden)
    ));
}

#[test]
fn the_cache_follows_changes() {
    let d = Dir::new("cache");
    let addr = serve(&d.root());
    let path = d.root().join("sub/digits.txt");
    assert_eq!(get(addr, "/sub/digits.txt").body, b"0123456789");
    std::fs::write(&path, "changed, and longer").expect("write");
    // A small file's resolution is trusted for a second: until then the old version, whole,
    // then the new one.
    eventually(
        addr,
        "/sub/digits.txt",
        b"0123456789",
        b"changed, and longer",
    );
}

/// A file replaced by one of the same length with the old one's modification time put back
/// (`cp -p`, `touch -r`, then a rename) is a new version: its bytes and tag show.
#[test]
fn the_cache_sees_a_replacement_with_the_old_length_and_time() {
    let d = Dir::new("replaced");
    let addr = serve(&d.root());
    let path = d.root().join("sub/digits.txt");
    let first = get(addr, "/sub/digits.txt");
    assert_eq!(first.body, b"0123456789");
    let modified = std::fs::metadata(&path)
        .and_then(|m| m.modified())
        .expect("mtime");
    let new = d.root().join("sub/new.tmp");
    std::fs::write(&new, "9876543210").expect("write");
    std::fs::File::options()
        .write(true)
        .open(&new)
        .and_then(|f| f.set_modified(modified))
        .expect("set mtime");
    std::fs::rename(&new, &path).expect("rename");
    eventually(addr, "/sub/digits.txt", b"0123456789", b"9876543210");
    let tag = first.header("etag").expect("etag");
    let r = request(addr, "GET", "/sub/digits.txt", &[("If-None-Match", tag)]);
    assert_eq!((r.status, &r.body[..]), (200, &b"9876543210"[..]));
}

/// Waits (up to 5 s) until `target` serves `new`, whole, as it must once a change shows;
/// until then it must serve `old`, whole.
/// A small file that changes while it is read into the cache (a log that grows, say) is
/// not cached under the version seen before the read: it would be served with that
/// version's length, and cut short, until its resolution expired.
#[test]
fn bytes_read_while_a_file_changes_are_not_cached() {
    let dir = Dir::new("changing");
    let path = dir.root().join("grow.log");
    std::fs::write(&path, "first\n").expect("write");
    let site = site::Site::new(&dir.root()).expect("site");
    let before = std::fs::metadata(&path).expect("stat");
    let append = |line: &str| {
        let mut f = std::fs::OpenOptions::new()
            .append(true)
            .open(&path)
            .expect("open");
        f.write_all(line.as_bytes()).expect("append");
    };
    let read = || {
        let file = std::fs::File::open(&path).expect("open");
        site.cached(&path, &before, &file)
            .expect("read")
            .expect("small")
    };
    // Grown between the look at the file and the read.
    append("second\n");
    assert_eq!(&read()[..], b"first\nsecond\n");
    append("third\n");
    assert_eq!(
        &read()[..],
        b"first\nsecond\nthird\n",
        "a stale read was cached"
    );
    // Unchanged since the look: cached, and served from the cache.
    let now = std::fs::metadata(&path).expect("stat");
    let file = std::fs::File::open(&path).expect("open");
    let first = site
        .cached(&path, &now, &file)
        .expect("read")
        .expect("small");
    let again = site
        .cached(&path, &now, &file)
        .expect("read")
        .expect("small");
    assert_eq!(first, again);
    assert_eq!(first.as_ptr(), again.as_ptr(), "not served from the cache");
}

fn eventually(addr: SocketAddr, target: &str, old: &[u8], new: &[u8]) {
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let body = get(addr, target).body;
        if body == new {
            return;
        }
        assert!(body == old, "neither version of {target}");
        assert!(
            Instant::now() < deadline,
            "the change of {target} did not show"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// `len` bytes in which no stretch repeats another at a different offset.
fn noise(len: u32) -> Vec<u8> {
    (0..len)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect()
}

/// Multipart ranges of a large file, many at once: each part is read from the one handle the
/// site keeps for the file, and none may get another's bytes.
#[test]
fn concurrent_multipart_ranges_of_a_large_file_each_get_their_own_bytes() {
    let d = Dir::new("multipart");
    let data = noise(6 << 20);
    std::fs::write(d.root().join("large.bin"), &data).expect("write");
    let addr = serve(&d.root());
    let data = Arc::new(data);
    let clients: Vec<_> = (0..8u64)
        .map(|i| {
            let data = data.clone();
            std::thread::spawn(move || {
                for round in 0..3u64 {
                    let a = (i * 3 + round) * 100_000;
                    let ranges = [(a, a + 199_999), (a + 2_000_000, a + 2_299_999)];
                    let spec = format!(
                        "bytes={}-{},{}-{}",
                        ranges[0].0, ranges[0].1, ranges[1].0, ranges[1].1
                    );
                    let r = request(addr, "GET", "/large.bin", &[("Range", &spec)]);
                    assert_eq!(r.status, 206);
                    for (a, b) in ranges {
                        let head = format!("Content-Range: bytes {a}-{b}/{}\r\n\r\n", data.len());
                        let at = r
                            .body
                            .windows(head.len())
                            .position(|w| w == head.as_bytes())
                            .unwrap_or_else(|| panic!("no part {a}-{b}"))
                            + head.len();
                        let (a, b) = (a as usize, b as usize);
                        assert!(
                            r.body.get(at..at + b - a + 1) == Some(&data[a..=b]),
                            "part {a}-{b} has other bytes"
                        );
                    }
                }
            })
        })
        .collect();
    for c in clients {
        c.join().expect("client");
    }
}

#[test]
fn a_large_file_streams_intact() {
    let d = Dir::new("large");
    let data = noise(8 << 20);
    std::fs::write(d.root().join("large.bin"), &data).expect("write");
    let addr = serve(&d.root());
    let r = get(addr, "/large.bin");
    assert_eq!(r.status, 200);
    assert_eq!(
        r.header("content-length"),
        Some(data.len().to_string().as_str())
    );
    assert_eq!(r.header("content-type"), Some("application/octet-stream"));
    assert!(r.body == data, "the large file came back changed");
    let r = request(
        addr,
        "GET",
        "/large.bin",
        &[("Range", "bytes=5000000-5000009")],
    );
    assert_eq!(r.body, &data[5_000_000..5_000_010]);

    // Replaced (a new file renamed over it, as deployments do): the old version whole until
    // the server looks again, within a second, then the new one.
    let new: Vec<u8> = data[..3 << 20].iter().map(|b| b ^ 0x5a).collect();
    std::fs::write(d.root().join("large.new"), &new).expect("write");
    std::fs::rename(d.root().join("large.new"), d.root().join("large.bin")).expect("rename");
    eventually(addr, "/large.bin", &data, &new);
}

/// The files under `dir` this process holds open (by /proc: Linux only), with whether each
/// was deleted meanwhile.
fn open_under(dir: &Path) -> Vec<(PathBuf, bool)> {
    let Ok(fds) = std::fs::read_dir("/proc/self/fd") else {
        return Vec::new();
    };
    fds.filter_map(|fd| std::fs::read_link(fd.ok()?.path()).ok())
        .filter_map(|target| {
            let text = target.to_string_lossy();
            let deleted = text.ends_with(" (deleted)");
            let path = PathBuf::from(text.trim_end_matches(" (deleted)"));
            path.starts_with(dir).then_some((path, deleted))
        })
        .collect()
}

#[test]
fn open_handles_are_bounded_and_expired_ones_closed() {
    if !Path::new("/proc/self/fd").exists() {
        return;
    }
    let d = Dir::new("handles");
    let root = d.root().canonicalize().expect("root");
    let large = site::CACHE_FILE_MAX as usize + 1;
    let files = 3 * site::OPEN_MAX;
    for i in 0..files {
        std::fs::write(root.join(format!("f{i}.bin")), vec![i as u8; large]).expect("write");
    }
    let addr = serve(&root);
    for i in 0..files {
        let r = get(addr, &format!("/f{i}.bin"));
        assert_eq!(r.status, 200);
        assert!(r.body.len() == large && r.body.iter().all(|&b| b == i as u8));
    }
    let open = open_under(&root);
    assert!(
        !open.is_empty() && open.len() <= site::OPEN_MAX,
        "{} handles open after {files} large files",
        open.len()
    );

    // A deleted file's handle is closed once its resolution expired and another large
    // file's is kept: its space is given back.
    assert_eq!(get(addr, "/f0.bin").status, 200);
    std::fs::remove_file(root.join("f0.bin")).expect("rm");
    std::thread::sleep(site::RESOLVED_VALID + Duration::from_millis(200));
    assert_eq!(get(addr, "/f1.bin").status, 200);
    let deleted: Vec<_> = open_under(&root).into_iter().filter(|(_, d)| *d).collect();
    assert!(deleted.is_empty(), "still open: {deleted:?}");
}

/// curl against the server: ranges, conditionals, HEAD. Skipped when curl is missing.
#[test]
fn curl_agrees() {
    if std::process::Command::new("curl")
        .arg("--version")
        .output()
        .is_err()
    {
        eprintln!("curl is not installed: skipped");
        return;
    }
    let d = Dir::new("curl");
    let addr = serve(&d.root());
    let url = format!("http://{addr}/sub/digits.txt");
    let curl = |args: &[&str]| {
        let out = std::process::Command::new("curl")
            .args(["-sS", "--max-time", "10"])
            .args(args)
            .output()
            .expect("curl");
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    assert_eq!(curl(&["-r", "3-5", &url]), "345");
    assert_eq!(
        curl(&["-o", "/dev/null", "-w", "%{http_code}", "-I", &url]),
        "200"
    );
    let head = curl(&["-I", &url]);
    let tag = head
        .lines()
        .find_map(|l| l.strip_prefix("etag: ").map(|t| t.trim().to_owned()))
        .expect("etag");
    let code = curl(&[
        "-o",
        "/dev/null",
        "-w",
        "%{http_code}",
        "-H",
        &format!("If-None-Match: {tag}"),
        &url,
    ]);
    assert_eq!(code, "304");
    assert_eq!(
        curl(&["-z", "Sun, 06 Nov 1994 08:49:37 GMT", &url]),
        "0123456789"
    );
}
