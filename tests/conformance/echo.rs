//! Decoding the echo format (`ECHO_FORMAT.md`): a JSON object of exactly five members whose
//! every leaf is standard base64 of raw bytes. Decoding is strict, as the HTTP Garden's is.

use serde_json::Value;

/// A decoded echo: how the server parsed one request.
#[derive(Clone, PartialEq, Eq)]
pub(crate) struct Echo {
    /// The method token, as parsed.
    pub(crate) method: Vec<u8>,
    /// The request-target, raw.
    pub(crate) uri: Vec<u8>,
    /// The version, `1.1` or `1.0` (a leading `HTTP/` removed).
    pub(crate) version: Vec<u8>,
    /// The header section's field lines, in order.
    pub(crate) headers: Vec<(Vec<u8>, Vec<u8>)>,
    /// The body, de-chunked.
    pub(crate) body: Vec<u8>,
}

impl std::fmt::Debug for Echo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let s = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
        let body = if self.body.len() > 512 {
            format!("<{} bytes>", self.body.len())
        } else {
            s(&self.body)
        };
        f.debug_struct("Echo")
            .field("method", &s(&self.method))
            .field("uri", &s(&self.uri))
            .field("version", &s(&self.version))
            .field(
                "headers",
                &self
                    .headers
                    .iter()
                    .map(|(n, v)| format!("{}: {}", s(n), s(v)))
                    .collect::<Vec<_>>(),
            )
            .field("body", &body)
            .finish()
    }
}

impl Echo {
    /// Decodes an echo body, failing the check on any departure from the format.
    #[track_caller]
    pub(crate) fn parse(json: &[u8]) -> Self {
        match Self::try_parse(json) {
            Ok(e) => e,
            Err(why) => panic!(
                "not an echo ({why}): {:?}",
                String::from_utf8_lossy(&json[..json.len().min(2048)])
            ),
        }
    }

    /// Decodes an echo body.
    pub(crate) fn try_parse(json: &[u8]) -> Result<Self, String> {
        let v: Value = serde_json::from_slice(json).map_err(|e| e.to_string())?;
        let obj = v.as_object().ok_or("not an object")?;
        if obj.len() != 5 {
            return Err(format!("{} members, not 5", obj.len()));
        }
        let leaf = |name: &str| -> Result<Vec<u8>, String> {
            let s = obj
                .get(name)
                .and_then(Value::as_str)
                .ok_or_else(|| format!("member {name:?} missing or not a string"))?;
            base64_decode(s).ok_or_else(|| format!("member {name:?} is not base64"))
        };
        let mut headers = Vec::new();
        for pair in obj
            .get("headers")
            .and_then(Value::as_array)
            .ok_or("headers missing or not an array")?
        {
            let pair = pair.as_array().ok_or("a header is not an array")?;
            let [name, value] = pair.as_slice() else {
                return Err("a header is not a pair".into());
            };
            let d = |v: &Value| {
                v.as_str()
                    .and_then(base64_decode)
                    .ok_or("a header leaf is not base64")
            };
            headers.push((d(name)?, d(value)?));
        }
        let mut version = leaf("version")?;
        if version.starts_with(b"HTTP/") {
            version.drain(..5);
        }
        Ok(Self {
            method: leaf("method")?,
            uri: leaf("uri")?,
            version,
            headers,
            body: leaf("body")?,
        })
    }

    /// The header section as (name, value) text pairs, names as received.
    pub(crate) fn header_pairs(&self) -> Vec<(String, String)> {
        self.headers
            .iter()
            .map(|(n, v)| {
                (
                    String::from_utf8_lossy(n).into_owned(),
                    String::from_utf8_lossy(v).into_owned(),
                )
            })
            .collect()
    }

    /// The first value of header `name` (case-insensitive), as text.
    pub(crate) fn header(&self, name: &str) -> Option<String> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name.as_bytes()))
            .map(|(_, v)| String::from_utf8_lossy(v).into_owned())
    }
}

/// Standard base64 (RFC 4648 §4, `=` padding required) to bytes; `None` if malformed.
pub(crate) fn base64_decode(s: &str) -> Option<Vec<u8>> {
    let b = s.as_bytes();
    if !b.len().is_multiple_of(4) {
        return None;
    }
    let val = |c: u8| -> Option<u32> {
        Some(u32::from(match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        }))
    };
    let mut out = Vec::with_capacity(b.len() / 4 * 3);
    let quads = b.len() / 4;
    for (i, q) in b.chunks_exact(4).enumerate() {
        let last = i + 1 == quads;
        let pad = match q {
            [_, _, b'=', b'='] if last => 2,
            [_, _, _, b'='] if last => 1,
            _ => 0,
        };
        let mut v = 0u32;
        for &c in &q[..4 - pad] {
            v = v << 6 | val(c)?;
        }
        v <<= 6 * pad as u32;
        let bytes = [(v >> 16) as u8, (v >> 8) as u8, v as u8];
        out.extend_from_slice(&bytes[..3 - pad]);
    }
    Some(out)
}

#[test]
fn base64_decodes_rfc_4648_vectors() {
    for (plain, enc) in [
        ("", ""),
        ("f", "Zg=="),
        ("fo", "Zm8="),
        ("foo", "Zm9v"),
        ("foob", "Zm9vYg=="),
        ("foobar", "Zm9vYmFy"),
    ] {
        assert_eq!(base64_decode(enc).as_deref(), Some(plain.as_bytes()));
    }
    assert_eq!(base64_decode("Zg="), None);
    assert_eq!(base64_decode("Z=g="), None);
}
