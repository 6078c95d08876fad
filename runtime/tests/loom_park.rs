//! A loom model of the cross-thread wake path: a remote queue, the park
//! handshake (`runtime::park::Park`, the code the runtime ships) and an
//! eventfd, explored exhaustively.
//!
//! Run: `RUSTFLAGS="--cfg loom" cargo test --release -p mini_rt_runtime loom`
//! (every test here is named `loom_*`, so the filter finds them all).
#![cfg(loom)]

use loom::sync::atomic::{AtomicBool, Ordering::*};
use loom::sync::{Arc, Condvar, Mutex};
use loom::thread;
use mini_rt_runtime::runtime::park::Park;

/// The runtime's shared half, reduced to what the wake path touches.
struct Shared {
    queue: Mutex<Vec<u32>>,
    pending: AtomicBool,
    park: Park,
    /// The eventfd: a counter the runtime blocks on while parked. A lost
    /// wakeup leaves the runtime blocked forever, which loom reports.
    eventfd: Mutex<usize>,
    readable: Condvar,
}

impl Shared {
    /// `Shared::push_remote` + `unpark`. The flag is published with a swap,
    /// as in the runtime: loom 0.7 does not keep a plain store coherent with
    /// a later read-modify-write on another thread and reports a false lost
    /// wakeup for `store(true, Release)`, which the C++ model allows.
    fn push_remote(&self, item: u32) {
        self.queue.lock().unwrap().push(item);
        self.pending.swap(true, Release);
        if self.park.notify() {
            *self.eventfd.lock().unwrap() += 1;
            self.readable.notify_one();
        }
    }

    /// `Shared::take_remote`: a relaxed load, then a swap only if set.
    fn take_remote(&self, out: &mut Vec<u32>) {
        if self.pending.load(Relaxed) && self.pending.swap(false, Acquire) {
            out.append(&mut self.queue.lock().unwrap());
        }
    }
}

/// The runtime loop: look for work; if none, park in the "backend" until
/// the eventfd is written. Returns once it has seen `want` items.
fn runtime_loop(shared: &Shared, want: usize) -> Vec<u32> {
    let mut seen = Vec::new();
    loop {
        shared.take_remote(&mut seen);
        if seen.len() == want {
            return seen;
        }
        if shared.park.try_park() {
            // Blocked in epoll_wait until the eventfd is readable, then drained.
            let mut count = shared.eventfd.lock().unwrap();
            while *count == 0 {
                count = shared.readable.wait(count).unwrap();
            }
            *count = 0;
        }
        shared.park.unparked();
    }
}

fn shared() -> Arc<Shared> {
    Arc::new(Shared {
        queue: Mutex::new(Vec::new()),
        pending: AtomicBool::new(false),
        park: Park::new(),
        eventfd: Mutex::new(0),
        readable: Condvar::new(),
    })
}

#[test]
fn loom_one_remote_wake_is_never_lost() {
    loom::model(|| {
        let s = shared();
        let s2 = s.clone();
        let waker = thread::spawn(move || s2.push_remote(1));
        assert_eq!(runtime_loop(&s, 1), vec![1]);
        waker.join().unwrap();
    });
}

#[test]
fn loom_two_concurrent_wakers_are_both_seen() {
    loom::model(|| {
        let s = shared();
        let (a, b) = (s.clone(), s.clone());
        let ta = thread::spawn(move || a.push_remote(1));
        let tb = thread::spawn(move || b.push_remote(2));
        let mut seen = runtime_loop(&s, 2);
        seen.sort();
        assert_eq!(seen, vec![1, 2]);
        ta.join().unwrap();
        tb.join().unwrap();
    });
}
