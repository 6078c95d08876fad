//! One scheduler loop's thread-side half: the run queue, the reactor/timer
//! driver, and the loop that `block_on` runs (and every worker of a
//! multi-thread runtime runs until it is stopped).

use super::{Handle, RuntimeStats, Shared};
use crate::reactor::registration::{Registration, Take};
use crate::reactor::Driver;
use crate::task::{coop, LocalTasks};
use std::cell::{Cell, RefCell};
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering::*};
use std::sync::Arc;
use std::task::{Context, Poll, Wake, Waker};
use std::time::Duration;

pub(crate) struct Core {
    pub(crate) shared: Arc<Shared>,
    /// The runtime this loop belongs to (what `Handle::current` returns).
    pub(crate) handle: Handle,
    pub(crate) tasks: LocalTasks,
    pub(crate) driver: Driver,
    pub(crate) stats: Stats,
    event_interval: u32,
    /// Requests to hand registrations over, answered when the loop next
    /// turns its driver (see [`Core::answer_takes`]).
    takes: RefCell<Vec<Take>>,
    /// Whether `takes` is non-empty (one load on every turn).
    takes_pending: Cell<bool>,
}

/// Counters kept on the runtime thread (plain cells: no atomics on hot paths),
/// published to `Shared::stats` each time the loop parks.
#[derive(Default)]
pub(crate) struct Stats {
    pub(crate) polls: Cell<u64>,
    pub(crate) parks: Cell<u64>,
    pub(crate) events: Cell<u64>,
    pub(crate) wakeups: Cell<u64>,
    pub(crate) spurious: Cell<u64>,
}

impl Stats {
    pub(crate) fn bump(c: &Cell<u64>) {
        c.set(c.get() + 1);
    }
}

/// The `block_on` future's waker: a flag, plus an unpark when set from
/// another thread.
struct MainWaker {
    woken: AtomicBool,
    shared: Arc<Shared>,
}

impl Wake for MainWaker {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }
    fn wake_by_ref(self: &Arc<Self>) {
        self.woken.store(true, Release);
        if !crate::context::is_current(self.shared.id) {
            self.shared.unpark();
        }
    }
}

impl Core {
    pub(crate) fn new(
        shared: Arc<Shared>,
        handle: Handle,
        driver: Driver,
        event_interval: u32,
    ) -> Core {
        Core {
            tasks: LocalTasks::new(shared.clone()),
            shared,
            handle,
            driver,
            stats: Stats::default(),
            event_interval: event_interval.max(1),
            takes: RefCell::new(Vec::new()),
            takes_pending: Cell::new(false),
        }
    }

    /// The scheduler loop: poll `fut` when woken, run queued tasks, and turn
    /// the driver (non-blocking every `event_interval` tasks, blocking when
    /// idle) until `fut` completes.
    pub(crate) fn block_on<F: Future>(&self, fut: Pin<&mut F>) -> F::Output {
        let mut fut = fut;
        let main = Arc::new(MainWaker {
            woken: AtomicBool::new(true),
            shared: self.shared.clone(),
        });
        let waker = Waker::from(main.clone());
        let mut cx = Context::from_waker(&waker);
        // Polls of tasks and of `fut` since the driver was last turned.
        let mut ticks = 0;
        loop {
            if main.woken.swap(false, Acquire) {
                ticks += 1;
                if let Poll::Ready(v) = coop::with_budget(|| fut.as_mut().poll(&mut cx)) {
                    return v;
                }
            }
            // Run queued tasks (even if `fut` was woken meanwhile: it is polled
            // after this batch, so a `yield_now` in it lets every task run).
            while ticks < self.event_interval {
                let Some(task) = self.next_task() else { break };
                if self.tasks.run(task) {
                    Stats::bump(&self.stats.polls);
                }
                ticks += 1;
            }
            if ticks >= self.event_interval {
                // Fairness: check IO and timers without blocking.
                ticks = 0;
                self.turn(Some(Duration::ZERO));
            } else if !main.woken.load(Acquire) {
                // Nothing to run and `fut` not woken: block until IO, a
                // timer or a wake. (A woken `fut` is polled without turning
                // the driver: a task completing and waking `block_on` costs
                // no system call.)
                ticks = 0;
                self.turn(None);
            }
        }
    }

    #[inline]
    fn next_task(&self) -> Option<crate::task::RawTask> {
        if let Some(t) = self.tasks.pop() {
            return Some(t);
        }
        self.absorb_remote();
        self.tasks.pop()
    }

    /// Moves remote work (wakes and spawns from other threads, registrations
    /// and timers released elsewhere) into the local structures.
    #[inline]
    pub(crate) fn absorb_remote(&self) {
        if self.shared.remote_pending() {
            self.absorb_remote_slow();
        }
    }

    #[cold]
    fn absorb_remote_slow(&self) {
        if let Some(remote) = self.shared.take_remote() {
            for t in remote.tasks {
                self.tasks.push(t);
            }
            for (token, fd) in remote.released {
                self.driver.deregister_token(token, &fd);
            }
            if !remote.timers.is_empty() {
                let mut timers = self.driver.timers.borrow_mut();
                for key in remote.timers {
                    timers.remove(key);
                }
            }
            if !remote.takes.is_empty() {
                self.takes.borrow_mut().extend(remote.takes);
                self.takes_pending.set(true);
            }
            for reg in remote.adopts {
                reg.adopt(self);
            }
        }
    }

    /// `block_on` returned and the core goes back to its idle slot (the
    /// caller holds the slot's lock): answer what is queued, and give up
    /// registrations that tasks of other loops wait on, since nothing will
    /// turn this loop's backend for them until the next `block_on`.
    pub(crate) fn go_idle(&self) {
        self.absorb_remote();
        self.answer_takes();
        self.driver.release_detached(self.shared.id);
    }

    /// Hands over the registrations other loops asked for. Deferred from
    /// reading the request to the next turn of the driver, after the batch
    /// of tasks that was queued with it has run: a task woken here for the
    /// registration then gets to use it (or park on it, and be handed over
    /// as a waiter) before it goes. Answering at once would let two loops
    /// whose tasks are woken for one registration take it from each other
    /// forever, each before its own woken task ran.
    #[cold]
    fn answer_takes(&self) {
        self.takes_pending.set(false);
        let takes = std::mem::take(&mut *self.takes.borrow_mut());
        for take in takes {
            Registration::hand_over(self, take);
        }
    }

    /// Waits for IO or timers: `Some(ZERO)` polls without blocking, `None`
    /// blocks until the nearest timer (or forever if there is none).
    pub(crate) fn turn(&self, max_wait: Option<Duration>) {
        if self.takes_pending.get() {
            self.answer_takes();
        }
        let mut wait = max_wait;
        let parked = wait != Some(Duration::ZERO) && self.shared.try_park();
        if !parked {
            wait = Some(Duration::ZERO);
        }
        Stats::bump(&self.stats.parks);
        if parked {
            self.publish_stats();
        }
        self.driver.turn(wait, &self.shared, &self.stats);
        // Also consumes a NOTIFIED that made `try_park` fail or that arrived
        // while we were not parked; remote work is absorbed right after.
        self.shared.unparked();
        self.absorb_remote();
    }

    pub(crate) fn snapshot_stats(&self) -> RuntimeStats {
        RuntimeStats {
            polls: self.stats.polls.get(),
            parks: self.stats.parks.get(),
            events: self.stats.events.get(),
            wakeups: self.stats.wakeups.get(),
            spurious_wakeups: self.stats.spurious.get(),
            registrations: self.driver.registrations() as u64,
            io_waiters: self.driver.io_waiters() as u64,
            timers: self.driver.timer_count() as u64,
            tasks: self.tasks.owned_len() as u64,
            io_moved_out: self
                .shared
                .moved_out
                .load(std::sync::atomic::Ordering::Relaxed),
        }
    }

    fn publish_stats(&self) {
        *self.shared.stats.lock() = self.snapshot_stats();
    }

    /// Shutdown: drop every task here, then give up every registration
    /// (another loop may claim it) and drop every timer; then refuse
    /// hand-over traffic, answering what is queued.
    pub(crate) fn shutdown(&self, remote: Vec<crate::task::RawTask>) {
        self.tasks.shutdown_all(remote);
        let me = self.shared.id;
        self.driver.shutdown(me);
        let left = self.shared.finish();
        self.takes.borrow_mut().extend(left.takes);
        self.answer_takes();
        for reg in left.adopts {
            reg.free_from(me);
        }
    }
}
