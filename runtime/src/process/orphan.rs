//! Children dropped before they exited: reaped once they do, so none stays
//! a zombie.
//!
//! A child dropped on a runtime's thread is handed to a task of that
//! runtime, which waits for its exit through the reactor (pidfd or
//! SIGCHLD) and reaps it. A child dropped with no runtime around, or whose
//! task was cancelled because its runtime shut down, joins a process-wide
//! queue; the queue is reaped on every SIGCHLD a waiting child sees, and
//! handed to the current runtime whenever a child is spawned.

use super::reap::Reaper;
use crate::runtime::Handle;
use parking_lot::Mutex;
use std::future::poll_fn;
use std::process::Child as StdChild;

/// Dropped children no runtime task is waiting for.
static QUEUE: Mutex<Vec<StdChild>> = Mutex::new(Vec::new());

/// Hands `child` (unreaped, maybe still running) to a task of the current
/// runtime that reaps it once it exits; to the queue if there is no runtime.
pub(super) fn adopt(child: StdChild) {
    let Ok(handle) = Handle::try_current() else {
        return queue(child);
    };
    match Reaper::orphan(child) {
        Ok(mut reaper) => {
            // Dropped unfinished (its runtime shut down), the reaper puts
            // the child in the queue.
            drop(handle.spawn(async move {
                let _ = poll_fn(|cx| reaper.poll_exit(cx)).await;
            }));
        }
        Err((_, child)) => queue(child),
    }
}

/// Puts `child` in the process-wide queue.
pub(super) fn queue(child: StdChild) {
    QUEUE.lock().push(child);
}

/// Reaps the queued children that have exited (on a SIGCHLD).
pub(super) fn reap_queued() {
    // A contended lock means another thread is reaping right now.
    if let Some(mut queue) = QUEUE.try_lock() {
        // An error (ECHILD: reaped elsewhere) also ends our interest.
        queue.retain_mut(|child| matches!(child.try_wait(), Ok(None)));
    }
}

/// Hands the queued children still running to the current runtime (on a
/// spawn), so they are reaped through its reactor once they exit.
pub(super) fn adopt_queued() {
    let queued = {
        let Some(mut queue) = QUEUE.try_lock() else {
            return;
        };
        if queue.is_empty() {
            return;
        }
        std::mem::take(&mut *queue)
    };
    for mut child in queued {
        if let Ok(None) = child.try_wait() {
            adopt(child);
        }
    }
}
