//! The task cell and every raw-pointer operation on it (the waker's are in
//! `waker.rs`).
//!
//! A task is one heap allocation: `Cell<F> { header, stage, join_waker }`, with
//! the header first (`repr(C)`) so a `NonNull<Header>` can be cast back to the
//! cell by the type-erased functions in the vtable. The stage holds the
//! future, then its output, then nothing; only the runtime thread touches the
//! future (polls and drops it), which is what makes `!Send` futures sound even
//! though wakers and join handles are `Send`.

use super::state::{self, Idle, Notify, State};
use super::waker::{raw_waker, schedule};
use super::{coop, JoinError};
use crate::runtime::Shared;
use std::any::Any;
use std::cell::UnsafeCell;
use std::future::Future;
use std::mem::ManuallyDrop;
use std::panic::{self, AssertUnwindSafe};
use std::pin::Pin;
use std::ptr::NonNull;
use std::sync::atomic::AtomicUsize;
use std::sync::Arc;
use std::task::{Context, Poll, Waker};

pub(crate) struct Header {
    pub(super) state: State,
    vtable: &'static Vtable,
    /// Where wakes are delivered.
    pub(crate) shared: Arc<Shared>,
    /// Index in the runtime's owned-task slab (runtime thread only).
    pub(crate) owned_index: AtomicUsize,
    /// Spawned with `spawn` (may be `!Send`): pins the runtime to its thread.
    pub(crate) local: bool,
}

struct Vtable {
    poll: unsafe fn(NonNull<Header>) -> Step,
    shutdown: unsafe fn(NonNull<Header>),
    try_read_output: unsafe fn(NonNull<Header>, *mut (), &Waker),
    drop_join_handle: unsafe fn(NonNull<Header>),
    dealloc: unsafe fn(NonNull<Header>),
}

enum Stage<F: Future> {
    Running(F),
    Finished(Result<F::Output, JoinError>),
    Consumed,
}

#[repr(C)]
struct Cell<F: Future> {
    header: Header,
    stage: UnsafeCell<Stage<F>>,
    join_waker: UnsafeCell<Option<Waker>>,
}

/// What the runner must do after polling a task; the polled queue entry's
/// reference is in the variant that still needs it.
pub(crate) enum Polled {
    /// Parked; the entry's reference was released by the same atomic step.
    Idle,
    /// Woken during its poll: push this entry to the back of the queue.
    Requeue(RawTask),
    /// Finished (output stored, or cancelled/panicked): release its owned
    /// entry, then drop this one.
    Complete(RawTask),
    /// Already completed before this poll (shut down while queued).
    Stale,
}

/// The type-erased poll's result. `Idle` means the polled entry's reference
/// was released; for the others the caller still owns it.
#[derive(Debug, PartialEq, Eq)]
enum Step {
    Idle,
    Requeue,
    Complete,
    Stale,
}

/// An owned reference to a task (one count of the refcount).
pub(crate) struct RawTask {
    ptr: NonNull<Header>,
}

// SAFETY: a RawTask is a counted reference to a cell whose shared parts
// (state, shared, owned_index) are thread-safe. The future inside is only
// polled or dropped through `poll`/`shutdown`, which the runtime calls on its
// own thread (enforced by `super::list::LocalTasks`).
unsafe impl Send for RawTask {}
// SAFETY: as above; `&RawTask` only exposes the thread-safe header.
unsafe impl Sync for RawTask {}

impl RawTask {
    /// Allocates a task holding `future`, with `refs` references, all owned
    /// by the returned value(s) the caller creates with [`RawTask::from_raw_ref`].
    pub(crate) fn allocate<F>(
        future: F,
        shared: Arc<Shared>,
        local: bool,
        refs: usize,
    ) -> NonNull<Header>
    where
        F: Future + 'static,
        F::Output: 'static,
    {
        let cell = Box::new(Cell {
            header: Header {
                state: State::new(refs),
                vtable: vtable::<F>(),
                shared,
                owned_index: AtomicUsize::new(usize::MAX),
                local,
            },
            stage: UnsafeCell::new(Stage::Running(future)),
            join_waker: UnsafeCell::new(None),
        });
        NonNull::from(Box::leak(cell)).cast()
    }

    /// Wraps one reference already counted in the state.
    ///
    /// # Safety
    /// `ptr` must come from [`RawTask::allocate`] and the caller must own one
    /// uncounted-for reference of it.
    pub(super) unsafe fn from_raw_ref(ptr: NonNull<Header>) -> RawTask {
        RawTask { ptr }
    }

    pub(crate) fn header(&self) -> &Header {
        // SAFETY: we hold a reference, so the cell is alive.
        unsafe { self.ptr.as_ref() }
    }

    /// Polls the task once, consuming this (queue entry's) reference.
    /// Runtime thread only.
    pub(crate) fn poll(self) -> Polled {
        let this = ManuallyDrop::new(self);
        let ptr = this.ptr;
        // SAFETY: the cell is alive; the vtable matches its type. `this` is
        // not dropped: the step says whether our reference is still ours.
        match unsafe { (this.header().vtable.poll)(ptr) } {
            Step::Idle => Polled::Idle,
            Step::Requeue => Polled::Requeue(RawTask { ptr }),
            Step::Complete => Polled::Complete(RawTask { ptr }),
            Step::Stale => {
                drop(RawTask { ptr });
                Polled::Stale
            }
        }
    }

    /// Drops the future and completes the task as cancelled. Runtime thread
    /// only, except for a never-adopted task (spawned by `Handle::spawn`,
    /// hence `Send`), which any thread may shut down.
    pub(crate) fn shutdown(&self) {
        // SAFETY: the cell is alive; the vtable matches its type.
        unsafe { (self.header().vtable.shutdown)(self.ptr) }
    }

    /// Aborts the task from any thread (see `JoinHandle::abort`).
    pub(crate) fn abort(&self) {
        // SAFETY: we hold a reference.
        unsafe { remote_abort(self.ptr) }
    }

    /// Whether the task has completed.
    pub(crate) fn is_complete(&self) -> bool {
        self.header().state.load() & state::COMPLETE != 0
    }

    /// Whether the task was aborted or shut down (its cancelled bit is set).
    pub(crate) fn is_cancelled(&self) -> bool {
        self.header().state.load() & state::CANCELLED != 0
    }

    /// Takes one more reference.
    pub(crate) fn clone_ref(&self) -> RawTask {
        self.header().state.ref_inc();
        RawTask { ptr: self.ptr }
    }
}

impl Clone for RawTask {
    fn clone(&self) -> RawTask {
        self.clone_ref()
    }
}

impl Drop for RawTask {
    fn drop(&mut self) {
        // SAFETY: we own one reference.
        unsafe { drop_ref(self.ptr) }
    }
}

/// Drops one reference, deallocating on the last.
///
/// # Safety
/// The caller owns one counted reference to a live cell.
pub(super) unsafe fn drop_ref(ptr: NonNull<Header>) {
    // SAFETY: alive while we hold our reference.
    let header = unsafe { ptr.as_ref() };
    if header.state.ref_dec() {
        // SAFETY: that was the last reference.
        unsafe { (header.vtable.dealloc)(ptr) }
    }
}

mod join_side;
use join_side::{drop_join_handle, try_read_output};
pub(super) use join_side::{join_drop, join_try_read};

fn vtable<F: Future + 'static>() -> &'static Vtable {
    &Vtable {
        poll: poll::<F>,
        shutdown: shutdown::<F>,
        try_read_output: try_read_output::<F>,
        drop_join_handle: drop_join_handle::<F>,
        dealloc: dealloc::<F>,
    }
}

/// # Safety (for all the typed functions below)
/// `ptr` points to a live `Cell<F>` of exactly this `F`.
unsafe fn cell<'a, F: Future>(ptr: NonNull<Header>) -> &'a Cell<F> {
    // SAFETY: Header is the first field of the repr(C) Cell<F>.
    unsafe { ptr.cast::<Cell<F>>().as_ref() }
}

/// # Safety
/// As for `cell`; and the caller owns one reference, which `Step::Idle`
/// releases (for the other steps it is still the caller's).
unsafe fn poll<F: Future>(ptr: NonNull<Header>) -> Step {
    // SAFETY: see `cell`.
    let cell = unsafe { cell::<F>(ptr) };
    let cancelled = match cell.header.state.transition_to_running() {
        None => return Step::Stale,
        Some(c) => c,
    };
    if cancelled {
        // SAFETY: RUNNING is set: we have exclusive access to the stage.
        unsafe { cancel(cell, JoinError::cancelled()) };
        return Step::Complete;
    }
    // SAFETY: the waker borrows our queue entry's reference; ManuallyDrop keeps
    // it from being released when this temporary goes away.
    let waker = ManuallyDrop::new(unsafe { Waker::from_raw(raw_waker(ptr)) });
    let mut cx = Context::from_waker(&waker);
    let res = coop::with_budget(|| {
        panic::catch_unwind(AssertUnwindSafe(|| {
            // If the poll panics, this drops the future during the unwind.
            let guard = DropFutureOnUnwind(cell);
            // SAFETY: RUNNING is set, so only this thread touches the stage.
            let polled = match unsafe { &mut *cell.stage.get() } {
                // SAFETY: the future is pinned in place: the heap cell never
                // moves it, and it is dropped where it lies.
                Stage::Running(fut) => unsafe { Pin::new_unchecked(fut) }.poll(&mut cx),
                _ => unreachable!("polled a task whose future is gone"),
            };
            std::mem::forget(guard);
            polled
        }))
    });
    match res {
        // The transition releases (Ok) or re-queues (Notified) our reference.
        Ok(Poll::Pending) => match cell.header.state.transition_to_idle() {
            Idle::Ok => Step::Idle,
            Idle::Notified => Step::Requeue,
            Idle::Cancelled => {
                // SAFETY: still RUNNING.
                unsafe { cancel(cell, JoinError::cancelled()) };
                Step::Complete
            }
        },
        Ok(Poll::Ready(out)) => {
            // SAFETY: still RUNNING; dropping the finished future may panic.
            unsafe { store_output(cell, Ok(out)) };
            Step::Complete
        }
        Err(payload) => {
            // The guard dropped the future during the unwind.
            // SAFETY: still RUNNING.
            unsafe { cancel(cell, JoinError::panic(payload)) };
            Step::Complete
        }
    }
}

/// Armed around a task's poll: if the poll panics, its `Drop` runs during
/// the unwind and drops the future there, as tokio does. So the future's
/// destructors see `std::thread::panicking()`, and whatever they release
/// (a oneshot sender, a lock guard) is released before the `JoinHandle`
/// resolves. A panic in that drop is caught here (escaping a destructor
/// during an unwind would abort the process); the poll's panic is the one
/// reported.
struct DropFutureOnUnwind<'a, F: Future>(&'a Cell<F>);

impl<F: Future> Drop for DropFutureOnUnwind<'_, F> {
    fn drop(&mut self) {
        let cell = self.0;
        // SAFETY: RUNNING is still set by this thread (the poll unwound out of
        // the future, which holds no borrow of the stage any more).
        let _ = panic::catch_unwind(AssertUnwindSafe(|| unsafe {
            *cell.stage.get() = Stage::Consumed;
        }));
    }
}

/// Drops the future (catching a panic in its drop) and completes with `err`.
///
/// # Safety
/// RUNNING is set by this thread.
unsafe fn cancel<F: Future>(cell: &Cell<F>, err: JoinError) {
    // SAFETY: exclusive access while RUNNING.
    let dropped = panic::catch_unwind(AssertUnwindSafe(|| unsafe {
        *cell.stage.get() = Stage::Consumed;
    }));
    let err = match dropped {
        Err(payload) if !err.is_panic() => JoinError::panic(payload),
        _ => err,
    };
    // SAFETY: still RUNNING.
    unsafe { store_output(cell, Err(err)) }
}

/// # Safety
/// RUNNING is set by this thread.
unsafe fn store_output<F: Future>(cell: &Cell<F>, out: Result<F::Output, JoinError>) {
    // Replacing the stage drops the future (if still there); a panic in its
    // drop turns the result into a panic error.
    // SAFETY: exclusive access while RUNNING.
    let res = panic::catch_unwind(AssertUnwindSafe(|| unsafe {
        *cell.stage.get() = Stage::Consumed;
    }));
    let out = match res {
        Ok(()) => out,
        Err(payload) => Err(JoinError::panic(payload)),
    };
    // SAFETY: as above.
    unsafe { *cell.stage.get() = Stage::Finished(out) };
    complete(cell);
}

fn complete<F: Future>(cell: &Cell<F>) {
    let snapshot = cell.header.state.transition_to_complete();
    if snapshot & state::JOIN_INTEREST == 0 {
        // Nobody will read the output: drop it here, on the runtime thread.
        // SAFETY: COMPLETE without JOIN_INTEREST: the stage is ours.
        let _ = panic::catch_unwind(AssertUnwindSafe(|| unsafe {
            *cell.stage.get() = Stage::Consumed;
        }));
    } else if snapshot & state::JOIN_WAKER != 0 {
        // SAFETY: JOIN_WAKER set: the slot is initialised and the handle won't
        // write it until we unset the bit.
        if let Some(w) = unsafe { &*cell.join_waker.get() } {
            // A waker that panics (its owner's bug) must not unwind out of
            // the runtime, nor skip the transition below: that would leave
            // JOIN_WAKER set and the task's owned entry never released.
            let _ = panic::catch_unwind(AssertUnwindSafe(|| w.wake_by_ref()));
        }
        let after = cell.header.state.unset_waker_after_complete();
        if after & state::JOIN_INTEREST == 0 {
            // The handle was dropped meanwhile and left the waker to us.
            // SAFETY: the handle is gone; nobody else touches the slot.
            unsafe { *cell.join_waker.get() = None };
        }
    }
}

unsafe fn shutdown<F: Future>(ptr: NonNull<Header>) {
    // SAFETY: see `cell`.
    let cell = unsafe { cell::<F>(ptr) };
    if cell.header.state.transition_to_shutdown() {
        // SAFETY: we set RUNNING.
        unsafe { cancel(cell, JoinError::cancelled()) };
    }
}

unsafe fn dealloc<F: Future>(ptr: NonNull<Header>) {
    // SAFETY: the last reference is gone; the cell came from Box::leak.
    let cell = unsafe { Box::from_raw(ptr.cast::<Cell<F>>().as_ptr()) };
    debug_assert!(
        // SAFETY: we own the cell (the last reference), so nothing else
        // touches the stage.
        !matches!(unsafe { &*cell.stage.get() }, Stage::Running(_)),
        "a task's future must be dropped by the runtime, not by its last reference"
    );
    drop(cell);
}

/// Aborts the task from any thread.
///
/// # Safety
/// `ptr` is a live task (the caller holds a reference).
pub(super) unsafe fn remote_abort(ptr: NonNull<Header>) {
    // SAFETY: alive per the contract.
    let header = unsafe { ptr.as_ref() };
    if header.state.transition_to_notified_and_cancel() == Notify::Submit {
        // SAFETY: the transition counted a reference for the queue entry.
        schedule(unsafe { RawTask::from_raw_ref(ptr) });
    }
}

/// Payload of a panic converted for `JoinError`.
pub(super) type Payload = Box<dyn Any + Send + 'static>;
