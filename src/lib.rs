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

pub use mini_rt_runtime::*;

pub use mini_rt_macros::{main, test};
pub use mini_rt_runtime::{join, select, try_join};

/// TCP, UDP and Unix-domain sockets on the reactor.
pub mod net {
    pub use mini_rt_net::*;
}
