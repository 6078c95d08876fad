//! `Instant`: a point in time, tokio-compatible (a thin wrapper over std's).

use std::fmt;
use std::ops::{Add, AddAssign, Sub, SubAssign};
use std::time::Duration;

/// A measurement of a monotonically non-decreasing clock, as `tokio::time::Instant`.
///
/// [`Instant::now`] reads the clock of the runtime running on the calling
/// thread, which [`pause`](super::pause) can stop; elsewhere (and until a
/// clock is paused) it is std's clock.
///
/// ```
/// # use mini_rt_runtime as mini_rt;
/// use mini_rt::time::{self, Duration, Instant};
///
/// # mini_rt::runtime::Runtime::new().unwrap().block_on(async {
/// let start = Instant::now();
/// let deadline = start + Duration::from_secs(60);
/// assert_eq!(deadline - start, Duration::from_secs(60));
///
/// // Paused, the runtime's clock moves only when told to (or auto-advances).
/// time::pause();
/// let frozen = Instant::now();
/// time::advance(Duration::from_secs(60)).await;
/// assert_eq!(frozen.elapsed(), Duration::from_secs(60));
/// # });
/// ```
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Instant {
    std: std::time::Instant,
}

impl Instant {
    /// The current time: the runtime's clock on its own thread (paused
    /// time included), std's clock elsewhere.
    #[inline]
    pub fn now() -> Instant {
        Instant {
            std: super::clock::now(),
        }
    }

    /// Converts from std's `Instant`.
    pub fn from_std(std: std::time::Instant) -> Instant {
        Instant { std }
    }

    /// Converts into std's `Instant`.
    pub fn into_std(self) -> std::time::Instant {
        self.std
    }

    /// About 30 years from now: what `sleep(Duration::MAX)` waits for.
    pub(crate) fn far_future() -> Instant {
        Instant::now() + Duration::from_secs(86400 * 365 * 30)
    }

    /// `self + d`, or [`Instant::far_future`] when that would overflow.
    pub(crate) fn saturating_add(self, d: Duration) -> Instant {
        self.checked_add(d).unwrap_or_else(Instant::far_future)
    }

    /// Time elapsed from `earlier` to `self` (zero if `earlier` is later).
    pub fn duration_since(&self, earlier: Instant) -> Duration {
        self.std.saturating_duration_since(earlier.std)
    }

    /// Time elapsed from `earlier` to `self`, or `None` if `earlier` is later.
    pub fn checked_duration_since(&self, earlier: Instant) -> Option<Duration> {
        self.std.checked_duration_since(earlier.std)
    }

    /// Time elapsed from `earlier` to `self` (zero if `earlier` is later).
    pub fn saturating_duration_since(&self, earlier: Instant) -> Duration {
        self.std.saturating_duration_since(earlier.std)
    }

    /// Time elapsed since this instant, by [`Instant::now`] (so paused
    /// time counts as the paused clock says).
    pub fn elapsed(&self) -> Duration {
        Instant::now().saturating_duration_since(*self)
    }

    /// `self + d`, or `None` on overflow.
    pub fn checked_add(&self, d: Duration) -> Option<Instant> {
        self.std.checked_add(d).map(Instant::from_std)
    }

    /// `self - d`, or `None` on underflow.
    pub fn checked_sub(&self, d: Duration) -> Option<Instant> {
        self.std.checked_sub(d).map(Instant::from_std)
    }
}

impl From<std::time::Instant> for Instant {
    fn from(std: std::time::Instant) -> Instant {
        Instant { std }
    }
}

impl From<Instant> for std::time::Instant {
    fn from(i: Instant) -> std::time::Instant {
        i.std
    }
}

impl Add<Duration> for Instant {
    type Output = Instant;
    fn add(self, d: Duration) -> Instant {
        Instant { std: self.std + d }
    }
}

impl AddAssign<Duration> for Instant {
    fn add_assign(&mut self, d: Duration) {
        *self = *self + d;
    }
}

impl Sub<Duration> for Instant {
    type Output = Instant;
    fn sub(self, d: Duration) -> Instant {
        Instant { std: self.std - d }
    }
}

impl SubAssign<Duration> for Instant {
    fn sub_assign(&mut self, d: Duration) {
        *self = *self - d;
    }
}

impl Sub<Instant> for Instant {
    type Output = Duration;
    fn sub(self, other: Instant) -> Duration {
        self.duration_since(other)
    }
}

impl fmt::Debug for Instant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.std.fmt(f)
    }
}
