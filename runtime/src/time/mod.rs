//! Time: `sleep`, `timeout`, `interval`, on a per-runtime timer heap with
//! nanosecond deadlines (the backend's wait timeout is the nearest deadline),
//! and a per-runtime clock that tests can pause (`pause`, `resume`,
//! `advance`, as tokio's `test-util`).

mod clock;
pub mod error;
pub(crate) mod heap;
mod instant;
mod interval;
mod sleep;
mod timeout;

pub use clock::{advance, pause, resume};
pub(crate) use clock::{can_auto_advance, Clock, InhibitAutoAdvance};
pub use instant::Instant;
pub use interval::{interval, interval_at, Interval, MissedTickBehavior};
pub use sleep::{sleep, sleep_until, Sleep};
pub use std::time::Duration;
pub use timeout::{timeout, timeout_at, Timeout};
