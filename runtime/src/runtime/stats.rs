//! [`RuntimeStats`]: what a runtime's loops have done, the cost of its backend.

/// Counters describing what a runtime has done: the cost of its backend.
///
/// [`Handle::stats`](super::Handle::stats) sums them over every loop of the
/// runtime; [`Handle::worker_stats`](super::Handle::worker_stats) gives them
/// per worker.
///
/// ```
/// # use mini_rt_runtime as mini_rt;
/// use mini_rt::runtime::{Handle, Runtime};
///
/// let rt = Runtime::new()?;
/// let stats = rt.block_on(async {
///     for _ in 0..3 {
///         mini_rt::spawn(async {}).await.unwrap();
///     }
///     // On the runtime's thread, the counters are live.
///     Handle::current().stats()
/// });
/// assert!(stats.polls >= 3, "each task was polled");
/// assert_eq!(stats.tasks, 0, "and none is left");
/// # Ok::<(), std::io::Error>(())
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RuntimeStats {
    /// Task polls.
    pub polls: u64,
    /// Times the driver waited on the backend (blocking or not).
    pub parks: u64,
    /// IO readiness events received from the backend.
    pub events: u64,
    /// Wakers woken by IO events and timers.
    pub wakeups: u64,
    /// Wakeups whose operation then returned `WouldBlock`.
    pub spurious_wakeups: u64,
    /// Live fd registrations.
    pub registrations: u64,
    /// Futures parked in the waiter lists of IO registrations (`ready`,
    /// `readable`, `accept`, `recv`, … awaited and not yet woken or done).
    pub io_waiters: u64,
    /// Live timers.
    pub timers: u64,
    /// Live tasks.
    pub tasks: u64,
    /// Registrations handed over to another loop (a worker, or another
    /// runtime) because a task there needed to wait on the IO object (exact
    /// at any time, unlike the counters published when a loop parks).
    pub io_moved_out: u64,
}

impl RuntimeStats {
    /// Adds `other` field by field.
    pub(crate) fn add(&mut self, other: &RuntimeStats) {
        self.polls += other.polls;
        self.parks += other.parks;
        self.events += other.events;
        self.wakeups += other.wakeups;
        self.spurious_wakeups += other.spurious_wakeups;
        self.registrations += other.registrations;
        self.io_waiters += other.io_waiters;
        self.timers += other.timers;
        self.tasks += other.tasks;
        self.io_moved_out += other.io_moved_out;
    }
}
