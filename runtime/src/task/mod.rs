//! Tasks: spawning, joining, cancelling, yielding and blocking work.
//!
//! A task is one allocation holding its future, its output slot and a state
//! word (see `state.rs`); `raw.rs` has every raw-pointer operation on it and
//! is, with the waker vtable there and the `Send` impls, the only unsafe code
//! of the executor.

mod abort;
pub(crate) mod blocking;
pub(crate) mod coop;
mod join;
mod join_set;
mod list;
mod local_set;
#[doc(hidden)]
pub mod pool;
mod raw;
mod state;
#[cfg(all(test, loom))]
mod state_loom;
mod task_local;
mod waker;
mod yield_now;

pub use abort::AbortHandle;
pub use blocking::spawn_blocking;
pub use join::{JoinError, JoinHandle};
pub use join_set::JoinSet;
pub(crate) use list::{LocalTasks, UNOWNED};
pub use local_set::{LocalEnterGuard, LocalSet};
pub(crate) use raw::RawTask;
pub use task_local::{AccessError, LocalKey, TaskLocalFuture};
pub(crate) use waker::is_task_waker;
pub use yield_now::yield_now;

use crate::context;
use crate::runtime::{Core, Shared};
use std::future::Future;
use std::sync::Arc;

/// Spawns `future` on the current runtime's loop and returns a handle to its
/// output.
///
/// Unlike tokio's, the future need not be `Send`: the task stays on the loop
/// that spawned it, which polls and drops it on its own thread (this is
/// tokio's `spawn_local` without a `LocalSet`). In a multi-thread runtime that
/// is the calling worker (or, inside `block_on`, the caller's own loop); use
/// [`Handle::spawn`](crate::runtime::Handle::spawn) to place a `Send` task on
/// the least loaded worker. The task starts running when the spawner yields.
/// Panics outside a runtime, as tokio's does.
#[track_caller]
pub fn spawn<F>(future: F) -> JoinHandle<F::Output>
where
    F: Future + 'static,
    F::Output: 'static,
{
    context::with_core(|core| spawn_on(core, future, true))
        .unwrap_or_else(|| panic!("{}", context::NO_RUNTIME))
}

/// Spawns a `!Send` future on the current thread, as tokio's: onto the
/// [`LocalSet`] being run here (inside [`LocalSet::run_until`] or one of the
/// set's tasks), else as [`spawn`] does (every task may be `!Send` on
/// mini_rt, so no `LocalSet` is needed). Panics outside a runtime.
#[track_caller]
pub fn spawn_local<F>(future: F) -> JoinHandle<F::Output>
where
    F: Future + 'static,
    F::Output: 'static,
{
    match local_set::try_spawn_in_current(future) {
        Ok(handle) => handle,
        Err(future) => spawn(future),
    }
}

/// Spawns onto `core`, which is the current thread's runtime.
pub(crate) fn spawn_on<F>(core: &Core, future: F, local: bool) -> JoinHandle<F::Output>
where
    F: Future + 'static,
    F::Output: 'static,
{
    // References: the owned set, the queue entry, the join handle.
    let ptr = RawTask::allocate(future, core.shared.clone(), local, 2);
    // SAFETY: `allocate` counted two references: one each for these two.
    let (queued, handle) = unsafe { (RawTask::from_raw_ref(ptr), JoinHandle::new(ptr)) };
    core.tasks.adopt(&queued);
    core.tasks.push(queued);
    handle
}

/// Spawns a `Send` future from any thread through the runtime's shared half:
/// it is queued remotely and adopted when the runtime thread first runs it.
pub(crate) fn spawn_remote<F>(shared: &Arc<Shared>, future: F) -> JoinHandle<F::Output>
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    let ptr = RawTask::allocate(future, shared.clone(), false, 2);
    // SAFETY: `allocate` counted two references: one each for these two.
    let (queued, handle) = unsafe { (RawTask::from_raw_ref(ptr), JoinHandle::new(ptr)) };
    shared
        .incoming
        .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    shared.push_remote(queued);
    handle
}

/// A `Send` future that, when first polled, calls `make` and spawns the
/// (possibly `!Send`) future it returns on the loop polling it, then yields
/// that task's output. Dropping it aborts the inner task. How a factory runs
/// on a chosen worker.
pub(crate) async fn run_spawned_here<M, Fut>(make: M) -> Fut::Output
where
    M: FnOnce() -> Fut + Send + 'static,
    Fut: Future + 'static,
    Fut::Output: Send + 'static,
{
    struct AbortOnDrop(AbortHandle);
    impl Drop for AbortOnDrop {
        fn drop(&mut self) {
            self.0.abort();
        }
    }
    let inner = spawn(make());
    let _abort = AbortOnDrop(inner.abort_handle());
    match inner.await {
        Ok(v) => v,
        Err(e) => match e.try_into_panic() {
            Ok(payload) => std::panic::resume_unwind(payload),
            // Cancelled: only by the loop shutting down, which drops this too.
            Err(_) => std::future::pending().await,
        },
    }
}
