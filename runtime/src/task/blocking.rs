//! `spawn_blocking`: runs a closure on the runtime's blocking pool (see
//! `pool.rs`) and hands its result to a task awaiting it, waking the runtime
//! across threads.
//!
//! The `JoinHandle` belongs to that waiting task. The job keeps a reference
//! to it and looks at its cancelled bit before calling the closure, so
//! aborting the handle before the closure started means it never runs.

use crate::runtime::Handle;
use crate::task::JoinHandle;
use crate::time::InhibitAutoAdvance;
use parking_lot::Mutex;
use std::future::poll_fn;
use std::panic::{self, AssertUnwindSafe};
use std::sync::Arc;
use std::task::{Poll, Waker};
use std::thread;

/// The result slot shared by the blocking job and the task awaiting it.
struct Slot<R> {
    result: Option<thread::Result<R>>,
    /// The job was dropped without running: the runtime shut down, the task
    /// was aborted, or no pool thread could be started.
    dropped: bool,
    waker: Option<Waker>,
}

/// Completes the slot when the job runs, or marks it dropped if it never does.
struct Completer<R>(Option<Arc<Mutex<Slot<R>>>>);

impl<R> Completer<R> {
    fn finish(&mut self, result: Option<thread::Result<R>>) {
        let Some(slot) = self.0.take() else { return };
        let mut slot = slot.lock();
        match result {
            Some(r) => slot.result = Some(r),
            None => slot.dropped = true,
        }
        let waker = slot.waker.take();
        drop(slot);
        if let Some(w) = waker {
            w.wake();
        }
    }
}

impl<R> Drop for Completer<R> {
    fn drop(&mut self) {
        self.finish(None);
    }
}

/// Runs `f` on the runtime's blocking pool and returns a handle to its result.
///
/// The pool starts a thread per concurrent call, up to
/// [`max_blocking_threads`](crate::runtime::Builder::max_blocking_threads)
/// (512 by default, as tokio's); idle threads are reused and exit after 10 s
/// without work. When all of them are busy, further closures queue and run,
/// in order, as threads free up: none is lost, but a closure queued behind
/// long-running ones waits for them.
///
/// As tokio's: aborting the handle before `f` started means `f` never runs
/// (it is dropped unrun); `abort` has no effect once `f` started. A panic in
/// `f` comes back as a [`JoinError`](super::JoinError) that `is_panic`. If the
/// runtime shuts down before `f` started, `f` is dropped unrun. Panics
/// outside a runtime.
#[track_caller]
pub fn spawn_blocking<F, R>(f: F) -> JoinHandle<R>
where
    F: FnOnce() -> R + Send + 'static,
    R: Send + 'static,
{
    spawn_blocking_on(&Handle::current(), f)
}

/// [`spawn_blocking`] onto a given runtime, from any thread.
pub(crate) fn spawn_blocking_on<F, R>(handle: &Handle, f: F) -> JoinHandle<R>
where
    F: FnOnce() -> R + Send + 'static,
    R: Send + 'static,
{
    let slot = Arc::new(Mutex::new(Slot {
        result: None,
        dropped: false,
        waker: None,
    }));
    let mut completer = Completer(Some(slot.clone()));
    // Paused time must not jump while the job runs (as tokio's test-util;
    // only a current-thread runtime's clock can be paused).
    let inhibit = InhibitAutoAdvance::new(&handle.inner.main);
    // The waiter stays on the caller's loop when it is one of this runtime's.
    let waiter = handle.spawn_here(async move {
        let r = poll_fn(|cx| {
            let mut s = slot.lock();
            if let Some(r) = s.result.take() {
                return Poll::Ready(Some(r));
            }
            if s.dropped {
                return Poll::Ready(None);
            }
            s.waker = Some(cx.waker().clone());
            Poll::Pending
        })
        .await;
        match r {
            Some(Ok(v)) => v,
            Some(Err(payload)) => panic::resume_unwind(payload),
            None => panic!("spawn_blocking job dropped unrun: runtime shut down or no thread"),
        }
    });
    let task = waiter.abort_handle();
    handle.inner.blocking.execute(Box::new(move || {
        let aborted = task.is_cancelled();
        drop(task);
        if aborted {
            return; // drops `f` unrun; the completer resolves the slot
        }
        let r = panic::catch_unwind(AssertUnwindSafe(f));
        completer.finish(Some(r));
        drop(inhibit); // after the wake: the runtime sees the waiter ready
    }));
    waiter
}
