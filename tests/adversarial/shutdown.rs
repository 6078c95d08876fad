//! Shutdown: dropping a runtime whose tasks are parked on IO, timers, a
//! 10 s `spawn_blocking` job, remote spawns and fds released on other
//! threads returns promptly and closes every fd it opened.
//!
//! Counting fds needs a process of its own (other tests open fds
//! concurrently), so the body runs in a re-executed child.

use crate::support::open_fds;
use crate::util::*;
use mini_rt::runtime::Handle;
use mini_rt::task::yield_now;
use mini_rt::time::sleep;
use std::os::unix::net::UnixStream;
use std::time::{Duration, Instant};

const CHILD: &str = "shutdown::dropping_a_busy_runtime_closes_every_fd_and_returns_promptly";

#[test]
fn dropping_a_busy_runtime_closes_every_fd_and_returns_promptly() {
    if !is_child(CHILD) {
        return run_child(CHILD, &[], Duration::from_secs(10));
    }
    let before = open_fds();
    let rt = rt();
    let peers = rt.block_on(async {
        let mut peers = Vec::new();
        for _ in 0..8 {
            let (ours, peer) = UnixStream::pair().unwrap();
            let ours = register(ours);
            peers.push(peer);
            mini_rt::spawn(async move {
                let mut buf = [0u8; 8];
                let _ = read(&ours, &mut buf).await;
            });
        }
        mini_rt::spawn(sleep(Duration::from_secs(3600)));
        let blocking =
            mini_rt::task::spawn_blocking(|| std::thread::sleep(Duration::from_secs(10)));
        mini_rt::spawn(async move {
            let _ = blocking.await;
        });
        // A Send task spawned from another thread, still queued at drop.
        let handle = Handle::current();
        let (ours, peer) = UnixStream::pair().unwrap();
        peers.push(peer);
        let moved = register(ours);
        std::thread::spawn(move || {
            // Dropped on another thread: handed back to the runtime to close.
            drop(moved);
            handle.spawn(async { sleep(Duration::from_secs(3600)).await });
        })
        .join()
        .unwrap();
        yield_now().await;
        peers
    });
    assert!(open_fds() > before + 16, "the sockets were opened");
    let t0 = Instant::now();
    drop(rt);
    let took = t0.elapsed();
    drop(peers);
    assert!(took < Duration::from_secs(1), "runtime drop took {took:?}");
    assert_eq!(open_fds(), before, "fds leaked by a dropped runtime");
}
