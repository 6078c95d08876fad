//! Many tasks waiting on one IO object: every task awaiting an async
//! readiness operation (`accept`, `readable`, `recv`, …) is woken, as with
//! tokio; a waiter dropped while parked leaves nothing behind. Each test
//! runs on every backend.

mod support;

use mini_rt::io::Interest;
use mini_rt::net::{TcpListener, TcpStream, UdpSocket};
use mini_rt::runtime::Handle;
use mini_rt::task::yield_now;
use std::cell::Cell;
use std::future::Future;
use std::io;
use std::pin::pin;
use std::rc::Rc;
use std::sync::Arc;
use std::task::{Context, Waker};
use support::{bounded, on_each_backend};

const N: usize = 20;

/// Yields until `n` futures are parked in IO waiter lists (bounded by the
/// caller's timeout): proof that every waiter was polled and parked.
async fn until_parked(n: u64) {
    while Handle::current().stats().io_waiters < n {
        yield_now().await;
    }
}

#[test]
fn many_tasks_accepting_on_one_listener_all_accept() {
    on_each_backend(|| async {
        let listener = Arc::new(TcpListener::bind("127.0.0.1:0").await?);
        let addr = listener.local_addr()?;
        let accepted = Rc::new(Cell::new(0));
        let mut tasks = Vec::new();
        for _ in 0..N {
            let listener = listener.clone();
            let accepted = accepted.clone();
            tasks.push(mini_rt::spawn(async move {
                let (_stream, _) = listener.accept().await?;
                accepted.set(accepted.get() + 1);
                io::Result::Ok(())
            }));
        }
        bounded(10, until_parked(N as u64)).await;
        let mut clients = Vec::new();
        for _ in 0..N {
            clients.push(TcpStream::connect(addr).await?);
        }
        for task in tasks {
            bounded(10, task).await.unwrap()?;
        }
        assert_eq!(accepted.get(), N);
        assert_eq!(Handle::current().stats().io_waiters, 0);
        Ok(())
    });
}

#[test]
fn one_datagram_wakes_every_task_readable_on_one_udp_socket() {
    on_each_backend(|| async {
        let socket = Arc::new(UdpSocket::bind("127.0.0.1:0").await?);
        let addr = socket.local_addr()?;
        let mut tasks = Vec::new();
        for _ in 0..N {
            let socket = socket.clone();
            tasks.push(mini_rt::spawn(async move { socket.readable().await }));
        }
        bounded(10, until_parked(N as u64)).await;
        let sender = UdpSocket::bind("127.0.0.1:0").await?;
        sender.send_to(b"x", addr).await?;
        for task in tasks {
            bounded(10, task).await.unwrap()?;
        }
        let mut buf = [0; 8];
        assert_eq!(socket.try_recv(&mut buf)?, 1);
        Ok(())
    });
}

#[test]
fn many_tasks_receiving_on_one_udp_socket_each_get_a_datagram() {
    on_each_backend(|| async {
        let socket = Arc::new(UdpSocket::bind("127.0.0.1:0").await?);
        let addr = socket.local_addr()?;
        let mut tasks = Vec::new();
        for _ in 0..N {
            let socket = socket.clone();
            tasks.push(mini_rt::spawn(async move {
                let mut buf = [0; 8];
                socket.recv_from(&mut buf).await.map(|(n, _)| n)
            }));
        }
        bounded(10, until_parked(N as u64)).await;
        let sender = UdpSocket::bind("127.0.0.1:0").await?;
        for _ in 0..N {
            sender.send_to(b"abc", addr).await?;
        }
        for task in tasks {
            assert_eq!(bounded(10, task).await.unwrap()?, 3);
        }
        Ok(())
    });
}

#[test]
fn reader_and_writer_tasks_on_one_stream_both_progress() {
    on_each_backend(|| async {
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let client = TcpStream::connect(listener.local_addr()?).await?;
        let (server, _) = listener.accept().await?;
        let client = Arc::new(client);
        const TOTAL: usize = 1 << 20;

        // Both directions over one stream: the writer outruns the socket
        // buffers, so both tasks park and are woken many times.
        let writer = {
            let client = client.clone();
            mini_rt::spawn(async move {
                let chunk = [7u8; 16 * 1024];
                let mut sent = 0;
                while sent < TOTAL {
                    client.writable().await?;
                    match client.try_write(&chunk[..chunk.len().min(TOTAL - sent)]) {
                        Ok(n) => sent += n,
                        Err(e) if e.kind() == io::ErrorKind::WouldBlock => {}
                        Err(e) => return Err(e),
                    }
                }
                io::Result::Ok(sent)
            })
        };
        let reader = {
            let client = client.clone();
            mini_rt::spawn(async move {
                let mut buf = [0u8; 16 * 1024];
                let mut got = 0;
                while got < TOTAL {
                    client.readable().await?;
                    match client.try_read(&mut buf) {
                        Ok(0) => break,
                        Ok(n) => got += n,
                        Err(e) if e.kind() == io::ErrorKind::WouldBlock => {}
                        Err(e) => return Err(e),
                    }
                }
                io::Result::Ok(got)
            })
        };
        // The server echoes what it gets.
        let echo = mini_rt::spawn(async move {
            let (mut rd, mut wr) = server.into_split();
            mini_rt::io::copy(&mut rd, &mut wr).await
        });
        assert_eq!(bounded(15, writer).await.unwrap()?, TOTAL);
        assert_eq!(bounded(15, reader).await.unwrap()?, TOTAL);
        echo.abort();
        Ok(())
    });
}

#[test]
fn cancelled_readiness_waits_leave_no_waiter_entry() {
    on_each_backend(|| async {
        let socket = UdpSocket::bind("127.0.0.1:0").await?;
        let waker = Waker::noop();
        let mut cx = Context::from_waker(waker);
        for i in 0..100_000u32 {
            let mut wait = pin!(socket.ready(Interest::READABLE));
            assert!(wait.as_mut().poll(&mut cx).is_pending());
            if i % 10_000 == 0 {
                assert_eq!(Handle::current().stats().io_waiters, 1);
            }
            // Keep the coop budget from ending the loop's polls.
            if i % 64 == 0 {
                yield_now().await;
            }
        }
        assert_eq!(Handle::current().stats().io_waiters, 0);
        // The registration still wakes a new waiter.
        let sender = UdpSocket::bind("127.0.0.1:0").await?;
        sender.send_to(b"x", socket.local_addr()?).await?;
        bounded(10, socket.readable()).await?;
        Ok(())
    });
}

#[test]
fn a_completed_wait_removes_its_waiter_entry() {
    on_each_backend(|| async {
        let socket = Arc::new(UdpSocket::bind("127.0.0.1:0").await?);
        let addr = socket.local_addr()?;
        let task = {
            let socket = socket.clone();
            mini_rt::spawn(async move { socket.readable().await })
        };
        bounded(10, until_parked(1)).await;
        UdpSocket::bind("127.0.0.1:0")
            .await?
            .send_to(b"x", addr)
            .await?;
        bounded(10, task).await.unwrap()?;
        assert_eq!(Handle::current().stats().io_waiters, 0);
        Ok(())
    });
}

#[test]
fn a_wait_polled_once_then_ready_needs_no_wakeup_to_complete() {
    // Poll-after-wake semantics: a waiter whose readiness arrived while it
    // was not being polled still completes at its next poll.
    on_each_backend(|| async {
        let socket = UdpSocket::bind("127.0.0.1:0").await?;
        let mut wait = pin!(socket.ready(Interest::READABLE));
        let waker = Waker::noop();
        let mut cx = Context::from_waker(waker);
        assert!(wait.as_mut().poll(&mut cx).is_pending());
        UdpSocket::bind("127.0.0.1:0")
            .await?
            .send_to(b"x", socket.local_addr()?)
            .await?;
        let ready = bounded(10, std::future::poll_fn(|cx| wait.as_mut().poll(cx))).await?;
        assert!(ready.is_readable());
        assert_eq!(Handle::current().stats().io_waiters, 0);
        Ok(())
    });
}
