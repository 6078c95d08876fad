//! The thread-safe half of a runtime: what wakers, handles and other threads
//! reach through an `Arc`: the remote run queue (with the fds and timers
//! released off the runtime's thread) and the coalesced wake-up.

use super::park::Park;
use crate::sys::Backend;
use crate::sys::Notifier;
use crate::task::pool::Pool;
use crate::task::RawTask;
use crate::time::heap::TimerKey;
use parking_lot::Mutex;
use std::os::fd::OwnedFd;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering::*};

static NEXT_ID: AtomicU64 = AtomicU64::new(1);

pub(crate) struct Shared {
    /// Unique per runtime; ties registrations, timers and tasks to their runtime.
    pub(crate) id: u64,
    pub(crate) backend: Backend,
    remote: Mutex<Remote>,
    remote_pending: AtomicBool,
    park: Park,
    /// Taken (closing the eventfd) when the runtime is dropped.
    notifier: Mutex<Option<Notifier>>,
    pub(crate) blocking: Pool,
    pub(crate) stats: Mutex<crate::runtime::RuntimeStats>,
    /// `spawn_blocking` jobs not finished yet: a paused clock does not
    /// auto-advance while any runs (`time::InhibitAutoAdvance`).
    pub(crate) auto_advance_inhibit: AtomicUsize,
}

/// Work handed to the runtime thread by other threads.
#[derive(Default)]
pub(crate) struct Remote {
    pub(crate) tasks: Vec<RawTask>,
    /// Registrations dropped on other threads: (token, fd) to deregister, then close.
    pub(crate) released: Vec<(u64, OwnedFd)>,
    /// Timers whose `Sleep` was dropped or reset off the runtime's thread.
    pub(crate) timers: Vec<TimerKey>,
    closed: bool,
}

impl Shared {
    pub(crate) fn new(backend: Backend, notifier: Notifier, max_blocking: usize) -> Shared {
        Shared {
            id: NEXT_ID.fetch_add(1, Relaxed),
            backend,
            remote: Mutex::new(Remote::default()),
            remote_pending: AtomicBool::new(false),
            park: Park::new(),
            notifier: Mutex::new(Some(notifier)),
            blocking: Pool::new(max_blocking),
            stats: Mutex::new(Default::default()),
            auto_advance_inhibit: AtomicUsize::new(0),
        }
    }

    /// Queues a notified task on its runtime: the local queue when called on
    /// the thread running that runtime, else the remote queue.
    pub(crate) fn schedule(task: RawTask) {
        let id = task.header().shared.id;
        let mut task = Some(task);
        crate::context::with_runtime(id, |core| {
            if let Some(t) = task.take() {
                core.tasks.push(t);
            }
        });
        if let Some(task) = task {
            let shared = task.header().shared.clone();
            shared.push_remote(task);
        }
    }

    /// Queues a task from another thread. After the runtime closed, the task
    /// reference is dropped instead (its future was already dropped, or, for a
    /// never-adopted `Send` task, is shut down here).
    pub(crate) fn push_remote(&self, task: RawTask) {
        let mut remote = self.remote.lock();
        if remote.closed {
            drop(remote);
            if task.header().owned_index.load(Relaxed) == crate::task::UNOWNED {
                task.shutdown();
            }
            return;
        }
        remote.tasks.push(task);
        drop(remote);
        self.remote_pending.swap(true, Release); // a swap: see tests/loom_park.rs
        self.unpark();
    }

    /// Hands an fd whose owner was dropped on another thread to the runtime,
    /// which deregisters it and then closes it.
    pub(crate) fn release_remote(&self, token: u64, fd: OwnedFd) {
        let mut remote = self.remote.lock();
        if remote.closed {
            return; // dropping `fd` closes it; the backend is gone already
        }
        remote.released.push((token, fd));
        drop(remote);
        self.remote_pending.swap(true, Release); // a swap: see tests/loom_park.rs
        self.unpark();
    }

    /// Hands the key of a timer whose `Sleep` was dropped (or reset) where
    /// the runtime is not running to the runtime, which removes the entry
    /// on its thread. After the runtime closed, the timers are gone already.
    pub(crate) fn release_timer(&self, key: TimerKey) {
        let mut remote = self.remote.lock();
        if remote.closed {
            return;
        }
        remote.timers.push(key);
        drop(remote);
        self.remote_pending.swap(true, Release); // a swap: see tests/loom_park.rs
        self.unpark();
    }

    /// Makes sure the runtime thread looks at its queues soon: if it is parked
    /// in the backend, write the eventfd (once: later calls see NOTIFIED).
    pub(crate) fn unpark(&self) {
        if self.park.notify() {
            if let Some(n) = self.notifier.lock().as_ref() {
                let _ = n.notify();
            }
        }
    }

    /// Runtime thread: try to announce it is going to block. Returns false if
    /// a notification arrived, in which case it must not block.
    pub(crate) fn try_park(&self) -> bool {
        self.park.try_park()
    }

    /// Runtime thread: back from the backend's wait (or from a failed `try_park`).
    pub(crate) fn unparked(&self) {
        self.park.unparked();
    }

    /// Runtime thread: whether remote work may have been announced. A plain
    /// load: the common case (nothing remote) costs no locked instruction.
    #[inline]
    pub(crate) fn remote_pending(&self) -> bool {
        self.remote_pending.load(Relaxed)
    }

    /// Runtime thread: take remote work, if any was announced.
    pub(crate) fn take_remote(&self) -> Option<Remote> {
        if !self.remote_pending.swap(false, Acquire) {
            return None;
        }
        let mut remote = self.remote.lock();
        Some(Remote {
            tasks: std::mem::take(&mut remote.tasks),
            released: std::mem::take(&mut remote.released),
            timers: std::mem::take(&mut remote.timers),
            closed: remote.closed,
        })
    }

    /// Runtime thread, on eventfd readiness: reset the counter.
    pub(crate) fn drain_notifier(&self) {
        if let Some(n) = self.notifier.lock().as_ref() {
            n.drain();
        }
    }

    /// Runtime drop: refuse further remote work and release the eventfd.
    /// Returns what was still queued.
    pub(crate) fn close(&self) -> Remote {
        let mut remote = self.remote.lock();
        remote.closed = true;
        let left = Remote {
            tasks: std::mem::take(&mut remote.tasks),
            released: std::mem::take(&mut remote.released),
            timers: std::mem::take(&mut remote.timers),
            closed: true,
        };
        drop(remote);
        self.notifier.lock().take();
        self.blocking.shutdown();
        left
    }
}
