//! time (in progress).
