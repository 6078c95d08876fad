//! pselect(2): level-triggered, fds below `FD_SETSIZE` (1024) only.
//!
//! Cost per wait: O(highest registered fd), however few fds are registered:
//! three 128-byte `fd_set`s are copied from the master sets under the lock,
//! the kernel scans bits `0..nfds`, and so do we. Registering, modifying and
//! removing are O(1) and make no syscall (removing the highest fd rescans
//! down to the next one).
//!
//! Limits: an fd ≥ `FD_SETSIZE` cannot be represented in an `fd_set`
//! (`FD_SET` on it would write out of bounds), so `register` and `reregister`
//! refuse it with an `InvalidInput` error naming the fd and the limit. A
//! registered fd closed before `deregister` makes every wait fail with
//! `EBADF`. Timeouts have nanosecond precision (`pselect` takes a `timespec`).
//!
//! Readiness: readable → `READABLE` (a hang-up or an error also shows as
//! readable; the reader finds EOF or the error by reading), writable →
//! `WRITABLE`, exceptional (out-of-band data) → `PRIORITY`. An fd whose
//! interest is empty is in no set, so nothing about it is reported.
//!
//! Thread safety: as the poll backend — master sets behind a mutex, a copy
//! per wait, [`Select::has_waiters`] for changes made during a wait.

use super::fd_table::FdTable;
use super::snapshot_lock::SnapshotLock;
use super::{negative_fd, syscall, Event, EventBuf, Interest, Ready};
use std::io;
use std::os::fd::RawFd;
use std::time::Duration;

/// The highest fd number plus one that an `fd_set` can hold.
const LIMIT: usize = libc::FD_SETSIZE;

pub(crate) struct Select {
    state: SnapshotLock<State>,
}

struct State {
    /// Indexed by fd number (< `LIMIT`): token and interest.
    table: FdTable<(u64, Interest)>,
    /// The master sets: read, write, except.
    sets: [libc::fd_set; 3],
    /// One more than the highest fd in any master set.
    nfds: usize,
}

impl std::fmt::Debug for Select {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let st = self.state.lock();
        let fds = st.table.slots().iter().filter(|e| e.is_some()).count();
        f.debug_struct("Select")
            .field("fds", &fds)
            .field("nfds", &st.nfds)
            .finish()
    }
}

fn empty_set() -> libc::fd_set {
    // SAFETY: fd_set is a plain array of integers: all zeroes is a valid,
    // empty set (what FD_ZERO writes).
    unsafe { std::mem::zeroed() }
}

/// Refuses what an `fd_set` cannot hold, naming the fd and the limit.
fn check(fd: RawFd) -> io::Result<usize> {
    let idx = usize::try_from(fd).map_err(|_| negative_fd(fd))?;
    if idx >= LIMIT {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!(
                "the select backend cannot watch fd {fd}: select(2) only handles fds below \
                 FD_SETSIZE ({LIMIT}); use the poll or epoll backend for high fds"
            ),
        ));
    }
    Ok(idx)
}

impl Select {
    pub(crate) fn new() -> Select {
        Select {
            state: SnapshotLock::new(State {
                table: FdTable::default(),
                sets: [empty_set(), empty_set(), empty_set()],
                nfds: 0,
            }),
        }
    }

    pub(crate) fn register(&self, fd: RawFd, token: u64, interest: Interest) -> io::Result<()> {
        let idx = check(fd)?;
        let mut st = self.state.lock();
        st.table.insert(fd, idx, (token, interest), "select")?;
        st.set_interest(idx, interest);
        Ok(())
    }

    pub(crate) fn reregister(&self, fd: RawFd, token: u64, interest: Interest) -> io::Result<()> {
        let idx = check(fd)?;
        let mut st = self.state.lock();
        st.table.index_of(fd, "select")?;
        if let Some(e) = st.table.get_mut(idx) {
            *e = (token, interest);
        }
        st.set_interest(idx, interest);
        Ok(())
    }

    pub(crate) fn deregister(&self, fd: RawFd) -> io::Result<()> {
        let idx = check(fd)?;
        let mut st = self.state.lock();
        st.table.index_of(fd, "select")?;
        st.table.remove(idx);
        st.set_interest(idx, Interest::NONE);
        Ok(())
    }

    pub(crate) fn has_waiters(&self) -> bool {
        self.state.has_waiters()
    }

    pub(crate) fn wait(&self, events: &mut EventBuf, timeout: Option<Duration>) -> io::Result<()> {
        let snapshot = |st: &State| (st.sets, st.nfds);
        let wait = |(sets, nfds): &mut ([libc::fd_set; 3], usize), ts_ptr| {
            let [r, w, x] = sets;
            // SAFETY: the three sets are live, initialised fd_sets that only
            // hold fds below nfds <= FD_SETSIZE; `ts_ptr` is null (wait
            // forever) or points to a live timespec; a null sigmask leaves it
            // unchanged.
            syscall!(pselect(
                *nfds as libc::c_int,
                r,
                w,
                x,
                ts_ptr,
                std::ptr::null()
            ))
        };
        let (st, (sets, nfds), mut left) = self.state.wait(timeout, snapshot, wait)?;
        // `left` counts set bits, so an fd ready both ways counts twice.
        for fd in 0..nfds {
            if left == 0 {
                break;
            }
            let mut ready = Ready::EMPTY;
            for (set, bit) in sets
                .iter()
                .zip([Ready::READABLE, Ready::WRITABLE, Ready::PRIORITY])
            {
                // SAFETY: fd < nfds <= FD_SETSIZE, and `set` is a live fd_set.
                if unsafe { libc::FD_ISSET(fd as RawFd, set) } {
                    ready |= bit;
                    left -= 1;
                }
            }
            // The current registration decides: an fd removed or disarmed
            // during the wait is not reported.
            if let Some((token, interest)) = st.table.get(fd) {
                let ready = ready & interest.mask();
                if !ready.is_empty() {
                    events.list.push(Event { token, ready });
                }
            }
        }
        Ok(())
    }
}

impl State {
    /// Sets `idx`'s bit in each master set its interest asks for, clears the
    /// others, and keeps `nfds` one above the highest fd in any set.
    fn set_interest(&mut self, idx: usize, interest: Interest) {
        let wanted = [
            interest.is_readable(),
            interest.is_writable(),
            interest.is_priority(),
        ];
        for (set, want) in self.sets.iter_mut().zip(wanted) {
            // SAFETY: `check` made sure idx < FD_SETSIZE; `set` is a live fd_set.
            unsafe {
                if want {
                    libc::FD_SET(idx as RawFd, set);
                } else {
                    libc::FD_CLR(idx as RawFd, set);
                }
            }
        }
        if !interest.is_empty() {
            self.nfds = self.nfds.max(idx + 1);
        } else if idx + 1 == self.nfds {
            let in_a_set = |e: &Option<(u64, Interest)>| e.is_some_and(|(_, i)| !i.is_empty());
            self.nfds = self.table.slots()[..idx]
                .iter()
                .rposition(in_a_set)
                .map_or(0, |i| i + 1);
        }
    }
}
