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
pub use yield_now::yield_now;

use crate::context;
use crate::runtime::{Core, Shared};
use std::future::Future;
use std::sync::Arc;

/// Spawns `future` on the current runtime and returns a handle to its output.
///
/// Unlike tokio's, the future need not be `Send`: the runtime is
/// single-threaded and polls and drops the future on its own thread (this is
/// tokio's `spawn_local` without a `LocalSet`). The task starts running when
/// the spawner yields. Panics outside a runtime, as tokio's does.
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
    shared.push_remote(queued);
    handle
}
