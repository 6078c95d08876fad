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
    pub(super) key: Option<WaiterKey>,
}

impl<E: AsRawFd + Into<OwnedFd>> Future for Readiness<'_, E> {
    type Output = io::Result<ReadyEvent>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        ready!(coop::poll_proceed(cx));
        let io = this.io;
        io.on_its_runtime()?;
        let ev = io.readiness.get(this.interest);
        if !ev.ready.is_empty() {
            if let Some(key) = this.key.take() {
                io.remove_waiter(key);
            }
            return Poll::Ready(Ok(ev));
        }
        context::with_runtime(io.shared.id, |core| {
            core.driver
                .poll_ready_waiter(io.token, this.interest, cx, &mut this.key)
        })
        .unwrap_or_else(|| Poll::Ready(Err(super::poll_evented::wrong_runtime())))
    }
}

impl<E: AsRawFd + Into<OwnedFd>> Drop for Readiness<'_, E> {
    fn drop(&mut self) {
        if let Some(key) = self.key.take() {
            self.io.remove_waiter(key);
        }
    }
}
