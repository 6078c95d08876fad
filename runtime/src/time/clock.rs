//! The runtime's clock, which a test can pause: tokio's `test-util` time
//! control ([`pause`], [`resume`], [`advance`]), always available.
//!
//! Each runtime owns a [`Clock`] (in its driver). Running, it follows std's
//! monotonic clock, plus whatever it was moved ahead (or held back) while
//! paused. Paused, it stands still until [`advance`] moves it or the runtime
//! auto-advances it: with nothing to run, the driver polls the backend
//! without blocking and, if that woke nobody, jumps the clock to the nearest
//! timer instead of waiting for it (see `Driver::turn`).
//!
//! [`Instant::now`](super::Instant::now) reads the clock of the runtime
//! running on the calling thread. Until some runtime has paused its clock,
//! it reads std's clock directly, without looking the runtime up.

use crate::context;
use crate::runtime::Shared;
use std::cell::Cell;
use std::sync::atomic::{AtomicBool, Ordering::*};
use std::sync::Arc;
use std::time::{Duration, Instant as StdInstant};

/// Set the first time any clock is paused. Until then every clock reads the
/// same as std's, so `Instant::now()` skips the runtime lookup. (Relaxed: a
/// thread only ever reads the clock of the runtime it runs itself, and the
/// pause of that clock happened earlier on the same thread.)
static DID_PAUSE: AtomicBool = AtomicBool::new(false);

/// One runtime's clock. Only its runtime's thread touches it, hence `Cell`s.
#[derive(Debug)]
pub(crate) struct Clock {
    /// The reading when the clock was last paused, advanced or resumed.
    base: Cell<StdInstant>,
    /// When (by std's clock) the clock last started running: `None` while
    /// paused. Running, the reading is `base + unfrozen.elapsed()`.
    unfrozen: Cell<Option<StdInstant>>,
}

const ALREADY_PAUSED: &str = "time is already frozen";
const NOT_PAUSED: &str = "time is not frozen";

impl Clock {
    /// A running clock that reads the same as std's.
    pub(crate) fn new() -> Clock {
        let now = StdInstant::now();
        Clock {
            base: Cell::new(now),
            unfrozen: Cell::new(Some(now)),
        }
    }

    /// The current reading.
    pub(crate) fn now(&self) -> StdInstant {
        match self.unfrozen.get() {
            None => self.base.get(),
            Some(unfrozen) => self.base.get() + unfrozen.elapsed(),
        }
    }

    /// Whether the clock is paused.
    pub(crate) fn is_paused(&self) -> bool {
        self.unfrozen.get().is_none()
    }

    /// Stops the clock at its current reading.
    pub(crate) fn pause(&self) -> Result<(), &'static str> {
        if self.is_paused() {
            return Err(ALREADY_PAUSED);
        }
        DID_PAUSE.store(true, Relaxed);
        self.base.set(self.now());
        self.unfrozen.set(None);
        Ok(())
    }

    /// Restarts a paused clock from its current reading.
    pub(crate) fn resume(&self) -> Result<(), &'static str> {
        if !self.is_paused() {
            return Err(NOT_PAUSED);
        }
        self.unfrozen.set(Some(StdInstant::now()));
        Ok(())
    }

    /// Moves a paused clock forward by `duration`. Panics if the reading
    /// would overflow, as tokio does.
    pub(crate) fn advance(&self, duration: Duration) -> Result<(), &'static str> {
        if !self.is_paused() {
            return Err(NOT_PAUSED);
        }
        self.base.set(self.base.get() + duration);
        Ok(())
    }

    /// Auto-advance: moves a paused clock forward to `to` (never back).
    pub(crate) fn advance_to(&self, to: StdInstant) {
        debug_assert!(self.is_paused());
        if to > self.base.get() {
            self.base.set(to);
        }
    }
}

/// Holds off auto-advance of the runtime's paused clock while alive: a
/// `spawn_blocking` job holds one until it has finished and woken its
/// waiter, as in tokio, so a paused test's timeouts don't fire while a
/// blocking job (a file operation, say) is still running. Meanwhile the
/// runtime waits for timers in real time.
pub(crate) struct InhibitAutoAdvance(Arc<Shared>);

impl InhibitAutoAdvance {
    pub(crate) fn new(shared: &Arc<Shared>) -> InhibitAutoAdvance {
        shared.auto_advance_inhibit.fetch_add(1, AcqRel);
        InhibitAutoAdvance(shared.clone())
    }
}

impl Drop for InhibitAutoAdvance {
    fn drop(&mut self) {
        self.0.auto_advance_inhibit.fetch_sub(1, AcqRel);
        // A runtime waiting in real time because of us re-evaluates.
        self.0.unpark();
    }
}

/// Whether `shared`'s runtime may auto-advance its paused clock.
pub(crate) fn can_auto_advance(shared: &Shared) -> bool {
    shared.auto_advance_inhibit.load(Acquire) == 0
}

/// The reading of the calling thread's runtime clock, or std's clock where
/// no runtime runs (or none ever paused its clock).
#[inline]
pub(crate) fn now() -> StdInstant {
    if !DID_PAUSE.load(Relaxed) {
        return StdInstant::now();
    }
    context::with_core(|core| core.driver.clock.now()).unwrap_or_else(StdInstant::now)
}

/// Runs `f` on the current runtime's clock; panics with `f`'s error, or
/// outside a runtime.
#[track_caller]
fn with_clock(f: impl FnOnce(&Clock) -> Result<(), &'static str>) {
    let res = context::with_core(|core| {
        if core.handle.is_multi_thread() {
            // Each worker has its own clock: pausing one would split time.
            return Err("pausing time requires the current-thread mini_rt runtime");
        }
        f(&core.driver.clock)
    })
    .unwrap_or(Err(
        "time cannot be frozen from outside the mini_rt runtime",
    ));
    if let Err(msg) = res {
        panic!("{msg}");
    }
}

/// Pauses time (tokio's `time::pause`).
///
/// [`Instant::now()`](super::Instant::now) then returns the saved reading
/// until [`advance`] moves it or the runtime auto-advances it: when the
/// clock is paused and no task is ready to run, the runtime first checks IO
/// without blocking and, if nothing became ready, jumps the clock straight
/// to the nearest timer instead of waiting for it. So an hour of
/// [`sleep`](super::sleep)s completes at once, timers fire in deadline
/// order at their exact deadlines, and IO that is already pending is still
/// delivered before the clock moves. With no timer at all, the runtime
/// blocks on IO as usual.
///
/// Only the runtime's own clock stops: std's `Instant` runs on, and
/// `Instant::now()` on threads other than the runtime's reads std's clock.
/// [`Builder::start_paused`](crate::runtime::Builder::start_paused) and
/// `#[mini_rt::test(start_paused = true)]` start a runtime with time paused.
///
/// # Panics
///
/// If time is already paused, if called outside a runtime, or on a
/// multi-thread runtime (each worker keeps its own clock; as in tokio, only a
/// current-thread runtime can pause time).
///
/// ```
/// # use mini_rt_runtime as mini_rt;
/// use mini_rt::time::{self, Duration, Instant};
///
/// let rt = mini_rt::runtime::Runtime::new().unwrap();
/// rt.block_on(async {
///     time::pause();
///     let start = Instant::now();
///     time::sleep(Duration::from_secs(3600)).await; // returns at once
///     assert_eq!(start.elapsed(), Duration::from_secs(3600));
/// });
/// ```
#[track_caller]
pub fn pause() {
    with_clock(Clock::pause);
}

/// Resumes time (tokio's `time::resume`): the clock runs again from its
/// current reading, at std's pace (it stays as far ahead of std's clock as
/// [`advance`] and auto-advance moved it).
///
/// # Panics
///
/// If time is not paused, or if called outside a runtime.
///
/// ```
/// # use mini_rt_runtime as mini_rt;
/// use mini_rt::time::{self, Duration, Instant};
///
/// let rt = mini_rt::runtime::Builder::new_current_thread()
///     .enable_all()
///     .start_paused(true)
///     .build()
///     .unwrap();
/// rt.block_on(async {
///     time::resume();
///     let start = Instant::now();
///     time::sleep(Duration::from_millis(1)).await; // really waits
///     assert!(start.elapsed() >= Duration::from_millis(1));
/// });
/// ```
#[track_caller]
pub fn resume() {
    with_clock(Clock::resume);
}

/// Advances paused time by `duration` (tokio's `time::advance`).
///
/// The clock jumps forward in one step: every timer due by the new reading
/// fires, and their tasks run before `advance` returns (it yields once, as
/// tokio's does). Prefer [`sleep`](super::sleep) with auto-advance when the
/// timers in between must fire one deadline at a time.
///
/// # Panics
///
/// If time is not paused, if called outside a runtime, or if the new
/// reading would overflow (`Duration::MAX`).
///
/// ```
/// # use mini_rt_runtime as mini_rt;
/// use mini_rt::time::{self, Duration, Instant};
///
/// let rt = mini_rt::runtime::Runtime::new().unwrap();
/// rt.block_on(async {
///     time::pause();
///     let start = Instant::now();
///     let sleep = mini_rt::spawn(time::sleep(Duration::from_secs(5)));
///     mini_rt::task::yield_now().await; // the task starts its timer
///     time::advance(Duration::from_secs(5)).await;
///     assert_eq!(Instant::now() - start, Duration::from_secs(5));
///     assert!(sleep.is_finished(), "due timers fire during `advance`");
/// });
/// ```
pub async fn advance(duration: Duration) {
    advance_clock(duration);
    crate::task::yield_now().await;
}

#[track_caller]
fn advance_clock(duration: Duration) {
    with_clock(|clock| clock.advance(duration));
    context::with_core(|core| core.driver.fire_due_timers());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_clock_reads_std_time_and_runs() {
        let before = StdInstant::now();
        let clock = Clock::new();
        let t = clock.now();
        assert!(t >= before && t <= StdInstant::now());
        assert!(!clock.is_paused());
    }

    #[test]
    fn paused_clock_stands_still_and_moves_only_forward() {
        let clock = Clock::new();
        clock.pause().unwrap();
        let t = clock.now();
        std::thread::yield_now();
        assert_eq!(clock.now(), t);
        clock.advance(Duration::from_secs(7)).unwrap();
        assert_eq!(clock.now(), t + Duration::from_secs(7));
        clock.advance_to(t); // backwards: ignored
        assert_eq!(clock.now(), t + Duration::from_secs(7));
        clock.advance_to(t + Duration::from_secs(9));
        assert_eq!(clock.now(), t + Duration::from_secs(9));
    }

    #[test]
    fn pause_resume_advance_report_misuse() {
        let clock = Clock::new();
        assert_eq!(clock.resume(), Err(NOT_PAUSED));
        assert_eq!(clock.advance(Duration::from_secs(1)), Err(NOT_PAUSED));
        clock.pause().unwrap();
        assert_eq!(clock.pause(), Err(ALREADY_PAUSED));
        clock.resume().unwrap();
        assert!(!clock.is_paused());
    }

    #[test]
    fn resumed_clock_keeps_its_lead_over_std() {
        let clock = Clock::new();
        clock.pause().unwrap();
        clock.advance(Duration::from_secs(3600)).unwrap();
        clock.resume().unwrap();
        let lead = clock.now() - StdInstant::now();
        assert!(lead > Duration::from_secs(3599) && lead <= Duration::from_secs(3600));
        let a = clock.now();
        let b = clock.now();
        assert!(b >= a, "a running clock never goes back");
    }
}
