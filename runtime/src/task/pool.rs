//! The blocking pool: a queue of jobs and the threads that run them.
//!
//! Threads start on demand up to a limit and exit after 10 s idle. Every
//! decision (queue, which worker is idle, who was woken) is made under one
//! lock, and no user code runs under it: jobs run, and queued jobs are
//! dropped at shutdown, with the lock released. Mandatory jobs (tokio's
//! name: writes a caller was told are done) are the exception: they stay
//! queued through shutdown and the workers run them before exiting.
//!
//! The idle/notify accounting (tokio's, whose pool had the same race): a
//! worker waiting for work counts in `idle`. A submit that relies on a
//! waiting worker takes it out of `idle` at once and adds a `notified`
//! token, which the woken worker consumes. So a worker that was woken but
//! has not run yet is never counted idle again, and the next submit starts
//! a new thread instead of waking it a second time (a lost job: the woken
//! worker takes the first job, which may block for good, while the second
//! waits in the queue). A wake-up without a token is spurious: the worker
//! keeps waiting, still counted idle.
//!
//! Invariant, under the lock: `idle + notified` is the number of workers
//! inside the wait loop, and a non-empty queue always has a worker that
//! will look at it (one not waiting, or one holding a `notified` token), or
//! every thread is busy at the limit and takes the queue when it is done.
//!
//! `tests/loom_blocking.rs` explores this with loom (`RUSTFLAGS="--cfg loom"`),
//! which is why the module is public (hidden) and uses `std`'s lock API.

#[cfg(loom)]
use loom::{
    sync::{Arc, Condvar, Mutex, MutexGuard},
    thread,
};
use std::collections::VecDeque;
use std::mem;
use std::sync::PoisonError;
use std::time::Duration;
#[cfg(not(loom))]
use std::{
    sync::{Arc, Condvar, Mutex, MutexGuard},
    thread,
};

/// A unit of blocking work. Dropping it unrun must resolve whoever waits
/// for it (the runtime's jobs own a completer that does).
pub type Job = Box<dyn FnOnce() + Send>;

const IDLE_TIMEOUT: Duration = Duration::from_secs(10);

/// A pool of threads running [`Job`]s, at most `max_threads` at a time;
/// further jobs queue, in order, until a thread is free.
pub struct Pool {
    inner: Arc<Inner>,
}

struct Inner {
    state: Mutex<PoolState>,
    cond: Condvar,
    max_threads: usize,
}

/// A queued job; a mandatory one survives shutdown.
struct Queued {
    job: Job,
    mandatory: bool,
}

#[derive(Default)]
struct PoolState {
    queue: VecDeque<Queued>,
    /// Live worker threads.
    threads: usize,
    /// Workers waiting for work that no submit has claimed yet.
    idle: usize,
    /// Wake-ups handed out by submits and not yet consumed by a worker.
    notified: usize,
    shutdown: bool,
}

impl Pool {
    /// A pool that starts at most `max_threads` threads (at least one).
    pub fn new(max_threads: usize) -> Pool {
        Pool {
            inner: Arc::new(Inner {
                state: Mutex::new(PoolState::default()),
                cond: Condvar::new(),
                max_threads: max_threads.max(1),
            }),
        }
    }

    /// Queues `job`: wakes an idle worker for it, or starts a thread if none
    /// is idle and the pool is under its limit; at the limit it waits for a
    /// busy worker. After [`shutdown`](Pool::shutdown) the job is dropped
    /// unrun (after the lock is released).
    pub fn execute(&self, job: Job) {
        self.submit(job, false);
    }

    /// Queues `job` as [`execute`](Pool::execute) does, but a
    /// [`shutdown`](Pool::shutdown) leaves it queued: a worker runs it
    /// before exiting. Dropped unrun only if submitted after the shutdown,
    /// or if no thread can be started for it.
    pub fn execute_mandatory(&self, job: Job) {
        self.submit(job, true);
    }

    fn submit(&self, job: Job, mandatory: bool) {
        let mut st = self.inner.lock();
        if st.shutdown {
            drop(st);
            drop(job);
            return;
        }
        st.queue.push_back(Queued { job, mandatory });
        if st.idle > 0 {
            st.idle -= 1;
            st.notified += 1;
            self.inner.cond.notify_one();
        } else if st.threads < self.inner.max_threads {
            st.threads += 1;
            let inner = self.inner.clone();
            let spawned = thread::Builder::new()
                .name("mini_rt-blocking".into())
                .spawn(move || inner.worker());
            if spawned.is_err() {
                st.threads -= 1;
                if st.threads == 0 {
                    // Nobody would ever run them: resolve them as dropped.
                    let stranded = mem::take(&mut st.queue);
                    drop(st);
                    drop(stranded);
                }
            }
        }
    }

    /// Stops the pool: later jobs are dropped unrun, queued ones are dropped
    /// now (except mandatory ones, which the workers still run), idle
    /// threads exit, busy ones once the queue is empty. Does not wait for
    /// them. The queued jobs are dropped after the lock is released, since
    /// dropping them runs user code (which may submit more work).
    pub fn shutdown(&self) {
        let queued = {
            let mut st = self.inner.lock();
            st.shutdown = true;
            let (keep, dropped) = mem::take(&mut st.queue)
                .into_iter()
                .partition(|q| q.mandatory);
            st.queue = keep;
            dropped
        };
        self.inner.cond.notify_all();
        drop(queued);
    }
}

impl Inner {
    /// The state; no code that can panic runs under the lock, but a poisoned
    /// lock would still hold consistent counts, so poisoning is ignored.
    fn lock(&self) -> MutexGuard<'_, PoolState> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn worker(&self) {
        let mut st = self.lock();
        'run: loop {
            while let Some(Queued { job, .. }) = st.queue.pop_front() {
                drop(st);
                job();
                st = self.lock();
            }
            if st.shutdown {
                break;
            }
            st.idle += 1;
            loop {
                let (guard, wait) = self
                    .cond
                    .wait_timeout(st, IDLE_TIMEOUT)
                    .unwrap_or_else(PoisonError::into_inner);
                st = guard;
                if st.notified > 0 {
                    // Claimed by a submit, which already took us out of `idle`.
                    st.notified -= 1;
                    continue 'run;
                }
                if st.shutdown || wait.timed_out() {
                    st.idle -= 1;
                    break 'run;
                }
                // A spurious wake-up: keep waiting, still counted idle.
            }
        }
        st.threads -= 1;
    }
}
