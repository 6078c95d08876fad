//! Panic isolation: a task panicking in its poll, in its future's drop, or
//! in a waker's `wake` must not take the runtime or its other tasks down.

use crate::support::{bounded, cpu_time, DropFlag};
use crate::util::*;
use mini_rt::io::ReadBuf;
use mini_rt::time::{sleep, sleep_until, Instant, Sleep};
use std::future::{poll_fn, Future};
use std::io::Write;
use std::os::unix::net::UnixStream;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::pin::{pin, Pin};
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

/// Polls `fut` once with a waker that panics when woken (after waking this
/// task), so the driver or the task cell holds that waker; runs `trigger`;
/// then waits until the panicking waker was woken.
async fn wake_a_panicking_waker<F: Future>(fut: F, trigger: impl FnOnce()) {
    let mut fut = pin!(fut);
    let (waker, record) = panicking_waker_then(Some(own_waker().await));
    assert!(fut
        .as_mut()
        .poll(&mut Context::from_waker(&waker))
        .is_pending());
    trigger();
    until("the panicking waker is woken", || record.woken.load(SeqCst)).await;
}

/// Runs `body` (which hands a panicking waker to the driver) next to a
/// neighbour, and asserts the runtime survives and serves the neighbour.
fn runtime_survives_a_panicking_waker_in_the_driver<F: Future + 'static>(body: F) {
    let rt = rt();
    let res = catch_unwind(AssertUnwindSafe(|| {
        rt.block_on(async {
            let h = mini_rt::spawn(body);
            neighbour_still_served().await;
            bounded(5, h).await.expect("the body does not panic itself");
            neighbour_still_served().await;
        })
    }));
    assert!(
        res.is_ok(),
        "a waker panicking inside the driver took the runtime down"
    );
    // The runtime is still usable afterwards, and parks normally.
    let t0 = cpu_time();
    rt.block_on(async { bounded(5, sleep(Duration::from_millis(50))).await });
    let cpu = cpu_time() - t0;
    assert!(
        cpu < Duration::from_millis(25),
        "runtime spins after: {cpu:?}"
    );
}

#[test]
fn waker_panicking_when_its_timer_fires_does_not_take_the_runtime_down() {
    runtime_survives_a_panicking_waker_in_the_driver(async {
        wake_a_panicking_waker(sleep(Duration::from_millis(50)), || {}).await;
    });
}

#[test]
fn waker_panicking_when_its_fd_becomes_readable_does_not_take_the_runtime_down() {
    runtime_survives_a_panicking_waker_in_the_driver(async {
        let (ours, peer) = UnixStream::pair().unwrap();
        let ours = register(ours);
        let mut buf = [0u8; 1];
        let mut buf = ReadBuf::new(&mut buf);
        let read = poll_fn(|cx| ours.poll_read(cx, &mut buf));
        wake_a_panicking_waker(read, || (&peer).write_all(b"x").unwrap()).await;
    });
}

#[test]
fn join_waker_panicking_when_its_task_completes_does_not_take_the_runtime_down() {
    runtime_survives_a_panicking_waker_in_the_driver(async {
        let handle = mini_rt::runtime::Handle::current();
        let tasks = handle.stats().tasks;
        let target = mini_rt::spawn(sleep(Duration::from_millis(20)));
        wake_a_panicking_waker(target, || {}).await;
        // Completed despite the panic, and released (valgrind: not leaked).
        assert_eq!(handle.stats().tasks, tasks);
    });
}

/// Wakers collected in one driver turn after a panicking one: a
/// `catch_unwind` that gave up on the rest of the batch would lose them.
#[test]
fn wakers_in_the_same_batch_after_a_panicking_one_are_all_woken() {
    const N: usize = 8;
    runtime_survives_a_panicking_waker_in_the_driver(async {
        let task = own_waker().await;
        let all_woken = |f: &[Arc<Forward>]| f.iter().all(|f| f.woken.load(SeqCst));
        // Timers: one deadline; ties fire in insertion order, the
        // panicking waker's first.
        let at = Instant::now() + Duration::from_millis(100);
        let (bomb, record) = panicking_waker_then(None);
        let mut sleeps: Vec<Sleep> = (0..=N).map(|_| sleep_until(at)).collect();
        let forwards: Vec<_> = (0..N).map(|_| Forward::new(&task)).collect();
        let wakers = std::iter::once(bomb).chain(forwards.iter().map(|f| f.clone().into()));
        for (s, w) in sleeps.iter_mut().zip(wakers) {
            assert!(Pin::new(s).poll(&mut Context::from_waker(&w)).is_pending());
        }
        until("every timer waker is woken", || all_woken(&forwards)).await;
        assert!(record.woken.load(SeqCst));
        // IO: N + 1 registrations made readable before one turn, the
        // panicking reader's first.
        let pairs: Vec<_> = (0..=N)
            .map(|_| {
                let (ours, peer) = UnixStream::pair().unwrap();
                (register(ours), peer)
            })
            .collect();
        let (bomb, record) = panicking_waker_then(None);
        let forwards: Vec<_> = (0..N).map(|_| Forward::new(&task)).collect();
        let wakers = std::iter::once(bomb).chain(forwards.iter().map(|f| f.clone().into()));
        for ((ours, _), w) in pairs.iter().zip(wakers) {
            let polled = ours.poll_read(
                &mut Context::from_waker(&w),
                &mut ReadBuf::new(&mut [0u8; 1]),
            );
            assert!(polled.is_pending());
        }
        for (_, peer) in &pairs {
            (&*peer).write_all(b"x").unwrap();
        }
        until("every reader's waker is woken", || all_woken(&forwards)).await;
        assert!(record.woken.load(SeqCst));
    });
}

#[test]
fn task_panicking_in_poll_is_reported_and_its_neighbours_keep_running() {
    rt().block_on(async {
        let neighbour = mini_rt::spawn(neighbour_still_served());
        let h = mini_rt::spawn(async {
            sleep(Duration::from_millis(1)).await;
            panic!("task exploded mid-poll");
        });
        let err = bounded(5, h).await.unwrap_err();
        assert!(err.is_panic(), "{err:?}");
        let payload = err.into_panic();
        assert_eq!(
            payload.downcast_ref::<&str>(),
            Some(&"task exploded mid-poll")
        );
        bounded(5, neighbour).await.unwrap();
        neighbour_still_served().await;
    });
}

/// Sends `panicking()` on its channel when dropped.
struct ReportsPanickingOnDrop(Option<mini_rt::sync::oneshot::Sender<bool>>);

impl Drop for ReportsPanickingOnDrop {
    fn drop(&mut self) {
        let panicking = std::thread::panicking();
        if let Some(tx) = self.0.take() {
            let _ = tx.send(panicking);
        }
        assert!(panicking, "dropped after the unwind, not during it");
    }
}

/// A future whose first poll panics, holding `D` in a field (an async
/// block's locals would be dropped by its own unwind cleanup, whoever runs
/// it; a field is dropped only when the runtime drops the future).
struct PanicsInPoll<D>(#[allow(dead_code)] D);

impl<D> Future for PanicsInPoll<D> {
    type Output = ();
    fn poll(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<()> {
        panic!("poll panic");
    }
}

/// tokio drops a panicking task's future during the unwind: its destructors
/// see `std::thread::panicking()` and run before the `JoinHandle` resolves.
#[test]
fn future_of_task_panicking_in_poll_is_dropped_during_the_unwind() {
    rt().block_on(async {
        let (tx, mut rx) = mini_rt::sync::oneshot::channel();
        let h = mini_rt::spawn(PanicsInPoll(ReportsPanickingOnDrop(Some(tx))));
        let err = bounded(5, h).await.unwrap_err();
        assert!(err.is_panic(), "{err:?}");
        // Sent before the handle resolved, so it is already there.
        assert_eq!(rx.try_recv(), Ok(true), "not dropped during the unwind");
        neighbour_still_served().await;
    });
}

/// A future that also panics in its drop during that unwind is caught
/// there: the process does not abort, and the poll's panic is reported.
#[test]
fn future_panicking_in_drop_while_its_poll_unwinds_reports_the_poll_panic() {
    rt().block_on(async {
        let h = mini_rt::spawn(PanicsInPoll(PanicOnDrop));
        let err = bounded(5, h).await.unwrap_err();
        assert_eq!(err.into_panic().downcast_ref::<&str>(), Some(&"poll panic"));
        neighbour_still_served().await;
    });
}
