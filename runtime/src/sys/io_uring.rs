//! io_uring(7) poll requests: readiness through a submission and a
//! completion ring shared with the kernel (Linux ≥ 5.13).
//!
//! Each registration with a non-empty interest is one multishot
//! `IORING_OP_POLL_ADD` request: it stays armed and posts a completion (CQE)
//! each time the file's wait queue is woken with a matching event, plus one
//! at once if the fd is ready when armed. That is edge triggering, as
//! `EPOLLET`: the runtime registers every fd once for both directions
//! (`exact` off) and caches readiness until an operation returns
//! `WouldBlock`; `Poller` (`exact` on) watches only the interest given.
//!
//! Cost: registering pushes one SQE into the submission ring and makes no
//! system call: the next wait's `io_uring_enter` submits it
//! (`IORING_ENTER_GETEVENTS`, timeout in nanoseconds through
//! `IORING_ENTER_EXT_ARG`). A wait costs O(completions). An interest change
//! is a cancellation (`ASYNC_CANCEL`) and a new `POLL_ADD` (the `io-uring`
//! crate builds no poll-update SQE), also carried by the next wait.
//! Deregistering submits its cancellation at once (one `io_uring_enter`, as epoll's
//! `EPOLL_CTL_DEL`): a poll request holds a reference to the file, so a
//! socket closed with the request still armed would not really close.
//! A zero-timeout wait with nothing to submit makes no system call at all.
//!
//! Every request's user data holds the fd and a sequence number that changes
//! each time the fd is (re-)armed; a completion whose sequence is not the
//! fd's current one (the request was cancelled, or the fd deregistered and
//! its number reused) is dropped, so it never wakes a later registration.
//!
//! The kernel ends a multishot request by posting a CQE without
//! `IORING_CQE_F_MORE`: when cancelled, when the completion ring was full
//! (the final CQE then waits in the kernel's overflow list), when the
//! submitting thread has exited. Such a request is armed again when the
//! reap that found it ends, with the final CQE's readiness reported. Overflow loses nothing: every
//! reap that finds `IORING_SQ_CQ_OVERFLOW` set asks the kernel to flush its
//! overflow list into the ring (`IORING_FEAT_NODROP`) and reaps on. One
//! exception is not re-armed: a request that ended before its first
//! multishot CQE while the ring never filled, which is a file with no wait
//! queue (a regular file, `/dev/null`): always ready, reported once.
//!
//! Urgent data: a TCP socket wakes its waiters with `EPOLLIN | EPOLLPRI` in
//! the key of every arrival, and a poll request's completion carries the
//! key as it is (epoll polls the file again and reports `EPOLLPRI` only for
//! real urgent data). So with `POLLPRI` requested, which the runtime's edge
//! registrations always do, every completion reports `PRIORITY`, and a
//! short stream read cannot clear readiness: one read per arrival finds
//! `EAGAIN`. Correct, at one system call per arrival (see BENCHMARKS.md).
//!
//! Errors: registering an fd io_uring cannot poll does not fail at once (the
//! SQE is only submitted later); its completion carries the error, reported
//! as [`Ready::ERROR`] so that whoever waits tries the operation and gets
//! the real error.
//!
//! Thread safety: the rings and the registrations are behind one mutex; a
//! wait blocks in the kernel without it. The kernel runs a poll request's
//! completion work on the thread that submitted it (interrupting what that
//! thread is doing, as a signal would), and cancels the request at its next
//! wakeup once that thread has exited (it is then armed again, see above).
//! So requests are submitted by the waiting thread: a change made while
//! another thread waits stays queued, `has_waiters` tells the caller to wake
//! the waiter (as with poll and select), and its next `io_uring_enter`
//! submits it. Only a removal is submitted by the thread making it.
//!
//! Dropping: closing the ring makes the kernel run exit work on every thread
//! that ever submitted to it, notified as a signal would be
//! (`TWA_SIGNAL`): a system call such a thread is blocked in at that moment
//! may return `EINTR` (every backend's wait reports that as no events;
//! `std`'s `read_exact`, `write_all` and the like retry it).

use super::fd_table::FdTable;
use super::{negative_fd, EventBuf, Interest, NOTIFY_TOKEN};
use io_uring::{opcode, squeue, types};
use parking_lot::Mutex;
use std::fmt;
use std::io;
use std::os::fd::RawFd;
use std::time::{Duration, Instant};

mod probe;
mod reap;
mod submit;
#[cfg(test)]
mod tests;

/// Submission ring entries: registrations between two waits beyond this
/// are submitted in batches of this size.
const SQ_ENTRIES: u32 = 256;
/// Completion ring entries; more completions than this between two reaps
/// overflow into the kernel's list and are flushed by the next reap.
const CQ_ENTRIES: u32 = 4096;

/// Overflow flushes one reap makes at most.
const MAX_FLUSHES: usize = 8;

/// User data of a request whose completion reports nothing (a removal, the
/// construction probe): the top bit set.
const OP: u64 = 1 << 63;
/// The sequence number takes bits 32..63 of a poll request's user data.
const SEQ_MASK: u32 = u32::MAX >> 1;

pub(crate) struct IoUring {
    ring: io_uring::IoUring,
    state: Mutex<State>,
    /// Edge mode watches only the interest given instead of both directions.
    exact: bool,
    /// Whether the kernel may skip a successful removal's CQE.
    skip_success: bool,
}

#[derive(Default)]
struct State {
    table: FdTable<Entry>,
    next_seq: u32,
    /// Times a reap found the completion ring full or overflowing.
    cq_full: u64,
    /// Threads blocked in `io_uring_enter`.
    waiters: usize,
    /// SQEs that found the submission ring full and the kernel busy.
    backlog: Vec<squeue::Entry>,
    /// Requests armed again after the kernel ended them (for tests).
    rearms: u64,
    /// Counts reaps, so that an fd's completions in one reap make one event.
    reaps: u32,
    /// Fds whose request the kernel ended during this reap, to arm again.
    ended: Vec<usize>,
}

#[derive(Clone, Copy, Debug)]
struct Entry {
    token: u64,
    /// The poll events asked for; 0 for an empty interest (nothing armed).
    events: u32,
    /// Whether a request is armed, and its sequence number.
    armed: bool,
    seq: u32,
    /// Whether the armed request has posted a CQE with `IORING_CQE_F_MORE`.
    live: bool,
    /// `State::cq_full` when the request was armed.
    armed_at: u64,
    /// The reap that last reported this fd, and its event's index there.
    reap: u32,
    slot: u32,
}

fn user_data(fd: usize, seq: u32) -> u64 {
    (u64::from(seq & SEQ_MASK) << 32) | fd as u64
}

fn split(user_data: u64) -> (usize, u32) {
    ((user_data & 0xffff_ffff) as usize, (user_data >> 32) as u32)
}

impl IoUring {
    pub(crate) fn new(exact: bool) -> io::Result<IoUring> {
        IoUring::with_entries(exact, SQ_ENTRIES, CQ_ENTRIES)
    }

    /// With rings of `sq` and `cq` entries (tests use tiny ones).
    fn with_entries(exact: bool, sq: u32, cq: u32) -> io::Result<IoUring> {
        let ring = probe::build(sq, cq)?;
        let skip_success = ring.params().is_feature_skip_cqe_on_success();
        Ok(IoUring {
            ring,
            state: Mutex::new(State::default()),
            exact,
            skip_success,
        })
    }

    fn events(&self, token: u64, interest: Interest) -> u32 {
        let bit = |b: libc::c_short| b as u16 as u32;
        if token == NOTIFY_TOKEN {
            return bit(libc::POLLIN);
        }
        let mut ev = 0;
        if interest.is_readable() || (!self.exact && !interest.is_empty()) {
            ev |= bit(libc::POLLIN | libc::POLLRDHUP);
        }
        if interest.is_writable() || (!self.exact && !interest.is_empty()) {
            ev |= bit(libc::POLLOUT);
        }
        if interest.is_priority() {
            ev |= bit(libc::POLLPRI);
        }
        ev
    }

    pub(crate) fn register(&self, fd: RawFd, token: u64, interest: Interest) -> io::Result<()> {
        let idx = usize::try_from(fd).map_err(|_| negative_fd(fd))?;
        let mut st = self.state.lock();
        let entry = Entry {
            token,
            events: self.events(token, interest),
            armed: false,
            seq: 0,
            live: false,
            armed_at: 0,
            reap: 0,
            slot: 0,
        };
        st.table.insert(fd, idx, entry, "io-uring")?;
        self.arm(&mut st, idx);
        Ok(())
    }

    pub(crate) fn reregister(&self, fd: RawFd, token: u64, interest: Interest) -> io::Result<()> {
        let mut st = self.state.lock();
        let idx = st.table.index_of(fd, "io-uring")?;
        self.submit_queued(&mut st)?;
        self.disarm(&mut st, idx);
        let events = self.events(token, interest);
        if let Some(e) = st.table.get_mut(idx) {
            e.token = token;
            e.events = events;
        }
        self.arm(&mut st, idx);
        Ok(())
    }

    /// Whether a thread is blocked in `io_uring_enter` while SQEs wait to be
    /// submitted: the caller wakes it (the `Notifier`), and its next wait
    /// submits them, so that every poll request belongs to a waiting thread.
    pub(crate) fn has_waiters(&self) -> bool {
        let st = self.state.lock();
        // SAFETY: the state lock is held (see `try_push`); only lengths are read.
        st.waiters > 0
            && !(st.backlog.is_empty() && unsafe { self.ring.submission_shared() }.is_empty())
    }

    pub(crate) fn deregister(&self, fd: RawFd) -> io::Result<()> {
        let mut st = self.state.lock();
        let idx = st.table.index_of(fd, "io-uring")?;
        self.submit_queued(&mut st)?;
        self.disarm(&mut st, idx);
        st.table.remove(idx);
        // Now, not at the next wait: the request holds the file open.
        self.submit(&mut st)
    }

    /// Arms a new request for the entry at `idx` if its interest is not empty.
    fn arm(&self, st: &mut State, idx: usize) {
        let seq = st.next_seq;
        st.next_seq = st.next_seq.wrapping_add(1) & SEQ_MASK;
        let cq_full = st.cq_full;
        let Some(e) = st.table.get_mut(idx).filter(|e| e.events != 0) else {
            return;
        };
        *e = Entry {
            armed: true,
            seq,
            live: false,
            armed_at: cq_full,
            ..*e
        };
        let sqe = opcode::PollAdd::new(types::Fd(idx as RawFd), e.events)
            .multi(true)
            .build()
            .user_data(user_data(idx, seq));
        self.push(st, sqe);
    }

    /// Cancels the entry's request, if one is armed.
    ///
    /// With `ASYNC_CANCEL`, not `POLL_REMOVE`: a removal fails (`EALREADY`)
    /// while a wakeup's completion work is queued for the request, which
    /// is whenever another thread woke the file since this thread last
    /// entered the kernel, and the request then stays armed, holding the
    /// file open. A cancellation marks the request, and that queued work
    /// ends it.
    fn disarm(&self, st: &mut State, idx: usize) {
        let Some(e) = st.table.get_mut(idx).filter(|e| e.armed) else {
            return;
        };
        e.armed = false;
        let mut sqe = opcode::AsyncCancel::new(user_data(idx, e.seq))
            .build()
            .user_data(OP);
        if self.skip_success {
            sqe = sqe.flags(squeue::Flags::SKIP_SUCCESS);
        }
        self.push(st, sqe);
    }

    pub(crate) fn wait(&self, events: &mut EventBuf, timeout: Option<Duration>) -> io::Result<()> {
        let deadline = timeout.and_then(|t| Instant::now().checked_add(t));
        let mut left = timeout;
        loop {
            let woken = self.enter(left)?;
            self.reap(events)?;
            if !events.list.is_empty() || !woken {
                return Ok(());
            }
            // Woken by completions that report nothing (a cancelled
            // request's last CQE): wait on for the time left.
            if let Some(d) = deadline {
                match d.checked_duration_since(Instant::now()) {
                    Some(rest) if !rest.is_zero() => left = Some(rest),
                    _ => return Ok(()),
                }
            }
        }
    }
}

impl fmt::Debug for IoUring {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let st = self.state.lock();
        let fds = st.table.slots().iter().filter(|e| e.is_some()).count();
        f.debug_struct("IoUring")
            .field("fds", &fds)
            .field("exact", &self.exact)
            .finish()
    }
}
