//! Time errors.

use std::fmt;

/// The error returned by [`timeout`](super::timeout) when the deadline passes first.
///
/// ```
/// # use mini_rt_runtime as mini_rt;
/// use mini_rt::time::{error::Elapsed, sleep, timeout, Duration};
///
/// # mini_rt::runtime::Runtime::new().unwrap().block_on(async {
/// let result = timeout(Duration::from_millis(1), sleep(Duration::from_secs(60))).await;
/// let elapsed: Elapsed = result.unwrap_err();
/// // It converts into `io::Error` (kind `TimedOut`), so `?` works in IO code.
/// let err = std::io::Error::from(elapsed);
/// assert_eq!(err.kind(), std::io::ErrorKind::TimedOut);
/// # });
/// ```
#[derive(Debug, PartialEq, Eq, Clone, Copy)]
pub struct Elapsed(());

impl Elapsed {
    pub(crate) fn new() -> Elapsed {
        Elapsed(())
    }
}

impl fmt::Display for Elapsed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("deadline has elapsed")
    }
}

impl std::error::Error for Elapsed {}

impl From<Elapsed> for std::io::Error {
    fn from(_: Elapsed) -> std::io::Error {
        std::io::ErrorKind::TimedOut.into()
    }
}
