//! Synchronisation primitives for tasks: [`oneshot`], [`mpsc`], [`Notify`].
//!
//! They mirror `tokio::sync`: same names, signatures and behaviour. Every type
//! is `Send + Sync` when `T: Send`, so a plain `std::thread` (for instance a
//! `spawn_blocking` thread) can talk to a task and vice versa.
//!
//! Implementation rules shared by the whole module (no `unsafe` here):
//! * state lives behind one `parking_lot::Mutex` per primitive, taken once per
//!   operation on the hot paths;
//! * take what you need under the lock, drop the lock, *then* wake: no `Waker`
//!   is ever woken (or a user value dropped) while a lock is held;
//! * a stored waker is replaced only when `Waker::will_wake` says it differs.

mod blocking;
pub mod mpsc;
mod notify;
pub mod oneshot;
#[cfg(test)]
mod test_support;
mod wait_list;

pub use notify::{Notified, Notify};
