//! Child processes at the OS level: a pidfd to watch a child's exit
//! through the reactor, the blocking flag of pipe ends, and `pre_exec`.

use super::syscall;
use std::io;
use std::os::fd::{AsRawFd, BorrowedFd, FromRawFd, OwnedFd};
use std::sync::atomic::{AtomicBool, Ordering::Relaxed};

/// Set once `pidfd_open` returned `ENOSYS` (Linux < 5.3): not tried again.
static NO_PIDFD: AtomicBool = AtomicBool::new(false);

/// `pidfd_open(pid, 0)`: an fd that becomes readable when the process `pid`
/// exits (it is close-on-exec). `Ok(None)` where the kernel has no
/// `pidfd_open` (or a seccomp filter forbids it): the caller falls back to
/// SIGCHLD.
///
/// `pid` must be an unreaped child of ours, so that it cannot be recycled
/// for another process before the pidfd refers to it.
pub(crate) fn pidfd_open(pid: u32) -> io::Result<Option<OwnedFd>> {
    if NO_PIDFD.load(Relaxed) {
        return Ok(None);
    }
    let pid = libc::pid_t::try_from(pid).map_err(|_| io::ErrorKind::InvalidInput)?;
    // SAFETY: pidfd_open takes a pid and a flags word and returns a new fd
    // or -1; no memory is passed.
    match syscall!(syscall(libc::SYS_pidfd_open, pid, 0 as libc::c_uint)) {
        // SAFETY: the kernel just returned this fd and nothing else owns it.
        Ok(fd) => Ok(Some(unsafe { OwnedFd::from_raw_fd(fd as libc::c_int) })),
        Err(e) if e.raw_os_error() == Some(libc::ENOSYS) => {
            NO_PIDFD.store(true, Relaxed);
            Ok(None)
        }
        Err(e) if e.raw_os_error() == Some(libc::EPERM) => Ok(None),
        Err(e) => Err(e),
    }
}

/// Sets or clears `O_NONBLOCK` on `fd`'s open file description.
pub(crate) fn set_nonblocking(fd: BorrowedFd<'_>, nonblocking: bool) -> io::Result<()> {
    let raw = fd.as_raw_fd();
    // SAFETY: F_GETFL only reads the flags of the live fd `raw`.
    let flags = syscall!(fcntl(raw, libc::F_GETFL))?;
    let new = if nonblocking {
        flags | libc::O_NONBLOCK
    } else {
        flags & !libc::O_NONBLOCK
    };
    if new != flags {
        // SAFETY: F_SETFL sets the flags of the live fd `raw`.
        syscall!(fcntl(raw, libc::F_SETFL, new))?;
    }
    Ok(())
}

impl crate::process::Command {
    /// Schedules `f` to run in the child after `fork` and before `exec`, as
    /// tokio's (std's `CommandExt::pre_exec`).
    ///
    /// (This method lives in the OS layer because it is `unsafe`.)
    ///
    /// # Safety
    ///
    /// As std's `pre_exec`: `f` runs in a copy of the process with only one
    /// thread, so it must only do what is async-signal-safe (no allocation,
    /// no locks another thread may have held at the fork).
    pub unsafe fn pre_exec<F>(&mut self, f: F) -> &mut crate::process::Command
    where
        F: FnMut() -> io::Result<()> + Send + Sync + 'static,
    {
        use std::os::unix::process::CommandExt;
        // SAFETY: our caller upholds `pre_exec`'s contract (see above).
        unsafe { self.std.pre_exec(f) };
        self
    }
}
