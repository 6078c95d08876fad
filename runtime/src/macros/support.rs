//! Helpers the macros expand to, public as `mini_rt_runtime::__private` (not
//! public API: only `$crate::__private::…` paths inside the macros use them).

use std::cell::Cell;
use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};

pub use super::maybe_done::{maybe_done, MaybeDone};

thread_local! {
    /// This thread's xorshift64* state; never zero.
    static RNG: Cell<u64> = Cell::new(seed());
}

/// A nonzero seed that differs between threads and between runs: std's
/// `RandomState` is randomly keyed per thread, so hashing nothing with it is
/// a cheap source of entropy without a dependency.
fn seed() -> u64 {
    RandomState::new().build_hasher().finish() | 1
}

/// A pseudo-random number in `0..n` (0 if `n` is 0), from a per-thread
/// xorshift64* generator: fast and good enough for `select!`'s fairness, not
/// for anything needing real randomness.
pub fn thread_rng_n(n: u32) -> u32 {
    RNG.with(|state| {
        let mut x = state.get();
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        state.set(x);
        let r = (x.wrapping_mul(0x2545_f491_4f6c_dd1d) >> 32) as u32;
        // Lemire's multiply-shift maps r into 0..n without a division.
        ((u64::from(r) * u64::from(n)) >> 32) as u32
    })
}
