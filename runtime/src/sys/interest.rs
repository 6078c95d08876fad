//! `Interest` (what a caller wants to wait for) and `Ready` (what the OS reported).

use std::fmt;
use std::ops::{BitAnd, BitOr, BitOrAssign, Sub};

/// The readiness a caller wants to wait for on an fd: readable, writable, or both.
///
/// Combine with `|`: `Interest::READABLE | Interest::WRITABLE`.
///
/// ```
/// # use mini_rt_runtime as mini_rt;
/// use mini_rt::io::{Interest, Ready};
///
/// let both = Interest::READABLE | Interest::WRITABLE;
/// assert!(both.is_readable() && both.is_writable());
/// assert_eq!(both.remove(Interest::WRITABLE), Some(Interest::READABLE));
/// assert_eq!(Interest::READABLE.remove(Interest::READABLE), None);
/// // A peer's hang-up satisfies a read interest: the read returns EOF.
/// assert!(Interest::READABLE.mask().contains(Ready::READ_CLOSED));
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Interest(u8);

impl Interest {
    /// Wait for the fd to become readable (or closed for reading, or errored).
    pub const READABLE: Interest = Interest(0b001);
    /// Wait for the fd to become writable (or closed for writing, or errored).
    pub const WRITABLE: Interest = Interest(0b010);
    /// Wait for priority (out-of-band) data, `POLLPRI`.
    pub const PRIORITY: Interest = Interest(0b100);
    /// No interest at all; a registration with this interest is never reported.
    pub(crate) const NONE: Interest = Interest(0);

    pub(crate) const fn bits(self) -> u8 {
        self.0
    }
    pub(crate) const fn from_bits(bits: u8) -> Interest {
        Interest(bits & 0b111)
    }

    /// Whether the readable interest is included.
    pub const fn is_readable(self) -> bool {
        self.0 & Self::READABLE.0 != 0
    }
    /// Whether the writable interest is included.
    pub const fn is_writable(self) -> bool {
        self.0 & Self::WRITABLE.0 != 0
    }
    /// Whether the priority interest is included.
    pub const fn is_priority(self) -> bool {
        self.0 & Self::PRIORITY.0 != 0
    }
    /// Whether no interest at all is included.
    pub const fn is_empty(self) -> bool {
        self.0 == 0
    }
    /// Adds another interest (the `const` form of `|`).
    pub const fn add(self, other: Interest) -> Interest {
        Interest(self.0 | other.0)
    }
    /// Removes another interest, returning `None` if nothing is left (as tokio's).
    pub fn remove(self, other: Interest) -> Option<Interest> {
        let left = Interest(self.0 & !other.0);
        (!left.is_empty()).then_some(left)
    }
    /// Whether every interest in `other` is also in `self`.
    pub const fn contains(self, other: Interest) -> bool {
        self.0 & other.0 == other.0
    }
    /// The readiness bits that satisfy this interest: readable interest is
    /// satisfied by readable, read-closed and error; writable by writable,
    /// write-closed and error; priority by priority and error.
    pub const fn mask(self) -> Ready {
        MASKS[self.0 as usize]
    }

    /// [`mask`](Self::mask) spelled out; tabulated in `MASKS`, because the
    /// reactor asks for it on every readiness check and event.
    const fn mask_of(bits: u8) -> Ready {
        let me = Interest(bits);
        let mut r = 0;
        if me.is_readable() {
            r |= Ready::READABLE.0 | Ready::READ_CLOSED.0 | Ready::ERROR.0;
        }
        if me.is_writable() {
            r |= Ready::WRITABLE.0 | Ready::WRITE_CLOSED.0 | Ready::ERROR.0;
        }
        if me.is_priority() {
            r |= Ready::PRIORITY.0 | Ready::ERROR.0;
        }
        Ready(r)
    }
}

/// `Interest::mask` for each of the 8 interest sets.
const MASKS: [Ready; 8] = {
    let mut t = [Ready::EMPTY; 8];
    let mut i = 0;
    while i < 8 {
        t[i] = Interest::mask_of(i as u8);
        i += 1;
    }
    t
};

impl BitOr for Interest {
    type Output = Interest;
    fn bitor(self, rhs: Interest) -> Interest {
        self.add(rhs)
    }
}

impl BitOrAssign for Interest {
    fn bitor_assign(&mut self, rhs: Interest) {
        *self = self.add(rhs);
    }
}

impl fmt::Debug for Interest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut parts = Vec::new();
        if self.is_readable() {
            parts.push("READABLE");
        }
        if self.is_writable() {
            parts.push("WRITABLE");
        }
        if self.is_priority() {
            parts.push("PRIORITY");
        }
        if parts.is_empty() {
            parts.push("NONE");
        }
        write!(f, "Interest({})", parts.join(" | "))
    }
}

/// The readiness the OS reported for an fd.
///
/// ```
/// # use mini_rt_runtime as mini_rt;
/// use mini_rt::io::{Interest, Ready};
/// use mini_rt::reactor::PollEvented;
/// use std::io::Write;
/// use std::os::unix::net::UnixStream;
///
/// # mini_rt::runtime::Runtime::new().unwrap().block_on(async {
/// let (a, mut b) = UnixStream::pair()?;
/// a.set_nonblocking(true)?;
/// let a = PollEvented::new(a)?;
/// b.write_all(b"data")?;
/// let ready: Ready = a.readiness(Interest::READABLE).await?.ready;
/// assert!(ready.is_readable() && !ready.is_error());
/// // A hang-up of `b` would show as `READ_CLOSED`, on the backends whose
/// // kernel interface reports it (`select` only says readable).
/// # Ok::<(), std::io::Error>(())
/// # }).unwrap();
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Ready(u8);

impl Ready {
    /// Nothing is ready.
    pub const EMPTY: Ready = Ready(0);
    /// Data can be read without blocking.
    pub const READABLE: Ready = Ready(0b00_0001);
    /// Data can be written without blocking.
    pub const WRITABLE: Ready = Ready(0b00_0010);
    /// The peer closed its write side (a read will return EOF once drained).
    pub const READ_CLOSED: Ready = Ready(0b00_0100);
    /// The write side is closed (a write will fail).
    pub const WRITE_CLOSED: Ready = Ready(0b00_1000);
    /// Priority data is available.
    pub const PRIORITY: Ready = Ready(0b01_0000);
    /// An error is pending on the fd.
    pub const ERROR: Ready = Ready(0b10_0000);
    /// Every readiness bit.
    pub const ALL: Ready = Ready(0b11_1111);

    pub(crate) const fn bits(self) -> u8 {
        self.0
    }
    pub(crate) const fn from_bits(bits: u8) -> Ready {
        Ready(bits & Self::ALL.0)
    }

    /// Whether nothing is ready.
    pub const fn is_empty(self) -> bool {
        self.0 == 0
    }
    /// Whether the readable bit is set.
    pub const fn is_readable(self) -> bool {
        self.0 & Self::READABLE.0 != 0
    }
    /// Whether the writable bit is set.
    pub const fn is_writable(self) -> bool {
        self.0 & Self::WRITABLE.0 != 0
    }
    /// Whether the read-closed bit is set.
    pub const fn is_read_closed(self) -> bool {
        self.0 & Self::READ_CLOSED.0 != 0
    }
    /// Whether the write-closed bit is set.
    pub const fn is_write_closed(self) -> bool {
        self.0 & Self::WRITE_CLOSED.0 != 0
    }
    /// Whether the priority bit is set.
    pub const fn is_priority(self) -> bool {
        self.0 & Self::PRIORITY.0 != 0
    }
    /// Whether the error bit is set.
    pub const fn is_error(self) -> bool {
        self.0 & Self::ERROR.0 != 0
    }
    /// Whether every bit of `other` is set in `self`.
    pub const fn contains(self, other: Ready) -> bool {
        self.0 & other.0 == other.0
    }
    /// Whether any bit of `other` is set in `self`.
    pub const fn intersects(self, other: Ready) -> bool {
        self.0 & other.0 != 0
    }
}

impl BitOr for Ready {
    type Output = Ready;
    fn bitor(self, rhs: Ready) -> Ready {
        Ready(self.0 | rhs.0)
    }
}

impl BitOrAssign for Ready {
    fn bitor_assign(&mut self, rhs: Ready) {
        self.0 |= rhs.0;
    }
}

impl BitAnd for Ready {
    type Output = Ready;
    fn bitand(self, rhs: Ready) -> Ready {
        Ready(self.0 & rhs.0)
    }
}

impl Sub for Ready {
    type Output = Ready;
    fn sub(self, rhs: Ready) -> Ready {
        Ready(self.0 & !rhs.0)
    }
}

impl fmt::Debug for Ready {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names = [
            (Self::READABLE, "READABLE"),
            (Self::WRITABLE, "WRITABLE"),
            (Self::READ_CLOSED, "READ_CLOSED"),
            (Self::WRITE_CLOSED, "WRITE_CLOSED"),
            (Self::PRIORITY, "PRIORITY"),
            (Self::ERROR, "ERROR"),
        ];
        let parts: Vec<&str> = names
            .iter()
            .filter(|(bit, _)| self.contains(*bit))
            .map(|(_, n)| *n)
            .collect();
        if parts.is_empty() {
            write!(f, "Ready(EMPTY)")
        } else {
            write!(f, "Ready({})", parts.join(" | "))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interest_mask_covers_closed_and_error() {
        let m = Interest::READABLE.mask();
        assert!(m.contains(Ready::READABLE | Ready::READ_CLOSED | Ready::ERROR));
        assert!(!m.is_writable());
        assert_eq!(Interest::READABLE.remove(Interest::READABLE), None);
        assert_eq!(
            (Interest::READABLE | Interest::WRITABLE).remove(Interest::READABLE),
            Some(Interest::WRITABLE)
        );
    }
}
