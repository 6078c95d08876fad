//! The OS layer: the only module that calls `libc`. Private: its public
//! items have their homes elsewhere ([`Interest`] and [`Ready`] in
//! [`crate::io`], the backends' [`Backend`] in [`crate::runtime`], the
//! callback interface in [`crate::poller`]), and what `mini_rt_net` needs
//! is re-exported, hidden, by `crate::__net`.
//!
//! # The backend contract
//!
//! Every readiness multiplexer ("backend": [`Backend`]) offers the same
//! operations, dispatched through `Selector`. All take `&self`: a selector
//! may be shared between threads (the public [`Poller`](crate::poller::Poller) does that).
//!
//! * `register(fd, token, interest)`: start watching `fd`; events for it carry
//!   `token`. Registering an fd twice is an error (`AlreadyExists` or `EEXIST`).
//! * `reregister(fd, token, interest)`: change what is watched. An empty
//!   interest keeps the fd registered but never reported: not even a hang-up
//!   or an error (level backends leave it out of the kernel's set; epoll
//!   level mode arms it `EPOLLONESHOT`, so such a state is reported at most once).
//! * `deregister(fd)`: stop watching; must be called before the fd is closed
//!   (select fails the whole wait with `EBADF` on a closed fd, poll reports it
//!   as an error, epoll silently drops it, and io_uring's poll request would
//!   keep the file open: its `deregister` cancels the request in the kernel
//!   before returning, so that the close really closes).
//! * `wait(events, timeout)`: block until at least one watched fd is ready, the
//!   timeout (nanosecond precision; `None` = forever) passes, or `Notifier` is
//!   signalled; fill `events` with `(token, Ready)` pairs. `EINTR` is reported as
//!   zero events, never as an error. epoll reports at most the buffer's
//!   capacity per call; poll and select have scanned every fd anyway and report
//!   all that are ready; io_uring merges an fd's completions reaped by one
//!   call into one event, and reports at most the buffer's capacity. An event may be stale (the fd was re-registered meanwhile):
//!   callers treat readiness as a hint. io_uring never reports a completion
//!   of a request it cancelled (`reregister`, `deregister`), so readiness of
//!   a closed file never reaches a later registration of its fd number.
//! * cross-thread wake: a `Notifier` (eventfd) registered for reading under
//!   `NOTIFY_TOKEN`. Whatever the backend's triggering, it is reported every
//!   time it is signalled: oneshot mode never disarms it.
//!
//! Changes made while another thread is blocked in `wait` reach the kernel
//! at once on epoll, but poll and select wait on a snapshot taken when the
//! wait began, and io_uring leaves submitting to the waiting thread (the
//! kernel runs a poll request's completion work on the thread that submitted
//! it): `Selector::has_waiters` tells the caller to wake the waiter (with the
//! `Notifier`) so that it starts over with the new set.
//!
//! Readiness covers readable, writable, read-closed, write-closed, error and
//! priority ([`Ready`]).
//!
//! Backends differ in *triggering* (`Trigger`), which the reactor honours:
//! * **edge** (`EpollEdge`, `IoUring`): each fd is registered once for read
//!   and write and never modified; an event means "something changed", so
//!   readiness is cached in user space until an operation returns
//!   `WouldBlock`. io_uring's multishot poll request posts a completion each
//!   time the file's wait queue is woken with a matching event (plus one when
//!   armed on a ready fd), which is what `EPOLLET` reports too.
//! * **level** (`EpollLevel`, `Poll`, `Select`): a ready fd is reported on every
//!   call, so the reactor only arms the interests some task is waiting for;
//!   otherwise an always-writable socket would make the loop spin.
//! * **oneshot** (`EpollOneshot`): the kernel disarms an fd after reporting it;
//!   the reactor re-arms it when a task waits again.
//!
//! Each backend file documents its cost per call and its limits:
//!
//! | backend | wait cost | register/modify/remove | limits |
//! |---|---|---|---|
//! | epoll (all modes) | O(ready fds) | `epoll_ctl`, O(log n) | `RLIMIT_NOFILE` |
//! | poll | O(registered fds with an interest) | O(1), no syscall | `RLIMIT_NOFILE` |
//! | select | O(highest fd) | O(1), no syscall | fd < `FD_SETSIZE` (1024) |
//! | io_uring | O(completions) | one SQE, submitted by the next wait; removal submits at once | Linux ≥ 5.13, not refused by `io_uring_disabled` or seccomp |

use crate::runtime::Backend;
use std::io;
use std::os::fd::RawFd;
use std::time::Duration;

mod epoll;
mod fd_table;
#[cfg(feature = "hyper")]
pub(crate) mod hyper_buf;
mod interest;
#[cfg(feature = "io-uring")]
mod io_uring;
pub mod net;
mod notifier;
mod poll;
pub(crate) mod process;
pub mod read_buf;
mod select;
pub(crate) mod signal;
mod snapshot_lock;
pub(crate) mod thread;
pub mod unix_cred;

pub use interest::{Interest, Ready};
pub(crate) use notifier::Notifier;

/// The token under which the runtime's cross-thread [`Notifier`] is registered.
pub(crate) const NOTIFY_TOKEN: u64 = u64::MAX;

/// Turns a libc call returning `-1` on error into an `io::Result`.
macro_rules! syscall {
    ($fn:ident ( $($arg:expr),* $(,)? )) => {{
        #[allow(unused_unsafe)]
        // SAFETY: the caller of `syscall!` upholds the contract of the libc
        // function named; each use site states why its arguments are valid.
        let res = unsafe { libc::$fn($($arg),*) };
        if res == -1 {
            Err(std::io::Error::last_os_error())
        } else {
            Ok(res)
        }
    }};
}
pub(crate) use syscall;

/// How a backend reports readiness; decides how the reactor arms interests.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Trigger {
    Edge,
    Level,
    Oneshot,
}

/// One readiness report: the token given at registration and what is ready.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Event {
    pub(crate) token: u64,
    pub(crate) ready: Ready,
}

/// A reusable buffer of events filled by [`Selector::wait`], with the
/// backends' scratch space, so that a wait allocates nothing once warm.
#[derive(Debug)]
pub(crate) struct EventBuf {
    pub(crate) list: Vec<Event>,
    capacity: usize,
    /// epoll's `epoll_event` array.
    epoll: Vec<libc::epoll_event>,
    /// poll's copy of the `pollfd` array, taken under its lock.
    poll: Vec<libc::pollfd>,
}

impl EventBuf {
    pub(crate) fn with_capacity(capacity: usize) -> EventBuf {
        let capacity = capacity.max(1);
        EventBuf {
            list: Vec::with_capacity(capacity),
            capacity,
            epoll: Vec::new(),
            poll: Vec::new(),
        }
    }

    pub(crate) fn capacity(&self) -> usize {
        self.capacity
    }
}

/// A `timespec` for a wait of `d` (seconds saturate at `time_t::MAX`).
pub(crate) fn timespec(d: Duration) -> libc::timespec {
    libc::timespec {
        tv_sec: d.as_secs().min(libc::time_t::MAX as u64) as libc::time_t,
        tv_nsec: d.subsec_nanos() as libc::c_long,
    }
}

/// The error for an fd number that cannot be registered at all.
pub(crate) fn negative_fd(fd: RawFd) -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidInput,
        format!("invalid file descriptor {fd}"),
    )
}

/// A readiness multiplexer: one of the backends behind the contract above.
#[derive(Debug)]
pub(crate) enum Selector {
    Epoll(epoll::Epoll),
    Poll(poll::Poll),
    /// Boxed: its master `fd_set`s make it much larger than the others.
    Select(Box<select::Select>),
    /// Boxed: the ring's bookkeeping makes it much larger than the others.
    #[cfg(feature = "io-uring")]
    IoUring(Box<io_uring::IoUring>),
}

impl Selector {
    /// Creates the multiplexer for `backend`, as the runtime uses it: in edge
    /// mode every fd is watched for both directions whatever its interest.
    pub(crate) fn new(backend: Backend) -> io::Result<Selector> {
        Selector::build(backend, false)
    }

    /// Like [`Selector::new`], but edge mode watches only the interest given
    /// (for [`Poller`](crate::poller::Poller), whose users expect exactly what they asked for).
    pub(crate) fn with_exact_interest(backend: Backend) -> io::Result<Selector> {
        Selector::build(backend, true)
    }

    fn build(backend: Backend, exact: bool) -> io::Result<Selector> {
        Ok(match backend {
            Backend::EpollEdge | Backend::EpollLevel | Backend::EpollOneshot => {
                Selector::Epoll(epoll::Epoll::new(backend.trigger(), exact)?)
            }
            Backend::Poll => Selector::Poll(poll::Poll::new()),
            Backend::Select => Selector::Select(Box::new(select::Select::new())),
            #[cfg(feature = "io-uring")]
            Backend::IoUring => Selector::IoUring(Box::new(io_uring::IoUring::new(exact)?)),
            #[cfg(not(feature = "io-uring"))]
            Backend::IoUring => {
                return Err(unavailable(
                    backend,
                    "mini_rt_runtime was built without its `io-uring` feature",
                ))
            }
        })
    }

    pub(crate) fn register(&self, fd: RawFd, token: u64, interest: Interest) -> io::Result<()> {
        match self {
            Selector::Epoll(s) => s.register(fd, token, interest),
            Selector::Poll(s) => s.register(fd, token, interest),
            Selector::Select(s) => s.register(fd, token, interest),
            #[cfg(feature = "io-uring")]
            Selector::IoUring(s) => s.register(fd, token, interest),
        }
    }

    /// Whether this multiplexer can register an fd *exclusively*: one
    /// readiness change wakes one of the loops blocked on the same file
    /// (`EPOLLEXCLUSIVE`; epoll edge and level modes). Elsewhere every loop
    /// waiting on the file wakes (the thundering herd): epoll's oneshot mode
    /// re-arms with `EPOLL_CTL_MOD`, which the kernel refuses for an
    /// exclusive fd; poll and select wake every thread in `ppoll`/`pselect`
    /// on the file; io_uring's poll requests are each woken.
    ///
    /// An exclusive registration is never modified (`reregister` is not
    /// called for it): where a level backend changes what is armed, the
    /// reactor deregisters it and registers it again, and an fd with
    /// nothing armed is not in the kernel's set at all.
    pub(crate) fn supports_exclusive(&self) -> bool {
        matches!(self, Selector::Epoll(s) if s.supports_exclusive())
    }

    /// Registers `fd` exclusively (see [`supports_exclusive`](Self::supports_exclusive),
    /// which must be true; `interest` not empty).
    pub(crate) fn register_exclusive(
        &self,
        fd: RawFd,
        token: u64,
        interest: Interest,
    ) -> io::Result<()> {
        match self {
            Selector::Epoll(s) => s.register_exclusive(fd, token, interest),
            _ => self.register(fd, token, interest),
        }
    }

    pub(crate) fn reregister(&self, fd: RawFd, token: u64, interest: Interest) -> io::Result<()> {
        match self {
            Selector::Epoll(s) => s.reregister(fd, token, interest),
            Selector::Poll(s) => s.reregister(fd, token, interest),
            Selector::Select(s) => s.reregister(fd, token, interest),
            #[cfg(feature = "io-uring")]
            Selector::IoUring(s) => s.reregister(fd, token, interest),
        }
    }

    pub(crate) fn deregister(&self, fd: RawFd) -> io::Result<()> {
        match self {
            Selector::Epoll(s) => s.deregister(fd),
            Selector::Poll(s) => s.deregister(fd),
            Selector::Select(s) => s.deregister(fd),
            #[cfg(feature = "io-uring")]
            Selector::IoUring(s) => s.deregister(fd),
        }
    }

    pub(crate) fn wait(&self, events: &mut EventBuf, timeout: Option<Duration>) -> io::Result<()> {
        events.list.clear();
        match self {
            Selector::Epoll(s) => s.wait(events, timeout),
            Selector::Poll(s) => s.wait(events, timeout),
            Selector::Select(s) => s.wait(events, timeout),
            #[cfg(feature = "io-uring")]
            Selector::IoUring(s) => s.wait(events, timeout),
        }
    }

    /// Whether a thread is blocked in `wait` on a snapshot of the interest
    /// set that a change just made stale (poll and select), or on SQEs it
    /// must submit (io_uring); epoll sees changes at once. Read it *after*
    /// the change: the state and this flag are updated under the same lock,
    /// so `false` means the change will be seen by the next wait.
    pub(crate) fn has_waiters(&self) -> bool {
        match self {
            Selector::Epoll(_) => false,
            Selector::Poll(s) => s.has_waiters(),
            Selector::Select(s) => s.has_waiters(),
            #[cfg(feature = "io-uring")]
            Selector::IoUring(s) => s.has_waiters(),
        }
    }
}

/// The error for a `backend` that cannot run here: `Unsupported`, naming the
/// `cause` and the backends that do work on this machine (each one tried).
pub(crate) fn unavailable(backend: Backend, cause: impl std::fmt::Display) -> io::Error {
    let working: Vec<&str> = Backend::ALL
        .into_iter()
        .filter(|&b| b != backend && Selector::new(b).is_ok())
        .map(Backend::name)
        .collect();
    let working = if working.is_empty() {
        "none".to_string()
    } else {
        working.join(", ")
    };
    io::Error::new(
        io::ErrorKind::Unsupported,
        format!(
            "the {backend} backend cannot run here: {cause}; backends that work here: {working}"
        ),
    )
}
