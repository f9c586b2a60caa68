//! Trailer sections (RFC 9112 §7.1.2, RFC 9110 §6.5): sent and received with chunked framing
//! both ways, dropped when the framing has no room for them, refused when they carry fields
//! that may not be trailers, and bounded by `Limits::max_trailers`.

#[path = "scenario/mod.rs"]
mod scenario;

use bytes::Bytes;
use http_core::{Config, Connection, Event, HalfState, Instant, LocalError, RemoteError};
use scenario::*;

#[test]
fn trailers_travel_both_ways_with_chunked_bodies() {
    each_split(|split| {
        let mut p = pair(split);
        let up = fields(&[("X-Checksum", "abc123"), ("X-Count", "2")]);
        send_request(
            &mut p.client.conn,
            req("POST", "/t"),
            &[Bytes::from_static(b"hello "), Bytes::from_static(b"world")],
            up.clone(),
        );
        p.drive();
        assert_eq!(
            took(&mut p.server),
            [
                Event::Request(request_with(
                    &req("POST", "/t"),
                    &[("Transfer-Encoding", "chunked")]
                )),
                data("hello world"),
                Event::End(up)
            ]
        );
        assert!(
            text(&p.client.sent).ends_with("0\r\nX-Checksum: abc123\r\nX-Count: 2\r\n\r\n"),
            "{}",
            text(&p.client.sent)
        );

        let down = fields(&[("Server-Timing", "db;dur=53"), ("X-Digest", "sha-256=:x:")]);
        send_response(
            &mut p.server.conn,
            res(200, &[]),
            &[Bytes::from_static(b"answer")],
            down.clone(),
        );
        p.drive();
        assert_eq!(
            took(&mut p.client),
            [
                Event::Response(res(200, &[("Transfer-Encoding", "chunked")])),
                data("answer"),
                Event::End(down)
            ]
        );
        assert!(
            text(&p.server.sent)
                .ends_with("0\r\nServer-Timing: db;dur=53\r\nX-Digest: sha-256=:x:\r\n\r\n")
        );
        assert_reusable(&p);
    });
}

#[test]
fn trailers_on_an_empty_chunked_body() {
    each_split(|split| {
        let mut p = pair(split);
        let mut head = req("POST", "/t");
        head.headers.append("Transfer-Encoding", "chunked");
        let t = fields(&[("X-Empty", "yes")]);
        send_request(&mut p.client.conn, head.clone(), &[], t.clone());
        p.drive();
        assert_eq!(
            took(&mut p.server),
            [Event::Request(head), Event::End(t.clone())]
        );
        let r = res(200, &[("Transfer-Encoding", "chunked")]);
        send_response(&mut p.server.conn, r.clone(), &[], t.clone());
        p.drive();
        assert_eq!(took(&mut p.client), [Event::Response(r), Event::End(t)]);
        assert_eq!(
            text(&p.server.sent),
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nX-Empty: yes\r\n\r\n"
        );
        assert_reusable(&p);
    });
}

#[test]
fn trailers_are_dropped_when_the_framing_is_content_length() {
    each_split(|split| {
        let mut p = pair(split);
        let t = fields(&[("X-Checksum", "dropped")]);
        let mut head = req("PUT", "/cl");
        head.headers.append("Content-Length", "5");
        send_request(
            &mut p.client.conn,
            head.clone(),
            &[Bytes::from_static(b"hello")],
            t.clone(),
        );
        p.drive();
        assert_eq!(
            took(&mut p.server),
            [Event::Request(head), data("hello"), end()],
            "no trailers arrive"
        );
        assert!(!text(&p.client.sent).contains("X-Checksum"));

        let r = res(200, &[("Content-Length", "2")]);
        send_response(
            &mut p.server.conn,
            r.clone(),
            &[Bytes::from_static(b"ok")],
            t,
        );
        p.drive();
        assert_eq!(took(&mut p.client), [Event::Response(r), data("ok"), end()]);
        assert_eq!(
            text(&p.server.sent),
            "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok",
            "nothing follows the declared length"
        );
        assert_reusable(&p);
    });
}

#[test]
fn trailers_are_dropped_for_head_and_close_delimited_responses() {
    each_split(|split| {
        let mut p = pair(split);
        let t = fields(&[("X-Checksum", "dropped")]);
        send_bodiless(&mut p.client.conn, req("HEAD", "/h"));
        p.drive();
        assert_eq!(took(&mut p.server)[1..], [end()]);
        send_response(&mut p.server.conn, res(200, &[]), &[], t.clone());
        p.drive();
        let events = took(&mut p.client);
        assert_eq!(events.last(), Some(&end()), "{events:?}");
        assert_eq!(events.len(), 2);
        assert!(!text(&p.server.sent).contains("X-Checksum"));
        assert_reusable(&p);

        // An HTTP/1.0 client gets a body delimited by the close: no room for trailers.
        send_bodiless(
            &mut p.client.conn,
            req10("GET", "/old", &[("Connection", "keep-alive")]),
        );
        p.drive();
        assert_eq!(took(&mut p.server)[1..], [end()]);
        send_response(
            &mut p.server.conn,
            res(200, &[]),
            &[Bytes::from_static(b"body")],
            t,
        );
        p.drive();
        assert_eq!(
            took(&mut p.client),
            [
                Event::Response(res(200, &[("Connection", "close")])),
                data("body"),
                end(),
                Event::Closed
            ]
        );
        assert!(!text(&p.server.sent).contains("X-Checksum"));
    });
}

#[test]
fn fields_that_may_not_be_trailers_are_refused_before_anything_is_sent() {
    each_split(|split| {
        let mut p = pair(split);
        p.client.conn.send_request(req("POST", "/f")).unwrap();
        p.client.conn.send_data(Bytes::from_static(b"abc")).unwrap();
        for bad in [
            ("Content-Length", "3"),
            ("Transfer-Encoding", "chunked"),
            ("Host", "elsewhere"),
            ("Connection", "close"),
        ] {
            assert_eq!(
                p.client.conn.send_end(fields(&[bad])),
                Err(LocalError::ForbiddenTrailer),
                "{bad:?}"
            );
        }
        assert_eq!(
            p.client
                .conn
                .send_end(fields(&[("X-Inject", "a\r\nHost: b")])),
            Err(LocalError::InvalidFieldValue)
        );
        assert_eq!(
            p.client.conn.our_state(),
            HalfState::SendBody,
            "nothing changed"
        );
        let good = fields(&[("X-Fine", "1")]);
        p.client.conn.send_end(good.clone()).unwrap();
        p.drive();
        assert_eq!(
            took(&mut p.server)[1..],
            [data("abc"), Event::End(good.clone())]
        );
        assert!(!text(&p.client.sent).contains("Content-Length: 3"));

        p.server.conn.send_response(res(200, &[])).unwrap();
        assert_eq!(
            p.server.conn.send_end(fields(&[("Trailer", "X")])),
            Err(LocalError::ForbiddenTrailer)
        );
        p.server.conn.send_end(good.clone()).unwrap();
        p.drive();
        assert_eq!(took(&mut p.client)[1..], [Event::End(good)]);
        assert_reusable(&p);
    });
}

#[test]
fn received_trailers_that_may_not_be_trailers_are_errors() {
    each_split(|split| {
        let mut rng = splitter(split);
        // Server role: a 400, and the connection closes.
        let mut s = Connection::server(Config::default(), Instant::ZERO);
        feed_split(
            &mut s,
            at(0),
            b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\nContent-Length: 3\r\n\r\n",
            &mut rng,
        );
        let (events, _, err) = poll_all(&mut s);
        assert_eq!(merged(events)[1..], [data("abc")]);
        assert_eq!(err, Some(RemoteError::ForbiddenTrailer));
        assert_eq!(s.send_error_response(), Ok(true));
        assert!(text(&drain(&mut s)).starts_with("HTTP/1.1 400 Bad Request\r\n"));
        assert!(s.should_close());

        // Client role: the response is the server's error.
        let mut c = Connection::client(Config::default(), Instant::ZERO);
        send_bodiless(&mut c, get("/"));
        drain(&mut c);
        feed_split(
            &mut c,
            at(0),
            b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nx\r\n0\r\nHost: evil\r\n\r\n",
            &mut rng,
        );
        let (events, _, err) = poll_all(&mut c);
        assert_eq!(merged(events)[1..], [data("x")]);
        assert_eq!(err, Some(RemoteError::ForbiddenTrailer));
        assert_eq!(c.poll_event(), Err(RemoteError::ForbiddenTrailer), "sticky");
        assert!(c.should_close() && !c.is_reusable());
    });
}

#[test]
fn a_trailer_section_over_the_limit_gets_431() {
    // "X-T: v\r\n" and the final empty line: 10 bytes.
    let t = fields(&[("X-T", "v")]);
    for (limit, passes) in [(10, true), (9, false)] {
        each_split(|split| {
            let mut server = Config::default();
            server.limits.max_trailers = limit;
            let mut p = pair_with(split, Config::default(), server);
            send_request(
                &mut p.client.conn,
                req("POST", "/t"),
                &[Bytes::from_static(b"body")],
                t.clone(),
            );
            p.drive();
            let events = took(&mut p.server);
            if passes {
                assert_eq!(events[1..], [data("body"), Event::End(t.clone())]);
                respond(&mut p.server.conn, 200, b"");
                p.drive();
                assert_eq!(took(&mut p.client)[1..], [end()]);
                assert_reusable(&p);
            } else {
                assert_eq!(events[1..], [data("body")]);
                assert_eq!(p.server.error, Some(RemoteError::TrailersTooLarge));
                assert_eq!(
                    took(&mut p.client),
                    error_answer(RemoteError::TrailersTooLarge)
                );
                assert!(text(&p.server.sent).starts_with("HTTP/1.1 431 "));
                assert!(p.client.conn.should_close() && p.server.conn.should_close());
            }
        });
    }
}
