//! The Unix-socket methods tokio has beyond the basics: addresses as
//! `unix::SocketAddr` (`UnixListener::bind_addr`, `UnixStream::connect_addr`),
//! `UnixSocket`, the stream's `try_read_buf`/`try_io`/`async_io`/`poll_*_ready`
//! and its halves' vectored and `BufMut` reads, and `UnixDatagram`'s `*_buf`
//! and `poll_*` methods. Each test runs on every backend; every wait is
//! bounded; socket files live in a temp directory removed at the end.

mod support;

use mini_rt::io::{AsyncReadExt, AsyncWriteExt, Interest, ReadBuf};
use mini_rt::net::unix::SocketAddr;
use mini_rt::net::{UnixDatagram, UnixListener, UnixSocket, UnixStream};
use std::future::poll_fn;
use std::io::{self, ErrorKind, IoSlice, IoSliceMut, Read};
use std::os::fd::AsFd;
use std::os::linux::net::SocketAddrExt;
use std::task::{Context, Waker};
use support::{bounded, on_each_backend, unique, TempDir};

fn would_block<T: std::fmt::Debug>(res: io::Result<T>) -> bool {
    matches!(res, Err(e) if e.kind() == ErrorKind::WouldBlock)
}

#[test]
fn new_types_are_send_and_sync() {
    fn check<T: Send + Sync>() {}
    check::<UnixSocket>();
    check::<SocketAddr>();
}

#[test]
fn bind_addr_and_connect_addr_with_pathname_and_abstract_addresses() {
    on_each_backend(|| async {
        let dir = TempDir::new("addr");
        let path = dir.path("s.sock");
        let name = unique("abstract");
        let addrs = [
            SocketAddr::from(std::os::unix::net::SocketAddr::from_pathname(&path)?),
            std::os::unix::net::SocketAddr::from_abstract_name(name.as_bytes())?.into(),
        ];
        assert_eq!(addrs[0].as_pathname(), Some(path.as_path()));
        assert_eq!(addrs[1].as_abstract_name(), Some(name.as_bytes()));
        for addr in &addrs {
            let listener = UnixListener::bind_addr(addr)?;
            let local = listener.local_addr()?;
            assert_eq!(local.as_pathname(), addr.as_pathname());
            assert_eq!(local.as_abstract_name(), addr.as_abstract_name());
            let connect = mini_rt::spawn({
                let addr = addr.clone();
                async move { UnixStream::connect_addr(&addr).await }
            });
            let (mut server, peer) = bounded(5, listener.accept()).await?;
            assert!(peer.is_unnamed(), "{peer:?}");
            let mut client = bounded(5, connect).await.unwrap()?;
            assert_eq!(
                client.peer_addr()?.as_abstract_name(),
                addr.as_abstract_name()
            );
            client.write_all(b"addr").await?;
            let mut buf = [0u8; 4];
            bounded(5, server.read_exact(&mut buf)).await?;
            assert_eq!(&buf, b"addr");
            // Back to std's type, as tokio's converts.
            let std_addr: std::os::unix::net::SocketAddr = local.into();
            assert_eq!(std_addr.as_pathname(), addr.as_pathname());
        }
        // An unnamed address cannot be connected to.
        let (a, _b) = UnixStream::pair()?;
        let unnamed = a.local_addr()?;
        assert!(unnamed.is_unnamed());
        let err = UnixStream::connect_addr(&unnamed).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidInput, "{err}");
        Ok(())
    });
}

#[test]
fn unix_socket_binds_then_listens_connects_or_becomes_a_datagram() {
    on_each_backend(|| async {
        let dir = TempDir::new("usock");
        let (server_path, client_path) = (dir.path("server"), dir.path("client"));
        let server = UnixSocket::new_stream()?;
        server.bind(&server_path)?;
        let listener = server.listen(8)?;
        let client = UnixSocket::new_stream()?;
        client.bind(&client_path)?; // so the server sees a named peer
        let connect = mini_rt::spawn(client.connect(server_path.clone()));
        let (_server, peer) = bounded(5, listener.accept()).await?;
        assert_eq!(peer.as_pathname(), Some(client_path.as_path()));
        let client = bounded(5, connect).await.unwrap()?;
        assert_eq!(
            client.local_addr()?.as_pathname(),
            Some(client_path.as_path())
        );

        let (a_path, b_path) = (dir.path("a.dgram"), dir.path("b.dgram"));
        let a = UnixSocket::new_datagram()?;
        a.bind(&a_path)?;
        let a = a.datagram()?;
        let b = UnixDatagram::bind(&b_path)?;
        a.send_to(b"dgram", &b_path).await?;
        let mut buf = [0u8; 8];
        let (n, from) = bounded(5, b.recv_from(&mut buf)).await?;
        assert_eq!(
            (&buf[..n], from.as_pathname()),
            (&b"dgram"[..], Some(a_path.as_path()))
        );

        // The wrong kind of socket for the last step is an error.
        assert!(UnixSocket::new_datagram()?.listen(1).is_err());
        assert!(UnixSocket::new_datagram()?
            .connect(&server_path)
            .await
            .is_err());
        assert!(UnixSocket::new_stream()?.datagram().is_err());
        Ok(())
    });
}

#[test]
fn stream_try_read_buf_try_io_and_poll_ready() {
    on_each_backend(|| async {
        let (a, b) = UnixStream::pair()?;
        assert!(would_block(b.try_read(&mut [0u8; 4])));
        let mut noop = Context::from_waker(Waker::noop());
        assert!(b.poll_read_ready(&mut noop).is_pending());
        bounded(5, poll_fn(|cx| a.poll_write_ready(cx))).await?;
        a.try_write(b"buf")?;
        bounded(5, poll_fn(|cx| b.poll_read_ready(cx))).await?;
        let mut buf = Vec::with_capacity(8);
        assert_eq!(b.try_read_buf(&mut buf)?, 3);
        assert_eq!(buf, b"buf");

        let std_b = std::os::unix::net::UnixStream::from(b.as_fd().try_clone_to_owned()?);
        let mut raw = [0u8; 4];
        assert!(would_block(
            b.try_io(Interest::READABLE, || (&std_b).read(&mut raw))
        ));
        let reader = async {
            let mut raw = [0u8; 4];
            let n = b
                .async_io(Interest::READABLE, || (&std_b).read(&mut raw))
                .await?;
            io::Result::Ok(raw[..n].to_vec())
        };
        let writer = async {
            mini_rt::task::yield_now().await;
            a.try_write(b"io")
        };
        let (read, written) = bounded(5, async { mini_rt::join!(reader, writer) }).await;
        assert_eq!((read?, written?), (b"io".to_vec(), 2));
        Ok(())
    });
}

#[test]
fn halves_read_vectored_and_into_buf_mut_and_write_vectored() {
    on_each_backend(|| async {
        let (mut a, mut b) = UnixStream::pair()?;
        {
            let (r, w) = b.split();
            assert!(AsRef::<UnixStream>::as_ref(&w).peer_addr()?.is_unnamed());
            bounded(5, w.writable()).await?;
            assert_eq!(
                w.try_write_vectored(&[IoSlice::new(b"sp"), IoSlice::new(b"lit")])?,
                5
            );
            a.write_all(b"xyz").await?;
            bounded(5, r.readable()).await?;
            let (mut one, mut two) = ([0u8; 1], [0u8; 4]);
            let n =
                r.try_read_vectored(&mut [IoSliceMut::new(&mut one), IoSliceMut::new(&mut two)])?;
            assert_eq!((n, &one, &two[..2]), (3, b"x", &b"yz"[..]));
        }
        let mut got = [0u8; 5];
        bounded(5, a.read_exact(&mut got)).await?;
        assert_eq!(&got, b"split");
        let (r, w) = b.into_split();
        a.write_all(b"owned").await?;
        bounded(5, r.readable()).await?;
        let mut buf = bytes::BytesMut::with_capacity(8);
        assert_eq!(r.try_read_buf(&mut buf)?, 5);
        assert_eq!(&buf[..], b"owned");
        bounded(5, w.writable()).await?;
        assert_eq!(
            w.try_write_vectored(&[IoSlice::new(b"o"), IoSlice::new(b"k")])?,
            2
        );
        let mut ok = [0u8; 2];
        bounded(5, a.read_exact(&mut ok)).await?;
        assert_eq!(&ok, b"ok");
        Ok(())
    });
}

#[test]
fn datagram_recv_buf_and_try_recv_buf() {
    on_each_backend(|| async {
        let (a, b) = UnixDatagram::pair()?;
        let mut buf = Vec::with_capacity(16);
        assert!(would_block(b.try_recv_buf(&mut buf)));
        a.send(b"one").await?;
        a.send(b"two").await?;
        assert_eq!(bounded(5, b.recv_buf(&mut buf)).await?, 3);
        assert_eq!(buf, b"one", "one datagram per call");
        bounded(5, b.readable()).await?;
        assert_eq!(b.try_recv_buf(&mut buf)?, 3);
        assert_eq!(buf, b"onetwo");
        Ok(())
    });
}

#[test]
fn datagram_recv_buf_from_and_try_recv_buf_from_return_the_sender() {
    on_each_backend(|| async {
        let dir = TempDir::new("dgram-buf");
        let (pa, pb) = (dir.path("a"), dir.path("b"));
        let (a, b) = (UnixDatagram::bind(&pa)?, UnixDatagram::bind(&pb)?);
        let mut buf = Vec::with_capacity(16);
        assert!(would_block(b.try_recv_buf_from(&mut buf)));
        a.send_to(b"named", &pb).await?;
        UnixDatagram::unbound()?.send_to(b"anon", &pb).await?;
        let (n, from) = bounded(5, b.recv_buf_from(&mut buf)).await?;
        assert_eq!((n, from.as_pathname()), (5, Some(pa.as_path())));
        bounded(5, b.readable()).await?;
        let (n, from) = b.try_recv_buf_from(&mut buf)?;
        assert!(n == 4 && from.is_unnamed(), "{from:?}");
        assert_eq!(buf, b"namedanon");
        Ok(())
    });
}

#[test]
fn datagram_poll_recv_and_poll_recv_from_fill_read_bufs() {
    on_each_backend(|| async {
        let dir = TempDir::new("dgram-poll");
        let (pa, pb) = (dir.path("a"), dir.path("b"));
        let (a, b) = (UnixDatagram::bind(&pa)?, UnixDatagram::bind(&pb)?);
        a.connect(&pb)?;
        assert_eq!(
            bounded(5, poll_fn(|cx| a.poll_send(cx, b"polled"))).await?,
            6
        );
        let mut storage = [0u8; 16];
        let mut rb = ReadBuf::new(&mut storage);
        let from = bounded(5, poll_fn(|cx| b.poll_recv_from(cx, &mut rb))).await?;
        assert_eq!(
            (rb.filled(), from.as_pathname()),
            (&b"polled"[..], Some(pa.as_path()))
        );
        // Truncated to the room the ReadBuf has left.
        a.send(b"truncated").await?;
        let mut rb = ReadBuf::new(&mut storage[..4]);
        rb.put_slice(b"<");
        bounded(5, poll_fn(|cx| b.poll_recv(cx, &mut rb))).await?;
        assert_eq!(rb.filled(), b"<tru");
        Ok(())
    });
}

#[test]
fn datagram_try_io_and_async_io() {
    on_each_backend(|| async {
        let (a, b) = UnixDatagram::pair()?;
        let std_b = std::os::unix::net::UnixDatagram::from(b.as_fd().try_clone_to_owned()?);
        let mut raw = [0u8; 8];
        assert!(would_block(
            b.try_io(Interest::READABLE, || std_b.recv(&mut raw))
        ));
        let reader = async {
            let mut raw = [0u8; 8];
            let n = b
                .async_io(Interest::READABLE, || std_b.recv(&mut raw))
                .await?;
            io::Result::Ok(raw[..n].to_vec())
        };
        let writer = async {
            mini_rt::task::yield_now().await;
            a.send(b"dgram-io").await
        };
        let (read, sent) = bounded(5, async { mini_rt::join!(reader, writer) }).await;
        assert_eq!((read?, sent?), (b"dgram-io".to_vec(), 8));
        Ok(())
    });
}
