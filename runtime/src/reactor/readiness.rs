//! The readiness cached for one registration, shared by the driver (which
//! adds to it when events arrive) and the `PollEvented` that owns the
//! registration (which reads and clears it on the hot path of every read and
//! write without going through the driver's registration slab).

use super::ReadyEvent;
use crate::sys::{Interest, Ready};
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};

/// `Ready` bits in the low byte, the event tick in the high 32 bits.
///
/// Only the thread running the loop that holds the registration ever
/// writes it: the driver runs there, and `PollEvented` checks it is there
/// before every access. It is an atomic only because `PollEvented` is
/// `Send`, so plain loads and stores (no read-modify-write) with `Relaxed`
/// ordering are enough; a registration changes hands (and a runtime
/// threads) only through a mutex, which orders them (see `registration.rs`).
#[derive(Debug, Default)]
pub(crate) struct Readiness(AtomicU64);

const TICK_SHIFT: u32 = 32;

impl Readiness {
    /// The cached readiness satisfying `interest`, with the current tick.
    #[inline]
    pub(crate) fn get(&self, interest: Interest) -> ReadyEvent {
        let state = self.0.load(Relaxed);
        ReadyEvent {
            ready: Ready::from_bits(state as u8) & interest.mask(),
            tick: (state >> TICK_SHIFT) as u32,
        }
    }

    /// Adds `ready` from a new event and advances the tick, so a clear based
    /// on an older observation no longer applies.
    #[inline]
    pub(crate) fn add(&self, ready: Ready) {
        // The bits are or-ed into the low byte; adding one tick to the high
        // half wraps it modulo 2^32 (the carry leaves the word).
        let old = self.0.load(Relaxed);
        let new = (old | u64::from(ready.bits())).wrapping_add(1 << TICK_SHIFT);
        self.0.store(new, Relaxed);
    }

    /// Sets read and write readiness and advances the tick: what a
    /// registration that just moved to another loop starts from (its real
    /// readiness is unknown, so the next operation is tried before anyone
    /// parks). By the loop handing it over, or claiming a `FREE` one.
    pub(crate) fn assume_ready(&self) {
        self.add(Ready::READABLE | Ready::WRITABLE);
    }

    /// Forgets readiness an operation found stale (`WouldBlock`, or a short
    /// transfer), unless an event arrived since `ev` was read. Closed states
    /// stay: they are final.
    #[inline]
    pub(crate) fn clear(&self, ev: ReadyEvent) {
        self.clear_unless(ev, Ready::EMPTY);
    }

    /// [`clear`](Self::clear) after a short stream read, unless urgent
    /// data is pending: a TCP read stops at the urgent mark with ordinary
    /// data still queued behind it, and edge-triggered epoll would not
    /// report that data again.
    #[inline]
    pub(crate) fn clear_after_short_read(&self, ev: ReadyEvent) {
        self.clear_unless(ev, Ready::PRIORITY);
    }

    /// Clears `ev` unless a newer event arrived or any of `pending` is
    /// cached.
    #[inline]
    fn clear_unless(&self, ev: ReadyEvent, pending: Ready) {
        let old = self.0.load(Relaxed);
        if (old >> TICK_SHIFT) as u32 != ev.tick || Ready::from_bits(old as u8).intersects(pending)
        {
            return;
        }
        let keep = Ready::READ_CLOSED | Ready::WRITE_CLOSED;
        let bits = Ready::from_bits(old as u8) - (ev.ready - keep);
        self.0.store(pack(bits, ev.tick), Relaxed);
    }
}

fn pack(ready: Ready, tick: u32) -> u64 {
    (u64::from(tick) << TICK_SHIFT) | u64::from(ready.bits())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clear_forgets_only_what_was_observed_and_only_at_that_tick() {
        let r = Readiness::default();
        r.add(Ready::READABLE | Ready::WRITABLE);
        let seen = r.get(Interest::READABLE);
        assert_eq!(seen.ready, Ready::READABLE);
        r.clear(seen);
        assert_eq!(r.get(Interest::READABLE).ready, Ready::EMPTY);
        assert_eq!(r.get(Interest::WRITABLE).ready, Ready::WRITABLE);

        let stale = r.get(Interest::WRITABLE);
        r.add(Ready::WRITABLE); // a newer event: the stale clear must not win
        r.clear(stale);
        assert_eq!(r.get(Interest::WRITABLE).ready, Ready::WRITABLE);
    }

    #[test]
    fn closed_states_survive_a_clear() {
        let r = Readiness::default();
        r.add(Ready::READABLE | Ready::READ_CLOSED);
        r.clear(r.get(Interest::READABLE));
        assert_eq!(r.get(Interest::READABLE).ready, Ready::READ_CLOSED);
    }

    #[test]
    fn tick_wraps_without_disturbing_the_ready_bits() {
        let r = Readiness(AtomicU64::new(pack(Ready::EMPTY, u32::MAX)));
        r.add(Ready::PRIORITY);
        let ev = r.get(Interest::PRIORITY);
        assert_eq!((ev.ready, ev.tick), (Ready::PRIORITY, 0));
    }
}
