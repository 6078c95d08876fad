//! Adversarial tests: what makes a runtime trustworthy. Each theme module
//! proves one property with a test that fails if it breaks: no lost wakeup,
//! no spinning, no leaked fd, no connection (or panic) hurting the others.
//!
//! Every wait is bounded (`support::bounded` or a deadline), so a lost wakeup
//! fails a test instead of hanging the suite.

mod support;

#[path = "adversarial/util.rs"]
mod util;

#[path = "adversarial/emfile.rs"]
mod emfile;
#[path = "adversarial/io_edges.rs"]
mod io_edges;
#[path = "adversarial/panics.rs"]
mod panics;
#[path = "adversarial/shutdown.rs"]
mod shutdown;
#[path = "adversarial/starvation.rs"]
mod starvation;
#[path = "adversarial/timers.rs"]
mod timers;
#[path = "adversarial/token_reuse.rs"]
mod token_reuse;
#[path = "adversarial/wakers.rs"]
mod wakers;
