//! The state shared by every `mpsc` flavour: a queue behind one mutex, the
//! receiver's waker, and for bounded channels a count of free slots
//! ("permits") with a FIFO of senders waiting for one.
//!
//! Capacity is a semaphore of `bound` permits. A sender takes one (`try_*`,
//! or waiting in an [`Acquire`]) and turns it into a queued message; `recv`
//! gives it back. A returned permit goes straight to the oldest waiting
//! sender (marked `Notification::One`), so `permits > 0` implies nobody
//! waits and waiting senders are served in order. A waiter cancelled after
//! being handed a permit passes it on, so cancellation never leaks capacity.

use super::error::TryRecvError;
use crate::sync::wait_list::{wake_all, Notification, WaitList};
use parking_lot::Mutex;
#[cfg(test)]
use parking_lot::MutexGuard;
use std::collections::VecDeque;
use std::future::Future;
use std::mem;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll, Waker};

pub(super) struct Chan<T> {
    state: Mutex<State<T>>,
    /// `Some(n)` for `channel(n)`, `None` for `unbounded_channel()`.
    bound: Option<usize>,
}

pub(super) struct State<T> {
    pub(super) queue: VecDeque<T>,
    /// Free slots (bounded only).
    permits: usize,
    /// Senders waiting for a permit (bounded only).
    send_waiters: WaitList,
    /// Senders waiting in `closed()`.
    closed_waiters: WaitList,
    pub(super) rx_waker: Option<Waker>,
    /// The receiver called `close` or was dropped.
    closed: bool,
    rx_dropped: bool,
    senders: usize,
}

#[cfg(test)]
impl<T> State<T> {
    pub(super) fn closed_waiters_is_empty(&self) -> bool {
        self.closed_waiters.is_empty()
    }
}

fn wake(waker: Option<Waker>) {
    if let Some(w) = waker {
        w.wake();
    }
}

impl<T> Chan<T> {
    pub(super) fn new(bound: Option<usize>) -> Arc<Self> {
        Arc::new(Chan {
            state: Mutex::new(State {
                queue: VecDeque::new(),
                permits: bound.unwrap_or(0),
                send_waiters: WaitList::new(),
                closed_waiters: WaitList::new(),
                rx_waker: None,
                closed: false,
                rx_dropped: false,
                senders: 1,
            }),
            bound,
        })
    }

    #[cfg(test)]
    pub(super) fn lock(&self) -> MutexGuard<'_, State<T>> {
        self.state.lock()
    }

    pub(super) fn bound(&self) -> Option<usize> {
        self.bound
    }

    /// Permits held by `Permit`s or by waiters that were handed one but have
    /// not used it yet: messages that may still arrive after a `close`.
    fn outstanding(&self, st: &State<T>) -> usize {
        self.bound.map_or(0, |b| b - st.permits - st.queue.len())
    }

    // ----- senders ---------------------------------------------------------

    pub(super) fn add_sender(&self) {
        self.state.lock().senders += 1;
    }

    pub(super) fn drop_sender(&self) {
        let waker = {
            let mut st = self.state.lock();
            st.senders -= 1;
            if st.senders == 0 {
                st.rx_waker.take()
            } else {
                None
            }
        };
        wake(waker);
    }

    pub(super) fn is_closed(&self) -> bool {
        self.state.lock().closed
    }

    pub(super) fn capacity(&self) -> usize {
        self.state.lock().permits
    }

    pub(super) fn closed(&self) -> Closed<'_, T> {
        Closed {
            chan: self,
            key: None,
        }
    }

    /// Queues `value` without capacity accounting (unbounded channels).
    pub(super) fn push_unbounded(&self, value: T) -> Result<(), T> {
        let waker = {
            let mut st = self.state.lock();
            if st.closed {
                return Err(value);
            }
            st.queue.push_back(value);
            st.rx_waker.take()
        };
        wake(waker);
        Ok(())
    }

    /// Takes a permit if one is free; with `Some(value)`, queues it at once.
    /// `Err((value, closed))` otherwise.
    pub(super) fn try_acquire(&self, value: Option<T>) -> Result<(), (Option<T>, bool)> {
        let waker = {
            let mut st = self.state.lock();
            if st.closed || st.permits == 0 {
                return Err((value, st.closed));
            }
            st.permits -= 1;
            value.and_then(|v| Self::push_locked(&mut st, v))
        };
        wake(waker);
        Ok(())
    }

    fn push_locked(st: &mut State<T>, value: T) -> Option<Waker> {
        st.queue.push_back(value);
        st.rx_waker.take()
    }

    /// Uses a permit taken earlier (`Permit::send`). If the receiver is
    /// gone the value is dropped, as tokio does.
    pub(super) fn push_permitted(&self, value: T) {
        let mut st = self.state.lock();
        if st.rx_dropped {
            st.permits += 1;
            drop(st);
            drop(value);
            return;
        }
        let waker = Self::push_locked(&mut st, value);
        drop(st);
        wake(waker);
    }

    /// Hands a permit to the oldest waiting sender, or frees it.
    fn return_permit(st: &mut State<T>) -> Option<Waker> {
        if !st.closed {
            if let Some(waker) = st.send_waiters.notify_front(Notification::One) {
                return waker;
            }
        }
        st.permits += 1;
        None
    }

    /// Gives back an unused permit; after a `close` this may be the last
    /// thing the receiver waits for.
    fn release_locked(&self, st: &mut State<T>) -> Option<Waker> {
        let waker = Self::return_permit(st);
        if st.closed && self.outstanding(st) == 0 {
            return st.rx_waker.take();
        }
        waker
    }

    pub(super) fn release(&self) {
        let waker = self.release_locked(&mut self.state.lock());
        wake(waker);
    }

    // ----- receiver --------------------------------------------------------

    pub(super) fn poll_recv(&self, cx: &mut Context<'_>) -> Poll<Option<T>> {
        let (value, waker) = {
            let mut st = self.state.lock();
            match st.queue.pop_front() {
                Some(v) if self.bound.is_some() => (v, Self::return_permit(&mut st)),
                Some(v) => (v, None),
                None if self.is_finished(&st) => return Poll::Ready(None),
                None => {
                    match &st.rx_waker {
                        Some(old) if old.will_wake(cx.waker()) => {}
                        _ => st.rx_waker = Some(cx.waker().clone()),
                    }
                    return Poll::Pending;
                }
            }
        };
        wake(waker);
        Poll::Ready(Some(value))
    }

    /// With an empty queue: nothing can ever arrive again.
    fn is_finished(&self, st: &State<T>) -> bool {
        (st.senders == 0 || st.closed) && self.outstanding(st) == 0
    }

    pub(super) fn try_recv(&self) -> Result<T, TryRecvError> {
        let (value, waker) = {
            let mut st = self.state.lock();
            match st.queue.pop_front() {
                Some(v) if self.bound.is_some() => (v, Self::return_permit(&mut st)),
                Some(v) => (v, None),
                None if self.is_finished(&st) => return Err(TryRecvError::Disconnected),
                None => return Err(TryRecvError::Empty),
            }
        };
        wake(waker);
        Ok(value)
    }

    pub(super) fn len(&self) -> usize {
        self.state.lock().queue.len()
    }

    pub(super) fn rx_is_closed(&self) -> bool {
        let st = self.state.lock();
        st.closed || st.senders == 0
    }

    /// `Receiver::close`: fail all future sends, wake every waiting sender.
    pub(super) fn close(&self) {
        let mut wakers = Vec::new();
        {
            let mut st = self.state.lock();
            Self::close_locked(&mut st, &mut wakers);
        }
        wake_all(wakers);
    }

    fn close_locked(st: &mut State<T>, wakers: &mut Vec<Waker>) {
        st.closed = true;
        st.send_waiters.notify_all(Notification::All, wakers);
        st.closed_waiters.notify_all(Notification::All, wakers);
    }

    /// The receiver is dropped: close, and drop the queued messages
    /// (outside the lock).
    pub(super) fn drop_receiver(&self) {
        let mut wakers = Vec::new();
        let queue = {
            let mut st = self.state.lock();
            Self::close_locked(&mut st, &mut wakers);
            st.rx_dropped = true;
            st.rx_waker = None;
            mem::take(&mut st.queue)
        };
        wake_all(wakers);
        drop(queue);
    }
}

/// A sender waiting for a permit; the core of `send` and `reserve`.
/// Dropping it while queued leaves the queue, and hands on a permit it was
/// given but had not used.
pub(super) struct Acquire<'a, T> {
    chan: &'a Chan<T>,
    key: Option<usize>,
}

impl<'a, T> Acquire<'a, T> {
    pub(super) fn new(chan: &'a Chan<T>) -> Self {
        Acquire { chan, key: None }
    }

    /// Ready(Ok) once a permit is ours; if `value` holds a message it is
    /// queued under the same lock (one lock per uncontended send).
    /// Ready(Err) if the receiver is closed; `value` is left untouched then.
    pub(super) fn poll_acquire(
        &mut self,
        cx: &mut Context<'_>,
        value: &mut Option<T>,
    ) -> Poll<Result<(), ()>> {
        let mut st = self.chan.state.lock();
        if st.closed {
            let handed = self.key.take().and_then(|k| st.send_waiters.remove(k));
            let waker = match handed {
                Some(Notification::One) => self.chan.release_locked(&mut st),
                _ => None,
            };
            drop(st);
            wake(waker);
            return Poll::Ready(Err(()));
        }
        match self.key {
            None if st.permits > 0 => st.permits -= 1,
            None => {
                self.key = Some(st.send_waiters.push_back(Some(cx.waker())));
                return Poll::Pending;
            }
            // Handed a permit by `return_permit` (an `All` means closed,
            // handled above).
            Some(k) if st.send_waiters.notification(k).is_some() => {
                st.send_waiters.remove(k);
                self.key = None;
            }
            Some(k) => {
                st.send_waiters.set_waker(k, cx.waker());
                return Poll::Pending;
            }
        }
        let waker = value.take().and_then(|v| Chan::push_locked(&mut st, v));
        drop(st);
        wake(waker);
        Poll::Ready(Ok(()))
    }
}

impl<T> Drop for Acquire<'_, T> {
    fn drop(&mut self) {
        let Some(key) = self.key.take() else { return };
        let mut st = self.chan.state.lock();
        let waker = match st.send_waiters.remove(key) {
            Some(Notification::One) => self.chan.release_locked(&mut st),
            _ => None,
        };
        drop(st);
        wake(waker);
    }
}

/// Future of `Sender::closed`: completes once the receiver is closed.
pub(super) struct Closed<'a, T> {
    chan: &'a Chan<T>,
    key: Option<usize>,
}

impl<T> Future for Closed<'_, T> {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let this = self.get_mut();
        let mut st = this.chan.state.lock();
        if st.closed {
            if let Some(k) = this.key.take() {
                st.closed_waiters.remove(k);
            }
            return Poll::Ready(());
        }
        match this.key {
            None => this.key = Some(st.closed_waiters.push_back(Some(cx.waker()))),
            Some(k) => st.closed_waiters.set_waker(k, cx.waker()),
        }
        Poll::Pending
    }
}

impl<T> Drop for Closed<'_, T> {
    fn drop(&mut self) {
        if let Some(k) = self.key.take() {
            self.chan.state.lock().closed_waiters.remove(k);
        }
    }
}
