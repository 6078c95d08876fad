use super::*;
use crate::sync::test_support::wait_until;
use crate::test_util::{block_on, poll_once};
use std::pin::pin;
use std::sync::Arc;
use std::thread;

static STATIC_NOTIFY: Notify = Notify::const_new();

#[test]
fn is_send_sync_and_const_constructible() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<Notify>();
    assert_send_sync::<Notified<'static>>();
    STATIC_NOTIFY.notify_one();
    block_on(STATIC_NOTIFY.notified());
}

#[test]
fn notify_one_without_waiter_stores_a_single_permit() {
    let notify = Notify::new();
    notify.notify_one();
    notify.notify_one();
    assert!(poll_once(pin!(notify.notified())).is_ready());
    assert!(
        poll_once(pin!(notify.notified())).is_pending(),
        "permits do not accumulate"
    );
}

#[test]
fn notify_waiters_stores_no_permit() {
    let notify = Notify::new();
    notify.notify_waiters();
    assert!(poll_once(pin!(notify.notified())).is_pending());
}

#[test]
fn notify_waiters_completes_futures_created_before_it_even_unpolled() {
    let notify = Notify::new();
    let mut created = pin!(notify.notified());
    notify.notify_waiters();
    let mut later = pin!(notify.notified());
    assert!(poll_once(created.as_mut()).is_ready());
    assert!(poll_once(later.as_mut()).is_pending());
}

#[test]
fn notify_waiters_wakes_all_notify_one_wakes_one_in_order() {
    let notify = Notify::new();
    let mut a = pin!(notify.notified());
    let mut b = pin!(notify.notified());
    let mut c = pin!(notify.notified());
    assert!(poll_once(a.as_mut()).is_pending());
    assert!(poll_once(b.as_mut()).is_pending());
    notify.notify_one();
    assert!(poll_once(b.as_mut()).is_pending());
    assert!(
        poll_once(a.as_mut()).is_ready(),
        "the oldest waiter is picked"
    );
    assert!(poll_once(c.as_mut()).is_pending());
    notify.notify_waiters();
    assert!(poll_once(b.as_mut()).is_ready());
    assert!(poll_once(c.as_mut()).is_ready());
    assert!(
        poll_once(pin!(notify.notified())).is_pending(),
        "no permit left behind"
    );
}

#[test]
fn dropped_waiter_passes_on_a_notify_one() {
    let notify = Notify::new();
    let mut b = pin!(notify.notified());
    {
        let mut a = pin!(notify.notified());
        assert!(poll_once(a.as_mut()).is_pending());
        assert!(poll_once(b.as_mut()).is_pending());
        notify.notify_one(); // picks `a`, which is dropped unconsumed
    }
    assert!(poll_once(b.as_mut()).is_ready());
    {
        let mut a = pin!(notify.notified());
        assert!(poll_once(a.as_mut()).is_pending());
        notify.notify_one();
    }
    assert!(
        poll_once(pin!(notify.notified())).is_ready(),
        "turned back into the permit"
    );
}

#[test]
fn enable_queues_without_polling() {
    let notify = Notify::new();
    let mut n = pin!(notify.notified());
    assert!(!n.as_mut().enable());
    notify.notify_one();
    assert!(n.as_mut().enable());
    assert!(poll_once(n.as_mut()).is_ready());

    notify.notify_one();
    assert!(
        pin!(notify.notified()).as_mut().enable(),
        "enable consumes a stored permit"
    );
    assert!(poll_once(pin!(notify.notified())).is_pending());
}

#[test]
fn notify_one_from_a_thread_wakes_a_parked_waiter() {
    let notify = Arc::new(Notify::new());
    let n2 = notify.clone();
    let t = thread::spawn(move || {
        wait_until(|| !n2.state.lock().waiters.is_empty());
        n2.notify_one();
    });
    block_on(notify.notified());
    t.join().unwrap();
}

#[test]
fn notify_waiters_from_a_thread_wakes_parked_waiters() {
    let notify = Arc::new(Notify::new());
    let waiters: Vec<_> = (0..3)
        .map(|_| {
            let n = notify.clone();
            thread::spawn(move || block_on(n.notified()))
        })
        .collect();
    wait_until(|| notify.state.lock().waiters.len() == 3);
    notify.notify_waiters();
    waiters.into_iter().for_each(|t| t.join().unwrap());
}
