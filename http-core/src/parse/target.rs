//! The four forms of request-target and which method each belongs to (RFC 9112 §3.2).

use super::chars::{is_reg_name_byte, is_uri_byte, pct_encoded_at, skip_short};
use crate::error::RemoteError;
use crate::limits::Leniency;

/// Which form a request-target takes (RFC 9112 §3.2).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum TargetForm {
    /// `absolute-path [ "?" query ]` (§3.2.1).
    Origin,
    /// `absolute-URI` (§3.2.2).
    Absolute,
    /// `uri-host ":" port`, for CONNECT only (§3.2.3).
    Authority,
    /// `*`, for OPTIONS only (§3.2.4).
    Asterisk,
}

/// Checks `target` against the form its `method` requires and returns that form.
pub(crate) fn check(
    method: &[u8],
    target: &[u8],
    lenient: &Leniency,
) -> Result<TargetForm, RemoteError> {
    if method == b"CONNECT" {
        // §3.2.3: authority-form is used only for CONNECT, and CONNECT uses only it.
        return if is_authority_form(target) {
            Ok(TargetForm::Authority)
        } else {
            Err(RemoteError::InvalidTarget)
        };
    }
    if target == b"*" {
        // §3.2.4: asterisk-form is used only for a server-wide OPTIONS.
        return if method == b"OPTIONS" {
            Ok(TargetForm::Asterisk)
        } else {
            Err(RemoteError::InvalidTarget)
        };
    }
    let (form, path_and_query) = if target.first() == Some(&b'/') {
        (TargetForm::Origin, target)
    } else if let Some(colon) = scheme_end(target) {
        // A target such as `example.com:80` is an absolute-URI (of scheme `example.com`) by
        // the grammar and an authority-form by its look: recipients that read it differently
        // (the `http` crate takes it for an authority) disagree on where it points, so it is
        // refused for every method but CONNECT, the one authority-form is for (§3.2.3).
        if is_authority_form(target) {
            return Err(RemoteError::InvalidTarget);
        }
        let rest = authority(&target[..colon], &target[colon + 1..])?;
        (TargetForm::Absolute, rest)
    } else {
        return Err(RemoteError::InvalidTarget);
    };
    if !uri_bytes_ok(target, lenient.allow_unsafe_target_bytes) {
        return Err(RemoteError::InvalidTarget);
    }
    // RFC 3986 §3.3, §3.4: a path and a query are pchars, "/" and "?": the gen-delims "[" and
    // "]" belong only to an IP literal in the authority ("#" is refused as a non-URI byte).
    if !lenient.allow_unsafe_target_bytes && path_and_query.iter().any(|&b| b == b'[' || b == b']')
    {
        return Err(RemoteError::InvalidTarget);
    }
    Ok(form)
}

/// Checks the authority of an absolute-form target (`after` follows `scheme ":"`) and returns
/// what follows it: `hier-part = "//" authority path-abempty / ...` (RFC 3986 §3). An `http`
/// or `https` URI MUST have a non-empty host (RFC 9110 §4.2.1, §4.2.2), and userinfo is
/// refused (RFC 9110 §4.2.4: a recipient SHOULD treat it as an error).
fn authority<'t>(scheme: &[u8], after: &'t [u8]) -> Result<&'t [u8], RemoteError> {
    let web = scheme.eq_ignore_ascii_case(b"http") || scheme.eq_ignore_ascii_case(b"https");
    let Some(rest) = after.strip_prefix(b"//") else {
        return if web {
            Err(RemoteError::InvalidTarget)
        } else {
            Ok(after)
        };
    };
    let end = rest
        .iter()
        .position(|&b| b == b'/' || b == b'?')
        .unwrap_or(rest.len());
    let authority = &rest[..end];
    if (web && authority.is_empty()) || !is_host_field(authority) {
        return Err(RemoteError::InvalidTarget);
    }
    Ok(&rest[end..])
}

/// Whether every byte belongs to the URI grammar and every `%` starts a `pct-encoded`
/// (RFC 3986 §2.1). The lenient reading takes any visible byte, never SP or a control.
fn uri_bytes_ok(target: &[u8], lenient: bool) -> bool {
    if lenient {
        return target.iter().all(|&b| b > 0x20 && b != 0x7f);
    }
    let mut i = 0;
    while i < target.len() {
        match target[i] {
            b'%' if pct_encoded_at(target, i) => i += 3,
            b'%' => return false,
            b if is_uri_byte(b) => i += 1,
            _ => return false,
        }
    }
    true
}

/// `scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." )` followed by `:` (RFC 3986 §3.1):
/// the colon's offset.
fn scheme_end(target: &[u8]) -> Option<usize> {
    let colon = memchr::memchr(b':', target)?;
    let scheme = &target[..colon];
    let ok = matches!(scheme.first(), Some(b) if b.is_ascii_alphabetic())
        && scheme
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.'));
    ok.then_some(colon)
}

/// `authority-form = uri-host ":" port` with a non-empty port (RFC 9112 §3.2.3; RFC 9110
/// §9.3.6: the client MUST send the port). `uri-host = IP-literal / IPv4address / reg-name`.
fn is_authority_form(target: &[u8]) -> bool {
    let Some(colon) = memchr::memrchr(b':', target) else {
        return false;
    };
    let (host, port) = (&target[..colon], &target[colon + 1..]);
    !port.is_empty() && port.len() <= 5 && port.iter().all(u8::is_ascii_digit) && is_host(host)
}

/// `uri-host` (RFC 3986 §3.2.2), as in a Host field or an authority-form target.
pub(crate) fn is_host(host: &[u8]) -> bool {
    match host {
        [] => false,
        [b'[', inner @ .., b']'] => {
            // IP-literal: IPv6address or IPvFuture; their bytes, not their full grammar.
            !inner.is_empty()
                && inner.iter().all(|&b| {
                    b.is_ascii_alphanumeric()
                        || matches!(
                            b,
                            b':' | b'.'
                                | b'-'
                                | b'_'
                                | b'~'
                                | b'!'
                                | b'$'
                                | b'&'
                                | b'\''
                                | b'('
                                | b')'
                                | b'*'
                                | b'+'
                                | b','
                                | b';'
                                | b'='
                        )
                })
        }
        _ => {
            // reg-name = *( unreserved / pct-encoded / sub-delims ); IPv4 is a subset.
            let mut i = 0;
            loop {
                // Runs of plain bytes four at a time; `None`: they run to the end.
                let Some(stop) = skip_short(host, i, is_reg_name_byte) else {
                    return true;
                };
                if !pct_encoded_at(host, stop) {
                    return false;
                }
                i = stop + 3;
            }
        }
    }
}

/// `Host = uri-host [ ":" port ]` (RFC 9110 §7.2); empty is allowed (RFC 9112 §3.2).
pub(crate) fn is_host_field(value: &[u8]) -> bool {
    if value.is_empty() {
        return true;
    }
    // Host values are short: a plain search from the end beats a vectorised one here.
    let (host, port) = match value.iter().rposition(|&b| b == b':') {
        // A colon inside an IP literal is not the port separator.
        Some(c) if !value[c..].contains(&b']') => (&value[..c], &value[c + 1..]),
        _ => (value, &b""[..]),
    };
    port.len() <= 5 && port.iter().all(u8::is_ascii_digit) && is_host(host)
}

#[cfg(test)]
mod tests {
    use super::super::chars::hex_value;
    use super::*;

    fn form(method: &str, target: &str) -> Result<TargetForm, RemoteError> {
        check(method.as_bytes(), target.as_bytes(), &Leniency::default())
    }

    /// `reg-name`, byte by byte, as RFC 3986 §3.2.2 writes it.
    fn reg_name_reference(host: &[u8]) -> bool {
        let mut i = 0;
        while i < host.len() {
            if host[i] == b'%' {
                match host.get(i + 1..i + 3) {
                    Some([x, y]) if hex_value(*x).is_some() && hex_value(*y).is_some() => i += 3,
                    _ => return false,
                }
            } else if is_reg_name_byte(host[i]) {
                i += 1;
            } else {
                return false;
            }
        }
        true
    }

    #[test]
    fn reg_names_are_read_as_the_grammar_reads_them() {
        let alphabet = b"aZ9.-%4fG:/ @";
        // Every string of up to four bytes over the alphabet.
        let mut all = alloc::vec![alloc::vec::Vec::new()];
        let mut last = all.clone();
        for _ in 0..4 {
            last = last
                .iter()
                .flat_map(|s| alphabet.iter().map(move |&b| [&s[..], &[b]].concat()))
                .collect();
            all.extend(last.iter().cloned());
        }
        for s in &all {
            let want = !s.is_empty() && reg_name_reference(s);
            assert_eq!(is_host(s), want, "{:?}", core::str::from_utf8(s));
            let long = [&b"example-host.test"[..], s, b"%41.x"].concat();
            assert_eq!(is_host(&long), reg_name_reference(&long), "{long:?}");
        }
    }

    #[test]
    fn forms_follow_their_methods() {
        use TargetForm::*;
        assert_eq!(form("GET", "/"), Ok(Origin));
        assert_eq!(form("GET", "/a/b;c=d?e=f&g=%2F:@!$'()*+,~"), Ok(Origin));
        assert_eq!(form("GET", "http://example.com/a?b"), Ok(Absolute));
        assert_eq!(form("GET", "http://[::1]:80/"), Ok(Absolute));
        assert_eq!(form("GET", "HTTP://a.example:/?q"), Ok(Absolute));
        assert_eq!(form("GET", "urn:isbn:0451450523"), Ok(Absolute));
        assert_eq!(form("CONNECT", "example.com:443"), Ok(Authority));
        assert_eq!(form("CONNECT", "[::1]:443"), Ok(Authority));
        assert_eq!(form("OPTIONS", "*"), Ok(Asterisk));
        assert_eq!(form("OPTIONS", "/x"), Ok(Origin));
    }

    #[test]
    fn rejects_misplaced_and_malformed_targets() {
        for (m, t) in [
            ("GET", "*"),
            ("CONNECT", "/"),
            ("CONNECT", "example.com"),
            ("CONNECT", "example.com:"),
            ("CONNECT", "example.com:99999a"),
            ("CONNECT", "http://example.com:80/"),
            ("GET", "example"),
            ("GET", "a/b"),
            ("GET", "/a#frag"),
            ("GET", "/a\"b"),
            ("GET", "/a{b}"),
            ("GET", "/a|b"),
            ("GET", "/%zz"),
            ("GET", "/%2"),
            ("GET", "/\u{e9}"),
            ("GET", "1http://x/"),
            ("GET", "http://a.example:x/"),
            ("GET", "http://[::1/"),
            ("GET", "http://u@a.example/"),
            ("GET", "http:///a"),
            ("GET", "http:/a"),
            ("GET", "http://a/[b]"),
            ("GET", "/?a[0]=1"),
            // An authority-form look, an absolute-URI by the grammar: read both ways.
            ("GET", "example.com:80"),
            ("POST", "localhost:8080"),
            ("OPTIONS", "a.example:443"),
        ] {
            assert_eq!(form(m, t), Err(RemoteError::InvalidTarget), "{m} {t}");
        }
    }

    #[test]
    fn lenient_targets_still_refuse_controls() {
        let l = Leniency {
            allow_unsafe_target_bytes: true,
            ..Leniency::default()
        };
        assert!(check(b"GET", b"/a|b{c}\"%zz\xff", &l).is_ok());
        assert!(check(b"GET", b"/a\x7fb", &l).is_err());
        assert!(check(b"GET", b"/a\x01b", &l).is_err());
    }

    #[test]
    fn host_fields() {
        for ok in [
            "",
            "a",
            "example.com",
            "example.com:8080",
            "[::1]",
            "[::1]:80",
            "127.0.0.1:1",
            "a%20b",
        ] {
            assert!(is_host_field(ok.as_bytes()), "{ok}");
        }
        for bad in [
            "a b", "a/b", "a@b", ":80", "a:b", "a:123456", "[]", "a?b", "%zz", "ex ample",
        ] {
            assert!(!is_host_field(bad.as_bytes()), "{bad}");
        }
    }
}
