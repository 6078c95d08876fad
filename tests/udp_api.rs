//! The UdpSocket methods tokio has beyond send/recv: reads into a `BufMut`
//! (`recv_buf`, `recv_buf_from` and their `try_` forms), peeking (`peek`,
//! `peek_sender` in their three forms), `try_io`/`async_io`, and the
//! IP options (TOS, traffic class, device, multicast TTL/loop). Each test
//! runs on every backend; every wait is bounded.

mod support;

use mini_rt::io::{Interest, ReadBuf};
use mini_rt::net::UdpSocket;
use std::future::poll_fn;
use std::io::{self, ErrorKind};
use std::os::fd::AsFd;
use std::rc::Rc;
use support::{bounded, on_each_backend};

async fn bind_local() -> io::Result<UdpSocket> {
    UdpSocket::bind("127.0.0.1:0").await
}

/// Two sockets connected to each other.
async fn connected_pair() -> io::Result<(UdpSocket, UdpSocket)> {
    let (a, b) = (bind_local().await?, bind_local().await?);
    a.connect(b.local_addr()?).await?;
    b.connect(a.local_addr()?).await?;
    Ok((a, b))
}

fn would_block<T: std::fmt::Debug>(res: io::Result<T>) -> bool {
    matches!(res, Err(e) if e.kind() == ErrorKind::WouldBlock)
}

#[test]
fn recv_buf_appends_one_datagram_to_spare_capacity() {
    on_each_backend(|| async {
        let (a, b) = connected_pair().await?;
        a.send(b"first").await?;
        a.send(b"second").await?;
        let mut buf = Vec::with_capacity(64);
        buf.extend_from_slice(b">");
        assert_eq!(bounded(5, b.recv_buf(&mut buf)).await?, 5);
        assert_eq!(buf, b">first", "one datagram per call");
        // A Vec with no spare capacity grows.
        let mut full = Vec::new();
        assert_eq!(bounded(5, b.recv_buf(&mut full)).await?, 6);
        assert_eq!(full, b"second");
        Ok(())
    });
}

#[test]
fn try_recv_buf_would_block_then_receives() {
    on_each_backend(|| async {
        let (a, b) = connected_pair().await?;
        let mut buf = bytes::BytesMut::with_capacity(16);
        assert!(would_block(b.try_recv_buf(&mut buf)));
        assert!(buf.is_empty());
        a.send(b"try").await?;
        bounded(5, b.readable()).await?;
        assert_eq!(b.try_recv_buf(&mut buf)?, 3);
        assert_eq!(&buf[..], b"try");
        assert!(would_block(b.try_recv_buf(&mut buf)));
        Ok(())
    });
}

#[test]
fn recv_buf_from_returns_the_sender() {
    on_each_backend(|| async {
        let (one, two, b) = (
            bind_local().await?,
            bind_local().await?,
            bind_local().await?,
        );
        one.send_to(b"1", b.local_addr()?).await?;
        two.send_to(b"22", b.local_addr()?).await?;
        let mut buf = Vec::with_capacity(8);
        let (n, from) = bounded(5, b.recv_buf_from(&mut buf)).await?;
        assert_eq!((n, from), (1, one.local_addr()?));
        let (n, from) = bounded(5, b.recv_buf_from(&mut buf)).await?;
        assert_eq!((n, from), (2, two.local_addr()?));
        assert_eq!(buf, b"122");
        Ok(())
    });
}

#[test]
fn try_recv_buf_from_would_block_then_returns_the_sender() {
    on_each_backend(|| async {
        let (a, b) = (bind_local().await?, bind_local().await?);
        let mut buf = Vec::with_capacity(8);
        assert!(would_block(b.try_recv_buf_from(&mut buf)));
        a.send_to(b"hey", b.local_addr()?).await?;
        bounded(5, b.readable()).await?;
        let (n, from) = b.try_recv_buf_from(&mut buf)?;
        assert_eq!((n, from, &buf[..]), (3, a.local_addr()?, &b"hey"[..]));
        Ok(())
    });
}

#[test]
fn peek_try_peek_and_poll_peek_leave_the_datagram_queued() {
    on_each_backend(|| async {
        let (a, b) = connected_pair().await?;
        let mut buf = [0u8; 16];
        assert!(would_block(b.try_peek(&mut buf)));
        a.send(b"peeked").await?;
        assert_eq!(bounded(5, b.peek(&mut buf)).await?, 6);
        assert_eq!(b.try_peek(&mut buf[..3])?, 3, "truncated to the room given");
        let mut storage = [0u8; 16];
        let mut rb = ReadBuf::new(&mut storage);
        bounded(5, poll_fn(|cx| b.poll_peek(cx, &mut rb))).await?;
        assert_eq!(rb.filled(), b"peeked");
        assert_eq!(bounded(5, b.recv(&mut buf)).await?, 6, "still queued whole");
        assert_eq!(&buf[..6], b"peeked");
        assert!(would_block(b.try_peek(&mut buf)));
        Ok(())
    });
}

#[test]
fn peek_sender_does_not_consume_the_datagram() {
    on_each_backend(|| async {
        let (a, b) = (bind_local().await?, bind_local().await?);
        assert!(would_block(b.try_peek_sender()));
        a.send_to(b"who", b.local_addr()?).await?;
        assert_eq!(bounded(5, b.peek_sender()).await?, a.local_addr()?);
        assert_eq!(b.try_peek_sender()?, a.local_addr()?);
        let polled = bounded(5, poll_fn(|cx| b.poll_peek_sender(cx))).await?;
        assert_eq!(polled, a.local_addr()?);
        let mut buf = [0u8; 8];
        let (n, from) = bounded(5, b.recv_from(&mut buf)).await?;
        assert_eq!((&buf[..n], from), (&b"who"[..], a.local_addr()?));
        assert!(would_block(b.try_peek_sender()));
        Ok(())
    });
}

#[test]
fn try_io_and_async_io_run_the_callers_operation() {
    on_each_backend(|| async {
        let (a, b) = connected_pair().await?;
        let b = Rc::new(b);
        let std_b = std::net::UdpSocket::from(b.as_fd().try_clone_to_owned()?);
        let mut buf = [0u8; 8];
        assert!(would_block(
            b.try_io(Interest::READABLE, || std_b.recv(&mut buf))
        ));
        let waiter = {
            let (b, std_b) = (b.clone(), std_b.try_clone()?);
            mini_rt::spawn(async move {
                let mut buf = [0u8; 8];
                let n = b
                    .async_io(Interest::READABLE, || std_b.recv(&mut buf))
                    .await?;
                io::Result::Ok(buf[..n].to_vec())
            })
        };
        mini_rt::task::yield_now().await;
        a.send(b"async").await?;
        assert_eq!(bounded(5, waiter).await.unwrap()?, b"async");
        a.send(b"try").await?;
        bounded(5, b.readable()).await?;
        let n = b.try_io(Interest::READABLE, || std_b.recv(&mut buf))?;
        assert_eq!(&buf[..n], b"try");
        bounded(5, b.writable()).await?;
        let sent = b.try_io(Interest::WRITABLE, || std_b.send(b"back"))?;
        assert_eq!(sent, 4);
        assert_eq!(bounded(5, a.recv(&mut buf)).await?, 4);
        Ok(())
    });
}

#[test]
fn ip_options_read_back() {
    on_each_backend(|| async {
        let s = bind_local().await?;
        s.set_tos_v4(0x10)?;
        assert_eq!(s.tos_v4()?, 0x10);
        #[allow(deprecated)]
        {
            s.set_tos(0x08)?;
            assert_eq!(s.tos()?, 0x08);
        }
        s.set_multicast_ttl_v4(7)?;
        assert_eq!(s.multicast_ttl_v4()?, 7);
        for on in [false, true] {
            s.set_multicast_loop_v4(on)?;
            assert_eq!(s.multicast_loop_v4()?, on);
        }
        if let Ok(v6) = UdpSocket::bind("[::1]:0").await {
            v6.set_tclass_v6(0x20)?;
            assert_eq!(v6.tclass_v6()?, 0x20);
            for on in [false, true] {
                v6.set_multicast_loop_v6(on)?;
                assert_eq!(v6.multicast_loop_v6()?, on);
            }
        }
        Ok(())
    });
}

#[test]
fn bind_device_reads_back_and_still_receives() {
    on_each_backend(|| async {
        let (a, b) = (bind_local().await?, bind_local().await?);
        assert_eq!(b.device()?, None);
        match b.bind_device(Some(b"lo")) {
            Err(e) if e.raw_os_error() == Some(libc::EPERM) => {
                eprintln!("SO_BINDTODEVICE needs CAP_NET_RAW here; skipping");
                return Ok(());
            }
            res => res?,
        }
        assert_eq!(b.device()?.as_deref(), Some(&b"lo"[..]));
        a.send_to(b"lo", b.local_addr()?).await?;
        let mut buf = [0u8; 4];
        assert_eq!(bounded(5, b.recv(&mut buf)).await?, 2);
        b.bind_device(None)?;
        assert_eq!(b.device()?, None);
        Ok(())
    });
}
