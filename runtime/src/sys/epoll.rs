//! epoll(7), in edge-triggered, level-triggered or oneshot mode.
//!
//! Cost: `epoll_wait` is O(ready fds), independent of how many fds are
//! registered; `epoll_ctl` is O(log n). Limits: none beyond `RLIMIT_NOFILE`.
//! Timeouts use `epoll_pwait2` (nanoseconds, Linux ≥ 5.11) and fall back to
//! `epoll_wait` (milliseconds, rounded up so a timer never fires early).
//!
//! Level mode: an fd whose interest is empty is registered with only
//! `EPOLLONESHOT`, so a hung-up socket nobody waits on is reported at most
//! once instead of on every call (the kernel always adds `EPOLLERR|EPOLLHUP`).

use super::{syscall, Event, EventBuf, Interest, Ready, Trigger};
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
}

impl Epoll {
    pub(crate) fn new(trigger: Trigger) -> io::Result<Epoll> {
        let fd = syscall!(epoll_create1(libc::EPOLL_CLOEXEC))?;
        // SAFETY: epoll_create1 just returned this fd and nothing else owns it.
        let epfd = unsafe { OwnedFd::from_raw_fd(fd) };
        Ok(Epoll { epfd, trigger })
    }

    fn flags(&self, interest: Interest) -> u32 {
        let mut flags = match self.trigger {
            Trigger::Edge => {
                (libc::EPOLLIN | libc::EPOLLOUT | libc::EPOLLRDHUP | libc::EPOLLET) as u32
            }
            Trigger::Level => 0,
            Trigger::Oneshot => libc::EPOLLONESHOT as u32,
        };
        if self.trigger != Trigger::Edge {
            if interest.is_readable() {
                flags |= (libc::EPOLLIN | libc::EPOLLRDHUP) as u32;
            }
            if interest.is_writable() {
                flags |= libc::EPOLLOUT as u32;
            }
            if interest.is_empty() {
                flags |= libc::EPOLLONESHOT as u32;
            }
        }
        if interest.is_priority() {
            flags |= libc::EPOLLPRI as u32;
        }
        flags
    }

    fn ctl(&self, op: libc::c_int, fd: RawFd, token: u64, interest: Interest) -> io::Result<()> {
        let mut ev = libc::epoll_event {
            events: self.flags(interest),
            u64: token,
        };
        // SAFETY: `ev` is a valid epoll_event for the duration of the call.
        syscall!(epoll_ctl(self.epfd.as_raw_fd(), op, fd, &mut ev)).map(drop)
    }

    pub(crate) fn register(&self, fd: RawFd, token: u64, interest: Interest) -> io::Result<()> {
        self.ctl(libc::EPOLL_CTL_ADD, fd, token, interest)
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

    pub(crate) fn select(
        &self,
        events: &mut EventBuf,
        timeout: Option<Duration>,
    ) -> io::Result<()> {
        let cap = events.capacity;
        events.epoll.clear();
        events.epoll.reserve(cap);
        let buf = events.epoll.as_mut_ptr();
        let n = match self.wait(buf, cap as libc::c_int, timeout) {
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

    fn wait(
        &self,
        buf: *mut libc::epoll_event,
        cap: libc::c_int,
        timeout: Option<Duration>,
    ) -> io::Result<libc::c_int> {
        let epfd = self.epfd.as_raw_fd();
        if !NO_PWAIT2.load(Ordering::Relaxed) {
            let ts = timeout.map(|d| libc::timespec {
                tv_sec: d.as_secs().min(libc::time_t::MAX as u64) as libc::time_t,
                tv_nsec: d.subsec_nanos() as libc::c_long,
            });
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
            if err.raw_os_error() != Some(libc::ENOSYS) {
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

fn ready_from_epoll(ev: u32) -> Ready {
    let ev = ev as libc::c_int;
    let mut r = Ready::EMPTY;
    if ev & libc::EPOLLIN != 0 {
        r |= Ready::READABLE;
    }
    if ev & libc::EPOLLOUT != 0 {
        r |= Ready::WRITABLE;
    }
    if ev & libc::EPOLLPRI != 0 {
        r |= Ready::PRIORITY;
    }
    if ev & libc::EPOLLRDHUP != 0 {
        r |= Ready::READ_CLOSED;
    }
    if ev & libc::EPOLLHUP != 0 {
        r |= Ready::READ_CLOSED | Ready::WRITE_CLOSED;
    }
    if ev & libc::EPOLLERR != 0 {
        r |= Ready::ERROR;
    }
    r
}
