//! Helpers for this module's unit tests (on top of `crate::test_util`).

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

/// Spins (yielding) until `cond` holds; panics after 10 s. Used to make a
/// helper thread act only once the other side is really parked, by
/// observing its registered waker: a condition, never a sleep.
pub(crate) fn wait_until(mut cond: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while !cond() {
        assert!(
            Instant::now() < deadline,
            "wait_until: condition not met within 10 s"
        );
        thread::yield_now();
    }
}

/// A value that counts its drops.
pub(crate) struct DropCounter(pub(crate) Arc<AtomicUsize>);

impl Drop for DropCounter {
    fn drop(&mut self) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }
}

/// A fresh drop count and a constructor for counted values.
pub(crate) fn drop_counter() -> (Arc<AtomicUsize>, impl Fn() -> DropCounter) {
    let count = Arc::new(AtomicUsize::new(0));
    let c = count.clone();
    (count, move || DropCounter(c.clone()))
}

/// Reads a drop count.
pub(crate) fn drops(count: &AtomicUsize) -> usize {
    count.load(Ordering::SeqCst)
}
