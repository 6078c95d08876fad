//! `join!`, `try_join!` and `select!` (declarative macros with tokio's syntax).
//!
//! They are `#[macro_export]`ed, so they live at the crate root
//! (`mini_rt_runtime::join!`, re-exported as `mini_rt::join!`), and reach
//! their helpers through `$crate::__private`, which re-exports [`support`].

mod join;
mod maybe_done;
mod select;
mod select_impl;
pub mod support;
mod try_join;

#[cfg(test)]
mod tests;
