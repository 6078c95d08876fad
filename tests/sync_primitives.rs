//! The rest of `mini_rt::sync` (tokio's `sync`, re-exported) on mini_rt's
//! executor: broadcast, watch, Mutex, RwLock, Semaphore, Barrier, OnceCell,
//! SetOnce, `recv_many`, and the channel behaviours that involve another
//! thread waking the runtime. Every wait is bounded.

use mini_rt::sync::{
    broadcast, mpsc, oneshot, watch, Barrier, Mutex, Notify, OnceCell, RwLock, Semaphore, SetOnce,
};
use mini_rt::time::timeout;
use std::future::Future;
use std::pin::pin;
use std::sync::Arc;
use std::task::{Context, Poll, Waker};
use std::thread;
use std::time::Duration;

const LIMIT: Duration = Duration::from_secs(10);

async fn bounded<F: Future>(fut: F) -> F::Output {
    timeout(LIMIT, fut).await.expect("step timed out")
}

#[mini_rt::test]
async fn broadcast_delivers_every_message_to_every_subscriber() {
    let (tx, _) = broadcast::channel::<u32>(16);
    let mut tasks = Vec::new();
    for _ in 0..3 {
        let mut rx = tx.subscribe();
        tasks.push(mini_rt::spawn(async move {
            let mut got = Vec::new();
            while let Ok(v) = rx.recv().await {
                got.push(v);
            }
            got
        }));
    }
    for i in 0..10 {
        tx.send(i).unwrap();
        mini_rt::task::yield_now().await;
    }
    drop(tx);
    for t in tasks {
        assert_eq!(bounded(t).await.unwrap(), (0..10).collect::<Vec<_>>());
    }
}

#[mini_rt::test]
async fn broadcast_lagging_receiver_is_told_how_much_it_missed() {
    let (tx, mut rx) = broadcast::channel::<u32>(2);
    for i in 0..5 {
        tx.send(i).unwrap();
    }
    assert_eq!(rx.recv().await, Err(broadcast::error::RecvError::Lagged(3)));
    assert_eq!(rx.recv().await, Ok(3));
    assert_eq!(rx.recv().await, Ok(4));
}

#[mini_rt::test]
async fn watch_receiver_sees_the_latest_value_from_a_thread() {
    let (tx, mut rx) = watch::channel(0u32);
    let t = thread::spawn(move || {
        for i in 1..=100 {
            tx.send(i).unwrap();
        }
    });
    let last = bounded(rx.wait_for(|v| *v == 100)).await.unwrap();
    assert_eq!(*last, 100);
    drop(last);
    t.join().unwrap();
    assert!(bounded(rx.changed()).await.is_err(), "sender dropped");
}

#[mini_rt::test]
async fn mutex_is_held_across_await_points() {
    let counter = Arc::new(Mutex::new(0u32));
    let mut tasks = Vec::new();
    for _ in 0..10 {
        let counter = counter.clone();
        tasks.push(mini_rt::spawn(async move {
            for _ in 0..10 {
                let mut guard = counter.lock().await;
                let seen = *guard;
                mini_rt::task::yield_now().await; // others run, and must wait
                *guard = seen + 1;
            }
        }));
    }
    for t in tasks {
        bounded(t).await.unwrap();
    }
    assert_eq!(*counter.lock().await, 100);
}

#[mini_rt::test]
async fn rwlock_writer_waits_for_readers() {
    let lock = Arc::new(RwLock::new(1));
    let reader = lock.read().await;
    let l = lock.clone();
    let writer = mini_rt::spawn(async move { *l.write().await = 2 });
    mini_rt::task::yield_now().await;
    assert!(!writer.is_finished());
    assert_eq!(*reader, 1);
    drop(reader);
    bounded(writer).await.unwrap();
    assert_eq!(*lock.read().await, 2);
}

#[mini_rt::test]
async fn semaphore_limits_concurrency() {
    let permits = Arc::new(Semaphore::new(2));
    let inside = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let mut tasks = Vec::new();
    for _ in 0..8 {
        let (permits, inside) = (permits.clone(), inside.clone());
        tasks.push(mini_rt::spawn(async move {
            let _permit = permits.acquire().await.unwrap();
            let now = inside.fetch_add(1, std::sync::atomic::Ordering::SeqCst) + 1;
            mini_rt::task::yield_now().await;
            inside.fetch_sub(1, std::sync::atomic::Ordering::SeqCst);
            now
        }));
    }
    for t in tasks {
        assert!(bounded(t).await.unwrap() <= 2);
    }
    assert_eq!(permits.available_permits(), 2);
}

#[mini_rt::test]
async fn barrier_releases_everyone_at_once_with_one_leader() {
    let barrier = Arc::new(Barrier::new(4));
    let tasks: Vec<_> = (0..4)
        .map(|_| {
            let b = barrier.clone();
            mini_rt::spawn(async move { b.wait().await.is_leader() })
        })
        .collect();
    let mut leaders = 0;
    for t in tasks {
        leaders += bounded(t).await.unwrap() as usize;
    }
    assert_eq!(leaders, 1);
}

#[mini_rt::test]
async fn once_cells_initialise_once() {
    let cell = OnceCell::new();
    let a = cell.get_or_init(|| async { 1 }).await;
    let b = cell.get_or_init(|| async { 2 }).await;
    assert_eq!((*a, *b), (1, 1));

    let set = Arc::new(SetOnce::new());
    let s = set.clone();
    let waiter = mini_rt::spawn(async move { *s.wait().await });
    mini_rt::task::yield_now().await;
    set.set(7).unwrap();
    assert!(set.set(8).is_err());
    assert_eq!(bounded(waiter).await.unwrap(), 7);
}

#[mini_rt::test]
async fn recv_many_takes_what_is_queued_up_to_the_limit() {
    let (tx, mut rx) = mpsc::channel(16);
    for i in 0..10 {
        tx.send(i).await.unwrap();
    }
    let mut got = Vec::new();
    assert_eq!(bounded(rx.recv_many(&mut got, 4)).await, 4);
    assert_eq!(bounded(rx.recv_many(&mut got, 100)).await, 6);
    assert_eq!(got, (0..10).collect::<Vec<_>>());
    drop(tx);
    assert_eq!(bounded(rx.recv_many(&mut got, 4)).await, 0, "closed");
}

#[mini_rt::test]
async fn last_sender_dropped_on_a_thread_ends_a_parked_receiver() {
    let (tx, mut rx) = mpsc::unbounded_channel::<u8>();
    let (go_tx, go_rx) = oneshot::channel::<()>();
    let t = thread::spawn(move || {
        go_rx.blocking_recv().unwrap();
        drop(tx);
    });
    go_tx.send(()).unwrap();
    assert_eq!(bounded(rx.recv()).await, None);
    t.join().unwrap();
}

#[mini_rt::test]
async fn closed_completes_when_the_receiver_drops_on_a_thread() {
    let (tx, rx) = mpsc::channel::<u8>(1);
    let (otx, orx) = oneshot::channel::<u8>();
    let t = thread::spawn(move || {
        drop(rx);
        drop(orx);
    });
    bounded(tx.closed()).await;
    let mut otx = otx;
    bounded(otx.closed()).await;
    t.join().unwrap();
}

#[mini_rt::test]
async fn waiting_senders_are_served_in_order() {
    let (tx, mut rx) = mpsc::channel(1);
    tx.send(0).await.unwrap();
    let senders: Vec<_> = (1..=3)
        .map(|i| {
            let tx = tx.clone();
            mini_rt::spawn(async move { tx.send(i).await.unwrap() })
        })
        .collect();
    mini_rt::task::yield_now().await; // every sender is now parked, in order
    for i in 0..=3 {
        assert_eq!(bounded(rx.recv()).await, Some(i));
    }
    for s in senders {
        bounded(s).await.unwrap();
    }
}

#[mini_rt::test]
async fn permits_reserve_capacity() {
    let (tx, mut rx) = mpsc::channel(2);
    let permit = tx.reserve().await.unwrap();
    tx.send(1).await.unwrap();
    assert!(tx.try_send(2).is_err(), "the permit holds the other slot");
    permit.send(0);
    assert_eq!(rx.recv().await, Some(1));
    assert_eq!(rx.recv().await, Some(0));
}

#[mini_rt::test]
async fn notify_one_without_a_waiter_stores_a_single_permit() {
    let notify = Notify::new();
    notify.notify_one();
    notify.notify_one();
    bounded(notify.notified()).await; // the stored permit
    let mut second = pin!(notify.notified());
    let mut cx = Context::from_waker(Waker::noop());
    assert!(
        second.as_mut().poll(&mut cx).is_pending(),
        "only one permit"
    );
    notify.notify_waiters(); // stores nothing, wakes the one waiting
    bounded(second).await;
}

#[test]
#[should_panic(expected = "called after complete")]
fn oneshot_receiver_polled_after_completion_panics_as_in_tokio() {
    let (tx, mut rx) = oneshot::channel();
    tx.send(1).unwrap();
    let mut cx = Context::from_waker(Waker::noop());
    assert_eq!(pin!(&mut rx).poll(&mut cx), Poll::Ready(Ok(1)));
    let _ = pin!(&mut rx).poll(&mut cx);
}
