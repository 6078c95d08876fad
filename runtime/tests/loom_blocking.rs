//! A loom model of the blocking pool (`task::pool::Pool`, the code the
//! runtime ships): its idle/notify accounting and its shutdown, explored
//! exhaustively up to a preemption bound (see `model`).
//!
//! Run: `RUSTFLAGS="--cfg loom" cargo test --release -p mini_rt_runtime loom`
//! (every test here is named `loom_*`, so the filter finds them all).
#![cfg(loom)]

use loom::sync::{Arc, Condvar, Mutex};
use loom::thread;
use mini_rt_runtime::task::pool::Pool;

/// `loom::model` with at most `BOUND` preemptions per execution unless
/// `LOOM_MAX_PREEMPTIONS` says otherwise: with three threads, two locks and
/// two condvars the unbounded search takes far too long (bound 4: seconds;
/// 6: over a minute). The bound still finds the lost-spawn race below on
/// the pool's old accounting (which counted a woken worker idle).
fn model<F: Fn() + Sync + Send + 'static>(f: F) {
    let mut builder = loom::model::Builder::new();
    if builder.preemption_bound.is_none() {
        builder.preemption_bound = Some(BOUND);
    }
    builder.check(f);
}

const BOUND: usize = 4;

/// A count that jobs raise and the model thread waits on. A job the pool
/// never runs leaves the waiter blocked forever, which loom reports as a
/// deadlock.
#[derive(Default)]
struct Counter {
    n: Mutex<usize>,
    cond: Condvar,
}

impl Counter {
    fn add(&self) {
        *self.n.lock().unwrap() += 1;
        self.cond.notify_all();
    }

    fn wait_for(&self, want: usize) {
        let mut n = self.n.lock().unwrap();
        while *n < want {
            n = self.cond.wait(n).unwrap();
        }
    }
}

/// Raises its counter when dropped: the job ran or was dropped unrun.
struct Resolve(Arc<Counter>);

impl Drop for Resolve {
    fn drop(&mut self) {
        self.0.add();
    }
}

/// tokio#8056's race: a job is submitted while the only idle worker has
/// been woken for the previous job but has not claimed it yet. The new job
/// must get a worker of its own (the pool is under its limit), although
/// the woken worker still sits in the condvar; the previous job blocks
/// until the new one ran, so a stranded job deadlocks.
#[test]
fn loom_submit_while_the_last_idle_worker_is_claiming() {
    model(|| {
        let pool = Pool::new(2);
        let ran = Arc::new(Counter::default());

        // One worker, which goes idle once this has run.
        let r = ran.clone();
        pool.execute(Box::new(move || r.add()));
        ran.wait_for(1);

        // A long job that takes that worker, then a quick one.
        let release = Arc::new(Counter::default());
        let rel = release.clone();
        pool.execute(Box::new(move || rel.wait_for(1)));
        let r = ran.clone();
        pool.execute(Box::new(move || r.add()));

        ran.wait_for(2);
        release.add();
        pool.shutdown();
    });
}

/// A submit racing shutdown: the job either runs or is dropped unrun, and
/// either way its result slot resolves.
#[test]
fn loom_submit_racing_shutdown_resolves() {
    model(|| {
        let pool = Arc::new(Pool::new(1));
        let resolved = Arc::new(Counter::default());
        let (p, guard) = (pool.clone(), Resolve(resolved.clone()));
        let submitter = thread::spawn(move || {
            p.execute(Box::new(move || drop(guard)));
        });
        pool.shutdown();
        resolved.wait_for(1);
        submitter.join().unwrap();
    });
}

/// Submits a job to the pool when dropped, as a cleanup guard might.
struct SubmitOnDrop(Arc<Pool>, Arc<Counter>);

impl Drop for SubmitOnDrop {
    fn drop(&mut self) {
        let guard = Resolve(self.1.clone());
        self.0.execute(Box::new(move || drop(guard)));
    }
}

/// Shutdown drops the queued jobs after releasing the pool's lock, so a
/// job whose captured value submits more work in its `Drop` does not
/// deadlock the pool (and that late job is resolved too: dropped unrun).
#[test]
fn loom_shutdown_drops_queued_jobs_outside_the_lock() {
    model(|| {
        let pool = Arc::new(Pool::new(1));
        let (started, release, resolved) = (
            Arc::new(Counter::default()),
            Arc::new(Counter::default()),
            Arc::new(Counter::default()),
        );
        // Occupy the one thread, so the next job stays queued.
        let (s, r) = (started.clone(), release.clone());
        pool.execute(Box::new(move || {
            s.add();
            r.wait_for(1);
        }));
        started.wait_for(1);
        let guard = SubmitOnDrop(pool.clone(), resolved.clone());
        pool.execute(Box::new(move || drop(guard)));

        pool.shutdown();
        resolved.wait_for(1);
        release.add();
    });
}
