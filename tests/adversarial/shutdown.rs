//! Shutdown: dropping a runtime whose tasks are parked on IO, timers, a
//! 10 s `spawn_blocking` job, remote spawns and fds released on other
//! threads returns promptly and closes every fd it opened.
//!
//! Counting fds needs a process of its own (other tests open fds
//! concurrently), so the body runs in a re-executed child.

use crate::support::{bounded, open_fds, DropFlag};
use crate::util::*;
use mini_rt::runtime::{Handle, Runtime};
use mini_rt::task::yield_now;
use mini_rt::time::sleep;
use std::cell::RefCell;
use std::os::unix::net::UnixStream;
use std::sync::atomic::{AtomicBool, Ordering::SeqCst};
use std::sync::Arc;
use std::time::{Duration, Instant};

const CHILD: &str = "shutdown::dropping_a_busy_runtime_closes_every_fd_and_returns_promptly";

#[test]
fn dropping_a_busy_runtime_closes_every_fd_and_returns_promptly() {
    if !is_child(CHILD) {
        return run_child(CHILD, &[], Duration::from_secs(10));
    }
    let before = open_fds();
    let rt = rt();
    let peers = rt.block_on(async {
        let mut peers = Vec::new();
        for _ in 0..8 {
            let (ours, peer) = UnixStream::pair().unwrap();
            let ours = register(ours);
            peers.push(peer);
            mini_rt::spawn(async move {
                let mut buf = [0u8; 8];
                let _ = read(&ours, &mut buf).await;
            });
        }
        mini_rt::spawn(sleep(Duration::from_secs(3600)));
        let blocking =
            mini_rt::task::spawn_blocking(|| std::thread::sleep(Duration::from_secs(10)));
        mini_rt::spawn(async move {
            let _ = blocking.await;
        });
        // A Send task spawned from another thread, still queued at drop.
        let handle = Handle::current();
        let (ours, peer) = UnixStream::pair().unwrap();
        peers.push(peer);
        let moved = register(ours);
        std::thread::spawn(move || {
            // Dropped on another thread: handed back to the runtime to close.
            drop(moved);
            handle.spawn(async { sleep(Duration::from_secs(3600)).await });
        })
        .join()
        .unwrap();
        yield_now().await;
        peers
    });
    assert!(open_fds() > before + 16, "the sockets were opened");
    let t0 = Instant::now();
    drop(rt);
    let took = t0.elapsed();
    drop(peers);
    assert!(took < Duration::from_secs(1), "runtime drop took {took:?}");
    assert_eq!(open_fds(), before, "fds leaked by a dropped runtime");
}

/// A `Send` task spawned with `Handle::spawn`, holding `flag`, that never ends.
fn spawn_pending(handle: &Handle, flag: &Arc<AtomicBool>) -> mini_rt::task::JoinHandle<()> {
    let flag = DropFlag(flag.clone());
    handle.spawn(async move {
        let _flag = flag;
        std::future::pending::<()>().await
    })
}

/// A runtime pinned to its thread by a `!Send` task and dropped on another
/// thread must leak that task, but `Send` tasks queued by `Handle::spawn`
/// and never adopted are shut down: their futures are dropped and their
/// handles resolve as cancelled (and dropping a handle afterwards finds the
/// future gone). One waits in the remote queue, one was already moved to
/// the local queue when `block_on` returned.
#[test]
fn runtime_dropped_on_another_thread_cancels_tasks_still_in_its_remote_queue() {
    // Interval 1: the driver (and the remote queue) is checked after every
    // poll, so a task can be absorbed without being run.
    let rt = mini_rt::runtime::Builder::new_current_thread()
        .event_interval(1)
        .enable_all()
        .build()
        .unwrap();
    let flags: Vec<Arc<AtomicBool>> = (0..2).map(|_| Arc::default()).collect();
    // Its handle is returned, not awaited: the task must stay queued.
    #[allow(clippy::async_yields_async)]
    let absorbed = rt.block_on(async {
        let not_send = std::rc::Rc::new(());
        mini_rt::spawn(async move {
            let _pinned = not_send;
            std::future::pending::<()>().await
        });
        yield_now().await;
        let (handle, flag) = (Handle::current(), flags[0].clone());
        let absorbed = std::thread::spawn(move || spawn_pending(&handle, &flag));
        let absorbed = absorbed.join().unwrap();
        // Wakes this future: the loop turns the driver, absorbing the
        // task, then polls this future, which returns before it runs.
        yield_now().await;
        assert_eq!(Handle::current().stats().tasks, 1, "the absorbed task ran");
        absorbed
    });
    // The runtime is idle: this one waits in the remote queue.
    let queued = spawn_pending(rt.handle(), &flags[1]);
    std::thread::spawn(move || drop(rt)).join().unwrap();
    let check = crate::util::rt();
    for (i, h) in [absorbed, queued].into_iter().enumerate() {
        assert!(flags[i].load(SeqCst), "task {i}'s future was not dropped");
        assert!(h.is_finished(), "task {i} was not shut down");
        let res = check.block_on(bounded(5, h));
        assert!(res.unwrap_err().is_cancelled());
    }
}

thread_local! {
    /// A runtime kept per thread, as blocking wrappers around async code do.
    static THREAD_RT: RefCell<Option<Runtime>> = const { RefCell::new(None) };
}

const TLS_CHILD: &str =
    "shutdown::runtime_dropped_during_thread_local_destruction_drops_its_tasks_and_closes_its_fds";

/// A runtime stored in a thread-local is dropped while the thread's
/// thread-locals are destroyed, the runtime's own context among them
/// (stored before the runtime first ran, it is destroyed after it): that
/// must neither abort the process nor leak its tasks or fds.
#[test]
fn runtime_dropped_during_thread_local_destruction_drops_its_tasks_and_closes_its_fds() {
    if !is_child(TLS_CHILD) {
        return run_child(TLS_CHILD, &[], Duration::from_secs(10));
    }
    let before = open_fds();
    let flags: Vec<Arc<AtomicBool>> = (0..3).map(|_| Arc::default()).collect();
    let in_thread = flags.clone();
    std::thread::spawn(move || {
        THREAD_RT.with(|slot| *slot.borrow_mut() = Some(rt()));
        THREAD_RT
            .with(|slot| {
                let slot = slot.borrow();
                slot.as_ref().unwrap().block_on(async {
                    let mut flags = in_thread.into_iter().map(DropFlag);
                    let listener = mini_rt::net::TcpListener::bind("127.0.0.1:0").await?;
                    let flag = flags.next();
                    mini_rt::spawn(async move {
                        let _flag = flag;
                        listener.accept().await
                    });
                    let flag = flags.next();
                    mini_rt::spawn(async move {
                        let _flag = flag;
                        sleep(Duration::from_secs(3600)).await
                    });
                    let (ours, _peer) = UnixStream::pair()?;
                    let (ours, flag) = (register(ours), flags.next());
                    mini_rt::spawn(async move {
                        let _flag = flag;
                        read(&ours, &mut [0u8; 8]).await
                    });
                    yield_now().await;
                    let stats = Handle::current().stats();
                    assert_eq!((stats.tasks, stats.timers), (3, 1));
                    assert!(open_fds() >= before + 4, "the runtime opened its fds");
                    std::io::Result::Ok(())
                })
            })
            .unwrap();
    })
    .join()
    .expect("the thread exits normally");
    for (i, f) in flags.iter().enumerate() {
        assert!(f.load(SeqCst), "task {i} was not dropped");
    }
    assert_eq!(open_fds(), before, "fds leaked by the runtime");
}
