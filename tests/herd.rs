//! One listener, many workers: a listener awaited on several workers wakes
//! one worker per connection on the epoll backends that can register it
//! with `EPOLLEXCLUSIVE` (edge and level mode); on the others (epoll
//! oneshot, poll, select, io_uring) every waiting worker wakes (the
//! thundering herd), and that is asserted too. One `SO_REUSEPORT` listener
//! per worker wakes exactly the worker whose listener got the connection.
//!
//! "Wakes" is counted twice: the workers' threads woken from sleep
//! (voluntary context switches: the kernel re-checks readiness before
//! returning from `epoll_wait`/`ppoll`/`pselect` and puts a worker that
//! lost the race back to sleep, so the herd mostly costs context switches)
//! and the runtime's IO wakeups (`RuntimeStats::wakeups`, per worker).
//! Backend: `MINI_RT_BACKEND` (CI runs this file once per backend).

// Shared with the benchmark, which uses all of it.
#[allow(dead_code)]
#[path = "../benches/herd/run.rs"]
mod herd;

use herd::{run, Mode, Outcome};
use mini_rt::runtime::{Backend, Builder};

const WORKERS: usize = 4;
const CONNECTIONS: usize = 200;

/// The backend this process runs on (`MINI_RT_BACKEND` or the default).
fn backend() -> Backend {
    Builder::new_current_thread().build().unwrap().backend()
}

fn measure(mode: Mode) -> Outcome {
    let out = run(None, WORKERS, mode, CONNECTIONS).expect("herd run");
    println!("{mode:?} on {}: {out:?}", backend());
    assert_eq!(out.connections, CONNECTIONS as u64, "{out:?}");
    out
}

/// Whether the backend registers a listener exclusively.
fn exclusive_backend() -> bool {
    matches!(backend(), Backend::EpollEdge | Backend::EpollLevel)
}

#[test]
fn shared_listener_on_4_workers_wakes_at_most_1_5_workers_per_connection_with_epollexclusive() {
    let out = measure(Mode::Exclusive);
    if exclusive_backend() {
        assert!(out.thread_wakeups_per_conn() <= 1.5, "{out:?}");
        assert!(out.wakeups_per_conn() <= 1.5, "{out:?}");
        assert!(out.wakeups > 0, "the accepts were woken by IO: {out:?}");
    } else {
        // No EPOLLEXCLUSIVE here: every parked worker's thread wakes, and
        // all but one go back to sleep (or find nothing to accept).
        assert!(
            out.thread_wakeups_per_conn() >= 2.0,
            "{} was expected to herd: {out:?}",
            backend()
        );
    }
}

#[test]
fn shared_listener_without_epollexclusive_wakes_every_worker_on_every_backend() {
    let out = measure(Mode::Plain);
    assert!(out.thread_wakeups_per_conn() >= 2.0, "{out:?}");
}

#[test]
fn reuseport_listener_per_worker_wakes_one_worker_and_spreads_the_load() {
    let out = measure(Mode::ReusePort);
    assert!(out.thread_wakeups_per_conn() <= 1.5, "{out:?}");
    assert!(out.wakeups_per_conn() <= 1.1, "{out:?}");
    assert!(out.spurious_per_conn() <= 0.1, "{out:?}");
    // The kernel hashes connections over the listeners: with 200 of them,
    // a worker with none would mean its listener is not in the group.
    assert!(out.per_worker.iter().all(|&n| n > 0), "{out:?}");
}
