//! The join handle's side of the task cell: reading the output or
//! registering the handle's waker, and giving up the handle.

use super::{cell, drop_ref, state, Cell, Header, JoinError, Stage};
use std::future::Future;
use std::panic::{self, AssertUnwindSafe};
use std::ptr::NonNull;
use std::task::{Poll, Waker};

/// Reads the output into `dst` (a `Poll<Result<T, JoinError>>`) or registers `waker`.
///
/// # Safety
/// `ptr` is a live task whose output type is `T`, `dst` points to a
/// `Poll<Result<T, JoinError>>`, and the caller is its join handle.
pub(in crate::task) unsafe fn join_try_read(ptr: NonNull<Header>, dst: *mut (), waker: &Waker) {
    // SAFETY: forwarded contract.
    unsafe { (ptr.as_ref().vtable.try_read_output)(ptr, dst, waker) }
}

/// # Safety
/// The caller is the task's join handle, giving up its reference.
pub(in crate::task) unsafe fn join_drop(ptr: NonNull<Header>) {
    // SAFETY: forwarded contract.
    unsafe { (ptr.as_ref().vtable.drop_join_handle)(ptr) }
}

/// The vtable's `try_read_output`: moves the output out if the task is
/// complete, else stores `waker` for the runner to wake.
///
/// # Safety
/// As [`join_try_read`], with `F` the task's exact future type.
pub(super) unsafe fn try_read_output<F: Future>(ptr: NonNull<Header>, dst: *mut (), waker: &Waker) {
    // SAFETY: see `cell`.
    let cell = unsafe { cell::<F>(ptr) };
    // SAFETY: the JoinHandle<F::Output> passes a `*mut Poll<Result<F::Output, JoinError>>`.
    let dst = unsafe { &mut *dst.cast::<Poll<Result<F::Output, JoinError>>>() };
    let s = cell.header.state.load();
    if s & state::COMPLETE == 0 {
        let registered = if s & state::JOIN_WAKER == 0 {
            // SAFETY: JOIN_WAKER unset: the slot is the handle's to write.
            unsafe { set_join_waker(cell, waker) }
        } else {
            // SAFETY: JOIN_WAKER set: reading is shared with the runner.
            let same = unsafe { &*cell.join_waker.get() }
                .as_ref()
                .is_some_and(|w| w.will_wake(waker));
            if same {
                return;
            }
            match cell.header.state.unset_join_waker() {
                // SAFETY: we just took the slot back.
                Ok(_) => unsafe { set_join_waker(cell, waker) },
                Err(_) => false,
            }
        };
        if registered {
            return;
        }
    }
    // COMPLETE: the output is ours (JOIN_INTEREST is still held by the caller).
    // SAFETY: the runner no longer touches the stage after COMPLETE.
    let stage = unsafe { std::mem::replace(&mut *cell.stage.get(), Stage::Consumed) };
    match stage {
        Stage::Finished(out) => *dst = Poll::Ready(out),
        _ => panic!("JoinHandle polled after completion"),
    }
}

/// Writes the waker and publishes it. Returns false if the task completed first.
///
/// # Safety
/// JOIN_WAKER must be unset and owned by the caller (the join handle).
unsafe fn set_join_waker<F: Future>(cell: &Cell<F>, waker: &Waker) -> bool {
    // SAFETY: per the contract, nobody else reads or writes the slot now.
    unsafe { *cell.join_waker.get() = Some(waker.clone()) };
    if cell.header.state.set_join_waker().is_ok() {
        true
    } else {
        // SAFETY: still ours: the bit was never published.
        unsafe { *cell.join_waker.get() = None };
        false
    }
}

/// The vtable's `drop_join_handle`: gives up the handle's interest (dropping
/// an unread output) and its reference.
///
/// # Safety
/// As [`join_drop`], with `F` the task's exact future type.
pub(super) unsafe fn drop_join_handle<F: Future>(ptr: NonNull<Header>) {
    // SAFETY: see `cell`.
    let cell = unsafe { cell::<F>(ptr) };
    let (drop_output, drop_waker) = cell.header.state.transition_to_join_handle_dropped();
    if drop_output {
        // SAFETY: COMPLETE and the handle still held interest: the output is ours.
        let _ = panic::catch_unwind(AssertUnwindSafe(|| unsafe {
            *cell.stage.get() = Stage::Consumed;
        }));
    }
    if drop_waker {
        // SAFETY: JOIN_WAKER is unset: the slot is ours.
        unsafe { *cell.join_waker.get() = None };
    }
    // SAFETY: the handle owned one reference.
    unsafe { drop_ref(ptr) }
}
