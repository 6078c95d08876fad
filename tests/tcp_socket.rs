//! TcpSocket: every option set and read back, listen with a backlog then
//! connect, bind conflicts, IPv6.

mod support;

use mini_rt::io::{AsyncReadExt, AsyncWriteExt, ErrorKind};
use mini_rt::net::{TcpListener, TcpSocket};
use mini_rt::runtime::Runtime;
use std::net::SocketAddr;
use std::time::Duration;
use support::bounded;

fn rt() -> Runtime {
    Runtime::new().expect("build runtime")
}

fn loopback() -> SocketAddr {
    "127.0.0.1:0".parse().unwrap()
}

#[test]
fn options_read_back() {
    // No runtime needed to create and configure a socket.
    let s = TcpSocket::new_v4().unwrap();
    for on in [true, false] {
        s.set_reuseaddr(on).unwrap();
        assert_eq!(s.reuseaddr().unwrap(), on);
        s.set_reuseport(on).unwrap();
        assert_eq!(s.reuseport().unwrap(), on);
        s.set_keepalive(on).unwrap();
        assert_eq!(s.keepalive().unwrap(), on);
        s.set_nodelay(on).unwrap();
        assert_eq!(s.nodelay().unwrap(), on);
    }
    // Linux doubles buffer sizes for its own bookkeeping.
    s.set_send_buffer_size(64 * 1024).unwrap();
    assert_eq!(s.send_buffer_size().unwrap(), 128 * 1024);
    s.set_recv_buffer_size(32 * 1024).unwrap();
    assert_eq!(s.recv_buffer_size().unwrap(), 64 * 1024);
    assert_eq!(s.linger().unwrap(), None);
    #[allow(deprecated)] // tokio deprecates it too, for the blocking close
    s.set_linger(Some(Duration::from_secs(5))).unwrap();
    assert_eq!(s.linger().unwrap(), Some(Duration::from_secs(5)));
    s.set_zero_linger().unwrap();
    assert_eq!(s.linger().unwrap(), Some(Duration::ZERO));
    #[allow(deprecated)]
    s.set_linger(None).unwrap();
    assert_eq!(s.linger().unwrap(), None);
    assert!(s.take_error().unwrap().is_none());
}

#[test]
fn listen_with_backlog_then_connect() {
    rt().block_on(async {
        let ls = TcpSocket::new_v4().unwrap();
        ls.set_reuseaddr(true).unwrap();
        ls.bind(loopback()).unwrap();
        let addr = ls.local_addr().unwrap();
        assert_ne!(addr.port(), 0);
        let listener = ls.listen(16).unwrap();
        assert_eq!(listener.local_addr().unwrap(), addr);

        let cs = TcpSocket::new_v4().unwrap();
        cs.set_nodelay(true).unwrap();
        cs.bind(loopback()).unwrap();
        let client_addr = cs.local_addr().unwrap();
        let (client, accepted) = bounded(5, async {
            let connect = mini_rt::spawn(cs.connect(addr));
            let accepted = listener.accept().await.unwrap();
            (connect.await.unwrap().unwrap(), accepted)
        })
        .await;
        let (mut server, peer) = accepted;
        assert_eq!(peer, client_addr, "connect used the bound address");
        assert!(client.nodelay().unwrap(), "options survive connect");
        let mut client = client;
        client.write_all(b"backlog").await.unwrap();
        let mut buf = [0u8; 7];
        bounded(5, server.read_exact(&mut buf)).await.unwrap();
        assert_eq!(&buf, b"backlog");
    });
}

#[test]
fn bind_to_an_address_in_use_is_addr_in_use() {
    rt().block_on(async {
        let listener = TcpListener::bind(loopback()).await.unwrap();
        let addr = listener.local_addr().unwrap();
        let s = TcpSocket::new_v4().unwrap();
        let err = s.bind(addr).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::AddrInUse, "{err}");
        let err = TcpListener::bind(addr).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::AddrInUse, "{err}");
    });
}

#[test]
fn reuseport_lets_two_listeners_share_a_port() {
    rt().block_on(async {
        let a = TcpSocket::new_v4().unwrap();
        a.set_reuseport(true).unwrap();
        a.bind(loopback()).unwrap();
        let addr = a.local_addr().unwrap();
        let b = TcpSocket::new_v4().unwrap();
        b.set_reuseport(true).unwrap();
        b.bind(addr).unwrap();
        let (la, lb) = (a.listen(8).unwrap(), b.listen(8).unwrap());
        assert_eq!(la.local_addr().unwrap(), lb.local_addr().unwrap());
    });
}

#[test]
fn refused_connect_through_socket() {
    rt().block_on(async {
        let addr = TcpListener::bind(loopback())
            .await
            .unwrap()
            .local_addr()
            .unwrap();
        let err = bounded(5, TcpSocket::new_v4().unwrap().connect(addr))
            .await
            .unwrap_err();
        assert_eq!(err.raw_os_error(), Some(libc::ECONNREFUSED), "{err:?}");
    });
}

#[test]
fn ipv6_loopback_when_available() {
    rt().block_on(async {
        let Ok(listener) = TcpListener::bind("[::1]:0").await else {
            eprintln!("no IPv6 loopback here; skipping");
            return;
        };
        let addr = listener.local_addr().unwrap();
        let connect = mini_rt::spawn(TcpSocket::new_v6().unwrap().connect(addr));
        let (_, peer) = bounded(5, listener.accept()).await.unwrap();
        assert!(peer.is_ipv6());
        let stream = bounded(5, connect).await.unwrap().unwrap();
        assert_eq!(stream.peer_addr().unwrap(), addr);
    });
}

#[test]
fn from_std_stream_configures_a_std_socket() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let std_stream = std::net::TcpStream::connect(listener.local_addr().unwrap()).unwrap();
    let s = TcpSocket::from_std_stream(std_stream);
    s.set_keepalive(true).unwrap();
    assert!(s.keepalive().unwrap());
    assert_eq!(
        s.local_addr().unwrap().ip(),
        listener.local_addr().unwrap().ip()
    );
}

#[test]
fn tos_v4_reads_back_and_the_deprecated_names_agree() {
    let s = TcpSocket::new_v4().unwrap();
    assert_eq!(s.tos_v4().unwrap(), 0);
    s.set_tos_v4(0x10).unwrap();
    assert_eq!(s.tos_v4().unwrap(), 0x10);
    #[allow(deprecated)]
    {
        s.set_tos(0x08).unwrap();
        assert_eq!(s.tos().unwrap(), 0x08);
    }
    assert_eq!(s.tos_v4().unwrap(), 0x08);
}

#[test]
fn tclass_v6_reads_back() {
    let Ok(s) = TcpSocket::new_v6() else {
        eprintln!("no IPv6 here; skipping");
        return;
    };
    s.set_tclass_v6(0x20).unwrap();
    assert_eq!(s.tclass_v6().unwrap(), 0x20);
    // An IPv4 socket has no traffic class.
    assert!(TcpSocket::new_v4().unwrap().set_tclass_v6(0x20).is_err());
}

#[test]
fn bind_device_reads_back_and_connects_through_it() {
    support::on_each_backend(|| async {
        let s = TcpSocket::new_v4()?;
        assert_eq!(s.device()?, None);
        match s.bind_device(Some(b"lo")) {
            Err(e) if e.raw_os_error() == Some(libc::EPERM) => {
                eprintln!("SO_BINDTODEVICE needs CAP_NET_RAW here; skipping");
                return Ok(());
            }
            res => res?,
        }
        assert_eq!(s.device()?.as_deref(), Some(&b"lo"[..]));
        let listener = TcpListener::bind(loopback()).await?;
        let connect = mini_rt::spawn(s.connect(listener.local_addr()?));
        bounded(5, listener.accept()).await?;
        bounded(5, connect).await.unwrap()?;
        // None (or an empty name) removes the binding.
        let s = TcpSocket::new_v4()?;
        s.bind_device(Some(b"lo"))?;
        s.bind_device(None)?;
        assert_eq!(s.device()?, None);
        s.bind_device(Some(b"lo"))?;
        s.bind_device(Some(b""))?;
        assert_eq!(s.device()?, None);
        Ok(())
    });
}

#[test]
fn into_raw_fd_gives_up_the_same_open_socket() {
    use std::os::fd::{FromRawFd, IntoRawFd, OwnedFd};
    let s = TcpSocket::new_v4().unwrap();
    s.set_keepalive(true).unwrap();
    let fd = s.into_raw_fd();
    // SAFETY: `into_raw_fd` handed us the only owner of this open fd.
    let owned = unsafe { OwnedFd::from_raw_fd(fd) };
    let s = TcpSocket::from_std_stream(std::net::TcpStream::from(owned));
    assert!(
        s.keepalive().unwrap(),
        "the option set before is still there"
    );
}
