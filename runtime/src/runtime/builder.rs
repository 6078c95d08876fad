//! `Builder`: configures and builds a [`Runtime`].

use super::core::Core;
use super::handle::{Flavor, Inner};
use super::workers::Workers;
use super::{Backend, Handle, Runtime, Shared};
use crate::reactor::Driver;
use crate::sys::Notifier;
use std::io;
use std::sync::Arc;

/// Builds a [`Runtime`] (tokio's `runtime::Builder`): current-thread, or
/// multi-thread with one loop per worker thread.
///
/// ```
/// # use mini_rt_runtime as mini_rt;
/// use mini_rt::runtime::{Backend, Builder};
///
/// let rt = Builder::new_current_thread()
///     .enable_all()
///     .backend(Backend::Poll)
///     .build()?;
/// assert_eq!(rt.backend(), Backend::Poll);
/// assert_eq!(rt.block_on(async { 1 + 1 }), 2);
///
/// let mt = Builder::new_multi_thread().worker_threads(2).enable_all().build()?;
/// let worker = mt.block_on(async {
///     // Placed on a worker, not run on this thread.
///     mini_rt::runtime::Handle::current()
///         .spawn(async { std::thread::current().id() })
///         .await
/// });
/// assert_ne!(worker.unwrap(), std::thread::current().id());
/// # Ok::<(), std::io::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct Builder {
    flavor: Flavor,
    worker_threads: Option<usize>,
    backend: Option<Backend>,
    event_interval: u32,
    max_blocking_threads: usize,
    start_paused: bool,
}

impl Builder {
    /// A builder for a single-threaded runtime: one loop, driven by the
    /// thread that calls `block_on`.
    pub fn new_current_thread() -> Builder {
        Builder::with_flavor(Flavor::CurrentThread)
    }

    /// A builder for a multi-thread runtime: [`worker_threads`] workers,
    /// each a complete current-thread loop on its own thread (own backend
    /// instance, timers and run queue), with no work stealing. See the
    /// [module docs](super).
    ///
    /// [`worker_threads`]: Builder::worker_threads
    pub fn new_multi_thread() -> Builder {
        Builder::with_flavor(Flavor::MultiThread)
    }

    fn with_flavor(flavor: Flavor) -> Builder {
        Builder {
            flavor,
            worker_threads: None,
            backend: None,
            event_interval: 61,
            max_blocking_threads: 512,
            start_paused: false,
        }
    }

    /// How many workers a multi-thread runtime starts (default: the number
    /// of CPUs, `std::thread::available_parallelism`). Ignored by a
    /// current-thread runtime, as in tokio. Panics if `n` is 0.
    #[track_caller]
    pub fn worker_threads(&mut self, n: usize) -> &mut Self {
        assert!(n > 0, "Worker threads cannot be set to 0");
        self.worker_threads = Some(n);
        self
    }

    /// Accepted for tokio compatibility: IO and timers are always enabled.
    pub fn enable_all(&mut self) -> &mut Self {
        self
    }

    /// Accepted for tokio compatibility: IO is always enabled.
    pub fn enable_io(&mut self) -> &mut Self {
        self
    }

    /// Accepted for tokio compatibility: timers are always enabled.
    pub fn enable_time(&mut self) -> &mut Self {
        self
    }

    /// Chooses the readiness multiplexer (every loop gets its own instance).
    /// Without this call the `MINI_RT_BACKEND` environment variable decides,
    /// else `EpollEdge`.
    pub fn backend(&mut self, backend: Backend) -> &mut Self {
        self.backend = Some(backend);
        self
    }

    /// How many tasks run between two non-blocking checks of the reactor
    /// (default 61, as tokio's); lower is fairer to IO, higher is cheaper.
    pub fn event_interval(&mut self, ticks: u32) -> &mut Self {
        self.event_interval = ticks.max(1);
        self
    }

    /// The most threads [`spawn_blocking`](crate::task::spawn_blocking) may
    /// run at once (default 512, as tokio's; at least 1), in one pool that
    /// serves every worker. Threads start on demand and exit after 10 s
    /// idle. When all of them are busy, further closures queue and run, in
    /// order, as threads free up: nothing is lost, but a closure queued
    /// behind long-running ones waits for them.
    pub fn max_blocking_threads(&mut self, n: usize) -> &mut Self {
        self.max_blocking_threads = n.max(1);
        self
    }

    /// Whether the runtime's clock starts paused (default `false`), as if
    /// [`time::pause`](crate::time::pause) were its first call: timers then
    /// auto-advance the clock whenever the runtime has nothing else to do.
    /// tokio's `test-util` builder method; always available here. As in
    /// tokio, only for a current-thread runtime: `build` refuses it on a
    /// multi-thread one.
    pub fn start_paused(&mut self, start_paused: bool) -> &mut Self {
        self.start_paused = start_paused;
        self
    }

    /// Builds the runtime (and starts the workers of a multi-thread one).
    /// Fails if a backend instance or a worker thread cannot be created, if
    /// `MINI_RT_BACKEND` names no backend (the error lists the valid names),
    /// or if a multi-thread runtime is asked to start paused. A backend this
    /// machine cannot run (io-uring where the kernel refuses io_uring) is an
    /// `Unsupported` error naming the cause and the backends that work: the
    /// runtime never falls back to another one.
    pub fn build(&mut self) -> io::Result<Runtime> {
        let backend = match self.backend {
            Some(b) => b,
            None => Backend::from_env()?.unwrap_or_default(),
        };
        if self.start_paused && self.flavor == Flavor::MultiThread {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "mini_rt: pausing time requires the current-thread runtime \
                 (`start_paused` on a multi-thread builder)",
            ));
        }
        let (main, main_driver) = new_loop(backend)?;
        if self.start_paused {
            main_driver.clock.pause().expect("a new clock runs");
        }
        let mut workers = Vec::new();
        if self.flavor == Flavor::MultiThread {
            let n = self
                .worker_threads
                .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
            for _ in 0..n {
                workers.push(new_loop(backend)?);
            }
        }
        let shareds = workers.iter().map(|(s, _)| s.clone()).collect();
        let inner = Inner::new(
            self.flavor,
            main.clone(),
            shareds,
            self.max_blocking_threads,
        );
        let handle = Handle {
            inner: Arc::new(inner),
        };
        let core = Core::new(
            main.clone(),
            handle.clone(),
            main_driver,
            self.event_interval,
        );
        *main.idle.lock() = Some(Box::new(core));
        let mut rt = Runtime::from_parts(handle.clone());
        if !workers.is_empty() {
            let cores = workers
                .into_iter()
                .map(|(shared, driver)| {
                    Core::new(shared, handle.clone(), driver, self.event_interval)
                })
                .collect();
            // On an error, dropping `rt` shuts `block_on`'s loop down.
            rt.set_workers(Workers::start(cores)?);
        }
        Ok(rt)
    }
}

/// One loop's shared half and driver, on their own backend instance.
fn new_loop(backend: Backend) -> io::Result<(Arc<Shared>, Driver)> {
    let notifier = Notifier::new()?;
    let driver = Driver::new(backend, notifier.fd())?;
    Ok((Arc::new(Shared::new(backend, notifier)), driver))
}
