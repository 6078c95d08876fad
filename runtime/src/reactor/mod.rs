//! reactor (in progress).
