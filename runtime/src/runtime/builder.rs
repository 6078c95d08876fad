//! `Builder`: configures and builds a [`Runtime`].

use super::core::Core;
use super::{Backend, Runtime, Shared};
use crate::reactor::Driver;
use crate::sys::Notifier;
use std::io;
use std::sync::Arc;

/// Builds a [`Runtime`] (tokio's `runtime::Builder`, current-thread flavour only).
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
/// # Ok::<(), std::io::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct Builder {
    backend: Option<Backend>,
    event_interval: u32,
    max_blocking_threads: usize,
    start_paused: bool,
}

impl Builder {
    /// A builder for the single-threaded runtime (the only flavour mini_rt has).
    pub fn new_current_thread() -> Builder {
        Builder {
            backend: None,
            event_interval: 61,
            max_blocking_threads: 512,
            start_paused: false,
        }
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

    /// Chooses the readiness multiplexer. Without this call the
    /// `MINI_RT_BACKEND` environment variable decides, else `EpollEdge`.
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
    /// run at once (default 512, as tokio's; at least 1). Threads start on
    /// demand and exit after 10 s idle. When all of them are busy, further
    /// closures queue and run, in order, as threads free up: nothing is
    /// lost, but a closure queued behind long-running ones waits for them.
    pub fn max_blocking_threads(&mut self, n: usize) -> &mut Self {
        self.max_blocking_threads = n.max(1);
        self
    }

    /// Whether the runtime's clock starts paused (default `false`), as if
    /// [`time::pause`](crate::time::pause) were its first call: timers then
    /// auto-advance the clock whenever the runtime has nothing else to do.
    /// tokio's `test-util` builder method; always available here.
    pub fn start_paused(&mut self, start_paused: bool) -> &mut Self {
        self.start_paused = start_paused;
        self
    }

    /// Builds the runtime. Fails if the backend cannot be created, or if
    /// `MINI_RT_BACKEND` names no backend (the error lists the valid names).
    /// A backend this machine cannot run (io-uring where the kernel refuses
    /// io_uring) is an `Unsupported` error naming the cause and the backends
    /// that work: the runtime never falls back to another one.
    pub fn build(&mut self) -> io::Result<Runtime> {
        let backend = match self.backend {
            Some(b) => b,
            None => Backend::from_env()?.unwrap_or_default(),
        };
        let notifier = Notifier::new()?;
        let driver = Driver::new(backend, notifier.fd())?;
        if self.start_paused {
            driver.clock.pause().expect("a new clock runs");
        }
        let shared = Arc::new(Shared::new(backend, notifier, self.max_blocking_threads));
        let core = Core::new(shared.clone(), driver, self.event_interval);
        Ok(Runtime::from_parts(shared, Box::new(core)))
    }
}
