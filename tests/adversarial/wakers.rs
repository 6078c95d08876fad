//! Wakers used from other threads: a wake reaches a runtime parked in the
//! backend, wakes coalesce into one poll, and a waker that outlives its
//! task (or its runtime) is a harmless no-op.

use crate::support::bounded;
use crate::util::rt;
use mini_rt::runtime::Handle;
use mini_rt::task::yield_now;
use mini_rt::time::sleep;
use std::future::poll_fn;
use std::rc::Rc;
use std::sync::mpsc;
use std::task::{Poll, Waker};
use std::time::{Duration, Instant};

/// Lets the runtime absorb remote wakes and run whatever they queued.
async fn settle() {
    for _ in 0..3 {
        yield_now().await;
        sleep(Duration::from_millis(1)).await; // a driver turn
    }
}

/// Spawns a task that hands its waker out on every poll and finishes on
/// poll `done_at`. Returns its poll counter and the waker receiver.
fn counting_task(
    done_at: u32,
) -> (
    Rc<std::cell::Cell<u32>>,
    mpsc::Receiver<Waker>,
    mini_rt::task::JoinHandle<Instant>,
) {
    let polls = Rc::new(std::cell::Cell::new(0));
    let (tx, rx) = mpsc::channel();
    let p = polls.clone();
    let h = mini_rt::spawn(poll_fn(move |cx| {
        p.set(p.get() + 1);
        if p.get() == done_at {
            return Poll::Ready(Instant::now());
        }
        let _ = tx.send(cx.waker().clone());
        Poll::Pending
    }));
    (polls, rx, h)
}

#[test]
fn foreign_thread_wake_reaches_a_runtime_parked_in_the_backend() {
    rt().block_on(async {
        let handle = Handle::current();
        let (polls, wakers, task) = counting_task(2);
        yield_now().await; // the task's first poll hands out its waker
        let waker = wakers.try_recv().expect("task polled once");
        let parks_before = handle.stats().parks;
        let remote = handle.clone();
        let waking = std::thread::spawn(move || {
            // Wait until the runtime published a new park (it is blocked in
            // the backend, since nothing else is runnable), then wake.
            let deadline = Instant::now() + Duration::from_secs(5);
            while remote.stats().parks == parks_before {
                assert!(Instant::now() < deadline, "runtime never parked");
                std::thread::sleep(Duration::from_millis(1));
            }
            let t = Instant::now();
            waker.wake();
            t
        });
        let ran_at = bounded(5, task).await.unwrap();
        let woke_at = waking.join().unwrap();
        let latency = ran_at.saturating_duration_since(woke_at);
        assert!(
            latency < Duration::from_millis(100),
            "woken task ran {latency:?} after its wake"
        );
        assert_eq!(polls.get(), 2);
        assert!(handle.stats().parks > parks_before);
    });
}

#[test]
fn foreign_wakes_twice_or_during_poll_poll_once_more() {
    rt().block_on(async {
        let (polls, wakers, task) = counting_task(u32::MAX);
        yield_now().await;
        // Twice from another thread while the task is idle: one poll.
        let w = wakers.try_recv().unwrap();
        std::thread::spawn(move || {
            w.wake_by_ref();
            w.wake();
        })
        .join()
        .unwrap();
        settle().await;
        assert_eq!(polls.get(), 2, "two coalescible wakes must poll once");
        // From another thread *during* the task's poll: exactly one more poll.
        let (in_poll_tx, in_poll_rx) = mpsc::channel::<Waker>();
        let (woke_tx, woke_rx) = mpsc::channel::<()>();
        let waker_thread = std::thread::spawn(move || {
            for w in in_poll_rx {
                w.wake_by_ref();
                w.wake();
                woke_tx.send(()).unwrap();
            }
        });
        let p = Rc::new(std::cell::Cell::new(0));
        let p2 = p.clone();
        let task2 = mini_rt::spawn(poll_fn(move |cx| {
            p2.set(p2.get() + 1);
            if p2.get() == 1 {
                // Block this poll until the other thread has woken us.
                in_poll_tx.send(cx.waker().clone()).unwrap();
                woke_rx.recv_timeout(Duration::from_secs(5)).unwrap();
                return Poll::Pending;
            }
            Poll::Ready(())
        }));
        bounded(5, task2).await.unwrap();
        settle().await;
        assert_eq!(p.get(), 2, "wakes during a poll must requeue it once");
        waker_thread.join().unwrap();
        drop(task);
    });
}

#[test]
fn waker_of_a_finished_task_is_a_harmless_no_op() {
    let rt = rt();
    let kept = rt.block_on(async {
        let handle = Handle::current();
        let (polls, wakers, task) = counting_task(2);
        yield_now().await;
        let w = wakers.try_recv().unwrap();
        w.wake_by_ref();
        bounded(5, task).await.unwrap();
        let live = handle.stats().tasks;
        let stale = w.clone();
        std::thread::spawn(move || {
            w.wake_by_ref();
            w.wake();
        })
        .join()
        .unwrap();
        stale.wake_by_ref(); // on the runtime thread too
        settle().await;
        assert_eq!(polls.get(), 2, "a finished task was polled again");
        assert_eq!(handle.stats().tasks, live);
        stale
    });
    drop(rt);
    // ...and after its runtime is gone.
    std::thread::spawn(move || kept.wake()).join().unwrap();
}

#[test]
fn waker_woken_after_the_runtime_dropped_is_a_no_op() {
    let rt = rt();
    let w = rt.block_on(async {
        let (_polls, wakers, task) = counting_task(u32::MAX);
        yield_now().await;
        drop(task);
        wakers.try_recv().unwrap()
    });
    drop(rt);
    let w2 = w.clone();
    std::thread::spawn(move || w2.wake()).join().unwrap();
    w.wake();
}
