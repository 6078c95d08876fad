//! epoll(7), in edge-triggered, level-triggered or oneshot mode.
//!
//! Cost: `epoll_wait` is O(ready fds), independent of how many fds are
//! registered; `epoll_ctl` is O(log n). Limits: none beyond `RLIMIT_NOFILE`.
//! Timeouts use `epoll_pwait2` (nanoseconds, Linux ≥ 5.11) and fall back to
//! `epoll_wait` (milliseconds, rounded up so a timer never fires early) when
//! the kernel (or a seccomp filter) refuses it.
//!
//! Edge mode, as the runtime uses it, watches read and write for every fd
//! whatever the interest (registered once, never modified); built with
//! `exact` (for `Poller`) it watches only the interest given.
//!
//! Level mode: an fd whose interest is empty is registered with only
//! `EPOLLONESHOT`, so a hung-up socket nobody waits on is reported at most
//! once instead of on every call (the kernel always adds `EPOLLERR|EPOLLHUP`).
//!
//! Exclusive registrations ([`Epoll::register_exclusive`], for listening
//! sockets that several loops wait on): `EPOLLEXCLUSIVE`, so that one
//! readiness change wakes one of the epoll instances blocked on the file
//! instead of all of them (the thundering herd). The kernel accepts it only
//! with `EPOLL_CTL_ADD`, never with `EPOLL_CTL_MOD` (`EINVAL`), and only
//! beside `EPOLLIN`, `EPOLLOUT`, `EPOLLET` and `EPOLLWAKEUP`: no
//! `EPOLLONESHOT`, `EPOLLRDHUP` or `EPOLLPRI`. Edge mode registers such an
//! fd once and never modifies it anyway; level mode changes what is armed
//! by deleting and adding again (the reactor does that, see
//! `Selector::exclusive`); oneshot mode, which re-arms with `EPOLL_CTL_MOD`
//! after every event, cannot have it and herds.
//!
//! The cross-thread notifier (token [`NOTIFY_TOKEN`]) is always registered
//! level-triggered without `EPOLLONESHOT`: in oneshot mode the reactor never
//! re-arms it, so a oneshot notifier would be reported only once per runtime.

use super::{syscall, timespec, Event, EventBuf, Interest, Ready, Trigger, NOTIFY_TOKEN};
use std::io;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

/// Set once `epoll_pwait2` returned `ENOSYS`, so later waits skip it.
static NO_PWAIT2: AtomicBool = AtomicBool::new(false);

#[derive(Debug)]
pub(crate) struct Epoll {
    epfd: OwnedFd,
    trigger: Trigger,
    /// Edge mode watches only the interest given instead of both directions.
    exact: bool,
}

impl Epoll {
    pub(crate) fn new(trigger: Trigger, exact: bool) -> io::Result<Epoll> {
        let fd = syscall!(epoll_create1(libc::EPOLL_CLOEXEC))?;
        // SAFETY: epoll_create1 just returned this fd and nothing else owns it.
        let epfd = unsafe { OwnedFd::from_raw_fd(fd) };
        Ok(Epoll {
            epfd,
            trigger,
            exact,
        })
    }

    fn flags(&self, token: u64, interest: Interest) -> u32 {
        if token == NOTIFY_TOKEN {
            return libc::EPOLLIN as u32;
        }
        let mut flags = match self.trigger {
            Trigger::Edge if !self.exact => {
                return (libc::EPOLLIN | libc::EPOLLOUT | libc::EPOLLRDHUP | libc::EPOLLET) as u32
                    | priority(interest);
            }
            Trigger::Edge => libc::EPOLLET as u32,
            Trigger::Level if interest.is_empty() => libc::EPOLLONESHOT as u32,
            Trigger::Level => 0,
            Trigger::Oneshot => libc::EPOLLONESHOT as u32,
        };
        if interest.is_readable() {
            flags |= (libc::EPOLLIN | libc::EPOLLRDHUP) as u32;
        }
        if interest.is_writable() {
            flags |= libc::EPOLLOUT as u32;
        }
        flags | priority(interest)
    }

    fn ctl(&self, op: libc::c_int, fd: RawFd, token: u64, interest: Interest) -> io::Result<()> {
        let mut ev = libc::epoll_event {
            events: self.flags(token, interest),
            u64: token,
        };
        // SAFETY: `ev` is a valid epoll_event for the duration of the call.
        syscall!(epoll_ctl(self.epfd.as_raw_fd(), op, fd, &mut ev)).map(drop)
    }

    pub(crate) fn register(&self, fd: RawFd, token: u64, interest: Interest) -> io::Result<()> {
        self.ctl(libc::EPOLL_CTL_ADD, fd, token, interest)
    }

    /// Registers `fd` with `EPOLLEXCLUSIVE` (edge or level mode only; see
    /// the module docs): one readiness change wakes one waiting epoll
    /// instance. `interest` must not be empty; such an fd is never modified,
    /// only deleted (and, in level mode, added again).
    pub(crate) fn register_exclusive(
        &self,
        fd: RawFd,
        token: u64,
        interest: Interest,
    ) -> io::Result<()> {
        debug_assert!(self.trigger != Trigger::Oneshot && !interest.is_empty());
        let mut events = libc::EPOLLEXCLUSIVE as u32;
        if self.trigger == Trigger::Edge {
            events |= libc::EPOLLET as u32;
        }
        if interest.is_readable() {
            events |= libc::EPOLLIN as u32;
        }
        if interest.is_writable() {
            events |= libc::EPOLLOUT as u32;
        }
        let mut ev = libc::epoll_event { events, u64: token };
        // SAFETY: `ev` is a valid epoll_event for the duration of the call.
        syscall!(epoll_ctl(
            self.epfd.as_raw_fd(),
            libc::EPOLL_CTL_ADD,
            fd,
            &mut ev
        ))
        .map(drop)
    }

    /// Whether [`register_exclusive`](Self::register_exclusive) is usable:
    /// not in oneshot mode (the kernel refuses `EPOLLONESHOT` beside it).
    pub(crate) fn supports_exclusive(&self) -> bool {
        self.trigger != Trigger::Oneshot
    }

    pub(crate) fn reregister(&self, fd: RawFd, token: u64, interest: Interest) -> io::Result<()> {
        self.ctl(libc::EPOLL_CTL_MOD, fd, token, interest)
    }

    pub(crate) fn deregister(&self, fd: RawFd) -> io::Result<()> {
        // A non-null event pointer keeps pre-2.6.9 kernels happy; it is ignored.
        let mut ev = libc::epoll_event { events: 0, u64: 0 };
        // SAFETY: `ev` is valid for the call; DEL ignores it.
        syscall!(epoll_ctl(
            self.epfd.as_raw_fd(),
            libc::EPOLL_CTL_DEL,
            fd,
            &mut ev
        ))
        .map(drop)
    }

    pub(crate) fn wait(&self, events: &mut EventBuf, timeout: Option<Duration>) -> io::Result<()> {
        let cap = events.capacity();
        events.epoll.clear();
        events.epoll.reserve(cap);
        let buf = events.epoll.as_mut_ptr();
        let n = match self.pwait(buf, cap as libc::c_int, timeout) {
            Ok(n) => n as usize,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => 0,
            Err(e) => return Err(e),
        };
        // SAFETY: the kernel initialised the first `n` entries (n <= cap <= capacity).
        unsafe { events.epoll.set_len(n) };
        events.list.extend(events.epoll.iter().map(|ev| Event {
            token: ev.u64,
            ready: ready_from_epoll(ev.events),
        }));
        Ok(())
    }

    /// `epoll_pwait2` (nanosecond timeout), or `epoll_wait` (millisecond
    /// timeout, rounded up) where the kernel lacks it.
    fn pwait(
        &self,
        buf: *mut libc::epoll_event,
        cap: libc::c_int,
        timeout: Option<Duration>,
    ) -> io::Result<libc::c_int> {
        let epfd = self.epfd.as_raw_fd();
        if !NO_PWAIT2.load(Ordering::Relaxed) {
            let ts = timeout.map(timespec);
            let ts_ptr = ts
                .as_ref()
                .map_or(std::ptr::null(), |t| t as *const libc::timespec);
            // SAFETY: `buf` has room for `cap` events; `ts_ptr` is null or points
            // to a live timespec; a null sigmask means "don't change it".
            let res = unsafe {
                libc::syscall(
                    libc::SYS_epoll_pwait2,
                    epfd,
                    buf,
                    cap,
                    ts_ptr,
                    std::ptr::null::<libc::sigset_t>(),
                    0usize,
                )
            };
            if res >= 0 {
                return Ok(res as libc::c_int);
            }
            let err = io::Error::last_os_error();
            // ENOSYS: kernel < 5.11; EPERM: a seccomp filter that predates it.
            if !matches!(err.raw_os_error(), Some(libc::ENOSYS | libc::EPERM)) {
                return Err(err);
            }
            NO_PWAIT2.store(true, Ordering::Relaxed);
        }
        let ms = match timeout {
            None => -1,
            // Round up: a timer must never fire early.
            Some(d) => {
                let ms = d.as_nanos().div_ceil(1_000_000);
                ms.min(libc::c_int::MAX as u128) as libc::c_int
            }
        };
        // SAFETY: `buf` has room for `cap` events.
        syscall!(epoll_wait(epfd, buf, cap, ms))
    }
}

fn priority(interest: Interest) -> u32 {
    if interest.is_priority() {
        libc::EPOLLPRI as u32
    } else {
        0
    }
}

fn ready_from_epoll(ev: u32) -> Ready {
    // Every bit but RDHUP is in the low five (IN 0x1, PRI 0x2, OUT 0x4,
    // ERR 0x8, HUP 0x10): one table load per event instead of six tests.
    let rdhup = if ev & libc::EPOLLRDHUP as u32 != 0 {
        Ready::READ_CLOSED.bits()
    } else {
        0
    };
    Ready::from_bits(LOW_BITS[(ev & 0x1f) as usize] | rdhup)
}

/// `Ready` bits for each combination of the low five epoll bits.
static LOW_BITS: [u8; 32] = {
    let mut table = [0u8; 32];
    let mut i = 0;
    while i < 32 {
        let ev = i as libc::c_int;
        let mut r = 0;
        if ev & libc::EPOLLIN != 0 {
            r |= Ready::READABLE.bits();
        }
        if ev & libc::EPOLLOUT != 0 {
            r |= Ready::WRITABLE.bits();
        }
        if ev & libc::EPOLLPRI != 0 {
            r |= Ready::PRIORITY.bits();
        }
        if ev & libc::EPOLLHUP != 0 {
            r |= Ready::READ_CLOSED.bits() | Ready::WRITE_CLOSED.bits();
        }
        if ev & libc::EPOLLERR != 0 {
            r |= Ready::ERROR.bits();
        }
        table[i] = r;
        i += 1;
    }
    table
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_combination_of_epoll_bits_maps_to_its_readiness() {
        let bits = [
            (libc::EPOLLIN, Ready::READABLE),
            (libc::EPOLLOUT, Ready::WRITABLE),
            (libc::EPOLLPRI, Ready::PRIORITY),
            (libc::EPOLLRDHUP, Ready::READ_CLOSED),
            (libc::EPOLLHUP, Ready::READ_CLOSED | Ready::WRITE_CLOSED),
            (libc::EPOLLERR, Ready::ERROR),
        ];
        for combo in 0..1u32 << bits.len() {
            let mut ev = 0;
            let mut want = Ready::EMPTY;
            for (i, &(bit, ready)) in bits.iter().enumerate() {
                if combo & (1 << i) != 0 {
                    ev |= bit as u32;
                    want |= ready;
                }
            }
            assert_eq!(ready_from_epoll(ev), want, "epoll events {ev:#x}");
        }
    }
}
