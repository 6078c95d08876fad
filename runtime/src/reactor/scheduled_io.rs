//! One registration's waiters: who to wake when its readiness changes.
//!
//! Two kinds, as in tokio:
//!
//! * **One slot per direction** for the `poll_*` paths, kept in the
//!   registration itself (`slots.rs`): only the last task polling a
//!   direction is woken.
//! * **A waiter list** for the async fns (`ready`, `readable`, `accept`,
//!   `recv`, …), kept here in the driver's entry: every parked future owns
//!   one entry and is woken, so any number of tasks can wait on one socket.
//!   A future removes its entry when it completes or is dropped, so
//!   cancelled waits leave nothing behind.
//!
//! A registration handed over from another loop brings the wakers still
//! waiting there; they go into the list as *detached* entries (no future
//! holds their key), woken by the next matching event and removed then.

use super::slots::{Slots, READ_KINDS};
use crate::runtime::Stats;
use crate::sys::{Interest, Ready};
use slab::Slab;
use std::task::Waker;

#[derive(Default)]
pub(super) struct Waiters {
    /// Parked async-fn futures. An entry with no waker was woken and has
    /// not been polled since; it still belongs to its future.
    list: Slab<Waiter>,
}

struct Waiter {
    interest: Interest,
    waker: Option<Waker>,
    /// Handed over from another loop: no future holds this entry's key, so
    /// it is removed when woken.
    detached: bool,
}

/// A parked future's entry in a registration's waiter list.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct WaiterKey(usize);

impl Waiters {
    /// Stores `waker` in the future's list entry, adding one if it has none.
    pub(super) fn park_waiter(
        &mut self,
        interest: Interest,
        waker: &Waker,
        key: &mut Option<WaiterKey>,
    ) {
        if let Some(w) = key.and_then(|WaiterKey(k)| self.list.get_mut(k)) {
            w.interest = interest;
            match &w.waker {
                Some(old) if old.will_wake(waker) => {}
                _ => w.waker = Some(waker.clone()),
            }
            return;
        }
        let k = self.list.insert(Waiter {
            interest,
            waker: Some(waker.clone()),
            detached: false,
        });
        *key = Some(WaiterKey(k));
    }

    /// Adds wakers handed over with the registration as detached entries.
    pub(super) fn add_detached(&mut self, waiting: crate::reactor::registration::Waiting) {
        for (interest, waker) in waiting {
            self.list.insert(Waiter {
                interest,
                waker: Some(waker),
                detached: true,
            });
        }
    }

    /// Whether any entry came from another loop and is still waiting.
    pub(super) fn has_detached(&self) -> bool {
        self.list
            .iter()
            .any(|(_, w)| w.detached && w.waker.is_some())
    }

    /// Every waker still waiting, in `slots` and the list, with what it
    /// waits for (the registration is handed over or given up). Entries of
    /// parked futures become stale: their keys belong to a token that no
    /// longer exists.
    pub(super) fn take_all(&mut self, slots: &Slots) -> crate::reactor::registration::Waiting {
        let mut out = slots.take_armed();
        for (_, w) in std::mem::take(&mut self.list) {
            if let Some(waker) = w.waker {
                out.push((w.interest, waker));
            }
        }
        out
    }

    /// Removes a future's entry (it completed or was dropped).
    pub(super) fn remove_waiter(&mut self, key: WaiterKey) -> Option<Waker> {
        self.list.try_remove(key.0).and_then(|w| w.waker)
    }

    /// The interests someone waits for now, in `slots` or the list.
    pub(super) fn wanted(&self, slots: &Slots) -> Interest {
        let mut want = slots.wanted();
        for (_, w) in &self.list {
            if w.waker.is_some() {
                want |= w.interest;
            }
        }
        want
    }

    /// Wakes everyone waiting for what `ready` reports: `slots` (see
    /// `Slots::wake`), and the list's wakers, moved into `wakers`. The hot
    /// path of every event: the slots, and the list only when someone is
    /// in it.
    #[inline]
    pub(super) fn wake(
        &mut self,
        slots: &Slots,
        ready: Ready,
        wakers: &mut Vec<Waker>,
        stats: &Stats,
    ) {
        slots.wake(ready, wakers, stats);
        if !self.list.is_empty() {
            self.wake_list(ready, wakers);
        }
    }

    fn wake_list(&mut self, ready: Ready, wakers: &mut Vec<Waker>) {
        let mut detached_woken = false;
        for (_, w) in &mut self.list {
            if w.waker.is_some() && ready.intersects(w.interest.mask()) {
                wakers.extend(w.waker.take());
                detached_woken |= w.detached;
            }
        }
        if detached_woken {
            self.list.retain(|_, w| !w.detached || w.waker.is_some());
        }
    }

    /// The read/write kinds that `ready` reports with nobody in `wanted`
    /// (what was waited for before the wake) waiting for them: level
    /// backends stop watching those.
    pub(super) fn unwanted(ready: Ready, wanted: Interest) -> Interest {
        let mut fired = Interest::NONE;
        if ready.intersects(READ_KINDS.mask()) {
            fired |= READ_KINDS;
        }
        if ready.intersects(Interest::WRITABLE.mask()) {
            fired |= Interest::WRITABLE;
        }
        Interest::from_bits(fired.bits() & !wanted.bits())
    }

    /// The number of list entries.
    pub(super) fn listed(&self) -> usize {
        self.list.len()
    }
}
