//! `Handle`: a cloneable, `Send` reference to a runtime, and what the
//! runtime's loops share: the loops themselves, placement and the blocking
//! pool.

use super::{Backend, Shared};
use crate::context;
use crate::task::pool::Pool;
use crate::task::{self, JoinHandle};
use std::fmt;
use std::future::Future;
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};
use std::sync::Arc;

pub use super::stats::RuntimeStats;

/// A handle to a runtime, usable from any thread (tokio's `runtime::Handle`).
///
/// ```
/// # use mini_rt_runtime as mini_rt;
/// use mini_rt::runtime::{Handle, Runtime};
///
/// let rt = Runtime::new()?;
/// let handle = rt.handle().clone();
/// // From another thread: the `Send` future is queued onto the runtime...
/// let task = std::thread::spawn(move || handle.spawn(async { 6 * 7 }))
///     .join()
///     .unwrap();
/// // ...and runs when the runtime does.
/// assert_eq!(rt.block_on(task).unwrap(), 42);
/// // Inside the runtime, `Handle::current` finds it.
/// rt.block_on(async { assert_eq!(Handle::current().backend(), rt.backend()) });
/// # Ok::<(), std::io::Error>(())
/// ```
#[derive(Clone)]
pub struct Handle {
    pub(crate) inner: Arc<Inner>,
}

/// Which kind of runtime a [`Handle`] refers to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Flavor {
    CurrentThread,
    MultiThread,
}

/// The runtime-wide part every loop's core and every handle reach.
pub(crate) struct Inner {
    pub(crate) flavor: Flavor,
    pub(crate) backend: Backend,
    /// The loop `block_on` drives (a current-thread runtime's only loop).
    pub(crate) main: Arc<Shared>,
    /// A multi-thread runtime's workers (empty for a current-thread one).
    pub(crate) workers: Box<[Arc<Shared>]>,
    /// One `spawn_blocking` pool for every loop of the runtime.
    pub(crate) blocking: Pool,
    /// Where placement starts its scan: ties go round-robin.
    next: AtomicUsize,
}

impl Inner {
    pub(crate) fn new(
        flavor: Flavor,
        main: Arc<Shared>,
        workers: Vec<Arc<Shared>>,
        max_blocking: usize,
    ) -> Inner {
        Inner {
            flavor,
            backend: main.backend,
            main,
            workers: workers.into_boxed_slice(),
            blocking: Pool::new(max_blocking),
            next: AtomicUsize::new(0),
        }
    }

    /// The worker a `Send` task spawned through the handle goes to: the least
    /// loaded one (tasks it owns plus tasks queued for it), ties broken
    /// round-robin. Tasks never move once placed (no work stealing), so a
    /// placement mistake lasts as long as the task: round-robin alone would
    /// pile every long-lived task onto one worker whenever long- and
    /// short-lived spawns alternate; counting live tasks evens that out for
    /// the price of reading one counter pair per worker.
    pub(crate) fn pick_worker(&self) -> &Arc<Shared> {
        let n = self.workers.len();
        let start = self.next.fetch_add(1, Relaxed) % n;
        let mut best = start;
        let mut best_load = self.workers[start].load();
        for i in 1..n {
            let w = (start + i) % n;
            let load = self.workers[w].load();
            if load < best_load {
                best = w;
                best_load = load;
            }
        }
        &self.workers[best]
    }

    /// Every loop of the runtime: `block_on`'s first, then the workers.
    pub(crate) fn loops(&self) -> impl Iterator<Item = &Arc<Shared>> {
        std::iter::once(&self.main).chain(self.workers.iter())
    }
}

/// Returned by [`Handle::try_current`] outside a runtime.
///
/// ```
/// # use mini_rt_runtime as mini_rt;
/// use mini_rt::runtime::{Handle, Runtime};
///
/// assert!(Handle::try_current().is_err()); // no runtime on this thread
/// let rt = Runtime::new()?;
/// rt.block_on(async { assert!(Handle::try_current().is_ok()) });
/// # Ok::<(), std::io::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TryCurrentError(());

impl fmt::Display for TryCurrentError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(context::NO_RUNTIME)
    }
}

impl std::error::Error for TryCurrentError {}

impl Handle {
    /// The handle of the runtime running on this thread (in `block_on`, or a
    /// worker of a multi-thread runtime). Panics outside one.
    #[track_caller]
    pub fn current() -> Handle {
        Handle::try_current().unwrap_or_else(|e| panic!("{e}"))
    }

    /// The handle of the runtime running on this thread, if any.
    pub fn try_current() -> Result<Handle, TryCurrentError> {
        context::with_core(|core| core.handle.clone()).ok_or(TryCurrentError(()))
    }

    /// Spawns a `Send` future onto the runtime from any thread.
    ///
    /// On a multi-thread runtime the task goes to the least loaded worker
    /// (see the [module docs](super)) and stays there; on a current-thread
    /// runtime it goes to the runtime's loop. Queued from another thread, it
    /// wakes the loop; if the runtime was dropped, the task is cancelled at
    /// once (its handle yields a cancelled `JoinError`).
    pub fn spawn<F>(&self, future: F) -> JoinHandle<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        let target = match self.inner.flavor {
            Flavor::CurrentThread => &self.inner.main,
            Flavor::MultiThread => self.inner.pick_worker(),
        };
        spawn_to(target, future)
    }

    /// Spawns on the loop running on this thread if it belongs to this
    /// runtime (a task that only waits for something, such as a blocking
    /// job, costs no cross-thread hop there), else as [`spawn`](Self::spawn).
    pub(crate) fn spawn_here<F>(&self, future: F) -> JoinHandle<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        let mut future = Some(future);
        let here = context::with_core(|core| {
            Arc::ptr_eq(&core.handle.inner, &self.inner)
                .then(|| task::spawn_on(core, future.take().expect("taken once"), false))
        })
        .flatten();
        match here {
            Some(handle) => handle,
            None => self.spawn(future.take().expect("taken once")),
        }
    }

    /// Runs `factory` once on every worker (once on a current-thread
    /// runtime's loop) and spawns the future it returns there, with
    /// [`spawn`](crate::task::spawn)'s rules: the future need not be `Send`
    /// and stays on that worker. Returns the join handles in worker order;
    /// aborting one aborts that worker's task.
    ///
    /// The two ways to accept on every worker: one `SO_REUSEPORT` listener
    /// per worker, created inside the factory (`TcpSocket::set_reuseport`,
    /// `bind`, `listen`: the kernel spreads connections over the
    /// listeners), or one listening socket shared by all, each worker
    /// wrapping its own duplicate (`TcpListener::from_std(std.try_clone()?)`
    /// in the factory). A shared listener is registered with
    /// `EPOLLEXCLUSIVE` on the epoll backends in edge and level mode, so
    /// each connection wakes one waiting worker; on epoll oneshot, poll,
    /// select and io_uring every waiting worker wakes (the thundering herd;
    /// see `benches/herd.rs`).
    pub fn spawn_on_each_worker<F, Fut>(&self, factory: F) -> Vec<JoinHandle<Fut::Output>>
    where
        F: Fn() -> Fut + Send + Sync + 'static,
        Fut: Future + 'static,
        Fut::Output: Send + 'static,
    {
        let factory = Arc::new(factory);
        let targets: Vec<&Arc<Shared>> = match self.inner.flavor {
            Flavor::CurrentThread => vec![&self.inner.main],
            Flavor::MultiThread => self.inner.workers.iter().collect(),
        };
        targets
            .into_iter()
            .map(|target| {
                let factory = factory.clone();
                spawn_to(target, task::run_spawned_here(move || factory()))
            })
            .collect()
    }

    /// Runs `f` on the runtime's blocking pool (one pool for all workers),
    /// from any thread (see
    /// [`task::spawn_blocking`](crate::task::spawn_blocking): when the pool is
    /// full, `f` queues until a thread is free).
    pub fn spawn_blocking<F, R>(&self, f: F) -> JoinHandle<R>
    where
        F: FnOnce() -> R + Send + 'static,
        R: Send + 'static,
    {
        task::blocking::spawn_blocking_on(self, f)
    }

    /// Whether this is a multi-thread runtime.
    pub(crate) fn is_multi_thread(&self) -> bool {
        self.inner.flavor == Flavor::MultiThread
    }

    /// The readiness multiplexer the runtime uses (every worker has its own
    /// instance of it).
    pub fn backend(&self) -> Backend {
        self.inner.backend
    }

    /// The runtime's counters, summed over its loops (`block_on`'s and every
    /// worker's): live for the loop running on the calling thread and for an
    /// idle `block_on` loop, else as of the last time that loop parked.
    pub fn stats(&self) -> RuntimeStats {
        let mut sum = RuntimeStats::default();
        for shared in self.inner.loops() {
            sum.add(&loop_stats(shared));
        }
        sum
    }

    /// The counters of each worker, in worker order (as [`stats`](Self::stats)
    /// reads them). A current-thread runtime has one entry: its loop. The
    /// multi-thread runtime's `block_on` loop is not a worker: it counts only
    /// in `stats`.
    pub fn worker_stats(&self) -> Vec<RuntimeStats> {
        match self.inner.flavor {
            Flavor::CurrentThread => vec![loop_stats(&self.inner.main)],
            Flavor::MultiThread => self.inner.workers.iter().map(loop_stats).collect(),
        }
    }
}

/// One loop's counters: live on its own thread or while no thread drives
/// it, else as last published.
fn loop_stats(shared: &Arc<Shared>) -> RuntimeStats {
    let mut stats = context::with_runtime(shared.id, |core| core.snapshot_stats())
        .or_else(|| {
            shared
                .idle
                .lock()
                .as_ref()
                .map(|core| core.snapshot_stats())
        })
        .unwrap_or_else(|| *shared.stats.lock());
    stats.io_moved_out = shared.moved_out.load(Relaxed);
    stats
}

/// Spawns onto the loop `target`: locally when it runs on this thread.
fn spawn_to<F>(target: &Arc<Shared>, future: F) -> JoinHandle<F::Output>
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    let mut future = Some(future);
    let local = context::with_runtime(target.id, |core| {
        task::spawn_on(core, future.take().expect("taken once"), false)
    });
    match local {
        Some(handle) => handle,
        None => task::spawn_remote(target, future.take().expect("taken once")),
    }
}

impl fmt::Debug for Handle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Handle")
            .field("flavor", &self.inner.flavor)
            .field("backend", &self.inner.backend)
            .field("workers", &self.inner.workers.len())
            .finish()
    }
}
