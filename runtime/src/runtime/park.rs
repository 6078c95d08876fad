//! The park/notify handshake between the runtime thread and other threads,
//! which decides when a cross-thread wake must write the eventfd.
//!
//! * The runtime thread calls [`Park::try_park`] before blocking in the
//!   backend; it fails if a notification is pending, and then the thread
//!   must not block. After the wait (or the failed attempt) it calls
//!   [`Park::unparked`] and then looks at the remote queue.
//! * Another thread publishes its work (remote queue, flag), then calls
//!   [`Park::notify`]; only if that returns true (the runtime was parked)
//!   does it write the eventfd. Many wakes between two parks cost one write.
//!
//! No lost wakeup: either the notifier's swap sees `PARKED` (and writes the
//! eventfd, which ends the wait), or it happens before `try_park`, which
//! then fails; and `unparked` is a swap, so reading `NOTIFIED` makes the
//! notifier's published work visible. `tests/loom_park.rs` checks this
//! exhaustively with loom (`RUSTFLAGS="--cfg loom"`).

#[cfg(loom)]
use loom::sync::atomic::{AtomicU8, Ordering::*};
#[cfg(not(loom))]
use std::sync::atomic::{AtomicU8, Ordering::*};

/// Polling tasks; will check for remote work before parking.
const RUNNING: u8 = 0;
/// Blocked (or about to block) in the backend's wait.
const PARKED: u8 = 1;
/// Work was published since the runtime last looked.
const NOTIFIED: u8 = 2;

/// The park state of one runtime.
#[derive(Debug)]
pub struct Park {
    state: AtomicU8,
}

impl Default for Park {
    fn default() -> Self {
        Park::new()
    }
}

impl Park {
    /// A runtime that is running.
    pub fn new() -> Park {
        Park {
            state: AtomicU8::new(RUNNING),
        }
    }

    /// Runtime thread: announce blocking. False if a notification is
    /// pending (then do not block).
    pub fn try_park(&self) -> bool {
        self.state
            .compare_exchange(RUNNING, PARKED, AcqRel, Acquire)
            .is_ok()
    }

    /// Runtime thread: back from the wait, or from a failed `try_park`.
    /// A swap, so reading `NOTIFIED` synchronises with the notifier.
    pub fn unparked(&self) {
        self.state.swap(RUNNING, AcqRel);
    }

    /// Other thread, after publishing work: returns true if the runtime is
    /// parked and must be woken (write the eventfd).
    pub fn notify(&self) -> bool {
        self.state.swap(NOTIFIED, AcqRel) == PARKED
    }
}
