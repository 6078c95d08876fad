//! Unit tests of `join!`, `try_join!` and `select!`, run on
//! `test_util::block_on`, plus the hand-written futures they use.

use std::cell::{Cell, RefCell};
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll};

mod join;
mod select;
mod support;

/// Returns `Pending` (waking itself at once) `yields` times, then `value`;
/// records `name` in `log` on every poll.
pub(super) struct YieldThen<T> {
    name: &'static str,
    yields: usize,
    value: Option<T>,
    log: Log,
}

/// A shared record of which future was polled, in order.
pub(super) type Log = Rc<RefCell<Vec<&'static str>>>;

impl<T> YieldThen<T> {
    pub(super) fn new(name: &'static str, yields: usize, value: T, log: &Log) -> Self {
        YieldThen {
            name,
            yields,
            value: Some(value),
            log: log.clone(),
        }
    }
}

impl<T> Unpin for YieldThen<T> {}

impl<T> Future for YieldThen<T> {
    type Output = T;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<T> {
        self.log.borrow_mut().push(self.name);
        if self.yields == 0 {
            return Poll::Ready(
                self.value
                    .take()
                    .expect("YieldThen polled after completion"),
            );
        }
        self.yields -= 1;
        cx.waker().wake_by_ref();
        Poll::Pending
    }
}

/// Sets its flag when dropped, and otherwise behaves as the future it wraps.
pub(super) struct DropFlag<F> {
    inner: Pin<Box<F>>,
    dropped: Rc<Cell<bool>>,
}

impl<F: Future> DropFlag<F> {
    /// Wraps `inner`; the returned flag becomes `true` when it is dropped.
    pub(super) fn new(inner: F) -> (Self, Rc<Cell<bool>>) {
        let dropped = Rc::new(Cell::new(false));
        let wrapped = DropFlag {
            inner: Box::pin(inner),
            dropped: dropped.clone(),
        };
        (wrapped, dropped)
    }
}

impl<F> Drop for DropFlag<F> {
    fn drop(&mut self) {
        self.dropped.set(true);
    }
}

impl<F: Future> Future for DropFlag<F> {
    type Output = F::Output;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        self.inner.as_mut().poll(cx)
    }
}

/// A future that fails the test if it is ever polled.
pub(super) async fn never_polled<T>() -> T {
    panic!("this future must not be polled")
}
