//! task (in progress).
