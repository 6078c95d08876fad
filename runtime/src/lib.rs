//! mini_rt's runtime crate: the executor, the reactor, timers, the OS layer,
//! and the sync primitives and IO utilities (tokio's, re-exported). Users
//! depend on the `mini_rt` facade, which re-exports everything here.
//!
//! Module map:
//! * [`runtime`]: `Builder`, `Runtime`, `Handle`, `block_on`, the scheduler
//!   loop, and the multi-thread runtime's workers (thread-per-core, no work
//!   stealing; see its module docs for placement and `block_on`).
//! * [`task`]: spawning, `JoinHandle`, `JoinError`, `JoinSet`, `spawn_blocking`, `yield_now`.
//! * [`reactor`]: registrations of fds with the backend and readiness tracking,
//!   and their hand-over between loops (IO objects follow their task); the
//!   building block for IO types (used by `mini_rt_net`).
//! * [`time`]: `sleep`, `timeout`, `interval` on a timer heap.
//! * [`sync`]: `tokio::sync`, re-exported whole (runtime-free).
//! * [`io`]: tokio's IO traits and `io-util` utilities, re-exported, plus
//!   mini_rt's `Interest` and `Ready`.
//! * `hyper` (feature `hyper`): hyper 1.x's runtime traits (`Io`,
//!   `Executor`, `Timer`).
//! * [`signal`]: `ctrl_c` and Unix signal streams.
//! * [`fs`]: files and directories, on the blocking pool.
//! * [`process`]: child processes, their exit and pipes on the reactor.
//! * [`poller`]: the callback interface without async: `poll_events` (wait
//!   once) and `Poller` with `Events` (a reusable multiplexer, shareable by
//!   threads), on any backend.
//!
//! The OS layer (`sys`, the only place that calls libc: the backends and
//! sockets) is private; `mini_rt_net` reaches its socket helpers through a
//! hidden module.

#[macro_use]
mod macros;

mod context;
pub mod fs;
#[cfg(feature = "hyper")]
pub mod hyper;
pub mod io;
pub mod poller;
pub mod process;
pub mod reactor;
pub mod runtime;
pub mod signal;
pub mod sync;
mod sys;
pub mod task;
#[cfg(test)]
mod test_util;
pub mod time;

pub use task::spawn;

/// The OS layer's socket, pipe and read helpers that `mini_rt_net` builds
/// on; not public API.
#[doc(hidden)]
pub mod __net {
    pub use crate::sys::net::*;
    pub use crate::sys::read_buf;
    pub use crate::sys::unix_cred;
}

#[doc(hidden)]
pub mod __private {
    //! Support for the macros; not public API.
    pub use crate::macros::support::*;
}
