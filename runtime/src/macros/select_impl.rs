//! The engine behind `select!`: a tt-muncher that normalises the branches,
//! then one rule that expands them all.

/// The engine of `select!`; not public API.
///
/// * `@start` supplies the table of `(variant index)` pairs, one per
///   possible branch: the variant names the branch's output in the `Out`
///   enum and its pinned future; the index is its bit in the `disabled` mask.
/// * `@{ biased; [table]; normalised branches }` munches one branch per step
///   (so the recursion depth is the number of branches), popping a table
///   entry for it and rewriting it to
///   `(variant index) pattern = future, if precondition => handler,`.
/// * `@expand` writes the code once every branch is normalised.
#[doc(hidden)]
#[macro_export]
macro_rules! __select_impl {
    (@start $biased:tt; $($t:tt)*) => {
        $crate::__select_impl!(@{ $biased; [
            (_0 0) (_1 1) (_2 2) (_3 3) (_4 4) (_5 5) (_6 6) (_7 7)
            (_8 8) (_9 9) (_10 10) (_11 11) (_12 12) (_13 13) (_14 14) (_15 15)
            (_16 16) (_17 17) (_18 18) (_19 19) (_20 20) (_21 21) (_22 22) (_23 23)
            (_24 24) (_25 25) (_26 26) (_27 27) (_28 28) (_29 29) (_30 30) (_31 31)
            (_32 32) (_33 33) (_34 34) (_35 35) (_36 36) (_37 37) (_38 38) (_39 39)
            (_40 40) (_41 41) (_42 42) (_43 43) (_44 44) (_45 45) (_46 46) (_47 47)
            (_48 48) (_49 49) (_50 50) (_51 51) (_52 52) (_53 53) (_54 54) (_55 55)
            (_56 56) (_57 57) (_58 58) (_59 59) (_60 60) (_61 61) (_62 62) (_63 63)
        ]; } $($t)*)
    };

    // ===== Done: all branches normalised =====
    (@{ $biased:tt; [$($table:tt)*]; $($acc:tt)* }) => {
        $crate::__select_impl!(@expand $biased; $($acc)*;
            ::core::panic!("all branches are disabled and there is no else branch"))
    };
    (@{ $biased:tt; [$($table:tt)*]; $($acc:tt)* } else => $else:expr $(,)?) => {
        $crate::__select_impl!(@expand $biased; $($acc)*; $else)
    };
    (@{ $biased:tt; []; $($acc:tt)* } $($rest:tt)+) => {
        ::core::compile_error!("select! supports at most 64 branches")
    };

    // ===== Normalise one branch =====
    // A block handler needs no comma after it; an expression handler needs one
    // unless it is the last branch. The precondition defaults to `true`.
    (@{ $biased:tt; [$next:tt $($table:tt)*]; $($acc:tt)* }
        $p:pat = $f:expr, if $c:expr => $h:block, $($r:tt)*) => {
        $crate::__select_impl!(
            @{ $biased; [$($table)*]; $($acc)* $next $p = $f, if $c => $h, } $($r)*
        )
    };
    (@{ $biased:tt; [$next:tt $($table:tt)*]; $($acc:tt)* }
        $p:pat = $f:expr => $h:block, $($r:tt)*) => {
        $crate::__select_impl!(
            @{ $biased; [$($table)*]; $($acc)* $next $p = $f, if true => $h, } $($r)*
        )
    };
    (@{ $biased:tt; [$next:tt $($table:tt)*]; $($acc:tt)* }
        $p:pat = $f:expr, if $c:expr => $h:block $($r:tt)*) => {
        $crate::__select_impl!(
            @{ $biased; [$($table)*]; $($acc)* $next $p = $f, if $c => $h, } $($r)*
        )
    };
    (@{ $biased:tt; [$next:tt $($table:tt)*]; $($acc:tt)* }
        $p:pat = $f:expr => $h:block $($r:tt)*) => {
        $crate::__select_impl!(
            @{ $biased; [$($table)*]; $($acc)* $next $p = $f, if true => $h, } $($r)*
        )
    };
    (@{ $biased:tt; [$next:tt $($table:tt)*]; $($acc:tt)* }
        $p:pat = $f:expr, if $c:expr => $h:expr) => {
        $crate::__select_impl!(
            @{ $biased; [$($table)*]; $($acc)* $next $p = $f, if $c => $h, }
        )
    };
    (@{ $biased:tt; [$next:tt $($table:tt)*]; $($acc:tt)* }
        $p:pat = $f:expr => $h:expr) => {
        $crate::__select_impl!(
            @{ $biased; [$($table)*]; $($acc)* $next $p = $f, if true => $h, }
        )
    };
    (@{ $biased:tt; [$next:tt $($table:tt)*]; $($acc:tt)* }
        $p:pat = $f:expr, if $c:expr => $h:expr, $($r:tt)*) => {
        $crate::__select_impl!(
            @{ $biased; [$($table)*]; $($acc)* $next $p = $f, if $c => $h, } $($r)*
        )
    };
    (@{ $biased:tt; [$next:tt $($table:tt)*]; $($acc:tt)* }
        $p:pat = $f:expr => $h:expr, $($r:tt)*) => {
        $crate::__select_impl!(
            @{ $biased; [$($table)*]; $($acc)* $next $p = $f, if true => $h, } $($r)*
        )
    };

    // ===== Expand =====
    (@expand $biased:tt;
        $( ($v:ident $i:tt) $bind:pat = $fut:expr, if $c:expr => $h:expr, )+
        ; $else:expr
    ) => {{
        // The output of whichever branch completed, or `Disabled` once every
        // branch is. One generic parameter per branch, named like its variant.
        // In a module so its name cannot shadow anything the user's
        // expressions refer to.
        #[doc(hidden)]
        mod __mini_rt_select_util {
            #[allow(non_camel_case_types)]
            pub(super) enum Out<$($v,)+> {
                $( $v($v), )+
                Disabled,
            }
        }

        let branches: u32 = 0 $( + $crate::__select_impl!(@one $i) )+;
        let mut disabled: u64 = 0;
        $(
            if !$c {
                disabled |= 1u64 << $i;
            }
        )+

        // The futures live in this block, so they are dropped before any
        // handler runs.
        #[allow(unused_mut)]
        let mut output = {
            // Bound as-is first so temporaries in `$fut` get their lifetime
            // extended by the `let`, as with tokio.
            $( let $v = $fut; )+
            $( let mut $v = ::core::pin::pin!(::core::future::IntoFuture::into_future($v)); )+
            ::core::future::poll_fn(|cx| {
                let start: u32 = if $biased {
                    0
                } else {
                    $crate::__private::thread_rng_n(branches)
                };
                // Stays false only if no branch was polled: all are disabled.
                let mut is_pending = false;
                for i in 0..branches {
                    match (start + i) % branches {
                        $(
                            $i => {
                                let mask = 1u64 << $i;
                                if disabled & mask == mask {
                                    continue;
                                }
                                // `mut`: the pattern may bind `ref mut`.
                                #[allow(unused_mut)]
                                let mut out = match ::core::future::Future::poll($v.as_mut(), cx) {
                                    ::core::task::Poll::Ready(out) => out,
                                    ::core::task::Poll::Pending => {
                                        is_pending = true;
                                        continue;
                                    }
                                };
                                disabled |= mask;
                                // Does `out` match the pattern? A guard that
                                // records the match and then fails tests it
                                // without moving out of `out` (the arm, never
                                // taken, diverges so borrowck agrees), so any
                                // pattern (`mut x`, `ref x`, `A(x) | B(x)`,
                                // …) works as written, in any edition.
                                let mut matched = false;
                                #[allow(unused_variables, unused_mut)]
                                match out {
                                    $bind if {
                                        matched = true;
                                        false
                                    } => ::core::unreachable!(),
                                    _ => {}
                                }
                                if !matched {
                                    continue;
                                }
                                return ::core::task::Poll::Ready(
                                    __mini_rt_select_util::Out::$v(out),
                                );
                            }
                        )+
                        _ => ::core::unreachable!("select!: branch index out of range"),
                    }
                }
                if is_pending {
                    ::core::task::Poll::Pending
                } else {
                    ::core::task::Poll::Ready(__mini_rt_select_util::Out::Disabled)
                }
            })
            .await
        };

        match output {
            $( __mini_rt_select_util::Out::$v($bind) => $h, )+
            __mini_rt_select_util::Out::Disabled => $else,
            #[allow(unreachable_patterns)]
            _ => ::core::unreachable!("select!: output does not match its pattern"),
        }
    }};

    (@one $i:tt) => { 1 };
}
