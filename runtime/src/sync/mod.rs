//! Synchronisation primitives for tasks: `oneshot`, `mpsc`, `Notify`.
