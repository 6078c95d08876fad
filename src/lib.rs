//! # mini_rt
//!
//! An async runtime with tokio's API (current-thread, or thread-per-core
//! with one loop per worker) and a readiness multiplexer you choose at run
//! time. This crate is the facade: it only
//! re-exports `mini_rt_runtime`, `mini_rt_net` and `mini_rt_macros`.
//!
//! Feature `hyper` adds `mini_rt::hyper::{Io, Executor, Timer}`, hyper
//! 1.x's runtime traits for mini_rt (hyper-util's `TokioIo`,
//! `TokioExecutor` and `TokioTimer` on tokio).
#![forbid(unsafe_code)]

// Each module and item at exactly one path; no glob, so that nothing the
// runtime crate exposes for `mini_rt_net` or its macros becomes public here.
pub use mini_rt_runtime::fs;
#[cfg(feature = "hyper")]
pub use mini_rt_runtime::hyper;
pub use mini_rt_runtime::io;
pub use mini_rt_runtime::poller;
pub use mini_rt_runtime::process;
pub use mini_rt_runtime::reactor;
pub use mini_rt_runtime::runtime;
pub use mini_rt_runtime::signal;
pub use mini_rt_runtime::sync;
pub use mini_rt_runtime::task;
pub use mini_rt_runtime::time;

/// TCP, UDP and Unix-domain sockets on the reactor.
pub mod net {
    pub use mini_rt_net::*;
}

pub use mini_rt_runtime::spawn;

pub use mini_rt_macros::{main, test};
pub use mini_rt_runtime::{join, select, task_local, try_join};
