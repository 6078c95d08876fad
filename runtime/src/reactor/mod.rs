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
mod wait;

pub(crate) use driver::Driver;
pub use poll_evented::PollEvented;

use crate::sys::Ready;

/// Readiness observed on a registration, with the tick at which it was read.
///
/// Pass it back to [`PollEvented::clear_readiness`] when an operation returns
/// `WouldBlock`: readiness is only cleared if no newer event arrived since,
/// so a wakeup that races with the failed operation is never lost.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ReadyEvent {
    /// What was ready.
    pub ready: Ready,
    pub(crate) tick: u32,
}
