//! ppoll(2): level-triggered, no limit on fd numbers.
//!
//! Cost per wait: O(n), n = fds whose interest is not empty. The `pollfd`
//! array is copied under the lock (a memcpy of 8 bytes per fd), then the
//! kernel scans every entry, ready or not, and we scan the result. With
//! 10 000 idle fds that is tens of microseconds per wait however few are
//! ready: use epoll for many mostly-idle fds. Registering, modifying and
//! removing are O(1) and make no syscall: a table indexed by fd number
//! (memory O(highest fd)) gives each fd's position in the array, and removal
//! is a `swap_remove`.
//!
//! Limits: `RLIMIT_NOFILE` (the kernel refuses more entries than that).
//! Timeouts have nanosecond precision (`ppoll` takes a `timespec`).
//!
//! An fd whose interest is empty is left out of the array: the kernel always
//! reports `POLLHUP`, `POLLERR` and `POLLNVAL`, even for `events == 0`, so
//! keeping it would make the loop spin on a hung-up socket nobody waits for.
//!
//! Thread safety: the table is behind a mutex; a wait copies the array under
//! it and blocks without it, so a change made by another thread during a wait
//! is seen by the next one ([`Poll::has_waiters`] tells the caller to wake it).

use super::fd_table::FdTable;
use super::snapshot_lock::SnapshotLock;
use super::{negative_fd, syscall, Event, EventBuf, Interest, Ready};
use std::io;
use std::os::fd::RawFd;
use std::time::Duration;

/// Position of an fd that is registered but left out of the array.
const ABSENT: usize = usize::MAX;

#[derive(Debug)]
pub(crate) struct Poll {
    state: SnapshotLock<State>,
}

#[derive(Debug, Default)]
struct State {
    /// What the kernel is asked to watch: only fds with a non-empty interest.
    fds: Vec<libc::pollfd>,
    table: FdTable<Entry>,
}

#[derive(Clone, Copy, Debug)]
struct Entry {
    token: u64,
    interest: Interest,
    /// Index in `State::fds`, or `ABSENT`.
    pos: usize,
}

impl Poll {
    pub(crate) fn new() -> Poll {
        Poll {
            state: SnapshotLock::new(State::default()),
        }
    }

    pub(crate) fn register(&self, fd: RawFd, token: u64, interest: Interest) -> io::Result<()> {
        let idx = usize::try_from(fd).map_err(|_| negative_fd(fd))?;
        let mut st = self.state.lock();
        let entry = Entry {
            token,
            interest,
            pos: ABSENT,
        };
        st.table.insert(fd, idx, entry, "poll")?;
        st.set_interest(fd, idx, interest);
        Ok(())
    }

    pub(crate) fn reregister(&self, fd: RawFd, token: u64, interest: Interest) -> io::Result<()> {
        let mut st = self.state.lock();
        let idx = st.table.index_of(fd, "poll")?;
        if let Some(e) = st.table.get_mut(idx) {
            e.token = token;
            e.interest = interest;
        }
        st.set_interest(fd, idx, interest);
        Ok(())
    }

    pub(crate) fn deregister(&self, fd: RawFd) -> io::Result<()> {
        let mut st = self.state.lock();
        let idx = st.table.index_of(fd, "poll")?;
        st.set_interest(fd, idx, Interest::NONE);
        st.table.remove(idx);
        Ok(())
    }

    pub(crate) fn has_waiters(&self) -> bool {
        self.state.has_waiters()
    }

    pub(crate) fn wait(&self, events: &mut EventBuf, timeout: Option<Duration>) -> io::Result<()> {
        let mut fds = std::mem::take(&mut events.poll);
        let snapshot = |st: &State| {
            fds.clear();
            fds.extend_from_slice(&st.fds);
            fds
        };
        let wait = |fds: &mut Vec<libc::pollfd>, ts_ptr| {
            // SAFETY: `fds` holds exactly `len` initialised pollfds that the
            // kernel may write `revents` into; `ts_ptr` is null (wait forever)
            // or points to a live timespec; a null sigmask leaves it unchanged.
            syscall!(ppoll(
                fds.as_mut_ptr(),
                fds.len() as libc::nfds_t,
                ts_ptr,
                std::ptr::null(),
            ))
        };
        let (st, fds, mut left) = self.state.wait(timeout, snapshot, wait)?;
        for pfd in &fds {
            if left == 0 {
                break;
            }
            if pfd.revents == 0 {
                continue;
            }
            left -= 1;
            // The current registration decides: an fd removed or disarmed
            // during the wait is not reported.
            let entry = st.table.get(pfd.fd as usize);
            if let Some(e) = entry.filter(|e| !e.interest.is_empty()) {
                events.list.push(Event {
                    token: e.token,
                    ready: ready_from_poll(pfd.revents),
                });
            }
        }
        events.poll = fds;
        Ok(())
    }
}

impl State {
    /// Puts `fd` in the array with `interest`, or takes it out if empty.
    fn set_interest(&mut self, fd: RawFd, idx: usize, interest: Interest) {
        let Some(pos) = self.table.get(idx).map(|e| e.pos) else {
            return;
        };
        let events = poll_events(interest);
        match (pos, events) {
            (ABSENT, 0) => {}
            (ABSENT, _) => {
                self.fds.push(libc::pollfd {
                    fd,
                    events,
                    revents: 0,
                });
                self.set_pos(idx, self.fds.len() - 1);
            }
            (_, 0) => {
                self.fds.swap_remove(pos);
                if let Some(moved) = self.fds.get(pos) {
                    let moved = moved.fd as usize;
                    self.set_pos(moved, pos);
                }
                self.set_pos(idx, ABSENT);
            }
            (_, _) => self.fds[pos].events = events,
        }
    }

    fn set_pos(&mut self, idx: usize, pos: usize) {
        if let Some(e) = self.table.get_mut(idx) {
            e.pos = pos;
        }
    }
}

fn poll_events(interest: Interest) -> libc::c_short {
    let mut ev = 0;
    if interest.is_readable() {
        ev |= libc::POLLIN | libc::POLLRDHUP;
    }
    if interest.is_writable() {
        ev |= libc::POLLOUT;
    }
    if interest.is_priority() {
        ev |= libc::POLLPRI;
    }
    ev
}

fn ready_from_poll(revents: libc::c_short) -> Ready {
    let mut r = Ready::EMPTY;
    if revents & libc::POLLIN != 0 {
        r |= Ready::READABLE;
    }
    if revents & libc::POLLOUT != 0 {
        r |= Ready::WRITABLE;
    }
    if revents & libc::POLLPRI != 0 {
        r |= Ready::PRIORITY;
    }
    if revents & libc::POLLRDHUP != 0 {
        r |= Ready::READ_CLOSED;
    }
    if revents & libc::POLLHUP != 0 {
        r |= Ready::READ_CLOSED | Ready::WRITE_CLOSED;
    }
    // POLLNVAL: the fd was closed while registered, a caller's bug; reporting
    // it as an error lets whoever waits on it fail instead of hanging.
    if revents & (libc::POLLERR | libc::POLLNVAL) != 0 {
        r |= Ready::ERROR;
    }
    r
}
