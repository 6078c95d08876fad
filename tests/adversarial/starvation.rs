//! Fairness: a task that is always ready (a `yield_now` loop, or a reader
//! on a socket that always has data) cannot delay a timer or another
//! connection's echo beyond a generous bound.

use crate::support::bounded;
use crate::util::*;
use mini_rt::task::yield_now;
use mini_rt::time::sleep;
use std::cell::Cell;
use std::io::Write;
use std::os::unix::net::UnixStream;
use std::rc::Rc;
use std::time::{Duration, Instant};

const BOUND: Duration = Duration::from_secs(1);

/// With `hog` running (it bumps its counter on every step), a 10 ms timer
/// fires within [`BOUND`] and 20 echo round trips on another connection
/// each take less than [`BOUND`]; and the hog kept running meanwhile.
async fn neighbours_are_served_next_to(progress: Rc<Cell<u64>>) {
    let (client, server) = evented_pair();
    let echo = mini_rt::spawn(async move {
        let mut buf = [0u8; 64];
        loop {
            match read(&server, &mut buf).await.unwrap() {
                0 => return,
                n => write_all(&server, &buf[..n]).await.unwrap(),
            }
        }
    });
    let before = progress.get();
    let t0 = Instant::now();
    bounded(5, sleep(Duration::from_millis(10))).await;
    let late = t0.elapsed();
    assert!(late < BOUND, "a 10 ms timer fired after {late:?}");
    for i in 0..20u8 {
        let t = Instant::now();
        bounded(5, write_all(&client, &[i])).await.unwrap();
        let mut b = [0u8; 1];
        bounded(5, read_exact(&client, &mut b)).await.unwrap();
        assert_eq!(b[0], i);
        assert!(t.elapsed() < BOUND, "echo {i} took {:?}", t.elapsed());
    }
    assert!(progress.get() > before, "the hog did not run meanwhile");
    drop(client);
    bounded(5, echo).await.unwrap();
}

#[test]
fn yield_loop_does_not_starve_a_timer_or_another_connections_echo() {
    rt().block_on(async {
        let progress = Rc::new(Cell::new(0));
        let p = progress.clone();
        let hog = mini_rt::spawn(async move {
            loop {
                p.set(p.get() + 1);
                yield_now().await;
            }
        });
        yield_now().await;
        neighbours_are_served_next_to(progress).await;
        hog.abort();
    });
}

#[test]
fn reader_of_an_always_readable_socket_does_not_starve_its_neighbours() {
    const TOTAL: usize = 64 << 20;
    rt().block_on(async {
        let (ours, peer) = UnixStream::pair().unwrap();
        let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let stop2 = stop.clone();
        let writer = std::thread::spawn(move || {
            let chunk = vec![0xA5u8; 1 << 16];
            let mut sent = 0;
            while sent < TOTAL && !stop2.load(std::sync::atomic::Ordering::Relaxed) {
                if (&peer).write_all(&chunk).is_err() {
                    break; // the reader is gone
                }
                sent += chunk.len();
            }
        });
        let ours = register(ours);
        let progress = Rc::new(Cell::new(0u64));
        let p = progress.clone();
        // Never awaits anything but its reads: only the runtime's budget
        // makes it yield. Small reads: many operations per poll.
        let hog = mini_rt::spawn(async move {
            let mut buf = [0u8; 512];
            loop {
                match read(&ours, &mut buf).await {
                    Ok(0) | Err(_) => return ours,
                    Ok(n) => p.set(p.get() + n as u64),
                }
            }
        });
        while progress.get() == 0 {
            bounded(5, yield_now()).await;
        }
        neighbours_are_served_next_to(progress).await;
        stop.store(true, std::sync::atomic::Ordering::Relaxed);
        hog.abort(); // closes our end: the writer's next write fails
        let _ = bounded(5, hog).await;
        writer.join().unwrap();
    });
}
