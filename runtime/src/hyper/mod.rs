//! hyper 1.x on mini_rt (feature `hyper`): the runtime pieces hyper asks
//! for, the counterparts of hyper-util's `TokioIo`, `TokioExecutor` and
//! `TokioTimer`.
//!
//! * [`Io`]: hyper's `rt::Read`/`rt::Write` for any tokio `AsyncRead` +
//!   `AsyncWrite` (every mini_rt socket), and the reverse.
//! * [`Executor`]: hyper's `rt::Executor`, spawning on the current runtime.
//!   Futures need not be `Send`, so HTTP/2 (which spawns a task per stream
//!   and one per client connection) works with `!Send` services and bodies.
//! * [`Timer`]: hyper's `rt::Timer` on mini_rt's timers
//!   ([`Sleep`] implements hyper's `rt::Sleep`), for
//!   `header_read_timeout`, HTTP/2 keep-alive pings and pool idle timeouts.
//!
//! hyper-util's own `TokioExecutor` and `TokioTimer` cannot be used on
//! mini_rt: they call `tokio::spawn` and `tokio::time`, which need a tokio
//! runtime. hyper-util's `TokioIo` does work (it only needs tokio's IO
//! traits), but [`Io`] is the same thing without the extra dependency.
//!
//! A server accepts, wraps each stream in [`Io`] and hands it to hyper,
//! exactly as on tokio with hyper-util:
//!
//! ```text
//! let (stream, _) = listener.accept().await?;
//! mini_rt::spawn(async move {
//!     let _ = hyper::server::conn::http1::Builder::new()
//!         .timer(Timer::new())
//!         .serve_connection(Io::new(stream), service_fn(hello))
//!         .await;
//! });
//! ```
//! `examples/hyper_server.rs` is the whole program; for HTTP/2, use
//! `hyper::server::conn::http2::Builder::new(Executor::new())`.

mod io;

pub use io::Io;

use crate::time::{self, Instant, Sleep};
use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

/// hyper's `rt::Executor` for mini_rt: [`spawn`](crate::spawn)s each
/// future on the current runtime, as hyper-util's `TokioExecutor` does on
/// tokio's. The futures need not be `Send`.
///
/// hyper calls it from the connection's task, so the current runtime is the
/// one driving the connection. Panics, as `spawn` does, outside a runtime.
///
/// ```
/// # use mini_rt_runtime as mini_rt;
/// use hyper::rt::Executor as _;
/// use mini_rt::hyper::Executor;
/// use std::rc::Rc;
///
/// # mini_rt::runtime::Runtime::new().unwrap().block_on(async {
/// let (tx, rx) = mini_rt::sync::oneshot::channel();
/// let not_send = Rc::new("spawned by hyper");
/// Executor::new().execute(async move {
///     tx.send(*not_send).unwrap();
/// });
/// assert_eq!(rx.await.unwrap(), "spawned by hyper");
/// # });
/// ```
#[derive(Debug, Default, Clone, Copy)]
#[non_exhaustive]
pub struct Executor {}

impl Executor {
    /// Creates the executor.
    pub fn new() -> Self {
        Executor {}
    }
}

impl<F> hyper::rt::Executor<F> for Executor
where
    F: Future + 'static,
    F::Output: 'static,
{
    fn execute(&self, fut: F) {
        drop(crate::spawn(fut));
    }
}

/// hyper's `rt::Timer` on mini_rt's timers, as hyper-util's `TokioTimer`
/// is on tokio's. Its sleeps are mini_rt [`Sleep`]s: they must be polled
/// on a mini_rt runtime (hyper polls them in the connection's task).
///
/// ```
/// # use mini_rt_runtime as mini_rt;
/// use hyper::rt::Timer as _;
/// use mini_rt::hyper::Timer;
/// use std::time::Duration;
///
/// # mini_rt::runtime::Runtime::new().unwrap().block_on(async {
/// let timer = Timer::new();
/// let start = timer.now();
/// timer.sleep(Duration::from_millis(10)).await;
/// assert!(timer.now() - start >= Duration::from_millis(10));
/// # });
/// ```
#[derive(Debug, Default, Clone, Copy)]
#[non_exhaustive]
pub struct Timer {}

impl Timer {
    /// Creates the timer.
    pub fn new() -> Self {
        Timer {}
    }
}

impl hyper::rt::Timer for Timer {
    fn sleep(&self, duration: Duration) -> Pin<Box<dyn hyper::rt::Sleep>> {
        Box::pin(time::sleep(duration))
    }

    fn sleep_until(&self, deadline: std::time::Instant) -> Pin<Box<dyn hyper::rt::Sleep>> {
        Box::pin(time::sleep_until(Instant::from_std(deadline)))
    }

    fn now(&self) -> std::time::Instant {
        Instant::now().into_std()
    }

    /// Moves the deadline of a sleep made by this timer in place (keeping
    /// its allocation); any other sleep is replaced.
    fn reset(&self, sleep: &mut Pin<Box<dyn hyper::rt::Sleep>>, new_deadline: std::time::Instant) {
        match sleep.as_mut().downcast_mut_pin::<Sleep>() {
            Some(ours) => ours.reset(Instant::from_std(new_deadline)),
            None => *sleep = self.sleep_until(new_deadline),
        }
    }
}

impl hyper::rt::Sleep for Sleep {}
