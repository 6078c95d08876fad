//! `try_join!`.

/// Waits on several fallible futures concurrently; returns all their `Ok`
/// values, or the first `Err`.
///
/// Like [`join!`](crate::join), but every future must output a
/// `Result<T, E>` with the same `E`. As soon as one completes with `Err(e)`,
/// `try_join!` returns `Err(e)` and the other futures are dropped without
/// being polled again. If all succeed, it returns `Ok((t1, t2, …))` in
/// argument order. `try_join!(biased; …)` polls in argument order;
/// `try_join!()` is `Ok(())`.
///
/// # Examples
/// ```
/// # use mini_rt_runtime as mini_rt;
/// # mini_rt::runtime::Runtime::new().unwrap().block_on(async {
/// async fn fetch(n: u32) -> Result<u32, String> {
///     if n < 10 { Ok(n * 2) } else { Err(format!("{n} is too big")) }
/// }
///
/// let (a, b) = mini_rt::try_join!(fetch(1), fetch(2))?;
/// assert_eq!((a, b), (2, 4));
/// let failed = mini_rt::try_join!(fetch(3), fetch(30));
/// assert_eq!(failed, Err("30 is too big".to_string()));
/// # Ok::<(), String>(())
/// # }).unwrap();
/// ```
#[macro_export]
macro_rules! try_join {
    () => { ::core::result::Result::Ok(()) };
    (biased; $(,)?) => { ::core::result::Result::Ok(()) };
    (biased; $($e:expr),+ $(,)?) => {{
        $crate::__join_impl! { @pin try_join true; [] (0); $($e,)+ }
    }};
    ($($e:expr),+ $(,)?) => {{
        $crate::__join_impl! { @pin try_join false; [] (0); $($e,)+ }
    }};
}
