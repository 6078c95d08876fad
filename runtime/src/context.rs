//! The thread-local runtime context: the core of the runtime whose
//! `block_on` is running on this thread (or that is being dropped here).
//!
//! `block_on` moves the runtime's `Core` into this slot for its duration and
//! takes it back afterwards, so everything a future needs (the run queue, the
//! reactor, the timers) is reached through a shared borrow of this slot, with
//! no `unsafe` and no locks. A second `block_on` on the same thread finds the
//! slot taken and panics with a clear message.
//!
//! `CURRENT` has a destructor, so it can be gone: a runtime kept in a
//! `thread_local!` is dropped while the thread's thread-locals are
//! destroyed, possibly after this one. Everything that runtime drop can
//! reach therefore uses `try_with` and treats a destroyed context as "no
//! runtime here" (the runtime then shuts down without it), never `with`,
//! which would panic and abort the process. `CURRENT_ID` has no destructor
//! and is always there.

use crate::runtime::Core;
use crate::task::LocalTasks;
use std::cell::{Cell, RefCell};

thread_local! {
    static CURRENT: RefCell<Option<Box<Core>>> = const { RefCell::new(None) };
    /// The id of the runtime in `CURRENT` (0: none). A plain `Cell` with no
    /// destructor, so checking it is a single thread-local load: the hot
    /// paths that only need to know they run on their runtime's thread use
    /// it instead of borrowing `CURRENT`.
    static CURRENT_ID: Cell<u64> = const { Cell::new(0) };
}

/// Installs `core` as this thread's context. Returns it back if the slot is
/// taken (a runtime is already running on this thread) or destroyed (the
/// thread is exiting).
pub(crate) fn enter(core: Box<Core>) -> Result<(), Box<Core>> {
    let mut core = Some(core);
    let _ = CURRENT.try_with(|c| {
        if let Ok(mut slot) = c.try_borrow_mut() {
            if slot.is_none() {
                let core = core.take().expect("taken once");
                CURRENT_ID.set(core.shared.id);
                let installed = slot.insert(core);
                installed.tasks.set_entered();
            }
        }
    });
    match core {
        None => Ok(()),
        Some(core) => Err(core),
    }
}

/// Takes the core back out of this thread's context.
pub(crate) fn exit() -> Option<Box<Core>> {
    CURRENT_ID.set(0);
    LocalTasks::clear_entered();
    CURRENT
        .try_with(|c| c.try_borrow_mut().ok()?.take())
        .ok()
        .flatten()
}

/// Whether some runtime is running on this thread (false once the context
/// is destroyed: [`enter`] then fails instead).
pub(crate) fn is_entered() -> bool {
    CURRENT
        .try_with(|c| c.try_borrow().map_or(true, |s| s.is_some()))
        .unwrap_or(false)
}

/// Runs `f` with this thread's current core, or returns `None` if there is
/// none (or the thread is being torn down).
#[inline]
pub(crate) fn with_core<R>(f: impl FnOnce(&Core) -> R) -> Option<R> {
    CURRENT
        .try_with(|c| {
            let slot = c.try_borrow().ok()?;
            slot.as_deref().map(f)
        })
        .ok()
        .flatten()
}

/// Whether the runtime with `id` is this thread's current one (runtime ids
/// start at 1).
#[inline]
pub(crate) fn is_current(id: u64) -> bool {
    CURRENT_ID.get() == id
}

/// Whether any loop is running on this thread (a cheap check: the id only).
#[inline]
pub(crate) fn in_runtime() -> bool {
    CURRENT_ID.get() != 0
}

/// Like [`with_core`], but only if the current core belongs to runtime `id`.
#[inline]
pub(crate) fn with_runtime<R>(id: u64, f: impl FnOnce(&Core) -> R) -> Option<R> {
    with_core(|core| (core.shared.id == id).then(|| f(core))).flatten()
}

/// The message used when an API that needs a runtime is called outside one.
pub(crate) const NO_RUNTIME: &str =
    "there is no mini_rt runtime running on this thread: call this from inside \
     `Runtime::block_on`, a `#[mini_rt::main]` function or a spawned task";
