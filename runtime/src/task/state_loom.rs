//! Loom models of the task state word: the runner's poll (`transition_to_running`,
//! then `transition_to_idle`) racing a waker or an abort on another thread.
//! A wake is never lost, never queues the task twice, and the reference count
//! always matches the references that exist.
//!
//! Run: `RUSTFLAGS="--cfg loom" cargo test --release -p mini_rt_runtime loom`.

use super::state::{Idle, Notify, State, CANCELLED, NOTIFIED, REF_SHIFT, RUNNING};
use loom::sync::atomic::{AtomicBool, Ordering::*};
use loom::sync::Arc;
use loom::thread;

/// What the runner's poll of one queue entry ended with.
#[derive(Debug, PartialEq)]
enum Ran {
    /// Cancelled before the poll (`transition_to_running` saw the abort).
    CancelledFirst,
    /// Polled; the poll saw the event (the flag), and then parked as `Idle`.
    Polled { saw_event: bool, idle: Idle },
}

/// The runner: pop the entry, poll (reading whether the event happened),
/// finish the poll.
fn run(state: &State, event: &AtomicBool) -> Ran {
    match state.transition_to_running() {
        None => panic!("the task is not complete"),
        Some(true) => Ran::CancelledFirst,
        Some(false) => {
            // A read-modify-write, as the state a real poll reads (a
            // channel's, behind a lock or an atomic RMW): a waker that finds
            // NOTIFIED already set writes nothing to the task state, so only
            // the event's own ordering makes it visible to this poll.
            let saw_event = event.swap(false, AcqRel);
            Ran::Polled {
                saw_event,
                idle: state.transition_to_idle(),
            }
        }
    }
}

fn refs(state: &State) -> usize {
    state.load() >> REF_SHIFT
}

/// Runner vs `wake_by_ref` (the waker keeps its reference) or `wake` (it
/// consumes it): exactly one queue entry exists afterwards unless the poll
/// saw the event, and the count is owned + waker (by ref) + entries.
fn wake_model(by_val: bool) {
    loom::model(move || {
        // References: the owned set, the popped queue entry, the waker.
        let state = Arc::new(State::new(3));
        let event = Arc::new(AtomicBool::new(false));
        let waker = {
            let (state, event) = (state.clone(), event.clone());
            thread::spawn(move || {
                event.swap(true, AcqRel);
                if by_val {
                    let notify = state.transition_to_notified_by_val();
                    if notify == Notify::DoNothing {
                        // `waker_wake` then drops the waker's reference.
                        assert!(!state.ref_dec(), "not the last reference");
                    }
                    notify
                } else {
                    state.transition_to_notified_by_ref()
                }
            })
        };
        let ran = run(&state, &event);
        let notify = waker.join().unwrap();
        let Ran::Polled { saw_event, idle } = ran else {
            panic!("no abort here")
        };
        let requeued = idle == Idle::Notified;
        let submitted = notify == Notify::Submit;
        assert!(idle != Idle::Cancelled);
        assert!(!(requeued && submitted), "queued twice");
        assert!(saw_event || requeued || submitted, "wake lost");
        let entries = usize::from(requeued || submitted);
        let s = state.load();
        assert_eq!(s & RUNNING, 0);
        assert_eq!(s & NOTIFIED != 0, entries == 1);
        // A waker by value gave its reference to the entry or dropped it.
        assert_eq!(refs(&state), 1 + entries + usize::from(!by_val));
    });
}

#[test]
fn loom_task_wake_by_ref_while_polled() {
    wake_model(false);
}

#[test]
fn loom_task_wake_by_val_while_polled() {
    wake_model(true);
}

/// Runner vs `abort` (from a handle that keeps its reference): the task is
/// cancelled exactly once, by one of the runner's paths or by a queued entry.
#[test]
fn loom_task_abort_while_polled() {
    loom::model(|| {
        // References: the owned set, the popped queue entry, the abort handle.
        let state = Arc::new(State::new(3));
        let event = Arc::new(AtomicBool::new(false));
        let abort = {
            let state = state.clone();
            thread::spawn(move || state.transition_to_notified_and_cancel())
        };
        let ran = run(&state, &event);
        let notify = abort.join().unwrap();
        let submitted = notify == Notify::Submit;
        let s = state.load();
        assert!(s & CANCELLED != 0);
        let (entries, running) = match ran {
            Ran::CancelledFirst => (0, true),
            Ran::Polled {
                idle: Idle::Cancelled,
                ..
            } => (0, true),
            Ran::Polled {
                idle: Idle::Notified,
                ..
            } => (1, false),
            Ran::Polled { idle: Idle::Ok, .. } => (0, false),
        };
        assert!(!(entries == 1 && submitted), "queued twice");
        // Whoever did not cancel it at once left a queue entry to do so.
        assert!(running || entries == 1 || submitted, "abort lost");
        assert!(!(running && submitted), "queued a task being cancelled");
        let entries = entries + usize::from(submitted);
        assert_eq!(s & RUNNING != 0, running);
        // The popped entry's reference is the runner's while it cancels.
        assert_eq!(refs(&state), 1 + 1 + entries + usize::from(running));
    });
}
