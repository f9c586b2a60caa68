//! Property tests of the server role: whatever the split of its input, it gives the same
//! events, error and answer; valid requests are accepted and parsed back exactly; garbage
//! never panics; limits are enforced at the byte where they are crossed.
//!
//! The strategies live here; the properties are plain functions in
//! `workspace_tests::properties`, shared with the fuzz targets.

use http_core::{Config, Leniency, Limits};
use proptest::collection::vec;
use proptest::prelude::*;
use proptest::sample::{Index, select};
use workspace_tests::NEXT_REQUEST;
use workspace_tests::properties::{
    self, FORBIDDEN_TRAILERS, GenBody, GenChunk, GenExt, GenField, GenRequest, HEXDIG, HOST_CHARS,
    Measure, Mutation, PATH_CHARS, RESERVED_FIELDS, TCHARS,
};

// ----- byte strings -----

fn token(max: usize) -> impl Strategy<Value = Vec<u8>> {
    vec(select(TCHARS), 1..max)
}

fn not_named(name: &[u8], list: &[&str]) -> bool {
    !list.iter().any(|n| n.as_bytes().eq_ignore_ascii_case(name))
}

/// A `field-vchar`, SP or HTAB: mostly visible ASCII, some obs-text.
fn value_byte() -> impl Strategy<Value = u8> {
    prop_oneof![
        12 => 0x21u8..0x7f,
        2 => 0x80u8..=0xff,
        1 => Just(b' '),
        1 => Just(b'\t'),
    ]
}

fn ows() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        3 => Just(b" ".to_vec()),
        1 => Just(Vec::new()),
        1 => vec(select(b" \t".as_slice()), 0..4),
    ]
}

fn pct() -> impl Strategy<Value = Vec<u8>> {
    (select(HEXDIG), select(HEXDIG)).prop_map(|(a, b)| vec![b'%', a, b])
}

fn method() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        3 => select(&["GET", "POST", "PUT", "DELETE", "HEAD", "OPTIONS", "PATCH", "TRACE"][..])
            .prop_map(|m| m.as_bytes().to_vec()),
        2 => token(10),
    ]
    .prop_filter("CONNECT takes an authority", |m| m != b"CONNECT")
}

/// An origin-form target: `/`, then path and query bytes and `%`-escapes.
fn target() -> impl Strategy<Value = Vec<u8>> {
    vec(
        prop_oneof![6 => select(PATH_CHARS).prop_map(|b| vec![b]), 1 => pct()],
        0..24,
    )
    .prop_map(|parts| {
        let mut t = vec![b'/'];
        t.extend(parts.concat());
        t
    })
}

/// A valid Host value: empty, a reg-name or an IP literal, with an optional port.
fn host_value() -> impl Strategy<Value = Vec<u8>> {
    let reg_name = vec(
        prop_oneof![8 => select(HOST_CHARS).prop_map(|b| vec![b]), 1 => pct()],
        1..12,
    )
    .prop_map(|p| p.concat());
    let ip_literal = vec(select(b"0123456789abcdefABCDEF:.v".as_slice()), 1..16).prop_map(|b| {
        let mut v = vec![b'['];
        v.extend(b);
        v.push(b']');
        v
    });
    let port = proptest::option::of(vec(select(b"0123456789".as_slice()), 0..=5));
    prop_oneof![
        1 => Just(Vec::new()),
        6 => (prop_oneof![4 => reg_name, 1 => ip_literal], port).prop_map(|(mut h, p)| {
            if let Some(p) = p {
                h.push(b':');
                h.extend(p);
            }
            h
        }),
    ]
}

fn field(name: impl Strategy<Value = Vec<u8>>) -> impl Strategy<Value = GenField> {
    (name, vec(value_byte(), 0..32), ows(), ows()).prop_map(|(name, value, lead, trail)| GenField {
        name,
        value,
        lead,
        trail,
    })
}

fn extra_field() -> impl Strategy<Value = GenField> {
    field(token(16).prop_filter("reserved", |n| not_named(n, RESERVED_FIELDS)))
}

fn trailer_field() -> impl Strategy<Value = GenField> {
    field(token(16).prop_filter("forbidden", |n| not_named(n, FORBIDDEN_TRAILERS)))
}

fn ext() -> impl Strategy<Value = GenExt> {
    let value = proptest::option::of(prop_oneof![token(8), vec(value_byte(), 0..10)]);
    (token(8), value, any::<bool>(), any::<u8>()).prop_map(|(name, value, quoted, bws)| GenExt {
        name,
        value,
        quoted,
        bws,
    })
}

fn chunk(data: impl Strategy<Value = Vec<u8>>) -> impl Strategy<Value = GenChunk> {
    let exts = prop_oneof![3 => Just(Vec::new()), 1 => vec(ext(), 1..3)];
    (data, 0..3usize, any::<bool>(), exts).prop_map(|(data, zeros, upper, ext)| GenChunk {
        data,
        zeros,
        upper,
        ext,
    })
}

fn body() -> impl Strategy<Value = GenBody> {
    let data = prop_oneof![vec(any::<u8>(), 0..8), vec(any::<u8>(), 0..200)];
    prop_oneof![
        2 => Just(GenBody::Empty),
        3 => (data, prop_oneof![4 => Just(0usize), 1 => 1..3usize])
            .prop_map(|(data, zeros)| GenBody::Length { data, zeros }),
        4 => (
            vec(chunk(vec(any::<u8>(), 1..64)), 0..5),
            chunk(Just(Vec::new())),
            prop_oneof![2 => Just(Vec::new()), 1 => vec(trailer_field(), 1..4)],
        )
            .prop_map(|(chunks, last, trailers)| GenBody::Chunked {
                chunks,
                last,
                trailers,
            }),
    ]
}

/// What the Connection field says, if there is one.
#[derive(Clone, Copy, Debug)]
enum Persist {
    Default,
    KeepAlive,
    Close,
}

/// A valid request; with `persistent`, one that keeps the connection open.
fn request(persistent: bool) -> impl Strategy<Value = GenRequest> {
    let persist = if persistent {
        prop_oneof![Just(Persist::Default), Just(Persist::KeepAlive)].boxed()
    } else {
        prop_oneof![
            4 => Just(Persist::Default),
            1 => Just(Persist::KeepAlive),
            1 => Just(Persist::Close),
        ]
        .boxed()
    };
    let head = (
        prop_oneof![6 => Just(0usize), 1 => 1..3usize],
        method(),
        target(),
        prop_oneof![6 => Just(1u8), 2 => Just(0u8), 1 => 2..=9u8],
        (
            proptest::option::weighted(0.9, host_value()),
            select(&["Host", "host", "HOST"][..]),
            ows(),
        ),
        vec(extra_field(), 0..6),
    );
    let expect = proptest::option::weighted(
        0.15,
        (
            select(&["100-continue", "100-Continue"][..]),
            any::<Index>(),
        ),
    );
    let placing = (any::<Index>(), any::<Index>(), any::<usize>(), 0..4u8);
    (head, persist, expect, placing, body()).prop_map(
        move |(
            (leading_crlf, method, target, minor, (host, host_name, lead), mut fields),
            persist,
            expect,
            (host_at, conn_at, framing_at, framing_case),
            body,
        )| {
            if let Some((value, at)) = expect {
                fields.insert(at.index(fields.len() + 1), GenField::new("Expect", value));
            }
            // HTTP/1.1 needs a Host; HTTP/1.0 may go without.
            let host = host.or_else(|| (minor != 0).then(Vec::new));
            if let Some(h) = host {
                let mut f = GenField::new(host_name, h);
                f.lead = lead;
                fields.insert(host_at.index(fields.len() + 1), f);
            }
            let connection = match (persist, minor) {
                (Persist::KeepAlive, _) | (Persist::Default, 0) if persistent => Some("keep-alive"),
                (Persist::KeepAlive, _) => Some("Keep-Alive"),
                (Persist::Close, _) => Some("close"),
                (Persist::Default, _) => None,
            };
            if let Some(c) = connection {
                let f = GenField::new("Connection", c);
                fields.insert(conn_at.index(fields.len() + 1), f);
            }
            // Chunked needs HTTP/1.1 (RFC 9112 §6.1).
            let body = match body {
                GenBody::Chunked { chunks, .. } if minor == 0 => GenBody::Length {
                    data: chunks.iter().flat_map(|c| c.data.clone()).collect(),
                    zeros: 0,
                },
                b => b,
            };
            GenRequest {
                leading_crlf,
                method,
                target,
                minor,
                fields,
                framing_at,
                framing_case,
                body,
            }
        },
    )
}

/// Split offsets into an input of length `len`, from indices.
fn offsets(splits: &[Index], len: usize) -> Vec<usize> {
    splits.iter().map(|i| i.index(len + 1)).collect()
}

fn splits() -> impl Strategy<Value = Vec<Index>> {
    vec(any::<Index>(), 0..6)
}

// ----- configurations -----

fn leniency() -> impl Strategy<Value = Leniency> {
    any::<[bool; 6]>().prop_map(|b| {
        let mut l = Leniency::default();
        l.allow_bare_lf = b[0];
        l.chunked_overrides_content_length = b[1];
        l.allow_identical_content_lengths = b[2];
        l.allow_unsafe_target_bytes = b[3];
        l.allow_obs_fold_in_responses = b[4];
        l.allow_space_before_colon_in_responses = b[5];
        l
    })
}

/// Tiny limits, scaled from one byte as the fuzz targets do.
fn tiny_limits(t: u8) -> Limits {
    let n = usize::from(t) + 1;
    let mut l = Limits::default();
    l.max_request_line = n * 2;
    l.max_status_line = n * 2;
    l.max_field_line = n;
    l.max_head = n * 4;
    l.max_fields = n % 8;
    l.max_chunk_line = n;
    l.max_chunk_extensions = n;
    l.max_trailers = n * 2;
    l.max_body = n as u64 * 3;
    l.max_discard = n as u64;
    l
}

/// Any leniency; default limits, or tiny ones.
fn any_config() -> impl Strategy<Value = Config> {
    (leniency(), proptest::option::weighted(0.2, any::<u8>())).prop_map(|(leniency, tiny)| {
        let mut c = Config::default();
        c.leniency = leniency;
        if let Some(t) = tiny {
            c.limits = tiny_limits(t);
        }
        c
    })
}

/// A limit near a measured size (to land on both sides of its boundary), a small one, or the
/// default.
fn limit_near(measured: usize) -> impl Strategy<Value = Option<usize>> {
    prop_oneof![
        8 => Just(None),
        3 => (-3i64..=3).prop_map(move |d| Some((measured as i64 + d).max(0) as usize)),
        1 => (0usize..64).prop_map(Some),
    ]
}

/// A request and limits chosen around its own sizes.
fn request_and_limits() -> impl Strategy<Value = (GenRequest, Limits)> {
    request(false).prop_flat_map(|req| {
        let m: Measure = properties::measure(&req);
        let near = (
            limit_near(m.request_line),
            limit_near(m.field_line),
            limit_near(m.head),
            limit_near(m.fields),
            limit_near(m.chunk_line),
            limit_near(m.chunk_extensions),
            limit_near(m.trailers),
            limit_near(m.body),
        );
        (Just(req), near).prop_map(|(req, n)| {
            let mut l = Limits::default();
            let set = |slot: &mut usize, v: Option<usize>| {
                if let Some(v) = v {
                    *slot = v;
                }
            };
            set(&mut l.max_request_line, n.0);
            set(&mut l.max_field_line, n.1);
            set(&mut l.max_head, n.2);
            set(&mut l.max_fields, n.3);
            set(&mut l.max_chunk_line, n.4);
            set(&mut l.max_chunk_extensions, n.5);
            set(&mut l.max_trailers, n.6);
            if let Some(b) = n.7 {
                l.max_body = b as u64;
            }
            (req, l)
        })
    })
}

// ----- garbage -----

/// Pieces of HTTP to build near-valid soups from.
const DICT: &[&[u8]] = &[
    b"GET ",
    b"POST ",
    b"CONNECT ",
    b"OPTIONS ",
    b"/",
    b"*",
    b"/a?b",
    b"http://x/",
    b"x:80",
    b" HTTP/1.1",
    b" HTTP/1.0",
    b" HTTP/2.0",
    b"\r\n",
    b"\r\n\r\n",
    b"\r",
    b"\n",
    b" ",
    b"\t",
    b"\0",
    b":",
    b";",
    b"=",
    b"\"",
    b"\\",
    b",",
    b"\xff",
    b"Host: a",
    b"Host:",
    b"Content-Length: ",
    b"Content-Length: 5",
    b"Transfer-Encoding: chunked",
    b"Transfer-Encoding: gzip, chunked",
    b"Connection: close",
    b"Connection: keep-alive",
    b"Connection: upgrade",
    b"Upgrade: x",
    b"Expect: 100-continue",
    b"Trailer: x",
    b"0",
    b"1",
    b"5",
    b"a",
    b"ff",
    b"ffffffffffffffffff",
    b"99999999999999999999",
    b"0\r\n\r\n",
    b"5\r\nhello\r\n",
    b";ext=\"q\"",
    b"hello",
    b"X-A: b",
];

fn soup() -> impl Strategy<Value = Vec<u8>> {
    vec(select(DICT), 0..48).prop_map(|p| p.concat())
}

fn mutation() -> impl Strategy<Value = Mutation> {
    let special = prop_oneof![select(b"\r\n \t\0:;,\"\\\x7f\x80".as_slice()), any::<u8>()];
    prop_oneof![
        (any::<usize>(), any::<u8>()).prop_map(|(at, bit)| Mutation::Flip { at, bit }),
        (any::<usize>(), special.clone()).prop_map(|(at, byte)| Mutation::Set { at, byte }),
        (any::<usize>(), special).prop_map(|(at, byte)| Mutation::Insert { at, byte }),
        (any::<usize>(), 1..4usize).prop_map(|(at, len)| Mutation::Delete { at, len }),
        any::<usize>().prop_map(|at| Mutation::DuplicateLine { at }),
        any::<usize>().prop_map(|at| Mutation::Truncate { at }),
    ]
}

/// Random bytes, soups of HTTP pieces, and valid requests (or pairs) with a few mutations.
fn garbage() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        1 => vec(any::<u8>(), 0..256),
        2 => soup(),
        4 => (vec(request(false), 1..3), vec(mutation(), 1..3))
            .prop_map(|(reqs, m)| properties::mutate(&properties::encode_all(&reqs), &m)),
    ]
}

// ----- the properties -----

/// `cases` random cases; failures are reported with their shrunk input, not saved to a file
/// (set `PROPTEST_RNG_SEED` to replay a run).
fn config(cases: u32) -> ProptestConfig {
    ProptestConfig {
        cases,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

proptest! {
    #![proptest_config(config(1024))]

    /// (a) A valid request is accepted and parsed back exactly, whatever the split and the
    /// leniency; one byte at a time too; what follows it does not change it; the driver's
    /// contract holds.
    #[test]
    fn valid_requests_are_accepted_and_parsed_back(
        req in request(false),
        splits in splits(),
        leniency in leniency(),
        cut in any::<Index>(),
    ) {
        prop_assert!(req.is_valid(), "the generator made an invalid request: {req:?}");
        let input = properties::encode(&req);
        let mut cfg = Config::default();
        cfg.leniency = leniency;
        properties::valid_request_accepted(&req, &offsets(&splits, input.len()), cfg);
        let t = properties::byte_at_a_time_matches_whole(&input, cfg);
        properties::check_parsed_matches(&req, &t);
        properties::suffix_does_not_change_prefix(&input, NEXT_REQUEST, cfg);
        properties::truncation_is_only_incomplete(&input, cut.index(input.len()), cfg);
        properties::driver_contract(&input, &offsets(&splits, input.len()), cfg, &[]);
    }

    /// (b) Garbage: the same events, error and answer whatever the split, with any leniency,
    /// tiny limits and any application script; one byte at a time too.
    #[test]
    fn garbage_is_split_invariant(
        input in garbage(),
        splits in splits(),
        cfg in any_config(),
        script in vec(any::<u8>(), 0..4),
    ) {
        properties::split_invariance_with(&input, &offsets(&splits, input.len()), cfg, &script);
        properties::byte_at_a_time_matches_whole(&input, cfg);
    }

    /// (b) Garbage: the bytes after a message do not change it (request smuggling).
    #[test]
    fn garbage_does_not_depend_on_what_follows(
        input in garbage(),
        suffix in prop_oneof![Just(NEXT_REQUEST.to_vec()), garbage()],
        cfg in any_config(),
    ) {
        properties::suffix_does_not_change_prefix(&input, &suffix, cfg);
    }

    /// (b) Garbage: a waiting server always has a deadline, and stopping once it wants no
    /// more bytes changes nothing.
    #[test]
    fn garbage_keeps_the_driver_contract(
        input in garbage(),
        splits in splits(),
        cfg in any_config(),
        script in vec(any::<u8>(), 0..4),
    ) {
        properties::driver_contract(&input, &offsets(&splits, input.len()), cfg, &script);
    }

}

proptest! {
    // Pipelines are several requests each: fewer cases keep the run short.
    #![proptest_config(config(512))]

    /// (c) Pipelined valid requests are all parsed, in order, and answered, whatever the
    /// split; a request that closes the connection ends it.
    #[test]
    fn pipelines_are_parsed_in_order(
        (mut reqs, last) in (vec(request(true), 1..5), request(false)),
        splits in splits(),
        cut in any::<Index>(),
    ) {
        reqs.push(last);
        let input = properties::encode_all(&reqs);
        let cfg = Config::default();
        properties::pipelined_requests_in_order(&reqs, &offsets(&splits, input.len()), cfg);
        let t = properties::byte_at_a_time_matches_whole(&input, cfg);
        properties::check_pipeline_parsed(&reqs, &t);
        properties::truncation_is_only_incomplete(&input, cut.index(input.len()), cfg);
    }

    /// (c) While a pipelined request waits for its answer, the engine buffers at most a
    /// head's worth (plus one read), and then parses every request.
    #[test]
    fn pipelines_are_read_with_backpressure(
        reqs in vec(request(true), 2..5),
        piece in prop_oneof![1..8usize, 8..256usize],
        slack in 0..128usize,
    ) {
        let head = reqs.iter().map(|r| properties::measure(r).head).max().unwrap_or(0);
        let mut cfg = Config::default();
        cfg.limits.max_head = head + slack;
        properties::backpressure(&reqs, piece, cfg);
    }

}

proptest! {
    #![proptest_config(config(1024))]

    /// (d) With limits near the request's own sizes, a valid request is accepted, or refused
    /// with the error of the first limit it crosses, whatever the split.
    #[test]
    fn limits_decide_the_same_whatever_the_split(
        (req, limits) in request_and_limits(),
        splits in splits(),
    ) {
        let input = properties::encode(&req);
        let mut cfg = Config::default();
        cfg.limits = limits;
        properties::limits_outcome(&req, &offsets(&splits, input.len()), cfg);
        properties::byte_at_a_time_matches_whole(&input, cfg);
    }
}

proptest! {
    #![proptest_config(config(2048))]

    /// (e) Any sequence of API calls, on either role: no panic, a refused call changes
    /// nothing, and the state the engine reports stays consistent.
    #[test]
    fn any_sequence_of_calls_keeps_the_engine_consistent(
        server in any::<bool>(),
        script in vec(any::<u8>(), 0..400),
    ) {
        properties::api_sequence(server, &script);
    }
}

// ----- findings, kept as regression tests -----

/// Found by `garbage_keeps_the_driver_contract`: once the application has answered a request
/// before reading its body, the server reads and discards the rest of the body with no
/// deadline at all (`poll_timeout()` is `None` while it waits for those bytes), so a client
/// that sends a head with `Content-Length` and then nothing holds the connection open for
/// ever. The README says `body_read` ends such a wait with "a quiet close once a response has
/// started".
#[test]
fn discarding_an_unread_body_has_a_deadline() {
    let input = b"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\n";
    // Script byte 2: answer as soon as the head is read.
    properties::driver_contract(input, &[], Config::default(), &[2]);
}

/// A client whose upload failed part way (the server answered early and stopped reading)
/// reads that answer the same whole, one byte at a time, and split anywhere; bytes after it
/// are never taken for another response (the connection is not reused).
#[test]
fn an_early_answer_to_a_failed_upload_reads_the_same_whatever_the_split() {
    use http_core::Event;
    use workspace_tests::fetch_after_failed_upload;
    let input: &[u8] =
        b"HTTP/1.1 413 Content Too Large\r\nContent-Length: 5\r\nConnection: close\r\n\r\nlargeHTTP/1.1 200 OK\r\n\r\n";
    let cfg = Config::default();
    let whole = fetch_after_failed_upload(&[input], cfg);
    let t = &whole.transcript;
    assert_eq!(t.error, None);
    assert!(
        matches!(
            &t.events[..],
            [Event::Response(r), Event::Data(d), Event::End(_), Event::Closed]
                if r.status == 413 && &d[..] == b"large"
        ),
        "{:?}",
        t.events
    );
    assert!(t.wire.is_empty(), "nothing more was sent: {:?}", t.wire);
    let bytes: Vec<&[u8]> = input.chunks(1).collect();
    assert_eq!(whole, fetch_after_failed_upload(&bytes, cfg));
    for at in 1..input.len() {
        let (a, b) = input.split_at(at);
        assert_eq!(
            whole,
            fetch_after_failed_upload(&[a, b], cfg),
            "split at {at}"
        );
    }
}

/// RFC 9112 §9.5: a client that reads an error response from a server that closes, while it
/// still sends the request's body, sends no more of it; any other answer leaves the body
/// going. The same whole, one byte at a time, and split anywhere.
#[test]
fn an_answer_that_refuses_the_body_stops_it_whatever_the_split() {
    use http_core::Event;
    use workspace_tests::fetch_while_uploading;
    let cfg = Config::default();
    let refusal: &[u8] =
        b"HTTP/1.1 413 Content Too Large\r\nContent-Length: 5\r\nConnection: close\r\n\r\nlarge";
    let going: &[u8] = b"HTTP/1.1 413 Content Too Large\r\nContent-Length: 5\r\n\r\nlarge";
    for (input, refused) in [(refusal, true), (going, false)] {
        let whole = fetch_while_uploading(&[input], cfg);
        let t = &whole.transcript;
        assert!(
            matches!(
                &t.events[..],
                [Event::Response(r), Event::Data(d), Event::End(_), ..]
                    if r.status == 413 && &d[..] == b"large"
            ),
            "{:?}",
            t.events
        );
        if refused {
            // Nothing more: the connection closes after the answer.
            assert!(t.wire.is_empty(), "{:?}", t.wire);
            assert_eq!(t.error, None);
            assert_eq!(t.events.last(), Some(&Event::Closed));
        } else {
            // The 95 bytes the body had left, then the next request on the connection kept.
            assert!(t.wire.starts_with(&[b'x'; 95]), "{:?}", t.wire);
            assert!(t.wire[95..].starts_with(b"GET /next "), "{:?}", t.wire);
        }
        let bytes: Vec<&[u8]> = input.chunks(1).collect();
        assert_eq!(whole, fetch_while_uploading(&bytes, cfg));
        for at in 1..input.len() {
            let (a, b) = input.split_at(at);
            assert_eq!(whole, fetch_while_uploading(&[a, b], cfg), "split at {at}");
        }
    }
}
