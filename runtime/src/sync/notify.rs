//! [`Notify`]: wake one task or all waiting tasks, like `tokio::sync::Notify`.
//!
//! A waiter list and a single stored permit behind one mutex, plus a
//! generation counter bumped by every `notify_waiters`. A [`Notified`]
//! captures the generation when it is *created*, so it completes if a
//! `notify_waiters` happens afterwards even before its first poll (tokio's
//! semantics: create the future, then check your condition, then await).

use crate::sync::wait_list::{wake_all, Notification, WaitList};
use parking_lot::Mutex;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};
use std::task::{Context, Poll};

#[cfg(test)]
mod tests;

/// Notifies a single task ([`notify_one`](Self::notify_one), storing a
/// permit if none waits) or all waiting tasks
/// ([`notify_waiters`](Self::notify_waiters), storing nothing).
///
/// ```ignore
/// let notify = std::sync::Arc::new(mini_rt::sync::Notify::new());
/// let n2 = notify.clone();
/// mini_rt::spawn(async move { n2.notified().await; println!("woken"); });
/// notify.notify_one();
/// ```
pub struct Notify {
    /// Number of `notify_waiters` calls so far (wrapping); written under the
    /// lock, read without it when a `Notified` is created.
    generation: AtomicUsize,
    state: Mutex<State>,
}

struct State {
    /// A `notify_one` arrived while nobody waited. At most one is stored.
    permit: bool,
    waiters: WaitList,
}

/// Future returned by [`Notify::notified`]. Dropping it after it was chosen
/// by `notify_one` but before it completed passes that notification on.
#[must_use = "futures do nothing unless you `.await` or poll them"]
pub struct Notified<'a> {
    notify: &'a Notify,
    /// `Notify::generation` when this future was created.
    generation: usize,
    /// Our node in the waiter list, once queued.
    key: Option<usize>,
    done: bool,
}

impl Notify {
    /// Creates a `Notify` with no stored permit.
    pub const fn new() -> Notify {
        Notify {
            generation: AtomicUsize::new(0),
            state: Mutex::new(State {
                permit: false,
                waiters: WaitList::new(),
            }),
        }
    }

    /// Same as [`new`](Self::new), for `static`s (tokio's name).
    pub const fn const_new() -> Notify {
        Notify::new()
    }

    /// A future that completes on the next notification: a stored permit
    /// (consumed), a later `notify_one` that picks it, or any
    /// `notify_waiters` after this call.
    pub fn notified(&self) -> Notified<'_> {
        Notified {
            notify: self,
            generation: self.generation.load(SeqCst),
            key: None,
            done: false,
        }
    }

    /// Wakes the longest-waiting task; if none is waiting, stores a permit
    /// so the next `notified().await` completes at once. Permits do not
    /// accumulate: several calls with no waiter store one.
    pub fn notify_one(&self) {
        let waker = {
            let mut st = self.state.lock();
            match st.waiters.notify_front(Notification::One) {
                Some(waker) => waker,
                None => {
                    st.permit = true;
                    None
                }
            }
        };
        if let Some(waker) = waker {
            waker.wake();
        }
    }

    /// Wakes every task currently waiting, and every `Notified` already
    /// created even if not yet polled. Stores no permit.
    pub fn notify_waiters(&self) {
        let mut wakers = Vec::new();
        {
            let mut st = self.state.lock();
            self.generation.fetch_add(1, SeqCst);
            st.waiters.notify_all(Notification::All, &mut wakers);
        }
        wake_all(wakers);
    }
}

impl Default for Notify {
    fn default() -> Self {
        Notify::new()
    }
}

impl fmt::Debug for Notify {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Notify").finish_non_exhaustive()
    }
}

impl Notified<'_> {
    /// Queues this future as a waiter without polling it, so a later
    /// `notify_one` can pick it. Returns `true` if it is already notified
    /// (awaiting it will then complete at once).
    pub fn enable(self: Pin<&mut Self>) -> bool {
        self.get_mut().poll_inner(None).is_ready()
    }

    /// The whole state machine; `waker` is `None` for `enable`.
    fn poll_inner(&mut self, waker: Option<&std::task::Waker>) -> Poll<()> {
        if self.done {
            return Poll::Ready(());
        }
        let mut st = self.notify.state.lock();
        match self.key {
            None => {
                if self.notify.generation.load(SeqCst) != self.generation {
                    self.done = true;
                } else if st.permit {
                    st.permit = false;
                    self.done = true;
                } else {
                    self.key = Some(st.waiters.push_back(waker));
                }
            }
            Some(key) if st.waiters.notification(key).is_some() => {
                // Polled: consume the node. Enabled only: keep it, so the
                // notification stays ours (and is passed on if we're dropped).
                if waker.is_some() {
                    st.waiters.remove(key);
                    self.key = None;
                    self.done = true;
                }
                return Poll::Ready(());
            }
            Some(key) => {
                if let Some(waker) = waker {
                    st.waiters.set_waker(key, waker);
                }
            }
        }
        if self.done {
            Poll::Ready(())
        } else {
            Poll::Pending
        }
    }
}

impl Future for Notified<'_> {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        self.get_mut().poll_inner(Some(cx.waker()))
    }
}

impl Drop for Notified<'_> {
    fn drop(&mut self) {
        let Some(key) = self.key.take() else { return };
        let waker = {
            let mut st = self.notify.state.lock();
            match st.waiters.remove(key) {
                // Chosen by notify_one but never completed: pass it on.
                Some(Notification::One) => match st.waiters.notify_front(Notification::One) {
                    Some(waker) => waker,
                    None => {
                        st.permit = true;
                        None
                    }
                },
                _ => None,
            }
        };
        if let Some(waker) = waker {
            waker.wake();
        }
    }
}

impl fmt::Debug for Notified<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Notified").finish_non_exhaustive()
    }
}
