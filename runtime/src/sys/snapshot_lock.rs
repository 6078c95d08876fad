//! [`SnapshotLock`]: the poll and select backends' state behind a mutex,
//! together with the count of threads blocked in the kernel on a snapshot
//! of it.

use parking_lot::{MappedMutexGuard, Mutex, MutexGuard};
use std::io;
use std::time::Duration;

/// A backend's state `S` and the number of threads waiting on a copy of it
/// (a change made meanwhile reaches them only when they start over).
#[derive(Debug)]
pub(super) struct SnapshotLock<S> {
    inner: Mutex<Inner<S>>,
}

#[derive(Debug)]
struct Inner<S> {
    state: S,
    waiters: usize,
}

impl<S> SnapshotLock<S> {
    pub(super) fn new(state: S) -> Self {
        SnapshotLock {
            inner: Mutex::new(Inner { state, waiters: 0 }),
        }
    }

    pub(super) fn lock(&self) -> MappedMutexGuard<'_, S> {
        MutexGuard::map(self.inner.lock(), |inner| &mut inner.state)
    }

    /// Whether a thread is blocked on a copy taken before a change.
    pub(super) fn has_waiters(&self) -> bool {
        self.inner.lock().waiters > 0
    }

    /// One wait: `snapshot` copies what the kernel needs under the lock, then
    /// `wait` blocks in the kernel without it, given that copy and the
    /// timeout as a `timespec` pointer (null: forever). Returns the state
    /// locked again (the current registrations decide what is reported),
    /// the copy, and how many ready entries the kernel counted (`EINTR`:
    /// none).
    pub(super) fn wait<C>(
        &self,
        timeout: Option<Duration>,
        snapshot: impl FnOnce(&S) -> C,
        wait: impl FnOnce(&mut C, *const libc::timespec) -> io::Result<libc::c_int>,
    ) -> io::Result<(MappedMutexGuard<'_, S>, C, usize)> {
        let mut copy = {
            let mut inner = self.inner.lock();
            inner.waiters += 1;
            snapshot(&inner.state)
        };
        let ts = timeout.map(super::timespec);
        let ts_ptr = ts
            .as_ref()
            .map_or(std::ptr::null(), |t| t as *const libc::timespec);
        let res = wait(&mut copy, ts_ptr);
        let mut inner = self.inner.lock();
        inner.waiters -= 1;
        let ready = match res {
            Ok(n) => n as usize,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => 0,
            Err(e) => return Err(e),
        };
        Ok((
            MutexGuard::map(inner, |inner| &mut inner.state),
            copy,
            ready,
        ))
    }
}
