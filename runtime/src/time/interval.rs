//! `Interval`, `interval`, `interval_at`, `MissedTickBehavior`.

use super::{sleep_until, Instant, Sleep};
use std::future::poll_fn;
use std::pin::Pin;
use std::task::{ready, Context, Poll};
use std::time::Duration;

/// What an [`Interval`] does when ticks were missed (the task was late).
///
/// ```
/// # use mini_rt_runtime as mini_rt;
/// use mini_rt::time::{self, Duration, Instant, MissedTickBehavior};
///
/// # mini_rt::runtime::Runtime::new().unwrap().block_on(async {
/// time::pause();
/// let start = Instant::now();
/// let ms = |n| start + Duration::from_millis(n);
/// let mut ticks = time::interval(Duration::from_millis(10));
/// ticks.set_missed_tick_behavior(MissedTickBehavior::Skip);
/// assert_eq!(ticks.tick().await, ms(0));
///
/// // The task is late: the ticks due at 10, 20 and 30 ms are missed.
/// time::advance(Duration::from_millis(35)).await;
/// assert_eq!(ticks.tick().await, ms(10)); // the first missed tick, at once
/// assert_eq!(ticks.tick().await, ms(40)); // `Skip`: back on the 10 ms grid
/// # });
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum MissedTickBehavior {
    /// Fire the missed ticks as fast as possible, then resume the schedule (default).
    #[default]
    Burst,
    /// Restart the schedule from the time of the late tick.
    Delay,
    /// Skip the missed ticks; the next tick is the next multiple of the period.
    Skip,
}

impl MissedTickBehavior {
    fn next_timeout(self, timeout: Instant, now: Instant, period: Duration) -> Instant {
        match self {
            MissedTickBehavior::Burst => timeout.saturating_add(period),
            MissedTickBehavior::Delay => now.saturating_add(period),
            MissedTickBehavior::Skip => {
                let late = now.duration_since(timeout).as_nanos();
                let p = period.as_nanos();
                let skip = late - late % p;
                let ns = (skip + p).min(u64::MAX as u128) as u64;
                timeout.saturating_add(Duration::from_nanos(ns))
            }
        }
    }
}

/// Ticks every `period`, the first tick completing immediately.
/// Panics if `period` is zero, as tokio's.
pub fn interval(period: Duration) -> Interval {
    interval_at(Instant::now(), period)
}

/// Ticks every `period`, the first tick at `start`. Panics if `period` is zero.
pub fn interval_at(start: Instant, period: Duration) -> Interval {
    assert!(period > Duration::ZERO, "`period` must be non-zero.");
    Interval {
        delay: sleep_until(start),
        period,
        missed: MissedTickBehavior::default(),
    }
}

/// A stream of ticks, from [`interval`] or [`interval_at`].
///
/// ```
/// # use mini_rt_runtime as mini_rt;
/// use mini_rt::time::{self, Duration, Instant};
///
/// # mini_rt::runtime::Runtime::new().unwrap().block_on(async {
/// time::pause(); // virtual time: the example takes no wall time
/// let start = Instant::now();
/// let mut every_second = time::interval(Duration::from_secs(1));
/// for n in 0..3 {
///     // The first tick completes immediately, then one a period.
///     assert_eq!(every_second.tick().await, start + Duration::from_secs(n));
/// }
/// # });
/// ```
#[derive(Debug)]
pub struct Interval {
    delay: Sleep,
    period: Duration,
    missed: MissedTickBehavior,
}

impl Interval {
    /// Waits for the next tick and returns when it was scheduled.
    pub async fn tick(&mut self) -> Instant {
        poll_fn(|cx| self.poll_tick(cx)).await
    }

    /// Polls for the next tick.
    pub fn poll_tick(&mut self, cx: &mut Context<'_>) -> Poll<Instant> {
        ready!(Pin::new(&mut self.delay).poll(cx));
        let timeout = self.delay.deadline();
        let now = Instant::now();
        let next = if now > timeout.saturating_add(Duration::from_millis(5)) {
            self.missed.next_timeout(timeout, now, self.period)
        } else {
            timeout.saturating_add(self.period)
        };
        Pin::new(&mut self.delay).reset(next);
        Poll::Ready(timeout)
    }

    /// Restarts the schedule: the next tick is one period from now.
    pub fn reset(&mut self) {
        Pin::new(&mut self.delay).reset(Instant::now().saturating_add(self.period));
    }

    /// Makes the next tick complete immediately.
    pub fn reset_immediately(&mut self) {
        Pin::new(&mut self.delay).reset(Instant::now());
    }

    /// The missed-tick behaviour.
    pub fn missed_tick_behavior(&self) -> MissedTickBehavior {
        self.missed
    }

    /// Sets the missed-tick behaviour.
    pub fn set_missed_tick_behavior(&mut self, behavior: MissedTickBehavior) {
        self.missed = behavior;
    }

    /// The period.
    pub fn period(&self) -> Duration {
        self.period
    }
}

use std::future::Future as _;
