//! TCP: echo, concurrent sends to two addresses, full duplex, accept loops,
//! half-close, reset, refused connects, name resolution, fd flags, splits.

mod support;

use mini_rt::io::{AsyncReadExt, AsyncWriteExt, ErrorKind, Interest};
use mini_rt::net::{TcpListener, TcpSocket, TcpStream};
use mini_rt::runtime::Runtime;
use std::net::SocketAddr;
use std::os::fd::AsRawFd;
use std::time::Duration;
use support::bounded;

fn rt() -> Runtime {
    Runtime::new().expect("build runtime")
}

async fn local_listener() -> TcpListener {
    TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind 127.0.0.1:0")
}

/// A connected (client, server) pair.
async fn pair() -> (TcpStream, TcpStream) {
    let listener = local_listener().await;
    let addr = listener.local_addr().unwrap();
    let accept = mini_rt::spawn(async move { listener.accept().await.unwrap().0 });
    let client = bounded(5, TcpStream::connect(addr)).await.unwrap();
    let server = bounded(5, accept).await.unwrap();
    (client, server)
}

fn pattern(len: usize, seed: u8) -> Vec<u8> {
    (0..len)
        .map(|i| (i as u8).wrapping_mul(31).wrapping_add(seed) ^ (i >> 12) as u8)
        .collect()
}

#[test]
fn echo_round_trip() {
    rt().block_on(async {
        let listener = local_listener().await;
        let addr = listener.local_addr().unwrap();
        mini_rt::spawn(async move {
            let (mut s, _) = listener.accept().await.unwrap();
            let mut buf = [0u8; 4096];
            loop {
                let n = s.read(&mut buf).await.unwrap();
                if n == 0 {
                    break;
                }
                s.write_all(&buf[..n]).await.unwrap();
            }
        });
        let mut c = bounded(5, TcpStream::connect(addr)).await.unwrap();
        for msg in [&b"hello"[..], b"a longer second message", &[7u8; 3000]] {
            c.write_all(msg).await.unwrap();
            let mut back = vec![0u8; msg.len()];
            bounded(5, c.read_exact(&mut back)).await.unwrap();
            assert_eq!(back, msg);
        }
    });
}

#[test]
fn sends_to_two_addresses_concurrently() {
    rt().block_on(async {
        let (la, lb) = (local_listener().await, local_listener().await);
        let (aa, ab) = (la.local_addr().unwrap(), lb.local_addr().unwrap());
        let receive = |l: TcpListener| {
            mini_rt::spawn(async move {
                let (mut s, _) = l.accept().await.unwrap();
                let mut got = String::new();
                s.read_to_string(&mut got).await.unwrap();
                got
            })
        };
        let (ra, rb) = (receive(la), receive(lb));
        async fn send(addr: SocketAddr, message: &str) -> std::io::Result<()> {
            let mut stream = TcpStream::connect(addr).await?;
            stream.write_all(message.as_bytes()).await
        }
        let (sa, sb) = bounded(5, async { mini_rt::join!(send(aa, "46"), send(ab, "3")) }).await;
        sa.unwrap();
        sb.unwrap();
        assert_eq!(bounded(5, ra).await.unwrap(), "46");
        assert_eq!(bounded(5, rb).await.unwrap(), "3");
    });
}

#[test]
fn full_duplex_8_mib_with_split_halves() {
    const LEN: usize = 8 << 20;
    rt().block_on(async {
        let (mut client, server) = pair().await;
        // Server: owned halves in two tasks, sending its pattern while reading.
        let (mut sr, mut sw) = server.into_split();
        let writer = mini_rt::spawn(async move {
            sw.write_all(&pattern(LEN, 2)).await.unwrap();
            sw.shutdown().await.unwrap();
        });
        let reader = mini_rt::spawn(async move {
            let mut got = Vec::with_capacity(LEN);
            sr.read_to_end(&mut got).await.unwrap();
            got
        });
        // Client: borrowed halves, both directions at once in this task.
        let (mut cr, mut cw) = client.split();
        let send = async {
            cw.write_all(&pattern(LEN, 1)).await.unwrap();
            cw.shutdown().await.unwrap();
        };
        let recv = async {
            let mut got = Vec::with_capacity(LEN);
            cr.read_to_end(&mut got).await.unwrap();
            got
        };
        let ((), from_server) = bounded(30, async { mini_rt::join!(send, recv) }).await;
        assert!(
            from_server == pattern(LEN, 2),
            "client received corrupted data"
        );
        let from_client = bounded(30, reader).await.unwrap();
        assert!(
            from_client == pattern(LEN, 1),
            "server received corrupted data"
        );
        bounded(5, writer).await.unwrap();
    });
}

#[test]
fn hundred_accepts_in_a_row() {
    rt().block_on(async {
        let listener = local_listener().await;
        let addr = listener.local_addr().unwrap();
        for i in 0..100u8 {
            let connect = mini_rt::spawn(async move {
                let mut c = TcpStream::connect(addr).await.unwrap();
                c.write_all(&[i]).await.unwrap();
                c.local_addr().unwrap()
            });
            let (mut s, peer) = bounded(5, listener.accept()).await.unwrap();
            assert_eq!(peer, bounded(5, connect).await.unwrap());
            assert_eq!(s.peer_addr().unwrap(), peer);
            let mut b = [0u8; 1];
            bounded(5, s.read_exact(&mut b)).await.unwrap();
            assert_eq!(b[0], i);
        }
    });
}

#[test]
fn half_close_delivers_everything_then_eof() {
    rt().block_on(async {
        let (mut client, mut server) = pair().await;
        let data = pattern(100_000, 9);
        let writer = mini_rt::spawn({
            let data = data.clone();
            async move {
                client.write_all(&data).await.unwrap();
                client.shutdown().await.unwrap();
                // The other direction still works after a half-close.
                let mut reply = [0u8; 2];
                client.read_exact(&mut reply).await.unwrap();
                reply
            }
        });
        let mut got = Vec::new();
        bounded(5, server.read_to_end(&mut got)).await.unwrap();
        assert!(got == data);
        let mut more = [0u8; 16];
        assert_eq!(
            bounded(5, server.read(&mut more)).await.unwrap(),
            0,
            "EOF repeats"
        );
        server.write_all(b"ok").await.unwrap();
        assert_eq!(&bounded(5, writer).await.unwrap(), b"ok");
    });
}

#[test]
fn reset_by_peer_is_an_error_not_a_hang() {
    rt().block_on(async {
        let (mut client, server) = pair().await;
        server.set_zero_linger().unwrap();
        drop(server); // close with SO_LINGER 0: sends RST
        let mut buf = [0u8; 64];
        let err = bounded(5, client.read(&mut buf)).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::ConnectionReset, "{err}");
    });
}

#[test]
fn connect_by_host_name_and_other_address_forms() {
    rt().block_on(async {
        let listener = local_listener().await;
        let port = listener.local_addr().unwrap().port();
        let accepts = mini_rt::spawn(async move {
            for _ in 0..4 {
                listener.accept().await.unwrap();
            }
        });
        // "localhost" may resolve to ::1 first: connect tries each address.
        let host = format!("localhost:{port}");
        let s = bounded(5, TcpStream::connect(host.as_str())).await.unwrap();
        assert!(s.peer_addr().unwrap().ip().is_loopback());
        bounded(5, TcpStream::connect(("localhost", port)))
            .await
            .unwrap();
        let dead = local_listener().await.local_addr().unwrap();
        let live: SocketAddr = ([127, 0, 0, 1], port).into();
        let both = [dead, live];
        let s = bounded(5, TcpStream::connect(&both[..])).await.unwrap();
        assert_eq!(s.peer_addr().unwrap(), live);
        bounded(5, TcpStream::connect((String::from("127.0.0.1"), port)))
            .await
            .unwrap();
        bounded(5, accepts).await.unwrap();
        let err = bounded(5, TcpStream::connect("no-such-host.invalid:80"))
            .await
            .unwrap_err();
        assert_ne!(err.kind(), ErrorKind::ConnectionRefused);
    });
}

fn fd_flags(fd: i32) -> (bool, bool) {
    // SAFETY: fcntl with F_GETFL / F_GETFD only reads the flags of a live fd.
    let (fl, fdfl) = unsafe {
        (
            libc::fcntl(fd, libc::F_GETFL),
            libc::fcntl(fd, libc::F_GETFD),
        )
    };
    assert!(fl >= 0 && fdfl >= 0, "fcntl failed");
    (fl & libc::O_NONBLOCK != 0, fdfl & libc::FD_CLOEXEC != 0)
}

#[test]
fn sockets_are_non_blocking_and_close_on_exec() {
    rt().block_on(async {
        let listener = local_listener().await;
        assert_eq!(fd_flags(listener.as_raw_fd()), (true, true));
        let (client, server) = pair().await;
        assert_eq!(
            fd_flags(server.as_raw_fd()),
            (true, true),
            "accepted socket"
        );
        assert_eq!(
            fd_flags(client.as_raw_fd()),
            (true, true),
            "connected socket"
        );
        let socket = TcpSocket::new_v4().unwrap();
        assert_eq!(fd_flags(socket.as_raw_fd()), (true, true), "TcpSocket");
    });
}

#[test]
fn readiness_try_io_and_peek() {
    rt().block_on(async {
        let (client, mut server) = pair().await;
        let mut buf = [0u8; 16];
        assert_eq!(
            server.try_read(&mut buf).unwrap_err().kind(),
            ErrorKind::WouldBlock
        );
        bounded(5, client.writable()).await.unwrap();
        assert_eq!(client.try_write(b"peek me").unwrap(), 7);
        let ready = bounded(5, server.ready(Interest::READABLE)).await.unwrap();
        assert!(ready.is_readable());
        assert_eq!(bounded(5, server.peek(&mut buf)).await.unwrap(), 7);
        assert_eq!(&buf[..7], b"peek me", "peek does not consume");
        bounded(5, server.readable()).await.unwrap();
        assert_eq!(server.try_read(&mut buf).unwrap(), 7);
        assert_eq!(
            server.try_read(&mut buf).unwrap_err().kind(),
            ErrorKind::WouldBlock
        );
        client.try_write(b"x").unwrap();
        let n = bounded(5, server.read(&mut buf)).await.unwrap();
        assert_eq!(&buf[..n], b"x");
    });
}

#[test]
fn owned_halves_reunite_and_drop_shuts_down_writes() {
    rt().block_on(async {
        let (a, _a_peer) = pair().await;
        let (b, mut b_peer) = pair().await;
        let (ar, aw) = a.into_split();
        let (br, bw) = b.into_split();
        let err = ar.reunite(bw).unwrap_err();
        let (ar, bw) = (err.0, err.1);
        let a = ar.reunite(aw).expect("halves of one stream reunite");
        assert!(a.peer_addr().is_ok());
        drop(bw); // shuts down b's write side: its peer reads EOF
        let mut buf = [0u8; 4];
        assert_eq!(bounded(5, b_peer.read(&mut buf)).await.unwrap(), 0);
        drop(br);
    });
}

#[test]
fn std_conversions_and_options() {
    rt().block_on(async {
        let std_listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let listener = TcpListener::from_std(std_listener).unwrap(); // blocking is fine
        let addr = listener.local_addr().unwrap();
        let std_client = std::net::TcpStream::connect(addr).unwrap();
        let mut client = TcpStream::from_std(std_client).unwrap();
        let (mut server, _) = bounded(5, listener.accept()).await.unwrap();
        client.set_nodelay(true).unwrap();
        assert!(client.nodelay().unwrap());
        client.set_ttl(42).unwrap();
        assert_eq!(client.ttl().unwrap(), 42);
        #[allow(deprecated)] // tokio deprecates it too, for the blocking close
        client.set_linger(Some(Duration::from_secs(1))).unwrap();
        assert_eq!(client.linger().unwrap(), Some(Duration::from_secs(1)));
        client.write_all(b"std").await.unwrap();
        let mut buf = [0u8; 3];
        bounded(5, server.read_exact(&mut buf)).await.unwrap();
        let std_server = server.into_std().unwrap();
        let std_listener = listener.into_std().unwrap();
        assert_eq!(std_listener.local_addr().unwrap(), addr);
        drop(std_server);
        assert_eq!(bounded(5, client.read(&mut buf)).await.unwrap(), 0);
    });
}

#[test]
fn socket_types_are_send_and_sync() {
    fn check<T: Send + Sync>() {}
    check::<TcpStream>();
    check::<TcpListener>();
    check::<TcpSocket>();
    check::<mini_rt::net::tcp::OwnedReadHalf>();
    check::<mini_rt::net::tcp::OwnedWriteHalf>();
    check::<mini_rt::net::tcp::ReadHalf<'static>>();
    check::<mini_rt::net::tcp::WriteHalf<'static>>();
}

/// A stream registered with one runtime and then used under another works
/// there, even while its cached readiness says "readable": its registration
/// moves to the runtime that waits on it. Outside any runtime it is a clear
/// error, neither data nor a hang; back on its first runtime it works again.
#[test]
fn stream_used_under_another_runtime_moves_there() {
    use std::future::Future;
    use std::task::{Context, Poll, Waker};
    let home = rt();
    let (mut client, mut server) = home.block_on(async {
        let (mut client, mut server) = pair().await;
        client.write_all(b"0123456789").await.unwrap();
        let mut half = [0u8; 5];
        bounded(5, server.read_exact(&mut half)).await.unwrap();
        assert_eq!(&half, b"01234");
        (client, server) // readable readiness is still cached
    });
    let mut buf = [0u8; 5];

    let err = server.try_read(&mut buf).unwrap_err();
    assert!(err.to_string().contains("outside any runtime"), "{err}");
    let mut cx = Context::from_waker(Waker::noop());
    match std::pin::pin!(server.read(&mut buf)).poll(&mut cx) {
        Poll::Ready(Err(e)) => assert!(e.to_string().contains("outside any runtime"), "{e}"),
        other => panic!("read outside any runtime: {other:?}"),
    }

    let away = rt();
    away.block_on(async {
        bounded(5, server.read_exact(&mut buf)).await.unwrap();
        assert_eq!(&buf, b"56789");
        // Nothing is left: this read has to wait, on this runtime's backend.
        let reader = async {
            let mut three = [0u8; 3];
            server.read_exact(&mut three).await.map(|_| three)
        };
        let writer = async {
            mini_rt::task::yield_now().await;
            client.write_all(b"abc").await
        };
        let (read, wrote) = bounded(5, async { mini_rt::join!(reader, writer) }).await;
        wrote.unwrap();
        assert_eq!(&read.unwrap(), b"abc");
    });
    assert!(home.handle().stats().io_moved_out >= 1);
    assert!(away.handle().stats().registrations >= 1);

    home.block_on(async {
        client.write_all(b"back").await.unwrap();
        let mut four = [0u8; 4];
        bounded(5, server.read_exact(&mut four)).await.unwrap();
        assert_eq!(&four, b"back");
        drop(client);
        assert_eq!(bounded(5, server.read(&mut four)).await.unwrap(), 0);
    });
}
