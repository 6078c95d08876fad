//! IO edges: bytes trickling in one at a time, both directions saturated at
//! once, half-close and reset. No lost wakeup, no spin, no hang.

use crate::support::{bounded, cpu_time};
use crate::util::*;
use mini_rt::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use mini_rt::net::{TcpListener, TcpStream};
use mini_rt::runtime::Handle;
use std::io::{ErrorKind, Read, Write};
use std::net::Shutdown;
use std::os::unix::net::UnixStream;
use std::time::{Duration, Instant};

#[test]
fn trickled_bytes_arrive_in_order_and_the_reader_parks_between_them() {
    const N: usize = 200;
    rt().block_on(async {
        let (ours, peer) = UnixStream::pair().unwrap();
        let mut ours = mini_rt::net::UnixStream::from_std(ours).unwrap();
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
            let n = bounded(5, ours.read(&mut buf)).await.unwrap();
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
async fn full_duplex<R, W>(a: (R, W), b: (R, W))
where
    R: AsyncRead + Unpin + 'static,
    W: AsyncWrite + Unpin + 'static,
{
    const LEN: usize = 16 << 20;
    let mut tasks = Vec::new();
    let ((ra, wa), (rb, wb)) = (a, b);
    for (seed, (mut w, mut r)) in [(wa, rb), (wb, ra)].into_iter().enumerate() {
        let seed = seed as u64;
        tasks.push(mini_rt::spawn(async move {
            let data: Vec<u8> = (0..LEN as u64).map(|i| pattern(seed, i)).collect();
            for chunk in data.chunks(100_003) {
                w.write_all(chunk).await.unwrap();
            }
            LEN as u64
        }));
        tasks.push(mini_rt::spawn(async move {
            let mut buf = vec![0u8; 65_536];
            let mut pos = 0u64;
            while pos < LEN as u64 {
                let n = r.read(&mut buf).await.unwrap();
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
}

#[test]
fn full_duplex_tcp_16_mib_each_way_completes_with_every_byte_verified() {
    rt().block_on(async {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let (client, accepted) = mini_rt::join!(TcpStream::connect(addr), listener.accept());
        let (server, _) = accepted.unwrap();
        full_duplex(client.unwrap().into_split(), server.into_split()).await;
    });
}

#[test]
fn full_duplex_unix_16_mib_each_way_completes_with_every_byte_verified() {
    rt().block_on(async {
        let (a, b) = mini_rt::net::UnixStream::pair().unwrap();
        full_duplex(a.into_split(), b.into_split()).await;
    });
}

#[test]
fn half_closed_peer_yields_all_data_then_eof_repeatedly() {
    rt().block_on(async {
        let (ours, peer) = UnixStream::pair().unwrap();
        let mut ours = mini_rt::net::UnixStream::from_std(ours).unwrap();
        let (go_tx, go_rx) = std::sync::mpsc::channel::<()>();
        let peer_thread = std::thread::spawn(move || {
            let data: Vec<u8> = (0..1000u64).map(|i| pattern(7, i)).collect();
            (&peer).write_all(&data).unwrap();
            // Shut down only once the reader is parked on us.
            go_rx.recv().unwrap();
            peer.shutdown(Shutdown::Write).unwrap();
            peer
        });
        let mut got = vec![0u8; 1000];
        bounded(5, ours.read_exact(&mut got)).await.unwrap();
        assert!(got
            .iter()
            .enumerate()
            .all(|(i, b)| *b == pattern(7, i as u64)));
        // This task first runs once the read below parked: the shutdown
        // arrives while it waits, and READ_CLOSED must wake it.
        mini_rt::spawn(async move { go_tx.send(()).unwrap() });
        let mut buf = [0u8; 16];
        assert_eq!(bounded(5, ours.read(&mut buf)).await.unwrap(), 0);
        for _ in 0..3 {
            assert_eq!(bounded(5, ours.read(&mut buf)).await.unwrap(), 0);
        }
        // The other direction is still open.
        let peer = peer_thread.join().unwrap();
        bounded(5, ours.write_all(b"still open")).await.unwrap();
        let mut back = [0u8; 10];
        (&peer).read_exact(&mut back).unwrap();
        assert_eq!(&back, b"still open");
    });
}

#[test]
fn tcp_reset_mid_read_is_an_error_not_a_hang() {
    rt().block_on(async {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let (client, accepted) = mini_rt::join!(TcpStream::connect(addr), listener.accept());
        let (mut client, (mut server, _)) = (client.unwrap(), accepted.unwrap());
        client.write_all(b"partial").await.unwrap();
        let mut buf = [0u8; 7];
        server.read_exact(&mut buf).await.unwrap();
        // Linger 0: closing sends a RST. It happens while the server waits
        // in a read (the reset task runs once the read parked).
        client.set_zero_linger().unwrap();
        let reset = mini_rt::spawn(async move { drop(client) });
        let res = bounded(5, server.read(&mut buf)).await;
        bounded(5, reset).await.unwrap();
        let err = res.expect_err("a reset connection must read as an error");
        assert_eq!(err.kind(), ErrorKind::ConnectionReset, "{err}");
        // And it stays failed or at EOF: never a hang.
        let again = bounded(5, server.read(&mut buf)).await;
        assert!(matches!(again, Err(_) | Ok(0)), "{again:?}");
    });
}
