//! The chunked transfer coding both ways (RFC 9112 §7.1): many small chunks, empty bodies,
//! and a large body streamed in pieces whose `Bytes` go out untouched.

#[path = "scenario/mod.rs"]
mod scenario;

use bytes::Bytes;
use http_core::{Event, HalfState, Headers, RemoteError};
use scenario::*;

/// The chunked encoding of `pieces` with no trailers, as the engine writes it.
fn chunked(pieces: &[Bytes]) -> Vec<u8> {
    let mut out = Vec::new();
    for p in pieces {
        out.extend_from_slice(format!("{:x}\r\n", p.len()).as_bytes());
        out.extend_from_slice(p);
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(b"0\r\n\r\n");
    out
}

/// Pieces of 1 to 40 bytes, `count` of them.
fn small_pieces(count: usize, salt: u8) -> Vec<Bytes> {
    (0..count)
        .map(|i| Bytes::from(pattern(1 + (i * 7) % 40, salt.wrapping_add(i as u8))))
        .collect()
}

#[test]
fn many_small_chunks_both_ways() {
    each_split(|split| {
        let mut p = pair(split);
        let up = small_pieces(150, 1);
        let head = req("POST", "/upload");
        send_request(&mut p.client.conn, head.clone(), &up, Headers::new());
        p.drive();
        let want_head = request_with(&head, &[("Transfer-Encoding", "chunked")]);
        assert_eq!(
            took(&mut p.server),
            [Event::Request(want_head), data(up.concat()), end()]
        );
        let mut wire =
            b"POST /upload HTTP/1.1\r\nHost: example.com\r\nTransfer-Encoding: chunked\r\n\r\n"
                .to_vec();
        wire.extend(chunked(&up));
        assert_eq!(p.client.sent, wire, "one chunk per piece sent");

        let down = small_pieces(200, 2);
        send_response(&mut p.server.conn, res(200, &[]), &down, Headers::new());
        p.drive();
        assert_eq!(
            took(&mut p.client),
            [
                Event::Response(res(200, &[("Transfer-Encoding", "chunked")])),
                data(down.concat()),
                end()
            ]
        );
        let mut wire = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n".to_vec();
        wire.extend(chunked(&down));
        assert_eq!(p.server.sent, wire);
        assert_reusable(&p);
    });
}

#[test]
fn empty_chunked_bodies_both_ways() {
    each_split(|split| {
        let mut p = pair(split);
        // The application declares chunked itself and sends nothing but an empty piece.
        let mut head = req("POST", "/empty");
        head.headers.append("Transfer-Encoding", "chunked");
        p.client.conn.send_request(head.clone()).unwrap();
        p.client.conn.send_data(Bytes::new()).unwrap();
        p.client.conn.send_end(Headers::new()).unwrap();
        p.drive();
        assert_eq!(took(&mut p.server), [Event::Request(head), end()]);
        assert_eq!(
            text(&p.client.sent),
            "POST /empty HTTP/1.1\r\nHost: example.com\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
            "an empty piece is not an early last-chunk, and the field is not repeated"
        );

        p.server.conn.send_response(res(200, &[])).unwrap();
        p.server.conn.send_data(Bytes::new()).unwrap();
        p.server.conn.send_end(Headers::new()).unwrap();
        p.drive();
        assert_eq!(
            took(&mut p.client),
            [
                Event::Response(res(200, &[("Transfer-Encoding", "chunked")])),
                end()
            ]
        );
        assert_eq!(
            text(&p.server.sent),
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"
        );
        assert_reusable(&p);

        // A POST with no body at all is sent with Content-Length: 0, not chunked.
        send_bodiless(&mut p.client.conn, req("POST", "/none"));
        p.drive();
        assert_eq!(
            took(&mut p.server),
            [
                Event::Request(request_with(
                    &req("POST", "/none"),
                    &[("Content-Length", "0")]
                )),
                end()
            ]
        );
        send_response(&mut p.server.conn, res(204, &[]), &[], Headers::new());
        p.drive();
        assert_eq!(took(&mut p.client), [Event::Response(res(204, &[])), end()]);
        assert_reusable(&p);
    });
}

#[test]
fn empty_pieces_between_data_send_nothing() {
    each_split(|split| {
        let mut p = pair(split);
        let pieces = [
            Bytes::from_static(b"abc"),
            Bytes::new(),
            Bytes::from_static(b"def"),
            Bytes::new(),
        ];
        send_request(
            &mut p.client.conn,
            req("PUT", "/x"),
            &pieces,
            Headers::new(),
        );
        p.drive();
        let events = took(&mut p.server);
        assert_eq!(events[1..], [data("abcdef"), end()]);
        assert!(text(&p.client.sent).ends_with("\r\n\r\n3\r\nabc\r\n3\r\ndef\r\n0\r\n\r\n"));
        respond(&mut p.server.conn, 200, b"");
        p.drive();
        assert_eq!(took(&mut p.client)[1..], [end()]);
    });
}

#[test]
fn a_large_body_streams_both_ways_without_copies() {
    const PIECE: usize = 32 * 1024;
    const PIECES: usize = 16;
    each_split(|split| {
        let mut p = pair(split);
        let mut rng = splitter(split);
        let body: Vec<Bytes> = (0..PIECES)
            .map(|i| Bytes::from(pattern(PIECE, i as u8)))
            .collect();
        let head = req("PUT", "/big");
        p.client.conn.send_request(head.clone()).unwrap();
        let mut received: Vec<u8> = Vec::new();
        for (i, piece) in body.iter().enumerate() {
            p.client.conn.send_data(piece.clone()).unwrap();
            let out = hand_over(&mut p.client, &mut p.server, p.now, &mut rng);
            // The head goes out with the first piece; then size line, the piece itself, CRLF.
            let framing = if i == 0 { &out[1..] } else { &out[..] };
            assert_eq!(framing.len(), 3, "piece {i}");
            assert_eq!(&framing[0][..], format!("{PIECE:x}\r\n").as_bytes());
            assert!(same_bytes(&framing[1], piece), "piece {i} went out as sent");
            assert_eq!(&framing[2][..], b"\r\n");
            p.drive();
            let mut events = p.server.take();
            if i == 0 {
                assert_eq!(
                    events.remove(0),
                    Event::Request(request_with(&head, &[("Transfer-Encoding", "chunked")]))
                );
            }
            // Every piece is handed to the application as it arrives: streamed, not stored.
            for e in events {
                match e {
                    Event::Data(d) => received.extend_from_slice(&d),
                    other => panic!("piece {i}: unexpected {other:?}"),
                }
            }
            assert_eq!(received.len(), (i + 1) * PIECE, "piece {i}");
        }
        p.client.conn.send_end(Headers::new()).unwrap();
        p.drive();
        assert_eq!(p.server.take(), [end()]);
        assert_eq!(
            received,
            body.concat(),
            "the server got exactly what was sent"
        );

        // And back, with a Content-Length: each piece goes out alone, untouched.
        let total = (PIECE * PIECES).to_string();
        p.server
            .conn
            .send_response(res(200, &[("Content-Length", &total)]))
            .unwrap();
        let head_out = hand_over(&mut p.server, &mut p.client, p.now, &mut rng);
        assert_eq!(head_out.len(), 1);
        let mut received: Vec<u8> = Vec::new();
        for (i, piece) in body.iter().rev().enumerate() {
            p.server.conn.send_data(piece.clone()).unwrap();
            let out = hand_over(&mut p.server, &mut p.client, p.now, &mut rng);
            assert_eq!(out.len(), 1, "piece {i}");
            assert!(same_bytes(&out[0], piece), "piece {i} went out as sent");
            p.drive();
            for e in p.client.take() {
                match e {
                    Event::Response(r) => {
                        assert_eq!(i, 0);
                        assert_eq!(r, res(200, &[("Content-Length", &total)]));
                    }
                    Event::Data(d) => received.extend_from_slice(&d),
                    Event::End(t) => {
                        assert_eq!(i, PIECES - 1, "the end comes with the last byte");
                        assert!(t.is_empty());
                    }
                    other => panic!("piece {i}: unexpected {other:?}"),
                }
            }
            assert_eq!(received.len(), (i + 1) * PIECE, "piece {i}");
        }
        p.server.conn.send_end(Headers::new()).unwrap();
        p.drive();
        let want: Vec<u8> = body.iter().rev().flat_map(|b| b.to_vec()).collect();
        assert_eq!(received, want, "the client got exactly what was sent");
        assert_reusable(&p);
    });
}

#[test]
fn a_chunked_response_body_can_be_large_and_arrive_in_pieces() {
    each_split(|split| {
        let mut p = pair(split);
        send_bodiless(&mut p.client.conn, get("/stream"));
        p.drive();
        assert_eq!(took(&mut p.server), [Event::Request(get("/stream")), end()]);
        p.server.conn.send_response(res(200, &[])).unwrap();
        let mut all = Vec::new();
        for i in 0..64u8 {
            let piece = Bytes::from(pattern(4096 + usize::from(i), i));
            all.extend_from_slice(&piece);
            p.server.conn.send_data(piece).unwrap();
            if i % 8 == 0 {
                p.drive();
            }
        }
        p.server.conn.send_end(Headers::new()).unwrap();
        p.drive();
        assert_eq!(
            took(&mut p.client),
            [
                Event::Response(res(200, &[("Transfer-Encoding", "chunked")])),
                data(all),
                end()
            ]
        );
        assert_reusable(&p);
    });
}

#[test]
fn a_transfer_coding_the_server_does_not_know_gets_501() {
    each_split(|split| {
        let mut p = pair(split);
        let mut head = req("POST", "/gz");
        head.headers.append("Transfer-Encoding", "gzip, chunked");
        send_request(
            &mut p.client.conn,
            head,
            &[Bytes::from_static(b"not really gzip")],
            Headers::new(),
        );
        p.drive();
        assert_eq!(p.server.error, Some(RemoteError::UnsupportedTransferCoding));
        assert!(p.server.take().is_empty());
        assert_eq!(
            took(&mut p.client),
            error_answer(RemoteError::UnsupportedTransferCoding)
        );
        assert!(p.client.conn.should_close());
        assert_eq!(p.client.conn.their_state(), HalfState::Closed);
    });
}
