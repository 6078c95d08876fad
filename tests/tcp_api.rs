//! The TcpStream methods tokio has beyond reading and writing: socket
//! options (zero linger, quick ack), the `poll_*_ready` methods, the
//! `try_*` reads into a `BufMut` and vectored buffers, `try_io`/`async_io`,
//! the split halves' versions of them, and `lookup_host`. Each test runs on
//! every backend; every wait is bounded.

mod support;

use mini_rt::io::{AsyncReadExt, AsyncWriteExt, Interest};
use mini_rt::net::{lookup_host, TcpStream};
use std::future::poll_fn;
use std::io::{self, ErrorKind, IoSlice, IoSliceMut, Read};
use std::net::SocketAddr;
use std::os::fd::AsFd;
use std::rc::Rc;
use std::task::{Context, Waker};
use std::time::Duration;
use support::{bounded, on_each_backend, tcp_pair};

fn would_block<T: std::fmt::Debug>(res: io::Result<T>) -> bool {
    matches!(res, Err(e) if e.kind() == ErrorKind::WouldBlock)
}

/// A second std handle on `s`'s socket (a dup of its fd), for `try_io`.
fn dup(s: &TcpStream) -> std::net::TcpStream {
    std::net::TcpStream::from(s.as_fd().try_clone_to_owned().unwrap())
}

#[test]
fn set_zero_linger_reads_back_and_makes_close_reset_the_peer() {
    on_each_backend(|| async {
        let (mut client, server) = tcp_pair().await;
        assert_eq!(server.linger()?, None);
        server.set_zero_linger()?;
        assert_eq!(server.linger()?, Some(Duration::ZERO));
        drop(server);
        let err = bounded(5, client.read(&mut [0u8; 8])).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::ConnectionReset, "{err}");
        Ok(())
    });
}

#[test]
fn quickack_reads_back_what_was_set() {
    on_each_backend(|| async {
        let (client, _server) = tcp_pair().await;
        client.set_quickack(false)?;
        assert!(!client.quickack()?);
        client.set_quickack(true)?;
        assert!(client.quickack()?);
        Ok(())
    });
}

#[test]
fn poll_read_ready_is_pending_until_data_arrives() {
    on_each_backend(|| async {
        let (client, server) = tcp_pair().await;
        // Clear any readiness assumed at registration.
        assert!(would_block(server.try_read(&mut [0u8; 8])));
        let mut noop = Context::from_waker(Waker::noop());
        assert!(server.poll_read_ready(&mut noop).is_pending());
        client.try_write(b"x")?;
        bounded(5, poll_fn(|cx| server.poll_read_ready(cx))).await?;
        assert_eq!(server.try_read(&mut [0u8; 8])?, 1);
        Ok(())
    });
}

#[test]
fn poll_write_ready_is_pending_while_the_send_buffer_is_full() {
    on_each_backend(|| async {
        let (client, mut server) = tcp_pair().await;
        bounded(5, poll_fn(|cx| client.poll_write_ready(cx))).await?;
        let chunk = vec![7u8; 64 * 1024];
        let mut sent = 0;
        loop {
            match client.try_write(&chunk) {
                Ok(n) => sent += n,
                Err(e) if e.kind() == ErrorKind::WouldBlock => break,
                Err(e) => return Err(e),
            }
        }
        let mut noop = Context::from_waker(Waker::noop());
        assert!(client.poll_write_ready(&mut noop).is_pending());
        let drain = async {
            let mut buf = vec![0u8; sent];
            server.read_exact(&mut buf).await
        };
        let ready = poll_fn(|cx| client.poll_write_ready(cx));
        let (drained, ready) = bounded(10, async { mini_rt::join!(drain, ready) }).await;
        drained?;
        ready
    });
}

#[test]
fn try_read_buf_appends_into_spare_capacity() {
    on_each_backend(|| async {
        let (client, server) = tcp_pair().await;
        let mut buf = Vec::with_capacity(64);
        buf.extend_from_slice(b"ab");
        assert!(would_block(server.try_read_buf(&mut buf)));
        assert!(would_block(server.try_read_buf(&mut buf)));
        assert_eq!(buf, b"ab", "a failed read leaves the buffer as it was");
        client.try_write(b"hello")?;
        bounded(5, server.readable()).await?;
        assert_eq!(server.try_read_buf(&mut buf)?, 5);
        assert_eq!(buf, b"abhello");
        // A Vec with no spare capacity grows instead of reading nothing.
        let mut full = Vec::new();
        client.try_write(b"more")?;
        bounded(5, server.readable()).await?;
        assert_eq!(server.try_read_buf(&mut full)?, 4);
        assert_eq!(full, b"more");
        drop(client);
        bounded(5, server.readable()).await?;
        assert_eq!(server.try_read_buf(&mut buf)?, 0, "end of stream");
        Ok(())
    });
}

#[test]
fn try_read_vectored_and_try_write_vectored_scatter_and_gather() {
    on_each_backend(|| async {
        let (client, server) = tcp_pair().await;
        bounded(5, client.writable()).await?;
        let n = client.try_write_vectored(&[IoSlice::new(b"hel"), IoSlice::new(b"lo!")])?;
        assert_eq!(n, 6);
        bounded(5, server.readable()).await?;
        let (mut a, mut b) = ([0u8; 2], [0u8; 8]);
        let n =
            server.try_read_vectored(&mut [IoSliceMut::new(&mut a), IoSliceMut::new(&mut b)])?;
        assert_eq!((n, &a, &b[..4]), (6, b"he", &b"llo!"[..]));
        Ok(())
    });
}

#[test]
fn try_io_runs_only_when_ready_and_clears_readiness_on_would_block() {
    on_each_backend(|| async {
        let (client, server) = tcp_pair().await;
        let std_server = dup(&server);
        let mut buf = [0u8; 8];
        let calls = std::cell::Cell::new(0);
        let mut read = || {
            calls.set(calls.get() + 1);
            (&std_server).read(&mut buf)
        };
        // Whether or not it runs at first, `f`'s WouldBlock clears the
        // readiness, and then `f` is not called until the socket is ready.
        assert!(would_block(server.try_io(Interest::READABLE, &mut read)));
        let before = calls.get();
        assert!(would_block(server.try_io(Interest::READABLE, &mut read)));
        assert_eq!(calls.get(), before, "not ready: f is not called");
        client.try_write(b"io")?;
        bounded(5, server.readable()).await?;
        assert_eq!(server.try_io(Interest::READABLE, &mut read)?, 2);
        assert_eq!(calls.get(), before + 1);
        Ok(())
    });
}

#[test]
fn async_io_wakes_every_waiting_task() {
    on_each_backend(|| async {
        let (client, server) = tcp_pair().await;
        let server = Rc::new(server);
        // Two tasks wait in async_io on one socket; each reads one byte. With
        // one waker per direction only one of them would ever be woken.
        let waiter = |server: Rc<TcpStream>| {
            mini_rt::spawn(async move {
                let std_server = dup(&server);
                let mut byte = [0u8; 1];
                server
                    .async_io(Interest::READABLE, || (&std_server).read(&mut byte))
                    .await
                    .map(|n| (n, byte[0]))
            })
        };
        let (a, b) = (waiter(server.clone()), waiter(server.clone()));
        mini_rt::task::yield_now().await; // both are waiting now
        client.try_write(b"xy")?;
        let (a, b) = bounded(5, async { mini_rt::join!(a, b) }).await;
        let (a, b) = (a.unwrap()?, b.unwrap()?);
        let mut got = [a.1, b.1];
        got.sort();
        assert_eq!((a.0, b.0, got), (1, 1, *b"xy"));
        Ok(())
    });
}

#[test]
fn split_halves_read_into_buf_mut_and_vectored() {
    on_each_backend(|| async {
        let (mut client, mut server) = tcp_pair().await;
        {
            let (r, w) = server.split();
            assert_eq!(
                AsRef::<TcpStream>::as_ref(&r).local_addr()?,
                w.local_addr()?
            );
            client.write_all(b"one").await?;
            bounded(5, r.readable()).await?;
            let mut buf = Vec::with_capacity(8);
            assert_eq!(r.try_read_buf(&mut buf)?, 3);
            assert_eq!(buf, b"one");
        }
        let (r, w) = server.into_split();
        client.write_all(b"two").await?;
        bounded(5, r.readable()).await?;
        let mut buf = bytes::BytesMut::with_capacity(8);
        assert_eq!(r.try_read_buf(&mut buf)?, 3);
        assert_eq!(&buf[..], b"two");
        bounded(5, w.writable()).await?;
        assert_eq!(
            w.try_write_vectored(&[IoSlice::new(b"a"), IoSlice::new(b"b")])?,
            2
        );
        let mut got = [0u8; 2];
        bounded(5, client.read_exact(&mut got)).await?;
        assert_eq!(&got, b"ab");
        Ok(())
    });
}

#[test]
fn lookup_host_resolves_literals_and_names() {
    on_each_backend(|| async {
        let addrs: Vec<SocketAddr> = lookup_host("127.0.0.1:80").await?.collect();
        assert_eq!(addrs, ["127.0.0.1:80".parse().unwrap()]);
        let addrs: Vec<SocketAddr> = bounded(10, lookup_host(("localhost", 8080)))
            .await?
            .collect();
        assert!(
            !addrs.is_empty()
                && addrs
                    .iter()
                    .all(|a| a.ip().is_loopback() && a.port() == 8080)
        );
        let Err(err) = lookup_host("no port here").await else {
            panic!("a host without a port resolved");
        };
        assert_eq!(err.kind(), ErrorKind::InvalidInput, "{err}");
        Ok(())
    });
}

#[test]
fn poll_peek_on_a_half_does_not_consume() {
    on_each_backend(|| async {
        let (mut client, server) = tcp_pair().await;
        let (mut r, _w) = server.into_split();
        client.write_all(b"peek").await?;
        let mut storage = [0u8; 8];
        let mut buf = mini_rt::io::ReadBuf::new(&mut storage);
        let n = bounded(5, poll_fn(|cx| r.poll_peek(cx, &mut buf))).await?;
        assert_eq!((n, buf.filled()), (4, &b"peek"[..]));
        let mut again = [0u8; 4];
        bounded(5, r.read_exact(&mut again)).await?;
        assert_eq!(&again, b"peek");
        Ok(())
    });
}
