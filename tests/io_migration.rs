//! IO objects follow their task: sockets registered on one worker and used
//! on another move there, in both directions, under load, with every byte
//! checked and no error and no lost wakeup (between runtimes:
//! `io_between_runtimes.rs`).
//! Backend: `MINI_RT_BACKEND` (CI runs this file once per backend).

mod support;

use mini_rt::io::{AsyncReadExt, AsyncWriteExt};
use mini_rt::net::{TcpListener, TcpStream};
use mini_rt::runtime::Handle;
use mini_rt::sync::mpsc;
use std::sync::Arc;
use std::thread::{self, ThreadId};
use support::{bounded, multi_thread};

/// `len` bytes of a pattern that differs per connection and message.
fn pattern(len: usize, conn: usize, msg: usize) -> Vec<u8> {
    (0..len)
        .map(|i| (i as u8).wrapping_mul(13) ^ (conn as u8).wrapping_mul(7) ^ msg as u8)
        .collect()
}

/// Echoes until EOF; returns the worker it ran on and the bytes echoed.
async fn echo(mut s: TcpStream) -> (ThreadId, usize) {
    let mut buf = vec![0u8; 8192];
    let mut total = 0;
    loop {
        let n = s.read(&mut buf).await.unwrap();
        if n == 0 {
            return (thread::current().id(), total);
        }
        s.write_all(&buf[..n]).await.unwrap();
        total += n;
    }
}

/// One client: `msgs` messages of varied sizes, each echo checked byte by byte.
async fn client(addr: std::net::SocketAddr, conn: usize, msgs: usize) -> usize {
    let mut s = TcpStream::connect(addr).await.unwrap();
    let mut sent = 0;
    for m in 0..msgs {
        let len = 1 + (conn * 131 + m * 977) % 6000;
        let out = pattern(len, conn, m);
        s.write_all(&out).await.unwrap();
        let mut back = vec![0u8; len];
        s.read_exact(&mut back).await.unwrap();
        assert!(back == out, "connection {conn}, message {m}: echo differs");
        sent += len;
    }
    sent
}

/// 200 connections accepted by one task on one worker and each served by a
/// task placed on the least loaded worker: every byte comes back, the
/// connections served elsewhere moved once each, and none moved twice.
#[test]
fn connections_accepted_on_one_worker_are_served_on_others() {
    const CONNS: usize = 200;
    let rt = multi_thread(4);
    rt.block_on(async {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let acceptor = Handle::current().spawn(async move {
            let mut served = Vec::with_capacity(CONNS);
            for _ in 0..CONNS {
                let (s, _) = listener.accept().await.unwrap();
                served.push(Handle::current().spawn(echo(s)));
            }
            (thread::current().id(), served)
        });
        let clients: Vec<_> = (0..CONNS)
            .map(|c| mini_rt::spawn(client(addr, c, 12)))
            .collect();
        let mut sent = 0;
        for c in clients {
            sent += bounded(60, c).await.unwrap();
        }
        let (accepted_on, served) = bounded(60, acceptor).await.unwrap();
        let mut echoed = 0;
        let mut elsewhere = 0;
        for h in served {
            let (on, bytes) = bounded(60, h).await.unwrap();
            echoed += bytes;
            elsewhere += usize::from(on != accepted_on);
        }
        assert_eq!(echoed, sent);
        assert!(
            elsewhere >= CONNS / 2,
            "only {elsewhere} served off the acceptor"
        );
        // The listener moved once (from this loop to the acceptor); each
        // stream served elsewhere at most once, when it first had to wait.
        let moved = Handle::current().stats().io_moved_out as usize;
        assert!(moved <= elsewhere + 1, "{moved} moves for {elsewhere}");
    });
}

/// A stream handed from worker to worker after every message, round the
/// workers and so in both directions between each pair, for 16
/// connections at once: each hop moves the registration to the task's
/// worker, and the client sees every byte echoed.
#[test]
fn streams_hop_between_workers_under_load() {
    const CONNS: usize = 16;
    const HOPS: usize = 30;
    const WORKERS: usize = 3;
    type Hop = (TcpStream, usize, Option<ThreadId>);
    let rt = multi_thread(WORKERS);
    rt.block_on(async {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let mut txs = Vec::new();
        let mut rxs = Vec::new();
        for _ in 0..WORKERS {
            let (tx, rx) = mpsc::unbounded_channel::<Hop>();
            txs.push(tx);
            rxs.push(std::sync::Mutex::new(Some(rx)));
        }
        let txs = Arc::new(txs);
        let (ring, rxs) = (txs.clone(), Arc::new(rxs));
        let next = std::sync::atomic::AtomicUsize::new(0);
        // One relay per worker: each stream it receives gets a task that
        // echoes one framed message and passes the stream to the next worker.
        let relays = Handle::current().spawn_on_each_worker(move || {
            let me = next.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            let mut rx = rxs[me].lock().unwrap().take().unwrap();
            let ring = ring.clone();
            async move {
                while let Some((mut s, hop, prev)) = rx.recv().await {
                    assert_ne!(prev, Some(thread::current().id()), "a hop stayed put");
                    let ring = ring.clone();
                    mini_rt::spawn(async move {
                        // Tell the client this worker holds the stream now:
                        // its next message comes after this, so the read
                        // below usually has to wait (and so moves the
                        // registration here).
                        s.write_all(b"R").await.unwrap();
                        let mut len = [0u8; 4];
                        s.read_exact(&mut len).await.unwrap();
                        let mut msg = vec![0u8; u32::from_le_bytes(len) as usize];
                        s.read_exact(&mut msg).await.unwrap();
                        s.write_all(&msg).await.unwrap();
                        if hop + 1 < HOPS {
                            let next = (me + 1) % ring.len();
                            let _ = ring[next].send((s, hop + 1, Some(thread::current().id())));
                        }
                    });
                }
            }
        });
        // Accepted on this (block_on) loop, then into the ring.
        let entry = txs.clone();
        let acceptor = mini_rt::spawn(async move {
            for c in 0..CONNS {
                let (s, _) = listener.accept().await.unwrap();
                entry[c % WORKERS].send((s, 0, None)).unwrap();
            }
        });
        let clients: Vec<_> = (0..CONNS)
            .map(|conn| {
                mini_rt::spawn(async move {
                    let mut s = TcpStream::connect(addr).await.unwrap();
                    for hop in 0..HOPS {
                        let mut ready = [0u8; 1];
                        s.read_exact(&mut ready).await.unwrap();
                        assert_eq!(&ready, b"R");
                        let len = 1 + (conn * 37 + hop * 401) % 3000;
                        let out = pattern(len, conn, hop);
                        let mut framed = (len as u32).to_le_bytes().to_vec();
                        framed.extend_from_slice(&out);
                        s.write_all(&framed).await.unwrap();
                        let mut back = vec![0u8; len];
                        s.read_exact(&mut back).await.unwrap();
                        assert!(back == out, "connection {conn}, hop {hop}: echo differs");
                    }
                    // The last holder dropped it: EOF.
                    assert_eq!(s.read(&mut [0u8; 1]).await.unwrap(), 0);
                })
            })
            .collect();
        for c in clients {
            bounded(60, c).await.unwrap();
        }
        bounded(10, acceptor).await.unwrap();
        let moved = Handle::current().stats().io_moved_out;
        // Many hops found no data yet and so had to take the stream over.
        assert!(moved >= (CONNS * HOPS / 4) as u64, "only {moved} moves");
        for r in relays {
            r.abort();
        }
    });
}

/// The two halves of one stream wait at the same time on two workers (the
/// reader for data, the writer for room in a full send buffer): the
/// registration serves both, wherever it is, and every byte arrives.
#[test]
fn split_halves_wait_on_two_workers_at_once() {
    const DOWN: usize = 4 << 20; // written by the server: fills the buffers
    const UP: usize = 1 << 20;
    let rt = multi_thread(2);
    rt.block_on(async {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let mut client = TcpStream::connect(addr).await.unwrap();
        let (server, _) = listener.accept().await.unwrap();
        let (mut rd, mut wr) = server.into_split();
        let handle = Handle::current();
        let reader = handle.spawn(async move {
            let mut got = vec![0u8; UP];
            rd.read_exact(&mut got).await.unwrap();
            assert!(got == pattern(UP, 1, 0), "upstream bytes differ");
            thread::current().id()
        });
        let writer = handle.spawn(async move {
            wr.write_all(&pattern(DOWN, 2, 0)).await.unwrap();
            thread::current().id()
        });
        // The client writes in slices, reads everything, then the rest.
        let up = pattern(UP, 1, 0);
        let mut down = vec![0u8; DOWN];
        let mut read = 0;
        for chunk in up.chunks(64 << 10) {
            client.write_all(chunk).await.unwrap();
            let n = bounded(10, client.read(&mut down[read..])).await.unwrap();
            read += n;
        }
        bounded(30, client.read_exact(&mut down[read..]))
            .await
            .unwrap();
        assert!(down == pattern(DOWN, 2, 0), "downstream bytes differ");
        let (r, w) = (
            bounded(10, reader).await.unwrap(),
            bounded(10, writer).await.unwrap(),
        );
        assert_ne!(r, w, "placement put both halves on one worker");
    });
}

/// Several tasks on two workers accept on one shared listener: every
/// connection is accepted exactly once, nobody hangs, and the listener
/// does not bounce between the workers. (Regression: both workers' woken
/// acceptors took it from each other before using it, endlessly.)
#[test]
fn one_listener_accepted_on_by_tasks_on_every_worker() {
    const CONNS: usize = 100;
    let rt = multi_thread(2);
    rt.block_on(async {
        let listener = Arc::new(TcpListener::bind("127.0.0.1:0").await.unwrap());
        let addr = listener.local_addr().unwrap();
        let (tx, mut rx) = mpsc::unbounded_channel::<u32>();
        let mut acceptors = Vec::new();
        for _ in 0..4 {
            let (listener, tx) = (listener.clone(), tx.clone());
            acceptors.push(Handle::current().spawn(async move {
                loop {
                    let (mut s, _) = listener.accept().await.unwrap();
                    let mut id = [0u8; 4];
                    s.read_exact(&mut id).await.unwrap();
                    s.write_all(&id).await.unwrap();
                    tx.send(u32::from_le_bytes(id)).unwrap();
                }
            }));
        }
        for id in 0..CONNS as u32 {
            let mut c = bounded(10, TcpStream::connect(addr)).await.unwrap();
            c.write_all(&id.to_le_bytes()).await.unwrap();
            let mut back = [0u8; 4];
            bounded(10, c.read_exact(&mut back)).await.unwrap();
            assert_eq!(u32::from_le_bytes(back), id);
        }
        let mut seen = [false; CONNS];
        for _ in 0..CONNS {
            let id = bounded(10, rx.recv()).await.unwrap() as usize;
            assert!(!seen[id], "connection {id} accepted twice");
            seen[id] = true;
        }
        // The listener moves between the workers as their tasks take turns
        // waiting on it, about once per connection; never back and forth
        // while nothing happens (two loops whose woken tasks keep taking it
        // from each other: thousands of moves).
        let moved = Handle::current().stats().io_moved_out;
        assert!(
            moved <= 4 * CONNS as u64,
            "{moved} moves for {CONNS} connections"
        );
        for a in acceptors {
            a.abort();
        }
    });
}
