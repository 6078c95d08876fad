//! The task state word: a handful of flag bits plus a reference count, all in
//! one `AtomicUsize` so every transition is a single atomic operation.
//!
//! Who may touch what:
//! * `RUNNING`/`COMPLETE` are set only by the runtime thread.
//! * `NOTIFIED` means "one queue entry for this task exists (or the runner will
//!   re-queue it)": wakers set it, the runner clears it when it starts a poll.
//! * `JOIN_INTEREST` is held by a live `JoinHandle`; `JOIN_WAKER` says the join
//!   waker slot is initialised and, while `COMPLETE` is unset, owned by the runtime
//!   for reading — the handle may only write it while `JOIN_WAKER` is unset.
//! * The count in the upper bits counts `RawTask` references: the owned-task
//!   list, the join handle, every waker and every queue entry hold one.

#[cfg(loom)]
use loom::sync::atomic::{AtomicUsize, Ordering::AcqRel, Ordering::Acquire, Ordering::Relaxed};
#[cfg(not(loom))]
use std::sync::atomic::{AtomicUsize, Ordering::AcqRel, Ordering::Acquire, Ordering::Relaxed};

pub(super) const RUNNING: usize = 1 << 0;
pub(super) const COMPLETE: usize = 1 << 1;
pub(super) const NOTIFIED: usize = 1 << 2;
pub(super) const CANCELLED: usize = 1 << 3;
pub(super) const JOIN_INTEREST: usize = 1 << 4;
pub(super) const JOIN_WAKER: usize = 1 << 5;
pub(super) const REF_SHIFT: usize = 6;
pub(super) const REF_ONE: usize = 1 << REF_SHIFT;

/// What a waker must do after marking the task notified.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Notify {
    /// Push one queue entry (which owns a reference).
    Submit,
    /// Nothing to queue (already queued, running or complete).
    DoNothing,
}

/// The result of finishing a poll that returned `Pending`.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Idle {
    /// Parked until woken.
    Ok,
    /// Woken while running: queue it again.
    Notified,
    /// Aborted while running: cancel it now.
    Cancelled,
}

pub(super) struct State(AtomicUsize);

impl State {
    /// A new task: notified (its first queue entry), join interest, and
    /// `refs` references.
    pub(super) fn new(refs: usize) -> State {
        State(AtomicUsize::new(
            NOTIFIED | JOIN_INTEREST | (refs * REF_ONE),
        ))
    }

    pub(super) fn load(&self) -> usize {
        self.0.load(Acquire)
    }

    fn update(&self, mut f: impl FnMut(usize) -> Option<usize>) -> Result<usize, usize> {
        self.0.fetch_update(AcqRel, Acquire, &mut f)
    }

    /// Runner: a queue entry was popped. Returns `None` if the task already
    /// completed (shut down while queued), else whether it was cancelled.
    ///
    /// One `lock xadd` instead of a CAS loop. Why that is exact:
    /// * `COMPLETE` is set only by the thread that owns the task's future
    ///   (this one, while it holds `RUNNING`), or by shutting down a task
    ///   never adopted, whose only queue entry is the one being dropped
    ///   then. So it cannot appear between the load and the add.
    /// * A queue entry of a task that is not complete has `NOTIFIED` set
    ///   (every entry is created with it, and only this function clears
    ///   it, when the entry is popped) and `RUNNING` clear (set only here,
    ///   by this thread, between popping an entry and finishing the poll).
    /// * Other threads meanwhile only set `NOTIFIED` (already set),
    ///   `CANCELLED`, the join bits, or move the count in the upper bits.
    ///
    /// So subtracting `NOTIFIED - RUNNING` clears `NOTIFIED` and sets
    /// `RUNNING` without borrowing from any other bit.
    #[inline]
    pub(super) fn transition_to_running(&self) -> Option<bool> {
        if self.0.load(Acquire) & COMPLETE != 0 {
            return None;
        }
        let prev = self.0.fetch_sub(NOTIFIED - RUNNING, AcqRel);
        debug_assert!(
            prev & (NOTIFIED | RUNNING | COMPLETE) == NOTIFIED,
            "a queued task must be notified, not running, not complete: {prev:#x}"
        );
        Some(prev & CANCELLED != 0)
    }

    /// Runner: the poll returned `Pending`. Takes over the reference of the
    /// queue entry that was polled: `Ok` releases it, `Notified` hands it to
    /// the re-queued entry, `Cancelled` leaves it with the caller (and the
    /// task `RUNNING`, as before the call).
    ///
    /// `Ok` never releases the last reference: a task that can be polled is
    /// in the owned set, which holds one until the task completes.
    ///
    /// The common case (not woken, not aborted during the poll) is one
    /// `lock xadd` that clears `RUNNING` and releases the reference. If the
    /// previous state shows `NOTIFIED` or `CANCELLED`, that was wrong and is
    /// undone with a second add. Between the two, the state reads "not
    /// running, notified, one reference short", and every other party
    /// behaves as it must:
    /// * a waker sees `NOTIFIED` and queues nothing (by value, it drops its
    ///   own reference: the count stays >= 1, as the owned set holds one and
    ///   only this thread releases that);
    /// * an abort sees `NOTIFIED` (or `CANCELLED`) and queues nothing; if it
    ///   sets `CANCELLED` after our add, the re-queued entry's poll sees it;
    /// * the join handle only touches the join bits and reads `COMPLETE`.
    ///
    /// `CANCELLED` is only ever set together with `NOTIFIED` while a task is
    /// running (by an abort), so both fix-ups start from that window.
    #[inline]
    pub(super) fn transition_to_idle(&self) -> Idle {
        let prev = self.0.fetch_sub(RUNNING + REF_ONE, AcqRel);
        debug_assert!(prev & RUNNING != 0, "idle but not running: {prev:#x}");
        debug_assert!(prev >> REF_SHIFT >= 2, "a polled task must also be owned");
        if prev & (NOTIFIED | CANCELLED) == 0 {
            return Idle::Ok;
        }
        if prev & CANCELLED != 0 {
            // Back to running, with the reference: the caller cancels it.
            self.0.fetch_add(RUNNING + REF_ONE, AcqRel);
            return Idle::Cancelled;
        }
        // The re-queued entry takes the reference back.
        self.0.fetch_add(REF_ONE, Relaxed);
        Idle::Notified
    }

    /// Runner: the future is gone and the output stored. Returns the new state.
    pub(super) fn transition_to_complete(&self) -> usize {
        let prev = self
            .update(|s| Some((s & !RUNNING) | COMPLETE))
            .unwrap_or_else(|s| s);
        (prev & !RUNNING) | COMPLETE
    }

    /// Runner: before shutting a task down that is not running.
    /// Returns false if it already completed.
    pub(super) fn transition_to_shutdown(&self) -> bool {
        self.update(|s| {
            if s & COMPLETE != 0 {
                return None;
            }
            Some(s | RUNNING | CANCELLED)
        })
        .is_ok()
    }

    /// Waker, consuming its reference. `Submit` transfers that reference to
    /// the queue entry; otherwise the caller must drop it.
    pub(super) fn transition_to_notified_by_val(&self) -> Notify {
        let prev = self
            .update(|s| {
                if s & (COMPLETE | NOTIFIED) != 0 {
                    return None;
                }
                Some(s | NOTIFIED)
            })
            .unwrap_or(NOTIFIED);
        if prev & NOTIFIED != 0 || prev & RUNNING != 0 {
            Notify::DoNothing
        } else {
            Notify::Submit
        }
    }

    /// Waker, keeping its reference. `Submit` means a new reference was taken
    /// for the queue entry.
    pub(super) fn transition_to_notified_by_ref(&self) -> Notify {
        let res = self.update(|s| {
            if s & (COMPLETE | NOTIFIED) != 0 {
                None
            } else if s & RUNNING != 0 {
                Some(s | NOTIFIED)
            } else {
                Some((s | NOTIFIED) + REF_ONE)
            }
        });
        match res {
            Ok(prev) if prev & RUNNING == 0 => Notify::Submit,
            _ => Notify::DoNothing,
        }
    }

    /// `JoinHandle::abort`: mark cancelled and make sure the runner sees it.
    /// `Submit` means a new reference was taken for the queue entry.
    pub(super) fn transition_to_notified_and_cancel(&self) -> Notify {
        let res = self.update(|s| {
            if s & (COMPLETE | CANCELLED) != 0 {
                None
            } else if s & (RUNNING | NOTIFIED) != 0 {
                Some(s | CANCELLED | NOTIFIED)
            } else {
                Some((s | CANCELLED | NOTIFIED) + REF_ONE)
            }
        });
        match res {
            Ok(prev) if prev & (RUNNING | NOTIFIED) == 0 => Notify::Submit,
            _ => Notify::DoNothing,
        }
    }

    /// JoinHandle dropped. Returns (drop the output, drop the join waker).
    pub(super) fn transition_to_join_handle_dropped(&self) -> (bool, bool) {
        let prev = self
            .update(|s| {
                let mut next = s & !JOIN_INTEREST;
                if s & COMPLETE == 0 {
                    // Take the waker slot back so we can drop it.
                    next &= !JOIN_WAKER;
                }
                Some(next)
            })
            .unwrap_or_else(|s| s);
        let complete = prev & COMPLETE != 0;
        let next_has_waker = complete && prev & JOIN_WAKER != 0;
        (complete, !next_has_waker)
    }

    /// JoinHandle: publish the waker just written. Err(state) if completed first.
    pub(super) fn set_join_waker(&self) -> Result<usize, usize> {
        self.update(|s| (s & COMPLETE == 0).then_some(s | JOIN_WAKER))
    }

    /// JoinHandle: reclaim the waker slot to replace it. Err(state) if completed first.
    pub(super) fn unset_join_waker(&self) -> Result<usize, usize> {
        self.update(|s| (s & COMPLETE == 0).then_some(s & !JOIN_WAKER))
    }

    /// Runner, after waking the join waker of a completed task. Returns the new state.
    pub(super) fn unset_waker_after_complete(&self) -> usize {
        self.0.fetch_and(!JOIN_WAKER, AcqRel) & !JOIN_WAKER
    }

    pub(super) fn ref_inc(&self) {
        let prev = self.0.fetch_add(REF_ONE, Relaxed);
        if prev > isize::MAX as usize {
            std::process::abort();
        }
    }

    /// Returns true if this was the last reference.
    pub(super) fn ref_dec(&self) -> bool {
        let prev = self.0.fetch_sub(REF_ONE, AcqRel);
        debug_assert!(prev >> REF_SHIFT >= 1, "task refcount underflow");
        prev >> REF_SHIFT == 1
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wake_while_running_requeues_once() {
        let s = State::new(2);
        assert_eq!(s.transition_to_running(), Some(false));
        assert_eq!(s.transition_to_notified_by_ref(), Notify::DoNothing);
        assert_eq!(s.transition_to_notified_by_ref(), Notify::DoNothing);
        assert_eq!(s.transition_to_idle(), Idle::Notified);
        // The polled entry's reference moved to the re-queue.
        assert_eq!(s.load() >> REF_SHIFT, 2);
    }

    #[test]
    fn wake_when_idle_submits_once() {
        let s = State::new(2);
        s.transition_to_running();
        assert_eq!(s.transition_to_idle(), Idle::Ok);
        // Parking released the polled entry's reference.
        assert_eq!(s.load() >> REF_SHIFT, 1);
        assert_eq!(s.transition_to_notified_by_ref(), Notify::Submit);
        assert_eq!(s.transition_to_notified_by_ref(), Notify::DoNothing);
        assert_eq!(s.load() >> REF_SHIFT, 2);
    }

    #[test]
    fn completed_task_ignores_wakes_and_aborts() {
        let s = State::new(2);
        s.transition_to_running();
        s.transition_to_complete();
        assert_eq!(s.transition_to_notified_by_ref(), Notify::DoNothing);
        assert_eq!(s.transition_to_notified_and_cancel(), Notify::DoNothing);
        assert_eq!(s.transition_to_running(), None);
    }

    #[test]
    fn join_handle_drop_after_complete_with_waker_leaves_waker_to_runner() {
        let s = State::new(2);
        s.transition_to_running();
        assert!(s.set_join_waker().is_ok());
        s.transition_to_complete();
        assert_eq!(s.transition_to_join_handle_dropped(), (true, false));
    }
}
