//! Adversarial tests: what makes a runtime trustworthy. Each theme module
//! proves one property with a test that fails if it breaks: no lost wakeup,
//! no spinning, no leaked fd, no connection (or panic) hurting the others.
//!
//! Every wait is bounded (`support::bounded` or a deadline), so a lost wakeup
//! fails a test instead of hanging the suite.

// The helpers every integration test shares live beside this directory.
#[path = "../support/mod.rs"]
mod support;

mod util;

mod emfile;
mod io_edges;
mod panics;
mod shutdown;
mod starvation;
mod timers;
mod token_reuse;
mod wakers;
