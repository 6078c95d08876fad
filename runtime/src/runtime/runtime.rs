//! `Runtime`: owns the loops, drives `block_on`'s, and shuts everything down.

use super::core::Core;
use super::workers::Workers;
use super::{Backend, Builder, Handle};
use crate::context;
use crate::task::JoinHandle;
use parking_lot::Mutex;
use std::future::Future;
use std::io;
use std::pin::pin;
use std::time::Duration;

/// How long dropping a multi-thread runtime waits for its workers to finish
/// shutting down before it leaves them detached.
const WORKER_SHUTDOWN_BOUND: Duration = Duration::from_secs(5);

/// An async runtime: current-thread (tokio's current-thread `Runtime`) or
/// multi-thread (thread-per-core workers, see the [module docs](super)).
///
/// `Runtime` is `Send` and `Sync`: it may be built on one thread and driven
/// on another. Only one thread can be inside `block_on` at a time, and once
/// `block_on`'s loop holds tasks spawned with [`spawn`](crate::task::spawn)
/// (which may be `!Send`), only that thread may drive it; other threads get
/// a clear panic.
///
/// Dropping the runtime stops every worker, drops every task on the thread
/// that ran it (`block_on`'s tasks on the dropping thread) and releases
/// every fd the runtime holds (its backends and eventfds included). It waits
/// at most 5 s for the workers to finish (see
/// [`shutdown_timeout`](Self::shutdown_timeout)) and never for
/// `spawn_blocking` threads. Dropped on another thread while `block_on`'s
/// loop holds possibly-`!Send` tasks, it cannot drop them there: it leaks
/// them with their fds, and cancels only the `Send` tasks that
/// `Handle::spawn` queued there and that never started.
///
/// ```
/// # use mini_rt_runtime as mini_rt;
/// use mini_rt::runtime::Runtime;
/// use std::rc::Rc;
///
/// let rt = Runtime::new()?;
/// let out = rt.block_on(async {
///     // Spawned tasks need not be `Send`: they stay on this thread.
///     let local = Rc::new("spawned");
///     mini_rt::spawn(async move { *local }).await.unwrap()
/// });
/// assert_eq!(out, "spawned");
/// # Ok::<(), std::io::Error>(())
/// ```
pub struct Runtime {
    handle: Handle,
    /// A multi-thread runtime's worker threads.
    workers: Option<Workers>,
}

/// Puts the core back into its idle slot when `block_on` returns or unwinds.
struct Enter<'a> {
    slot: &'a Mutex<Option<Box<Core>>>,
}

impl Drop for Enter<'_> {
    fn drop(&mut self) {
        if let Some(core) = context::exit() {
            let mut slot = self.slot.lock();
            core.go_idle();
            *slot = Some(core);
        }
    }
}

impl Runtime {
    pub(crate) fn from_parts(handle: Handle) -> Runtime {
        Runtime {
            handle,
            workers: None,
        }
    }

    pub(crate) fn set_workers(&mut self, workers: Workers) {
        self.workers = Some(workers);
    }

    /// A current-thread runtime with default settings
    /// (`Builder::new_current_thread().enable_all().build()`); unlike
    /// tokio's, not a multi-thread one.
    pub fn new() -> io::Result<Runtime> {
        Builder::new_current_thread().enable_all().build()
    }

    /// Runs `future` to completion on this thread, running the tasks of its
    /// loop, IO and timers meanwhile.
    ///
    /// On a multi-thread runtime too, `future` runs on the calling thread,
    /// in a loop of its own beside the workers: IO objects and timers used
    /// directly in `future` are served by that loop, and tasks it spawns with
    /// [`spawn`](crate::task::spawn) stay on it (they run while some thread
    /// is in `block_on`). [`Runtime::spawn`] and [`Handle::spawn`] place
    /// tasks on the workers.
    ///
    /// The first call on a thread lowers that thread's kernel timer slack to
    /// 1 µs (`PR_SET_TIMERSLACK`), so sub-millisecond sleeps are precise.
    ///
    /// Panics if called from inside a runtime (nested `block_on`: the outer
    /// loop would stall), or while another thread is inside `block_on`.
    #[track_caller]
    pub fn block_on<F: Future>(&self, future: F) -> F::Output {
        if context::is_entered() {
            panic!(
                "Cannot start a runtime from within a runtime. This happens because a function \
                 (like `block_on`) attempted to block the current thread while the thread is \
                 being used to drive asynchronous tasks."
            );
        }
        let shared = &self.handle.inner.main;
        let core = {
            let mut slot = shared.idle.lock();
            match slot.as_ref() {
                Some(core) => core.tasks.check_thread(),
                None => panic!(
                    "mini_rt: this runtime is already running `block_on` on another thread; \
                     its `block_on` loop is driven by one thread at a time"
                ),
            }
            slot.take().expect("checked above")
        };
        crate::sys::thread::tighten_timer_slack();
        let _enter = Enter { slot: &shared.idle };
        if let Err(core) = context::enter(core) {
            // The context was free, so it is destroyed: the thread is exiting.
            *shared.idle.lock() = Some(core);
            panic!(
                "mini_rt: `block_on` called while this thread's thread-locals are being \
                 destroyed; a runtime cannot run there"
            );
        }
        let mut future = pin!(future);
        context::with_core(|core| core.block_on(future.as_mut())).expect("entered above")
    }

    /// Spawns a `Send` future onto the runtime, as [`Handle::spawn`]: on a
    /// multi-thread runtime, to the least loaded worker; on a current-thread
    /// one, to its loop, where it runs while `block_on` does. (As tokio's,
    /// this needs `Send`; a `!Send` future is spawned from inside the runtime
    /// with [`spawn`](crate::task::spawn).)
    #[track_caller]
    pub fn spawn<F>(&self, future: F) -> JoinHandle<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        self.handle.spawn(future)
    }

    /// Runs `f` on the runtime's blocking thread pool (see
    /// [`task::spawn_blocking`](crate::task::spawn_blocking): when the pool is
    /// full, `f` queues until a thread is free).
    pub fn spawn_blocking<F, R>(&self, f: F) -> JoinHandle<R>
    where
        F: FnOnce() -> R + Send + 'static,
        R: Send + 'static,
    {
        self.handle.spawn_blocking(f)
    }

    /// A handle to this runtime, usable from any thread.
    pub fn handle(&self) -> &Handle {
        &self.handle
    }

    /// The readiness multiplexer in use.
    pub fn backend(&self) -> Backend {
        self.handle.backend()
    }

    /// Shuts the runtime down without waiting: `block_on`'s loop is shut
    /// down here as dropping does, the workers are told to stop and left to
    /// shut their loops down on their own threads (not joined), and blocking
    /// threads are never waited for.
    pub fn shutdown_background(mut self) {
        self.shutdown(None);
    }

    /// Shuts the runtime down as dropping it does, but waits at most
    /// `timeout` (instead of 5 s) for the workers of a multi-thread runtime
    /// to finish; blocking threads are never waited for.
    pub fn shutdown_timeout(mut self, timeout: Duration) {
        self.shutdown(Some(timeout));
    }

    /// Stops the workers, shuts `block_on`'s loop down here, then joins the
    /// workers (each shuts its own loop down on its thread meanwhile),
    /// waiting at most `bound` (`None`: not at all).
    fn shutdown(&mut self, bound: Option<Duration>) {
        let workers = self.workers.take();
        if let Some(w) = &workers {
            w.stop();
        }
        self.shutdown_main();
        self.handle.inner.blocking.shutdown();
        if let (Some(w), Some(bound)) = (workers, bound) {
            w.join(bound);
        }
    }

    fn shutdown_main(&mut self) {
        let shared = &self.handle.inner.main;
        let Some(core) = shared.idle.lock().take() else {
            return;
        };
        let left = shared.close();
        drop(left.released); // their fds close; the backend goes away below
        if core.tasks.is_wrong_thread() {
            // Dropping possibly-!Send futures here would be unsound: leak them.
            eprintln!(
                "mini_rt: runtime dropped on a thread other than the one its tasks were \
                 spawned on; leaking those tasks and their resources"
            );
            // But tasks queued by `Handle::spawn` and never adopted are `Send`
            // and would be stranded: cancel them, as `Handle::spawn` promises.
            core.tasks.shutdown_unadopted(left.tasks);
            std::mem::forget(core);
            // Its registrations stay held by the leaked loop: whoever asks
            // for one from now on gets an error instead of waiting forever.
            shared.abandon();
            return;
        }
        match context::enter(core) {
            Ok(()) => {
                context::with_core(|core| core.shutdown(left.tasks));
                drop(context::exit());
            }
            // Dropped inside another runtime, or while this thread's
            // thread-locals are destroyed (a runtime kept in a `thread_local!`):
            // shut down without our context. Tasks and registrations dropped
            // then find no runtime and close their fds directly (the remote
            // queue is closed); then the driver drops what is left.
            Err(core) => core.shutdown(left.tasks),
        }
    }
}

impl Drop for Runtime {
    fn drop(&mut self) {
        self.shutdown(Some(WORKER_SHUTDOWN_BOUND));
    }
}

impl std::fmt::Debug for Runtime {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Runtime")
            .field("handle", &self.handle)
            .finish()
    }
}
