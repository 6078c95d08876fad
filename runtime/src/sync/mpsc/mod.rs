//! Multi-producer, single-consumer channels, like `tokio::sync::mpsc`.
//!
//! * [`channel(n)`](channel): bounded; `send().await` waits while `n`
//!   messages are queued (backpressure), `try_send` fails with `Full`.
//! * [`unbounded_channel()`](unbounded_channel): `send` never waits.
//!
//! When every sender is dropped (or the receiver calls `close`), `recv`
//! returns the queued messages and then `None`. When the receiver is
//! dropped, sends fail and give the value back.
//!
//! ```ignore
//! let (tx, mut rx) = mini_rt::sync::mpsc::channel(16);
//! mini_rt::spawn(async move { for i in 0..3 { tx.send(i).await.unwrap(); } });
//! while let Some(i) = rx.recv().await { println!("{i}"); }
//! ```

mod bounded;
mod chan;
pub mod error;
mod handles;
#[cfg(test)]
mod tests;
mod unbounded;

pub use bounded::{channel, Permit, Receiver, Sender};
pub use unbounded::{unbounded_channel, UnboundedReceiver, UnboundedSender};
