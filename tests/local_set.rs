//! LocalSet: tasks spawned on a set (directly, or with `task::spawn_local`
//! while the set runs) belong to it: awaiting the set waits for them, and
//! dropping it cancels them. `!Send` futures throughout.

mod support;

use mini_rt::runtime::Runtime;
use mini_rt::task::{self, LocalSet};
use mini_rt::time::{sleep, Duration};
use std::cell::Cell;
use std::rc::Rc;
use std::sync::atomic::{AtomicBool, Ordering::SeqCst};
use std::sync::Arc;
use support::{bounded, DropFlag};

#[test]
fn run_until_returns_the_futures_output_and_spawn_local_inside_joins_the_set() {
    let rt = Runtime::new().unwrap();
    let local = LocalSet::new();
    let count = Rc::new(Cell::new(0));
    let c = count.clone();
    let out = local.block_on(&rt, async move {
        for _ in 0..10 {
            let c = c.clone();
            task::spawn_local(async move {
                task::yield_now().await;
                c.set(c.get() + 1);
            });
        }
        "done"
    });
    assert_eq!(out, "done");
    // Awaiting the set waits for the ten tasks spawned inside run_until.
    rt.block_on(async { bounded(5, local).await });
    assert_eq!(count.get(), 10);
}

#[test]
fn awaiting_the_set_waits_for_tasks_spawned_by_its_tasks() {
    Runtime::new().unwrap().block_on(async {
        let local = LocalSet::new();
        let done = Rc::new(Cell::new(false));
        let d = done.clone();
        local.spawn_local(async move {
            // Spawned from inside a task of the set: joins the set too.
            task::spawn_local(async move {
                sleep(Duration::from_millis(20)).await;
                d.set(true);
            });
        });
        bounded(5, local).await;
        assert!(done.get(), "the set finished before its grandchild task");
    });
}

#[test]
fn an_empty_set_is_ready_at_once() {
    Runtime::new().unwrap().block_on(async {
        bounded(1, LocalSet::new()).await;
    });
}

#[test]
fn dropping_the_set_cancels_its_tasks() {
    Runtime::new().unwrap().block_on(async {
        let dropped = Arc::new(AtomicBool::new(false));
        let local = LocalSet::new();
        let flag = DropFlag(dropped.clone());
        let handle = local.spawn_local(async move {
            let _flag = flag;
            std::future::pending::<()>().await;
        });
        task::yield_now().await;
        drop(local);
        let err = bounded(5, handle).await.unwrap_err();
        assert!(err.is_cancelled());
        assert!(dropped.load(SeqCst));
    });
}

#[test]
fn a_panicking_task_leaves_the_set_and_the_others_run() {
    Runtime::new().unwrap().block_on(async {
        let local = LocalSet::new();
        let bad = local.spawn_local(async { panic!("boom") });
        let good = local.spawn_local(async { 5 });
        bounded(5, local).await;
        assert!(bad.await.unwrap_err().is_panic());
        assert_eq!(good.await.unwrap(), 5);
    });
}

#[test]
fn enter_makes_task_spawn_local_use_the_set() {
    Runtime::new().unwrap().block_on(async {
        let local = LocalSet::new();
        let ran = Rc::new(Cell::new(false));
        {
            let _guard = local.enter();
            let r = ran.clone();
            task::spawn_local(async move {
                sleep(Duration::from_millis(10)).await;
                r.set(true);
            });
        }
        bounded(5, local).await;
        assert!(ran.get());
    });
}

#[test]
#[should_panic(expected = "needs a running runtime")]
fn spawning_on_a_set_outside_a_runtime_panics_with_a_clear_message() {
    LocalSet::new().spawn_local(async {});
}
