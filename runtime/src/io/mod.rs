//! Async IO traits and utilities.
pub use crate::sys::{Interest, Ready};
pub use std::io::{Error, ErrorKind, Result};
