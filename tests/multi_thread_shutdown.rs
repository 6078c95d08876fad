//! Dropping a multi-thread runtime whose tasks are parked on IO, timers and
//! `spawn_blocking`: it returns promptly, every task is dropped on the
//! worker that ran it, and every fd is closed (the tasks' sockets and the
//! runtime's own backends and eventfds). The only test of its binary, so
//! counting the process's fds is exact. Backend: `MINI_RT_BACKEND`.

mod support;

use mini_rt::io::AsyncReadExt;
use mini_rt::net::{TcpListener, UnixStream};
use mini_rt::runtime::{Builder, Handle};
use mini_rt::time::{sleep, Duration};
use std::os::fd::AsRawFd;
use std::sync::{mpsc, Arc, Condvar, Mutex};
use std::thread::{self, ThreadId};
use std::time::Instant;

/// Records, when dropped, the thread that polled its task and the one
/// dropping it.
struct DropLog {
    polled_on: ThreadId,
    log: Arc<Mutex<Vec<(ThreadId, ThreadId)>>>,
}

impl Drop for DropLog {
    fn drop(&mut self) {
        let me = thread::current().id();
        self.log.lock().unwrap().push((self.polled_on, me));
    }
}

/// What every worker's tasks share with the test.
#[derive(Clone)]
struct Probe {
    log: Arc<Mutex<Vec<(ThreadId, ThreadId)>>>,
    /// The /proc link of every socket fd the tasks opened.
    sockets: Arc<Mutex<Vec<(i32, std::path::PathBuf)>>>,
    parked: mpsc::Sender<()>,
    /// Released at the end of the test, so the blocking job's thread ends.
    gate: Arc<(Mutex<bool>, Condvar)>,
}

impl Probe {
    fn guard(&self) -> DropLog {
        DropLog {
            polled_on: thread::current().id(),
            log: self.log.clone(),
        }
    }

    fn note(&self, fd: i32) {
        let link = std::fs::read_link(format!("/proc/self/fd/{fd}")).unwrap();
        self.sockets.lock().unwrap().push((fd, link));
    }

    /// Spawns, on the current loop, a task parked on IO, one on a timer and
    /// one on a blocking job.
    fn spawn_parked_tasks(&self) {
        let (a, b) = UnixStream::pair().unwrap();
        self.note(a.as_raw_fd());
        self.note(b.as_raw_fd());
        let (p, guard) = (self.clone(), self.guard());
        mini_rt::spawn(async move {
            let _guard = guard;
            let mut a = a;
            p.parked.send(()).unwrap();
            let _ = a.read(&mut [0u8; 1]).await;
            drop(b);
        });
        let (p, guard) = (self.clone(), self.guard());
        mini_rt::spawn(async move {
            let _guard = guard;
            p.parked.send(()).unwrap();
            sleep(Duration::from_secs(3600)).await;
        });
        let (p, guard) = (self.clone(), self.guard());
        mini_rt::spawn(async move {
            let _guard = guard;
            let gate = p.gate.clone();
            let job = mini_rt::task::spawn_blocking(move || {
                let (open, cond) = &*gate;
                let open = open.lock().unwrap();
                let _ = cond.wait_timeout_while(open, Duration::from_secs(30), |o| !*o);
            });
            p.parked.send(()).unwrap();
            let _ = job.await;
        });
    }
}

#[test]
fn dropping_a_multi_thread_runtime_with_parked_tasks_is_prompt_and_closes_every_fd() {
    const WORKERS: usize = 3;
    let before = support::open_fds();
    let (parked_tx, parked_rx) = mpsc::channel();
    let probe = Probe {
        log: Arc::default(),
        sockets: Arc::default(),
        parked: parked_tx,
        gate: Arc::default(),
    };
    let rt = Builder::new_multi_thread()
        .worker_threads(WORKERS)
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let p = probe.clone();
        let on_workers = Handle::current().spawn_on_each_worker(move || {
            let p = p.clone();
            async move {
                p.spawn_parked_tasks();
                // And a listener waiting for a connection that never comes.
                let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
                p.note(listener.as_raw_fd());
                let guard = p.guard();
                p.parked.send(()).unwrap();
                let _ = listener.accept().await;
                drop(guard);
            }
        });
        drop(on_workers);
        // block_on's own loop holds parked tasks too.
        probe.spawn_parked_tasks();
        mini_rt::task::yield_now().await;
    });
    let expected = (WORKERS + 1) * 3 + WORKERS;
    for _ in 0..expected {
        parked_rx
            .recv_timeout(Duration::from_secs(10))
            .expect("a task did not start");
    }
    assert!(support::open_fds() > before);

    let start = Instant::now();
    drop(rt);
    let took = start.elapsed();
    assert!(took < Duration::from_secs(2), "dropping took {took:?}");

    let log = probe.log.lock().unwrap().clone();
    // Every task parked above, plus each worker's outer (factory) task.
    assert_eq!(log.len(), expected, "{log:?}");
    for (polled_on, dropped_on) in &log {
        assert_eq!(polled_on, dropped_on, "a task was dropped off its thread");
    }
    for (fd, link) in probe.sockets.lock().unwrap().iter() {
        let now = std::fs::read_link(format!("/proc/self/fd/{fd}")).ok();
        assert_ne!(now.as_ref(), Some(link), "fd {fd} ({link:?}) leaked");
    }
    // The runtime's own fds (each loop's backend and eventfd) too.
    assert_eq!(support::open_fds(), before, "fds leaked by the runtime");

    let (open, cond) = &*probe.gate;
    *open.lock().unwrap() = true;
    cond.notify_all();
}
