//! Per-thread settings of the runtime thread.

use std::cell::Cell;

/// Timer slack for the runtime thread, in nanoseconds. The kernel's default
/// (50 µs) lets a 100 µs sleep fire up to 150 µs late.
const TIMER_SLACK_NS: libc::c_ulong = 1_000;

thread_local! {
    static SLACK_SET: Cell<bool> = const { Cell::new(false) };
}

/// Lowers this thread's timer slack (once per thread) so backend timeouts,
/// and with them `sleep`, fire within about a microsecond of their deadline.
pub(crate) fn tighten_timer_slack() {
    if SLACK_SET.with(|s| s.replace(true)) {
        return;
    }
    // SAFETY: PR_SET_TIMERSLACK takes one integer argument and only affects
    // the calling thread; a failure is harmless (we keep the default slack).
    let _ = unsafe { libc::prctl(libc::PR_SET_TIMERSLACK, TIMER_SLACK_NS, 0, 0, 0) };
}
