//! `Handle`: a cloneable, `Send` reference to a runtime.

use super::{Backend, Shared};
use crate::context;
use crate::task::{self, JoinHandle};
use std::fmt;
use std::future::Future;
use std::sync::Arc;

/// A handle to a runtime, usable from any thread (tokio's `runtime::Handle`).
///
/// ```
/// # use mini_rt_runtime as mini_rt;
/// use mini_rt::runtime::{Handle, Runtime};
///
/// let rt = Runtime::new()?;
/// let handle = rt.handle().clone();
/// // From another thread: the `Send` future is queued onto the runtime...
/// let task = std::thread::spawn(move || handle.spawn(async { 6 * 7 }))
///     .join()
///     .unwrap();
/// // ...and runs when the runtime does.
/// assert_eq!(rt.block_on(task).unwrap(), 42);
/// // Inside the runtime, `Handle::current` finds it.
/// rt.block_on(async { assert_eq!(Handle::current().backend(), rt.backend()) });
/// # Ok::<(), std::io::Error>(())
/// ```
#[derive(Clone)]
pub struct Handle {
    pub(crate) shared: Arc<Shared>,
}

/// Counters describing what a runtime has done: the cost of its backend.
///
/// ```
/// # use mini_rt_runtime as mini_rt;
/// use mini_rt::runtime::{Handle, Runtime};
///
/// let rt = Runtime::new()?;
/// let stats = rt.block_on(async {
///     for _ in 0..3 {
///         mini_rt::spawn(async {}).await.unwrap();
///     }
///     // On the runtime's thread, the counters are live.
///     Handle::current().stats()
/// });
/// assert!(stats.polls >= 3, "each task was polled");
/// assert_eq!(stats.tasks, 0, "and none is left");
/// # Ok::<(), std::io::Error>(())
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RuntimeStats {
    /// Task polls.
    pub polls: u64,
    /// Times the driver waited on the backend (blocking or not).
    pub parks: u64,
    /// IO readiness events received from the backend.
    pub events: u64,
    /// Wakers woken by IO events and timers.
    pub wakeups: u64,
    /// Wakeups whose operation then returned `WouldBlock`.
    pub spurious_wakeups: u64,
    /// Live fd registrations.
    pub registrations: u64,
    /// Futures parked in the waiter lists of IO registrations (`ready`,
    /// `readable`, `accept`, `recv`, … awaited and not yet woken or done).
    pub io_waiters: u64,
    /// Live timers.
    pub timers: u64,
    /// Live tasks.
    pub tasks: u64,
}

/// Returned by [`Handle::try_current`] outside a runtime.
///
/// ```
/// # use mini_rt_runtime as mini_rt;
/// use mini_rt::runtime::{Handle, Runtime};
///
/// assert!(Handle::try_current().is_err()); // no runtime on this thread
/// let rt = Runtime::new()?;
/// rt.block_on(async { assert!(Handle::try_current().is_ok()) });
/// # Ok::<(), std::io::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TryCurrentError(());

impl fmt::Display for TryCurrentError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(context::NO_RUNTIME)
    }
}

impl std::error::Error for TryCurrentError {}

impl Handle {
    /// The handle of the runtime running on this thread. Panics outside one.
    #[track_caller]
    pub fn current() -> Handle {
        Handle::try_current().unwrap_or_else(|e| panic!("{e}"))
    }

    /// The handle of the runtime running on this thread, if any.
    pub fn try_current() -> Result<Handle, TryCurrentError> {
        context::with_core(|core| Handle {
            shared: core.shared.clone(),
        })
        .ok_or(TryCurrentError(()))
    }

    /// Spawns a `Send` future onto the runtime from any thread. From another
    /// thread it is queued remotely and the runtime is woken; if the runtime
    /// was dropped, the task is cancelled at once (its handle yields a
    /// cancelled `JoinError`).
    pub fn spawn<F>(&self, future: F) -> JoinHandle<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        let mut future = Some(future);
        let local = context::with_runtime(self.shared.id, |core| {
            task::spawn_on(core, future.take().expect("taken once"), false)
        });
        match local {
            Some(handle) => handle,
            None => task::spawn_remote(&self.shared, future.take().expect("taken once")),
        }
    }

    /// Runs `f` on the runtime's blocking pool, from any thread (see
    /// [`task::spawn_blocking`](crate::task::spawn_blocking): when the pool is
    /// full, `f` queues until a thread is free).
    pub fn spawn_blocking<F, R>(&self, f: F) -> JoinHandle<R>
    where
        F: FnOnce() -> R + Send + 'static,
        R: Send + 'static,
    {
        task::blocking::spawn_blocking_on(self, f)
    }

    /// The readiness multiplexer the runtime uses.
    pub fn backend(&self) -> Backend {
        self.shared.backend
    }

    /// The runtime's counters: live when called on the runtime's thread, else
    /// as of the last time the runtime parked.
    pub fn stats(&self) -> RuntimeStats {
        context::with_runtime(self.shared.id, |core| core.snapshot_stats())
            .unwrap_or_else(|| *self.shared.stats.lock())
    }
}

impl fmt::Debug for Handle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Handle")
            .field("backend", &self.shared.backend)
            .finish()
    }
}
