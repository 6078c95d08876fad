//! The retry policy both listeners' `accept` share: when the process or the
//! system is out of file descriptors or memory, the pending connection stays
//! in the backlog and the listener stays readable, so retrying at once would
//! spin. Back off on a timer instead, and give up if it persists.

use mini_rt_runtime::__net::is_out_of_resources;
use mini_rt_runtime::time::sleep;
use std::future::Future;
use std::io;
use std::time::Duration;

/// First pause after an accept ran out of resources; doubles up to
/// [`MAX_BACKOFF`].
const FIRST_BACKOFF: Duration = Duration::from_millis(1);
const MAX_BACKOFF: Duration = Duration::from_millis(100);
/// How long to keep retrying (the sum of the pauses) before returning the error.
const GIVE_UP_AFTER: Duration = Duration::from_secs(1);

/// Runs `accept` until it yields a connection or an error. An
/// `EMFILE`, `ENFILE`, `ENOBUFS` or `ENOMEM` is retried after a pause of
/// 1 ms doubling to 100 ms, and returned once the pauses add up to 1 s.
///
/// Cancel-safe: dropping the future during a pause loses no connection.
pub(crate) async fn accept_with_backoff<T, F: Future<Output = io::Result<T>>>(
    mut accept: impl FnMut() -> F,
) -> io::Result<T> {
    let mut backoff = FIRST_BACKOFF;
    let mut waited = Duration::ZERO;
    loop {
        match accept().await {
            Err(e) if is_out_of_resources(&e) && waited < GIVE_UP_AFTER => {
                sleep(backoff).await;
                waited += backoff;
                backoff = (backoff * 2).min(MAX_BACKOFF);
            }
            res => return res,
        }
    }
}
