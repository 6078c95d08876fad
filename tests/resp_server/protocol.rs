//! The wire protocol: pipelining, requests split into single bytes, and
//! requests that are malformed or too large (error reply, then close).

use super::client::{encode, render, Client};
use super::{server, start, test_config};
use crate::support;
use std::io;
use std::net::SocketAddr;

#[test]
fn a_thousand_pipelined_commands_in_one_write_get_every_reply_in_order() {
    let _fds = super::shared_fds();
    support::on_each_backend(|| async {
        let mut c = Client::connect(start(test_config()).await?).await?;
        let mut batch = Vec::new();
        let mut expected = Vec::new();
        for i in 0..1000 {
            match i % 4 {
                0 => {
                    batch.extend(encode(&[
                        b"SET",
                        format!("key:{i}").as_bytes(),
                        format!("{i}").as_bytes(),
                    ]));
                    expected.push("OK".to_string());
                }
                1 => {
                    batch.extend(encode(&[b"GET", format!("key:{}", i - 1).as_bytes()]));
                    expected.push(format!("\"{}\"", i - 1));
                }
                2 => {
                    batch.extend(encode(&[b"INCR", b"counter"]));
                    expected.push(format!("(integer) {}", i / 4 + 1));
                }
                _ => {
                    batch.extend_from_slice(format!("ECHO inline{i}\r\n").as_bytes());
                    expected.push(format!("\"inline{i}\""));
                }
            }
        }
        c.send(&batch).await?;
        for (i, want) in expected.iter().enumerate() {
            let got = render(&support::bounded(5, c.reply()).await?);
            assert_eq!(&got, want, "reply {i}");
        }
        assert_eq!(c.line("DBSIZE").await?, "(integer) 251");
        Ok(())
    });
}

/// The server's count of bytes read and of commands executed (INFO stats).
async fn server_counts(c: &mut Client) -> io::Result<(u64, u64)> {
    let info = c.line("INFO stats").await?;
    let field = |name: &str| -> u64 {
        let at = info
            .find(name)
            .unwrap_or_else(|| panic!("{name} not in {info}"))
            + name.len();
        info[at..].split('\\').next().unwrap().parse().unwrap()
    };
    Ok((
        field("total_net_input_bytes:"),
        field("total_commands_processed:"),
    ))
}

/// Sends `request` one byte at a time, each only once the server has read
/// the previous one; checks nothing is executed before the last byte.
async fn trickle(addr: SocketAddr, request: &[u8], replies: &[&str]) -> io::Result<()> {
    let mut c = Client::connect(addr).await?;
    let mut monitor = Client::connect(addr).await?;
    let info_len = encode(&[b"INFO", b"stats"]).len() as u64;
    let (mut read, mut executed) = server_counts(&mut monitor).await?;
    for (i, byte) in request.iter().enumerate() {
        c.send(&[*byte]).await?;
        // Each INFO is read and executed too.
        support::bounded(5, async {
            loop {
                let (r, e) = server_counts(&mut monitor).await?;
                read += info_len;
                executed += 1;
                if i + 1 < request.len() {
                    assert_eq!(e, executed, "executed before the request was complete");
                }
                if r == read + 1 {
                    read = r;
                    return Ok::<_, io::Error>(());
                }
                assert_eq!(r, read, "the server read more than was sent");
            }
        })
        .await?;
    }
    for want in replies {
        assert_eq!(render(&support::bounded(5, c.reply()).await?), *want);
    }
    // Nothing else was replied: the next reply is PING's.
    assert_eq!(c.line("PING").await?, "PONG");
    Ok(())
}

#[test]
fn a_request_fed_one_byte_at_a_time_is_answered_once_complete() {
    let _fds = super::shared_fds();
    support::on_each_backend(|| async {
        let addr = start(test_config()).await?;
        trickle(
            addr,
            &encode(&[b"SET", b"greeting", b"hello\r\nworld"]),
            &["OK"],
        )
        .await?;
        trickle(addr, b"ECHO \"a b\\x41\"\r\n", &[r#""a bA""#]).await?;
        let mut c = Client::connect(addr).await?;
        assert_eq!(c.line("GET greeting").await?, r#""hello\r\nworld""#);
        Ok(())
    });
}

/// Sends `request` on a fresh connection: `replies` must come back, then
/// the close.
async fn refused(addr: SocketAddr, request: &[u8], replies: &[&str]) -> io::Result<()> {
    let mut c = Client::connect(addr).await?;
    // The server may close before it has read everything: then the rest of
    // the write fails, which is part of being refused.
    match c.send(request).await {
        Ok(()) => {}
        Err(e)
            if matches!(
                e.kind(),
                io::ErrorKind::BrokenPipe | io::ErrorKind::ConnectionReset
            ) => {}
        Err(e) => return Err(e),
    }
    for want in replies {
        let got = render(&support::bounded(5, c.reply()).await?);
        assert_eq!(
            &got,
            want,
            "request {:?}",
            String::from_utf8_lossy(&request[..request.len().min(60)])
        );
    }
    support::bounded(5, c.expect_closed()).await
}

#[test]
fn malformed_requests_get_an_error_and_the_connection_is_closed() {
    let _fds = super::shared_fds();
    let proto = |m: &str| format!("(error) ERR Protocol error: {m}");
    let cases: &[(&[u8], String)] = &[
        (b"*2\r\n$3\r\nGET\r\nx\r\n", proto("expected '$', got 'x'")),
        (b"*abc\r\n", proto("invalid multibulk length")),
        (b"* 1\r\n$4\r\nPING\r\n", proto("invalid multibulk length")),
        (b"*01\r\n$4\r\nPING\r\n", proto("invalid multibulk length")),
        (b"*1\r\n$-5\r\n", proto("invalid bulk length")),
        (b"*1\r\n$abc\r\n", proto("invalid bulk length")),
        (b"*1\r\n$+4\r\nPING\r\n", proto("invalid bulk length")),
        (
            b"PING \"unbalanced\r\n",
            proto("unbalanced quotes in request"),
        ),
        (b"ECHO 'it''s'\r\n", proto("unbalanced quotes in request")),
        (b"PING \"a\"b\r\n", proto("unbalanced quotes in request")),
    ];
    support::on_each_backend(|| async {
        let addr = start(test_config()).await?;
        for (request, reply) in cases {
            refused(addr, request, &[reply]).await?;
        }
        // What precedes the malformed request in the same write is answered.
        refused(
            addr,
            b"PING\r\n*1\r\n$4\r\nECHO\r\n*1\r\n$x\r\n",
            &[
                "PONG",
                "(error) ERR wrong number of arguments for 'echo' command",
                &proto("invalid bulk length"),
            ],
        )
        .await?;
        // And the server still serves everyone else.
        let mut c = Client::connect(addr).await?;
        assert_eq!(c.line("PING").await?, "PONG");
        Ok(())
    });
}

#[test]
fn oversized_requests_are_refused_before_their_data_is_buffered() {
    let _fds = super::shared_fds();
    let proto = |m: &str| format!("(error) ERR Protocol error: {m}");
    support::on_each_backend(|| async {
        let config = server::Config {
            max_bulk_len: 1024,
            max_query_len: 100 * 1024,
            ..test_config()
        };
        let addr = start(config).await?;
        // The limit itself is allowed.
        let mut c = Client::connect(addr).await?;
        let max = vec![b'x'; 1024];
        let reply = c.call(&[b"ECHO", &max]).await?;
        assert_eq!(reply.len(), 1026);

        // Refused on the header alone: the data is never sent, so a reply
        // proves the server did not wait to buffer it.
        refused(
            addr,
            b"*2\r\n$4\r\nECHO\r\n$1025\r\n",
            &[&proto("invalid bulk length")],
        )
        .await?;
        // redis's own limit, with the default configuration.
        let default = start(test_config()).await?;
        refused(
            default,
            b"*1\r\n$536870913\r\n",
            &[&proto("invalid bulk length")],
        )
        .await?;

        // Lines that never end: refused after 64 KiB, as redis.
        let long = vec![b'1'; 70 * 1024];
        refused(
            addr,
            &[b"PING ", &long[..]].concat(),
            &[&proto("too big inline request")],
        )
        .await?;
        refused(
            addr,
            &[b"*", &long[..]].concat(),
            &[&proto("too big mbulk count string")],
        )
        .await?;
        refused(
            addr,
            &[b"*1\r\n$", &long[..]].concat(),
            &[&proto("too big bulk count string")],
        )
        .await?;

        // Many arguments within the bulk limit, over the request limit.
        let mut many = b"*1000\r\n".to_vec();
        for _ in 0..200 {
            many.extend(b"$1000\r\n");
            many.extend(&max[..1000]);
            many.extend(b"\r\n");
        }
        refused(
            addr,
            &many,
            &[&proto("request exceeds client-query-buffer-limit")],
        )
        .await?;
        Ok(())
    });
}
