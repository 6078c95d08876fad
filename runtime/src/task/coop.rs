//! Cooperative budgeting: each task poll may complete a bounded number of
//! resource operations (IO readiness, timers, channel receives) before they
//! start returning `Pending` (after waking the task), so a task on an
//! always-ready socket yields to its neighbours instead of starving them.

use std::cell::Cell;
use std::task::{Context, Poll};

/// Operations per task poll, as tokio's.
const BUDGET: u16 = 128;
const UNCONSTRAINED: u16 = u16::MAX;

thread_local! {
    static CURRENT: Cell<u16> = const { Cell::new(UNCONSTRAINED) };
}

/// Runs `f` with a fresh budget, restoring the previous one afterwards.
#[inline]
pub(crate) fn with_budget<R>(f: impl FnOnce() -> R) -> R {
    struct Restore(u16);
    impl Drop for Restore {
        #[inline]
        fn drop(&mut self) {
            CURRENT.with(|c| c.set(self.0));
        }
    }
    let _restore = Restore(CURRENT.with(|c| c.replace(BUDGET)));
    f()
}

/// Spends one unit of budget, or wakes the task and returns `Pending` if
/// the budget is used up.
#[inline]
pub(crate) fn poll_proceed(cx: &mut Context<'_>) -> Poll<()> {
    CURRENT.with(|c| match c.get() {
        0 => {
            cx.waker().wake_by_ref();
            Poll::Pending
        }
        UNCONSTRAINED => Poll::Ready(()),
        n => {
            c.set(n - 1);
            Poll::Ready(())
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn budget_runs_out_then_resets() {
        let cx = &mut Context::from_waker(std::task::Waker::noop());
        with_budget(|| {
            for _ in 0..BUDGET {
                assert!(poll_proceed(cx).is_ready());
            }
            assert!(poll_proceed(cx).is_pending());
            with_budget(|| assert!(poll_proceed(cx).is_ready()));
            assert!(poll_proceed(cx).is_pending());
        });
        assert!(
            poll_proceed(cx).is_ready(),
            "outside a task the budget is unconstrained"
        );
    }
}
