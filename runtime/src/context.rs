//! The thread-local runtime context.
