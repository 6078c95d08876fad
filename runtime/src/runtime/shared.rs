//! The thread-safe half of one scheduler loop (a current-thread runtime, a
//! multi-thread runtime's `block_on` loop, or one of its workers): what
//! wakers, handles and other threads reach through an `Arc`: the remote run
//! queue, the coalesced wake-up, the loop's core while no thread drives it,
//! and the load figures that placement reads.

use super::core::Core;
use super::park::Park;
use crate::reactor::registration::{Asked, Registration};
use crate::runtime::Backend;
use crate::sys::Notifier;
use crate::task::RawTask;
use crate::time::heap::TimerKey;
use parking_lot::Mutex;
use std::os::fd::OwnedFd;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering::*};
use std::sync::Arc;
use std::task::Waker;

static NEXT_ID: AtomicU64 = AtomicU64::new(1);

pub(crate) struct Shared {
    /// Unique per loop; ties registrations, timers and tasks to their loop.
    pub(crate) id: u64,
    pub(crate) backend: Backend,
    remote: Mutex<Remote>,
    remote_pending: AtomicBool,
    park: Park,
    /// Taken (closing the eventfd) when the loop shuts down.
    notifier: Mutex<Option<Notifier>>,
    pub(crate) stats: Mutex<crate::runtime::RuntimeStats>,
    /// The loop's core while no thread drives it: a current-thread runtime
    /// (or a multi-thread runtime's `block_on` loop) between `block_on`
    /// calls. A worker's core never sits here: its thread owns it.
    pub(crate) idle: Mutex<Option<Box<Core>>>,
    /// Tasks the loop owns, stored by the loop whenever the count changes
    /// (a plain store: placement only needs a recent figure).
    pub(crate) live: AtomicUsize,
    /// Tasks spawned here from other threads and not yet adopted.
    pub(crate) incoming: AtomicUsize,
    /// Registrations handed over to other loops (a stat, exact at any time).
    pub(crate) moved_out: AtomicU64,
    /// `spawn_blocking` jobs not finished yet: a paused clock does not
    /// auto-advance while any runs (`time::InhibitAutoAdvance`).
    pub(crate) auto_advance_inhibit: AtomicUsize,
}

/// Work handed to the loop's thread by other threads.
#[derive(Default)]
pub(crate) struct Remote {
    pub(crate) tasks: Vec<RawTask>,
    /// Registrations dropped on other threads: (token, fd) to deregister, then close.
    pub(crate) released: Vec<(u64, OwnedFd)>,
    /// Requests to hand a registration this loop holds over to another loop.
    pub(crate) takes: Vec<crate::reactor::registration::Take>,
    /// Registrations handed over to this loop, to register with its backend.
    pub(crate) adopts: Vec<Arc<Registration>>,
    /// Timers whose `Sleep` was dropped or reset off the loop's thread.
    pub(crate) timers: Vec<TimerKey>,
    /// No tasks or released fds are accepted any more (shutting down).
    closed: bool,
    /// The loop has shut down: nothing at all is accepted any more.
    dead: bool,
}

impl Shared {
    pub(crate) fn new(backend: Backend, notifier: Notifier) -> Shared {
        Shared {
            id: NEXT_ID.fetch_add(1, Relaxed),
            backend,
            remote: Mutex::new(Remote::default()),
            remote_pending: AtomicBool::new(false),
            park: Park::new(),
            notifier: Mutex::new(Some(notifier)),
            stats: Mutex::new(Default::default()),
            idle: Mutex::new(None),
            live: AtomicUsize::new(0),
            incoming: AtomicUsize::new(0),
            moved_out: AtomicU64::new(0),
            auto_advance_inhibit: AtomicUsize::new(0),
        }
    }

    /// Queues a notified task on its loop: the local queue when called on
    /// the thread running that loop, else the remote queue.
    #[inline]
    pub(crate) fn schedule(task: RawTask) {
        if let Err(task) = crate::task::LocalTasks::push_entered(task) {
            Shared::schedule_remote(task);
        }
    }

    /// `schedule`'s other-thread half, out of line so the local push needs
    /// no stack frame.
    #[cold]
    #[inline(never)]
    fn schedule_remote(task: RawTask) {
        let shared = task.header().shared.clone();
        shared.push_remote(task);
    }

    /// Queues a task from another thread. After the loop closed, the task
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
        self.announce();
    }

    /// Hands an fd whose owner was dropped on another thread to the loop,
    /// which deregisters it and then closes it; with no thread driving the
    /// loop, that is done here and now on its idle core, so the fd does not
    /// stay open until the next `block_on`.
    pub(crate) fn release_remote(&self, token: u64, fd: OwnedFd) {
        if let Some(core) = self.idle.lock().as_deref() {
            core.driver.deregister_token(token, &fd);
            return; // dropping `fd` closes it
        }
        let mut remote = self.remote.lock();
        if remote.closed {
            return; // dropping `fd` closes it; the backend is gone already
        }
        remote.released.push((token, fd));
        drop(remote);
        self.announce();
    }

    /// Asks this loop, which holds `reg`, to hand it over to the loop `to`
    /// (or to nobody), from another thread. With no thread driving this
    /// loop (a current-thread runtime between `block_on` calls), it is done
    /// here and now on the idle core; else it is queued, and `waker` is
    /// woken once the loop has handled it.
    pub(crate) fn request_take(
        &self,
        reg: &Arc<Registration>,
        to: Option<&Arc<Shared>>,
        waker: &Waker,
    ) -> Asked {
        // The idle slot's lock is held until the request is queued: a thread
        // starting `block_on` takes the core only after that, and a loop
        // going idle handles its queue under the same lock.
        let slot = self.idle.lock();
        if let Some(core) = slot.as_deref() {
            Registration::hand_over(core, reg.take_to(to.cloned(), None));
            return Asked::Done;
        }
        let mut remote = self.remote.lock();
        if remote.dead {
            return Asked::Refused;
        }
        remote
            .takes
            .push(reg.take_to(to.cloned(), Some(waker.clone())));
        drop(remote);
        drop(slot);
        self.announce();
        Asked::Queued
    }

    /// Tells this loop it now holds `reg`, so it registers it even if no task
    /// of its own uses it soon. False if the loop is gone.
    pub(crate) fn push_adopt(&self, reg: &Arc<Registration>) -> bool {
        let mut remote = self.remote.lock();
        if remote.dead {
            return false;
        }
        remote.adopts.push(reg.clone());
        drop(remote);
        self.announce();
        true
    }

    /// Hands the key of a timer whose `Sleep` was dropped (or reset) where
    /// the loop is not running to the loop, which removes the entry on its
    /// thread. After the loop closed, the timers are gone already.
    pub(crate) fn release_timer(&self, key: TimerKey) {
        let mut remote = self.remote.lock();
        if remote.closed {
            return;
        }
        remote.timers.push(key);
        drop(remote);
        self.announce();
    }

    /// Flags remote work and wakes the loop if it is parked.
    fn announce(&self) {
        self.remote_pending.swap(true, Release); // a swap: see tests/loom_park.rs
        self.unpark();
    }

    /// Makes sure the loop's thread looks at its queues soon: if it is parked
    /// in the backend, write the eventfd (once: later calls see NOTIFIED).
    pub(crate) fn unpark(&self) {
        if self.park.notify() {
            if let Some(n) = self.notifier.lock().as_ref() {
                let _ = n.notify();
            }
        }
    }

    /// Loop thread: try to announce it is going to block. Returns false if
    /// a notification arrived, in which case it must not block.
    pub(crate) fn try_park(&self) -> bool {
        self.park.try_park()
    }

    /// Loop thread: back from the backend's wait (or from a failed `try_park`).
    pub(crate) fn unparked(&self) {
        self.park.unparked();
    }

    /// Loop thread: whether remote work may have been announced. A plain
    /// load: the common case (nothing remote) costs no locked instruction.
    #[inline]
    pub(crate) fn remote_pending(&self) -> bool {
        self.remote_pending.load(Relaxed)
    }

    /// Loop thread: take remote work, if any was announced.
    pub(crate) fn take_remote(&self) -> Option<Remote> {
        if !self.remote_pending.swap(false, Acquire) {
            return None;
        }
        let mut remote = self.remote.lock();
        Some(Remote {
            tasks: std::mem::take(&mut remote.tasks),
            released: std::mem::take(&mut remote.released),
            takes: std::mem::take(&mut remote.takes),
            adopts: std::mem::take(&mut remote.adopts),
            timers: std::mem::take(&mut remote.timers),
            closed: remote.closed,
            dead: remote.dead,
        })
    }

    /// Loop thread, on eventfd readiness: reset the counter.
    pub(crate) fn drain_notifier(&self) {
        if let Some(n) = self.notifier.lock().as_ref() {
            n.drain();
        }
    }

    /// Placement's measure of this loop's load: the tasks it owns plus those
    /// queued for it and not yet adopted.
    pub(crate) fn load(&self) -> usize {
        self.live.load(Relaxed) + self.incoming.load(Relaxed)
    }

    /// Shutdown: refuse further remote work and release the eventfd.
    /// Returns what was still queued.
    pub(crate) fn close(&self) -> Remote {
        let mut remote = self.remote.lock();
        remote.closed = true;
        let left = Remote {
            tasks: std::mem::take(&mut remote.tasks),
            released: std::mem::take(&mut remote.released),
            timers: std::mem::take(&mut remote.timers),
            closed: true,
            ..Remote::default()
        };
        drop(remote);
        self.notifier.lock().take();
        left
    }

    /// The loop's core was leaked instead of shut down: refuse hand-over
    /// traffic, wake whoever asked for a registration (they find it still
    /// held here and get an error) and give up those handed over to it.
    pub(crate) fn abandon(&self) {
        let left = self.finish();
        for take in left.takes {
            if let Some(w) = take.waker {
                w.wake();
            }
        }
        for reg in left.adopts {
            reg.free_from(self.id);
        }
    }

    /// The end of shutdown, after the driver gave up every registration:
    /// refuse hand-over traffic from now on and return what is queued
    /// (requests to answer, registrations handed over to give up).
    pub(crate) fn finish(&self) -> Remote {
        let mut remote = self.remote.lock();
        remote.dead = true;
        Remote {
            takes: std::mem::take(&mut remote.takes),
            adopts: std::mem::take(&mut remote.adopts),
            closed: true,
            dead: true,
            ..Remote::default()
        }
    }
}
