//! The multi-thread runtime: placement over workers, tasks staying on their
//! worker, panics isolated there, `block_on` from any thread, stats, the
//! macros. Backend: `MINI_RT_BACKEND` (CI runs this file once per backend).

mod support;

use mini_rt::runtime::{Builder, Handle};
use mini_rt::sync::oneshot;
use mini_rt::time::{sleep, Duration};
use std::collections::HashMap;
use std::rc::Rc;
use std::sync::mpsc;
use std::thread::{self, ThreadId};
use support::{bounded, multi_thread};

/// How many of `ids` each thread has.
fn per_thread(ids: &[ThreadId]) -> HashMap<ThreadId, usize> {
    let mut count = HashMap::new();
    for id in ids {
        *count.entry(*id).or_insert(0) += 1;
    }
    count
}

/// 40 tasks placed while all are alive go 10 to each of 4 workers, none to
/// the thread in `block_on`.
#[test]
fn tasks_spread_evenly_over_workers() {
    let rt = multi_thread(4);
    let me = thread::current().id();
    let (ids_tx, ids_rx) = mpsc::channel();
    let mut release = Vec::new();
    let mut handles = Vec::new();
    for i in 0..40 {
        let (tx, rx) = oneshot::channel::<()>();
        release.push(tx);
        let ids_tx = ids_tx.clone();
        handles.push(rt.spawn(async move {
            ids_tx.send((i, thread::current().id())).unwrap();
            let _ = rx.await;
            thread::current().id()
        }));
    }
    let mut ids = vec![me; 40];
    for _ in 0..40 {
        let (i, id) = ids_rx.recv_timeout(Duration::from_secs(10)).unwrap();
        ids[i] = id;
    }
    let count = per_thread(&ids);
    assert_eq!(count.len(), 4, "{count:?}");
    assert!(count.values().all(|&n| n == 10), "{count:?}");
    assert!(!count.contains_key(&me));
    for tx in release {
        let _ = tx.send(());
    }
    rt.block_on(async {
        for (h, polled_on) in handles.into_iter().zip(ids) {
            // Polled again after its wake: still on the same worker.
            assert_eq!(bounded(10, h).await.unwrap(), polled_on);
        }
    });
}

/// Placement counts live tasks: when long- and short-lived spawns
/// alternate, the long-lived ones still spread (round-robin alone would
/// put all 20 on one of the 2 workers).
#[test]
fn placement_spreads_long_lived_tasks_when_spawns_alternate() {
    let rt = multi_thread(2);
    let (ids_tx, ids_rx) = mpsc::channel();
    let mut release = Vec::new();
    rt.block_on(async {
        let handle = Handle::current();
        for _ in 0..20 {
            let (tx, rx) = oneshot::channel::<()>();
            release.push(tx);
            let ids_tx = ids_tx.clone();
            handle.spawn(async move {
                ids_tx.send(thread::current().id()).unwrap();
                let _ = rx.await;
            });
            bounded(10, handle.spawn(async {})).await.unwrap();
        }
    });
    let ids: Vec<ThreadId> = (0..20)
        .map(|_| ids_rx.recv_timeout(Duration::from_secs(10)).unwrap())
        .collect();
    let count: Vec<usize> = per_thread(&ids).into_values().collect();
    assert_eq!(count.len(), 2, "{count:?}");
    // A short task's completion may be published a moment after its join
    // handle resolves; such a stale count costs at most one placement.
    assert!(count[0].abs_diff(count[1]) <= 2, "{count:?}");
    drop(release);
}

/// A `!Send` task spawned inside a worker stays on that worker, through
/// timers, yields and IO.
#[test]
fn local_task_spawned_in_a_worker_stays_there() {
    let rt = multi_thread(3);
    let results = rt.block_on(async {
        let mut handles = Vec::new();
        for _ in 0..6 {
            handles.push(Handle::current().spawn(async {
                let worker = thread::current().id();
                let local = mini_rt::spawn(async move {
                    // `Rc`: this task is !Send, so it can only stay here.
                    let seen = Rc::new(std::cell::RefCell::new(Vec::new()));
                    for i in 0..20u64 {
                        seen.borrow_mut().push(thread::current().id());
                        if i % 2 == 0 {
                            sleep(Duration::from_micros(100)).await;
                        } else {
                            mini_rt::task::yield_now().await;
                        }
                    }
                    let (a, b) = std::os::unix::net::UnixStream::pair().unwrap();
                    let a = mini_rt::net::UnixStream::from_std(a).unwrap();
                    let b = mini_rt::net::UnixStream::from_std(b).unwrap();
                    let inner = seen.clone();
                    let echo = mini_rt::spawn(async move {
                        let mut buf = [0u8; 1];
                        b.readable().await.unwrap();
                        b.try_read(&mut buf).unwrap();
                        inner.borrow_mut().push(thread::current().id());
                    });
                    a.writable().await.unwrap();
                    a.try_write(b"x").unwrap();
                    echo.await.unwrap();
                    let v = seen.borrow().clone();
                    v
                });
                let seen = bounded(10, local).await.unwrap();
                (worker, seen)
            }));
        }
        let mut out = Vec::new();
        for h in handles {
            out.push(bounded(10, h).await.unwrap());
        }
        out
    });
    for (worker, seen) in results {
        assert_eq!(seen.len(), 21);
        assert!(seen.iter().all(|&t| t == worker));
    }
}

/// A panic fails only its own task: its worker keeps running the others,
/// and takes new ones.
#[test]
fn panic_is_isolated_to_its_task_on_its_worker() {
    let rt = multi_thread(2);
    let per_worker = rt.block_on(async {
        let handles = Handle::current().spawn_on_each_worker(|| async {
            let worker = thread::current().id();
            let (tx, rx) = oneshot::channel::<u32>();
            let survivor = mini_rt::spawn(async move { rx.await.unwrap() + 1 });
            let doomed = mini_rt::spawn(async {
                mini_rt::task::yield_now().await;
                panic!("boom on a worker");
            });
            let err = doomed.await.unwrap_err();
            assert!(err.is_panic());
            tx.send(41).unwrap();
            (worker, survivor.await.unwrap())
        });
        let mut out = Vec::new();
        for h in handles {
            out.push(bounded(10, h).await.unwrap());
        }
        out
    });
    assert_eq!(per_worker.len(), 2);
    assert_ne!(per_worker[0].0, per_worker[1].0);
    assert!(per_worker.iter().all(|&(_, v)| v == 42));
    // Both workers still run new tasks.
    let ids: Vec<ThreadId> = rt.block_on(async {
        let mut v = Vec::new();
        for h in Handle::current().spawn_on_each_worker(|| async { thread::current().id() }) {
            v.push(bounded(10, h).await.unwrap());
        }
        v
    });
    assert_eq!(
        ids,
        per_worker.iter().map(|(t, _)| *t).collect::<Vec<_>>(),
        "spawn_on_each_worker goes to the workers in order"
    );
}

/// `block_on` may be called from any thread that is not a worker, one at a
/// time; its future runs on that thread, with IO and timers of its own, and
/// reaches the workers through the handle.
#[test]
fn block_on_from_a_thread_that_is_not_a_worker() {
    let rt = std::sync::Arc::new(multi_thread(2));
    for round in 0..3 {
        let rt = rt.clone();
        thread::spawn(move || {
            let me = thread::current().id();
            rt.block_on(async move {
                assert_eq!(thread::current().id(), me);
                let listener = mini_rt::net::TcpListener::bind("127.0.0.1:0")
                    .await
                    .unwrap();
                let addr = listener.local_addr().unwrap();
                let server = Handle::current().spawn(async move {
                    use mini_rt::io::{AsyncReadExt, AsyncWriteExt};
                    let (mut s, _) = listener.accept().await.unwrap();
                    let mut buf = [0u8; 5];
                    s.read_exact(&mut buf).await.unwrap();
                    s.write_all(&buf).await.unwrap();
                    thread::current().id()
                });
                use mini_rt::io::{AsyncReadExt, AsyncWriteExt};
                let mut c = bounded(10, mini_rt::net::TcpStream::connect(addr))
                    .await
                    .unwrap();
                c.write_all(b"hello").await.unwrap();
                let mut buf = [0u8; 5];
                bounded(10, c.read_exact(&mut buf)).await.unwrap();
                assert_eq!(&buf, b"hello");
                sleep(Duration::from_millis(1)).await;
                let worker = bounded(10, server).await.unwrap();
                assert_ne!(
                    worker, me,
                    "round {round}: a Handle::spawn ran on the caller"
                );
            });
        })
        .join()
        .unwrap();
    }
}

/// Stats: `stats` sums every loop, `worker_stats` has one entry per worker,
/// and a worker's own view of itself is live.
#[test]
fn stats_sum_over_workers() {
    let rt = multi_thread(3);
    assert_eq!(rt.handle().worker_stats().len(), 3);
    let polls = rt.block_on(async {
        let mut v = Vec::new();
        for h in Handle::current().spawn_on_each_worker(|| async {
            for _ in 0..10 {
                mini_rt::task::yield_now().await;
            }
            let all = Handle::current().worker_stats();
            all.iter().map(|s| s.polls).max().unwrap()
        }) {
            v.push(bounded(10, h).await.unwrap());
        }
        v
    });
    // Each saw at least its own 10 polls, live.
    assert!(polls.iter().all(|&p| p >= 10), "{polls:?}");
    let total = rt.handle().stats();
    let per: u64 = rt.handle().worker_stats().iter().map(|s| s.polls).sum();
    assert!(total.polls >= per);
}

/// `shutdown_background` returns without waiting for a worker that is
/// stuck (a task blocking its thread); `shutdown_timeout` waits no longer
/// than asked.
#[test]
fn shutdown_background_and_timeout_do_not_wait_for_a_stuck_worker() {
    for background in [true, false] {
        let rt = multi_thread(2);
        let (release_tx, release_rx) = mpsc::channel::<()>();
        let (stuck_tx, stuck_rx) = mpsc::channel();
        let _stuck = rt.spawn(async move {
            stuck_tx.send(()).unwrap();
            // Blocks its worker thread (what a task must never do).
            let _ = release_rx.recv_timeout(std::time::Duration::from_secs(30));
        });
        stuck_rx.recv_timeout(Duration::from_secs(10)).unwrap();
        let start = std::time::Instant::now();
        if background {
            rt.shutdown_background();
        } else {
            rt.shutdown_timeout(Duration::from_millis(100));
        }
        let took = start.elapsed();
        assert!(
            took < Duration::from_secs(2),
            "background {background}: {took:?}"
        );
        release_tx.send(()).unwrap();
    }
}

#[test]
#[should_panic(expected = "Worker threads cannot be set to 0")]
fn zero_workers_is_refused() {
    Builder::new_multi_thread().worker_threads(0);
}

#[mini_rt::test(flavor = "multi_thread", worker_threads = 2)]
async fn test_macro_runs_a_multi_thread_runtime() {
    let handle = Handle::current();
    assert_eq!(handle.worker_stats().len(), 2);
    let me = thread::current().id();
    let there = bounded(10, handle.spawn(async { thread::current().id() }))
        .await
        .unwrap();
    assert_ne!(there, me);
}
