//! `Timeout`, `timeout`, `timeout_at`.

use super::error::Elapsed;
use super::{sleep, sleep_until, Instant, Sleep};
use std::future::{Future, IntoFuture};
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

/// Requires `future` to complete within `duration` (tokio's `timeout`).
/// The future is polled first, so a ready future never times out.
pub fn timeout<F: IntoFuture>(duration: Duration, future: F) -> Timeout<F::IntoFuture> {
    Timeout {
        value: future.into_future(),
        delay: sleep(duration),
    }
}

/// Requires `future` to complete before `deadline`.
pub fn timeout_at<F: IntoFuture>(deadline: Instant, future: F) -> Timeout<F::IntoFuture> {
    Timeout {
        value: future.into_future(),
        delay: sleep_until(deadline),
    }
}

pin_project_lite::pin_project! {
    /// The future returned by [`timeout`] and [`timeout_at`].
    ///
    /// ```
    /// # use mini_rt_runtime as mini_rt;
    /// use mini_rt::time::{sleep, timeout, Duration};
    ///
    /// # mini_rt::runtime::Runtime::new().unwrap().block_on(async {
    /// // Completes in time: the future's output.
    /// assert_eq!(timeout(Duration::from_secs(1), async { 7 }).await, Ok(7));
    /// // Too slow: `Elapsed`, and the inner future is dropped.
    /// let slow = sleep(Duration::from_secs(3600));
    /// assert!(timeout(Duration::from_millis(10), slow).await.is_err());
    /// # });
    /// ```
    #[derive(Debug)]
    #[must_use = "futures do nothing unless you `.await` or poll them"]
    pub struct Timeout<T> {
        #[pin]
        value: T,
        delay: Sleep,
    }
}

impl<T> Timeout<T> {
    /// The wrapped future.
    pub fn get_ref(&self) -> &T {
        &self.value
    }

    /// The wrapped future, mutably.
    pub fn get_mut(&mut self) -> &mut T {
        &mut self.value
    }

    /// Consumes the timeout, returning the wrapped future.
    pub fn into_inner(self) -> T {
        self.value
    }
}

impl<T: Future> Future for Timeout<T> {
    type Output = Result<T::Output, Elapsed>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.project();
        if let Poll::Ready(v) = this.value.poll(cx) {
            return Poll::Ready(Ok(v));
        }
        // Not `Sleep::poll`: the inner future may have used up the task's
        // budget, and the deadline must still be noticed.
        match this.delay.poll_elapsed(cx) {
            Poll::Ready(()) => Poll::Ready(Err(Elapsed::new())),
            Poll::Pending => Poll::Pending,
        }
    }
}
