//! What the poll and select backends share: a table of registrations
//! indexed by fd number, and state kept behind a mutex together with the
//! count of threads blocked in the kernel on a snapshot of it.

use parking_lot::{MappedMutexGuard, Mutex, MutexGuard};
use std::io;
use std::os::fd::RawFd;
use std::time::Duration;

/// A backend's state `S` and the number of threads waiting on a copy of it
/// (a change made meanwhile reaches them only when they start over).
#[derive(Debug)]
pub(super) struct Shared<S> {
    inner: Mutex<Inner<S>>,
}

#[derive(Debug)]
struct Inner<S> {
    state: S,
    waiters: usize,
}

impl<S> Shared<S> {
    pub(super) fn new(state: S) -> Self {
        Shared {
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

/// Registrations indexed by fd number.
#[derive(Debug)]
pub(super) struct FdTable<E> {
    slots: Vec<Option<E>>,
}

impl<E> Default for FdTable<E> {
    fn default() -> Self {
        FdTable { slots: Vec::new() }
    }
}

impl<E: Copy> FdTable<E> {
    /// Registers `fd` (whose index is `idx`); `AlreadyExists`, naming the
    /// `backend`, if it is registered already.
    pub(super) fn insert(
        &mut self,
        fd: RawFd,
        idx: usize,
        entry: E,
        backend: &str,
    ) -> io::Result<()> {
        if self.slots.len() <= idx {
            self.slots.resize(idx + 1, None);
        }
        if self.slots[idx].is_some() {
            return Err(io::Error::new(
                io::ErrorKind::AlreadyExists,
                format!("fd {fd} is already registered with this {backend} backend"),
            ));
        }
        self.slots[idx] = Some(entry);
        Ok(())
    }

    /// The index of the registered `fd`; `NotFound`, naming the `backend`,
    /// if it is not registered.
    pub(super) fn index_of(&self, fd: RawFd, backend: &str) -> io::Result<usize> {
        usize::try_from(fd)
            .ok()
            .filter(|&i| self.get(i).is_some())
            .ok_or_else(|| {
                io::Error::new(
                    io::ErrorKind::NotFound,
                    format!("fd {fd} is not registered with this {backend} backend"),
                )
            })
    }

    pub(super) fn get(&self, idx: usize) -> Option<E> {
        self.slots.get(idx).copied().flatten()
    }

    pub(super) fn get_mut(&mut self, idx: usize) -> Option<&mut E> {
        self.slots.get_mut(idx).and_then(Option::as_mut)
    }

    pub(super) fn remove(&mut self, idx: usize) {
        self.slots[idx] = None;
    }

    /// Every slot, by fd number.
    pub(super) fn slots(&self) -> &[Option<E>] {
        &self.slots
    }
}
