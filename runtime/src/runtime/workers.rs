//! The multi-thread runtime's workers: one thread each, running a complete
//! current-thread loop (its own backend instance, timers and run queue)
//! until the runtime is dropped, then dropping every task it holds on its
//! own thread.

use super::core::Core;
use crate::context;
use parking_lot::{Condvar, Mutex};
use std::future::poll_fn;
use std::io;
use std::panic::{self, AssertUnwindSafe};
use std::pin::pin;
use std::sync::atomic::{AtomicBool, Ordering::*};
use std::sync::Arc;
use std::task::{Context, Poll, Waker};
use std::thread;
use std::time::{Duration, Instant};

/// The running workers of one runtime.
pub(crate) struct Workers {
    threads: Vec<thread::JoinHandle<()>>,
    /// Each worker's loop id, in the same order.
    loops: Vec<u64>,
    stops: Vec<Arc<Stop>>,
    done: Arc<Done>,
}

/// Tells one worker's loop to return.
#[derive(Default)]
struct Stop {
    flag: AtomicBool,
    waker: Mutex<Option<Waker>>,
}

impl Stop {
    /// The future the worker's loop runs until: ready once signalled.
    fn poll(&self, cx: &mut Context<'_>) -> Poll<()> {
        if self.flag.load(Acquire) {
            return Poll::Ready(());
        }
        *self.waker.lock() = Some(cx.waker().clone());
        // Checked again after storing the waker: a signal in between found
        // no waker to wake.
        if self.flag.load(Acquire) {
            Poll::Ready(())
        } else {
            Poll::Pending
        }
    }

    fn signal(&self) {
        self.flag.store(true, Release);
        let waker = self.waker.lock().take();
        if let Some(w) = waker {
            w.wake();
        }
    }
}

/// How many workers have finished shutting down.
#[derive(Default)]
struct Done {
    count: Mutex<usize>,
    cond: Condvar,
}

/// Counts its worker as finished when dropped, also when it unwinds.
struct DoneGuard(Arc<Done>);

impl Drop for DoneGuard {
    fn drop(&mut self) {
        *self.0.count.lock() += 1;
        self.0.cond.notify_all();
    }
}

impl Workers {
    /// Starts one thread per core. If a thread cannot be started, the ones
    /// already running are stopped and joined, and the error returned.
    pub(crate) fn start(cores: Vec<Core>) -> io::Result<Workers> {
        let mut workers = Workers {
            threads: Vec::with_capacity(cores.len()),
            loops: Vec::with_capacity(cores.len()),
            stops: Vec::with_capacity(cores.len()),
            done: Arc::new(Done::default()),
        };
        let mut cores = cores.into_iter().enumerate();
        while let Some((i, core)) = cores.next() {
            let loop_id = core.shared.id;
            let stop = Arc::new(Stop::default());
            let (s, done) = (stop.clone(), workers.done.clone());
            let spawned = thread::Builder::new()
                .name(format!("mini_rt-worker-{i}"))
                .spawn(move || run(Box::new(core), s, DoneGuard(done)));
            match spawned {
                Ok(t) => {
                    workers.threads.push(t);
                    workers.loops.push(loop_id);
                    workers.stops.push(stop);
                }
                Err(e) => {
                    // The cores never started hold no tasks: close their
                    // queues so nothing is placed on them, and drop them.
                    for (_, core) in cores {
                        drop(core.shared.close());
                    }
                    workers.stop();
                    workers.join(Duration::from_secs(5));
                    return Err(e);
                }
            }
        }
        Ok(workers)
    }

    /// Tells every worker to stop; each then shuts its loop down on its own
    /// thread.
    pub(crate) fn stop(&self) {
        for s in &self.stops {
            s.signal();
        }
    }

    /// Waits up to `bound` for every worker to finish shutting down and
    /// joins them. A worker still busy after that (a task that never yields,
    /// or one whose destructor blocks) is left running detached, with a
    /// message. Returns whether every worker was joined. Called on one of
    /// the workers (the runtime dropped by its own task), it does not wait
    /// for that one, which stops when the task returns.
    pub(crate) fn join(self, bound: Duration) -> bool {
        // Which worker this thread is, if any (by its loop: asking std for
        // the current thread would allocate its handle on a plain thread).
        let own = self.loops.iter().position(|&id| context::is_current(id));
        let want = self.threads.len() - usize::from(own.is_some());
        let deadline = Instant::now() + bound;
        let mut count = self.done.count.lock();
        while *count < want {
            if self.done.cond.wait_until(&mut count, deadline).timed_out() {
                break;
            }
        }
        let all = *count >= want;
        drop(count);
        if !all {
            eprintln!(
                "mini_rt: a worker did not stop within {bound:?} of the runtime's shutdown \
                 (a task that never yields, or a blocking destructor); leaving it detached"
            );
        }
        for (i, t) in self.threads.into_iter().enumerate() {
            if Some(i) != own && (all || t.is_finished()) {
                let _ = t.join();
            }
        }
        all && own.is_none()
    }
}

/// A worker thread: run the loop until stopped, then shut it down here, so
/// every task is dropped on the thread that polled it.
fn run(core: Box<Core>, stop: Arc<Stop>, done: DoneGuard) {
    let _done = done;
    crate::sys::thread::tighten_timer_slack();
    let shared = core.shared.clone();
    if context::enter(core).is_err() {
        unreachable!("a new thread has no runtime");
    }
    let res = panic::catch_unwind(AssertUnwindSafe(|| {
        let stopped = pin!(poll_fn(|cx| stop.poll(cx)));
        context::with_core(|core| core.block_on(stopped))
    }));
    let left = shared.close();
    drop(left.released); // their fds close; the backend goes away below
    context::with_core(|core| core.shutdown(left.tasks));
    drop(context::exit());
    if let Err(payload) = res {
        panic::resume_unwind(payload);
    }
}
