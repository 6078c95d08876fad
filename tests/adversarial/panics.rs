//! Panic isolation: a task panicking in its poll, in its future's drop, or
//! in a waker's `wake` must not take the runtime or its other tasks down.

use crate::support::{bounded, DropFlag};
use crate::util::*;
use mini_rt::time::sleep;
use std::future::{poll_fn, Future};
use std::io::Write;
use std::os::unix::net::UnixStream;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::pin::pin;
use std::sync::atomic::{AtomicBool, Ordering::SeqCst};
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

/// Panics when dropped.
struct PanicOnDrop;

impl Drop for PanicOnDrop {
    fn drop(&mut self) {
        panic!("PanicOnDrop dropped");
    }
}

/// A neighbour that must keep working: a timer and a read.
async fn neighbour_still_served() {
    bounded(5, sleep(Duration::from_millis(5))).await;
    let (ours, peer) = UnixStream::pair().unwrap();
    let ours = register(ours);
    (&peer).write_all(b"ok").unwrap();
    let mut buf = [0u8; 2];
    bounded(5, read_exact(&ours, &mut buf)).await.unwrap();
    assert_eq!(&buf, b"ok");
}

#[test]
fn future_panicking_in_drop_after_completing_is_reported_as_a_panic() {
    rt().block_on(async {
        let h = mini_rt::spawn(async {
            let _guard = PanicOnDrop;
            sleep(Duration::from_millis(1)).await;
            7
        });
        let err = bounded(5, h).await.unwrap_err();
        assert!(err.is_panic(), "{err:?}");
        neighbour_still_served().await;
    });
}

#[test]
fn futures_panicking_in_drop_at_runtime_shutdown_do_not_stop_the_others_dropping() {
    let rt = rt();
    let flags: Vec<Arc<AtomicBool>> = (0..4).map(|_| Arc::default()).collect();
    rt.block_on(async {
        for (i, f) in flags.iter().enumerate() {
            let flag = DropFlag(f.clone());
            mini_rt::spawn(async move {
                let _flag = flag;
                let _bomb = (i % 2 == 0).then_some(PanicOnDrop);
                std::future::pending::<()>().await;
            });
        }
        mini_rt::task::yield_now().await;
    });
    let res = catch_unwind(AssertUnwindSafe(move || drop(rt)));
    assert!(
        res.is_ok(),
        "a panic in a task's drop escaped the runtime's drop"
    );
    for (i, f) in flags.iter().enumerate() {
        assert!(f.load(SeqCst), "task {i} was not dropped");
    }
}

#[test]
fn task_waking_a_panicking_waker_in_its_poll_reports_its_own_panic() {
    rt().block_on(async {
        let h = mini_rt::spawn(poll_fn(|_cx| {
            panicking_waker().wake_by_ref();
            Poll::Ready(())
        }));
        assert!(bounded(5, h).await.unwrap_err().is_panic());
        neighbour_still_served().await;
    });
}

/// Registers `waker` (which panics when woken) with a resource's driver by
/// polling `fut` once with it, then keeps `fut` alive until `hold` elapses.
async fn poll_once_with_panicking_waker<F: Future>(fut: F, hold: Duration) {
    let mut fut = pin!(fut);
    let waker = panicking_waker();
    let mut cx = Context::from_waker(&waker);
    assert!(fut.as_mut().poll(&mut cx).is_pending());
    sleep(hold).await;
}

/// Runs `body` (which hands a panicking waker to the driver) next to a
/// neighbour, and asserts the runtime survives and serves the neighbour.
fn runtime_survives_a_panicking_waker_in_the_driver<F: Future + 'static>(body: F) {
    let rt = rt();
    let res = catch_unwind(AssertUnwindSafe(|| {
        rt.block_on(async {
            let h = mini_rt::spawn(body);
            neighbour_still_served().await;
            // Whether the owning task reports a panic or not, it must end.
            let _ = bounded(5, h).await;
            neighbour_still_served().await;
        })
    }));
    assert!(
        res.is_ok(),
        "a waker panicking inside the driver took the runtime down"
    );
    // The runtime is still usable afterwards, and parks normally.
    let t0 = crate::support::cpu_time();
    rt.block_on(async { bounded(5, sleep(Duration::from_millis(50))).await });
    let cpu = crate::support::cpu_time() - t0;
    assert!(
        cpu < Duration::from_millis(25),
        "runtime spins after: {cpu:?}"
    );
}

#[test]
#[ignore = "BUG: a waker panicking in wake() inside Driver::turn unwinds out of block_on"]
fn waker_panicking_when_its_timer_fires_does_not_take_the_runtime_down() {
    runtime_survives_a_panicking_waker_in_the_driver(async {
        poll_once_with_panicking_waker(sleep(Duration::from_millis(1)), Duration::from_millis(20))
            .await;
    });
}

#[test]
#[ignore = "BUG: a waker panicking in wake() inside Driver::turn unwinds out of block_on"]
fn waker_panicking_when_its_fd_becomes_readable_does_not_take_the_runtime_down() {
    runtime_survives_a_panicking_waker_in_the_driver(async {
        let (ours, peer) = UnixStream::pair().unwrap();
        let ours = register(ours);
        let mut buf = [0u8; 1];
        let writer = std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(5));
            (&peer).write_all(b"x").unwrap();
            peer
        });
        let read = poll_fn(|cx| ours.poll_read(cx, &mut buf));
        poll_once_with_panicking_waker(read, Duration::from_millis(30)).await;
        drop(writer.join());
    });
}

#[test]
#[ignore = "BUG: a join waker panicking in wake() inside task completion (raw.rs `complete`) unwinds out of block_on"]
fn join_waker_panicking_when_its_task_completes_does_not_take_the_runtime_down() {
    runtime_survives_a_panicking_waker_in_the_driver(async {
        let target = mini_rt::spawn(sleep(Duration::from_millis(2)));
        poll_once_with_panicking_waker(target, Duration::from_millis(20)).await;
    });
}
