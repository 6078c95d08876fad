//! `Sleep`, `sleep`, `sleep_until`.

use super::heap::TimerKey;
use super::Instant;
use crate::context;
use crate::runtime::Shared;
use crate::task::coop;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{ready, Context, Poll};
use std::time::Duration;

/// Waits until `duration` has elapsed (tokio's `sleep`).
///
/// Precision is the backend's: nanoseconds with `epoll_pwait2`, `ppoll` and
/// `pselect` (tokio rounds up to a millisecond). `Duration::MAX` sleeps for
/// about 30 years; a zero duration completes on first poll. The deadline is
/// read from the runtime's clock: with time paused ([`pause`](super::pause)),
/// the sleep completes when that clock reaches it, which auto-advance does
/// as soon as the runtime has nothing else to do.
pub fn sleep(duration: Duration) -> Sleep {
    sleep_until(Instant::now().saturating_add(duration))
}

/// Waits until `deadline` (a past deadline completes on first poll).
pub fn sleep_until(deadline: Instant) -> Sleep {
    Sleep {
        deadline,
        entry: None,
        elapsed: false,
    }
}

/// The future returned by [`sleep`] and [`sleep_until`].
///
/// It registers a timer lazily, on its first `Pending` poll, so creating and
/// dropping an unpolled `Sleep` costs nothing but reading the clock. Unlike
/// tokio's, it is `Unpin`.
///
/// It may be dropped or reset anywhere: outside `block_on`, on another
/// thread, or under another runtime. Its timer is then released by the
/// runtime that holds it, on that runtime's thread, the next time it runs.
///
/// ```
/// # use mini_rt_runtime as mini_rt;
/// use mini_rt::time::{sleep, Duration, Instant};
/// use std::pin::pin;
///
/// # mini_rt::runtime::Runtime::new().unwrap().block_on(async {
/// let start = Instant::now();
/// sleep(Duration::from_millis(10)).await;
/// assert!(start.elapsed() >= Duration::from_millis(10));
///
/// // A sleep can be moved to a new deadline, as tokio's.
/// let mut delay = pin!(sleep(Duration::from_secs(3600)));
/// delay.as_mut().reset(Instant::now() + Duration::from_millis(1));
/// delay.await;
/// # });
/// ```
#[must_use = "futures do nothing unless you `.await` or poll them"]
pub struct Sleep {
    deadline: Instant,
    /// Once registered: the runtime whose timer heap holds the entry, and
    /// its key. Holding the runtime's shared half (not just its id) lets a
    /// `Sleep` dropped away from that runtime send the key back to it
    /// instead of leaking the entry, as `PollEvented` does with its fd.
    entry: Option<(Arc<Shared>, TimerKey)>,
    elapsed: bool,
}

impl fmt::Debug for Sleep {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Sleep")
            .field("deadline", &self.deadline)
            .field("registered", &self.entry.is_some())
            .field("elapsed", &self.elapsed)
            .finish()
    }
}

impl Sleep {
    /// When this sleep completes.
    pub fn deadline(&self) -> Instant {
        self.deadline
    }

    /// Whether the deadline has been reached.
    pub fn is_elapsed(&self) -> bool {
        self.elapsed || Instant::now() >= self.deadline
    }

    /// Changes the deadline (the sleep becomes pending again if it moved later).
    pub fn reset(self: Pin<&mut Self>, deadline: Instant) {
        let this = self.get_mut();
        this.deregister();
        this.deadline = deadline;
        this.elapsed = false;
    }

    /// Removes the timer entry: directly on its runtime's thread, else by
    /// handing the key to that runtime (see [`Shared::release_timer`]).
    fn deregister(&mut self) {
        if let Some((shared, key)) = self.entry.take() {
            let removed = context::with_runtime(shared.id, |core| {
                core.driver.timers.borrow_mut().remove(key)
            });
            if removed.is_none() {
                shared.release_timer(key);
            }
        }
    }

    pub(crate) fn poll_elapsed(&mut self, cx: &mut Context<'_>) -> Poll<()> {
        if self.elapsed {
            return Poll::Ready(());
        }
        if let Some((shared, key)) = &self.entry {
            let key = *key;
            let state = context::with_runtime(shared.id, |core| {
                let mut timers = core.driver.timers.borrow_mut();
                match timers.is_fired(key) {
                    Some(true) => {
                        timers.remove(key);
                        Some(true)
                    }
                    Some(false) => {
                        timers.set_waker(key, cx.waker());
                        Some(false)
                    }
                    None => None,
                }
            })
            .flatten();
            match state {
                Some(true) => {
                    self.entry = None;
                    self.elapsed = true;
                    return Poll::Ready(());
                }
                Some(false) => return Poll::Pending,
                // Polled on another runtime (or its entry vanished): start over here.
                None => self.deregister(),
            }
        }
        if Instant::now() >= self.deadline {
            self.elapsed = true;
            return Poll::Ready(());
        }
        let deadline = self.deadline.into_std();
        let entry = context::with_core(|core| {
            let key = core
                .driver
                .timers
                .borrow_mut()
                .insert(deadline, Some(cx.waker().clone()));
            (core.shared.clone(), key)
        });
        match entry {
            Some(e) => {
                self.entry = Some(e);
                Poll::Pending
            }
            None => panic!("{}", context::NO_RUNTIME),
        }
    }
}

impl Future for Sleep {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        ready!(coop::poll_proceed(cx));
        self.get_mut().poll_elapsed(cx)
    }
}

impl Drop for Sleep {
    fn drop(&mut self) {
        self.deregister();
    }
}
