//! Compile-fail tests of the attributes' error messages (trybuild). Each
//! `ui/*.rs` must fail to compile with exactly the error in its `.stderr`;
//! regenerate those with `TRYBUILD=overwrite cargo test -p mini_rt_macros --test ui`
//! and review the diff.
//!
//! The cases use `mini_rt_macros` directly: on an error the attributes emit
//! nothing that refers to the runtime, so the messages don't depend on it.

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/ui/*.rs");
}
