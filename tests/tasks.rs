//! Tasks: join, abort, panic isolation, fairness, nested block_on, thread
//! binding, shutdown.

mod support;

use mini_rt::io::ReadBuf;
use std::os::fd::AsRawFd;

use mini_rt::runtime::{Builder, Handle, Runtime};
use mini_rt::task::{self, JoinHandle};
use mini_rt::time::{sleep, Duration, Instant};
use std::cell::RefCell;
use std::future::poll_fn;
use std::rc::Rc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering::SeqCst};
use std::sync::Arc;
use std::task::Poll;
use support::{bounded, DropFlag};

fn rt() -> Runtime {
    Runtime::new().expect("build runtime")
}

#[test]
fn join_returns_output_of_non_send_task() {
    let out = rt().block_on(async {
        let shared = Rc::new(RefCell::new(Vec::new()));
        let s2 = shared.clone();
        let h = mini_rt::spawn(async move {
            s2.borrow_mut().push(1);
            41 + 1
        });
        let out = h.await.unwrap();
        let seen = shared.borrow().clone();
        (out, seen)
    });
    assert_eq!(out, (42, vec![1]));
}

#[test]
fn spawned_tasks_run_concurrently_and_all_complete() {
    rt().block_on(async {
        let handles: Vec<JoinHandle<usize>> = (0..1000)
            .map(|i| {
                mini_rt::spawn(async move {
                    task::yield_now().await;
                    i
                })
            })
            .collect();
        let mut sum = 0;
        for h in handles {
            sum += bounded(5, h).await.unwrap();
        }
        assert_eq!(sum, 999 * 1000 / 2);
    });
}

#[test]
fn abort_cancels_and_drops_the_future() {
    rt().block_on(async {
        let dropped = Arc::new(AtomicBool::new(false));
        let flag = DropFlag(dropped.clone());
        let h = mini_rt::spawn(async move {
            let _flag = flag;
            sleep(Duration::from_secs(3600)).await;
        });
        task::yield_now().await; // let it start and park
        assert!(!h.is_finished());
        h.abort();
        let err = bounded(5, h).await.unwrap_err();
        assert!(err.is_cancelled() && !err.is_panic());
        assert!(
            dropped.load(SeqCst),
            "aborted task's future was not dropped"
        );
    });
}

#[test]
fn abort_before_first_poll_never_runs_the_task() {
    rt().block_on(async {
        let ran = Arc::new(AtomicBool::new(false));
        let r = ran.clone();
        let h = mini_rt::spawn(async move { r.store(true, SeqCst) });
        h.abort();
        assert!(bounded(5, h).await.unwrap_err().is_cancelled());
        assert!(!ran.load(SeqCst));
    });
}

#[test]
fn abort_after_completion_keeps_the_output() {
    rt().block_on(async {
        let h = mini_rt::spawn(async { 7 });
        while !h.is_finished() {
            task::yield_now().await;
        }
        h.abort();
        assert_eq!(h.await.unwrap(), 7);
    });
}

#[test]
fn panicking_task_is_isolated_and_reported() {
    rt().block_on(async {
        let bad = mini_rt::spawn(async { panic!("task exploded") });
        let good = mini_rt::spawn(async {
            task::yield_now().await;
            "still alive"
        });
        let err = bounded(5, bad).await.unwrap_err();
        assert!(err.is_panic());
        assert!(err.to_string().contains("task exploded"), "{err}");
        let payload = err.into_panic();
        assert_eq!(payload.downcast_ref::<&str>(), Some(&"task exploded"));
        assert_eq!(bounded(5, good).await.unwrap(), "still alive");
    });
}

#[test]
fn panic_in_drop_of_a_cancelled_task_is_reported_not_propagated() {
    struct PanicOnDrop;
    impl Drop for PanicOnDrop {
        fn drop(&mut self) {
            panic!("drop exploded");
        }
    }
    rt().block_on(async {
        let h = mini_rt::spawn(async {
            let _p = PanicOnDrop;
            sleep(Duration::from_secs(3600)).await;
        });
        task::yield_now().await;
        h.abort();
        let err = bounded(5, h).await.unwrap_err();
        assert!(
            err.is_panic(),
            "a panic while dropping is reported as a panic: {err:?}"
        );
    });
}

#[test]
fn yield_now_interleaves_tasks_fairly() {
    rt().block_on(async {
        let log = Rc::new(RefCell::new(Vec::new()));
        let mut hs = Vec::new();
        for id in 0..3 {
            let log = log.clone();
            hs.push(mini_rt::spawn(async move {
                for _ in 0..3 {
                    log.borrow_mut().push(id);
                    task::yield_now().await;
                }
            }));
        }
        for h in hs {
            h.await.unwrap();
        }
        assert_eq!(*log.borrow(), vec![0, 1, 2, 0, 1, 2, 0, 1, 2]);
    });
}

#[test]
fn busy_yielding_task_does_not_starve_timers_or_io() {
    rt().block_on(async {
        let stop = Rc::new(std::cell::Cell::new(false));
        let s = stop.clone();
        let spinner = mini_rt::spawn(async move {
            let mut spins = 0u64;
            while !s.get() {
                spins += 1;
                task::yield_now().await;
            }
            spins
        });
        // A timer must fire although a task is always ready.
        let t0 = Instant::now();
        bounded(5, sleep(Duration::from_millis(20))).await;
        assert!(t0.elapsed() < Duration::from_secs(2));
        // IO readiness must be delivered too.
        let (a, b) = std::os::unix::net::UnixStream::pair().unwrap();
        b.set_nonblocking(true).unwrap();
        let b = mini_rt::reactor::PollEvented::new(b).unwrap();
        std::io::Write::write_all(&mut &a, b"x").unwrap();
        let mut buf = [0u8; 4];
        let mut buf = ReadBuf::new(&mut buf);
        bounded(5, poll_fn(|cx| b.poll_read(cx, &mut buf)))
            .await
            .unwrap();
        assert_eq!(buf.filled(), b"x");
        stop.set(true);
        assert!(spinner.await.unwrap() > 0);
    });
}

#[test]
fn nested_block_on_panics_with_a_clear_message() {
    let outer = rt();
    let inner = rt();
    let res = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        outer.block_on(async { inner.block_on(async {}) })
    }));
    let msg = res.unwrap_err();
    let msg = msg
        .downcast_ref::<String>()
        .map(String::as_str)
        .or(msg.downcast_ref::<&str>().copied());
    assert!(msg
        .unwrap()
        .contains("Cannot start a runtime from within a runtime"));
    // Both runtimes still work afterwards.
    assert_eq!(outer.block_on(async { 1 }), 1);
    assert_eq!(inner.block_on(async { 2 }), 2);
}

#[test]
fn runtime_with_local_tasks_refuses_another_thread() {
    let rt = rt();
    // A task spawned inside `block_on` (possibly !Send) pins the loop to
    // this thread; `Runtime::spawn` takes `Send` futures and does not.
    rt.block_on(async {
        let local = std::rc::Rc::new(());
        mini_rt::spawn(async move {
            sleep(Duration::from_secs(3600)).await;
            drop(local);
        });
    });
    let res = std::thread::spawn(move || {
        let res = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| rt.block_on(async {})));
        (res.is_err(), rt)
    })
    .join()
    .unwrap();
    assert!(
        res.0,
        "block_on on another thread must panic while !Send tasks live"
    );
    // Moving a runtime with no tasks is fine.
    let empty = Runtime::new().unwrap();
    std::thread::spawn(move || assert_eq!(empty.block_on(async { 3 }), 3))
        .join()
        .unwrap();
    // Dropping it from the wrong thread must not drop the !Send tasks there.
    std::mem::forget(res.1);
}

#[test]
fn dropping_the_runtime_drops_every_task_on_this_thread() {
    let dropped = Arc::new(AtomicUsize::new(0));
    struct Count(Arc<AtomicUsize>, std::thread::ThreadId);
    impl Drop for Count {
        fn drop(&mut self) {
            assert_eq!(
                std::thread::current().id(),
                self.1,
                "task dropped on another thread"
            );
            self.0.fetch_add(1, SeqCst);
        }
    }
    let rt = rt();
    let me = std::thread::current().id();
    rt.block_on(async {
        for _ in 0..10 {
            let c = Count(dropped.clone(), me);
            mini_rt::spawn(async move {
                let _c = c;
                std::future::pending::<()>().await;
            });
        }
        let c = Count(dropped.clone(), me);
        // Never polled at all:
        mini_rt::spawn(async move { drop(c) });
        task::yield_now().await;
    });
    let c = Count(dropped.clone(), me);
    let never_run = rt.spawn(async move { drop(c) });
    drop(rt);
    assert_eq!(dropped.load(SeqCst), 12);
    assert!(never_run.is_finished());
}

#[test]
fn dropping_the_runtime_closes_its_fds() {
    // Other tests of this binary open and close fds concurrently, so the
    // check follows these sockets themselves: each fd's /proc link names
    // its socket inode, unique while the socket lives.
    let target = |fd: i32| std::fs::read_link(format!("/proc/self/fd/{fd}")).ok();
    let mut sockets = Vec::new();
    {
        let rt = rt();
        rt.block_on(async {
            for _ in 0..5 {
                let (a, b) = std::os::unix::net::UnixStream::pair().unwrap();
                a.set_nonblocking(true).unwrap();
                for fd in [a.as_raw_fd(), b.as_raw_fd()] {
                    sockets.push((fd, target(fd).expect("a live socket fd")));
                }
                let a = mini_rt::reactor::PollEvented::new(a).unwrap();
                mini_rt::spawn(async move {
                    let mut buf = [0u8; 1];
                    let mut buf = ReadBuf::new(&mut buf);
                    let _ = poll_fn(|cx| a.poll_read(cx, &mut buf)).await;
                    drop(b);
                });
            }
            mini_rt::spawn(sleep(Duration::from_secs(3600)));
            task::yield_now().await;
        });
        for (fd, link) in &sockets {
            assert_eq!(
                target(*fd).as_ref(),
                Some(link),
                "open while the runtime lives"
            );
        }
    }
    for (fd, link) in &sockets {
        assert_ne!(
            target(*fd).as_ref(),
            Some(link),
            "fd {fd} ({link:?}) leaked by a dropped runtime"
        );
    }
}

#[test]
fn handle_spawn_from_a_plain_thread_runs_on_the_runtime() {
    rt().block_on(async {
        let handle = Handle::current();
        let rt_thread = std::thread::current().id();
        let jh =
            std::thread::spawn(move || handle.spawn(async move { std::thread::current().id() }))
                .join()
                .unwrap();
        assert_eq!(bounded(5, jh).await.unwrap(), rt_thread);
    });
}

#[test]
fn spawn_blocking_returns_results_and_panics() {
    rt().block_on(async {
        let main = std::thread::current().id();
        let other = bounded(5, task::spawn_blocking(move || std::thread::current().id()))
            .await
            .unwrap();
        assert_ne!(other, main);
        let err = bounded(5, task::spawn_blocking(|| panic!("blocking boom")))
            .await
            .unwrap_err();
        assert!(err.is_panic());
    });
}

#[test]
fn spawn_outside_a_runtime_panics_with_a_clear_message() {
    let res = std::panic::catch_unwind(|| mini_rt::spawn(async {}));
    let err = res.unwrap_err();
    let msg = err.downcast_ref::<String>().unwrap();
    assert!(msg.contains("no mini_rt runtime"), "{msg}");
}

#[test]
fn waker_woken_twice_or_during_poll_polls_once_more() {
    rt().block_on(async {
        let polls = Rc::new(std::cell::Cell::new(0));
        let p = polls.clone();
        let h = mini_rt::spawn(poll_fn(move |cx| {
            p.set(p.get() + 1);
            match p.get() {
                1 => {
                    // Woken twice while running: must be polled exactly once more.
                    cx.waker().wake_by_ref();
                    cx.waker().wake_by_ref();
                    Poll::Pending
                }
                _ => Poll::Ready(()),
            }
        }));
        bounded(5, h).await.unwrap();
        for _ in 0..5 {
            task::yield_now().await;
        }
        assert_eq!(polls.get(), 2);
    });
}

#[test]
fn event_interval_is_configurable() {
    let rt = Builder::new_current_thread()
        .enable_all()
        .event_interval(1)
        .build()
        .unwrap();
    assert_eq!(
        rt.block_on(async { mini_rt::spawn(async { 5 }).await.unwrap() }),
        5
    );
}

mini_rt::task_local! {
    static REQUEST: u32;
}

#[test]
fn task_local_follows_its_future_across_interleaved_tasks() {
    rt().block_on(async {
        let a = mini_rt::spawn(REQUEST.scope(1, async {
            task::yield_now().await;
            REQUEST.get()
        }));
        let b = mini_rt::spawn(REQUEST.scope(2, async {
            task::yield_now().await;
            REQUEST.get()
        }));
        assert_eq!((a.await.unwrap(), b.await.unwrap()), (1, 2));
        assert!(REQUEST.try_with(|v| *v).is_err(), "unset outside a scope");
        assert_eq!(REQUEST.sync_scope(5, || REQUEST.get()), 5);
    });
}
