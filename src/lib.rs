//! mini_rt: a single-threaded async runtime. (Facade: re-exports only.)
#![forbid(unsafe_code)]
pub use mini_rt_runtime::*;

pub use mini_rt_macros::{main, test};
pub use mini_rt_runtime::{join, select, try_join};
