//! `join!`, and the engine it shares with `try_join!`.

/// Waits on several futures concurrently and returns all their outputs.
///
/// `join!(a, b, …)` must be used inside an async context. The futures (or
/// anything `IntoFuture`) are evaluated in order, pinned on the stack and
/// polled on the **current task**: they run concurrently, not in parallel.
/// The result is the tuple of their outputs, in argument order, once every
/// one has completed; a future that completes early is dropped right away
/// while its output waits. Use [`try_join!`](crate::try_join) to stop at the
/// first error, or `spawn` to run futures in parallel with the caller.
///
/// Each poll starts with the next future in turn, so one that is always
/// ready cannot starve the rest; `join!(biased; a, b)` always polls in
/// argument order instead. `join!()` is `()`. A trailing comma is allowed,
/// and there is no fixed limit on the number of futures.
///
/// # Examples
/// ```
/// # use mini_rt_runtime as mini_rt;
/// # mini_rt::runtime::Runtime::new().unwrap().block_on(async {
/// async fn first() -> u32 { 1 }
/// async fn second() -> &'static str { "two" }
///
/// let (a, b) = mini_rt::join!(first(), second());
/// assert_eq!((a, b), (1, "two"));
/// # });
/// ```
#[macro_export]
macro_rules! join {
    () => { () };
    (biased; $(,)?) => { () };
    (biased; $($e:expr),+ $(,)?) => {{
        $crate::__join_impl! { @pin join true; [] (0); $($e,)+ }
    }};
    ($($e:expr),+ $(,)?) => {{
        $crate::__join_impl! { @pin join false; [] (0); $($e,)+ }
    }};
}

/// The engine of `join!` and `try_join!`; not public API.
///
/// `@pin` pins one future per step under a binding named `fut`. Each step is
/// a separate expansion, so macro hygiene makes each `fut` a distinct
/// variable; the step passes its own `fut` token along, and the final rule
/// receives the list of them, each still resolving to its own binding. That
/// gives every future its own `pin!` slot with no unsafe pin projection.
/// `($($n)*)` accumulates `0 + 1 + …`, the number of futures.
#[doc(hidden)]
#[macro_export]
macro_rules! __join_impl {
    (@pin $kind:ident $biased:tt; [$($f:ident)*] ($($n:tt)*); $e:expr, $($rest:tt)*) => {
        let mut fut = ::core::pin::pin!($crate::__private::maybe_done($e));
        $crate::__join_impl! { @pin $kind $biased; [$($f)* fut] ($($n)* + 1); $($rest)* }
    };

    (@pin $kind:ident $biased:tt; [$($f:ident)+] ($($n:tt)*);) => {
        let count: u32 = $($n)*;
        // Which future the next poll starts with (unless biased).
        let mut next_start: u32 = 0;
        ::core::future::poll_fn(|cx| {
            let mut skip = if $biased {
                0
            } else {
                let start = next_start;
                next_start = (next_start + 1) % count;
                start
            };
            let mut to_run = count;
            let mut is_pending = false;
            // Two passes: the first skips `skip` futures, the second polls
            // those; `to_run` stops it once each future was polled once.
            loop {
                $(
                    if skip == 0 {
                        if to_run == 0 {
                            break;
                        }
                        to_run -= 1;
                        $crate::__join_impl!(@poll $kind $f cx is_pending);
                    } else {
                        skip -= 1;
                    }
                )+
            }
            if is_pending {
                ::core::task::Poll::Pending
            } else {
                $crate::__join_impl!(@output $kind $($f)+)
            }
        })
        .await
    };

    (@poll join $f:ident $cx:ident $is_pending:ident) => {
        if ::core::future::Future::poll($f.as_mut(), $cx).is_pending() {
            $is_pending = true;
        }
    };

    (@poll try_join $f:ident $cx:ident $is_pending:ident) => {
        if ::core::future::Future::poll($f.as_mut(), $cx).is_pending() {
            $is_pending = true;
        } else if $f.as_mut().output_mut().is_some_and(|out| out.is_err()) {
            if let ::core::option::Option::Some(::core::result::Result::Err(e)) =
                $f.as_mut().take_output()
            {
                return ::core::task::Poll::Ready(::core::result::Result::Err(e));
            }
        }
    };

    (@output join $($f:ident)+) => {
        ::core::task::Poll::Ready(($(
            $f.as_mut().take_output().expect("join!: output taken twice"),
        )+))
    };

    (@output try_join $($f:ident)+) => {
        ::core::task::Poll::Ready(::core::result::Result::Ok(($(
            match $f.as_mut().take_output() {
                ::core::option::Option::Some(::core::result::Result::Ok(v)) => v,
                _ => ::core::unreachable!("try_join!: an output was taken twice or is an error"),
            },
        )+)))
    };
}
