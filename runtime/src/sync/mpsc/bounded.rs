//! The bounded channel: [`channel`], [`Sender`], [`Receiver`], [`Permit`].

use super::chan::{Acquire, Chan};
use super::error::{SendError, TrySendError};
use super::handles::{receiver_common, sender_common};
use crate::sync::blocking;
use std::fmt;
use std::future::{poll_fn, Future};
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

/// Creates a bounded channel holding at most `buffer` messages. Once it is
/// full, `send` waits until the receiver takes one (backpressure).
///
/// # Panics
/// If `buffer` is 0, like tokio.
pub fn channel<T>(buffer: usize) -> (Sender<T>, Receiver<T>) {
    assert!(buffer > 0, "mpsc bounded channel requires buffer > 0");
    let chan = Chan::new(Some(buffer));
    (Sender { chan: chan.clone() }, Receiver { chan })
}

/// Sends messages into a bounded channel; clone it for more producers.
/// When every `Sender` is gone the receiver drains the queue, then gets `None`.
pub struct Sender<T> {
    pub(super) chan: Arc<Chan<T>>,
}

/// Receives messages from a bounded channel.
pub struct Receiver<T> {
    pub(super) chan: Arc<Chan<T>>,
}

/// One reserved slot in a bounded channel, from [`Sender::reserve`] or
/// [`Sender::try_reserve`]. Sending through it cannot fail for lack of room;
/// dropping it unused frees the slot.
pub struct Permit<'a, T> {
    /// `None` once used.
    chan: Option<&'a Chan<T>>,
}

/// `send`'s future: waits for a slot and queues the value under one lock.
struct SendFut<'a, T> {
    acquire: Acquire<'a, T>,
    value: Option<T>,
}

// The value is moved, never pinned.
impl<T> Unpin for SendFut<'_, T> {}

impl<T> Future for SendFut<'_, T> {
    type Output = Result<(), SendError<T>>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        this.acquire.poll_acquire(cx, &mut this.value).map(|res| {
            res.map_err(|()| SendError(this.value.take().expect("send polled after completion")))
        })
    }
}

impl<T> Sender<T> {
    /// Sends `value`, waiting for room if the channel is full.
    ///
    /// Fails with the value if the receiver is dropped or closed. Cancelling
    /// the future (dropping it) gives up its place in line without losing
    /// capacity; the value is then dropped unsent.
    pub async fn send(&self, value: T) -> Result<(), SendError<T>> {
        SendFut {
            acquire: Acquire::new(&self.chan),
            value: Some(value),
        }
        .await
    }

    /// Sends `value` only if there is room right now.
    pub fn try_send(&self, value: T) -> Result<(), TrySendError<T>> {
        self.chan.try_acquire(Some(value)).map_err(|(v, closed)| {
            let v = v.expect("try_acquire gives the value back");
            if closed {
                TrySendError::Closed(v)
            } else {
                TrySendError::Full(v)
            }
        })
    }

    /// Waits for a slot and reserves it, returning a [`Permit`] to send with.
    pub async fn reserve(&self) -> Result<Permit<'_, T>, SendError<()>> {
        let mut acquire = Acquire::new(&self.chan);
        let mut nothing = None;
        match poll_fn(|cx| acquire.poll_acquire(cx, &mut nothing)).await {
            Ok(()) => Ok(Permit {
                chan: Some(&self.chan),
            }),
            Err(()) => Err(SendError(())),
        }
    }

    /// Reserves a slot if one is free right now.
    pub fn try_reserve(&self) -> Result<Permit<'_, T>, TrySendError<()>> {
        match self.chan.try_acquire(None) {
            Ok(()) => Ok(Permit {
                chan: Some(&self.chan),
            }),
            Err((_, true)) => Err(TrySendError::Closed(())),
            Err((_, false)) => Err(TrySendError::Full(())),
        }
    }

    /// Sends from a plain thread, blocking it while the channel is full.
    ///
    /// Calling this from a task would park the runtime thread and deadlock,
    /// as in tokio (which panics there; mini_rt cannot detect it yet).
    pub fn blocking_send(&self, value: T) -> Result<(), SendError<T>> {
        blocking::block_on(self.send(value))
    }

    /// Free slots right now: `max_capacity()` minus queued messages and
    /// outstanding permits.
    pub fn capacity(&self) -> usize {
        self.chan.capacity()
    }

    /// The buffer size the channel was created with.
    pub fn max_capacity(&self) -> usize {
        self.chan.bound().expect("bounded channel")
    }
}

sender_common!(Sender);

impl<T> Permit<'_, T> {
    /// Sends `value` in the reserved slot. It is dropped instead if the
    /// receiver is gone; a merely closed receiver still receives it.
    pub fn send(mut self, value: T) {
        if let Some(chan) = self.chan.take() {
            chan.push_permitted(value);
        }
    }
}

impl<T> Drop for Permit<'_, T> {
    fn drop(&mut self) {
        if let Some(chan) = self.chan.take() {
            chan.release();
        }
    }
}

impl<T> Receiver<T> {
    /// Closes the channel: later sends fail and waiting senders are woken
    /// with an error, while queued messages (and those sent through already
    /// reserved permits) can still be received.
    pub fn close(&mut self) {
        self.chan.close();
    }

    /// Free slots right now (see [`Sender::capacity`]).
    pub fn capacity(&self) -> usize {
        self.chan.capacity()
    }

    /// The buffer size the channel was created with.
    pub fn max_capacity(&self) -> usize {
        self.chan.bound().expect("bounded channel")
    }
}

receiver_common!(Receiver);

impl<T> fmt::Debug for Permit<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Permit").finish_non_exhaustive()
    }
}
