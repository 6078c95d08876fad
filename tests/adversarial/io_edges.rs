//! IO edges: bytes trickling in one at a time, both directions saturated at
//! once, half-close and reset. No lost wakeup, no spin, no hang.

use crate::support::{bounded, cpu_time};
use crate::util::*;
use mini_rt::reactor::PollEvented;
use mini_rt::runtime::Handle;
use std::io::{ErrorKind, Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::os::unix::net::UnixStream;
use std::rc::Rc;
use std::time::{Duration, Instant};

#[test]
fn trickled_bytes_arrive_in_order_and_the_reader_parks_between_them() {
    const N: usize = 200;
    rt().block_on(async {
        let (ours, peer) = UnixStream::pair().unwrap();
        let ours = register(ours);
        let writer = std::thread::spawn(move || {
            for i in 0..N {
                (&peer).write_all(&[i as u8]).unwrap();
                std::thread::sleep(Duration::from_millis(1));
            }
            peer
        });
        let parks0 = Handle::current().stats().parks;
        let (cpu0, t0) = (cpu_time(), Instant::now());
        let mut got = Vec::with_capacity(N);
        let mut buf = [0u8; 64];
        while got.len() < N {
            let n = bounded(5, read(&ours, &mut buf)).await.unwrap();
            assert!(n > 0, "EOF after {} bytes", got.len());
            got.extend_from_slice(&buf[..n]);
        }
        let (cpu, elapsed) = (cpu_time() - cpu0, t0.elapsed());
        let parks = Handle::current().stats().parks - parks0;
        let _peer = writer.join().unwrap();
        let want: Vec<u8> = (0..N).map(|i| i as u8).collect();
        assert_eq!(got, want, "bytes lost or reordered");
        assert!(
            cpu * 4 < elapsed,
            "reader spun: {cpu:?} CPU over {elapsed:?} of trickled input"
        );
        // Most bytes arrive alone, each after a blocking wait.
        assert!(parks >= N as u64 / 4, "only {parks} parks for {N} bytes");
    });
}

/// Both ends write 16 MiB while reading 16 MiB, each direction in its own
/// task: a lost write- or read-readiness wakeup deadlocks it.
#[test]
fn full_duplex_16_mib_each_way_completes_with_every_byte_verified() {
    const LEN: usize = 16 << 20;
    rt().block_on(async {
        let (a, b) = evented_pair();
        let (a, b) = (Rc::new(a), Rc::new(b));
        let mut tasks = Vec::new();
        for (seed, (w, r)) in [(a.clone(), b.clone()), (b, a)].into_iter().enumerate() {
            let seed = seed as u64;
            tasks.push(mini_rt::spawn(async move {
                let chunk: Vec<u8> = (0..LEN as u64).map(|i| pattern(seed, i)).collect();
                let mut off = 0;
                while off < LEN {
                    let end = (off + 100_003).min(LEN);
                    write_all(&w, &chunk[off..end]).await.unwrap();
                    off = end;
                }
                off as u64
            }));
            tasks.push(mini_rt::spawn(async move {
                let mut buf = vec![0u8; 65_536];
                let mut pos = 0u64;
                while pos < LEN as u64 {
                    let n = read(&r, &mut buf).await.unwrap();
                    assert!(n > 0, "EOF at {pos}");
                    for (k, byte) in buf[..n].iter().enumerate() {
                        let i = pos + k as u64;
                        assert_eq!(*byte, pattern(seed, i), "stream {seed} byte {i}");
                    }
                    pos += n as u64;
                }
                pos
            }));
        }
        for t in tasks {
            assert_eq!(bounded(20, t).await.unwrap(), LEN as u64);
        }
    });
}

#[test]
fn half_closed_peer_yields_all_data_then_eof_repeatedly() {
    rt().block_on(async {
        let (ours, peer) = UnixStream::pair().unwrap();
        let ours = register(ours);
        let (go_tx, go_rx) = std::sync::mpsc::channel::<()>();
        let peer_thread = std::thread::spawn(move || {
            let data: Vec<u8> = (0..1000u64).map(|i| pattern(7, i)).collect();
            (&peer).write_all(&data).unwrap();
            // Shut down only once the reader is (about to be) parked on us.
            go_rx.recv().unwrap();
            peer.shutdown(Shutdown::Write).unwrap();
            peer
        });
        let mut got = vec![0u8; 1000];
        bounded(5, read_exact(&ours, &mut got)).await.unwrap();
        assert!(got
            .iter()
            .enumerate()
            .all(|(i, b)| *b == pattern(7, i as u64)));
        go_tx.send(()).unwrap();
        let mut buf = [0u8; 16];
        // The shutdown arrives while this read waits: READ_CLOSED must wake it.
        assert_eq!(bounded(5, read(&ours, &mut buf)).await.unwrap(), 0);
        for _ in 0..3 {
            assert_eq!(bounded(5, read(&ours, &mut buf)).await.unwrap(), 0);
        }
        // The other direction is still open.
        let peer = peer_thread.join().unwrap();
        bounded(5, write_all(&ours, b"still open")).await.unwrap();
        let mut back = [0u8; 10];
        (&peer).read_exact(&mut back).unwrap();
        assert_eq!(&back, b"still open");
    });
}

/// Sets `SO_LINGER` to zero: closing the socket then sends a RST.
fn set_linger_zero(s: &TcpStream) {
    use std::os::fd::AsRawFd;
    let linger = libc::linger {
        l_onoff: 1,
        l_linger: 0,
    };
    // SAFETY: a valid socket fd and a `linger` of the size passed.
    let rc = unsafe {
        libc::setsockopt(
            s.as_raw_fd(),
            libc::SOL_SOCKET,
            libc::SO_LINGER,
            (&linger as *const libc::linger).cast(),
            std::mem::size_of::<libc::linger>() as libc::socklen_t,
        )
    };
    assert_eq!(rc, 0, "setsockopt(SO_LINGER)");
}

#[test]
fn tcp_reset_mid_read_is_an_error_not_a_hang() {
    rt().block_on(async {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let client = TcpStream::connect(listener.local_addr().unwrap()).unwrap();
        let (server, _) = listener.accept().unwrap();
        server.set_nonblocking(true).unwrap();
        let server = PollEvented::new(server).unwrap();
        (&client).write_all(b"partial").unwrap();
        let mut buf = [0u8; 7];
        let n = bounded(5, std::future::poll_fn(|cx| server.poll_read(cx, &mut buf)))
            .await
            .unwrap();
        assert!(n > 0);
        let (go_tx, go_rx) = std::sync::mpsc::channel::<()>();
        let resetter = std::thread::spawn(move || {
            go_rx.recv().unwrap();
            set_linger_zero(&client);
            drop(client); // RST while the server waits in a read
        });
        go_tx.send(()).unwrap();
        let mut res = Ok(0);
        // Drain what may still be buffered; then the reset must surface.
        for _ in 0..4 {
            res = bounded(5, std::future::poll_fn(|cx| server.poll_read(cx, &mut buf))).await;
            if !matches!(res, Ok(n) if n > 0) {
                break;
            }
        }
        resetter.join().unwrap();
        let err = res.expect_err("a reset connection must read as an error");
        assert_eq!(err.kind(), ErrorKind::ConnectionReset, "{err}");
    });
}
