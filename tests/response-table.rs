//! The client role's response parser, as a table (RFC 9112 §4–§7, RFC 9110 §6.5, §9.3, §15).
//!
//! Every case is a request, a configuration and the bytes a server sends, with what the client
//! must make of them: the events (status, reason, version and fields of each head, the body
//! with transfer codings removed, the trailers), and how the exchange ends:
//!
//! - [`reused`]: the response ended and the connection persists, so the client sent its next
//!   request (`GET /next`); the server closing without answering it is `IncompleteMessage`, and a
//!   response fed once the client has sent it is read as its answer;
//! - [`closes`]: the response ended and the connection does not persist: the client sent
//!   nothing more, the server's close is `Closed`, and bytes after the response are never read;
//! - [`switched`]: a 101 or a 2xx to CONNECT: the connection left HTTP, nothing more is read;
//! - [`fails`]: the exact [`RemoteError`], after the events that came before it.
//!
//! Every case goes through [`fetch_all_ways`]: whole, one byte at a time, split in two at every
//! offset, and followed by a further response.

use http_core::{Config, Connection, Event, Headers, Instant, Limits, Polled, RemoteError};
use http_core::{RequestHead, Version};
use std::fmt;
use workspace_tests::{NEXT_RESPONSE, Transcript, fetch, fetch_all_ways, fetch_discarding};

// ----- the requests -----

fn request(method: &'static str, target: &'static str, host: &'static str) -> RequestHead {
    let mut r = RequestHead::new(method, target);
    r.headers.append("Host", host);
    r
}

/// `GET /`, the default.
fn get() -> RequestHead {
    request("GET", "/", "example.com")
}

/// `HEAD /`: the response never has content (RFC 9110 §9.3.2).
fn head() -> RequestHead {
    request("HEAD", "/", "example.com")
}

/// `CONNECT example.com:443`: a 2xx opens a tunnel (RFC 9110 §9.3.6).
fn connect() -> RequestHead {
    request("CONNECT", "example.com:443", "example.com:443")
}

/// A request proposing an upgrade to WebSocket (RFC 9110 §7.8).
fn upgrade() -> RequestHead {
    let mut r = request("GET", "/ws", "example.com");
    r.headers.append("Connection", "upgrade");
    r.headers.append("Upgrade", "websocket");
    r
}

/// `GET /` with `Connection: close`: the client itself ends the connection (RFC 9112 §9.6).
fn get_close() -> RequestHead {
    let mut r = get();
    r.headers.append("Connection", "close");
    r
}

/// An HTTP/1.0 `GET /`, without keep-alive.
fn get10() -> RequestHead {
    let mut r = RequestHead::new("GET", "/");
    r.version = Version::Http10;
    r
}

/// An HTTP/1.0 `GET /` with `Connection: keep-alive` (RFC 9112 §9.3).
fn get10_keep_alive() -> RequestHead {
    let mut r = get10();
    r.headers.append("Connection", "keep-alive");
    r
}

// ----- the configurations -----

fn strict() -> Config {
    Config::default()
}

fn obs_fold() -> Config {
    let mut c = Config::default();
    c.leniency.allow_obs_fold_in_responses = true;
    c
}

fn space_before_colon() -> Config {
    let mut c = Config::default();
    c.leniency.allow_space_before_colon_in_responses = true;
    c
}

fn bare_lf() -> Config {
    let mut c = Config::default();
    c.leniency.allow_bare_lf = true;
    c
}

fn chunked_overrides() -> Config {
    let mut c = Config::default();
    c.leniency.chunked_overrides_content_length = true;
    c
}

fn identical_lengths() -> Config {
    let mut c = Config::default();
    c.leniency.allow_identical_content_lengths = true;
    c
}

/// The default configuration with some limits changed.
fn limits(set: impl FnOnce(&mut Limits)) -> Config {
    let mut c = Config::default();
    set(&mut c.limits);
    c
}

// ----- the expectations -----

type Fields = Vec<(Vec<u8>, Vec<u8>)>;

/// An event as compared: heads by status, reason, version and fields.
#[derive(Clone, PartialEq, Eq)]
enum Ev {
    Response(u16, Vec<u8>, Version, Fields),
    Data(Vec<u8>),
    End(Fields),
    Closed,
}

struct Lossy<'a>(&'a [u8]);

impl fmt::Debug for Lossy<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "\"{}\"", self.0.escape_ascii())
    }
}

fn fmt_fields(f: &mut fmt::Formatter<'_>, fields: &Fields) -> fmt::Result {
    f.debug_list()
        .entries(fields.iter().map(|(n, v)| (Lossy(n), Lossy(v))))
        .finish()
}

impl fmt::Debug for Ev {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Response(status, reason, version, fields) => {
                write!(f, "Response({version} {status} {:?} ", Lossy(reason))?;
                fmt_fields(f, fields)?;
                f.write_str(")")
            }
            Self::Data(d) => write!(f, "Data({:?})", Lossy(d)),
            Self::End(t) => {
                f.write_str("End(")?;
                fmt_fields(f, t)?;
                f.write_str(")")
            }
            Self::Closed => f.write_str("Closed"),
        }
    }
}

fn fields(list: &[(&str, &str)]) -> Fields {
    list.iter()
        .map(|(n, v)| (n.as_bytes().to_vec(), v.as_bytes().to_vec()))
        .collect()
}

fn collect(h: &Headers) -> Fields {
    h.iter().map(|(n, v)| (n.to_vec(), v.to_vec())).collect()
}

/// An HTTP/1.1 response head.
fn res(status: u16, reason: &[u8], list: &[(&str, &str)]) -> Ev {
    Ev::Response(status, reason.to_vec(), Version::Http11, fields(list))
}

/// An HTTP/1.0 response head.
fn res10(status: u16, reason: &[u8], list: &[(&str, &str)]) -> Ev {
    Ev::Response(status, reason.to_vec(), Version::Http10, fields(list))
}

/// The whole body (the transcript joins adjacent pieces).
fn d(body: &[u8]) -> Ev {
    Ev::Data(body.to_vec())
}

/// The end of the message, with its trailers.
fn end(trailers: &[(&str, &str)]) -> Ev {
    Ev::End(fields(trailers))
}

/// How the exchange ends.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Outcome {
    Reused,
    Closes,
    Switched,
    Fails(RemoteError),
}

#[derive(Debug)]
struct Want {
    events: Vec<Ev>,
    outcome: Outcome,
}

/// The response ends and the connection persists.
fn reused(events: Vec<Ev>) -> Want {
    Want {
        events,
        outcome: Outcome::Reused,
    }
}

/// The response ends and the connection closes after it.
fn closes(events: Vec<Ev>) -> Want {
    Want {
        events,
        outcome: Outcome::Closes,
    }
}

/// The connection leaves HTTP after the last head (101, or a 2xx to CONNECT).
fn switched(events: Vec<Ev>) -> Want {
    Want {
        events,
        outcome: Outcome::Switched,
    }
}

/// The response is refused with `error`, after `events`.
fn fails(events: Vec<Ev>, error: RemoteError) -> Want {
    Want {
        events,
        outcome: Outcome::Fails(error),
    }
}

// ----- the runner -----

const NEXT_REQUEST_LINE: &[u8] = b"GET /next HTTP/1.1\r\n";

fn events_of(t: &Transcript) -> Vec<Ev> {
    t.events
        .iter()
        .map(|e| match e {
            Event::Response(h) => {
                Ev::Response(h.status, h.reason.to_vec(), h.version, collect(&h.headers))
            }
            Event::Data(b) => Ev::Data(b.to_vec()),
            Event::End(t) => Ev::End(collect(t)),
            Event::Closed => Ev::Closed,
            other => panic!("a client received {other:?}"),
        })
        .collect()
}

fn next_sent(t: &Transcript) -> bool {
    t.wire
        .windows(NEXT_REQUEST_LINE.len())
        .any(|w| w == NEXT_REQUEST_LINE)
}

/// Checks one transcript of the response alone against the expectation.
#[track_caller]
fn check(how: &str, input: &[u8], t: &Transcript, want: &Want) {
    let mut events = want.events.clone();
    let (error, next) = match want.outcome {
        // The client sent `GET /next`; the end of input leaves it unanswered.
        Outcome::Reused => (Some(RemoteError::IncompleteMessage), true),
        Outcome::Closes => {
            events.push(Ev::Closed);
            (None, false)
        }
        Outcome::Switched => (None, false),
        Outcome::Fails(e) => (Some(e), false),
    };
    let input = input.escape_ascii();
    assert_eq!(events_of(t), events, "{how}: events for {input}");
    assert_eq!(t.error, error, "{how}: error for {input}");
    assert_eq!(
        next_sent(t),
        next,
        "{how}: whether the client sent its next request, for {input}; wire: {}",
        t.wire.escape_ascii()
    );
}

#[track_caller]
fn run(req: RequestHead, cfg: Config, input: &[u8], want: Want) {
    // The response alone, whole: checked first, for the clearest message.
    let whole = fetch(&req, &[input], cfg).transcript;
    check("whole", input, &whole, &want);

    // A persistent connection carries the next exchange: the response to `GET /next`, arriving
    // after the client sent it, is read as its own message.
    if want.outcome == Outcome::Reused {
        let t = fetch(&req, &[input, NEXT_RESPONSE], cfg).transcript;
        let mut events = want.events.clone();
        events.extend([
            res(200, b"OK", &[("Content-Length", "4")]),
            d(b"next"),
            end(&[]),
            Ev::Closed,
        ]);
        let shown = input.escape_ascii();
        assert_eq!(events_of(&t), events, "then the next response: {shown}");
        assert_eq!(t.error, None, "then the next response: {shown}");
    }

    // Every split, and the bytes after the response.
    let all = fetch_all_ways(&req, input, cfg);
    check("all ways", input, &all, &want);
}

macro_rules! table {
    ($($name:ident: $req:expr, $cfg:expr, $input:expr => $want:expr;)+) => {
        $(
            #[test]
            fn $name() {
                run($req, $cfg, $input, $want);
            }
        )+

        /// The name of every case in the table.
        const CASES: &[&str] = &[$(stringify!($name)),+];
    };
}

#[test]
fn the_table_has_at_least_120_cases() {
    assert!(CASES.len() >= 120, "{} cases", CASES.len());
}

use RemoteError as E;

table! {
    // ----- status line (RFC 9112 §4) -----

    status_200_ok: get(), strict(),
        b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi"
        => reused(vec![res(200, b"OK", &[("Content-Length", "2")]), d(b"hi"), end(&[])]);
    status_reason_with_spaces: get(), strict(),
        b"HTTP/1.1 404 Not Found At All\r\n\r\nx"
        => closes(vec![res(404, b"Not Found At All", &[]), d(b"x"), end(&[])]);
    status_reason_empty_after_space: get(), strict(),
        b"HTTP/1.1 200 \r\n\r\nx"
        => closes(vec![res(200, b"", &[]), d(b"x"), end(&[])]);
    status_reason_and_its_space_missing: get(), strict(),
        b"HTTP/1.1 200\r\n\r\nx"
        => closes(vec![res(200, b"", &[]), d(b"x"), end(&[])]);
    status_reason_with_obs_text: get(), strict(),
        b"HTTP/1.1 200 Caf\xe9 \xff\x80\r\n\r\nx"
        => closes(vec![res(200, b"Caf\xe9 \xff\x80", &[]), d(b"x"), end(&[])]);
    status_reason_with_htab: get(), strict(),
        b"HTTP/1.1 200 O\tK\r\n\r\nx"
        => closes(vec![res(200, b"O\tK", &[]), d(b"x"), end(&[])]);
    status_reason_of_spaces_only: get(), strict(),
        b"HTTP/1.1 200   \r\n\r\nx"
        => closes(vec![res(200, b"  ", &[]), d(b"x"), end(&[])]);
    status_reason_with_trailing_whitespace: get(), strict(),
        b"HTTP/1.1 200 OK \t\r\n\r\nx"
        => closes(vec![res(200, b"OK \t", &[]), d(b"x"), end(&[])]);
    status_reason_is_not_interpreted: get(), strict(),
        b"HTTP/1.1 500 HTTP/1.1 200 OK: fine\r\n\r\nx"
        => closes(vec![res(500, b"HTTP/1.1 200 OK: fine", &[]), d(b"x"), end(&[])]);
    status_unregistered_2xx: get(), strict(),
        b"HTTP/1.1 299 Custom\r\n\r\nx"
        => closes(vec![res(299, b"Custom", &[]), d(b"x"), end(&[])]);
    status_600_is_accepted: get(), strict(),
        b"HTTP/1.1 600 Beyond\r\n\r\nx"
        => closes(vec![res(600, b"Beyond", &[]), d(b"x"), end(&[])]);
    status_999_is_accepted: get(), strict(),
        b"HTTP/1.1 999 Z\r\n\r\nx"
        => closes(vec![res(999, b"Z", &[]), d(b"x"), end(&[])]);
    status_two_digits: get(), strict(),
        b"HTTP/1.1 20 OK\r\n\r\n" => fails(vec![], E::InvalidStatus);
    status_two_digits_without_reason: get(), strict(),
        b"HTTP/1.1 20\r\n\r\n" => fails(vec![], E::InvalidStatus);
    status_four_digits: get(), strict(),
        b"HTTP/1.1 2000 OK\r\n\r\n" => fails(vec![], E::InvalidStatus);
    status_four_digits_without_reason: get(), strict(),
        b"HTTP/1.1 2000\r\n\r\n" => fails(vec![], E::InvalidStatus);
    status_leading_zero: get(), strict(),
        b"HTTP/1.1 099 X\r\n\r\n" => fails(vec![], E::InvalidStatus);
    status_all_zeros: get(), strict(),
        b"HTTP/1.1 000 X\r\n\r\n" => fails(vec![], E::InvalidStatus);
    status_with_letters: get(), strict(),
        b"HTTP/1.1 2OO OK\r\n\r\n" => fails(vec![], E::InvalidStatus);
    status_of_letters: get(), strict(),
        b"HTTP/1.1 abc OK\r\n\r\n" => fails(vec![], E::InvalidStatus);
    status_with_sign: get(), strict(),
        b"HTTP/1.1 +20 OK\r\n\r\n" => fails(vec![], E::InvalidStatus);
    status_glued_to_reason: get(), strict(),
        b"HTTP/1.1 200OK\r\n\r\n" => fails(vec![], E::InvalidStatus);
    status_missing: get(), strict(),
        b"HTTP/1.1 \r\n\r\n" => fails(vec![], E::InvalidStatus);
    status_after_two_spaces: get(), strict(),
        b"HTTP/1.1  200 OK\r\n\r\n" => fails(vec![], E::InvalidStartLine);
    status_line_without_space: get(), strict(),
        b"HTTP/1.1\r\n\r\n" => fails(vec![], E::InvalidStartLine);
    status_line_after_an_empty_line: get(), strict(),
        b"\r\nHTTP/1.1 200 OK\r\n\r\n" => fails(vec![], E::InvalidStartLine);
    status_reason_with_bare_cr: get(), strict(),
        b"HTTP/1.1 200 O\rK\r\n\r\n" => fails(vec![], E::BareCr);
    status_reason_with_nul: get(), strict(),
        b"HTTP/1.1 200 O\0K\r\n\r\n" => fails(vec![], E::InvalidFieldValue);
    status_reason_with_del: get(), strict(),
        b"HTTP/1.1 200 O\x7fK\r\n\r\n" => fails(vec![], E::InvalidFieldValue);
    status_reason_with_control: get(), strict(),
        b"HTTP/1.1 200 O\x01K\r\n\r\n" => fails(vec![], E::InvalidFieldValue);

    // ----- versions (RFC 9112 §2.3, RFC 9110 §2.5) -----

    version_1_0: get(), strict(),
        b"HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nhi"
        => closes(vec![res10(200, b"OK", &[("Content-Length", "2")]), d(b"hi"), end(&[])]);
    version_1_0_with_keep_alive: get(), strict(),
        b"HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 2\r\n\r\nhi"
        => reused(vec![
            res10(200, b"OK", &[("Connection", "keep-alive"), ("Content-Length", "2")]),
            d(b"hi"),
            end(&[]),
        ]);
    version_1_9_reads_as_1_1: get(), strict(),
        b"HTTP/1.9 200 OK\r\nContent-Length: 2\r\n\r\nhi"
        => reused(vec![res(200, b"OK", &[("Content-Length", "2")]), d(b"hi"), end(&[])]);
    version_2_0: get(), strict(),
        b"HTTP/2.0 200 OK\r\n\r\n" => fails(vec![], E::UnsupportedVersion);
    version_3_0: get(), strict(),
        b"HTTP/3.0 200 OK\r\n\r\n" => fails(vec![], E::UnsupportedVersion);
    version_0_9: get(), strict(),
        b"HTTP/0.9 200 OK\r\n\r\n" => fails(vec![], E::UnsupportedVersion);
    version_without_minor: get(), strict(),
        b"HTTP/2 200 OK\r\n\r\n" => fails(vec![], E::InvalidVersion);
    version_with_dot_and_no_minor: get(), strict(),
        b"HTTP/1. 200 OK\r\n\r\n" => fails(vec![], E::InvalidVersion);
    version_in_lower_case: get(), strict(),
        b"http/1.1 200 OK\r\n\r\n" => fails(vec![], E::InvalidVersion);
    version_with_two_digit_minor: get(), strict(),
        b"HTTP/1.10 200 OK\r\n\r\n" => fails(vec![], E::InvalidVersion);
    version_with_two_digit_major: get(), strict(),
        b"HTTP/11.1 200 OK\r\n\r\n" => fails(vec![], E::InvalidVersion);
    version_of_letters: get(), strict(),
        b"HTTP/a.b 200 OK\r\n\r\n" => fails(vec![], E::InvalidVersion);
    version_of_another_protocol: get(), strict(),
        b"ICY 200 OK\r\n\r\n" => fails(vec![], E::InvalidVersion);
    version_missing: get(), strict(),
        b"200 OK\r\n\r\n" => fails(vec![], E::InvalidVersion);

    // ----- fields (RFC 9112 §5, RFC 9110 §5) -----

    field_value_ows_is_trimmed: get(), strict(),
        b"HTTP/1.1 200 OK\r\nX-A: \t v a \t\r\n\r\nx"
        => closes(vec![res(200, b"OK", &[("X-A", "v a")]), d(b"x"), end(&[])]);
    field_values_empty: get(), strict(),
        b"HTTP/1.1 200 OK\r\nX-Empty:\r\nX-Blank:  \t \r\n\r\nx"
        => closes(vec![res(200, b"OK", &[("X-Empty", ""), ("X-Blank", "")]), d(b"x"), end(&[])]);
    field_value_without_ows: get(), strict(),
        b"HTTP/1.1 200 OK\r\nX-A:b\r\n\r\nx"
        => closes(vec![res(200, b"OK", &[("X-A", "b")]), d(b"x"), end(&[])]);
    field_duplicates_keep_case_and_order: get(), strict(),
        b"HTTP/1.1 200 OK\r\nx-dup: 1\r\nX-DUP: 2\r\nX-Other: o\r\nX-Dup: 3\r\n\r\nx"
        => closes(vec![
            res(200, b"OK", &[("x-dup", "1"), ("X-DUP", "2"), ("X-Other", "o"), ("X-Dup", "3")]),
            d(b"x"),
            end(&[]),
        ]);
    field_value_with_obs_text: get(), strict(),
        b"HTTP/1.1 200 OK\r\nX-T: caf\xc3\xa9 \xc3\xbf\r\n\r\nx"
        => closes(vec![res(200, b"OK", &[("X-T", "caf\u{e9} \u{ff}")]), d(b"x"), end(&[])]);
    field_value_with_colons_and_htab: get(), strict(),
        b"HTTP/1.1 200 OK\r\nX-A: b:c:\td\r\n\r\nx"
        => closes(vec![res(200, b"OK", &[("X-A", "b:c:\td")]), d(b"x"), end(&[])]);
    field_name_of_every_tchar: get(), strict(),
        b"HTTP/1.1 200 OK\r\n!#$%&'*+-.^_`|~09azAZ: v\r\n\r\nx"
        => closes(vec![res(200, b"OK", &[("!#$%&'*+-.^_`|~09azAZ", "v")]), d(b"x"), end(&[])]);
    field_space_before_colon: get(), strict(),
        b"HTTP/1.1 200 OK\r\nX-A : b\r\n\r\n" => fails(vec![], E::SpaceBeforeColon);
    field_htab_before_colon: get(), strict(),
        b"HTTP/1.1 200 OK\r\nX-A\t: b\r\n\r\n" => fails(vec![], E::SpaceBeforeColon);
    field_space_before_colon_lenient: get(), space_before_colon(),
        b"HTTP/1.1 200 OK\r\nX-A \t : b\r\n\r\nx"
        => closes(vec![res(200, b"OK", &[("X-A", "b")]), d(b"x"), end(&[])]);
    field_space_before_colon_lenient_still_frames: get(), space_before_colon(),
        b"HTTP/1.1 200 OK\r\nContent-Length : 2\r\nConnection: close\r\n\r\nhiEXTRA"
        => closes(vec![
            res(200, b"OK", &[("Content-Length", "2"), ("Connection", "close")]),
            d(b"hi"),
            end(&[]),
        ]);
    field_space_before_colon_lenient_trims_only_sp_and_htab: get(), space_before_colon(),
        b"HTTP/1.1 200 OK\r\nContent-Length\x0c : 5\r\n\r\nhello"
        => fails(vec![], E::InvalidFieldName);
    field_space_before_colon_lenient_keeps_a_form_feed_among_spaces: get(), space_before_colon(),
        b"HTTP/1.1 200 OK\r\nContent-Length\x0c\t\x0c : 5\r\n\r\nhello"
        => fails(vec![], E::InvalidFieldName);
    field_space_before_colon_lenient_still_refuses_bare_cr: get(), space_before_colon(),
        b"HTTP/1.1 200 OK\r\nContent-Length\r : 5\r\n\r\nhello"
        => fails(vec![], E::BareCr);
    field_space_before_colon_lenient_chunked: get(), space_before_colon(),
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding : chunked\r\n\r\n2\r\nhi\r\n0\r\n\r\n"
        => reused(vec![res(200, b"OK", &[("Transfer-Encoding", "chunked")]), d(b"hi"), end(&[])]);
    field_obs_fold: get(), strict(),
        b"HTTP/1.1 200 OK\r\nX-A: a\r\n b\r\n\r\n" => fails(vec![], E::ObsFold);
    field_obs_fold_with_htab: get(), strict(),
        b"HTTP/1.1 200 OK\r\nX-A: a\r\n\tb\r\n\r\n" => fails(vec![], E::ObsFold);
    field_obs_fold_lenient: get(), obs_fold(),
        b"HTTP/1.1 200 OK\r\nX-A: a\r\n b\r\nX-B: c\r\n\r\nx"
        => closes(vec![res(200, b"OK", &[("X-A", "a   b"), ("X-B", "c")]), d(b"x"), end(&[])]);
    field_obs_fold_lenient_over_several_lines: get(), obs_fold(),
        b"HTTP/1.1 200 OK\r\nX-A: a\r\n b\r\n  c\r\n\r\nx"
        => closes(vec![res(200, b"OK", &[("X-A", "a   b    c")]), d(b"x"), end(&[])]);
    field_obs_fold_lenient_htab_becomes_space: get(), obs_fold(),
        b"HTTP/1.1 200 OK\r\nX-A: a\r\n\tb\r\n\r\nx"
        => closes(vec![res(200, b"OK", &[("X-A", "a   b")]), d(b"x"), end(&[])]);
    field_obs_fold_lenient_after_empty_value: get(), obs_fold(),
        b"HTTP/1.1 200 OK\r\nX-A:\r\n b\r\n\r\nx"
        => closes(vec![res(200, b"OK", &[("X-A", "b")]), d(b"x"), end(&[])]);
    field_obs_fold_lenient_blank_continuation: get(), obs_fold(),
        b"HTTP/1.1 200 OK\r\nX-A: a\r\n \t \r\nX-B: c\r\n\r\nx"
        => closes(vec![res(200, b"OK", &[("X-A", "a"), ("X-B", "c")]), d(b"x"), end(&[])]);
    field_obs_fold_lenient_before_the_first_field: get(), obs_fold(),
        b"HTTP/1.1 200 OK\r\n X-A: a\r\n\r\n" => fails(vec![], E::ObsFold);
    field_obs_fold_lenient_frames_by_the_unfolded_value: get(), obs_fold(),
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip,\r\n chunked\r\nConnection: close\r\n\r\n\
          2\r\nhi\r\n0\r\n\r\n"
        => closes(vec![
            res(200, b"OK", &[("Transfer-Encoding", "gzip,   chunked"), ("Connection", "close")]),
            d(b"hi"),
            end(&[]),
        ]);
    field_obs_fold_lenient_nul_in_continuation: get(), obs_fold(),
        b"HTTP/1.1 200 OK\r\nX-A: a\r\n b\0\r\n\r\n" => fails(vec![], E::InvalidFieldValue);
    field_obs_fold_lenient_bare_cr_in_continuation: get(), obs_fold(),
        b"HTTP/1.1 200 OK\r\nX-A: a\r\n b\rc\r\n\r\n" => fails(vec![], E::BareCr);
    field_value_with_bare_cr: get(), strict(),
        b"HTTP/1.1 200 OK\r\nX-A: a\rb\r\n\r\n" => fails(vec![], E::BareCr);
    field_value_ending_in_bare_cr: get(), strict(),
        b"HTTP/1.1 200 OK\r\nX-A: a\r\r\n\r\n" => fails(vec![], E::BareCr);
    field_name_with_bare_cr: get(), strict(),
        b"HTTP/1.1 200 OK\r\nX\rA: b\r\n\r\n" => fails(vec![], E::BareCr);
    field_line_ending_in_bare_lf: get(), strict(),
        b"HTTP/1.1 200 OK\r\nX-A: b\nContent-Length: 0\r\n\r\n" => fails(vec![], E::BareLf);
    status_line_ending_in_bare_lf: get(), strict(),
        b"HTTP/1.1 200 OK\nContent-Length: 0\r\n\r\n" => fails(vec![], E::BareLf);
    head_ending_in_bare_lf: get(), strict(),
        b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\n" => fails(vec![], E::BareLf);
    bare_lf_lenient: get(), bare_lf(),
        b"HTTP/1.1 200 OK\nContent-Length: 2\nConnection: close\n\nhi"
        => closes(vec![
            res(200, b"OK", &[("Content-Length", "2"), ("Connection", "close")]),
            d(b"hi"),
            end(&[]),
        ]);
    bare_lf_lenient_mixed_with_crlf: get(), bare_lf(),
        b"HTTP/1.1 200 OK\r\nX-A: b\nX-C: d\r\n\nx"
        => closes(vec![res(200, b"OK", &[("X-A", "b"), ("X-C", "d")]), d(b"x"), end(&[])]);
    bare_lf_lenient_still_refuses_bare_cr: get(), bare_lf(),
        b"HTTP/1.1 200 OK\nX-A: a\rb\n\n" => fails(vec![], E::BareCr);
    field_value_with_nul: get(), strict(),
        b"HTTP/1.1 200 OK\r\nX-A: a\0b\r\n\r\n" => fails(vec![], E::InvalidFieldValue);
    field_name_with_nul: get(), strict(),
        b"HTTP/1.1 200 OK\r\nX\0A: b\r\n\r\n" => fails(vec![], E::InvalidFieldName);
    field_value_with_del: get(), strict(),
        b"HTTP/1.1 200 OK\r\nX-A: a\x7fb\r\n\r\n" => fails(vec![], E::InvalidFieldValue);
    field_value_with_escape: get(), strict(),
        b"HTTP/1.1 200 OK\r\nX-A: a\x1b[0m\r\n\r\n" => fails(vec![], E::InvalidFieldValue);
    field_name_empty: get(), strict(),
        b"HTTP/1.1 200 OK\r\n: b\r\n\r\n" => fails(vec![], E::InvalidFieldName);
    field_line_without_colon: get(), strict(),
        b"HTTP/1.1 200 OK\r\nNoColon\r\n\r\n" => fails(vec![], E::InvalidFieldName);
    field_name_with_inner_space: get(), strict(),
        b"HTTP/1.1 200 OK\r\nX A: b\r\n\r\n" => fails(vec![], E::InvalidFieldName);
    field_name_with_separator: get(), strict(),
        b"HTTP/1.1 200 OK\r\nX(A): b\r\n\r\n" => fails(vec![], E::InvalidFieldName);
    field_name_with_obs_text: get(), strict(),
        b"HTTP/1.1 200 OK\r\nX\xc3\xa9: b\r\n\r\n" => fails(vec![], E::InvalidFieldName);

    // ----- RFC 9112 §6.3 step 1: HEAD, 1xx, 204 and 304 end with their head -----

    head_with_content_length_has_no_body: head(), strict(),
        b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n"
        => reused(vec![res(200, b"OK", &[("Content-Length", "5")]), end(&[])]);
    head_with_chunked_has_no_body: head(), strict(),
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
        => reused(vec![res(200, b"OK", &[("Transfer-Encoding", "chunked")]), end(&[])]);
    head_without_framing_has_no_body: head(), strict(),
        b"HTTP/1.1 200 OK\r\n\r\n"
        => reused(vec![res(200, b"OK", &[]), end(&[])]);
    head_with_an_invalid_content_length_has_no_body: head(), strict(),
        b"HTTP/1.1 200 OK\r\nContent-Length: abc\r\n\r\n"
        => reused(vec![res(200, b"OK", &[("Content-Length", "abc")]), end(&[])]);
    head_404_with_close_has_no_body: head(), strict(),
        b"HTTP/1.1 404 Not Found\r\nContent-Length: 9\r\nConnection: close\r\n\r\n"
        => closes(vec![
            res(404, b"Not Found", &[("Content-Length", "9"), ("Connection", "close")]),
            end(&[]),
        ]);
    head_http10_has_no_body: head(), strict(),
        b"HTTP/1.0 200 OK\r\nContent-Length: 5\r\n\r\n"
        => closes(vec![res10(200, b"OK", &[("Content-Length", "5")]), end(&[])]);
    informational_100_then_final: get(), strict(),
        b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi"
        => reused(vec![
            res(100, b"Continue", &[]),
            res(200, b"OK", &[("Content-Length", "2")]),
            d(b"hi"),
            end(&[]),
        ]);
    informational_102_then_final: get(), strict(),
        b"HTTP/1.1 102 Processing\r\n\r\nHTTP/1.1 200 OK\r\nConnection: close\r\n\r\nhi"
        => closes(vec![
            res(102, b"Processing", &[]),
            res(200, b"OK", &[("Connection", "close")]),
            d(b"hi"),
            end(&[]),
        ]);
    informational_103_with_fields_then_final: get(), strict(),
        b"HTTP/1.1 103 Early Hints\r\nLink: </s.css>; rel=preload\r\n\r\n\
          HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi"
        => reused(vec![
            res(103, b"Early Hints", &[("Link", "</s.css>; rel=preload")]),
            res(200, b"OK", &[("Content-Length", "2")]),
            d(b"hi"),
            end(&[]),
        ]);
    informational_several_in_a_row: get(), strict(),
        b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 102 Processing\r\n\r\n\
          HTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </b>\r\n\r\n\
          HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi"
        => reused(vec![
            res(100, b"Continue", &[]),
            res(102, b"Processing", &[]),
            res(103, b"Early Hints", &[("Link", "</a>")]),
            res(103, b"Early Hints", &[("Link", "</b>")]),
            res(200, b"OK", &[("Content-Length", "2")]),
            d(b"hi"),
            end(&[]),
        ]);
    informational_content_length_is_ignored: get(), strict(),
        b"HTTP/1.1 100 Continue\r\nContent-Length: 5\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi"
        => reused(vec![
            res(100, b"Continue", &[("Content-Length", "5")]),
            res(200, b"OK", &[("Content-Length", "2")]),
            d(b"hi"),
            end(&[]),
        ]);
    informational_chunked_is_ignored: get(), strict(),
        b"HTTP/1.1 103 Early Hints\r\nTransfer-Encoding: chunked\r\n\r\n\
          HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi"
        => reused(vec![
            res(103, b"Early Hints", &[("Transfer-Encoding", "chunked")]),
            res(200, b"OK", &[("Content-Length", "2")]),
            d(b"hi"),
            end(&[]),
        ]);
    informational_unregistered_1xx: get(), strict(),
        b"HTTP/1.1 199 Whatever\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n"
        => reused(vec![res(199, b"Whatever", &[]), res(204, b"No Content", &[]), end(&[])]);
    informational_then_end_of_input: get(), strict(),
        b"HTTP/1.1 100 Continue\r\n\r\n"
        => fails(vec![res(100, b"Continue", &[])], E::IncompleteMessage);
    informational_then_an_invalid_final: get(), strict(),
        b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 20 OK\r\n\r\n"
        => fails(vec![res(100, b"Continue", &[])], E::InvalidStatus);
    informational_to_an_http10_request: get10(), strict(),
        b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"
        => fails(vec![], E::UnexpectedResponse);
    switching_protocols_without_upgrade: get(), strict(),
        b"HTTP/1.1 101 Switching Protocols\r\nConnection: upgrade\r\nUpgrade: websocket\r\n\r\n"
        => fails(vec![], E::UnexpectedResponse);
    switching_protocols_to_connect: connect(), strict(),
        b"HTTP/1.1 101 Switching Protocols\r\nConnection: upgrade\r\nUpgrade: websocket\r\n\r\n"
        => fails(vec![], E::UnexpectedResponse);
    switching_protocols_after_upgrade: upgrade(), strict(),
        b"HTTP/1.1 101 Switching Protocols\r\nConnection: upgrade\r\nUpgrade: websocket\r\n\r\n\x81\x00"
        => switched(vec![res(
            101,
            b"Switching Protocols",
            &[("Connection", "upgrade"), ("Upgrade", "websocket")],
        )]);
    switching_protocols_ignores_content_length: upgrade(), strict(),
        b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nContent-Length: 5\r\n\r\n\x81"
        => switched(vec![res(
            101,
            b"Switching Protocols",
            &[("Upgrade", "websocket"), ("Content-Length", "5")],
        )]);
    switching_protocols_after_a_100: upgrade(), strict(),
        b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n"
        => switched(vec![
            res(100, b"Continue", &[]),
            res(101, b"Switching Protocols", &[("Upgrade", "websocket")]),
        ]);
    upgrade_declined_by_a_final_response: upgrade(), strict(),
        b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi"
        => reused(vec![res(200, b"OK", &[("Content-Length", "2")]), d(b"hi"), end(&[])]);
    no_content_204: get(), strict(),
        b"HTTP/1.1 204 No Content\r\n\r\n"
        => reused(vec![res(204, b"No Content", &[]), end(&[])]);
    no_content_204_ignores_content_length: get(), strict(),
        b"HTTP/1.1 204 No Content\r\nContent-Length: 5\r\n\r\n"
        => reused(vec![res(204, b"No Content", &[("Content-Length", "5")]), end(&[])]);
    no_content_204_ignores_chunked: get(), strict(),
        b"HTTP/1.1 204 No Content\r\nTransfer-Encoding: chunked\r\n\r\n"
        => reused(vec![res(204, b"No Content", &[("Transfer-Encoding", "chunked")]), end(&[])]);
    no_content_204_with_close: get(), strict(),
        b"HTTP/1.1 204 No Content\r\nConnection: close\r\n\r\n"
        => closes(vec![res(204, b"No Content", &[("Connection", "close")]), end(&[])]);
    no_content_204_http10: get(), strict(),
        b"HTTP/1.0 204 No Content\r\nContent-Length: 5\r\n\r\n"
        => closes(vec![res10(204, b"No Content", &[("Content-Length", "5")]), end(&[])]);
    not_modified_304_ignores_content_length: get(), strict(),
        b"HTTP/1.1 304 Not Modified\r\nContent-Length: 100\r\n\r\n"
        => reused(vec![res(304, b"Not Modified", &[("Content-Length", "100")]), end(&[])]);
    not_modified_304_ignores_chunked: get(), strict(),
        b"HTTP/1.1 304 Not Modified\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
        => closes(vec![
            res(304, b"Not Modified", &[("Transfer-Encoding", "chunked"), ("Connection", "close")]),
            end(&[]),
        ]);
    not_modified_304_ignores_an_invalid_content_length: get(), strict(),
        b"HTTP/1.1 304 Not Modified\r\nContent-Length: x\r\nConnection: close\r\n\r\n"
        => closes(vec![
            res(304, b"Not Modified", &[("Content-Length", "x"), ("Connection", "close")]),
            end(&[]),
        ]);
    reset_content_205_is_framed_normally: get(), strict(),
        b"HTTP/1.1 205 Reset Content\r\nContent-Length: 0\r\n\r\n"
        => reused(vec![res(205, b"Reset Content", &[("Content-Length", "0")]), end(&[])]);

    // ----- step 2: a 2xx to CONNECT opens a tunnel; other answers are ordinary -----

    connect_200_opens_a_tunnel: connect(), strict(),
        b"HTTP/1.1 200 Connection Established\r\n\r\n\x16\x03\x01"
        => switched(vec![res(200, b"Connection Established", &[])]);
    connect_200_ignores_content_length: connect(), strict(),
        b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello"
        => switched(vec![res(200, b"OK", &[("Content-Length", "5")])]);
    connect_200_ignores_chunked: connect(), strict(),
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"
        => switched(vec![res(200, b"OK", &[("Transfer-Encoding", "chunked")])]);
    connect_201_opens_a_tunnel: connect(), strict(),
        b"HTTP/1.1 201 Created\r\n\r\n"
        => switched(vec![res(201, b"Created", &[])]);
    connect_204_opens_a_tunnel: connect(), strict(),
        b"HTTP/1.1 204 No Content\r\n\r\n"
        => switched(vec![res(204, b"No Content", &[])]);
    connect_100_then_200: connect(), strict(),
        b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\n\r\n"
        => switched(vec![res(100, b"Continue", &[]), res(200, b"OK", &[])]);
    connect_407_has_a_body: connect(), strict(),
        b"HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic\r\n\
          Content-Length: 4\r\n\r\nauth"
        => reused(vec![
            res(
                407,
                b"Proxy Authentication Required",
                &[("Proxy-Authenticate", "Basic"), ("Content-Length", "4")],
            ),
            d(b"auth"),
            end(&[]),
        ]);
    connect_403_has_a_chunked_body: connect(), strict(),
        b"HTTP/1.1 403 Forbidden\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n\
          2\r\nno\r\n0\r\n\r\n"
        => closes(vec![
            res(403, b"Forbidden", &[("Transfer-Encoding", "chunked"), ("Connection", "close")]),
            d(b"no"),
            end(&[]),
        ]);
    connect_502_has_a_body_until_close: connect(), strict(),
        b"HTTP/1.1 502 Bad Gateway\r\n\r\nupstream down"
        => closes(vec![res(502, b"Bad Gateway", &[]), d(b"upstream down"), end(&[])]);

    // ----- steps 3 and 4: Transfer-Encoding, and the chunked coding (RFC 9112 §6.1, §7.1) -----

    chunked_one_chunk: get(), strict(),
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nhi\r\n0\r\n\r\n"
        => reused(vec![res(200, b"OK", &[("Transfer-Encoding", "chunked")]), d(b"hi"), end(&[])]);
    chunked_several_chunks: get(), strict(),
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n\
          5\r\nhello\r\n1\r\n \r\n5\r\nworld\r\n0\r\n\r\n"
        => closes(vec![
            res(200, b"OK", &[("Transfer-Encoding", "chunked"), ("Connection", "close")]),
            d(b"hello world"),
            end(&[]),
        ]);
    chunked_hex_sizes_in_both_cases: get(), strict(),
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n\
          a\r\n0123456789\r\nA\r\nabcdefghij\r\n0\r\n\r\n"
        => closes(vec![
            res(200, b"OK", &[("Transfer-Encoding", "chunked"), ("Connection", "close")]),
            d(b"0123456789abcdefghij"),
            end(&[]),
        ]);
    chunked_sizes_with_leading_zeros: get(), strict(),
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0002\r\nhi\r\n0000\r\n\r\n"
        => reused(vec![res(200, b"OK", &[("Transfer-Encoding", "chunked")]), d(b"hi"), end(&[])]);
    chunked_extensions: get(), strict(),
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2;name=value;flag\r\nhi\r\n0;last\r\n\r\n"
        => reused(vec![res(200, b"OK", &[("Transfer-Encoding", "chunked")]), d(b"hi"), end(&[])]);
    chunked_extension_with_a_quoted_value: get(), strict(),
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n\
          2;a=\"q \\\" x\";b\r\nhi\r\n0\r\n\r\n"
        => closes(vec![
            res(200, b"OK", &[("Transfer-Encoding", "chunked"), ("Connection", "close")]),
            d(b"hi"),
            end(&[]),
        ]);
    chunked_extension_with_bad_whitespace: get(), strict(),
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n\
          2 ; a = b\r\nhi\r\n0\r\n\r\n"
        => closes(vec![
            res(200, b"OK", &[("Transfer-Encoding", "chunked"), ("Connection", "close")]),
            d(b"hi"),
            end(&[]),
        ]);
    chunked_extension_without_name: get(), strict(),
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2;\r\nhi\r\n0\r\n\r\n"
        => fails(vec![res(200, b"OK", &[("Transfer-Encoding", "chunked")])], E::InvalidChunkExtension);
    chunked_extension_with_an_unterminated_quote: get(), strict(),
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2;a=\"x\r\nhi\r\n0\r\n\r\n"
        => fails(vec![res(200, b"OK", &[("Transfer-Encoding", "chunked")])], E::InvalidChunkExtension);
    chunked_extension_with_two_values: get(), strict(),
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2;a=b c\r\nhi\r\n0\r\n\r\n"
        => fails(vec![res(200, b"OK", &[("Transfer-Encoding", "chunked")])], E::InvalidChunkExtension);
    chunked_size_with_trailing_space: get(), strict(),
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2 \r\nhi\r\n0\r\n\r\n"
        => fails(vec![res(200, b"OK", &[("Transfer-Encoding", "chunked")])], E::InvalidChunkExtension);
    chunked_trailers: get(), strict(),
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nhi\r\n0\r\n\
          X-Checksum: abc\r\nX-Other:  1 \r\n\r\n"
        => reused(vec![
            res(200, b"OK", &[("Transfer-Encoding", "chunked")]),
            d(b"hi"),
            end(&[("X-Checksum", "abc"), ("X-Other", "1")]),
        ]);
    chunked_forbidden_trailer_content_length: get(), strict(),
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nhi\r\n0\r\nContent-Length: 5\r\n\r\n"
        => fails(
            vec![res(200, b"OK", &[("Transfer-Encoding", "chunked")]), d(b"hi")],
            E::ForbiddenTrailer,
        );
    chunked_forbidden_trailer_transfer_encoding: get(), strict(),
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nhi\r\n0\r\n\
          X-Fine: 1\r\ntransfer-encoding: chunked\r\n\r\n"
        => fails(
            vec![res(200, b"OK", &[("Transfer-Encoding", "chunked")]), d(b"hi")],
            E::ForbiddenTrailer,
        );
    chunked_forbidden_trailer_connection: get(), strict(),
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nhi\r\n0\r\nCONNECTION: close\r\n\r\n"
        => fails(
            vec![res(200, b"OK", &[("Transfer-Encoding", "chunked")]), d(b"hi")],
            E::ForbiddenTrailer,
        );
    chunked_trailer_with_obs_fold: get(), strict(),
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nX-T: a\r\n b\r\n\r\n"
        => fails(vec![res(200, b"OK", &[("Transfer-Encoding", "chunked")])], E::ObsFold);
    chunked_trailer_with_space_before_colon: get(), strict(),
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nX-T : a\r\n\r\n"
        => fails(vec![res(200, b"OK", &[("Transfer-Encoding", "chunked")])], E::SpaceBeforeColon);
    chunked_trailer_with_bare_lf: get(), strict(),
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nX-T: a\n\r\n"
        => fails(vec![res(200, b"OK", &[("Transfer-Encoding", "chunked")])], E::BareLf);
    chunked_trailer_with_nul: get(), strict(),
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nX-T: a\0\r\n\r\n"
        => fails(vec![res(200, b"OK", &[("Transfer-Encoding", "chunked")])], E::InvalidFieldValue);
    chunked_size_not_hex: get(), strict(),
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nx\r\nhi\r\n0\r\n\r\n"
        => fails(vec![res(200, b"OK", &[("Transfer-Encoding", "chunked")])], E::InvalidChunkSize);
    chunked_size_negative: get(), strict(),
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n-2\r\nhi\r\n0\r\n\r\n"
        => fails(vec![res(200, b"OK", &[("Transfer-Encoding", "chunked")])], E::InvalidChunkSize);
    chunked_size_with_0x: get(), strict(),
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0x2\r\nhi\r\n0\r\n\r\n"
        => fails(vec![res(200, b"OK", &[("Transfer-Encoding", "chunked")])], E::InvalidChunkSize);
    chunked_size_empty: get(), strict(),
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n\r\nhi\r\n0\r\n\r\n"
        => fails(vec![res(200, b"OK", &[("Transfer-Encoding", "chunked")])], E::InvalidChunkSize);
    chunked_size_overflowing_64_bits: get(), strict(),
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n10000000000000000\r\nhi\r\n0\r\n\r\n"
        => fails(vec![res(200, b"OK", &[("Transfer-Encoding", "chunked")])], E::InvalidChunkSize);
    chunked_size_of_64_bits_is_too_large: get(), strict(),
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nffffffffffffffff\r\nhi\r\n0\r\n\r\n"
        => fails(vec![res(200, b"OK", &[("Transfer-Encoding", "chunked")])], E::BodyTooLarge);
    chunked_data_without_its_crlf: get(), strict(),
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nhiX\r\n0\r\n\r\n"
        => fails(
            vec![res(200, b"OK", &[("Transfer-Encoding", "chunked")]), d(b"hi")],
            E::InvalidChunkDelimiter,
        );
    chunked_data_longer_than_its_size: get(), strict(),
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nhello\r\n0\r\n\r\n"
        => fails(
            vec![res(200, b"OK", &[("Transfer-Encoding", "chunked")]), d(b"he")],
            E::InvalidChunkDelimiter,
        );
    chunked_data_then_bare_cr: get(), strict(),
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nhi\rX0\r\n\r\n"
        => fails(vec![res(200, b"OK", &[("Transfer-Encoding", "chunked")]), d(b"hi")], E::BareCr);
    chunked_data_then_bare_lf: get(), strict(),
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nhi\n0\r\n\r\n"
        => fails(vec![res(200, b"OK", &[("Transfer-Encoding", "chunked")]), d(b"hi")], E::BareLf);
    chunked_size_line_with_bare_lf: get(), strict(),
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\nhi\r\n0\r\n\r\n"
        => fails(vec![res(200, b"OK", &[("Transfer-Encoding", "chunked")])], E::BareLf);
    chunked_with_bare_lf_lenient: get(), bare_lf(),
        b"HTTP/1.1 200 OK\nTransfer-Encoding: chunked\n\n2\nhi\n0\nX-T: 1\n\n"
        => reused(vec![
            res(200, b"OK", &[("Transfer-Encoding", "chunked")]),
            d(b"hi"),
            end(&[("X-T", "1")]),
        ]);
    chunked_ends_after_a_chunk: get(), strict(),
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nhi\r\n"
        => fails(
            vec![res(200, b"OK", &[("Transfer-Encoding", "chunked")]), d(b"hi")],
            E::IncompleteMessage,
        );
    chunked_ends_inside_data: get(), strict(),
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhi"
        => fails(
            vec![res(200, b"OK", &[("Transfer-Encoding", "chunked")]), d(b"hi")],
            E::IncompleteMessage,
        );
    chunked_ends_inside_trailers: get(), strict(),
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nhi\r\n0\r\nX-T: 1\r\n"
        => fails(
            vec![res(200, b"OK", &[("Transfer-Encoding", "chunked")]), d(b"hi")],
            E::IncompleteMessage,
        );
    chunked_ends_after_the_last_chunk: get(), strict(),
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n"
        => fails(vec![res(200, b"OK", &[("Transfer-Encoding", "chunked")])], E::IncompleteMessage);
    chunked_in_upper_case: get(), strict(),
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: CHUNKED\r\n\r\n2\r\nhi\r\n0\r\n\r\n"
        => reused(vec![res(200, b"OK", &[("Transfer-Encoding", "CHUNKED")]), d(b"hi"), end(&[])]);
    chunked_after_empty_list_elements: get(), strict(),
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: , chunked\r\nConnection: close\r\n\r\n2\r\nhi\r\n0\r\n\r\n"
        => closes(vec![
            res(200, b"OK", &[("Transfer-Encoding", ", chunked"), ("Connection", "close")]),
            d(b"hi"),
            end(&[]),
        ]);
    chunked_twice_in_one_field: get(), strict(),
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked, chunked\r\n\r\n"
        => fails(vec![], E::InvalidTransferEncoding);
    chunked_twice_in_two_fields: get(), strict(),
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n"
        => fails(vec![], E::InvalidTransferEncoding);
    chunked_with_a_parameter: get(), strict(),
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked;q=1\r\n\r\n"
        => fails(vec![], E::InvalidTransferEncoding);
    transfer_encoding_empty: get(), strict(),
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: \r\n\r\n"
        => fails(vec![], E::InvalidTransferEncoding);
    transfer_encoding_quoted: get(), strict(),
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: \"chunked\"\r\n\r\n"
        => fails(vec![], E::InvalidTransferEncoding);
    transfer_encoding_gzip_then_chunked_is_dechunked: get(), strict(),
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n4\r\n\x1f\x8b\x08\x00\r\n0\r\n\r\n"
        => reused(vec![
            res(200, b"OK", &[("Transfer-Encoding", "gzip, chunked")]),
            d(b"\x1f\x8b\x08\x00"),
            end(&[]),
        ]);
    transfer_encoding_gzip_then_chunked_in_two_fields: get(), strict(),
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n\
          Connection: close\r\n\r\n4\r\n\x1f\x8b\x08\x00\r\n0\r\n\r\n"
        => closes(vec![
            res(
                200,
                b"OK",
                &[("Transfer-Encoding", "gzip"), ("Transfer-Encoding", "chunked"), ("Connection", "close")],
            ),
            d(b"\x1f\x8b\x08\x00"),
            end(&[]),
        ]);
    transfer_encoding_gzip_alone_reads_until_close: get(), strict(),
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n\x1f\x8b\x08\x00\r\n0\r\n\r\n"
        => closes(vec![
            res(200, b"OK", &[("Transfer-Encoding", "gzip")]),
            d(b"\x1f\x8b\x08\x00\r\n0\r\n\r\n"),
            end(&[]),
        ]);
    transfer_encoding_chunked_then_gzip_reads_until_close: get(), strict(),
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked, gzip\r\n\r\n2\r\nhi\r\n0\r\n\r\n"
        => closes(vec![
            res(200, b"OK", &[("Transfer-Encoding", "chunked, gzip")]),
            d(b"2\r\nhi\r\n0\r\n\r\n"),
            end(&[]),
        ]);
    transfer_encoding_identity_reads_until_close: get(), strict(),
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: identity\r\n\r\nraw"
        => closes(vec![res(200, b"OK", &[("Transfer-Encoding", "identity")]), d(b"raw"), end(&[])]);
    transfer_encoding_with_content_length: get(), strict(),
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Length: 2\r\n\r\n2\r\nhi\r\n0\r\n\r\n"
        => fails(vec![], E::ContentLengthWithTransferEncoding);
    content_length_with_transfer_encoding: get(), strict(),
        b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nhi\r\n0\r\n\r\n"
        => fails(vec![], E::ContentLengthWithTransferEncoding);
    transfer_encoding_gzip_with_content_length: get(), strict(),
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\nContent-Length: 2\r\n\r\nhi"
        => fails(vec![], E::ContentLengthWithTransferEncoding);
    transfer_encoding_with_content_length_chunked_wins: get(), chunked_overrides(),
        b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nhi\r\n0\r\n\r\n"
        => closes(vec![
            res(200, b"OK", &[("Content-Length", "100"), ("Transfer-Encoding", "chunked")]),
            d(b"hi"),
            end(&[]),
        ]);
    transfer_encoding_with_a_short_content_length_chunked_wins: get(), chunked_overrides(),
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Length: 1\r\n\r\n5\r\nhello\r\n0\r\n\r\n"
        => closes(vec![
            res(200, b"OK", &[("Transfer-Encoding", "chunked"), ("Content-Length", "1")]),
            d(b"hello"),
            end(&[]),
        ]);
    transfer_encoding_in_http10: get(), strict(),
        b"HTTP/1.0 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nhi\r\n0\r\n\r\n"
        => fails(vec![], E::TransferEncodingInHttp10);
    transfer_encoding_in_http10_with_content_length: get(), chunked_overrides(),
        b"HTTP/1.0 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Length: 2\r\n\r\nhi"
        => fails(vec![], E::TransferEncodingInHttp10);
    transfer_encoding_gzip_in_http10: get(), strict(),
        b"HTTP/1.0 200 OK\r\nTransfer-Encoding: gzip\r\n\r\nraw"
        => fails(vec![], E::TransferEncodingInHttp10);
    chunked_with_close: get(), strict(),
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n2\r\nhi\r\n0\r\n\r\nEXTRA"
        => closes(vec![
            res(200, b"OK", &[("Transfer-Encoding", "chunked"), ("Connection", "close")]),
            d(b"hi"),
            end(&[]),
        ]);

    // ----- steps 5 and 6: Content-Length (RFC 9110 §8.6) -----

    content_length_zero: get(), strict(),
        b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"
        => reused(vec![res(200, b"OK", &[("Content-Length", "0")]), end(&[])]);
    content_length_with_leading_zeros: get(), strict(),
        b"HTTP/1.1 200 OK\r\nContent-Length: 002\r\nConnection: close\r\n\r\nhi"
        => closes(vec![
            res(200, b"OK", &[("Content-Length", "002"), ("Connection", "close")]),
            d(b"hi"),
            end(&[]),
        ]);
    content_length_with_ows: get(), strict(),
        b"HTTP/1.1 200 OK\r\nContent-Length: \t2 \r\n\r\nhi"
        => reused(vec![res(200, b"OK", &[("Content-Length", "2")]), d(b"hi"), end(&[])]);
    content_length_ends_the_body: get(), strict(),
        b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nhiEXTRA"
        => closes(vec![
            res(200, b"OK", &[("Content-Length", "2"), ("Connection", "close")]),
            d(b"hi"),
            end(&[]),
        ]);
    content_length_http10_ends_the_body: get(), strict(),
        b"HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nhiHTTP/1.0 200 OK\r\n\r\n"
        => closes(vec![res10(200, b"OK", &[("Content-Length", "2")]), d(b"hi"), end(&[])]);
    content_length_of_a_large_body: get(), strict(),
        &[&b"HTTP/1.1 200 OK\r\nContent-Length: 3000\r\nConnection: close\r\n\r\n"[..], &[b'z'; 3000]].concat()
        => closes(vec![
            res(200, b"OK", &[("Content-Length", "3000"), ("Connection", "close")]),
            d(&[b'z'; 3000]),
            end(&[]),
        ]);
    content_length_of_letters: get(), strict(),
        b"HTTP/1.1 200 OK\r\nContent-Length: abc\r\n\r\n" => fails(vec![], E::InvalidContentLength);
    content_length_negative: get(), strict(),
        b"HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n" => fails(vec![], E::InvalidContentLength);
    content_length_with_plus: get(), strict(),
        b"HTTP/1.1 200 OK\r\nContent-Length: +2\r\n\r\nhi" => fails(vec![], E::InvalidContentLength);
    content_length_in_hex: get(), strict(),
        b"HTTP/1.1 200 OK\r\nContent-Length: 0x2\r\n\r\nhi" => fails(vec![], E::InvalidContentLength);
    content_length_empty: get(), strict(),
        b"HTTP/1.1 200 OK\r\nContent-Length:\r\n\r\n" => fails(vec![], E::InvalidContentLength);
    content_length_with_a_decimal_point: get(), strict(),
        b"HTTP/1.1 200 OK\r\nContent-Length: 2.0\r\n\r\nhi" => fails(vec![], E::InvalidContentLength);
    content_length_with_inner_space: get(), strict(),
        b"HTTP/1.1 200 OK\r\nContent-Length: 1 2\r\n\r\n" => fails(vec![], E::InvalidContentLength);
    content_length_with_an_empty_list_element: get(), identical_lengths(),
        b"HTTP/1.1 200 OK\r\nContent-Length: 2,\r\n\r\nhi" => fails(vec![], E::InvalidContentLength);
    content_length_overflowing_64_bits: get(), strict(),
        b"HTTP/1.1 200 OK\r\nContent-Length: 18446744073709551616\r\n\r\n"
        => fails(vec![], E::InvalidContentLength);
    content_length_of_64_bits_is_too_large: get(), strict(),
        b"HTTP/1.1 200 OK\r\nContent-Length: 18446744073709551615\r\n\r\n"
        => fails(vec![], E::BodyTooLarge);
    content_length_repeated_identical: get(), strict(),
        b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 2\r\n\r\nhi"
        => fails(vec![], E::MultipleContentLength);
    content_length_list_identical: get(), strict(),
        b"HTTP/1.1 200 OK\r\nContent-Length: 2, 2\r\n\r\nhi"
        => fails(vec![], E::MultipleContentLength);
    content_length_repeated_identical_lenient: get(), identical_lengths(),
        b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\ncontent-length: 02\r\nConnection: close\r\n\r\nhi"
        => closes(vec![
            res(200, b"OK", &[("Content-Length", "2"), ("content-length", "02"), ("Connection", "close")]),
            d(b"hi"),
            end(&[]),
        ]);
    content_length_list_identical_lenient: get(), identical_lengths(),
        b"HTTP/1.1 200 OK\r\nContent-Length: 2 , 2\r\n\r\nhi"
        => reused(vec![res(200, b"OK", &[("Content-Length", "2 , 2")]), d(b"hi"), end(&[])]);
    content_length_repeated_differing: get(), strict(),
        b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\nhi"
        => fails(vec![], E::MultipleContentLength);
    content_length_repeated_differing_lenient: get(), identical_lengths(),
        b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\nhi"
        => fails(vec![], E::MultipleContentLength);
    content_length_list_differing_lenient: get(), identical_lengths(),
        b"HTTP/1.1 200 OK\r\nContent-Length: 2, 3\r\n\r\nhi"
        => fails(vec![], E::MultipleContentLength);
    content_length_body_cut_short: get(), strict(),
        b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhi"
        => fails(vec![res(200, b"OK", &[("Content-Length", "5")]), d(b"hi")], E::IncompleteMessage);
    content_length_body_missing: get(), strict(),
        b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n"
        => fails(vec![res(200, b"OK", &[("Content-Length", "5")])], E::IncompleteMessage);

    // ----- step 8: no framing, the body runs until the server closes -----

    until_close: get(), strict(),
        b"HTTP/1.1 200 OK\r\n\r\nhello world"
        => closes(vec![res(200, b"OK", &[]), d(b"hello world"), end(&[])]);
    until_close_empty: get(), strict(),
        b"HTTP/1.1 200 OK\r\n\r\n"
        => closes(vec![res(200, b"OK", &[]), end(&[])]);
    until_close_http10: get(), strict(),
        b"HTTP/1.0 200 OK\r\nServer: old\r\n\r\nbody"
        => closes(vec![res10(200, b"OK", &[("Server", "old")]), d(b"body"), end(&[])]);
    until_close_despite_keep_alive: get(), strict(),
        b"HTTP/1.1 200 OK\r\nConnection: keep-alive\r\n\r\nbody"
        => closes(vec![res(200, b"OK", &[("Connection", "keep-alive")]), d(b"body"), end(&[])]);
    until_close_reads_what_looks_like_a_response: get(), strict(),
        b"HTTP/1.1 200 OK\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"
        => closes(vec![
            res(200, b"OK", &[]),
            d(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"),
            end(&[]),
        ]);
    until_close_error_status: get(), strict(),
        b"HTTP/1.1 404 Not Found\r\nContent-Type: text/plain\r\n\r\nnope"
        => closes(vec![res(404, b"Not Found", &[("Content-Type", "text/plain")]), d(b"nope"), end(&[])]);

    // ----- persistence (RFC 9112 §9.3, §9.6) -----

    keep_alive_after_chunked: get(), strict(),
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nX-A: b\r\n\r\n0\r\n\r\n"
        => reused(vec![res(200, b"OK", &[("Transfer-Encoding", "chunked"), ("X-A", "b")]), end(&[])]);
    keep_alive_despite_another_connection_option: get(), strict(),
        b"HTTP/1.1 200 OK\r\nConnection: x-custom\r\nContent-Length: 2\r\n\r\nhi"
        => reused(vec![
            res(200, b"OK", &[("Connection", "x-custom"), ("Content-Length", "2")]),
            d(b"hi"),
            end(&[]),
        ]);
    connection_close: get(), strict(),
        b"HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nhi"
        => closes(vec![
            res(200, b"OK", &[("Connection", "close"), ("Content-Length", "2")]),
            d(b"hi"),
            end(&[]),
        ]);
    connection_close_in_mixed_case: get(), strict(),
        b"HTTP/1.1 200 OK\r\nConnection: ClOsE\r\nContent-Length: 0\r\n\r\n"
        => closes(vec![res(200, b"OK", &[("Connection", "ClOsE"), ("Content-Length", "0")]), end(&[])]);
    connection_close_in_a_list: get(), strict(),
        b"HTTP/1.1 200 OK\r\nConnection: keep-alive, close\r\nContent-Length: 0\r\n\r\n"
        => closes(vec![
            res(200, b"OK", &[("Connection", "keep-alive, close"), ("Content-Length", "0")]),
            end(&[]),
        ]);
    connection_close_in_a_second_field: get(), strict(),
        b"HTTP/1.1 200 OK\r\nConnection: x-custom\r\nConnection: close\r\nContent-Length: 0\r\n\r\n"
        => closes(vec![
            res(200, b"OK", &[("Connection", "x-custom"), ("Connection", "close"), ("Content-Length", "0")]),
            end(&[]),
        ]);
    http10_keep_alive_in_mixed_case: get(), strict(),
        b"HTTP/1.0 200 OK\r\nConnection: Keep-Alive\r\nContent-Length: 0\r\n\r\n"
        => reused(vec![res10(200, b"OK", &[("Connection", "Keep-Alive"), ("Content-Length", "0")]), end(&[])]);
    http10_keep_alive_and_close: get(), strict(),
        b"HTTP/1.0 200 OK\r\nConnection: keep-alive, close\r\nContent-Length: 0\r\n\r\n"
        => closes(vec![
            res10(200, b"OK", &[("Connection", "keep-alive, close"), ("Content-Length", "0")]),
            end(&[]),
        ]);
    request_with_close: get_close(), strict(),
        b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi"
        => closes(vec![res(200, b"OK", &[("Content-Length", "2")]), d(b"hi"), end(&[])]);
    request_in_http10: get10(), strict(),
        b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi"
        => closes(vec![res(200, b"OK", &[("Content-Length", "2")]), d(b"hi"), end(&[])]);
    request_in_http10_with_keep_alive: get10_keep_alive(), strict(),
        b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi"
        => reused(vec![res(200, b"OK", &[("Content-Length", "2")]), d(b"hi"), end(&[])]);

    // ----- the end of input inside a head -----

    nothing_at_all: get(), strict(),
        b"" => fails(vec![], E::IncompleteMessage);
    ends_inside_the_status_line: get(), strict(),
        b"HTTP/1.1 200" => fails(vec![], E::IncompleteMessage);
    ends_inside_the_fields: get(), strict(),
        b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n" => fails(vec![], E::IncompleteMessage);
    ends_inside_the_empty_line: get(), strict(),
        b"HTTP/1.1 200 OK\r\n\r" => fails(vec![], E::IncompleteMessage);

    // ----- limits, at one byte (or field) below, at, and above what the response needs -----

    // "HTTP/1.1 200 OK\r\n" is 17 bytes.
    limit_status_line_below: get(), limits(|l| l.max_status_line = 16),
        b"HTTP/1.1 200 OK\r\n\r\nbody" => fails(vec![], E::StatusLineTooLong);
    limit_status_line_at: get(), limits(|l| l.max_status_line = 17),
        b"HTTP/1.1 200 OK\r\n\r\nbody"
        => closes(vec![res(200, b"OK", &[]), d(b"body"), end(&[])]);
    limit_status_line_above: get(), limits(|l| l.max_status_line = 18),
        b"HTTP/1.1 200 OK\r\n\r\nbody"
        => closes(vec![res(200, b"OK", &[]), d(b"body"), end(&[])]);
    // "X-Long: abcdef\r\n" is 16 bytes.
    limit_field_line_below: get(), limits(|l| l.max_field_line = 15),
        b"HTTP/1.1 200 OK\r\nX-Long: abcdef\r\n\r\nbody" => fails(vec![], E::FieldLineTooLong);
    limit_field_line_at: get(), limits(|l| l.max_field_line = 16),
        b"HTTP/1.1 200 OK\r\nX-Long: abcdef\r\n\r\nbody"
        => closes(vec![res(200, b"OK", &[("X-Long", "abcdef")]), d(b"body"), end(&[])]);
    limit_field_line_above: get(), limits(|l| l.max_field_line = 17),
        b"HTTP/1.1 200 OK\r\nX-Long: abcdef\r\n\r\nbody"
        => closes(vec![res(200, b"OK", &[("X-Long", "abcdef")]), d(b"body"), end(&[])]);
    // The head is 17 + 8 + 2 = 27 bytes.
    limit_head_below: get(), limits(|l| l.max_head = 26),
        b"HTTP/1.1 200 OK\r\nX-A: b\r\n\r\nbody" => fails(vec![], E::HeadTooLarge);
    limit_head_at: get(), limits(|l| l.max_head = 27),
        b"HTTP/1.1 200 OK\r\nX-A: b\r\n\r\nbody"
        => closes(vec![res(200, b"OK", &[("X-A", "b")]), d(b"body"), end(&[])]);
    limit_head_above: get(), limits(|l| l.max_head = 28),
        b"HTTP/1.1 200 OK\r\nX-A: b\r\n\r\nbody"
        => closes(vec![res(200, b"OK", &[("X-A", "b")]), d(b"body"), end(&[])]);
    // "HTTP/1.1 100 Continue\r\n\r\n" is 25 bytes, and each head has the limit to itself.
    limit_head_below_for_an_interim_response: get(), limits(|l| l.max_head = 24),
        b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\n\r\nbody" => fails(vec![], E::HeadTooLarge);
    limit_head_at_for_each_head: get(), limits(|l| l.max_head = 25),
        b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\n\r\nbody"
        => closes(vec![res(100, b"Continue", &[]), res(200, b"OK", &[]), d(b"body"), end(&[])]);
    limit_fields_below: get(), limits(|l| l.max_fields = 2),
        b"HTTP/1.1 200 OK\r\nX-A: 1\r\nX-B: 2\r\nX-C: 3\r\n\r\nbody" => fails(vec![], E::TooManyFields);
    limit_fields_at: get(), limits(|l| l.max_fields = 3),
        b"HTTP/1.1 200 OK\r\nX-A: 1\r\nX-B: 2\r\nX-C: 3\r\n\r\nbody"
        => closes(vec![res(200, b"OK", &[("X-A", "1"), ("X-B", "2"), ("X-C", "3")]), d(b"body"), end(&[])]);
    limit_fields_above: get(), limits(|l| l.max_fields = 4),
        b"HTTP/1.1 200 OK\r\nX-A: 1\r\nX-B: 2\r\nX-C: 3\r\n\r\nbody"
        => closes(vec![res(200, b"OK", &[("X-A", "1"), ("X-B", "2"), ("X-C", "3")]), d(b"body"), end(&[])]);
    limit_body_by_content_length_below: get(), limits(|l| l.max_body = 9),
        b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\nConnection: close\r\n\r\n0123456789"
        => fails(vec![], E::BodyTooLarge);
    limit_body_by_content_length_at: get(), limits(|l| l.max_body = 10),
        b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\nConnection: close\r\n\r\n0123456789"
        => closes(vec![
            res(200, b"OK", &[("Content-Length", "10"), ("Connection", "close")]),
            d(b"0123456789"),
            end(&[]),
        ]);
    limit_body_by_content_length_above: get(), limits(|l| l.max_body = 11),
        b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\nConnection: close\r\n\r\n0123456789"
        => closes(vec![
            res(200, b"OK", &[("Content-Length", "10"), ("Connection", "close")]),
            d(b"0123456789"),
            end(&[]),
        ]);
    limit_body_chunked_below: get(), limits(|l| l.max_body = 9),
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n\
          5\r\n01234\r\n5\r\n56789\r\n0\r\n\r\n"
        => fails(
            vec![res(200, b"OK", &[("Transfer-Encoding", "chunked"), ("Connection", "close")]), d(b"01234")],
            E::BodyTooLarge,
        );
    limit_body_chunked_at: get(), limits(|l| l.max_body = 10),
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n\
          5\r\n01234\r\n5\r\n56789\r\n0\r\n\r\n"
        => closes(vec![
            res(200, b"OK", &[("Transfer-Encoding", "chunked"), ("Connection", "close")]),
            d(b"0123456789"),
            end(&[]),
        ]);
    limit_body_chunked_above: get(), limits(|l| l.max_body = 11),
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n\
          5\r\n01234\r\n5\r\n56789\r\n0\r\n\r\n"
        => closes(vec![
            res(200, b"OK", &[("Transfer-Encoding", "chunked"), ("Connection", "close")]),
            d(b"0123456789"),
            end(&[]),
        ]);
    limit_body_until_close_below: get(), limits(|l| l.max_body = 9),
        b"HTTP/1.1 200 OK\r\n\r\n0123456789"
        => fails(vec![res(200, b"OK", &[]), d(b"012345678")], E::BodyTooLarge);
    limit_body_until_close_at: get(), limits(|l| l.max_body = 10),
        b"HTTP/1.1 200 OK\r\n\r\n0123456789"
        => closes(vec![res(200, b"OK", &[]), d(b"0123456789"), end(&[])]);
    limit_body_until_close_above: get(), limits(|l| l.max_body = 11),
        b"HTTP/1.1 200 OK\r\n\r\n0123456789"
        => closes(vec![res(200, b"OK", &[]), d(b"0123456789"), end(&[])]);
    // The trailer section "X-T: 1\r\n\r\n" is 10 bytes.
    limit_trailers_below: get(), limits(|l| l.max_trailers = 9),
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n0\r\nX-T: 1\r\n\r\n"
        => fails(
            vec![res(200, b"OK", &[("Transfer-Encoding", "chunked"), ("Connection", "close")])],
            E::TrailersTooLarge,
        );
    limit_trailers_at: get(), limits(|l| l.max_trailers = 10),
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n0\r\nX-T: 1\r\n\r\n"
        => closes(vec![
            res(200, b"OK", &[("Transfer-Encoding", "chunked"), ("Connection", "close")]),
            end(&[("X-T", "1")]),
        ]);
    limit_trailers_above: get(), limits(|l| l.max_trailers = 11),
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n0\r\nX-T: 1\r\n\r\n"
        => closes(vec![
            res(200, b"OK", &[("Transfer-Encoding", "chunked"), ("Connection", "close")]),
            end(&[("X-T", "1")]),
        ]);
    // The head has two fields and the trailers three.
    limit_trailer_fields_below: get(), limits(|l| l.max_fields = 2),
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n\
          0\r\nA: 1\r\nB: 2\r\nC: 3\r\n\r\n"
        => fails(
            vec![res(200, b"OK", &[("Transfer-Encoding", "chunked"), ("Connection", "close")])],
            E::TooManyFields,
        );
    limit_trailer_fields_at: get(), limits(|l| l.max_fields = 3),
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n\
          0\r\nA: 1\r\nB: 2\r\nC: 3\r\n\r\n"
        => closes(vec![
            res(200, b"OK", &[("Transfer-Encoding", "chunked"), ("Connection", "close")]),
            end(&[("A", "1"), ("B", "2"), ("C", "3")]),
        ]);
    // "X-Trailer-Long-Name-Here: abc\r\n" is 31 bytes; the head's longest line is 28.
    limit_trailer_field_line_below: get(), limits(|l| l.max_field_line = 30),
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n\
          0\r\nX-Trailer-Long-Name-Here: abc\r\n\r\n"
        => fails(
            vec![res(200, b"OK", &[("Transfer-Encoding", "chunked"), ("Connection", "close")])],
            E::FieldLineTooLong,
        );
    limit_trailer_field_line_at: get(), limits(|l| l.max_field_line = 31),
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n\
          0\r\nX-Trailer-Long-Name-Here: abc\r\n\r\n"
        => closes(vec![
            res(200, b"OK", &[("Transfer-Encoding", "chunked"), ("Connection", "close")]),
            end(&[("X-Trailer-Long-Name-Here", "abc")]),
        ]);
    // "2;a=b\r\n" is 7 bytes, with 4 of extensions; "0;c\r\n" adds 2 more.
    limit_chunk_line_below: get(), limits(|l| l.max_chunk_line = 6),
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n2;a=b\r\nhi\r\n0;c\r\n\r\n"
        => fails(
            vec![res(200, b"OK", &[("Transfer-Encoding", "chunked"), ("Connection", "close")])],
            E::ChunkLineTooLong,
        );
    limit_chunk_line_at: get(), limits(|l| l.max_chunk_line = 7),
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n2;a=b\r\nhi\r\n0;c\r\n\r\n"
        => closes(vec![
            res(200, b"OK", &[("Transfer-Encoding", "chunked"), ("Connection", "close")]),
            d(b"hi"),
            end(&[]),
        ]);
    limit_chunk_extensions_below: get(), limits(|l| l.max_chunk_extensions = 5),
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n2;a=b\r\nhi\r\n0;c\r\n\r\n"
        => fails(
            vec![res(200, b"OK", &[("Transfer-Encoding", "chunked"), ("Connection", "close")]), d(b"hi")],
            E::ChunkExtensionsTooLarge,
        );
    limit_chunk_extensions_at: get(), limits(|l| l.max_chunk_extensions = 6),
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n2;a=b\r\nhi\r\n0;c\r\n\r\n"
        => closes(vec![
            res(200, b"OK", &[("Transfer-Encoding", "chunked"), ("Connection", "close")]),
            d(b"hi"),
            end(&[]),
        ]);
}

// ----- bytes no request asked for, read by a bare client connection -----

/// Polls until the connection waits, collecting events, and the error if one comes.
fn poll_all(c: &mut Connection) -> (Vec<Event>, Option<RemoteError>) {
    let mut events = Vec::new();
    loop {
        match c.poll_event() {
            Ok(Polled::Event(Event::Closed)) => {
                events.push(Event::Closed);
                return (events, None);
            }
            Ok(Polled::Event(e)) => events.push(e),
            Ok(Polled::NeedData | Polled::Paused) => return (events, None),
            Err(e) => return (events, Some(e)),
        }
    }
}

#[test]
fn a_response_before_any_request_is_unexpected_data() {
    let mut c = Connection::client(Config::default(), Instant::ZERO);
    c.feed(
        Instant::ZERO,
        b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n",
    );
    assert_eq!(
        poll_all(&mut c),
        (vec![], Some(RemoteError::UnexpectedData))
    );
    // Sticky, and the connection is done for.
    assert_eq!(c.poll_event(), Err(RemoteError::UnexpectedData));
    assert!(c.should_close() && !c.is_reusable());
}

#[test]
fn one_byte_before_any_request_is_unexpected_data() {
    let mut c = Connection::client(Config::default(), Instant::ZERO);
    c.feed(Instant::ZERO, b"H");
    assert_eq!(
        poll_all(&mut c),
        (vec![], Some(RemoteError::UnexpectedData))
    );
}

#[test]
fn a_408_on_an_idle_connection_is_unexpected_data() {
    // A server that times out an idle connection often says so before closing.
    let mut c = Connection::client(Config::default(), Instant::ZERO);
    c.send_request(get()).unwrap();
    c.send_end(Headers::new()).unwrap();
    c.feed(
        Instant::ZERO,
        b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n",
    );
    let (events, error) = poll_all(&mut c);
    assert_eq!((events.len(), error), (2, None));
    assert!(c.is_reusable());
    c.feed(Instant::ZERO, b"HTTP/1.1 408 Request Timeout\r\n\r\n");
    assert_eq!(
        poll_all(&mut c),
        (vec![], Some(RemoteError::UnexpectedData))
    );
}

#[test]
fn the_server_closing_before_any_request_is_a_clean_close() {
    let mut c = Connection::client(Config::default(), Instant::ZERO);
    c.feed_eof();
    assert_eq!(poll_all(&mut c), (vec![Event::Closed], None));
}

/// A body given up as soon as its head comes (`Connection::discard_body`): the engine drops
/// it within `max_discard`, whole or one byte at a time, no `Data` or `End` event comes of
/// it, and the next request goes out once it is over and its response is read; a body
/// declared longer is not taken on (and is read as usual), and one that turns out longer
/// ends the connection's use. Bytes right after the dropped body, before the next request
/// went, answer no request: they fail the connection (RFC 9112 §9.3).
#[test]
fn a_body_given_up_is_dropped_within_max_discard_however_it_arrives() {
    let cfg = limits(|l| l.max_discard = 8);
    // `input`, then (in a piece of its own, after the client could send its next request)
    // `then`.
    let all_ways = |input: &[u8], then: &[u8]| {
        let whole = fetch_discarding(&get(), &[input, then], cfg);
        let bytes: Vec<&[u8]> = input.chunks(1).chain(then.chunks(1)).collect();
        assert_eq!(
            whole,
            fetch_discarding(&get(), &bytes, cfg),
            "one byte at a time"
        );
        whole
    };
    let next = |wire: &[u8]| String::from_utf8_lossy(wire).contains("GET /next");
    for body in [
        &b"Content-Length: 8\r\n\r\n01234567"[..],
        b"Transfer-Encoding: chunked\r\n\r\n8\r\n01234567\r\n0\r\n\r\n",
    ] {
        let input = [b"HTTP/1.1 200 OK\r\n", body].concat();
        // The next response in the same piece as the dropped body: before any request.
        let early = fetch_discarding(&get(), &[&[&input[..], NEXT_RESPONSE].concat()], cfg).0;
        assert_eq!(early.transcript.error, Some(RemoteError::UnexpectedData));
        assert!(!next(&early.transcript.wire), "{early:?}");
        let (fetched, taken) = all_ways(&input, NEXT_RESPONSE);
        assert_eq!(taken, Some(true));
        let t = &fetched.transcript;
        assert!(next(&t.wire), "{t:?}");
        // The first response's head, then the next one, whole, then the close: nothing of
        // the dropped body.
        assert_eq!(t.events.len(), 5, "{t:?}");
        assert_eq!(t.events[2], Event::Data(bytes::Bytes::from_static(b"next")));
        assert_eq!(t.events[4], Event::Closed);
        assert_eq!(t.error, None);
    }
    // Declared one byte longer than the budget: not taken on, read as usual.
    let input = b"HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\n012345678";
    let (fetched, taken) = all_ways(input, b"");
    assert_eq!(taken, Some(false));
    assert_eq!(
        fetched.transcript.events[1],
        Event::Data(bytes::Bytes::from_static(b"012345678"))
    );
    // Chunked, one byte past the budget: the connection is not kept, nothing more is sent.
    let input = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n9\r\n012345678\r\n0\r\n\r\n";
    let (fetched, taken) = all_ways(input, b"");
    assert_eq!(taken, Some(true));
    assert!(!next(&fetched.transcript.wire), "{:?}", fetched.transcript);
}
