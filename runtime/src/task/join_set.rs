//! `JoinSet`: a collection of spawned tasks, awaited in completion order.

use super::{AbortHandle, JoinError, JoinHandle};
use parking_lot::Mutex;
use slab::Slab;
use std::collections::VecDeque;
use std::fmt;
use std::future::{poll_fn, Future};
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll, Wake, Waker};

/// A set of tasks spawned on the current runtime, joined in the order they
/// finish (tokio's `JoinSet`). Dropping the set aborts every task in it.
///
/// Each task has its own waker that queues the task's slot on a ready list,
/// so `join_next` only polls tasks that finished: O(1) per completion.
///
/// ```
/// # use mini_rt_runtime as mini_rt;
/// use mini_rt::task::JoinSet;
/// use mini_rt::time::{self, sleep, Duration};
///
/// # mini_rt::runtime::Runtime::new().unwrap().block_on(async {
/// time::pause(); // virtual time: exact deadlines, no wall time spent
/// let mut set = JoinSet::new();
/// for ms in [30, 10, 20] {
///     set.spawn(async move {
///         sleep(Duration::from_millis(ms)).await;
///         ms
///     });
/// }
/// // Joined as they finish, not in the order they were spawned.
/// let mut done = Vec::new();
/// while let Some(res) = set.join_next().await {
///     done.push(res.unwrap());
/// }
/// assert_eq!(done, [10, 20, 30]);
/// # });
/// ```
pub struct JoinSet<T> {
    tasks: Slab<Entry<T>>,
    ready: Arc<ReadyList>,
}

struct Entry<T> {
    handle: JoinHandle<T>,
    waker: Waker,
}

#[derive(Default)]
struct ReadyList {
    inner: Mutex<ReadyInner>,
}

#[derive(Default)]
struct ReadyInner {
    slots: VecDeque<usize>,
    waker: Option<Waker>,
}

/// Wakes the set when one task's join handle becomes ready.
struct SlotWaker {
    slot: usize,
    list: Arc<ReadyList>,
}

impl Wake for SlotWaker {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }
    fn wake_by_ref(self: &Arc<Self>) {
        let mut inner = self.list.inner.lock();
        inner.slots.push_back(self.slot);
        let waker = inner.waker.take();
        drop(inner);
        if let Some(w) = waker {
            w.wake();
        }
    }
}

impl<T> Default for JoinSet<T> {
    fn default() -> Self {
        JoinSet::new()
    }
}

impl<T> JoinSet<T> {
    /// An empty set.
    pub fn new() -> JoinSet<T> {
        JoinSet {
            tasks: Slab::new(),
            ready: Arc::default(),
        }
    }

    /// How many tasks are in the set (finished ones not yet joined included).
    pub fn len(&self) -> usize {
        self.tasks.len()
    }

    /// Whether the set is empty.
    pub fn is_empty(&self) -> bool {
        self.tasks.is_empty()
    }

    /// Adds an already spawned task to the set.
    fn insert(&mut self, handle: JoinHandle<T>) -> AbortHandle {
        let abort = handle.abort_handle();
        let entry = self.tasks.vacant_entry();
        let slot = entry.key();
        let waker = Waker::from(Arc::new(SlotWaker {
            slot,
            list: self.ready.clone(),
        }));
        entry.insert(Entry { handle, waker });
        // Poll it once on the next join so its waker is registered.
        self.ready.inner.lock().slots.push_back(slot);
        abort
    }

    /// Spawns `task` on the current runtime into the set (need not be `Send`).
    #[track_caller]
    pub fn spawn<F>(&mut self, task: F) -> AbortHandle
    where
        F: Future<Output = T> + 'static,
        T: 'static,
    {
        self.insert(super::spawn(task))
    }

    /// Spawns `task` as [`task::spawn_local`](super::spawn_local) does
    /// (onto the [`LocalSet`](super::LocalSet) being run, if any), into the
    /// set.
    #[track_caller]
    pub fn spawn_local<F>(&mut self, task: F) -> AbortHandle
    where
        F: Future<Output = T> + 'static,
        T: 'static,
    {
        self.insert(super::spawn_local(task))
    }

    /// Spawns `task` onto `local_set`, into this set.
    #[track_caller]
    pub fn spawn_local_on<F>(&mut self, task: F, local_set: &super::LocalSet) -> AbortHandle
    where
        F: Future<Output = T> + 'static,
        T: 'static,
    {
        self.insert(local_set.spawn_local(task))
    }

    /// Spawns the `Send` future `task` on the runtime of `handle` (from any
    /// thread), into the set.
    #[track_caller]
    pub fn spawn_on<F>(&mut self, task: F, handle: &crate::runtime::Handle) -> AbortHandle
    where
        F: Future<Output = T> + Send + 'static,
        T: Send + 'static,
    {
        self.insert(handle.spawn(task))
    }

    /// Runs `f` on the blocking pool, into the set.
    #[track_caller]
    pub fn spawn_blocking<F>(&mut self, f: F) -> AbortHandle
    where
        F: FnOnce() -> T + Send + 'static,
        T: Send + 'static,
    {
        self.insert(super::spawn_blocking(f))
    }

    /// Waits for the next task to finish; `None` when the set is empty.
    pub async fn join_next(&mut self) -> Option<Result<T, JoinError>> {
        poll_fn(|cx| self.poll_join_next(cx)).await
    }

    /// Polls for the next finished task.
    pub fn poll_join_next(&mut self, cx: &mut Context<'_>) -> Poll<Option<Result<T, JoinError>>> {
        if self.tasks.is_empty() {
            return Poll::Ready(None);
        }
        loop {
            let slot = {
                let mut inner = self.ready.inner.lock();
                match inner.slots.pop_front() {
                    Some(slot) => slot,
                    None => {
                        inner.waker = Some(cx.waker().clone());
                        return Poll::Pending;
                    }
                }
            };
            let Some(entry) = self.tasks.get_mut(slot) else {
                continue;
            };
            let mut tcx = Context::from_waker(&entry.waker);
            if let Poll::Ready(res) = Pin::new(&mut entry.handle).poll(&mut tcx) {
                self.tasks.remove(slot);
                // Stale copies of this slot in the ready list are skipped
                // above unless the slot is reused, where one extra poll is harmless.
                return Poll::Ready(Some(res));
            }
        }
    }

    /// Returns a finished task's result without waiting, if there is one.
    pub fn try_join_next(&mut self) -> Option<Result<T, JoinError>> {
        match self.poll_join_next(&mut Context::from_waker(Waker::noop())) {
            Poll::Ready(r) => r,
            Poll::Pending => None,
        }
    }

    /// Aborts every task (they stay in the set until joined).
    pub fn abort_all(&mut self) {
        for (_, e) in &self.tasks {
            e.handle.abort();
        }
    }

    /// Aborts every task and waits for all of them to finish.
    pub async fn shutdown(&mut self) {
        self.abort_all();
        while self.join_next().await.is_some() {}
    }

    /// Removes every task from the set without aborting them.
    pub fn detach_all(&mut self) {
        self.tasks.clear();
        self.ready.inner.lock().slots.clear();
    }

    /// Waits for every task and returns their outputs in completion order;
    /// panics if a task panicked or was cancelled, as tokio's.
    pub async fn join_all(mut self) -> Vec<T> {
        let mut out = Vec::with_capacity(self.len());
        while let Some(res) = self.join_next().await {
            match res {
                Ok(v) => out.push(v),
                Err(e) if e.is_panic() => std::panic::resume_unwind(e.into_panic()),
                Err(e) => panic!("{e}"),
            }
        }
        out
    }
}

impl<T> Drop for JoinSet<T> {
    fn drop(&mut self) {
        self.abort_all();
    }
}

impl<T> fmt::Debug for JoinSet<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("JoinSet").field("len", &self.len()).finish()
    }
}

/// Spawns every future of the iterator into the set, as [`JoinSet::spawn`].
impl<T: 'static, F: Future<Output = T> + 'static> Extend<F> for JoinSet<T> {
    fn extend<I: IntoIterator<Item = F>>(&mut self, iter: I) {
        for f in iter {
            self.spawn(f);
        }
    }
}

/// Collects futures into a set, spawning each as [`JoinSet::spawn`].
impl<T: 'static, F: Future<Output = T> + 'static> FromIterator<F> for JoinSet<T> {
    fn from_iter<I: IntoIterator<Item = F>>(iter: I) -> Self {
        let mut set = JoinSet::new();
        for f in iter {
            set.spawn(f);
        }
        set
    }
}
