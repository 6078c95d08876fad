//! The driver: registrations of fds (a slab whose tokens carry a generation),
//! their waiter lists, readiness and the `poll_*` waker slots cached per
//! registration (in the [`Registration`] the owning `PollEvented` also
//! holds), the timer heap, and `turn` (`driver/turn.rs`), which waits on the
//! backend and wakes whoever became ready.
//! Registrations come and go with their objects, and move to another loop's
//! driver when a task there needs them ([`Driver::hand_over`]).

use super::registration::{Registration, Waiting};
use super::scheduled_io::{WaiterKey, Waiters};
use super::ReadyEvent;
use crate::runtime::Backend;
use crate::sys::{EventBuf, Interest, Selector, Trigger, NOTIFY_TOKEN};
use crate::time::heap::TimerHeap;
use crate::time::Clock;
use slab::Slab;
use std::cell::RefCell;
use std::io;
use std::os::fd::{AsRawFd, OwnedFd, RawFd};
use std::sync::Arc;
use std::task::{Context, Poll, Waker};

/// Events fetched per backend wait.
const EVENTS_CAPACITY: usize = 1024;

pub(crate) struct Driver {
    selector: Selector,
    trigger: Trigger,
    events: RefCell<EventBuf>,
    io: RefCell<Registrations>,
    pub(crate) timers: RefCell<TimerHeap>,
    /// The clock the timers run on (pausable: `time::pause`).
    pub(crate) clock: Clock,
    /// Reused buffer of wakers collected under a borrow and woken after it.
    wakers: RefCell<Vec<Waker>>,
}

struct Registrations {
    slab: Slab<ScheduledIo>,
    next_gen: u32,
}

struct ScheduledIo {
    generation: u32,
    fd: RawFd,
    /// Shared with the registration's `PollEvented`, whose reads and writes
    /// check and clear its readiness cell directly.
    reg: Arc<Registration>,
    /// What the backend currently watches (level and oneshot backends only).
    armed: Interest,
    /// Registered exclusively (`Selector::register_exclusive`): never
    /// modified; in level mode, in the kernel's set only while `armed` is
    /// not empty.
    exclusive: bool,
    waiters: Waiters,
}

impl ScheduledIo {
    /// Whether the backend has the fd in its set (an exclusive level
    /// registration with nothing armed is left out).
    fn in_kernel(&self, trigger: Trigger) -> bool {
        !(self.exclusive && trigger != Trigger::Edge && self.armed.is_empty())
    }
}

fn token(idx: usize, generation: u32) -> u64 {
    ((generation as u64) << 32) | idx as u64
}

fn split(token: u64) -> (usize, u32) {
    ((token & 0xffff_ffff) as usize, (token >> 32) as u32)
}

fn stale() -> io::Error {
    io::Error::other("mini_rt: IO resource used after its registration was removed")
}

impl Driver {
    pub(crate) fn new(backend: Backend, notifier_fd: RawFd) -> io::Result<Driver> {
        let selector = Selector::new(backend)?;
        selector.register(notifier_fd, NOTIFY_TOKEN, Interest::READABLE)?;
        Ok(Driver {
            selector,
            trigger: backend.trigger(),
            events: RefCell::new(EventBuf::with_capacity(EVENTS_CAPACITY)),
            io: RefCell::new(Registrations {
                slab: Slab::with_capacity(64),
                next_gen: 0,
            }),
            timers: RefCell::new(TimerHeap::new()),
            clock: Clock::new(),
            wakers: RefCell::new(Vec::with_capacity(64)),
        })
    }

    /// Registers `reg`'s fd; edge-triggered backends watch read and write
    /// for its whole life, the others start with what `waiting` (wakers
    /// handed over with a registration moved here) waits for. Returns the
    /// token; on an error, `waiting` comes back.
    pub(crate) fn register(
        &self,
        reg: &Arc<Registration>,
        waiting: Waiting,
    ) -> Result<u64, (io::Error, Waiting)> {
        let mut io = self.io.borrow_mut();
        let generation = io.next_gen;
        io.next_gen = io.next_gen.wrapping_add(1);
        let entry = io.slab.vacant_entry();
        let tok = token(entry.key(), generation);
        let armed = match self.trigger {
            // PRIORITY too: the fd is never modified after this, so a task
            // that later waits for urgent data must already be covered, and
            // a short stream read must be able to see that urgent data cut
            // it short (`PollEvented::poll_stream`). Costs nothing: the
            // kernel reports it only when urgent data is pending.
            Trigger::Edge => reg.interest | Interest::PRIORITY,
            Trigger::Level | Trigger::Oneshot => waiting
                .iter()
                .fold(Interest::NONE, |acc, (interest, _)| acc | *interest),
        };
        let exclusive =
            reg.exclusive && !reg.interest.is_empty() && self.selector.supports_exclusive();
        let res = match (exclusive, self.trigger) {
            (false, _) => self.selector.register(reg.fd, tok, armed),
            (true, Trigger::Edge) => self.selector.register_exclusive(reg.fd, tok, reg.interest),
            (true, _) if armed.is_empty() => Ok(()),
            (true, _) => self.selector.register_exclusive(reg.fd, tok, armed),
        };
        if let Err(e) = res {
            return Err((e, waiting));
        }
        reg.set_edge(self.trigger == Trigger::Edge);
        let mut waiters = Waiters::default();
        waiters.add_detached(waiting);
        entry.insert(ScheduledIo {
            generation,
            fd: reg.fd,
            reg: reg.clone(),
            armed,
            exclusive,
            waiters,
        });
        Ok(tok)
    }

    /// Removes a registration; must run before its fd is closed.
    pub(crate) fn deregister(&self, tok: u64, fd: RawFd) -> io::Result<()> {
        let removed = {
            let mut io = self.io.borrow_mut();
            let (idx, generation) = split(tok);
            match io.slab.get(idx) {
                Some(s) if s.generation == generation => io.slab.remove(idx),
                _ => return Err(stale()),
            }
        };
        let res = if removed.in_kernel(self.trigger) {
            self.selector.deregister(fd)
        } else {
            Ok(())
        };
        drop(removed); // its wakers, outside the borrow
        res
    }

    /// Deregisters an fd released on another thread, then closes it.
    pub(crate) fn deregister_token(&self, tok: u64, fd: &OwnedFd) {
        let _ = self.deregister(tok, fd.as_raw_fd());
    }

    pub(crate) fn registrations(&self) -> usize {
        self.io.borrow().slab.len()
    }

    /// Waiter-list entries over all registrations (walks them: for stats).
    pub(crate) fn io_waiters(&self) -> usize {
        self.io
            .borrow()
            .slab
            .iter()
            .map(|(_, s)| s.waiters.listed())
            .sum()
    }

    pub(crate) fn timer_count(&self) -> usize {
        self.timers.borrow().len()
    }

    /// Ready if any readiness in `interest` is cached; else stores the waker
    /// in the registration's slot for that direction (the `poll_*` paths:
    /// one waker per direction), arms the interest on level/oneshot
    /// backends, and returns `Pending`. (`PollEvented` checks its readiness
    /// cell first and only comes here to park.)
    pub(crate) fn poll_ready(
        &self,
        tok: u64,
        interest: Interest,
        cx: &mut Context<'_>,
    ) -> Poll<io::Result<ReadyEvent>> {
        self.park(tok, interest, |s| s.reg.slots.park(interest, cx.waker()))
    }

    /// As [`poll_ready`](Self::poll_ready), but parks in the registration's
    /// waiter list under `key` (the async-fn paths: every waiter is woken).
    /// When ready, the entry under `key` is removed.
    pub(crate) fn poll_ready_waiter(
        &self,
        tok: u64,
        interest: Interest,
        cx: &mut Context<'_>,
        key: &mut Option<WaiterKey>,
    ) -> Poll<io::Result<ReadyEvent>> {
        let res = self.park(tok, interest, |s| {
            s.waiters.park_waiter(interest, cx.waker(), key)
        });
        if res.is_ready() {
            if let Some(k) = key.take() {
                self.remove_waiter(tok, k);
            }
        }
        res
    }

    /// Drops a waiter-list entry whose future completed or was dropped.
    pub(crate) fn remove_waiter(&self, tok: u64, key: WaiterKey) {
        let removed = {
            let mut io = self.io.borrow_mut();
            let (idx, generation) = split(tok);
            match io.slab.get_mut(idx).filter(|s| s.generation == generation) {
                Some(s) => s.waiters.remove_waiter(key),
                None => None,
            }
        };
        drop(removed); // the waker, outside the borrow
    }

    fn park(
        &self,
        tok: u64,
        interest: Interest,
        store: impl FnOnce(&mut ScheduledIo),
    ) -> Poll<io::Result<ReadyEvent>> {
        let mut io = self.io.borrow_mut();
        let (idx, generation) = split(tok);
        let Some(s) = io.slab.get_mut(idx).filter(|s| s.generation == generation) else {
            return Poll::Ready(Err(stale()));
        };
        let ev = s.reg.readiness.get(interest);
        if !ev.ready.is_empty() {
            return Poll::Ready(Ok(ev));
        }
        store(s);
        if self.trigger != Trigger::Edge {
            let want = s.armed | interest;
            if want != s.armed {
                if let Err(e) = self.rearm(s, tok, want) {
                    return Poll::Ready(Err(e));
                }
                s.armed = want;
            }
        }
        Poll::Pending
    }

    /// Whether `tok` names a live registration.
    #[cfg(test)]
    fn is_live(&self, tok: u64) -> bool {
        let (idx, generation) = split(tok);
        let io = self.io.borrow();
        io.slab.get(idx).is_some_and(|s| s.generation == generation)
    }

    /// Changes what the backend watches for `s` (level and oneshot
    /// backends) from `s.armed` to `next`. An exclusive registration cannot
    /// be modified: it is deleted and added again, and left out of the
    /// kernel's set while nothing is armed. The caller updates `s.armed`.
    fn rearm(&self, s: &ScheduledIo, tok: u64, next: Interest) -> io::Result<()> {
        if !s.exclusive {
            return self.selector.reregister(s.fd, tok, next);
        }
        if !s.armed.is_empty() {
            self.selector.deregister(s.fd)?;
        }
        if next.is_empty() {
            return Ok(());
        }
        self.selector.register_exclusive(s.fd, tok, next)
    }

    /// Loop shutdown, after every task is gone: registrations still alive
    /// (their objects live outside the runtime's tasks) are given up
    /// (`FREE`, their waiters woken) so another loop can claim them, and
    /// wakers and timers are released. The backend itself goes when the
    /// driver is dropped, taking the kernel's registrations with it.
    pub(crate) fn shutdown(&self, loop_id: u64) {
        let io = std::mem::take(&mut self.io.borrow_mut().slab);
        let timers = std::mem::replace(&mut *self.timers.borrow_mut(), TimerHeap::new());
        for (_, mut s) in io {
            let waiting = s.waiters.take_all(&s.reg.slots);
            s.reg.free_from_with(loop_id, waiting);
        }
        drop(timers);
    }
}

/// Registrations leaving this driver for another loop's (or none).
mod moves;

/// Waiting on the backend and waking whoever became ready.
mod turn;

/// The registration slab against a model (proptest).
#[cfg(test)]
mod proptests;
