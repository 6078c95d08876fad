//! The submission side of the io_uring backend: queueing SQEs (with a
//! backlog for when the ring is full and the kernel takes nothing), handing
//! them to the kernel, and the wait, which submits and waits in one
//! `io_uring_enter`.

use super::{IoUring, State};
use io_uring::{squeue, types};
use std::io;
use std::time::Duration;

impl IoUring {
    /// Queues `sqe`; a full submission ring is submitted first, and what
    /// still does not fit waits in the backlog for the next wait.
    pub(super) fn push(&self, st: &mut State, sqe: squeue::Entry) {
        if st.backlog.is_empty() && self.try_push(st, &sqe) {
            return;
        }
        let _ = self.submit(st);
        if !(st.backlog.is_empty() && self.try_push(st, &sqe)) {
            st.backlog.push(sqe);
        }
    }

    /// Pushes onto the submission ring unless it is full; `_locked` proves
    /// the state lock is held.
    fn try_push(&self, _locked: &State, sqe: &squeue::Entry) -> bool {
        // SAFETY: the state lock is held, under which alone the submission
        // ring is touched, so no other view of it exists. Poll requests carry
        // no pointers into our memory.
        unsafe { self.ring.submission_shared().push(sqe).is_ok() }
    }

    /// Moves the backlog into the submission ring, as far as it fits.
    fn refill(&self, st: &mut State) {
        let mut moved = 0;
        while moved < st.backlog.len() && self.try_push(st, &st.backlog[moved]) {
            moved += 1;
        }
        st.backlog.drain(..moved);
    }

    /// Hands every queued SQE to the kernel now (one `io_uring_enter`).
    pub(super) fn submit(&self, st: &mut State) -> io::Result<()> {
        loop {
            self.refill(st);
            match self.ring.submitter().submit() {
                // Room was made for more of the backlog.
                Ok(n) if n > 0 && !st.backlog.is_empty() => {}
                Ok(_) => return Ok(()),
                // The kernel takes nothing more now (an overflow backlog on
                // older kernels, no memory, a signal): the next wait retries.
                Err(e) if is_transient(&e) => return Ok(()),
                Err(e) => return Err(e),
            }
        }
    }

    /// Submits what is queued, if anything, before a request is cancelled.
    /// An add and its removal in one submission could leave the request
    /// armed (for an fd ready at once, the kernel armed the add after the
    /// removal found nothing; seen with `POLL_REMOVE`), holding the file
    /// open after we close it: a pipe's reader would never see EOF.
    pub(super) fn submit_queued(&self, st: &mut State) -> io::Result<()> {
        // SAFETY: the state lock is held (see `try_push`); only a length is read.
        if !st.backlog.is_empty() || !unsafe { self.ring.submission_shared() }.is_empty() {
            self.submit(st)?;
        }
        Ok(())
    }

    /// A change made while another thread waits in the kernel goes in now.
    pub(super) fn submit_if_waited(&self, st: &mut State) -> io::Result<()> {
        if st.waiters > 0 {
            self.submit(st)?;
        }
        Ok(())
    }

    /// Submits what is queued and waits for a completion (at most
    /// `timeout`). Returns whether completions, not a timeout or a signal,
    /// ended the wait.
    pub(super) fn enter(&self, timeout: Option<Duration>) -> io::Result<bool> {
        {
            let mut st = self.state.lock();
            self.refill(&mut st);
            if timeout == Some(Duration::ZERO) {
                // SAFETY: the state lock is held (see `try_push`).
                let sq = unsafe { self.ring.submission_shared() };
                // A poll without waiting: a system call only for something
                // to submit, completions held in the overflow list, or task
                // work that would post completions (IORING_SQ_TASKRUN).
                if !sq.is_empty() || sq.cq_overflow() || sq.taskrun() {
                    drop(sq);
                    self.submit(&mut st)?;
                }
                return Ok(false);
            }
            st.waiters += 1;
        }
        let submitter = self.ring.submitter();
        let res = match timeout {
            None => submitter.submit_and_wait(1),
            Some(t) => {
                let ts = types::Timespec::new()
                    .sec(t.as_secs().min(i64::MAX as u64))
                    .nsec(t.subsec_nanos());
                submitter.submit_with_args(1, &types::SubmitArgs::new().timespec(&ts))
            }
        };
        self.state.lock().waiters -= 1;
        match res {
            Ok(_) => Ok(true),
            Err(e) if matches!(e.raw_os_error(), Some(libc::ETIME | libc::EINTR)) => Ok(false),
            Err(e) if is_transient(&e) => Ok(false),
            Err(e) => Err(e),
        }
    }
}

/// An `io_uring_enter` failure after which the next one may succeed.
pub(super) fn is_transient(e: &io::Error) -> bool {
    matches!(
        e.raw_os_error(),
        Some(libc::EBUSY | libc::EAGAIN | libc::EINTR)
    )
}
