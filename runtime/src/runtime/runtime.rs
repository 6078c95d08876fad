//! `Runtime`: owns the core and drives it in `block_on`.

use super::core::Core;
use super::{Backend, Builder, Handle, Shared};
use crate::context;
use crate::task::{self, JoinHandle};
use parking_lot::Mutex;
use std::future::Future;
use std::io;
use std::pin::pin;
use std::sync::Arc;
use std::time::Duration;

/// A single-threaded async runtime (tokio's current-thread `Runtime`).
///
/// `Runtime` is `Send` and `Sync`: it may be built on one thread and driven
/// on another. Only one thread can be inside `block_on` at a time, and once it
/// holds tasks spawned with [`spawn`](crate::task::spawn) (which may be
/// `!Send`), only that thread may drive it; other threads get a clear panic.
/// Dropping the runtime drops every task on the current thread and releases
/// every fd the runtime holds (its backend and eventfd included); it never
/// waits for `spawn_blocking` threads. Dropped on another thread while it
/// holds such possibly-`!Send` tasks, it cannot drop them there: it leaks
/// them with their fds, and cancels only the `Send` tasks that
/// `Handle::spawn` queued and that never started.
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
    core: Mutex<Option<Box<Core>>>,
}

/// Puts the core back into the runtime when `block_on` returns or unwinds.
struct Enter<'a> {
    slot: &'a Mutex<Option<Box<Core>>>,
}

impl Drop for Enter<'_> {
    fn drop(&mut self) {
        if let Some(core) = context::exit() {
            *self.slot.lock() = Some(core);
        }
    }
}

impl Runtime {
    pub(crate) fn from_parts(shared: Arc<Shared>, core: Box<Core>) -> Runtime {
        Runtime {
            handle: Handle { shared },
            core: Mutex::new(Some(core)),
        }
    }

    /// A runtime with default settings (`Builder::new_current_thread().enable_all().build()`).
    pub fn new() -> io::Result<Runtime> {
        Builder::new_current_thread().enable_all().build()
    }

    /// Runs `future` to completion on this thread, running spawned tasks,
    /// IO and timers meanwhile.
    ///
    /// The first call on a thread lowers that thread's kernel timer slack to
    /// 1 µs (`PR_SET_TIMERSLACK`), so sub-millisecond sleeps are precise.
    ///
    /// Panics if called from inside a runtime (nested `block_on`: the outer
    /// runtime would stall), or while another thread is inside `block_on`.
    #[track_caller]
    pub fn block_on<F: Future>(&self, future: F) -> F::Output {
        if context::is_entered() {
            panic!(
                "Cannot start a runtime from within a runtime. This happens because a function \
                 (like `block_on`) attempted to block the current thread while the thread is \
                 being used to drive asynchronous tasks."
            );
        }
        let core = {
            let mut slot = self.core.lock();
            match slot.as_ref() {
                Some(core) => core.tasks.check_thread(),
                None => panic!(
                    "mini_rt: this runtime is already running `block_on` on another thread; \
                     a current-thread runtime is driven by one thread at a time"
                ),
            }
            slot.take().expect("checked above")
        };
        crate::sys::thread::tighten_timer_slack();
        let _enter = Enter { slot: &self.core };
        if let Err(core) = context::enter(core) {
            // The context was free, so it is destroyed: the thread is exiting.
            *self.core.lock() = Some(core);
            panic!(
                "mini_rt: `block_on` called while this thread's thread-locals are being \
                 destroyed; a runtime cannot run there"
            );
        }
        let mut future = pin!(future);
        context::with_core(|core| core.block_on(future.as_mut())).expect("entered above")
    }

    /// Spawns `future` (which need not be `Send`) onto this runtime. It runs
    /// when the runtime is driven by `block_on`.
    #[track_caller]
    pub fn spawn<F>(&self, future: F) -> JoinHandle<F::Output>
    where
        F: Future + 'static,
        F::Output: 'static,
    {
        let id = self.handle.shared.id;
        let mut future = Some(future);
        let spawned = context::with_runtime(id, |core| {
            task::spawn_on(core, future.take().expect("taken once"), true)
        });
        if let Some(handle) = spawned {
            return handle;
        }
        let slot = self.core.lock();
        let core = slot.as_ref().unwrap_or_else(|| {
            panic!("mini_rt: cannot spawn onto a runtime that another thread is driving; use Handle::spawn with a Send future")
        });
        core.tasks.check_thread();
        task::spawn_on(core, future.take().expect("taken once"), true)
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

    /// Drops the runtime without waiting for blocking threads (as dropping does).
    pub fn shutdown_background(self) {
        drop(self);
    }

    /// Drops the runtime; mini_rt never waits for blocking threads, so the
    /// timeout is only accepted for tokio compatibility.
    pub fn shutdown_timeout(self, _timeout: Duration) {
        drop(self);
    }
}

impl Drop for Runtime {
    fn drop(&mut self) {
        let Some(core) = self.core.get_mut().take() else {
            return;
        };
        let left = self.handle.shared.close();
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

impl std::fmt::Debug for Runtime {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Runtime")
            .field("backend", &self.backend())
            .finish()
    }
}
