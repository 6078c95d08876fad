//! The timer store: a binary min-heap of slab indices ordered by
//! (deadline, insertion sequence), where each entry knows its heap position,
//! so insert, remove and reset are O(log n) and firing is O(log n) per timer.
//! Deadlines keep full `Instant` precision (no wheel granularity).

use slab::Slab;
use std::task::Waker;
use std::time::Instant;

/// Heap position of an entry that has fired (it stays in the slab until its
/// `Sleep` observes it or is dropped).
const FIRED: usize = usize::MAX;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct TimerKey {
    idx: usize,
    seq: u64,
}

struct Entry {
    deadline: Instant,
    seq: u64,
    pos: usize,
    waker: Option<Waker>,
}

pub(crate) struct TimerHeap {
    entries: Slab<Entry>,
    heap: Vec<usize>,
    next_seq: u64,
}

impl TimerHeap {
    pub(crate) fn new() -> TimerHeap {
        TimerHeap {
            entries: Slab::new(),
            heap: Vec::new(),
            next_seq: 0,
        }
    }

    /// Live entries (pending or fired-but-not-observed).
    pub(crate) fn len(&self) -> usize {
        self.entries.len()
    }

    fn less(&self, a: usize, b: usize) -> bool {
        let (a, b) = (&self.entries[self.heap[a]], &self.entries[self.heap[b]]);
        (a.deadline, a.seq) < (b.deadline, b.seq)
    }

    fn swap(&mut self, i: usize, j: usize) {
        self.heap.swap(i, j);
        self.entries[self.heap[i]].pos = i;
        self.entries[self.heap[j]].pos = j;
    }

    fn sift_up(&mut self, mut i: usize) {
        while i > 0 {
            let parent = (i - 1) / 2;
            if !self.less(i, parent) {
                break;
            }
            self.swap(i, parent);
            i = parent;
        }
    }

    fn sift_down(&mut self, mut i: usize) {
        loop {
            let (l, r) = (2 * i + 1, 2 * i + 2);
            let mut min = i;
            if l < self.heap.len() && self.less(l, min) {
                min = l;
            }
            if r < self.heap.len() && self.less(r, min) {
                min = r;
            }
            if min == i {
                break;
            }
            self.swap(i, min);
            i = min;
        }
    }

    fn heap_remove(&mut self, pos: usize) {
        let last = self.heap.len() - 1;
        if pos != last {
            self.swap(pos, last);
        }
        self.heap.pop();
        if pos < self.heap.len() {
            self.sift_down(pos);
            self.sift_up(pos);
        }
    }

    fn get(&self, key: TimerKey) -> Option<&Entry> {
        self.entries.get(key.idx).filter(|e| e.seq == key.seq)
    }

    pub(crate) fn insert(&mut self, deadline: Instant, waker: Option<Waker>) -> TimerKey {
        let seq = self.next_seq;
        self.next_seq += 1;
        let pos = self.heap.len();
        let idx = self.entries.insert(Entry {
            deadline,
            seq,
            pos,
            waker,
        });
        self.heap.push(idx);
        self.sift_up(pos);
        TimerKey { idx, seq }
    }

    /// Removes the entry; a stale key is ignored.
    pub(crate) fn remove(&mut self, key: TimerKey) {
        let Some(pos) = self.get(key).map(|e| e.pos) else {
            return;
        };
        if pos != FIRED {
            self.heap_remove(pos);
        }
        self.entries.remove(key.idx);
    }

    /// `Some(true)` once fired, `Some(false)` while pending, `None` if unknown.
    pub(crate) fn is_fired(&self, key: TimerKey) -> Option<bool> {
        self.get(key).map(|e| e.pos == FIRED)
    }

    /// Stores the waker to wake when the entry fires.
    pub(crate) fn set_waker(&mut self, key: TimerKey, waker: &Waker) {
        if let Some(e) = self.entries.get_mut(key.idx).filter(|e| e.seq == key.seq) {
            match &e.waker {
                Some(w) if w.will_wake(waker) => {}
                _ => e.waker = Some(waker.clone()),
            }
        }
    }

    pub(crate) fn next_deadline(&self) -> Option<Instant> {
        self.heap.first().map(|&idx| self.entries[idx].deadline)
    }

    /// Marks every entry due at `now` as fired and collects its waker.
    pub(crate) fn fire(&mut self, now: Instant, wakers: &mut Vec<Waker>) {
        while let Some(&idx) = self.heap.first() {
            if self.entries[idx].deadline > now {
                break;
            }
            self.heap_remove(0);
            let e = &mut self.entries[idx];
            e.pos = FIRED;
            if let Some(w) = e.waker.take() {
                wakers.push(w);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn fires_in_deadline_order_then_insertion_order() {
        let mut h = TimerHeap::new();
        let t0 = Instant::now();
        let keys: Vec<TimerKey> = [30, 10, 20, 10, 0]
            .iter()
            .map(|ms| h.insert(t0 + Duration::from_millis(*ms), None))
            .collect();
        let mut order = Vec::new();
        for step in [0, 10, 20, 30] {
            h.fire(t0 + Duration::from_millis(step), &mut Vec::new());
            for (i, k) in keys.iter().enumerate() {
                if h.is_fired(*k) == Some(true) && !order.contains(&i) {
                    order.push(i);
                }
            }
        }
        assert_eq!(order, vec![4, 1, 3, 2, 0]);
        assert_eq!(h.next_deadline(), None);
    }

    #[test]
    fn removed_key_is_stale_after_slot_reuse() {
        let mut h = TimerHeap::new();
        let t0 = Instant::now();
        let a = h.insert(t0, None);
        h.remove(a);
        let b = h.insert(t0 + Duration::from_secs(1), None);
        assert_eq!(h.is_fired(a), None);
        h.remove(a); // stale: must not remove b
        assert_eq!(h.is_fired(b), Some(false));
        assert_eq!(h.len(), 1);
    }
}

/// The heap against a model: a `BTreeMap` ordered by (deadline, insertion
/// sequence) for pending timers, plus the set of fired-but-not-removed keys.
#[cfg(test)]
mod proptests {
    use super::*;
    use proptest::prelude::*;
    use std::collections::{BTreeMap, HashSet};
    use std::sync::{Arc, Mutex};
    use std::task::Wake;
    use std::time::Duration;

    /// Records its timer's id when woken, so the firing order is observable.
    struct Recorder {
        id: u64,
        log: Arc<Mutex<Vec<u64>>>,
    }

    impl Wake for Recorder {
        fn wake(self: Arc<Self>) {
            self.log.lock().unwrap().push(self.id);
        }
    }

    #[derive(Clone, Debug)]
    enum Op {
        /// Insert a timer due `ms` after t0 (few distinct values: many ties).
        Insert(u64),
        /// Remove the n-th key ever issued (live, fired or already removed).
        Remove(usize),
        /// Fire everything due at t0 + ms.
        Fire(u64),
    }

    fn op() -> impl Strategy<Value = Op> {
        prop_oneof![
            4 => (0u64..50).prop_map(Op::Insert),
            2 => any::<usize>().prop_map(Op::Remove),
            1 => (0u64..60).prop_map(Op::Fire),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        #[test]
        fn heap_matches_model_under_random_ops(ops in proptest::collection::vec(op(), 1..200)) {
            let t0 = Instant::now();
            let mut heap = TimerHeap::new();
            let log = Arc::new(Mutex::new(Vec::new()));
            // Every key issued, in order (its index is the timer's id).
            let mut issued: Vec<TimerKey> = Vec::new();
            let mut pending: BTreeMap<(Instant, u64), u64> = BTreeMap::new();
            let mut fired: HashSet<u64> = HashSet::new();
            let mut removed: HashSet<u64> = HashSet::new();
            for op in ops {
                match op {
                    Op::Insert(ms) => {
                        let id = issued.len() as u64;
                        let deadline = t0 + Duration::from_millis(ms);
                        let waker = Waker::from(Arc::new(Recorder { id, log: log.clone() }));
                        issued.push(heap.insert(deadline, Some(waker)));
                        pending.insert((deadline, id), id);
                    }
                    Op::Remove(n) if !issued.is_empty() => {
                        let id = (n % issued.len()) as u64;
                        heap.remove(issued[id as usize]);
                        pending.retain(|_, v| *v != id);
                        fired.remove(&id);
                        removed.insert(id);
                    }
                    Op::Remove(_) => {}
                    Op::Fire(ms) => {
                        let now = t0 + Duration::from_millis(ms);
                        let mut wakers = Vec::new();
                        heap.fire(now, &mut wakers);
                        for w in wakers {
                            w.wake();
                        }
                        let got: Vec<u64> = std::mem::take(&mut *log.lock().unwrap());
                        let due: Vec<(Instant, u64)> =
                            pending.range(..=(now, u64::MAX)).map(|(k, _)| *k).collect();
                        let want: Vec<u64> = due.iter().map(|k| pending.remove(k).unwrap()).collect();
                        fired.extend(want.iter().copied());
                        prop_assert_eq!(got, want, "fired set or order differs at {:?}", ms);
                    }
                }
                prop_assert_eq!(heap.len(), pending.len() + fired.len());
                prop_assert_eq!(heap.next_deadline(), pending.keys().next().map(|k| k.0));
                for (id, key) in issued.iter().enumerate() {
                    let id = id as u64;
                    let want = if removed.contains(&id) {
                        None
                    } else {
                        Some(fired.contains(&id))
                    };
                    prop_assert_eq!(heap.is_fired(*key), want, "timer {}", id);
                }
            }
        }
    }
}
