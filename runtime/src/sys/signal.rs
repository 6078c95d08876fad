//! Signal handling at the OS level: one process-wide self-pipe and a
//! delivery counter per signal, written by an async-signal-safe handler.

use super::syscall;
use std::io;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};
use std::sync::atomic::{AtomicI32, AtomicU64, Ordering::*};
use std::sync::{Mutex, OnceLock};

/// Signal numbers go up to 64 on Linux (SIGRTMAX).
const NSIG: usize = 65;

#[allow(clippy::declare_interior_mutable_const)]
const ZERO: AtomicU64 = AtomicU64::new(0);
static COUNTS: [AtomicU64; NSIG] = [ZERO; NSIG];
static WRITE_FD: AtomicI32 = AtomicI32::new(-1);
static PIPE: OnceLock<io::Result<(OwnedFd, OwnedFd)>> = OnceLock::new();
static INSTALLED: Mutex<[bool; NSIG]> = Mutex::new([false; NSIG]);

/// Signals that cannot be caught or must not be (tokio refuses the same).
const FORBIDDEN: [libc::c_int; 5] = [
    libc::SIGILL,
    libc::SIGFPE,
    libc::SIGKILL,
    libc::SIGSEGV,
    libc::SIGSTOP,
];

extern "C" fn handler(sig: libc::c_int) {
    // Only async-signal-safe work: an atomic add and a write(2); errno saved.
    // SAFETY: __errno_location returns this thread's errno slot.
    let errno = unsafe { *libc::__errno_location() };
    if let Some(count) = COUNTS.get(sig as usize) {
        count.fetch_add(1, SeqCst);
    }
    let fd = WRITE_FD.load(SeqCst);
    if fd >= 0 {
        let byte = sig as u8;
        // SAFETY: writes one byte from a live local; a full pipe (EAGAIN) is
        // fine: a wakeup is already pending.
        let _ = unsafe { libc::write(fd, (&byte as *const u8).cast(), 1) };
    }
    // SAFETY: as above.
    unsafe { *libc::__errno_location() = errno };
}

fn pipe() -> io::Result<&'static (OwnedFd, OwnedFd)> {
    let res = PIPE.get_or_init(|| {
        let mut fds = [0 as libc::c_int; 2];
        // SAFETY: `fds` has room for the two fds pipe2 writes.
        syscall!(pipe2(fds.as_mut_ptr(), libc::O_NONBLOCK | libc::O_CLOEXEC))?;
        // SAFETY: pipe2 just returned these fds and nothing else owns them.
        let (r, w) = unsafe { (OwnedFd::from_raw_fd(fds[0]), OwnedFd::from_raw_fd(fds[1])) };
        WRITE_FD.store(w.as_raw_fd(), SeqCst);
        Ok((r, w))
    });
    res.as_ref()
        .map_err(|e| io::Error::new(e.kind(), e.to_string()))
}

/// Installs the handler for `signum` (once per process) and returns a new
/// fd for the read end of the self-pipe, for the caller to watch.
pub(crate) fn listen(signum: libc::c_int) -> io::Result<OwnedFd> {
    if signum <= 0 || signum as usize >= NSIG || FORBIDDEN.contains(&signum) {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("signal {signum} cannot be listened for"),
        ));
    }
    let (read, _) = pipe()?;
    let mut installed = INSTALLED.lock().unwrap_or_else(|e| e.into_inner());
    if !installed[signum as usize] {
        // SAFETY: a zeroed sigaction is a valid starting point; we set the
        // handler, an empty mask and SA_RESTART before passing it.
        let mut sa: libc::sigaction = unsafe { std::mem::zeroed() };
        sa.sa_sigaction = handler as extern "C" fn(libc::c_int) as usize;
        sa.sa_flags = libc::SA_RESTART;
        // SAFETY: `sa.sa_mask` is a valid sigset_t to initialise.
        unsafe { libc::sigemptyset(&mut sa.sa_mask) };
        // SAFETY: `sa` is fully initialised; the old action is not needed.
        syscall!(sigaction(signum, &sa, std::ptr::null_mut()))?;
        installed[signum as usize] = true;
    }
    dup(read.as_raw_fd())
}

fn dup(fd: RawFd) -> io::Result<OwnedFd> {
    let new = syscall!(fcntl(fd, libc::F_DUPFD_CLOEXEC, 0))?;
    // SAFETY: fcntl just returned this new fd and nothing else owns it.
    Ok(unsafe { OwnedFd::from_raw_fd(new) })
}

/// How many times `signum` has been delivered since the process started.
pub(crate) fn deliveries(signum: libc::c_int) -> u64 {
    COUNTS.get(signum as usize).map_or(0, |c| c.load(SeqCst))
}
