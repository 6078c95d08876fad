//! The task waker: a `RawWaker` whose data pointer is the task's header and
//! which owns one count of the task's refcount. Waking moves (or counts) a
//! reference into a queue entry and hands the task to its runtime.

use super::raw::{drop_ref, Header, RawTask};
use super::state::Notify;
use crate::runtime::Shared;
use std::ptr::NonNull;
use std::task::{RawWaker, RawWakerVTable};

static WAKER_VTABLE: RawWakerVTable =
    RawWakerVTable::new(waker_clone, waker_wake, waker_wake_by_ref, waker_drop);

/// Whether `waker` is a mini_rt task's waker. Waking the waker of a task
/// that has been polled only queues the task, locally or on its loop's
/// remote queue, and runs no user code (only a never-polled task is shut
/// down by a wake after its loop closed), so the reactor may wake it while
/// it holds borrows of its own state.
#[inline]
pub(crate) fn is_task_waker(waker: &std::task::Waker) -> bool {
    std::ptr::eq(waker.vtable(), &WAKER_VTABLE)
}

pub(super) fn raw_waker(ptr: NonNull<Header>) -> RawWaker {
    RawWaker::new(ptr.as_ptr() as *const (), &WAKER_VTABLE)
}

unsafe fn waker_clone(data: *const ()) -> RawWaker {
    // SAFETY: `data` is the header of a live task (the waker holds a reference).
    let header = unsafe { &*(data as *const Header) };
    header.state.ref_inc();
    RawWaker::new(data, &WAKER_VTABLE)
}

unsafe fn waker_wake(data: *const ()) {
    // SAFETY: non-null header of a task this waker holds a reference to.
    let ptr = unsafe { NonNull::new_unchecked(data as *mut Header) };
    // SAFETY: alive while we hold the reference.
    let header = unsafe { ptr.as_ref() };
    match header.state.transition_to_notified_by_val() {
        // SAFETY: our reference moves into the queue entry.
        Notify::Submit => schedule(unsafe { RawTask::from_raw_ref(ptr) }),
        // SAFETY: we own the reference and drop it.
        Notify::DoNothing => unsafe { drop_ref(ptr) },
    }
}

unsafe fn waker_wake_by_ref(data: *const ()) {
    // SAFETY: non-null header of a task this waker holds a reference to.
    let ptr = unsafe { NonNull::new_unchecked(data as *mut Header) };
    // SAFETY: alive while the waker lives.
    let header = unsafe { ptr.as_ref() };
    if header.state.transition_to_notified_by_ref() == Notify::Submit {
        // SAFETY: the transition counted a new reference for the entry.
        schedule(unsafe { RawTask::from_raw_ref(ptr) });
    }
}

unsafe fn waker_drop(data: *const ()) {
    // SAFETY: the waker owned one reference to a live task.
    unsafe { drop_ref(NonNull::new_unchecked(data as *mut Header)) }
}

/// Hands a notified task to its runtime: the local queue when called on the
/// runtime's thread, else the locked remote queue plus a coalesced wake.
pub(super) fn schedule(task: RawTask) {
    Shared::schedule(task);
}
