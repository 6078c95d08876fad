//! Where an IO object is registered: the loop holding its registration (a
//! runtime's loop or one of its workers), its token there, and its readiness
//! cell; shared by the object's `PollEvented` and that loop's driver entry.
//!
//! # Ownership
//!
//! Exactly one loop *holds* a registration at a time (`owner`), and only on
//! that loop's thread is the readiness cell written or the token used: the
//! driver there adds events to the cell, the tasks there read and clear it
//! with plain loads and stores. That is what keeps a read or a write on the
//! object's own loop at one thread-local compare (`owner` against the
//! thread's loop id) plus one word of readiness.
//!
//! A task on another thread that has to wait on the object takes the
//! registration over ([`Registration::acquire`]):
//!
//! 1. It asks the holder to hand it over (a message in the holder's remote
//!    queue, or directly on the holder's core if no thread is driving it:
//!    a current-thread runtime between `block_on` calls).
//! 2. The holder, on its own thread and between two turns of its loop (so
//!    no event of this registration is half dispatched), removes its
//!    driver entry and deregisters the fd from its backend, sets the
//!    readiness to "everything ready" (readiness is unknown after a move:
//!    the next operation is tried before anyone parks), records the
//!    requester's loop as the new owner, hands over the wakers still
//!    waiting on the object (they are not woken: two tasks on two threads
//!    waiting on one socket would otherwise steal it back and forth
//!    forever), and wakes the requester. Events the old backend still
//!    reports carry the old token, whose generation is gone: they wake
//!    nothing.
//! 3. The new owner registers the fd with its own backend, on its own
//!    thread, when one of its tasks next uses the object or when it reads
//!    the hand-over notice from its queue, whichever comes first (the notice
//!    makes sure the handed-over waiters are served even if the requester
//!    gave up). Registering reports the fd's current readiness, so a
//!    handed-over waiter whose data arrived meanwhile is woken.
//!
//! Only the holder changes `owner` away from itself, which is why the
//! holder's plain stores to the cell can never race with a new owner's.
//! The exceptions are a `FREE` registration (its holder shut down, or gave
//! it up), which any loop may claim, and the final `DEAD`, set by the
//! object's drop when nobody else can use it any more.
//!
//! An accepted connection served by another worker thus costs one extra
//! `epoll_ctl` pair (the first loop's add and delete) and two queue
//! messages, once per connection.

use super::readiness::Readiness;
use super::slots::Slots;
use crate::context;
use crate::runtime::{Core, Shared};
use crate::sys::Interest;
use parking_lot::Mutex;
use std::io;
use std::os::fd::RawFd;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering::*};
use std::sync::Arc;
use std::task::{Context, Poll, Waker};

mod release;

/// `owner` when no loop holds the registration: the next loop to use it
/// claims it.
pub(crate) const FREE: u64 = u64::MAX;
/// `owner` once the IO object is dropped or taken apart.
pub(crate) const DEAD: u64 = u64::MAX - 1;
/// `token` while the owner has not registered the fd with its backend yet.
pub(crate) const UNREGISTERED: u64 = u64::MAX;

/// Wakers handed over with a registration, with what each waits for.
pub(crate) type Waiting = Vec<(Interest, Waker)>;

pub(crate) struct Registration {
    /// Ready bits and tick; written only on the owner's thread.
    pub(crate) readiness: Readiness,
    /// The `poll_*` paths' wakers; used only on the owner's thread.
    pub(crate) slots: Slots,
    /// Whether the owner's backend is edge-triggered (set when the owner
    /// registers the fd): a task then parks in `slots` alone, since the
    /// backend needs no change of what it watches.
    edge: AtomicBool,
    /// The id of the loop holding the registration, or `FREE`, or `DEAD`.
    owner: AtomicU64,
    /// The owner driver's token, or `UNREGISTERED`; used on the owner's
    /// thread (and read under `home` elsewhere).
    token: AtomicU64,
    pub(crate) fd: RawFd,
    /// What the object is registered for (e.g. a listener: readable only).
    pub(crate) interest: Interest,
    /// Registered so that one readiness change wakes one of the loops
    /// waiting on the same file, where the backend can (a listener shared
    /// by workers: `PollEvented::new_exclusive`).
    pub(crate) exclusive: bool,
    home: Mutex<Home>,
}

/// The cold-path state, behind a lock: every change of owner happens here.
#[derive(Default)]
struct Home {
    /// The owner loop's shared half (`None` when `FREE` or `DEAD`).
    shared: Option<Arc<Shared>>,
    /// Waiters handed over and not yet installed in the owner's driver.
    waiting: Waiting,
}

/// What a loop asked to hand a registration over did.
pub(crate) enum Asked {
    /// The request is queued; the requester's waker is woken once handled.
    Queued,
    /// Handled on the spot (no thread was driving that loop).
    Done,
    /// That loop is gone.
    Refused,
}

/// One request to hand a registration over: to the loop `to`, or (`None`)
/// to nobody (`FREE`).
pub(crate) struct Take {
    pub(crate) reg: Arc<Registration>,
    pub(crate) to: Option<Arc<Shared>>,
    pub(crate) waker: Option<Waker>,
}

impl Registration {
    /// Registers `fd` for `interest` with `core`'s driver.
    pub(crate) fn new(
        core: &Core,
        fd: RawFd,
        interest: Interest,
        exclusive: bool,
    ) -> io::Result<Arc<Registration>> {
        let reg = Arc::new(Registration {
            readiness: Readiness::default(),
            slots: Slots::default(),
            edge: AtomicBool::new(false),
            owner: AtomicU64::new(core.shared.id),
            token: AtomicU64::new(UNREGISTERED),
            fd,
            interest,
            exclusive,
            home: Mutex::new(Home {
                shared: Some(core.shared.clone()),
                waiting: Vec::new(),
            }),
        });
        let token = core.driver.register(&reg, Vec::new()).map_err(|(e, _)| e)?;
        reg.token.store(token, Relaxed);
        Ok(reg)
    }

    /// A registration no loop holds, for the driver's unit tests.
    #[cfg(test)]
    pub(crate) fn unowned(fd: RawFd, interest: Interest) -> Arc<Registration> {
        Arc::new(Registration {
            readiness: Readiness::default(),
            slots: Slots::default(),
            edge: AtomicBool::new(false),
            owner: AtomicU64::new(FREE),
            token: AtomicU64::new(UNREGISTERED),
            fd,
            interest,
            exclusive: false,
            home: Mutex::new(Home::default()),
        })
    }

    /// The loop holding the registration (or `FREE`/`DEAD`).
    #[inline]
    pub(crate) fn owner(&self) -> u64 {
        self.owner.load(Acquire)
    }

    /// Whether this thread runs the loop holding the registration: the
    /// check before every use of the readiness cell.
    #[inline]
    pub(crate) fn is_here(&self) -> bool {
        context::is_current(self.owner())
    }

    /// The owner driver's token. On the owner's thread.
    #[inline]
    pub(crate) fn token(&self) -> u64 {
        self.token.load(Relaxed)
    }

    /// Whether a task on the owner's thread may park in [`slots`](Self::slots)
    /// without the driver: registered here, on an edge-triggered backend.
    #[inline]
    pub(crate) fn parks_in_place(&self) -> bool {
        self.edge.load(Relaxed) && self.token() != UNREGISTERED
    }

    /// The owner's driver, registering the fd: whether its backend is
    /// edge-triggered.
    pub(crate) fn set_edge(&self, edge: bool) {
        self.edge.store(edge, Relaxed);
    }

    /// Owner's thread: make sure the owner's driver has the fd registered
    /// (it may have just been handed over). Fails if the backend refuses the
    /// fd; the registration is then given up (`FREE`).
    #[inline]
    pub(crate) fn ensure_registered(self: &Arc<Self>, core: &Core) -> io::Result<()> {
        if self.token() != UNREGISTERED {
            return Ok(());
        }
        self.register_here(core)
    }

    #[cold]
    fn register_here(self: &Arc<Self>, core: &Core) -> io::Result<()> {
        let home = self.home.lock();
        self.register_locked(core, home)
    }

    /// Registers with `core` if it is the owner and has not yet. `home` is
    /// held throughout, so a drop on another thread cannot close the fd
    /// meanwhile (it marks the registration `DEAD` under the same lock).
    fn register_locked(
        self: &Arc<Self>,
        core: &Core,
        mut home: parking_lot::MutexGuard<'_, Home>,
    ) -> io::Result<()> {
        if self.owner() != core.shared.id {
            return Err(moved_away());
        }
        if self.token() != UNREGISTERED {
            return Ok(());
        }
        let waiting = std::mem::take(&mut home.waiting);
        match core.driver.register(self, waiting) {
            Ok(token) => {
                self.token.store(token, Relaxed);
                Ok(())
            }
            Err((e, waiting)) => {
                // This backend cannot watch the fd (select: fd ≥ FD_SETSIZE):
                // nobody holds it now; whoever waited tries again.
                home.shared = None;
                self.owner.store(FREE, Release);
                drop(home);
                wake_all(waiting);
                Err(e)
            }
        }
    }

    /// A task on this thread needs to wait on the object, which this thread's
    /// loop does not hold: take the registration over. `Ready(Ok)` once it
    /// is held and registered here; `Pending` while the holder is asked (the
    /// task is woken when it answered). Errs outside a runtime.
    pub(crate) fn acquire(self: &Arc<Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match context::with_core(|core| self.try_claim(core, cx.waker())) {
            None => Poll::Ready(Err(no_runtime())),
            Some(Err(e)) => Poll::Ready(Err(e)),
            Some(Ok(true)) => Poll::Ready(Ok(())),
            Some(Ok(false)) => Poll::Pending,
        }
    }

    /// [`acquire`](Self::acquire) on `core`'s thread: `Ok(true)` if held
    /// here now, `Ok(false)` if the holder was asked.
    fn try_claim(self: &Arc<Self>, core: &Core, waker: &Waker) -> io::Result<bool> {
        let me = core.shared.id;
        loop {
            let mut home = self.home.lock();
            let owner = self.owner();
            if owner == FREE {
                home.shared = Some(core.shared.clone());
                self.readiness.assume_ready();
                self.owner.store(me, Release);
            } else if owner == DEAD {
                return Err(moved_away());
            } else if owner != me {
                let holder = home.shared.clone().expect("a held registration has a home");
                drop(home);
                match holder.request_take(self, Some(&core.shared), waker) {
                    Asked::Queued => return Ok(false),
                    Asked::Done => continue,
                    Asked::Refused if self.owner() == owner => return Err(leaked()),
                    Asked::Refused => continue,
                }
            }
            return self.register_locked(core, home).map(|()| true);
        }
    }

    /// The holder's side of a [`Take`], on the holder's thread (or on its
    /// idle core): deregister, hand over to `take.to`, wake the requester.
    pub(crate) fn hand_over(core: &Core, take: Take) {
        let Take { reg, to, waker } = take;
        let mut home = reg.home.lock();
        if reg.owner() == core.shared.id {
            let mut waiting = std::mem::take(&mut home.waiting);
            let token = reg.token.swap(UNREGISTERED, Relaxed);
            if token != UNREGISTERED {
                waiting.extend(core.driver.hand_over(token, reg.fd));
            }
            reg.readiness.assume_ready();
            core.shared.moved_out.fetch_add(1, Relaxed);
            match to {
                Some(to) => {
                    home.shared = Some(to.clone());
                    home.waiting = waiting;
                    reg.owner.store(to.id, Release);
                    drop(home);
                    if !to.push_adopt(&reg) {
                        reg.free_from(to.id);
                    }
                }
                None => {
                    home.shared = None;
                    reg.owner.store(FREE, Release);
                    drop(home);
                    wake_all(waiting);
                }
            }
        } else {
            drop(home); // handed on already, or dropped: the requester retries
        }
        if let Some(w) = waker {
            w.wake();
        }
    }

    /// The new owner read the hand-over notice: register now (unless a task
    /// already did), so handed-over waiters are served.
    pub(crate) fn adopt(self: &Arc<Self>, core: &Core) {
        let _ = self.ensure_registered(core);
    }

    /// Gives the registration up if `loop_id` holds it: `FREE`, every waiter
    /// woken (it tries again and claims it). For a loop shutting down or
    /// going idle; `waiting` are the wakers of its driver entry, if any.
    pub(crate) fn free_from_with(&self, loop_id: u64, mut waiting: Waiting) {
        let mut home = self.home.lock();
        if self.owner() == loop_id {
            waiting.append(&mut home.waiting);
            home.shared = None;
            self.token.store(UNREGISTERED, Relaxed);
            self.readiness.assume_ready();
            self.owner.store(FREE, Release);
        }
        drop(home);
        wake_all(waiting);
    }

    /// [`free_from_with`](Self::free_from_with) with no driver entry.
    pub(crate) fn free_from(&self, loop_id: u64) {
        self.free_from_with(loop_id, Vec::new());
    }

    /// The object is dropped or taken apart: mark it `DEAD` and return the
    /// loop that held it with its token there (if registered), so the
    /// caller deregisters the fd before closing it.
    pub(crate) fn kill(&self) -> Option<(Arc<Shared>, u64)> {
        let mut home = self.home.lock();
        let token = self.token.swap(UNREGISTERED, Relaxed);
        self.owner.store(DEAD, Release);
        let holder = home.shared.take();
        let waiting = std::mem::take(&mut home.waiting);
        drop(home);
        drop(waiting); // wakers of tasks that no longer hold the object
        holder.filter(|_| token != UNREGISTERED).map(|h| (h, token))
    }

    /// A [`Take`] of this registration.
    pub(crate) fn take_to(self: &Arc<Self>, to: Option<Arc<Shared>>, waker: Option<Waker>) -> Take {
        Take {
            reg: self.clone(),
            to,
            waker,
        }
    }
}

/// Wakes every handed-over waiter (they try again and take the registration).
pub(crate) fn wake_all(waiting: Waiting) {
    for (_, w) in waiting {
        w.wake();
    }
}

pub(super) fn no_runtime() -> io::Error {
    io::Error::other(
        "mini_rt: IO resource used outside any runtime (no mini_rt runtime is running on \
         this thread)",
    )
}

fn moved_away() -> io::Error {
    io::Error::other("mini_rt: IO resource used after it was taken apart")
}

fn leaked() -> io::Error {
    io::Error::other(
        "mini_rt: the runtime holding this IO resource was leaked (dropped on a thread \
         that could not shut it down); it cannot be used elsewhere",
    )
}
