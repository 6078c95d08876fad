//! `mini_rt::net::UnixDatagram`: send_to/recv_from between bound sockets,
//! truncation, unnamed senders, connected sockets and pairs, on every
//! backend; every wait is bounded.

mod support;

use mini_rt::net::UnixDatagram;
use std::io;
use support::{on_each_backend, TempDir};

#[test]
fn datagram_send_to_recv_from_and_pair() {
    on_each_backend(|| async {
        let dir = TempDir::new("dgram");
        let (pa, pb) = (dir.path("a.sock"), dir.path("b.sock"));
        let a = UnixDatagram::bind(&pa)?;
        let b = UnixDatagram::bind(&pb)?;
        assert_eq!(a.send_to(b"to b", &pb).await?, 4);
        let mut buf = [0u8; 16];
        let (n, from) = b.recv_from(&mut buf).await?;
        assert_eq!(
            (&buf[..n], from.as_pathname()),
            (&b"to b"[..], Some(pa.as_path()))
        );
        // Truncation, as for UDP: the tail is discarded.
        a.send_to(&[7u8; 100], &pb).await?;
        a.send_to(b"after", &pb).await?;
        let mut small = [0u8; 10];
        assert_eq!(b.recv_from(&mut small).await?.0, 10);
        let (n, _) = b.recv_from(&mut buf).await?;
        assert_eq!(&buf[..n], b"after");
        // An unbound sender is unnamed; a connected one uses send/recv.
        let u = UnixDatagram::unbound()?;
        u.send_to(b"anon", &pb).await?;
        let (_, from) = b.recv_from(&mut buf).await?;
        assert!(from.is_unnamed());
        u.connect(&pa)?;
        assert_eq!(u.peer_addr()?.as_pathname(), Some(pa.as_path()));
        u.send(b"conn").await?;
        let n = a.recv(&mut buf).await?;
        assert_eq!(&buf[..n], b"conn");

        let (x, y) = UnixDatagram::pair()?;
        x.send(b"one").await?;
        x.send(b"two").await?;
        assert_eq!(y.recv(&mut buf).await?, 3);
        assert_eq!(&buf[..3], b"one");
        assert_eq!(
            y.try_recv(&mut buf)?,
            3,
            "second datagram queued; readiness must not be lost"
        );
        assert_eq!(&buf[..3], b"two");
        assert_eq!(
            y.try_recv(&mut buf).unwrap_err().kind(),
            io::ErrorKind::WouldBlock
        );
        Ok(())
    });
}
