//! The reactor: fds registered with a loop's backend, readiness cached per
//! registration, registrations handed over between loops when a task on
//! another one needs them (`registration.rs`), and [`PollEvented`], the
//! building block that IO types (`mini_rt_net`'s sockets, or your own) wrap
//! around a non-blocking fd.

mod driver;
mod poll_evented;
mod readiness;
pub(crate) mod registration;
mod scheduled_io;
mod slots;
mod wait;

pub(crate) use driver::Driver;
pub use poll_evented::PollEvented;

use crate::sys::Ready;

/// Readiness observed on a registration, with the tick at which it was read.
///
/// Pass it back to [`PollEvented::clear_readiness`] when an operation returns
/// `WouldBlock`: readiness is only cleared if no newer event arrived since,
/// so a wakeup that races with the failed operation is never lost.
///
/// ```
/// # use mini_rt_runtime as mini_rt;
/// use mini_rt::io::Interest;
/// use mini_rt::reactor::PollEvented;
/// use std::io::{ErrorKind, Read};
/// use std::os::unix::net::UnixStream;
///
/// # mini_rt::runtime::Runtime::new().unwrap().block_on(async {
/// let (a, _b) = UnixStream::pair()?;
/// a.set_nonblocking(true)?;
/// let a = PollEvented::new(a)?;
/// // Writable at once; then suppose the write said `WouldBlock`:
/// let ev = a.readiness(Interest::WRITABLE).await?;
/// assert!(ev.ready.is_writable());
/// a.clear_readiness(ev); // the next `readiness` waits for a new event
///
/// // Nothing to read: a read that fails must clear what it was given.
/// let mut buf = [0; 16];
/// let err = a.try_io(Interest::READABLE, |s| (&*s).read(&mut buf)).unwrap_err();
/// assert_eq!(err.kind(), ErrorKind::WouldBlock);
/// # Ok::<(), std::io::Error>(())
/// # }).unwrap();
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ReadyEvent {
    /// What was ready.
    pub ready: Ready,
    pub(crate) tick: u32,
}
