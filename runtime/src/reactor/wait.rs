//! The future behind [`PollEvented::readiness`]: waits for readiness in the
//! registration's waiter list, so every task waiting on one IO object is
//! woken (the `poll_*` paths keep one waker per direction instead).

use super::scheduled_io::WaiterKey;
use super::{PollEvented, ReadyEvent};
use crate::context;
use crate::sys::Interest;
use crate::task::coop;
use std::future::Future;
use std::io;
use std::os::fd::{AsRawFd, OwnedFd};
use std::pin::Pin;
use std::task::{ready, Context, Poll};

/// Resolves once the registration is ready for `interest`. While parked it
/// owns one entry in the registration's waiter list, which it removes when
/// it completes or is dropped.
pub(super) struct Readiness<'a, E: AsRawFd + Into<OwnedFd>> {
    pub(super) io: &'a PollEvented<E>,
    pub(super) interest: Interest,
    /// The entry this future owns, with the token of the registration whose
    /// list holds it (a registration that moved to another loop has a new
    /// token, and the old key means nothing there).
    pub(super) key: Option<(u64, WaiterKey)>,
}

impl<E: AsRawFd + Into<OwnedFd>> Future for Readiness<'_, E> {
    type Output = io::Result<ReadyEvent>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        ready!(coop::poll_proceed(cx));
        let io = this.io;
        if !io.reg.is_here() {
            // Another loop holds the registration: move it here (readiness
            // is then assumed, so this returns at once and the caller tries).
            ready!(io.reg.acquire(cx))?;
        }
        let ev = io.reg.readiness.get(this.interest);
        if !ev.ready.is_empty() {
            if let Some((token, key)) = this.key.take() {
                io.remove_waiter(token, key);
            }
            return Poll::Ready(Ok(ev));
        }
        context::with_core(|core| {
            io.reg.ensure_registered(core)?;
            let token = io.reg.token();
            let mut key = this.key.filter(|(t, _)| *t == token).map(|(_, k)| k);
            let res = core
                .driver
                .poll_ready_waiter(token, this.interest, cx, &mut key);
            this.key = key.map(|k| (token, k));
            res
        })
        .unwrap_or_else(|| Poll::Ready(Err(super::registration::no_runtime())))
    }
}

impl<E: AsRawFd + Into<OwnedFd>> Drop for Readiness<'_, E> {
    fn drop(&mut self) {
        if let Some((token, key)) = self.key.take() {
            self.io.remove_waiter(token, key);
        }
    }
}
