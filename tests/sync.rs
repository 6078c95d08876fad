//! Integration tests for `mini_rt::sync` on the real runtime: tasks talking
//! to tasks, and plain threads waking a parked runtime. Every wait is
//! bounded by `timeout`, so a lost wakeup fails instead of hanging.

use mini_rt::sync::{mpsc, oneshot, Notify};
use mini_rt::time::timeout;
use std::sync::Arc;
use std::thread;
use std::time::Duration;

const LIMIT: Duration = Duration::from_secs(10);

#[mini_rt::test]
async fn oneshot_between_tasks() {
    let (tx, rx) = oneshot::channel();
    mini_rt::spawn(async move { tx.send(5).unwrap() });
    assert_eq!(timeout(LIMIT, rx).await.unwrap(), Ok(5));
}

#[mini_rt::test]
async fn oneshot_dropped_sender_is_an_error() {
    let (tx, rx) = oneshot::channel::<u8>();
    mini_rt::spawn(async move { drop(tx) });
    assert!(timeout(LIMIT, rx).await.unwrap().is_err());
}

#[mini_rt::test]
async fn oneshot_ping_pong() {
    let (ping_tx, mut ping_rx) = mpsc::unbounded_channel::<oneshot::Sender<u32>>();
    let server = mini_rt::spawn(async move {
        let mut n = 0;
        while let Some(reply) = ping_rx.recv().await {
            reply.send(n).unwrap();
            n += 1;
        }
        n
    });
    for i in 0..1000 {
        let (tx, rx) = oneshot::channel();
        ping_tx.send(tx).unwrap();
        assert_eq!(timeout(LIMIT, rx).await.unwrap(), Ok(i));
    }
    drop(ping_tx);
    assert_eq!(timeout(LIMIT, server).await.unwrap().unwrap(), 1000);
}

#[mini_rt::test]
async fn oneshot_from_a_plain_thread() {
    let (tx, rx) = oneshot::channel();
    let (go_tx, go_rx) = oneshot::channel::<()>();
    let t = thread::spawn(move || {
        // Released just before the task awaits `rx`, so usually the
        // runtime is parked when the value arrives; either order must work.
        go_rx.blocking_recv().unwrap();
        tx.send("from a thread").unwrap();
    });
    go_tx.send(()).unwrap();
    assert_eq!(timeout(LIMIT, rx).await.unwrap(), Ok("from a thread"));
    t.join().unwrap();
}

#[mini_rt::test]
async fn mpsc_request_reply() {
    let (tx, mut rx) = mpsc::channel::<(u32, oneshot::Sender<u32>)>(16);
    mini_rt::spawn(async move {
        while let Some((n, reply)) = rx.recv().await {
            let _ = reply.send(n * 2);
        }
    });
    for i in 0..1000 {
        let (reply_tx, reply_rx) = oneshot::channel();
        timeout(LIMIT, tx.send((i, reply_tx)))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(timeout(LIMIT, reply_rx).await.unwrap(), Ok(i * 2));
    }
}

#[mini_rt::test]
async fn mpsc_backpressure_against_a_plain_thread() {
    // Capacity 1 forces the thread and the runtime to park on each other.
    let (tx, mut rx) = mpsc::channel(1);
    let t = thread::spawn(move || {
        for i in 0..200 {
            tx.blocking_send(i).unwrap();
        }
    });
    for i in 0..200 {
        assert_eq!(timeout(LIMIT, rx.recv()).await.unwrap(), Some(i));
    }
    assert_eq!(timeout(LIMIT, rx.recv()).await.unwrap(), None);
    t.join().unwrap();
}

#[mini_rt::test]
async fn mpsc_task_feeds_a_blocking_thread() {
    let (tx, mut rx) = mpsc::channel::<u32>(1);
    let (done_tx, done_rx) = oneshot::channel();
    let t = thread::spawn(move || {
        let mut sum = 0;
        while let Some(v) = rx.blocking_recv() {
            sum += v;
        }
        done_tx.send(sum).unwrap();
    });
    for i in 1..=100 {
        timeout(LIMIT, tx.send(i)).await.unwrap().unwrap();
    }
    drop(tx);
    assert_eq!(timeout(LIMIT, done_rx).await.unwrap(), Ok(5050));
    t.join().unwrap();
}

#[mini_rt::test]
async fn unbounded_stream_ends_when_all_senders_drop() {
    let (tx, mut rx) = mpsc::unbounded_channel();
    for p in 0..3 {
        let tx = tx.clone();
        mini_rt::spawn(async move {
            for i in 0..10 {
                tx.send(p * 10 + i).unwrap();
                mini_rt::task::yield_now().await;
            }
        });
    }
    drop(tx);
    let mut got = Vec::new();
    while let Some(v) = timeout(LIMIT, rx.recv()).await.unwrap() {
        got.push(v);
    }
    got.sort_unstable();
    assert_eq!(got, (0..30).collect::<Vec<_>>());
}

#[mini_rt::test]
async fn bounded_send_is_cancel_safe_for_capacity() {
    let (tx, mut rx) = mpsc::channel(1);
    tx.send(1).await.unwrap();
    // A send that cannot complete is cancelled by the timeout.
    assert!(timeout(Duration::from_millis(10), tx.send(2))
        .await
        .is_err());
    assert_eq!(rx.recv().await, Some(1));
    assert_eq!(tx.capacity(), 1, "the cancelled send kept no slot");
    timeout(LIMIT, tx.send(3)).await.unwrap().unwrap();
    assert_eq!(rx.recv().await, Some(3));
}

#[mini_rt::test]
async fn notify_one_wakes_a_task() {
    let notify = Arc::new(Notify::new());
    let (done_tx, done_rx) = oneshot::channel();
    let n = notify.clone();
    mini_rt::spawn(async move {
        n.notified().await;
        done_tx.send(()).unwrap();
    });
    notify.notify_one(); // stored as a permit if the task has not run yet
    timeout(LIMIT, done_rx).await.unwrap().unwrap();
}

#[mini_rt::test]
async fn notify_one_from_a_plain_thread() {
    let notify = Arc::new(Notify::new());
    let n = notify.clone();
    let t = thread::spawn(move || n.notify_one());
    timeout(LIMIT, notify.notified()).await.unwrap();
    t.join().unwrap();
}

#[mini_rt::test]
async fn notify_waiters_wakes_every_waiting_task() {
    let notify = Arc::new(Notify::new());
    let (ready_tx, mut ready_rx) = mpsc::unbounded_channel();
    let mut tasks = Vec::new();
    for _ in 0..5 {
        let n = notify.clone();
        let ready = ready_tx.clone();
        tasks.push(mini_rt::spawn(async move {
            let notified = n.notified(); // created before notify_waiters
            ready.send(()).unwrap();
            notified.await;
        }));
    }
    for _ in 0..5 {
        timeout(LIMIT, ready_rx.recv()).await.unwrap().unwrap();
    }
    notify.notify_waiters();
    for task in tasks {
        timeout(LIMIT, task).await.unwrap().unwrap();
    }
}
