//! Pipelined requests (RFC 9112 §9.3.2): a server reads the next request only once it has
//! answered the current one, answers in order, and keeps the bytes that came meanwhile.
//!
//! The client engine sends a request only after the previous response, so the pipelining
//! client is played here by hand: raw requests fed to a server connection (split as each seed
//! says), whose answers are then read back, in order, by a client engine.

#[path = "scenario/mod.rs"]
mod scenario;

use http_core::{Config, Connection, Event, HalfState, Instant, Polled, RemoteError, TimerKind};
use scenario::*;

const THREE: &[u8] = b"GET /1 HTTP/1.1\r\nHost: example.com\r\n\r\n\
POST /2 HTTP/1.1\r\nHost: example.com\r\nContent-Length: 5\r\n\r\nhello\
GET /3 HTTP/1.1\r\nHost: example.com\r\n\r\n";

fn post2() -> http_core::RequestHead {
    let mut r = req("POST", "/2");
    r.headers.append("Content-Length", "5");
    r
}

#[test]
fn pipelined_requests_are_answered_one_at_a_time_in_order() {
    each_split(|split| {
        let mut rng = splitter(split);
        let mut s = Connection::server(Config::default(), Instant::ZERO);
        feed_split(&mut s, at(0), THREE, &mut rng);

        let (events, polled, err) = poll_all(&mut s);
        assert_eq!(
            merged(events),
            [Event::Request(get("/1")), end()],
            "only the first request is read"
        );
        assert_eq!((polled, err), (Polled::Paused, None));
        assert_eq!(s.poll_event(), Ok(Polled::Paused), "it stays paused");
        assert_states(&s, HalfState::SendResponse, HalfState::Done);
        assert!(s.wants_read(), "less than a head's worth is buffered");
        respond(&mut s, 200, b"first");

        let (events, polled, _) = poll_all(&mut s);
        assert_eq!(
            merged(events),
            [Event::Request(post2()), data("hello"), end()]
        );
        assert_eq!(polled, Polled::Paused);
        respond(&mut s, 201, b"second");

        let (events, polled, _) = poll_all(&mut s);
        assert_eq!(merged(events), [Event::Request(get("/3")), end()]);
        assert_eq!(polled, Polled::Paused, "until it is answered");
        respond(&mut s, 202, b"third");
        assert_eq!(
            s.poll_event(),
            Ok(Polled::NeedData),
            "nothing more was sent"
        );
        assert_states(&s, HalfState::Idle, HalfState::Idle);
        assert!(s.is_reusable() && !s.should_close());

        let wire = drain(&mut s);
        let answers = read_responses(&wire, &[get("/1"), post2(), get("/3")]);
        let want = |status: u16, body: &'static str| {
            let len = body.len().to_string();
            vec![
                Event::Response(res(status, &[("Content-Length", &len)])),
                data(body),
                end(),
            ]
        };
        assert_eq!(
            answers,
            [want(200, "first"), want(201, "second"), want(202, "third")]
        );
    });
}

#[test]
fn a_request_that_arrives_while_paused_waits_its_turn() {
    each_split(|split| {
        let mut rng = splitter(split);
        let mut s = Connection::server(Config::default(), Instant::ZERO);
        feed_split(
            &mut s,
            at(0),
            b"GET /1 HTTP/1.1\r\nHost: example.com\r\n\r\nGET /2 HT",
            &mut rng,
        );
        let (events, polled, _) = poll_all(&mut s);
        assert_eq!(merged(events), [Event::Request(get("/1")), end()]);
        assert_eq!(polled, Polled::Paused);
        // While the first request is being answered, nothing is timed.
        assert_eq!(s.poll_timeout(), None);
        feed_split(&mut s, at(5), b"TP/1.1\r\nHost: example.com\r\n", &mut rng);
        assert_eq!(s.poll_event(), Ok(Polled::Paused));
        s.handle_timeout(at(10));
        respond(&mut s, 200, b"1");
        // The half-received head is now read, and its deadline counts from now.
        assert_eq!(s.poll_event(), Ok(Polled::NeedData));
        let d = s.poll_timeout().expect("a deadline for the started head");
        assert_eq!((d.kind, d.at), (TimerKind::HeaderRead, at(10 + 30)));
        feed_split(&mut s, at(11), b"\r\n", &mut rng);
        let (events, polled, _) = poll_all(&mut s);
        assert_eq!(merged(events), [Event::Request(get("/2")), end()]);
        assert_eq!(polled, Polled::Paused);
        respond(&mut s, 200, b"2");
        assert_eq!(s.poll_event(), Ok(Polled::NeedData));
        let answers = read_responses(&drain(&mut s), &[get("/1"), get("/2")]);
        assert_eq!(
            answers.iter().map(|a| body_of(a)).collect::<Vec<_>>(),
            [b"1", b"2"]
        );
    });
}

#[test]
fn a_paused_server_stops_reading_once_a_head_s_worth_is_buffered() {
    each_split(|split| {
        let mut rng = splitter(split);
        let mut cfg = Config::default();
        cfg.limits.max_head = 128;
        let mut s = Connection::server(cfg, Instant::ZERO);
        let mut input = b"GET /1 HTTP/1.1\r\nHost: example.com\r\n\r\n".to_vec();
        let first = input.len();
        input.extend(b"GET /2 HTTP/1.1\r\nHost: example.com\r\n\r\n".repeat(5));
        // Everything up to one byte short of a head's worth after the first request.
        feed_split(&mut s, at(0), &input[..first + 127], &mut rng);
        let (events, polled, _) = poll_all(&mut s);
        assert_eq!(merged(events), [Event::Request(get("/1")), end()]);
        assert_eq!(polled, Polled::Paused);
        assert!(s.wants_read());
        feed_split(&mut s, at(0), &input[first + 127..first + 128], &mut rng);
        assert!(!s.wants_read(), "back-pressure while paused");
        assert_eq!(s.poll_event(), Ok(Polled::Paused));
        respond(&mut s, 200, b"");
        // Reading resumes: the buffered requests come one by one.
        for _ in 0..3 {
            let (events, polled, err) = poll_all(&mut s);
            assert_eq!(merged(events), [Event::Request(get("/2")), end()]);
            assert_eq!((polled, err), (Polled::Paused, None));
            respond(&mut s, 200, b"");
        }
        assert!(s.wants_read());
    });
}

#[test]
fn a_bad_pipelined_request_is_answered_after_the_good_ones() {
    each_split(|split| {
        let mut rng = splitter(split);
        let mut s = Connection::server(Config::default(), Instant::ZERO);
        let input = b"GET /1 HTTP/1.1\r\nHost: example.com\r\n\r\n\
GET /2 HTTP/1.1\r\nHost: example.com\r\n\r\n\
GET /3 HTTP/1.1\r\nBad Name: x\r\n\r\n\
GET /4 HTTP/1.1\r\nHost: example.com\r\n\r\n";
        feed_split(&mut s, at(0), input, &mut rng);
        for target in ["/1", "/2"] {
            let (events, polled, err) = poll_all(&mut s);
            assert_eq!(merged(events), [Event::Request(get(target)), end()]);
            assert_eq!((polled, err), (Polled::Paused, None));
            respond(&mut s, 200, b"fine");
        }
        assert_eq!(s.poll_event(), Err(RemoteError::InvalidFieldName));
        assert_eq!(s.send_error_response(), Ok(true));
        assert!(s.should_close());
        let wire = drain(&mut s);
        let answers = read_responses(&wire, &[get("/1"), get("/2"), get("/3")]);
        assert_eq!(body_of(&answers[0]), b"fine");
        assert_eq!(body_of(&answers[1]), b"fine");
        let mut bad = error_answer(RemoteError::InvalidFieldName);
        bad.pop(); // the reader stops at the end of the response
        assert_eq!(answers[2], bad);
        assert!(
            !text(&wire).contains("/4"),
            "the request after the bad one is never read"
        );
    });
}

#[test]
fn requests_pipelined_after_a_close_are_never_read() {
    each_split(|split| {
        let mut rng = splitter(split);
        let mut s = Connection::server(Config::default(), Instant::ZERO);
        let input = b"GET /1 HTTP/1.1\r\nHost: example.com\r\nConnection: close\r\n\r\n\
GET /2 HTTP/1.1\r\nHost: example.com\r\n\r\n";
        feed_split(&mut s, at(0), input, &mut rng);
        let (events, _, err) = poll_all(&mut s);
        let mut first = get("/1");
        first.headers.append("Connection", "close");
        assert_eq!(merged(events), [Event::Request(first.clone()), end()]);
        assert_eq!(err, None);
        respond(&mut s, 200, b"bye");
        assert!(s.should_close());
        assert_eq!(s.poll_event(), Ok(Polled::NeedData));
        assert!(!s.wants_read());
        s.feed_eof();
        assert_eq!(s.poll_event(), Ok(Polled::Event(Event::Closed)));
        let answers = read_responses(&drain(&mut s), &[first]);
        assert_eq!(
            answers[0],
            [
                Event::Response(res(
                    200,
                    &[("Content-Length", "3"), ("Connection", "close")]
                )),
                data("bye"),
                end(),
            ]
        );
    });
}

#[test]
fn an_early_answer_discards_the_unread_body_and_the_next_request_follows() {
    each_split(|split| {
        let mut rng = splitter(split);
        let mut s = Connection::server(Config::default(), Instant::ZERO);
        feed_split(&mut s, at(0), THREE, &mut rng);
        let (events, _, _) = poll_all(&mut s);
        assert_eq!(events.len(), 2);
        respond(&mut s, 200, b"1");
        // Answer the POST as soon as its head is read, before its body.
        assert_eq!(s.poll_event(), Ok(Polled::Event(Event::Request(post2()))));
        respond(&mut s, 413, b"no");
        // The body is thrown away; the third request comes next.
        let (events, polled, err) = poll_all(&mut s);
        assert_eq!(merged(events), [Event::Request(get("/3")), end()]);
        assert_eq!((polled, err), (Polled::Paused, None));
        respond(&mut s, 200, b"3");
        assert_eq!(s.poll_event(), Ok(Polled::NeedData));
        assert!(s.is_reusable());
        let answers = read_responses(&drain(&mut s), &[get("/1"), post2(), get("/3")]);
        let statuses: Vec<u16> = answers.iter().map(|a| response_of(&a[0]).status).collect();
        assert_eq!(statuses, [200, 413, 200]);
        assert_eq!(body_of(&answers[2]), b"3");
    });
}
