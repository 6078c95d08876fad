//! `join!`, `try_join!` and `select!` (declarative macros with tokio's syntax).

pub mod support {
    //! Helpers the macros expand to.
}
