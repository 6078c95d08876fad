//! The driver's turn: one wait on the backend (bounded by the nearest timer,
//! or a jump of the paused clock), the events dispatched to their
//! registrations' readiness and waiters, then the timers fired.

use super::{split, Driver, ScheduledIo, Trigger};
use crate::reactor::scheduled_io::Waiters;
use crate::runtime::{Shared, Stats};
use crate::sys::{Interest, Ready, NOTIFY_TOKEN};
use crate::time::can_auto_advance;
use std::panic::{self, AssertUnwindSafe};
use std::task::Waker;
use std::time::Duration;

impl Driver {
    /// Waits on the backend (at most `wait`, and no later than the nearest
    /// timer), then wakes the tasks whose fds or timers are ready.
    ///
    /// With the clock paused, a wait that would block until a timer instead
    /// polls the backend without blocking and, if that woke no task (no IO
    /// event for a waiter, no wake from another thread), moves the clock to
    /// that timer's deadline (auto-advance). IO already pending is thus
    /// delivered before the clock moves. Unlike tokio, which advances even
    /// when the poll delivered IO, the jump waits for a turn that finds
    /// nothing else to do. While a `spawn_blocking` job runs, the clock does
    /// not jump: the wait for the timer is a real one, as in tokio.
    pub(crate) fn turn(&self, wait: Option<Duration>, shared: &Shared, stats: &Stats) {
        let mut wait = wait;
        let next_timer = self.timers.borrow().next_deadline();
        let mut jump_to = None;
        if let Some(deadline) = next_timer {
            let now = self.clock.now();
            let until = deadline.saturating_duration_since(now);
            let until = wait.map_or(until, |w| w.min(until));
            if self.clock.is_paused() && until > Duration::ZERO && can_auto_advance(shared) {
                jump_to = Some(now + until);
                wait = Some(Duration::ZERO);
            } else {
                wait = Some(until);
            }
        }
        let mut wakers = std::mem::take(&mut *self.wakers.borrow_mut());
        // Tasks' own wakers are woken during dispatch and counted there.
        let woken_before = stats.wakeups.get();
        let notified = self.poll_backend(wait, shared, stats, &mut wakers);
        if let Some(to) = jump_to {
            let woke = !wakers.is_empty() || stats.wakeups.get() != woken_before;
            if !woke && !notified && !shared.remote_pending() {
                self.clock.advance_to(to);
            }
        }
        if next_timer.is_some() {
            self.timers.borrow_mut().fire(self.clock.now(), &mut wakers);
        }
        stats.wakeups.set(stats.wakeups.get() + wakers.len() as u64);
        wake_all(&mut wakers);
        *self.wakers.borrow_mut() = wakers;
    }

    /// One wait on the backend; collects the wakers of the fds that became
    /// ready. Returns whether the runtime was notified (woken from another
    /// thread).
    fn poll_backend(
        &self,
        wait: Option<Duration>,
        shared: &Shared,
        stats: &Stats,
        wakers: &mut Vec<Waker>,
    ) -> bool {
        let mut notified = false;
        let mut events = self.events.borrow_mut();
        if let Err(e) = self.selector.wait(&mut events, wait) {
            panic!(
                "mini_rt: the {} backend failed to wait for events: {e}",
                shared.backend
            );
        }
        let mut io = self.io.borrow_mut();
        for ev in &events.list {
            if ev.token == NOTIFY_TOKEN {
                shared.drain_notifier();
                notified = true;
                continue;
            }
            Stats::bump(&stats.events);
            let (idx, generation) = split(ev.token);
            let Some(s) = io.slab.get_mut(idx).filter(|s| s.generation == generation) else {
                continue; // an event for a registration that is gone
            };
            self.dispatch(s, ev.token, ev.ready, wakers, stats);
        }
        notified
    }

    /// Fires the timers due by the clock's current reading and wakes their
    /// tasks (`time::advance`, which moves the clock outside a turn).
    pub(crate) fn fire_due_timers(&self) {
        let mut wakers = Vec::new();
        self.timers.borrow_mut().fire(self.clock.now(), &mut wakers);
        wake_all(&mut wakers);
    }

    fn dispatch(
        &self,
        s: &mut ScheduledIo,
        tok: u64,
        ready: Ready,
        wakers: &mut Vec<Waker>,
        stats: &Stats,
    ) {
        s.reg.readiness.add(ready);
        let slots = &s.reg.slots;
        let next = match self.trigger {
            Trigger::Edge => return s.waiters.wake(slots, ready, wakers, stats),
            // Keep watching what someone waited for; stop reporting what
            // nobody wants, or an always-writable socket would spin the loop.
            Trigger::Level => {
                let wanted = s.waiters.wanted(slots);
                s.waiters.wake(slots, ready, wakers, stats);
                let unwanted = Waiters::unwanted(ready, wanted);
                Interest::from_bits(s.armed.bits() & !unwanted.bits())
            }
            // The kernel disarmed the fd; re-arm for waiters not woken now.
            Trigger::Oneshot => {
                s.waiters.wake(slots, ready, wakers, stats);
                s.armed = Interest::NONE;
                s.waiters.wanted(slots)
            }
        };
        if next != s.armed && self.rearm(s, tok, next).is_ok() {
            s.armed = next;
        }
    }
}

/// Wakes and empties `wakers`. A `wake` that panics is a bug of whoever
/// made that waker, not of the runtime: it must neither unwind out of
/// `block_on` nor cost the wakers after it in the batch their wakeup. One
/// `catch_unwind` covers the whole batch (it costs nothing unless a panic
/// happens); after a panic, the rest of the batch is woken under a new one.
/// The panic hook has reported the panic already; its payload is dropped.
fn wake_all(wakers: &mut Vec<Waker>) {
    let mut rest = wakers.drain(..);
    while let Err(payload) =
        panic::catch_unwind(AssertUnwindSafe(|| rest.by_ref().for_each(Waker::wake)))
    {
        drop(payload);
    }
}
