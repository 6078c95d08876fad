//! A FIFO list of waiting futures, shared by `mpsc` (senders waiting for
//! capacity, `closed()` waiters) and `Notify`.
//!
//! Nodes live in a [`Slab`] and are doubly linked by index, so a cancelled
//! waiter unlinks itself in O(1) and no allocation happens once the slab has
//! grown to the peak number of simultaneous waiters. The list itself is not
//! synchronised: it always sits inside the owner's mutex.
//!
//! Life of a node: a future `push_back`s itself and keeps the returned key.
//! A notifier unlinks the node and marks it notified (taking the waker to wake
//! *after* releasing the lock) but leaves it in the slab, so the key stays
//! owned by that future until it calls [`WaitList::remove`], from `poll` or
//! from `Drop`. Keys are therefore never reused behind a future's back.

use slab::Slab;
use std::task::Waker;

const NIL: usize = usize::MAX;

/// How a waiter was notified; decides what a cancelled waiter hands back.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Notification {
    /// Directed at this one waiter (a `notify_one`, a unit of channel
    /// capacity): if the waiter is dropped unconsumed, it must be passed on.
    One,
    /// Broadcast (`notify_waiters`, a channel closing): nothing to pass on.
    All,
}

struct Node {
    waker: Option<Waker>,
    prev: usize,
    next: usize,
    notified: Option<Notification>,
}

/// Intrusive-by-index FIFO of wakers. See the module docs.
pub(crate) struct WaitList {
    nodes: Slab<Node>,
    head: usize,
    tail: usize,
}

impl WaitList {
    /// An empty list; `const` so that `Notify::const_new` can be.
    pub(crate) const fn new() -> Self {
        WaitList {
            nodes: Slab::new(),
            head: NIL,
            tail: NIL,
        }
    }

    /// Whether no waiter is queued (notified-but-unconsumed nodes don't count).
    #[cfg(test)]
    pub(crate) fn is_empty(&self) -> bool {
        self.head == NIL
    }

    /// Number of queued waiters (walks the list; tests only).
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        let (mut n, mut key) = (0, self.head);
        while key != NIL {
            n += 1;
            key = self.nodes[key].next;
        }
        n
    }

    /// Queues a new waiter at the back and returns its key.
    pub(crate) fn push_back(&mut self, waker: Option<&Waker>) -> usize {
        let key = self.nodes.insert(Node {
            waker: waker.cloned(),
            prev: self.tail,
            next: NIL,
            notified: None,
        });
        match self.tail {
            NIL => self.head = key,
            tail => self.nodes[tail].next = key,
        }
        self.tail = key;
        key
    }

    /// Stores `waker` for `key`, cloning only if it differs from the stored one.
    pub(crate) fn set_waker(&mut self, key: usize, waker: &Waker) {
        let slot = &mut self.nodes[key].waker;
        match slot {
            Some(old) if old.will_wake(waker) => {}
            _ => *slot = Some(waker.clone()),
        }
    }

    /// How `key` was notified, if it was.
    pub(crate) fn notification(&self, key: usize) -> Option<Notification> {
        self.nodes[key].notified
    }

    /// Notifies the oldest queued waiter: unlinks it, marks it with `how` and
    /// returns `Some(its waker)` (to wake after unlocking), or `None` if no
    /// waiter is queued. The inner `Option` is `None` for a waiter that was
    /// queued without a waker (`Notified::enable`).
    pub(crate) fn notify_front(&mut self, how: Notification) -> Option<Option<Waker>> {
        let key = self.head;
        if key == NIL {
            return None;
        }
        self.unlink(key);
        let node = &mut self.nodes[key];
        node.notified = Some(how);
        Some(node.waker.take())
    }

    /// Notifies every queued waiter with `how`, appending their wakers to `out`.
    pub(crate) fn notify_all(&mut self, how: Notification, out: &mut Vec<Waker>) {
        while let Some(waker) = self.notify_front(how) {
            out.extend(waker);
        }
    }

    /// Removes `key` for good (unlinking it if still queued) and returns how
    /// it had been notified, so the caller can pass on a `One`.
    pub(crate) fn remove(&mut self, key: usize) -> Option<Notification> {
        if self.nodes[key].notified.is_none() {
            self.unlink(key);
        }
        self.nodes.remove(key).notified
    }

    fn unlink(&mut self, key: usize) {
        let (prev, next) = (self.nodes[key].prev, self.nodes[key].next);
        match prev {
            NIL => self.head = next,
            p => self.nodes[p].next = next,
        }
        match next {
            NIL => self.tail = prev,
            n => self.nodes[n].prev = prev,
        }
        let node = &mut self.nodes[key];
        node.prev = NIL;
        node.next = NIL;
    }
}

/// Wakes every waker in `wakers`; call it after the lock is released.
pub(crate) fn wake_all(wakers: Vec<Waker>) {
    wakers.into_iter().for_each(Waker::wake);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fifo_order_and_removal_from_the_middle() {
        let mut list = WaitList::new();
        let w = Waker::noop();
        let a = list.push_back(Some(w));
        let b = list.push_back(Some(w));
        let c = list.push_back(Some(w));
        assert_eq!(list.remove(b), None);
        assert!(list.notify_front(Notification::One).is_some());
        assert_eq!(list.notification(a), Some(Notification::One));
        assert_eq!(list.notification(c), None);
        assert!(list.notify_front(Notification::One).is_some());
        assert_eq!(list.notification(c), Some(Notification::One));
        assert!(list.is_empty());
        assert!(list.notify_front(Notification::One).is_none());
        assert_eq!(list.remove(a), Some(Notification::One));
        assert_eq!(list.remove(c), Some(Notification::One));
        // Slots are reused and the list still links correctly.
        let d = list.push_back(None);
        let mut out = Vec::new();
        list.notify_all(Notification::All, &mut out);
        assert!(
            out.is_empty(),
            "a waiter queued without a waker yields none"
        );
        assert_eq!(list.remove(d), Some(Notification::All));
    }
}
