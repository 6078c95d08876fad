//! A channel for sending a single value between asynchronous tasks (or a
//! task and a plain thread), like `tokio::sync::oneshot`.
//!
//! ```ignore
//! let (tx, rx) = mini_rt::sync::oneshot::channel();
//! mini_rt::spawn(async move { let _ = tx.send(3); });
//! assert_eq!(rx.await, Ok(3));
//! ```
//!
//! One mutex-protected cell shared by both halves; every operation takes the
//! lock once and wakes the other side only after releasing it.

pub mod error;
#[cfg(test)]
mod tests;

use crate::sync::blocking;
use error::{RecvError, TryRecvError};
use parking_lot::Mutex;
use std::fmt;
use std::future::{poll_fn, Future};
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll, Waker};

/// Creates a new one-shot channel, returning its two halves.
pub fn channel<T>() -> (Sender<T>, Receiver<T>) {
    let inner = Arc::new(Mutex::new(State {
        value: None,
        complete: false,
        rx_closed: false,
        rx_waker: None,
        tx_waker: None,
    }));
    (
        Sender {
            inner: Some(inner.clone()),
        },
        Receiver { inner },
    )
}

struct State<T> {
    /// The sent value, until the receiver takes it.
    value: Option<T>,
    /// The sender sent or was dropped: nothing more will come.
    complete: bool,
    /// The receiver called `close` or was dropped: sends must fail.
    rx_closed: bool,
    /// Receiver waiting for a value.
    rx_waker: Option<Waker>,
    /// Sender waiting in `closed()` / `poll_closed`.
    tx_waker: Option<Waker>,
}

/// Stores `waker` in `slot` unless the one already there would wake the same task.
fn register(slot: &mut Option<Waker>, waker: &Waker) {
    match slot {
        Some(old) if old.will_wake(waker) => {}
        _ => *slot = Some(waker.clone()),
    }
}

/// Sends a value to the associated [`Receiver`]. Dropping it without sending
/// makes the receiver complete with [`RecvError`].
pub struct Sender<T> {
    /// `None` once `send` consumed the sender, so `Drop` has nothing to do.
    inner: Option<Arc<Mutex<State<T>>>>,
}

/// Receives the value from the associated [`Sender`]; await it directly.
/// It completes with `Err(RecvError)` if the sender is dropped without sending.
pub struct Receiver<T> {
    inner: Arc<Mutex<State<T>>>,
}

impl<T> Sender<T> {
    fn inner(&self) -> &Mutex<State<T>> {
        self.inner
            .as_deref()
            .expect("oneshot::Sender used after send")
    }

    /// Sends `value` to the receiver, consuming the sender.
    ///
    /// Fails, giving the value back, if the receiver was dropped or closed.
    /// Success does not mean the receiver will read it: it may still be
    /// dropped before doing so.
    pub fn send(mut self, value: T) -> Result<(), T> {
        let inner = self.inner.take().expect("oneshot::Sender used after send");
        let waker = {
            let mut state = inner.lock();
            state.complete = true;
            if state.rx_closed {
                return Err(value);
            }
            state.value = Some(value);
            state.rx_waker.take()
        };
        if let Some(waker) = waker {
            waker.wake();
        }
        Ok(())
    }

    /// Whether the receiver was dropped or closed, so a `send` would fail.
    pub fn is_closed(&self) -> bool {
        self.inner().lock().rx_closed
    }

    /// Completes when the receiver is dropped or closed.
    pub async fn closed(&mut self) {
        poll_fn(|cx| self.poll_closed(cx)).await
    }

    /// Polls whether the receiver was dropped or closed, registering the
    /// waker of `cx` to be woken when it is. Only the last waker passed is
    /// woken.
    pub fn poll_closed(&mut self, cx: &mut Context<'_>) -> Poll<()> {
        let mut state = self.inner().lock();
        if state.rx_closed {
            return Poll::Ready(());
        }
        register(&mut state.tx_waker, cx.waker());
        Poll::Pending
    }
}

impl<T> Drop for Sender<T> {
    fn drop(&mut self) {
        let Some(inner) = self.inner.take() else {
            return;
        };
        let waker = {
            let mut state = inner.lock();
            state.complete = true;
            state.tx_waker = None;
            state.rx_waker.take()
        };
        if let Some(waker) = waker {
            waker.wake();
        }
    }
}

impl<T> Receiver<T> {
    /// Prevents the sender from sending: every later `send` fails and a
    /// sender waiting in `closed()` is woken. A value sent before the call
    /// can still be received with [`try_recv`](Self::try_recv) or by awaiting.
    pub fn close(&mut self) {
        let waker = {
            let mut state = self.inner.lock();
            state.rx_closed = true;
            state.tx_waker.take()
        };
        if let Some(waker) = waker {
            waker.wake();
        }
    }

    /// Takes the value if it has been sent, without waiting.
    ///
    /// `Err(Empty)` if the sender is alive and has not sent yet;
    /// `Err(Closed)` if it was dropped without sending or the value was
    /// already received.
    pub fn try_recv(&mut self) -> Result<T, TryRecvError> {
        let mut state = self.inner.lock();
        match state.value.take() {
            Some(value) => Ok(value),
            None if state.complete || state.rx_closed => Err(TryRecvError::Closed),
            None => Err(TryRecvError::Empty),
        }
    }

    /// Blocks the current thread until the value arrives, for use outside
    /// of asynchronous code (e.g. a `spawn_blocking` thread).
    ///
    /// Calling this from a task would park the runtime thread and deadlock,
    /// as in tokio (which panics there; mini_rt cannot detect it yet).
    pub fn blocking_recv(self) -> Result<T, RecvError> {
        blocking::block_on(self)
    }
}

impl<T> Future for Receiver<T> {
    type Output = Result<T, RecvError>;

    /// Ready with the value once sent; `Err(RecvError)` if the sender was
    /// dropped (or the receiver closed) without a value. Polling again after
    /// completion returns `Err(RecvError)` instead of panicking as tokio does.
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let mut state = self.inner.lock();
        if let Some(value) = state.value.take() {
            return Poll::Ready(Ok(value));
        }
        if state.complete || state.rx_closed {
            return Poll::Ready(Err(RecvError(())));
        }
        register(&mut state.rx_waker, cx.waker());
        Poll::Pending
    }
}

impl<T> Drop for Receiver<T> {
    fn drop(&mut self) {
        let (waker, value) = {
            let mut state = self.inner.lock();
            state.rx_closed = true;
            state.rx_waker = None;
            (state.tx_waker.take(), state.value.take())
        };
        // Both dropped/woken outside the lock.
        drop(value);
        if let Some(waker) = waker {
            waker.wake();
        }
    }
}

impl<T> fmt::Debug for Sender<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Sender").finish_non_exhaustive()
    }
}

impl<T> fmt::Debug for Receiver<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Receiver").finish_non_exhaustive()
    }
}
