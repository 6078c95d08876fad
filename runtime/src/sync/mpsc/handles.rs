//! What the bounded and unbounded handles share, written once: both wrap an
//! `Arc<Chan<T>>` in a field `chan`, and only sending differs between them.
//! The macros expand in the handle's module, so each type keeps its own
//! inherent methods and docs.

/// A sender's `closed`, `is_closed`, `same_channel`, and its `Clone`, `Drop`
/// and `Debug`.
macro_rules! sender_common {
    ($ty:ident) => {
        impl<T> $ty<T> {
            /// Completes once the receiver is dropped or closed.
            pub async fn closed(&self) {
                self.chan.closed().await
            }

            /// Whether the receiver is dropped or closed, so sends would fail.
            pub fn is_closed(&self) -> bool {
                self.chan.is_closed()
            }

            /// Whether both senders feed the same channel.
            pub fn same_channel(&self, other: &Self) -> bool {
                ::std::sync::Arc::ptr_eq(&self.chan, &other.chan)
            }
        }

        impl<T> Clone for $ty<T> {
            fn clone(&self) -> Self {
                self.chan.add_sender();
                $ty {
                    chan: self.chan.clone(),
                }
            }
        }

        impl<T> Drop for $ty<T> {
            fn drop(&mut self) {
                self.chan.drop_sender();
            }
        }

        $crate::sync::mpsc::handles::opaque_debug!($ty);
    };
}

/// A receiver's `recv` family, `is_closed`, `len`, `is_empty`, and its `Drop`
/// and `Debug`. (`close` differs: only the bounded channel has permits.)
macro_rules! receiver_common {
    ($ty:ident) => {
        impl<T> $ty<T> {
            /// Receives the next message, waiting if there is none yet.
            /// `None` once every sender is gone (or `close` was called) and the
            /// queue is drained. Cancel-safe: no message is lost if dropped.
            pub async fn recv(&mut self) -> Option<T> {
                ::std::future::poll_fn(|cx| self.poll_recv(cx)).await
            }

            /// Polls for the next message; the waker of `cx` is woken when one
            /// arrives or the channel ends.
            pub fn poll_recv(
                &mut self,
                cx: &mut ::std::task::Context<'_>,
            ) -> ::std::task::Poll<Option<T>> {
                self.chan.poll_recv(cx)
            }

            /// Receives a message if one is queued, without waiting.
            pub fn try_recv(&mut self) -> Result<T, $crate::sync::mpsc::error::TryRecvError> {
                self.chan.try_recv()
            }

            /// Receives from a plain thread, blocking it until a message arrives.
            ///
            /// Calling this from a task would park the runtime thread and deadlock,
            /// as in tokio (which panics there; mini_rt cannot detect it yet).
            pub fn blocking_recv(&mut self) -> Option<T> {
                $crate::sync::blocking::block_on(self.recv())
            }

            /// Whether the channel is closed or every sender is gone.
            pub fn is_closed(&self) -> bool {
                self.chan.rx_is_closed()
            }

            /// Number of queued messages.
            pub fn len(&self) -> usize {
                self.chan.len()
            }

            /// Whether no message is queued.
            pub fn is_empty(&self) -> bool {
                self.len() == 0
            }
        }

        impl<T> Drop for $ty<T> {
            fn drop(&mut self) {
                self.chan.drop_receiver();
            }
        }

        $crate::sync::mpsc::handles::opaque_debug!($ty);
    };
}

/// `Debug` showing only the type's name: a handle's contents are not `Debug`.
macro_rules! opaque_debug {
    ($ty:ident) => {
        impl<T> ::std::fmt::Debug for $ty<T> {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.debug_struct(stringify!($ty)).finish_non_exhaustive()
            }
        }
    };
}

pub(super) use {opaque_debug, receiver_common, sender_common};
