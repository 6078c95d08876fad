//! `select!`.

/// Waits on several futures at once and runs the handler of the first one to
/// complete (whose output matches its pattern); the others are dropped.
///
/// ```text
/// select! {
///     [biased;]
///     <pattern> = <async expression> [, if <precondition>] => <handler>,
///     …
///     [else => <expression>]
/// }
/// ```
///
/// Must be used inside an async context. It behaves exactly like tokio's:
///
/// 1. Every `<precondition>` is evaluated; a branch whose precondition is
///    `false` is **disabled** for this `select!`.
/// 2. Every `<async expression>` is evaluated (disabled branches' too, in
///    order) and the futures (or `IntoFuture`s) are pinned on the stack.
/// 3. The enabled futures are polled concurrently on the current task. When
///    one completes, its output is matched against its `<pattern>`: on a
///    match, the other futures are dropped and the `<handler>` runs with the
///    pattern's bindings; on a mismatch, that branch is disabled and the
///    others keep going.
/// 4. If every branch is disabled, the `else` expression is the result; with
///    no `else` branch, `select!` panics with "all branches are disabled and
///    there is no else branch".
///
/// Handlers run in the caller's own code, not in a closure: `return`,
/// `break`, `continue`, `?` and `.await` inside them act on the enclosing
/// function or loop, and the branch futures are already dropped when a
/// handler runs, so it may use what they borrowed. Every handler (and
/// `else`) must have the same type, which is the type of the `select!`.
///
/// Each poll starts at a pseudo-randomly chosen branch, so no branch is
/// favoured; with `biased;` first, branches are polled in the order written
/// (useful to prioritise, e.g., a shutdown signal). At most 64 branches.
///
/// # Examples
/// ```
/// # use mini_rt_runtime as mini_rt;
/// # mini_rt::runtime::Runtime::new().unwrap().block_on(async {
/// use std::future::{pending, ready};
///
/// let mut attempts = 0;
/// let found = loop {
///     attempts += 1;
///     mini_rt::select! {
///         // Disabled for this round when the output is `None`.
///         Some(v) = ready((attempts >= 3).then_some(attempts)) => break v,
///         // Disabled by its precondition: never polled.
///         _ = pending::<()>(), if attempts > 10 => unreachable!(),
///         // Runs when every branch is disabled.
///         else => continue,
///     }
/// };
/// assert_eq!(found, 3);
/// # });
/// ```
#[macro_export]
macro_rules! select {
    () => {
        ::core::compile_error!("select! requires at least one branch")
    };
    ($(biased;)? else => $else:expr $(,)?) => {{
        $else
    }};
    (biased; $p:pat = $($t:tt)*) => {
        $crate::__select_impl!(@start true; $p = $($t)*)
    };
    ($p:pat = $($t:tt)*) => {
        $crate::__select_impl!(@start false; $p = $($t)*)
    };
}
