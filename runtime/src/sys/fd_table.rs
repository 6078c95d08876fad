//! [`FdTable`]: registrations indexed by fd number, the table that the poll,
//! select and io_uring backends keep.

use std::io;
use std::os::fd::RawFd;

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
