//! JoinSet: completion order, abort on drop, shutdown, len.

mod support;

use mini_rt::runtime::Runtime;
use mini_rt::task::JoinSet;
use mini_rt::time::{sleep, Duration};
use std::sync::atomic::{AtomicBool, Ordering::SeqCst};
use std::sync::Arc;
use support::{bounded, DropFlag};

#[test]
fn join_next_yields_in_completion_order() {
    Runtime::new().unwrap().block_on(async {
        let mut set = JoinSet::new();
        for ms in [30u64, 10, 20] {
            set.spawn(async move {
                sleep(Duration::from_millis(ms)).await;
                ms
            });
        }
        assert_eq!(set.len(), 3);
        let mut order = Vec::new();
        while let Some(res) = bounded(5, set.join_next()).await {
            order.push(res.unwrap());
        }
        assert_eq!(order, vec![10, 20, 30]);
        assert!(set.is_empty());
        assert!(set.join_next().await.is_none());
    });
}

#[test]
fn dropping_the_set_aborts_its_tasks() {
    Runtime::new().unwrap().block_on(async {
        let dropped = Arc::new(AtomicBool::new(false));
        let flag = DropFlag(dropped.clone());
        let mut set = JoinSet::new();
        set.spawn(async move {
            let _f = flag;
            sleep(Duration::from_secs(3600)).await;
        });
        mini_rt::task::yield_now().await;
        drop(set);
        // The abort takes effect at the task's next scheduling point.
        for _ in 0..3 {
            mini_rt::task::yield_now().await;
        }
        assert!(dropped.load(SeqCst), "task outlived its JoinSet");
    });
}

#[test]
fn shutdown_aborts_and_waits_and_results_report_cancellation() {
    Runtime::new().unwrap().block_on(async {
        let mut set: JoinSet<()> = (0..5).map(|_| sleep(Duration::from_secs(3600))).collect();
        set.spawn(async { panic!("in a set") });
        let first = bounded(5, set.join_next()).await.unwrap().unwrap_err();
        assert!(first.is_panic());
        let abort = set.spawn(sleep(Duration::from_secs(3600)));
        abort.abort();
        let cancelled = bounded(5, set.join_next()).await.unwrap().unwrap_err();
        assert!(cancelled.is_cancelled());
        bounded(5, set.shutdown()).await;
        assert!(set.is_empty());
    });
}

#[test]
fn join_all_collects_every_output() {
    Runtime::new().unwrap().block_on(async {
        let set: JoinSet<u32> = (0..100u32).map(|i| async move { i }).collect();
        let mut out = bounded(5, set.join_all()).await;
        out.sort();
        assert_eq!(out, (0..100).collect::<Vec<_>>());
    });
}

#[test]
fn try_join_next_does_not_wait() {
    Runtime::new().unwrap().block_on(async {
        let mut set = JoinSet::new();
        set.spawn(async { 1 });
        assert!(set.try_join_next().is_none(), "the task has not run yet");
        mini_rt::task::yield_now().await;
        assert_eq!(set.try_join_next().unwrap().unwrap(), 1);
    });
}

#[test]
fn extend_spawns_every_future_into_the_set() {
    Runtime::new().unwrap().block_on(async {
        let mut set = JoinSet::new();
        set.spawn(async { 0u32 });
        set.extend((1..10u32).map(|i| async move { i }));
        assert_eq!(set.len(), 10);
        let mut out = bounded(5, set.join_all()).await;
        out.sort();
        assert_eq!(out, (0..10).collect::<Vec<_>>());
    });
}

#[test]
fn spawn_on_a_handle_and_spawn_local_on_a_local_set_join_into_the_set() {
    let rt = Runtime::new().unwrap();
    let local = mini_rt::task::LocalSet::new();
    let handle = rt.handle().clone();
    local.block_on(&rt, async {
        let mut set = JoinSet::new();
        set.spawn_on(async { 1u32 }, &handle);
        let not_send = std::rc::Rc::new(2u32);
        set.spawn_local_on(async move { *not_send }, &local);
        set.spawn_local(async { 3u32 });
        let mut out = bounded(5, set.join_all()).await;
        out.sort();
        assert_eq!(out, [1, 2, 3]);
    });
}
