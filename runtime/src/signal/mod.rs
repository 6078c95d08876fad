//! Asynchronous signal handling (tokio's `tokio::signal`).
//!
//! A handler installed once per signal bumps a per-signal counter and writes
//! to a process-wide self-pipe; each listener watches its own duplicate of
//! the pipe's read end through its runtime's reactor and compares the counter
//! with what it has already seen, so every listener of a signal sees it, on
//! any backend and any runtime. As in tokio, once a signal is listened for its
//! default action (e.g. SIGINT terminating the process) is replaced for the
//! rest of the process.

pub mod unix;

/// Completes when the process receives SIGINT (Ctrl-C).
///
/// Errors if the handler cannot be installed, no runtime is running, or the
/// wait cannot go on (its runtime stopped running it: see
/// [`Signal::recv`](unix::Signal::recv)).
pub async fn ctrl_c() -> std::io::Result<()> {
    let mut sig = unix::signal(unix::SignalKind::interrupt())?;
    match sig.recv().await {
        Some(()) => Ok(()),
        None => Err(std::io::Error::other(
            "mini_rt: ctrl_c polled outside the runtime it was created on",
        )),
    }
}
