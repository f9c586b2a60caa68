//! Conversions between heads and the `http` crate's types (feature `http`).
//!
//! Targets and field values are shared with the head's buffer, not copied, where `http`
//! allows it. `http::HeaderMap` lowercases names, so their original case is lost on the way
//! in; this engine itself keeps it.

use crate::event::{RequestHead, ResponseHead, Version};
use crate::headers::Headers;
use bytes::Bytes;
use core::fmt;

/// A head that the other crate's types cannot hold, or the reverse.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ConvertError {
    /// The method.
    Method,
    /// The request-target.
    Uri,
    /// A field name.
    FieldName,
    /// A field value.
    FieldValue,
    /// The status code.
    Status,
    /// A version other than HTTP/1.0 and HTTP/1.1.
    Version,
}

impl fmt::Display for ConvertError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Method => "method not representable",
            Self::Uri => "request-target not representable",
            Self::FieldName => "field name not representable",
            Self::FieldValue => "field value not representable",
            Self::Status => "status not representable",
            Self::Version => "version not representable",
        })
    }
}

impl std::error::Error for ConvertError {}

fn to_http_version(v: Version) -> http::Version {
    match v {
        Version::Http10 => http::Version::HTTP_10,
        Version::Http11 => http::Version::HTTP_11,
    }
}

fn from_http_version(v: http::Version) -> Result<Version, ConvertError> {
    match v {
        http::Version::HTTP_10 => Ok(Version::Http10),
        http::Version::HTTP_11 => Ok(Version::Http11),
        _ => Err(ConvertError::Version),
    }
}

fn to_header_map(h: &Headers, map: &mut http::HeaderMap) -> Result<(), ConvertError> {
    map.reserve(h.len());
    for (name, value) in h.iter_shared() {
        let name = http::HeaderName::from_bytes(&name).map_err(|_| ConvertError::FieldName)?;
        let value =
            http::HeaderValue::from_maybe_shared(value).map_err(|_| ConvertError::FieldValue)?;
        map.append(name, value);
    }
    Ok(())
}

/// The fields of `map`, after `first` if given, in one buffer of exactly their size and one
/// entry list: two allocations for the whole section.
fn from_header_map(map: &http::HeaderMap, first: Option<(&[u8], &[u8])>) -> Headers {
    let fields = || {
        first.into_iter().chain(
            map.iter()
                .map(|(n, v)| (n.as_str().as_bytes(), v.as_bytes())),
        )
    };
    let size = fields().map(|(n, v)| n.len() + v.len()).sum();
    Headers::from_fields(size, map.len() + usize::from(first.is_some()), fields())
}

/// The most fields, and values, a map kept for reuse may hold or have room for.
const REUSED_MAP_ROOM: usize = 32;

/// `map` emptied, to hold the fields of a request to come
/// ([`RequestHead::to_http_in`]), if it is worth keeping: not one that holds or has room for
/// more than 32 fields or values (an emptied map keeps the room its values took), which would
/// hold more memory than the allocation it saves.
#[must_use]
pub fn reusable_map(mut map: http::HeaderMap) -> Option<http::HeaderMap> {
    (map.len() <= REUSED_MAP_ROOM && map.capacity() <= REUSED_MAP_ROOM).then(|| {
        map.clear();
        map
    })
}

impl RequestHead {
    /// The head as an `http::Request` whose body is `body`.
    pub fn into_http<B>(self, body: B) -> Result<http::Request<B>, ConvertError> {
        self.to_http(body)
    }

    /// The head as an `http::Request` whose body is `body`, keeping the head: the request
    /// shares its bytes (target and field values are not copied).
    pub fn to_http<B>(&self, body: B) -> Result<http::Request<B>, ConvertError> {
        self.to_http_in(body, http::HeaderMap::new())
    }

    /// As [`to_http`](Self::to_http), with the fields written into `map` (cleared first),
    /// whose allocations are reused: a server that hands in the map of the response it sent
    /// last spends no allocation on a request's fields (two, with a new map).
    pub fn to_http_in<B>(
        &self,
        body: B,
        mut map: http::HeaderMap,
    ) -> Result<http::Request<B>, ConvertError> {
        if !map.is_empty() {
            map.clear();
        }
        let mut req = http::Request::new(body);
        *req.method_mut() =
            http::Method::from_bytes(&self.method).map_err(|_| ConvertError::Method)?;
        let uri =
            http::Uri::from_maybe_shared(self.target.clone()).map_err(|_| ConvertError::Uri)?;
        // `http` reads a target such as `example.com:80` as an authority, which only CONNECT
        // may have (RFC 9112 §3.2.3), where the grammar also makes it an absolute-URI of
        // scheme `example.com`: a target the two would read differently is not handed on.
        if uri.scheme().is_none()
            && uri.authority().is_some()
            && req.method() != http::Method::CONNECT
        {
            return Err(ConvertError::Uri);
        }
        *req.uri_mut() = uri;
        *req.version_mut() = to_http_version(self.version);
        to_header_map(&self.headers, &mut map)?;
        *req.headers_mut() = map;
        Ok(req)
    }

    /// A head from the parts of an `http::Request`, to send.
    pub fn from_http(parts: &http::request::Parts) -> Result<Self, ConvertError> {
        let target = match parts.uri.path_and_query() {
            Some(pq) if parts.uri.scheme().is_none() => {
                Bytes::copy_from_slice(pq.as_str().as_bytes())
            }
            _ if parts.method == http::Method::CONNECT => authority_form(&parts.uri)?,
            _ => Bytes::from(alloc::string::ToString::to_string(&parts.uri)),
        };
        Self::of_parts(parts, target, None)
    }

    /// The head a client sends an origin server for an `http::Request` (RFC 9112 §3.2): the
    /// target in origin-form, the URI's path and query (`/` when it has none; CONNECT keeps
    /// its authority-form), and, when the request has no Host field, one made from the URI's
    /// authority without any user information (RFC 9110 §7.2, §4.2.4), as the first field.
    pub fn to_origin_server(parts: &http::request::Parts) -> Result<Self, ConvertError> {
        let target = if parts.method == http::Method::CONNECT {
            authority_form(&parts.uri)?
        } else {
            match parts
                .uri
                .path_and_query()
                .map(http::uri::PathAndQuery::as_str)
            {
                None => Bytes::from_static(b"/"),
                // `http` keeps a query with no path as `?q`: origin-form needs its `/`
                // (RFC 9112 §3.2.1: absolute-path [ "?" query ]).
                Some(pq) if pq.starts_with('?') => {
                    let mut t = alloc::vec::Vec::with_capacity(pq.len() + 1);
                    t.push(b'/');
                    t.extend_from_slice(pq.as_bytes());
                    Bytes::from(t)
                }
                Some(pq) => Bytes::copy_from_slice(pq.as_bytes()),
            }
        };
        // The authority as written, from after its user information: host and port.
        let host = parts
            .uri
            .authority()
            .filter(|_| !parts.headers.contains_key(http::header::HOST))
            .map(|a| {
                let a = a.as_str();
                &a.as_bytes()[a.rfind('@').map_or(0, |at| at + 1)..]
            });
        Self::of_parts(parts, target, host)
    }

    /// A head of `parts`'s method, version and fields, with `target`, and a Host of `host`
    /// before the fields if given.
    fn of_parts(
        parts: &http::request::Parts,
        target: Bytes,
        host: Option<&[u8]>,
    ) -> Result<Self, ConvertError> {
        let method = parts.method.as_str().as_bytes();
        Ok(Self {
            method: crate::event::registered_method(method)
                .unwrap_or_else(|| Bytes::copy_from_slice(method)),
            target,
            version: from_http_version(parts.version)?,
            headers: from_header_map(&parts.headers, host.map(|h| (&b"Host"[..], h))),
        })
    }
}

/// The target of a CONNECT, `authority-form = uri-host ":" port` (RFC 9112 §3.2.3): the
/// host and port of `uri`'s authority, never its user information (RFC 9110 §4.2.4: not to
/// be sent); without a port, the scheme's (80 for http, 443 for https), else an error.
fn authority_form(uri: &http::Uri) -> Result<Bytes, ConvertError> {
    let authority = uri.authority().ok_or(ConvertError::Uri)?;
    let port = match (authority.port_u16(), uri.scheme_str()) {
        (Some(port), _) => port,
        (None, Some(s)) if s.eq_ignore_ascii_case("http") => 80,
        (None, Some(s)) if s.eq_ignore_ascii_case("https") => 443,
        (None, _) => return Err(ConvertError::Uri),
    };
    let host = authority.host();
    if host.is_empty() {
        return Err(ConvertError::Uri);
    }
    // `host()` keeps an IPv6 literal's brackets.
    Ok(Bytes::from(alloc::format!("{host}:{port}")))
}

impl ResponseHead {
    /// The head as an `http::Response` whose body is `body`.
    pub fn into_http<B>(self, body: B) -> Result<http::Response<B>, ConvertError> {
        let mut res = http::Response::new(body);
        *res.status_mut() =
            http::StatusCode::from_u16(self.status).map_err(|_| ConvertError::Status)?;
        *res.version_mut() = to_http_version(self.version);
        to_header_map(&self.headers, res.headers_mut())?;
        Ok(res)
    }

    /// A head from the parts of an `http::Response`, to send. The reason phrase is the
    /// status's usual one.
    pub fn from_http(parts: &http::response::Parts) -> Result<Self, ConvertError> {
        let mut head = Self::new(parts.status.as_u16());
        head.version = from_http_version(parts.version)?;
        head.headers = from_header_map(&parts.headers, None);
        Ok(head)
    }
}

impl Headers {
    /// The fields as an `http::HeaderMap` (names lowercased, values shared), as for trailers.
    pub fn to_http(&self) -> Result<http::HeaderMap, ConvertError> {
        let mut map = http::HeaderMap::new();
        to_header_map(self, &mut map)?;
        Ok(map)
    }

    /// The fields of an `http::HeaderMap`, in its iteration order.
    #[must_use]
    pub fn from_http(map: &http::HeaderMap) -> Self {
        from_header_map(map, None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_authority_target_is_for_connect_alone() {
        let head = |method: &'static str, target: &'static str| {
            RequestHead::new(method, target).to_http(())
        };
        assert_eq!(head("GET", "example.com:80").err(), Some(ConvertError::Uri));
        assert_eq!(head("OPTIONS", "a:1").err(), Some(ConvertError::Uri));
        let connect = head("CONNECT", "example.com:443").unwrap();
        assert_eq!(
            connect.uri().authority().map(http::uri::Authority::as_str),
            Some("example.com:443")
        );
        let absolute = head("GET", "http://example.com:80/x").unwrap();
        assert_eq!(absolute.uri().path(), "/x");
        assert_eq!(head("GET", "/x").unwrap().uri().path(), "/x");
        assert_eq!(head("OPTIONS", "*").unwrap().uri(), "*");
    }

    #[test]
    fn a_request_given_a_used_map_holds_its_own_fields_alone() {
        let mut used = http::HeaderMap::new();
        used.insert(http::header::CONTENT_TYPE, "text/plain".parse().unwrap());
        used.append("x-dup", "old".parse().unwrap());
        let capacity = used.capacity();
        let mut head = RequestHead::new("GET", "/");
        head.headers.append("Host", "example.com");
        head.headers.append("X-Dup", "new");
        let req = head.to_http_in((), used).unwrap();
        let fields: alloc::vec::Vec<_> = req
            .headers()
            .iter()
            .map(|(n, v)| (n.as_str(), v.to_str().unwrap()))
            .collect();
        assert_eq!(fields, [("host", "example.com"), ("x-dup", "new")]);
        assert_eq!(
            req.headers().capacity(),
            capacity,
            "the map's room was reused"
        );
    }

    #[test]
    fn only_small_maps_are_kept_for_reuse() {
        let mut map = http::HeaderMap::new();
        map.insert(http::header::CONTENT_TYPE, "text/plain".parse().unwrap());
        let room = map.capacity();
        let kept = reusable_map(map).expect("a small map");
        assert!(kept.is_empty(), "kept maps are emptied");
        assert_eq!(kept.capacity(), room, "with their room");
        assert!(reusable_map(http::HeaderMap::with_capacity(REUSED_MAP_ROOM + 1)).is_none());
        // Many values of one name take little index room, but an emptied map keeps their
        // list's: such a map is not kept either.
        let mut cookies = http::HeaderMap::new();
        for _ in 0..=REUSED_MAP_ROOM {
            cookies.append(http::header::SET_COOKIE, "a=b".parse().unwrap());
        }
        assert!(cookies.capacity() <= REUSED_MAP_ROOM);
        assert!(reusable_map(cookies).is_none(), "a map of many values");
    }

    #[test]
    fn requests_convert_both_ways() {
        let mut head = RequestHead::new("POST", "/a?b=c");
        head.headers.append("Host", "example.com");
        head.headers.append("X-Dup", "1");
        head.headers.append("x-dup", "2");
        let req = head.clone().into_http(()).unwrap();
        assert_eq!(req.method(), http::Method::POST);
        assert_eq!(req.uri(), "/a?b=c");
        assert_eq!(req.version(), http::Version::HTTP_11);
        let dups: alloc::vec::Vec<_> = req.headers().get_all("x-dup").iter().collect();
        assert_eq!(dups, ["1", "2"]);
        let (parts, ()) = req.into_parts();
        let back = RequestHead::from_http(&parts).unwrap();
        assert_eq!(back.method, head.method);
        assert_eq!(back.target, head.target);
        assert_eq!(back.headers.get("HOST"), Some(&b"example.com"[..]));

        let (parts, ()) = http::Request::connect("example.com:443")
            .body(())
            .unwrap()
            .into_parts();
        assert_eq!(
            RequestHead::from_http(&parts).unwrap().target,
            "example.com:443"
        );
        let (parts, ()) = http::Request::get("http://a.example/x")
            .body(())
            .unwrap()
            .into_parts();
        assert_eq!(
            RequestHead::from_http(&parts).unwrap().target,
            "http://a.example/x"
        );
    }

    #[test]
    fn responses_convert_both_ways() {
        let mut head = ResponseHead::new(404);
        head.headers.append("Content-Length", "0");
        let res = head.into_http("body").unwrap();
        assert_eq!(res.status(), http::StatusCode::NOT_FOUND);
        assert_eq!(res.headers()["content-length"], "0");
        let (parts, _) = res.into_parts();
        let back = ResponseHead::from_http(&parts).unwrap();
        assert_eq!((back.status, &back.reason[..]), (404, &b"Not Found"[..]));
        assert_eq!(
            ResponseHead::new(99).into_http(()).unwrap_err(),
            ConvertError::Status
        );
        let mut bad = RequestHead::new("GET", "/");
        bad.headers.append("X", "\n");
        assert_eq!(bad.into_http(()).unwrap_err(), ConvertError::FieldValue);
    }

    /// A server connection that has read a request of `version` and is to answer it.
    fn answering(version: &str) -> crate::Connection {
        let mut c = crate::Connection::server(crate::Config::default(), crate::Instant::ZERO);
        c.feed(
            crate::Instant::ZERO,
            alloc::format!("GET / HTTP/{version}\r\nHost: a\r\n\r\n").as_bytes(),
        );
        assert!(matches!(
            c.poll_event(),
            Ok(crate::Polled::Event(crate::Event::Request(_)))
        ));
        c
    }

    fn wire(c: &mut crate::Connection) -> alloc::string::String {
        let mut out = alloc::vec::Vec::new();
        while let Some(piece) = c.poll_transmit() {
            out.extend_from_slice(&piece);
        }
        alloc::string::String::from_utf8(out).unwrap()
    }

    // That a response from `http` parts goes out as the same response from a `ResponseHead`,
    // for any request, status, fields and length, is a property test: tests/response-writing.rs.

    #[test]
    fn a_response_from_http_parts_is_checked_like_any_other() {
        let mut c = answering("1.1");
        let (parts, ()) = http::Response::builder()
            .status(204)
            .header("content-length", "0")
            .body(())
            .unwrap()
            .into_parts();
        assert_eq!(
            c.send_http_response(&parts, None),
            Err(crate::LocalError::InvalidContentLength)
        );
        assert_eq!(wire(&mut c), "", "nothing is queued");
        // A version other than 1.x is the server's own to choose: HTTP/1.1.
        let (parts, ()) = http::Response::builder()
            .version(http::Version::HTTP_2)
            .body(())
            .unwrap()
            .into_parts();
        c.send_http_response(&parts, Some(0)).unwrap();
        assert_eq!(wire(&mut c), "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
    }

    #[test]
    fn a_request_for_an_origin_server_has_an_origin_form_target_and_a_host() {
        let head = |req: http::request::Builder| {
            let (parts, ()) = req.body(()).unwrap().into_parts();
            RequestHead::to_origin_server(&parts).unwrap()
        };
        let h = head(
            http::Request::get("http://user:secret@example.com:8080/a?b=1").header("x-a", "1"),
        );
        assert_eq!(&h.target[..], b"/a?b=1");
        // The Host comes first, and never with the user information.
        let fields: alloc::vec::Vec<_> = h.headers.iter().collect();
        assert_eq!(
            fields,
            [(&b"Host"[..], &b"example.com:8080"[..]), (b"x-a", b"1")]
        );
        let h = head(http::Request::get("http://[::1]"));
        assert_eq!(
            (&h.target[..], h.headers.get("host")),
            (&b"/"[..], Some(&b"[::1]"[..]))
        );
        // A Host the request has is kept, and alone.
        let h = head(http::Request::get("http://a/x").header("host", "b"));
        assert_eq!(
            h.headers.get_all("host").collect::<alloc::vec::Vec<_>>(),
            [b"b"]
        );
        // A query with no path gets its `/`.
        let h = head(http::Request::get("http://a?x=1"));
        assert_eq!(&h.target[..], b"/?x=1");
        let h = head(http::Request::get("/only/a/path"));
        assert_eq!((&h.target[..], h.headers.len()), (&b"/only/a/path"[..], 0));
        let h = head(
            http::Request::builder()
                .method("CONNECT")
                .uri("example.com:443"),
        );
        assert_eq!(&h.target[..], b"example.com:443");
        assert_eq!(h.headers.get("host"), Some(&b"example.com:443"[..]));
        // CONNECT's authority-form is host and port (RFC 9112 §3.2.3): never the user
        // information, and a port always, the scheme's if the URI has none.
        let connect = |uri: &str| {
            let (parts, ()) = http::Request::builder()
                .method("CONNECT")
                .uri(uri)
                .body(())
                .unwrap()
                .into_parts();
            (
                RequestHead::to_origin_server(&parts).map(|h| h.target),
                RequestHead::from_http(&parts).map(|h| h.target),
            )
        };
        for (uri, target) in [
            ("http://user:pw@example.com:8443", "example.com:8443"),
            ("http://example.com", "example.com:80"),
            ("https://example.com", "example.com:443"),
            ("HTTPS://[::1]", "[::1]:443"),
            ("[::1]:8080", "[::1]:8080"),
        ] {
            let t = Bytes::from(target);
            assert_eq!(connect(uri), (Ok(t.clone()), Ok(t)), "{uri}");
        }
        for uri in ["example.com", "ftp://example.com"] {
            let e = || Err(ConvertError::Uri);
            assert_eq!(connect(uri), (e(), e()), "{uri}");
        }
    }
}
