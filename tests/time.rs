//! Timers: ordering, precision bounds, idle CPU, edge deadlines, interval.

mod support;

use mini_rt::runtime::Runtime;
use mini_rt::time::{
    interval, interval_at, sleep, sleep_until, timeout, Duration, Instant, MissedTickBehavior,
};
use std::cell::RefCell;
use std::rc::Rc;
use support::bounded;

fn rt() -> Runtime {
    Runtime::new().expect("build runtime")
}

#[test]
fn many_timers_fire_in_deadline_order() {
    rt().block_on(async {
        let order = Rc::new(RefCell::new(Vec::new()));
        let mut hs = Vec::new();
        // 200 timers with scrambled deadlines, base + 0..=199 x 100 µs.
        let base = Instant::now() + Duration::from_millis(5);
        for i in 0..200u64 {
            let slot = (i * 7919) % 200;
            let order = order.clone();
            hs.push(mini_rt::spawn(async move {
                sleep_until(base + Duration::from_micros(slot * 100)).await;
                order.borrow_mut().push(slot);
            }));
        }
        for h in hs {
            bounded(10, h).await.unwrap();
        }
        let order = order.borrow();
        let mut sorted = order.clone();
        sorted.sort();
        assert_eq!(*order, sorted, "timers fired out of deadline order");
    });
}

#[test]
fn sleep_never_wakes_early_and_is_sub_millisecond() {
    rt().block_on(async {
        let mut took = Vec::new();
        for _ in 0..21 {
            let t0 = Instant::now();
            sleep(Duration::from_micros(200)).await;
            let d = t0.elapsed();
            assert!(d >= Duration::from_micros(200), "woke early: {d:?}");
            took.push(d);
        }
        took.sort();
        let median = took[took.len() / 2];
        // A millisecond-granularity timer (tokio's) would take >= 1 ms. The
        // bound is loose on purpose: this checks granularity, not speed.
        assert!(
            median < Duration::from_micros(900),
            "median sleep(200µs) = {median:?}"
        );
    });
}

#[test]
fn an_idle_runtime_uses_no_cpu() {
    let rt = rt();
    let cpu0 = support::cpu_time();
    rt.block_on(async {
        for i in 1..=5 {
            mini_rt::spawn(sleep(Duration::from_secs(60 * i)));
        }
        sleep(Duration::from_millis(400)).await;
    });
    let used = support::cpu_time() - cpu0;
    assert!(
        used < Duration::from_millis(40),
        "idle runtime used {used:?} of CPU in 400 ms"
    );
}

#[test]
fn zero_past_and_max_deadlines() {
    rt().block_on(async {
        bounded(5, sleep(Duration::ZERO)).await;
        bounded(5, sleep_until(Instant::now() - Duration::from_secs(5))).await;
        let far = sleep(Duration::MAX);
        assert!(far.deadline() > Instant::now() + Duration::from_secs(86400 * 365));
        assert!(timeout(Duration::from_millis(5), far).await.is_err());
        assert!(timeout(Duration::MAX, async { 3 }).await.is_ok());
    });
}

#[test]
fn timeout_returns_ready_value_or_elapsed() {
    rt().block_on(async {
        assert_eq!(timeout(Duration::ZERO, async { 9 }).await, Ok(9));
        let err = timeout(Duration::from_millis(10), std::future::pending::<()>())
            .await
            .unwrap_err();
        assert_eq!(err.to_string(), "deadline has elapsed");
        let io: std::io::Error = err.into();
        assert_eq!(io.kind(), std::io::ErrorKind::TimedOut);
    });
}

#[test]
fn cancelled_timers_are_removed() {
    rt().block_on(async {
        let handle = mini_rt::runtime::Handle::current();
        for i in 0..10_000u64 {
            let mut s = std::pin::pin!(sleep(Duration::from_secs(1 + i % 100)));
            // Poll once so it registers, then drop it.
            let _ = timeout(Duration::ZERO, &mut s).await;
        }
        assert_eq!(
            handle.stats().timers,
            0,
            "dropped sleeps left timers behind"
        );
    });
}

#[test]
fn sleep_reset_moves_the_deadline() {
    rt().block_on(async {
        let mut s = std::pin::pin!(sleep(Duration::from_secs(3600)));
        assert!(timeout(Duration::from_millis(1), s.as_mut()).await.is_err());
        s.as_mut().reset(Instant::now() + Duration::from_millis(5));
        bounded(5, s.as_mut()).await;
        assert!(s.is_elapsed());
    });
}

#[test]
fn interval_ticks_on_schedule() {
    rt().block_on(async {
        let start = Instant::now();
        let mut iv = interval(Duration::from_millis(10));
        let first = iv.tick().await;
        assert!(
            first.duration_since(start) < Duration::from_millis(5),
            "first tick is immediate"
        );
        for n in 1..=4u32 {
            let t = bounded(5, iv.tick()).await;
            assert_eq!(
                t,
                first + Duration::from_millis(10) * n,
                "ticks are scheduled, not measured"
            );
            assert!(Instant::now() >= t);
        }
    });
}

#[test]
fn interval_missed_tick_behaviours() {
    rt().block_on(async {
        let p = Duration::from_millis(10);
        for (behavior, expect_burst) in [
            (MissedTickBehavior::Burst, true),
            (MissedTickBehavior::Delay, false),
            (MissedTickBehavior::Skip, false),
        ] {
            let start = Instant::now();
            let mut iv = interval_at(start, p);
            iv.set_missed_tick_behavior(behavior);
            iv.tick().await;
            // Be late by 3.5 periods (blocking the thread on purpose).
            std::thread::sleep(Duration::from_millis(35));
            let late = iv.tick().await;
            assert_eq!(late, start + p);
            let next = iv.tick().await;
            if expect_burst {
                assert_eq!(next, start + 2 * p, "burst fires missed ticks immediately");
            } else if behavior == MissedTickBehavior::Skip {
                // The next multiple of the period after the late tick: 4p,
                // or later if this thread was descheduled meanwhile (a
                // loaded machine), but always on the period's grid.
                let since = next - start;
                assert!(
                    since >= 4 * p && since.as_nanos() % p.as_nanos() == 0,
                    "skip goes to the next multiple of the period: {since:?}"
                );
            } else {
                assert!(
                    next >= late + p + Duration::from_millis(20),
                    "delay restarts from now"
                );
            }
        }
    });
}
