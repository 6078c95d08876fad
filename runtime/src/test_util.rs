//! Test-only helpers shared by unit tests inside this crate.

use std::future::Future;
use std::pin::pin;
use std::sync::Arc;
use std::task::{Context, Poll, Wake, Waker};
use std::thread::{self, Thread};
use std::time::{Duration, Instant};

struct ThreadWaker(Thread);

impl Wake for ThreadWaker {
    fn wake(self: Arc<Self>) {
        self.0.unpark();
    }
}

/// Polls `fut` on this thread until it completes, parking between polls.
/// Panics if it takes longer than 10 s, so a lost wakeup fails the test
/// instead of hanging it. Independent of the runtime, for unit-testing
/// primitives (sync, io) that only use `Waker`s.
pub(crate) fn block_on<F: Future>(fut: F) -> F::Output {
    let mut fut = pin!(fut);
    let waker = Waker::from(Arc::new(ThreadWaker(thread::current())));
    let mut cx = Context::from_waker(&waker);
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        if let Poll::Ready(v) = fut.as_mut().poll(&mut cx) {
            return v;
        }
        let now = Instant::now();
        assert!(
            now < deadline,
            "test_util::block_on: future did not complete within 10 s"
        );
        thread::park_timeout(deadline - now);
    }
}

/// Polls `fut` exactly once with a no-op waker.
pub(crate) fn poll_once<F: Future>(fut: std::pin::Pin<&mut F>) -> Poll<F::Output> {
    fut.poll(&mut Context::from_waker(Waker::noop()))
}
