//! `spawn_blocking`: a small, lazily started pool of threads for blocking
//! work, whose results wake the runtime across threads.
//!
//! Threads start on demand up to a limit and exit after 10 s idle. When the
//! runtime is dropped the pool is told to stop: idle threads exit at once,
//! busy ones after their current job; nobody waits for them.

use crate::runtime::Handle;
use crate::task::JoinHandle;
use crate::time::InhibitAutoAdvance;
use parking_lot::{Condvar, Mutex};
use std::collections::VecDeque;
use std::future::poll_fn;
use std::panic::{self, AssertUnwindSafe};
use std::sync::Arc;
use std::task::{Poll, Waker};
use std::thread;
use std::time::Duration;

type Job = Box<dyn FnOnce() + Send>;

const IDLE_TIMEOUT: Duration = Duration::from_secs(10);

pub(crate) struct Pool {
    inner: Arc<Inner>,
}

struct Inner {
    state: Mutex<PoolState>,
    cond: Condvar,
    max_threads: usize,
}

#[derive(Default)]
struct PoolState {
    queue: VecDeque<Job>,
    threads: usize,
    idle: usize,
    shutdown: bool,
}

impl Pool {
    pub(crate) fn new(max_threads: usize) -> Pool {
        Pool {
            inner: Arc::new(Inner {
                state: Mutex::new(PoolState::default()),
                cond: Condvar::new(),
                max_threads: max_threads.max(1),
            }),
        }
    }

    fn execute(&self, job: Job) {
        let mut st = self.inner.state.lock();
        if st.shutdown {
            return; // dropping the job wakes its waiter with a cancellation
        }
        st.queue.push_back(job);
        if st.idle > 0 {
            self.inner.cond.notify_one();
        } else if st.threads < self.inner.max_threads {
            st.threads += 1;
            let inner = self.inner.clone();
            let spawned = thread::Builder::new()
                .name("mini_rt-blocking".into())
                .spawn(move || inner.worker());
            if spawned.is_err() {
                st.threads -= 1;
            }
        }
    }

    pub(crate) fn shutdown(&self) {
        let mut st = self.inner.state.lock();
        st.shutdown = true;
        st.queue.clear();
        drop(st);
        self.inner.cond.notify_all();
    }
}

impl Inner {
    fn worker(&self) {
        let mut st = self.state.lock();
        loop {
            if let Some(job) = st.queue.pop_front() {
                drop(st);
                job();
                st = self.state.lock();
                continue;
            }
            if st.shutdown {
                break;
            }
            st.idle += 1;
            let timed_out = self.cond.wait_for(&mut st, IDLE_TIMEOUT).timed_out();
            st.idle -= 1;
            if timed_out && st.queue.is_empty() {
                break;
            }
        }
        st.threads -= 1;
    }
}

/// The result slot shared by the blocking job and the task awaiting it.
struct Slot<R> {
    result: Option<thread::Result<R>>,
    /// The job was dropped without running (runtime shut down).
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
/// As tokio's: `abort` has no effect once `f` started; a panic in `f` comes
/// back as a [`JoinError`](super::JoinError) that `is_panic`. Panics outside a runtime.
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
    let inhibit = InhibitAutoAdvance::new(&handle.shared);
    handle.shared.blocking.execute(Box::new(move || {
        let r = panic::catch_unwind(AssertUnwindSafe(f));
        completer.finish(Some(r));
        drop(inhibit); // after the wake: the runtime sees the waiter ready
    }));
    handle.spawn(async move {
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
            None => panic!("spawn_blocking job dropped: the runtime shut down before it ran"),
        }
    })
}
