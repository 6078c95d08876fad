//! The runtime thread's task bookkeeping: the local run queue and the set of
//! owned (live) tasks, plus the thread binding that makes `!Send` tasks sound.

use super::raw::{Polled, RawTask};
use crate::runtime::Shared;
use slab::Slab;
use std::cell::{Cell, RefCell, UnsafeCell};
use std::collections::VecDeque;
use std::ptr;
use std::sync::atomic::Ordering::Relaxed;
use std::sync::Arc;
use std::thread::{self, ThreadId};

/// Not-yet-owned marker in `Header::owned_index`.
pub(crate) const UNOWNED: usize = usize::MAX;

thread_local! {
    /// The task list of the loop entered on this thread (null: none), so a
    /// wake on the loop's own thread reaches its run queue with one
    /// thread-local load instead of a borrow of the context slot. `const`
    /// and without a destructor: always accessible, even while the thread's
    /// thread-locals are being destroyed.
    static ENTERED: Cell<*const LocalTasks> = const { Cell::new(ptr::null()) };
}

pub(crate) struct LocalTasks {
    queue: RunQueue,
    owned: RefCell<Slab<RawTask>>,
    /// Live tasks spawned with `spawn`/`spawn_local` (possibly `!Send`).
    local_count: Cell<usize>,
    /// The thread those tasks belong to, while there are any.
    owner: Cell<Option<ThreadId>>,
    /// The loop's shared half, where the owned-task count is published for
    /// placement.
    shared: Arc<Shared>,
}

impl LocalTasks {
    pub(crate) fn new(shared: Arc<Shared>) -> LocalTasks {
        LocalTasks {
            shared,
            queue: RunQueue(UnsafeCell::new(VecDeque::with_capacity(256))),
            owned: RefCell::new(Slab::with_capacity(256)),
            local_count: Cell::new(0),
            owner: Cell::new(None),
        }
    }

    /// Panics unless the current thread may poll and drop these tasks: once a
    /// possibly-`!Send` task lives in the runtime, only its thread may run it.
    pub(crate) fn check_thread(&self) {
        if let Some(owner) = self.owner.get().filter(|_| self.is_wrong_thread()) {
            {
                panic!(
                    "mini_rt runtime used from the wrong thread: it holds tasks spawned on \
                     thread {owner:?}, which may be !Send and can only run there \
                     (current thread: {:?})",
                    thread::current().id()
                );
            }
        }
    }

    /// Whether the current thread must not poll or drop these tasks.
    pub(crate) fn is_wrong_thread(&self) -> bool {
        self.local_count.get() > 0
            && self
                .owner
                .get()
                .is_some_and(|o| o != thread::current().id())
    }

    /// Adopts a task into the owned set (taking one more reference).
    pub(crate) fn adopt(&self, task: &RawTask) {
        let header = task.header();
        debug_assert_eq!(header.owned_index.load(Relaxed), UNOWNED);
        let idx = {
            let mut owned = self.owned.borrow_mut();
            let idx = owned.insert(task.clone_ref());
            self.shared.live.store(owned.len(), Relaxed);
            idx
        };
        header.owned_index.store(idx, Relaxed);
        if header.local {
            if self.local_count.get() == 0 {
                self.owner.set(Some(thread::current().id()));
            }
            self.local_count.set(self.local_count.get() + 1);
        }
    }

    /// Makes this the thread's entered list ([`LocalTasks::push_entered`]).
    /// Called by `context::enter` once the core is in its slot: the core is
    /// boxed, so this list stays where it is until it is taken out again.
    pub(crate) fn set_entered(&self) {
        ENTERED.set(self);
    }

    /// Forgets the thread's entered list. Called by `context::exit` before
    /// the core leaves its slot (and by `Drop`, should the slot drop it).
    pub(crate) fn clear_entered() {
        ENTERED.set(ptr::null());
    }

    /// Queues `task` on the entered loop's run queue if the task belongs to
    /// that loop; otherwise hands it back.
    #[inline]
    pub(crate) fn push_entered(task: RawTask) -> Result<(), RawTask> {
        let entered = ENTERED.get();
        if entered.is_null() {
            return Err(task);
        }
        // SAFETY: a non-null `ENTERED` points to the list of the core that is
        // in this thread's context slot: `set_entered` is called once it is
        // there (boxed, so it does not move), and `exit` and `Drop` clear it
        // before the core leaves the slot or is dropped. The list is only
        // used through shared references (its cells guard mutation), and
        // this thread is the only one that reads `ENTERED`.
        let list = unsafe { &*entered };
        if !Arc::ptr_eq(&list.shared, &task.header().shared) {
            return Err(task);
        }
        list.push(task);
        Ok(())
    }

    #[inline]
    pub(crate) fn push(&self, task: RawTask) {
        self.queue.with(|q| q.push_back(task));
    }

    #[inline]
    pub(crate) fn pop(&self) -> Option<RawTask> {
        self.queue.with(|q| q.pop_front())
    }

    pub(crate) fn owned_len(&self) -> usize {
        self.owned.borrow().len()
    }

    /// Polls a popped task and does the bookkeeping its result asks for.
    /// Returns whether it was really polled (not a stale entry).
    pub(crate) fn run(&self, task: RawTask) -> bool {
        if task.header().owned_index.load(Relaxed) == UNOWNED {
            // Spawned from another thread through a Handle: adopt it now.
            self.adopt(&task);
            self.shared.incoming.fetch_sub(1, Relaxed);
        }
        match task.poll() {
            Polled::Idle => true,
            Polled::Requeue(task) => {
                self.push(task);
                true
            }
            Polled::Complete(task) => {
                self.release(&task);
                true
            }
            Polled::Stale => false,
        }
    }

    fn release(&self, task: &RawTask) {
        let header = task.header();
        let idx = header.owned_index.swap(UNOWNED, Relaxed);
        if idx == UNOWNED {
            return;
        }
        let owned = {
            let mut set = self.owned.borrow_mut();
            let owned = set.try_remove(idx);
            self.shared.live.store(set.len(), Relaxed);
            owned
        };
        if header.local {
            self.local_count.set(self.local_count.get() - 1);
        }
        drop(owned);
    }

    /// Runtime dropped on a thread that must not touch its (possibly `!Send`)
    /// tasks: shuts down only the queued tasks never adopted, here and in
    /// `remote`. Those were spawned by `Handle::spawn`, so they are `Send`,
    /// and no one else would ever cancel them. The other entries are wakes
    /// of owned tasks, which the caller leaks with this set: dropping an
    /// entry only releases its reference.
    pub(crate) fn shutdown_unadopted(&self, remote: Vec<RawTask>) {
        let queued: Vec<RawTask> = self.queue.take().into_iter().chain(remote).collect();
        for t in &queued {
            if t.header().owned_index.load(Relaxed) == UNOWNED {
                t.shutdown();
            }
        }
    }

    /// Shuts every task down: drops all futures (on this thread) and all
    /// queue entries. Futures dropped here may wake or spawn others, so loop
    /// until nothing is left.
    pub(crate) fn shutdown_all(&self, remote: Vec<RawTask>) {
        let mut remote = remote;
        loop {
            let queued: Vec<RawTask> = self
                .queue
                .take()
                .into_iter()
                .chain(std::mem::take(&mut remote))
                .collect();
            for t in &queued {
                if t.header().owned_index.load(Relaxed) == UNOWNED {
                    // Never adopted: shut it down directly.
                    t.shutdown();
                }
            }
            drop(queued);
            let owned: Vec<RawTask> = self
                .owned
                .borrow()
                .iter()
                .map(|(_, t)| t.clone_ref())
                .collect();
            if owned.is_empty() && self.queue.with(|q| q.is_empty()) {
                break;
            }
            for task in owned {
                task.shutdown();
                self.release(&task);
            }
        }
        self.owner.set(None);
    }
}

/// The local run queue: a `VecDeque` in an `UnsafeCell` rather than a
/// `RefCell`, as every access is one short method below that calls no code
/// but the queue's own (and the allocator's), so no borrow can overlap and
/// the flag would only cost a check and two stores on every push and pop.
struct RunQueue(UnsafeCell<VecDeque<RawTask>>);

impl RunQueue {
    /// Runs `f` on the queue. Private to this module: `f` only ever pushes,
    /// pops, takes or checks the queue, never anything that could re-enter.
    #[inline]
    fn with<R>(&self, f: impl FnOnce(&mut VecDeque<RawTask>) -> R) -> R {
        // SAFETY: `RunQueue` is `!Sync` (an `UnsafeCell`), so only this
        // thread is here, and every `f` passed in this module runs no code
        // that could reach this queue again (moving a `RawTask` runs none;
        // dropping one happens after `with` returns), so this is the only
        // reference to the queue while it lives.
        f(unsafe { &mut *self.0.get() })
    }

    /// Empties the queue, returning what was queued.
    fn take(&self) -> VecDeque<RawTask> {
        self.with(std::mem::take)
    }
}

impl Drop for LocalTasks {
    fn drop(&mut self) {
        if ptr::eq(ENTERED.get(), self) {
            LocalTasks::clear_entered();
        }
    }
}
