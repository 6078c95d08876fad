//! The unbounded channel: [`unbounded_channel`], [`UnboundedSender`],
//! [`UnboundedReceiver`].

use super::chan::Chan;
use super::error::SendError;
use super::handles::{receiver_common, sender_common};
use std::sync::Arc;

/// Creates a channel without a bound: `send` never waits, so memory is the
/// only limit on a slow receiver.
pub fn unbounded_channel<T>() -> (UnboundedSender<T>, UnboundedReceiver<T>) {
    let chan = Chan::new(None);
    (
        UnboundedSender { chan: chan.clone() },
        UnboundedReceiver { chan },
    )
}

/// Sends messages into an unbounded channel; clone it for more producers.
pub struct UnboundedSender<T> {
    pub(super) chan: Arc<Chan<T>>,
}

/// Receives messages from an unbounded channel.
pub struct UnboundedReceiver<T> {
    pub(super) chan: Arc<Chan<T>>,
}

impl<T> UnboundedSender<T> {
    /// Queues `value` immediately (not async). Fails with the value if the
    /// receiver is dropped or closed.
    pub fn send(&self, value: T) -> Result<(), SendError<T>> {
        self.chan.push_unbounded(value).map_err(SendError)
    }
}

sender_common!(UnboundedSender);

impl<T> UnboundedReceiver<T> {
    /// Closes the channel: later sends fail; queued messages can still be
    /// received.
    pub fn close(&mut self) {
        self.chan.close();
    }
}

receiver_common!(UnboundedReceiver);
