//! The `poll_*` paths' wakers: one slot per direction, kept in the
//! [`Registration`](super::registration::Registration) itself, so that a
//! read or write that finds nothing ready parks with neither the
//! thread-local runtime context nor the driver's registration slab.
//!
//! A slot holds one waker: when several tasks poll the same direction
//! through these paths (`AsyncRead::poll_read`, `poll_write`,
//! `poll_read_ready`, …), only the last one is woken, as tokio documents
//! for its `poll_*` methods. The async fns (`readable`, `accept`, …) use the
//! driver's waiter list instead (`scheduled_io.rs`), which wakes everyone.
//!
//! A slot is *armed* from the park to the wake. A task's own waker stays in
//! the slot after the wake, unarmed: the same task parking again (a
//! connection's task on every read) finds it there and only re-arms it,
//! with no clone and no reference count traffic. An unarmed waker is never
//! woken, so a task is woken once per park, as with a waker taken out on
//! wake. The price: a task that stopped polling the object keeps its task
//! cell (not its future, which is dropped when the task ends) allocated
//! until the object is dropped or another task polls it.
//!
//! Only the thread running the loop that holds the registration touches
//! the slots (the parking task and that loop's driver), so the lock is
//! never contended; it makes the registration `Sync` for the hand-over
//! protocol, which moves it between loops.

use crate::runtime::Stats;
use crate::sys::{Interest, Ready};
use crate::task;
use parking_lot::Mutex;
use std::task::Waker;

/// What a readiness event asks for: the read side covers READABLE and
/// PRIORITY (both are read-side conditions), the write side WRITABLE.
pub(super) const READ_KINDS: Interest = Interest::READABLE.add(Interest::PRIORITY);

/// One registration's reader and writer slots.
#[derive(Default)]
pub(crate) struct Slots(Mutex<Pair>);

#[derive(Default)]
struct Pair {
    reader: Slot,
    /// What the reader slot waits for: READABLE and/or PRIORITY.
    reader_wants: Interest,
    writer: Slot,
}

#[derive(Default)]
struct Slot {
    waker: Option<Waker>,
    /// Parked and not woken since.
    armed: bool,
}

impl Slot {
    /// Arms the slot for `waker`; returns the waker it replaced, if any, to
    /// be dropped once the lock is released.
    #[inline(always)]
    fn park(&mut self, waker: &Waker) -> Option<Waker> {
        self.armed = true;
        match &self.waker {
            Some(w) if w.will_wake(waker) => None,
            _ => self.waker.replace(waker.clone()),
        }
    }

    /// Wakes an armed slot's waker and disarms it. A task's own waker is
    /// woken here and now (it only queues the task) and stays in the slot;
    /// any other kind is moved to `wakers` (not cloned: its code, which may
    /// be anything, runs only once the driver holds no borrow), woken by the
    /// driver after the dispatch. Returns whether it was woken here.
    #[inline(always)]
    fn fire(&mut self, wakers: &mut Vec<Waker>) -> bool {
        if !self.armed {
            return false;
        }
        self.armed = false;
        match &self.waker {
            Some(w) if task::is_task_waker(w) => {
                w.wake_by_ref();
                true
            }
            Some(_) => {
                wakers.extend(self.waker.take());
                false
            }
            None => false,
        }
    }

    /// The waker if armed (for a registration leaving its loop).
    fn take_armed(&mut self) -> Option<Waker> {
        std::mem::take(&mut self.armed)
            .then(|| self.waker.take())
            .flatten()
    }
}

impl Slots {
    /// Arms the slot(s) for `interest` with `waker`. Inlined into every
    /// read and write that parks, where `interest` is a constant.
    #[inline(always)]
    pub(crate) fn park(&self, interest: Interest, waker: &Waker) {
        let read_part = Interest::from_bits(interest.bits() & READ_KINDS.bits());
        let (old_reader, old_writer) = {
            let mut pair = self.0.lock();
            let mut old_reader = None;
            if !read_part.is_empty() {
                old_reader = pair.reader.park(waker);
                pair.reader_wants = read_part;
            }
            let old_writer = if interest.is_writable() {
                pair.writer.park(waker)
            } else {
                None
            };
            (old_reader, old_writer)
        };
        drop((old_reader, old_writer)); // outside the lock
    }

    /// Wakes the armed slots that `ready` satisfies (see [`Slot::fire`]),
    /// counting the wakes done here in `stats`.
    #[inline(always)]
    pub(super) fn wake(&self, ready: Ready, wakers: &mut Vec<Waker>, stats: &Stats) {
        let mut pair = self.0.lock();
        let mut woken = 0;
        if ready.intersects(pair.reader_wants.mask()) {
            woken += u64::from(pair.reader.fire(wakers));
        }
        if ready.intersects(Interest::WRITABLE.mask()) {
            woken += u64::from(pair.writer.fire(wakers));
        }
        if woken > 0 {
            stats.wakeups.set(stats.wakeups.get() + woken);
        }
    }

    /// The interests the armed slots wait for.
    pub(super) fn wanted(&self) -> Interest {
        let pair = self.0.lock();
        let mut want = Interest::NONE;
        if pair.reader.armed {
            want |= pair.reader_wants;
        }
        if pair.writer.armed {
            want |= Interest::WRITABLE;
        }
        want
    }

    /// The armed wakers with what each waits for, disarming the slots (the
    /// registration leaves its loop; the wakers go with it).
    pub(super) fn take_armed(&self) -> Vec<(Interest, Waker)> {
        let mut pair = self.0.lock();
        let mut out = Vec::new();
        let wants = pair.reader_wants;
        out.extend(pair.reader.take_armed().map(|w| (wants, w)));
        out.extend(pair.writer.take_armed().map(|w| (Interest::WRITABLE, w)));
        out
    }
}
