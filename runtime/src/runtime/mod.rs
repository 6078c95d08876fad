//! The runtime: [`Builder`], [`Runtime`], [`Handle`], and the scheduler loop.

mod builder;
mod core;
mod handle;
#[doc(hidden)]
pub mod park;
#[allow(clippy::module_inception)]
mod runtime;
mod shared;

pub use crate::sys::Backend;
pub use builder::Builder;
pub(crate) use core::{Core, Stats};
pub use handle::{Handle, RuntimeStats, TryCurrentError};
pub use runtime::Runtime;
pub(crate) use shared::Shared;
