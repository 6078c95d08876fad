//! The runtime: [`Builder`], [`Runtime`], [`Handle`], and the scheduler loops.
//!
//! # Current-thread and multi-thread
//!
//! A current-thread runtime ([`Builder::new_current_thread`]) is one
//! scheduler loop (a run queue, a reactor on one instance of the chosen
//! [`Backend`], a timer heap), driven by whichever thread is in
//! [`Runtime::block_on`].
//!
//! A multi-thread runtime ([`Builder::new_multi_thread`]) is thread-per-core:
//! `worker_threads` workers, each a complete current-thread loop on its own
//! thread, with its own backend instance, timers and run queue. There is no
//! work stealing: a task stays on the worker that first polled it, so
//! [`spawn`](crate::task::spawn) inside a worker needs no `Send` and keeps
//! the task on that worker.
//!
//! * **Placement.** [`Runtime::spawn`] and [`Handle::spawn`] (`Send`
//!   futures) put the task on the least loaded worker: the one owning the
//!   fewest live tasks plus tasks queued for it and not yet started, ties
//!   broken round-robin. A placed task never moves, so a mistake lasts as
//!   long as the task; plain round-robin piles every long-lived task onto
//!   the same worker whenever long- and short-lived spawns alternate (a
//!   test shows it), and the count costs one load per worker per spawn.
//!   [`Handle::spawn_on_each_worker`] runs a future factory once on every
//!   worker instead.
//! * **`block_on`.** It runs its future on the calling thread, as tokio's
//!   does, in a private loop beside the workers (not on a worker): IO and
//!   timers used directly in the future are served by that loop, so the
//!   future never depends on a worker being free, and tasks it spawns with
//!   [`spawn`](crate::task::spawn) stay on it. Work meant for the workers
//!   goes through [`Handle::spawn`].
//! * **IO objects follow their task.** A socket registered with one loop
//!   and then used by a task on another (another worker, or another
//!   runtime) moves there the first time that task has to wait on it: the
//!   old loop deregisters it and hands it over, the new one registers it
//!   and assumes it ready, so the operation is tried again before the task
//!   parks. See [`PollEvented`](crate::reactor::PollEvented).
//! * **`spawn_blocking`** uses one pool for all workers.
//! * **Stats.** [`Handle::stats`] sums every loop's counters;
//!   [`Handle::worker_stats`] gives them per worker.
//! * **Shutdown.** Dropping the runtime stops every worker; each drops its
//!   tasks on its own thread and closes its fds, and the drop joins the
//!   worker threads (waiting at most 5 s).

mod backend;
mod builder;
mod core;
mod handle;
#[doc(hidden)]
pub mod park;
#[allow(clippy::module_inception)]
mod runtime;
mod shared;
mod stats;
mod workers;

pub use backend::Backend;
pub use builder::Builder;
pub(crate) use core::{Core, Stats};
pub use handle::{Handle, RuntimeStats, TryCurrentError};
pub use runtime::Runtime;
pub(crate) use shared::Shared;
