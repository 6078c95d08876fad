//! Timer edges beyond `tests/time.rs`: extreme deadlines on registered
//! timers, resets across the extremes, 100k timers created and cancelled
//! in random order with no leak, and sleeps dropped, reset or moved away
//! from their runtime, which must not leak their timers either.

use crate::support::bounded;
use crate::util::{rt, Lcg};
use mini_rt::runtime::{Handle, Runtime};
use mini_rt::time::{interval, sleep, sleep_until, timeout, timeout_at, Instant, Sleep};
use std::future::{poll_fn, Future};
use std::pin::Pin;
use std::task::Poll;
use std::time::Duration;

/// Polls every sleep once (registering its timer), returning how many are
/// ready. At most ~100 per call: a task poll has a budget of timer operations.
async fn poll_all(sleeps: &mut [Sleep]) -> usize {
    poll_fn(|cx| {
        let ready = sleeps
            .iter_mut()
            .map(|s| Pin::new(s).poll(cx).is_ready())
            .filter(|ready| *ready)
            .count();
        Poll::Ready(ready)
    })
    .await
}

#[test]
fn hundred_thousand_timers_cancelled_in_random_order_leave_nothing_behind() {
    rt().block_on(async {
        let handle = Handle::current();
        assert_eq!(handle.stats().timers, 0);
        let mut lcg = Lcg(0x5eed);
        let t0 = Instant::now();
        // Deadlines: a third due within 20 ms (they fire while we cancel),
        // the rest up to an hour away; many ties.
        let mut sleeps: Vec<Sleep> = (0..100_000)
            .map(|_| match lcg.below(3) {
                0 => sleep_until(t0 + Duration::from_millis(lcg.below(20))),
                _ => sleep_until(t0 + Duration::from_secs(1 + lcg.below(3600))),
            })
            .collect();
        // In chunks: each poll has a budget of timer operations.
        for chunk in sleeps.chunks_mut(100) {
            poll_all(chunk).await;
            mini_rt::task::yield_now().await;
        }
        assert!(handle.stats().timers > 60_000, "{:?}", handle.stats());
        // Cancel in random order (Fisher-Yates with the LCG), letting the
        // driver fire due timers between batches.
        for i in (1..sleeps.len()).rev() {
            let j = lcg.below(i as u64 + 1) as usize;
            sleeps.swap(i, j);
        }
        let mut n = 0;
        while !sleeps.is_empty() {
            let keep = sleeps.len().saturating_sub(10_000);
            sleeps.truncate(keep);
            n += 1;
            if n % 3 == 0 {
                sleep(Duration::from_millis(3)).await;
            }
        }
        assert_eq!(handle.stats().timers, 0, "cancelled timers leaked");
        // The heap still works after the churn.
        bounded(5, sleep(Duration::from_millis(1))).await;
        assert_eq!(handle.stats().timers, 0);
    });
}

#[test]
fn registered_timers_at_the_extremes_neither_panic_nor_fire_early() {
    rt().block_on(async {
        let handle = Handle::current();
        let now = Instant::now();
        let mut sleeps = vec![
            sleep(Duration::MAX),
            sleep_until(now + Duration::from_secs(86_400 * 365 * 20)),
            sleep(Duration::from_secs(u64::MAX / 2)),
            sleep(Duration::ZERO),
            sleep_until(now - Duration::from_secs(1)),
        ];
        // The last two are ready at once; the far ones register timers.
        assert_eq!(poll_all(&mut sleeps).await, 2);
        assert_eq!(handle.stats().timers, 3);
        // A far timer pending must not make the driver spin or wake early.
        let cpu0 = crate::support::cpu_time();
        bounded(5, sleep(Duration::from_millis(30))).await;
        assert!(crate::support::cpu_time() - cpu0 < Duration::from_millis(15));
        assert_eq!(poll_all(&mut sleeps[..3]).await, 0);
        // Resetting a far timer into the past fires it; into the far future
        // again re-arms it.
        let mut s = sleeps.swap_remove(0);
        Pin::new(&mut s).reset(now - Duration::from_secs(3600));
        bounded(5, &mut s).await;
        Pin::new(&mut s).reset(now + Duration::from_secs(86_400 * 365 * 30));
        assert!(timeout(Duration::from_millis(2), &mut s).await.is_err());
        drop(s);
        drop(sleeps);
        assert_eq!(handle.stats().timers, 0);
    });
}

#[test]
fn timeouts_with_past_and_max_deadlines_behave() {
    rt().block_on(async {
        let handle = Handle::current();
        let past = Instant::now() - Duration::from_secs(10);
        // A ready future wins over an elapsed deadline (as tokio).
        assert_eq!(timeout_at(past, async { 1 }).await, Ok(1));
        assert!(timeout_at(past, std::future::pending::<()>())
            .await
            .is_err());
        // A MAX timeout around a future that waits on a short timer.
        let r = timeout(Duration::MAX, sleep(Duration::from_millis(2))).await;
        assert!(r.is_ok());
        // Interval with a 1 ns period: ticks without panicking or spinning forever.
        let mut iv = interval(Duration::from_nanos(1));
        for _ in 0..100 {
            bounded(5, iv.tick()).await;
        }
        drop(iv);
        assert_eq!(handle.stats().timers, 0);
    });
}

#[test]
fn interval_with_zero_period_panics_as_tokio_does() {
    let res = std::panic::catch_unwind(|| interval(Duration::ZERO));
    assert!(res.is_err());
}

/// `n` far-off sleeps, each polled once (registering its timer) on the
/// current runtime.
async fn registered_sleeps(n: usize) -> Vec<Sleep> {
    let mut sleeps: Vec<Sleep> = (0..n).map(|_| sleep(Duration::from_secs(3600))).collect();
    // In chunks: each poll has a budget of timer operations.
    for chunk in sleeps.chunks_mut(100) {
        assert_eq!(poll_all(chunk).await, 0);
        mini_rt::task::yield_now().await;
    }
    sleeps
}

/// Runs `rt` once more (letting it take in what was released meanwhile)
/// and returns its live timer count.
fn timers_after_running(rt: &Runtime) -> u64 {
    rt.block_on(async {
        mini_rt::task::yield_now().await;
        Handle::current().stats().timers
    })
}

const N: usize = 20_000;

/// A `Sleep` dropped where its runtime is not running (after `block_on`
/// returned, or on another thread) hands its timer back to the runtime,
/// which releases it when it runs again.
#[test]
fn sleeps_dropped_outside_their_runtime_release_their_timers() {
    let rt = rt();
    let sleeps = rt.block_on(registered_sleeps(N));
    assert_eq!(timers_after_running(&rt), N as u64);
    drop(sleeps);
    assert_eq!(timers_after_running(&rt), 0, "dropped after block_on");
    let sleeps = rt.block_on(registered_sleeps(N));
    std::thread::spawn(move || drop(sleeps)).join().unwrap();
    assert_eq!(timers_after_running(&rt), 0, "dropped on another thread");
    // And the timers still work.
    rt.block_on(bounded(5, sleep(Duration::from_millis(1))));
}

/// Resetting a `Sleep` away from its runtime, or polling it under another
/// runtime (which moves it there), releases its timer on the first runtime.
#[test]
fn sleeps_reset_or_polled_under_another_runtime_release_their_first_timer() {
    let (rt, other) = (rt(), rt());
    let mut sleeps = rt.block_on(registered_sleeps(N));
    let later = Instant::now() + Duration::from_secs(7200);
    for s in &mut sleeps {
        Pin::new(s).reset(later);
    }
    assert_eq!(timers_after_running(&rt), 0, "reset after block_on");
    let sleeps = rt.block_on(async move {
        drop(sleeps);
        registered_sleeps(N).await
    });
    let sleeps = other.block_on(async move {
        let mut sleeps = sleeps;
        for chunk in sleeps.chunks_mut(100) {
            assert_eq!(poll_all(chunk).await, 0);
            mini_rt::task::yield_now().await;
        }
        assert_eq!(Handle::current().stats().timers, N as u64);
        sleeps
    });
    assert_eq!(timers_after_running(&rt), 0, "moved to another runtime");
    drop(sleeps);
    assert_eq!(timers_after_running(&other), 0);
}
