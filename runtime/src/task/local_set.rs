//! `LocalSet`: a group of `!Send` tasks, as tokio's, so code written with
//! one ports unchanged.
//!
//! On mini_rt every task may be `!Send` already, so a set is a grouping, not
//! a separate scheduler: its tasks run on the current runtime like any other
//! (see the differences listed on [`LocalSet`]).

use super::{AbortHandle, JoinHandle};
use crate::context;
use std::cell::{Cell, RefCell};
use std::fmt;
use std::future::Future;
use std::marker::PhantomData;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll, Waker};

thread_local! {
    /// The set whose `run_until` (or one of whose tasks) is being polled on
    /// this thread: `task::spawn_local` adds to it.
    static CURRENT: RefCell<Option<Rc<Inner>>> = const { RefCell::new(None) };
}

/// A set of tasks that run on the current thread, as tokio's `LocalSet`.
///
/// Spawn onto it with [`LocalSet::spawn_local`], or with
/// [`task::spawn_local`](crate::task::spawn_local) from inside
/// [`run_until`](LocalSet::run_until) or one of its tasks; await the set
/// itself to wait until all its tasks are done. Dropping the set cancels the
/// tasks still in it.
///
/// ```
/// # use mini_rt_runtime as mini_rt;
/// use mini_rt::task::LocalSet;
/// use std::rc::Rc;
///
/// let rt = mini_rt::runtime::Runtime::new().unwrap();
/// let local = LocalSet::new();
/// let out = local.block_on(&rt, async {
///     let data = Rc::new("not Send");
///     // Both spawn onto the set: run_until made it the current one.
///     mini_rt::task::spawn_local(async move { assert_eq!(*data, "not Send") });
///     mini_rt::task::spawn_local(async { 7 }).await.unwrap()
/// });
/// assert_eq!(out, 7);
/// rt.block_on(local); // every task of the set has finished
/// ```
///
/// Differences from tokio, where a set is a scheduler of its own:
/// - its tasks are the runtime's tasks, so they run whenever the runtime
///   does, not only while the set is being polled;
/// - spawning onto a set needs a running runtime (inside `block_on` or a
///   task): outside one, [`spawn_local`](LocalSet::spawn_local) panics with
///   a message saying so, where tokio queues the task until the set runs.
pub struct LocalSet {
    inner: Rc<Inner>,
    _not_send: PhantomData<*const ()>,
}

#[derive(Default)]
struct Inner {
    /// Tasks spawned on the set and not finished yet.
    live: Cell<usize>,
    /// Abort handles of the set's tasks (finished ones pruned as it grows).
    handles: RefCell<Vec<AbortHandle>>,
    /// Who awaits the set itself.
    waker: RefCell<Option<Waker>>,
}

impl Inner {
    fn spawn<F>(self: &Rc<Self>, future: F) -> JoinHandle<F::Output>
    where
        F: Future + 'static,
        F::Output: 'static,
    {
        if !context::is_entered() {
            panic!(
                "mini_rt: LocalSet::spawn_local needs a running runtime: spawn from \
                 inside `Runtime::block_on`, `LocalSet::run_until` or a task"
            );
        }
        self.live.set(self.live.get() + 1);
        let task = InSet {
            set: self.clone(),
            future,
            _live: Live(self.clone()),
        };
        let handle = super::spawn(task);
        let mut handles = self.handles.borrow_mut();
        if handles.len() >= 64 && handles.len() >= 2 * self.live.get() {
            handles.retain(|h| !h.is_finished());
        }
        handles.push(handle.abort_handle());
        handle
    }
}

/// Counts a task of the set as live until it is dropped (done, cancelled or
/// panicked), then wakes whoever awaits the set.
struct Live(Rc<Inner>);

impl Drop for Live {
    fn drop(&mut self) {
        let left = self.0.live.get() - 1;
        self.0.live.set(left);
        if left == 0 {
            if let Some(w) = self.0.waker.borrow_mut().take() {
                w.wake();
            }
        }
    }
}

pin_project_lite::pin_project! {
    /// A future polled with its set as the thread's current set.
    struct InSet<F> {
        set: Rc<Inner>,
        #[pin]
        future: F,
        _live: Live,
    }
}

impl<F: Future> Future for InSet<F> {
    type Output = F::Output;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        let this = self.project();
        let _enter = Entered::new(this.set.clone());
        this.future.poll(cx)
    }
}

/// Makes a set the current one until dropped, restoring the previous one.
struct Entered(Option<Rc<Inner>>);

impl Entered {
    fn new(set: Rc<Inner>) -> Entered {
        Entered(CURRENT.with(|c| c.replace(Some(set))))
    }
}

impl Drop for Entered {
    fn drop(&mut self) {
        let prev = self.0.take();
        let _ = CURRENT.try_with(|c| c.replace(prev));
    }
}

/// Spawns on the set being run on this thread, if any; else hands `future`
/// back.
pub(crate) fn try_spawn_in_current<F>(future: F) -> Result<JoinHandle<F::Output>, F>
where
    F: Future + 'static,
    F::Output: 'static,
{
    match CURRENT.try_with(|c| c.borrow().clone()).ok().flatten() {
        Some(set) => Ok(set.spawn(future)),
        None => Err(future),
    }
}

impl LocalSet {
    /// An empty set.
    pub fn new() -> LocalSet {
        LocalSet {
            inner: Rc::default(),
            _not_send: PhantomData,
        }
    }

    /// Spawns `future` onto the set; it need not be `Send`. Panics outside a
    /// running runtime (see the type's docs).
    #[track_caller]
    pub fn spawn_local<F>(&self, future: F) -> JoinHandle<F::Output>
    where
        F: Future + 'static,
        F::Output: 'static,
    {
        self.inner.spawn(future)
    }

    /// Runs `future` to completion with this set as the current one, so
    /// [`task::spawn_local`](crate::task::spawn_local) inside it spawns onto
    /// the set. Returns `future`'s output; the set's tasks may still be
    /// running (await the set to wait for them).
    pub async fn run_until<F: Future>(&self, future: F) -> F::Output {
        let mut future = std::pin::pin!(future);
        std::future::poll_fn(|cx| {
            let _enter = Entered::new(self.inner.clone());
            future.as_mut().poll(cx)
        })
        .await
    }

    /// `rt.block_on(self.run_until(future))`.
    #[track_caller]
    pub fn block_on<F: Future>(&self, rt: &crate::runtime::Runtime, future: F) -> F::Output {
        rt.block_on(self.run_until(future))
    }

    /// Makes this the current set until the guard is dropped:
    /// [`task::spawn_local`](crate::task::spawn_local) then spawns onto it.
    pub fn enter(&self) -> LocalEnterGuard {
        LocalEnterGuard {
            _entered: Entered::new(self.inner.clone()),
            _not_send: PhantomData,
        }
    }
}

impl Default for LocalSet {
    fn default() -> LocalSet {
        LocalSet::new()
    }
}

/// Awaiting a set waits until every task spawned on it has finished.
impl Future for LocalSet {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.inner.live.get() == 0 {
            return Poll::Ready(());
        }
        *self.inner.waker.borrow_mut() = Some(cx.waker().clone());
        Poll::Pending
    }
}

impl Drop for LocalSet {
    /// Cancels the tasks still in the set (they are dropped when the
    /// runtime next runs, or when it shuts down).
    fn drop(&mut self) {
        for h in self.inner.handles.borrow_mut().drain(..) {
            h.abort();
        }
    }
}

impl fmt::Debug for LocalSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LocalSet")
            .field("tasks", &self.inner.live.get())
            .finish()
    }
}

/// Returned by [`LocalSet::enter`]; leaves the set when dropped.
///
/// ```
/// # use mini_rt_runtime as mini_rt;
/// use mini_rt::task::LocalSet;
///
/// let rt = mini_rt::runtime::Runtime::new().unwrap();
/// let local = LocalSet::new();
/// rt.block_on(async {
///     let guard = local.enter();
///     // While the guard lives, `spawn_local` spawns onto `local`.
///     let task = mini_rt::task::spawn_local(async { "on the set" });
///     drop(guard);
///     assert_eq!(task.await.unwrap(), "on the set");
/// });
/// rt.block_on(local); // the set's tasks are all done
/// ```
pub struct LocalEnterGuard {
    _entered: Entered,
    _not_send: PhantomData<*const ()>,
}

impl fmt::Debug for LocalEnterGuard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LocalEnterGuard").finish_non_exhaustive()
    }
}
