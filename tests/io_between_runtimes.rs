//! IO objects between runtimes and away from their loop: sockets created
//! under one current-thread runtime work under another (idle or busy on
//! another thread) and back; a socket outliving its runtime is claimed by
//! the next; `into_std` and drop away from the loop holding a registration
//! release or close the fd at once. Backend: `MINI_RT_BACKEND`.

mod support;

use mini_rt::io::{AsyncReadExt, AsyncWriteExt};
use mini_rt::net::{TcpListener, TcpStream, UdpSocket, UnixStream};
use mini_rt::runtime::{Builder, Handle, Runtime};
use mini_rt::sync::oneshot;
use std::io;
use std::sync::Arc;
use std::thread;
use std::time::Duration;
use support::{bounded, multi_thread};

fn ct() -> Runtime {
    Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("build a runtime")
}

/// Current-thread runtimes: sockets (TCP stream, TCP listener, UDP, Unix
/// stream) created under runtime A are used under runtime B, both while A
/// is idle and while another thread is running A, then back under A.
#[test]
fn sockets_created_under_one_runtime_work_under_another() {
    let a = Arc::new(ct());
    let b = ct();
    let (listener, mut client, udp, (mut ux, uy)) = a.block_on(async {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let client = TcpStream::connect(listener.local_addr().unwrap())
            .await
            .unwrap();
        let udp = UdpSocket::bind("127.0.0.1:0").await.unwrap();
        (listener, client, udp, UnixStream::pair().unwrap())
    });
    // A idle: B takes everything over on the spot.
    let (mut server, listener) = b.block_on(async move {
        let (server, _) = bounded(10, listener.accept()).await.unwrap();
        let peer = UdpSocket::bind("127.0.0.1:0").await.unwrap();
        peer.send_to(b"dgram", udp.local_addr().unwrap())
            .await
            .unwrap();
        let mut buf = [0u8; 8];
        let (n, _) = bounded(10, udp.recv_from(&mut buf)).await.unwrap();
        assert_eq!(&buf[..n], b"dgram");
        // The read waits (nothing written yet): its stream moves here.
        let mut uy = uy;
        let read = async {
            let mut four = [0u8; 4];
            uy.read_exact(&mut four).await.map(|_| four)
        };
        let write = async {
            mini_rt::task::yield_now().await;
            ux.write_all(b"unix").await
        };
        let (read, wrote) = bounded(10, async { mini_rt::join!(read, write) }).await;
        wrote.unwrap();
        assert_eq!(&read.unwrap(), b"unix");
        (server, listener)
    });
    // A busy on another thread: B asks it through its queue.
    let (stop_tx, stop_rx) = oneshot::channel::<()>();
    let (ready_tx, ready_rx) = std::sync::mpsc::channel();
    let a2 = a.clone();
    let runner = thread::spawn(move || {
        a2.block_on(async move {
            let registered = UdpSocket::bind("127.0.0.1:0").await.unwrap();
            ready_tx.send(registered).unwrap();
            let _ = stop_rx.await;
        })
    });
    let moved = ready_rx.recv_timeout(Duration::from_secs(10)).unwrap();
    b.block_on(async {
        let peer = UdpSocket::bind("127.0.0.1:0").await.unwrap();
        let mut buf = [0u8; 8];
        // Nothing sent yet: the receive has to wait here.
        let recv = async { moved.recv_from(&mut buf).await.map(|(n, _)| n) };
        let send = async {
            mini_rt::task::yield_now().await;
            peer.send_to(b"busy", moved.local_addr().unwrap()).await
        };
        let (n, sent) = bounded(10, async { mini_rt::join!(recv, send) }).await;
        sent.unwrap();
        assert_eq!(&buf[..n.unwrap()], b"busy");
        client.write_all(b"ping").await.unwrap();
        let mut four = [0u8; 4];
        bounded(10, server.read_exact(&mut four)).await.unwrap();
        assert_eq!(&four, b"ping");
    });
    stop_tx.send(()).unwrap();
    runner.join().unwrap();
    // At least the two sockets that had to wait moved from A to B.
    assert!(a.handle().stats().io_moved_out >= 2);
    // And back under A.
    a.block_on(async move {
        server.write_all(b"pong").await.unwrap();
        let mut four = [0u8; 4];
        bounded(10, client.read_exact(&mut four)).await.unwrap();
        assert_eq!(&four, b"pong");
        let addr = listener.local_addr().unwrap();
        let connect = TcpStream::connect(addr);
        let (accepted, connected) =
            bounded(10, async { mini_rt::join!(listener.accept(), connect) }).await;
        accepted.unwrap();
        connected.unwrap();
    });
}

/// A socket whose runtime is gone is given up, not lost: another runtime
/// claims it at first use.
#[test]
fn socket_outliving_its_runtime_works_under_another() -> io::Result<()> {
    let first = multi_thread(2);
    let (mut a, b) = first.block_on(async {
        Handle::current()
            .spawn(async { UnixStream::pair().unwrap() })
            .await
            .unwrap()
    });
    drop(first);
    ct().block_on(async move {
        let reader = mini_rt::spawn(async move {
            let mut b = b;
            let mut buf = [0u8; 5];
            b.read_exact(&mut buf).await.map(|_| buf)
        });
        mini_rt::task::yield_now().await;
        a.write_all(b"later").await?;
        assert_eq!(&bounded(10, reader).await.unwrap()?, b"later");
        Ok(())
    })
}

/// `into_std` and drop away from the loop holding the registration: the fd
/// leaves cleanly (usable as a std socket), or is closed (the peer sees EOF).
#[test]
fn into_std_and_drop_away_from_the_holding_worker() {
    let rt = multi_thread(2);
    let (x, y) = rt.block_on(async {
        Handle::current()
            .spawn(async {
                let (x, y) = UnixStream::pair().unwrap();
                // Park once on the worker so its registration is in use there.
                let _ = bounded(1, async {
                    mini_rt::time::timeout(Duration::from_millis(1), x.readable()).await
                })
                .await;
                (x, y)
            })
            .await
            .unwrap()
    });
    // On a plain thread: no runtime here.
    let x = x.into_std().unwrap();
    x.set_nonblocking(false).unwrap();
    use std::io::{Read, Write};
    (&x).write_all(b"std").unwrap();
    rt.block_on(async move {
        let mut y = y;
        let mut buf = [0u8; 3];
        bounded(10, y.read_exact(&mut buf)).await.unwrap();
        assert_eq!(&buf, b"std");
        y.write_all(b"back").await.unwrap();
        drop(y); // on the block_on loop, while a worker may still hold it
    });
    let mut four = [0u8; 4];
    (&x).read_exact(&mut four).unwrap();
    assert_eq!(&four, b"back");
    assert_eq!(
        (&x).read(&mut four).unwrap(),
        0,
        "the dropped end was not closed"
    );
}

/// A socket `block_on`'s loop registered, dropped on a worker while no
/// thread is in `block_on`: closed at once (the idle loop's core
/// deregisters it on the spot), not at the next `block_on`.
#[test]
fn socket_dropped_on_a_worker_while_block_on_is_idle_is_closed_at_once() {
    use std::io::Read;
    let rt = multi_thread(2);
    let (ours, mut theirs) = std::os::unix::net::UnixStream::pair().unwrap();
    let ours = rt.block_on(async { UnixStream::from_std(ours).unwrap() });
    let (done_tx, done_rx) = std::sync::mpsc::channel();
    let _task = rt.spawn(async move {
        // Written as is (nothing to wait for), so it never moves here.
        ours.try_write(b"x").unwrap();
        drop(ours);
        done_tx.send(thread::current().id()).unwrap();
    });
    let worker = done_rx.recv_timeout(Duration::from_secs(10)).unwrap();
    assert_ne!(worker, thread::current().id());
    theirs
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    let mut buf = [0u8; 2];
    assert_eq!(theirs.read(&mut buf).unwrap(), 1);
    let eof = theirs.read(&mut buf);
    assert_eq!(eof.ok(), Some(0), "the dropped socket was not closed");
}
