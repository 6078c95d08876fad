//! The blocking pool: no queued closure is ever stranded while the pool is
//! under its thread limit, shutdown never runs user code under the pool's
//! lock, and aborting a closure that has not started means it never runs.
//!
//! Runtimes are built without `.backend(..)`, so `MINI_RT_BACKEND` decides:
//! the suite runs once per backend. Every wait is bounded.

mod support;

use mini_rt::runtime::{Builder, Handle, Runtime};
use mini_rt::sync::mpsc;
use mini_rt::task::{self, JoinSet};
use mini_rt::time::timeout;
use std::sync::atomic::{AtomicBool, Ordering::SeqCst};
use std::sync::Arc;
use std::time::Duration;
use support::{bounded, DropFlag};

/// How long a step that takes microseconds when it works may take.
const QUICK: Duration = Duration::from_secs(1);

fn rt() -> Runtime {
    Builder::new_current_thread().enable_all().build().unwrap()
}

fn one_thread_rt() -> Runtime {
    Builder::new_current_thread()
        .enable_all()
        .max_blocking_threads(1)
        .build()
        .unwrap()
}

/// A gate a blocking job waits at: `start` tells the test that the job
/// runs (so the pool's one thread is taken), `release` lets it finish.
/// The job's wait is bounded too, so a failing test leaks no thread.
struct Gate {
    started: std::sync::mpsc::Receiver<()>,
    release: std::sync::mpsc::Sender<()>,
}

fn occupy(handle: &Handle) -> Gate {
    let (started_tx, started) = std::sync::mpsc::channel();
    let (release, release_rx) = std::sync::mpsc::channel::<()>();
    drop(handle.spawn_blocking(move || {
        started_tx.send(()).unwrap();
        let _ = release_rx.recv_timeout(Duration::from_secs(20));
    }));
    let gate = Gate { started, release };
    gate.started
        .recv_timeout(Duration::from_secs(5))
        .expect("the occupying job did not start");
    gate
}

/// tokio#8056 ("lost spawn in the blocking pool"): once a quick job ran,
/// the pool has one idle worker. A long job wakes it; a quick job submitted
/// before that worker claimed the long one was queued for it (the worker
/// still counted idle) instead of getting a thread of its own, and waited
/// for the long job to end.
#[test]
fn spawn_blocking_is_not_lost_when_the_only_idle_worker_was_just_claimed() {
    for round in 0..500 {
        let ran_in_time = rt().block_on(async {
            task::spawn_blocking(|| {}).await.unwrap(); // one idle worker now
            let (tx, rx) = std::sync::mpsc::channel::<()>();
            let long = task::spawn_blocking(move || {
                let _ = rx.recv_timeout(Duration::from_secs(20));
            });
            let ok = timeout(QUICK, task::spawn_blocking(|| 42)).await;
            drop(tx);
            bounded(5, long).await.unwrap();
            ok.ok().map(|r| r.unwrap())
        });
        assert_eq!(
            ran_in_time,
            Some(42),
            "round {round}: the quick job was stranded"
        );
    }
}

/// tokio's regression test for tokio#8056, in mini_rt: long-lived blocking
/// tasks parked in `blocking_recv` while short-lived ones churn the pool's
/// workers through idle, woken and busy; then more long-lived ones. Every
/// one of them must start, or the test times out.
#[test]
fn spawn_blocking_is_not_lost_among_long_lived_blocking_recv_tasks() {
    type Writer = (Vec<mpsc::Sender<()>>, JoinSet<()>);

    /// Two blocking tasks, each parked in `blocking_recv` until its sender
    /// is dropped.
    fn writer() -> Writer {
        let mut senders = Vec::new();
        let mut tasks = JoinSet::new();
        for _ in 0..2 {
            let (tx, mut rx) = mpsc::channel::<()>(1);
            senders.push(tx);
            tasks.spawn_blocking(move || while rx.blocking_recv().is_some() {});
        }
        (senders, tasks)
    }

    /// Sends each task a message (received only if it started), then lets
    /// them end and joins them.
    async fn drive((senders, mut tasks): Writer) {
        for tx in &senders {
            tx.send(()).await.unwrap();
        }
        drop(senders);
        while let Some(res) = tasks.join_next().await {
            res.unwrap();
        }
    }

    async fn quick() {
        task::spawn_blocking(|| {}).await.unwrap();
    }

    for round in 0..512 {
        let finished = rt().block_on(timeout(QUICK, async {
            quick().await;
            quick().await;
            let persistent = writer();
            for _ in 0..2 {
                quick().await;
                quick().await;
                let (senders, mut tasks) = writer();
                drop(senders);
                while let Some(res) = tasks.join_next().await {
                    res.unwrap();
                }
            }
            quick().await;
            quick().await;
            let second = writer();
            drive(persistent).await;
            drive(second).await;
        }));
        assert!(
            finished.is_ok(),
            "round {round}: a blocking task was stranded"
        );
    }
}

/// Submits blocking work from its `Drop`, as a cleanup guard might.
struct SpawnsBlockingOnDrop(Handle, Arc<AtomicBool>);

impl Drop for SpawnsBlockingOnDrop {
    fn drop(&mut self) {
        self.1.store(true, SeqCst);
        drop(self.0.spawn_blocking(|| ()));
    }
}

/// Issue: `Pool::shutdown` dropped the queued jobs under the pool's lock; a
/// captured value whose `Drop` calls `spawn_blocking` re-entered the pool,
/// took the same lock and hung, so dropping the runtime never returned.
#[test]
fn dropping_the_runtime_returns_when_a_queued_jobs_drop_spawns_blocking_work() {
    let (done_tx, done) = std::sync::mpsc::channel();
    let dropped = Arc::new(AtomicBool::new(false));
    let ran = Arc::new(AtomicBool::new(false));
    let (d, r) = (dropped.clone(), ran.clone());
    // On a thread of its own, so a hang fails the test instead of blocking it.
    std::thread::spawn(move || {
        let rt = one_thread_rt();
        let gate = occupy(rt.handle());
        let guard = SpawnsBlockingOnDrop(rt.handle().clone(), d);
        drop(rt.handle().spawn_blocking(move || {
            let _keep = guard;
            r.store(true, SeqCst);
        }));
        drop(rt);
        drop(gate.release);
        done_tx.send(()).unwrap();
    });
    done.recv_timeout(Duration::from_secs(5))
        .expect("dropping the runtime hung");
    assert!(dropped.load(SeqCst), "the queued job was not dropped");
    assert!(!ran.load(SeqCst), "the queued job ran after shutdown");
}

/// Issue: the `JoinHandle` of `spawn_blocking` belonged to a separate waiter
/// task, so `abort()` cancelled only the waiter and the queued closure still
/// ran later. As with tokio, aborting it before it starts means it never runs.
#[test]
fn aborting_a_spawn_blocking_task_before_it_starts_means_it_never_runs() {
    let rt = one_thread_rt();
    rt.block_on(async {
        let gate = occupy(&Handle::current());
        let ran = Arc::new(AtomicBool::new(false));
        let closure_dropped = Arc::new(AtomicBool::new(false));
        let (r, flag) = (ran.clone(), DropFlag(closure_dropped.clone()));
        let queued = task::spawn_blocking(move || {
            let _flag = flag;
            r.store(true, SeqCst);
        });
        queued.abort();
        drop(gate.release);
        let err = bounded(5, queued).await.unwrap_err();
        assert!(err.is_cancelled());
        // One thread takes jobs in order: once this one ran, so was the
        // aborted job's turn.
        bounded(5, task::spawn_blocking(|| ())).await.unwrap();
        assert!(closure_dropped.load(SeqCst), "the aborted closure was kept");
        assert!(!ran.load(SeqCst), "the aborted closure ran");
    });
}
