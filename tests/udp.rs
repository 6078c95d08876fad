//! Integration tests for `mini_rt::net::UdpSocket` over loopback. Each test
//! runs on every backend that is built, and every wait is bounded by
//! `timeout`, so a lost wakeup fails instead of hanging.

mod support;

use mini_rt::io::{Interest, ReadBuf};
use mini_rt::net::UdpSocket;
use std::future::poll_fn;
use std::io;
use std::net::{Ipv4Addr, SocketAddr};
use std::rc::Rc;
use support::on_each_backend;

async fn bind_local() -> io::Result<UdpSocket> {
    UdpSocket::bind("127.0.0.1:0").await
}

#[test]
fn sockets_are_send_and_sync() {
    fn check<T: Send + Sync>() {}
    check::<UdpSocket>();
}

#[test]
fn round_trip_send_to_recv_from() {
    on_each_backend(|| async {
        let a = bind_local().await?;
        let b = bind_local().await?;
        let (a_addr, b_addr) = (a.local_addr()?, b.local_addr()?);
        assert_eq!(a.send_to(b"ping", b_addr).await?, 4);
        let mut buf = [0u8; 64];
        let (n, from) = b.recv_from(&mut buf).await?;
        assert_eq!((&buf[..n], from), (&b"ping"[..], a_addr));
        assert_eq!(b.send_to(b"pong", from).await?, 4);
        let (n, from) = a.recv_from(&mut buf).await?;
        assert_eq!((&buf[..n], from), (&b"pong"[..], b_addr));
        Ok(())
    });
}

#[test]
fn connected_socket_ignores_other_peers() {
    on_each_backend(|| async {
        let a = bind_local().await?;
        let peer = bind_local().await?;
        let stranger = bind_local().await?;
        a.connect(peer.local_addr()?).await?;
        assert_eq!(a.peer_addr()?, peer.local_addr()?);
        // The stranger's datagram is sent first; the kernel drops it.
        stranger.send_to(b"stranger", a.local_addr()?).await?;
        peer.send_to(b"peer", a.local_addr()?).await?;
        let mut buf = [0u8; 64];
        let n = a.recv(&mut buf).await?;
        assert_eq!(&buf[..n], b"peer");
        assert_eq!(
            a.try_recv(&mut buf).unwrap_err().kind(),
            io::ErrorKind::WouldBlock
        );
        // And `send` goes to the connected peer.
        a.send(b"reply").await?;
        let (n, from) = peer.recv_from(&mut buf).await?;
        assert_eq!((&buf[..n], from), (&b"reply"[..], a.local_addr()?));
        Ok(())
    });
}

#[test]
fn unconnected_socket_receives_from_anyone() {
    on_each_backend(|| async {
        let a = bind_local().await?;
        let one = bind_local().await?;
        let two = bind_local().await?;
        assert_eq!(
            a.peer_addr().unwrap_err().kind(),
            io::ErrorKind::NotConnected
        );
        one.send_to(b"1", a.local_addr()?).await?;
        two.send_to(b"2", a.local_addr()?).await?;
        let mut buf = [0u8; 8];
        assert_eq!(a.recv_from(&mut buf).await?, (1, one.local_addr()?));
        assert_eq!(buf[0], b'1');
        assert_eq!(a.recv_from(&mut buf).await?, (1, two.local_addr()?));
        assert_eq!(buf[0], b'2');
        Ok(())
    });
}

#[test]
fn long_datagram_is_truncated_and_the_rest_discarded() {
    on_each_backend(|| async {
        let a = bind_local().await?;
        let b = bind_local().await?;
        let big: Vec<u8> = (0..100).collect();
        a.send_to(&big, b.local_addr()?).await?;
        a.send_to(b"next", b.local_addr()?).await?;
        let mut small = [0u8; 10];
        let (n, _) = b.recv_from(&mut small).await?;
        assert_eq!((n, &small[..]), (10, &big[..10]));
        let mut buf = [0u8; 100];
        let (n, _) = b.recv_from(&mut buf).await?;
        assert_eq!(&buf[..n], b"next", "the truncated tail must be gone");
        // Same for a connected `recv`.
        b.connect(a.local_addr()?).await?;
        a.send_to(&big, b.local_addr()?).await?;
        assert_eq!(b.recv(&mut small).await?, 10);
        assert_eq!(
            b.try_recv(&mut buf).unwrap_err().kind(),
            io::ErrorKind::WouldBlock
        );
        Ok(())
    });
}

#[test]
fn ten_thousand_datagrams_without_loss() {
    const COUNT: u32 = 10_000;
    const WINDOW: u32 = 64; // unacknowledged datagrams in flight, at most
    on_each_backend(|| async {
        let server = bind_local().await?;
        let client = bind_local().await?;
        client.connect(server.local_addr()?).await?;
        let server_task = mini_rt::spawn(async move {
            let mut buf = [0u8; 16];
            let mut expected = 0u32;
            while expected < COUNT {
                let (n, from) = server.recv_from(&mut buf).await?;
                assert_eq!(n, 4);
                let seq = u32::from_be_bytes(buf[..4].try_into().unwrap());
                assert_eq!(seq, expected, "lost or reordered datagram");
                server.send_to(&buf[..4], from).await?; // the ack
                expected += 1;
            }
            io::Result::Ok(expected)
        });
        let (mut sent, mut acked) = (0u32, 0u32);
        let mut buf = [0u8; 16];
        while acked < COUNT {
            while sent < COUNT && sent - acked < WINDOW {
                client.send(&sent.to_be_bytes()).await?;
                sent += 1;
            }
            let n = client.recv(&mut buf).await?;
            assert_eq!(u32::from_be_bytes(buf[..n].try_into().unwrap()), acked);
            acked += 1;
        }
        assert_eq!(server_task.await.unwrap()?, COUNT);
        Ok(())
    });
}

#[test]
fn peek_from_does_not_consume() {
    on_each_backend(|| async {
        let a = bind_local().await?;
        let b = bind_local().await?;
        a.send_to(b"first", b.local_addr()?).await?;
        a.send_to(b"second", b.local_addr()?).await?;
        let mut buf = [0u8; 16];
        for _ in 0..2 {
            let (n, from) = b.peek_from(&mut buf).await?;
            assert_eq!((&buf[..n], from), (&b"first"[..], a.local_addr()?));
        }
        assert_eq!(b.try_peek_from(&mut buf)?.0, 5);
        let (n, _) = b.recv_from(&mut buf).await?;
        assert_eq!(&buf[..n], b"first");
        let (n, _) = b.recv_from(&mut buf).await?;
        assert_eq!(&buf[..n], b"second");
        Ok(())
    });
}

#[test]
fn socket_options_round_trip() {
    on_each_backend(|| async {
        let s = bind_local().await?;
        assert!(!s.broadcast()?);
        s.set_broadcast(true)?;
        assert!(s.broadcast()?);
        s.set_broadcast(false)?;
        assert!(!s.broadcast()?);
        s.set_ttl(17)?;
        assert_eq!(s.ttl()?, 17);
        s.set_multicast_loop_v4(false)?;
        assert!(!s.multicast_loop_v4()?);
        s.set_multicast_ttl_v4(3)?;
        assert_eq!(s.multicast_ttl_v4()?, 3);
        assert!(s.take_error()?.is_none());
        Ok(())
    });
}

#[test]
fn multicast_v4_join_and_leave() {
    on_each_backend(|| async {
        let s = UdpSocket::bind((Ipv4Addr::UNSPECIFIED, 0)).await?;
        let group = Ipv4Addr::new(239, 255, 42, 99);
        match s.join_multicast_v4(group, Ipv4Addr::LOCALHOST) {
            Ok(()) => s.leave_multicast_v4(group, Ipv4Addr::LOCALHOST)?,
            // A sandbox without a multicast-capable interface: nothing to test.
            Err(e) if e.raw_os_error() == Some(19 /* ENODEV */) => {}
            Err(e) => return Err(e),
        }
        Ok(())
    });
}

#[test]
fn try_ops_and_readiness() {
    on_each_backend(|| async {
        let a = bind_local().await?;
        let b = bind_local().await?;
        let mut buf = [0u8; 16];
        assert_eq!(
            b.try_recv_from(&mut buf).unwrap_err().kind(),
            io::ErrorKind::WouldBlock
        );
        a.writable().await?;
        let sent = loop {
            match a.try_send_to(b"try", b.local_addr()?) {
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => a.writable().await?,
                res => break res?,
            }
        };
        assert_eq!(sent, 3);
        let ready = b.ready(Interest::READABLE | Interest::WRITABLE).await?;
        assert!(ready.is_readable() || ready.is_writable());
        let (n, from) = loop {
            b.readable().await?;
            match b.try_recv_from(&mut buf) {
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => continue,
                res => break res?,
            }
        };
        assert_eq!((&buf[..n], from), (&b"try"[..], a.local_addr()?));
        Ok(())
    });
}

#[test]
fn poll_functions_fill_read_bufs_as_tokio() {
    on_each_backend(|| async {
        let a = bind_local().await?;
        let b = bind_local().await?;
        let to = b.local_addr()?;
        assert_eq!(poll_fn(|cx| a.poll_send_to(cx, b"polled", to)).await?, 6);
        let mut storage = [0u8; 16];
        let mut buf = ReadBuf::new(&mut storage);
        let from = poll_fn(|cx| b.poll_peek_from(cx, &mut buf)).await?;
        assert_eq!((buf.filled(), from), (&b"polled"[..], a.local_addr()?));
        let mut buf = ReadBuf::new(&mut storage);
        let from = poll_fn(|cx| b.poll_recv_from(cx, &mut buf)).await?;
        assert_eq!((buf.filled(), from), (&b"polled"[..], a.local_addr()?));
        a.connect(to).await?;
        b.connect(a.local_addr()?).await?;
        assert_eq!(poll_fn(|cx| a.poll_send(cx, b"xyz")).await?, 3);
        poll_fn(|cx| b.poll_recv_ready(cx)).await?;
        // The datagram goes after what the ReadBuf holds, truncated to its room.
        let mut buf = ReadBuf::new(&mut storage[..4]);
        buf.put_slice(b"ab");
        poll_fn(|cx| b.poll_peek(cx, &mut buf)).await?;
        assert_eq!(buf.filled(), b"abxy");
        let mut buf = ReadBuf::new(&mut storage);
        poll_fn(|cx| b.poll_recv(cx, &mut buf)).await?;
        assert_eq!(buf.filled(), b"xyz");
        Ok(())
    });
}

#[test]
fn shared_socket_receives_and_sends_from_two_tasks() {
    on_each_backend(|| async {
        let sock = Rc::new(bind_local().await?);
        let peer = bind_local().await?;
        let peer_addr = peer.local_addr()?;
        let receiver = {
            let sock = sock.clone();
            mini_rt::spawn(async move {
                let mut buf = [0u8; 8];
                let (n, from) = sock.recv_from(&mut buf).await?;
                io::Result::Ok((buf[..n].to_vec(), from))
            })
        };
        sock.send_to(b"hi", peer_addr).await?;
        let mut buf = [0u8; 8];
        let (n, from) = peer.recv_from(&mut buf).await?;
        peer.send_to(&buf[..n], from).await?;
        assert_eq!(receiver.await.unwrap()?, (b"hi".to_vec(), peer_addr));
        Ok(())
    });
}

#[test]
fn std_conversions_and_bind_errors() {
    on_each_backend(|| async {
        let std_sock = std::net::UdpSocket::bind("127.0.0.1:0")?;
        let addr = std_sock.local_addr()?;
        let sock = UdpSocket::from_std(std_sock)?;
        assert_eq!(sock.local_addr()?, addr);
        let back = sock.into_std()?;
        let mut buf = [0u8; 4];
        // Still non-blocking: an empty queue is WouldBlock, not a hang.
        assert_eq!(
            back.recv_from(&mut buf).unwrap_err().kind(),
            io::ErrorKind::WouldBlock
        );

        let err = UdpSocket::bind(addr).await.unwrap_err();
        assert_eq!(err.raw_os_error(), Some(libc::EADDRINUSE), "{err:?}");
        let nowhere: &[SocketAddr] = &[];
        assert_eq!(
            UdpSocket::bind(nowhere).await.unwrap_err().kind(),
            io::ErrorKind::InvalidInput
        );
        drop(back);
        Ok(())
    });
}
