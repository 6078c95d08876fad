//! Building the ring, and saying why when the kernel refuses io_uring:
//! `ENOSYS` (no io_uring, or hidden by seccomp), `EPERM` (the
//! `kernel.io_uring_disabled` sysctl, a seccomp filter or a security
//! module), a kernel without the features the backend needs, or one whose
//! poll requests cannot be multishot (before 5.13). Each is an
//! `Unsupported` error naming the cause and the backends that work; other
//! failures (no memory, no fds left) are returned as they are.

use super::OP;
use crate::runtime::Backend;
use crate::sys::{syscall, unavailable};
use io_uring::{cqueue, opcode, types, IoUring};
use std::io;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

/// Set once a ring passed the multishot check: the kernel does not change
/// under a running process, so later rings skip it (4 system calls).
static MULTISHOT_WORKS: AtomicBool = AtomicBool::new(false);

/// How long the probe waits for its own completions (they come at once).
const PROBE_WAIT: Duration = Duration::from_secs(5);

/// Builds a ring of `sq` submission and `cq` completion entries and checks
/// that multishot poll requests work on it.
pub(super) fn build(sq: u32, cq: u32) -> io::Result<IoUring> {
    let ring = match IoUring::builder()
        .setup_cqsize(cq)
        .setup_submit_all()
        // A poll request's wakeup posts its completion through task work.
        // By default the kernel interrupts the thread for it, as a signal
        // would, on every wakeup: the echo server spent 2.5x epoll's kernel
        // time per round trip. Cooperatively, the work waits for our next
        // io_uring_enter, and the flag says when one is due (see `enter`).
        .setup_coop_taskrun()
        .setup_taskrun_flag()
        .build(sq)
    {
        Ok(ring) => ring,
        // IORING_SETUP_SUBMIT_ALL is Linux 5.18 and COOP_TASKRUN 5.19;
        // older kernels refuse them.
        Err(e) if e.raw_os_error() == Some(libc::EINVAL) => IoUring::builder()
            .setup_cqsize(cq)
            .build(sq)
            .map_err(|e| refused("io_uring_setup(2)", e))?,
        Err(e) => return Err(refused("io_uring_setup(2)", e)),
    };
    let params = ring.params();
    if !params.is_feature_nodrop() || !params.is_feature_ext_arg() {
        return Err(unavailable(
            Backend::IoUring,
            "this kernel's io_uring lacks IORING_FEAT_NODROP or IORING_FEAT_EXT_ARG \
             (Linux 5.11; the backend needs 5.13 for multishot poll requests)",
        ));
    }
    if !MULTISHOT_WORKS.load(Ordering::Relaxed) {
        check_multishot(&ring)?;
        MULTISHOT_WORKS.store(true, Ordering::Relaxed);
    }
    Ok(ring)
}

/// Arms a multishot poll request on a readable eventfd: the kernel must
/// report it with `IORING_CQE_F_MORE` (the request stays armed). Then
/// cancels it, leaving the ring empty.
fn check_multishot(ring: &IoUring) -> io::Result<()> {
    let fd = syscall!(eventfd(1, libc::EFD_CLOEXEC | libc::EFD_NONBLOCK))?;
    // SAFETY: eventfd just returned this fd and nothing else owns it.
    let efd = unsafe { OwnedFd::from_raw_fd(fd) };
    let add = opcode::PollAdd::new(types::Fd(efd.as_raw_fd()), libc::POLLIN as u32)
        .multi(true)
        .build()
        .user_data(OP | 1);
    push(ring, &add);
    wait(ring, 1).map_err(|e| refused("io_uring_enter(2)", e))?;
    // SAFETY: the ring is not shared yet: this is the only completion view.
    let first = unsafe { ring.completion_shared() }.next();
    let res = first.as_ref().map(cqueue::Entry::result);
    match first {
        Some(cqe) if cqe.result() > 0 && cqueue::more(cqe.flags()) => {}
        _ if res == Some(-libc::EINVAL) || res.is_some_and(|r| r > 0) => {
            return Err(unavailable(
                Backend::IoUring,
                "this kernel's poll requests cannot be multishot \
                 (IORING_POLL_ADD_MULTI needs Linux 5.13)",
            ))
        }
        Some(cqe) => return Err(io::Error::from_raw_os_error(-cqe.result())),
        None => {
            return Err(io::Error::new(
                io::ErrorKind::TimedOut,
                "io_uring: the probe's poll request on a readable eventfd did not complete",
            ))
        }
    }
    let remove = opcode::AsyncCancel::new(OP | 1).build().user_data(OP | 2);
    push(ring, &remove);
    // The cancellation's CQE and the request's last one; none must survive the
    // eventfd's close. (Any left over would carry OP and be ignored.)
    match wait(ring, 2) {
        Err(e) if e.raw_os_error() != Some(libc::ETIME) => return Err(e),
        _ => {}
    }
    // SAFETY: as above.
    unsafe { ring.completion_shared() }.for_each(drop);
    drop(efd);
    Ok(())
}

fn push(ring: &IoUring, sqe: &io_uring::squeue::Entry) {
    // SAFETY: the ring is not shared yet, so this is the only view of its
    // submission queue; a poll request holds no pointer into our memory.
    let pushed = unsafe { ring.submission_shared().push(sqe) };
    debug_assert!(pushed.is_ok(), "the probe's ring has room for one SQE");
}

/// Submits and waits for `n` completions, at most `PROBE_WAIT`.
fn wait(ring: &IoUring, n: usize) -> io::Result<usize> {
    let ts = types::Timespec::from(PROBE_WAIT);
    let args = types::SubmitArgs::new().timespec(&ts);
    ring.submitter().submit_with_args(n, &args)
}

/// The error for `call` failing with `err`: `Unsupported` and the cause
/// when it is a refusal, `err` itself otherwise.
fn refused(call: &str, err: io::Error) -> io::Error {
    let sysctl = std::fs::read_to_string("/proc/sys/kernel/io_uring_disabled").ok();
    match err
        .raw_os_error()
        .and_then(|errno| cause(call, errno, sysctl))
    {
        Some(cause) => unavailable(Backend::IoUring, cause),
        None => err,
    }
}

/// Why `call` failing with `errno` means io_uring is refused here, given
/// the `kernel.io_uring_disabled` sysctl's text (absent before Linux 6.6);
/// `None` if it is no refusal.
pub(super) fn cause(call: &str, errno: i32, sysctl: Option<String>) -> Option<String> {
    let sysctl = sysctl.map(|s| s.trim().to_string());
    Some(match errno {
        libc::ENOSYS => format!(
            "{call} failed with ENOSYS: this kernel has no io_uring (older than 5.1, \
             or built without CONFIG_IO_URING), or a seccomp filter hides it"
        ),
        libc::EPERM | libc::EACCES => {
            let name = if errno == libc::EPERM {
                "EPERM"
            } else {
                "EACCES"
            };
            match sysctl.as_deref() {
                Some("2") => format!(
                    "{call} failed with {name}: io_uring is disabled for every process \
                     (/proc/sys/kernel/io_uring_disabled = 2)"
                ),
                Some("1") => format!(
                    "{call} failed with {name}: io_uring is limited to privileged processes \
                     and the group in /proc/sys/kernel/io_uring_group \
                     (/proc/sys/kernel/io_uring_disabled = 1), and this process is neither"
                ),
                other => format!(
                    "{call} failed with {name} although /proc/sys/kernel/io_uring_disabled \
                     is {}: a seccomp filter (container runtimes' default profiles block \
                     io_uring) or a security module denies it",
                    other.unwrap_or("absent (a kernel before 6.6)")
                ),
            }
        }
        _ => return None,
    })
}
