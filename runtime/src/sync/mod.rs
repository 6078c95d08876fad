//! Synchronisation primitives for tasks: `tokio::sync`, re-exported whole.
//!
//! [`Mutex`], [`RwLock`], [`Semaphore`], [`Barrier`], [`Notify`],
//! [`OnceCell`], [`SetOnce`], and the channels [`oneshot`], [`mpsc`]
//! (bounded and unbounded, with `recv_many`), [`broadcast`] and [`watch`]
//! are tokio's own types: they need no tokio runtime (only wakers), so they
//! run on mini_rt's executor, and tokio-stream's wrappers and tokio-util take
//! them unchanged. Every type is `Send + Sync` when `T: Send`, so a plain
//! thread (a `spawn_blocking` thread, say) can talk to a task: the
//! `blocking_*` methods park that thread, and must not be called on the
//! runtime's thread.
//!
//! tokio's cooperative budget applies to them only on tokio's runtime:
//! on mini_rt a receiver that always has a message ready never yields by
//! itself.
#[doc(inline)]
pub use tokio::sync::*;
