use super::error::{SendError, TryRecvError, TrySendError};
use super::*;
use crate::sync::test_support::{drop_counter, drops, wait_until};
use crate::test_util::{block_on, poll_once};
use std::pin::pin;
use std::task::Poll;
use std::thread;

fn assert_send_sync<T: Send + Sync>() {}

#[test]
fn handles_are_send_and_sync() {
    assert_send_sync::<Sender<String>>();
    assert_send_sync::<Receiver<String>>();
    assert_send_sync::<Permit<'static, String>>();
    assert_send_sync::<UnboundedSender<String>>();
    assert_send_sync::<UnboundedReceiver<String>>();
}

#[test]
#[should_panic(expected = "buffer > 0")]
fn zero_capacity_panics() {
    let _ = channel::<()>(0);
}

#[test]
fn unbounded_is_fifo_and_counts() {
    let (tx, mut rx) = unbounded_channel();
    assert!(rx.is_empty());
    for i in 0..5 {
        tx.send(i).unwrap();
    }
    assert_eq!(rx.len(), 5);
    for i in 0..5 {
        assert_eq!(rx.try_recv(), Ok(i));
    }
    assert_eq!(rx.try_recv(), Err(TryRecvError::Empty));
}

#[test]
fn dropping_all_senders_ends_the_stream_after_draining() {
    let (tx, mut rx) = channel(4);
    let tx2 = tx.clone();
    assert!(tx.same_channel(&tx2));
    block_on(tx.send(1)).unwrap();
    block_on(tx2.send(2)).unwrap();
    drop(tx);
    assert!(!rx.is_closed());
    drop(tx2);
    assert!(rx.is_closed());
    assert_eq!(block_on(rx.recv()), Some(1));
    assert_eq!(block_on(rx.recv()), Some(2));
    assert_eq!(block_on(rx.recv()), None);
    assert_eq!(rx.try_recv(), Err(TryRecvError::Disconnected));
}

#[test]
fn last_sender_drop_wakes_a_parked_receiver_on_another_thread() {
    let (tx, mut rx) = unbounded_channel::<u8>();
    let chan = rx.chan.clone();
    let t = thread::spawn(move || {
        wait_until(|| chan.lock().rx_waker.is_some());
        drop(tx);
    });
    assert_eq!(block_on(rx.recv()), None);
    t.join().unwrap();
}

#[test]
fn thread_sends_while_receiver_is_parked() {
    let (tx, mut rx) = channel(1);
    let chan = rx.chan.clone();
    let t = thread::spawn(move || {
        for i in 0..100 {
            if i == 0 {
                wait_until(|| chan.lock().rx_waker.is_some());
            }
            tx.blocking_send(i).unwrap();
        }
    });
    for i in 0..100 {
        assert_eq!(block_on(rx.recv()), Some(i));
    }
    assert_eq!(block_on(rx.recv()), None);
    t.join().unwrap();
}

#[test]
fn blocking_recv_on_a_plain_thread() {
    let (tx, mut rx) = unbounded_channel();
    let t = thread::spawn(move || (rx.blocking_recv(), rx.blocking_recv()));
    tx.send("a").unwrap();
    drop(tx);
    assert_eq!(t.join().unwrap(), (Some("a"), None));
}

#[test]
fn bounded_send_waits_until_the_receiver_takes_one() {
    let (tx, mut rx) = channel(1);
    block_on(tx.send(1)).unwrap();
    assert_eq!(tx.capacity(), 0);
    assert_eq!(tx.max_capacity(), 1);
    let mut second = pin!(tx.send(2));
    assert!(poll_once(second.as_mut()).is_pending());
    assert!(poll_once(second.as_mut()).is_pending());
    assert_eq!(block_on(rx.recv()), Some(1));
    assert_eq!(poll_once(second.as_mut()), Poll::Ready(Ok(())));
    assert_eq!(rx.try_recv(), Ok(2));
    assert_eq!(tx.capacity(), 1);
}

#[test]
fn waiting_senders_are_served_in_order() {
    let (tx, mut rx) = channel(1);
    tx.try_send(0).unwrap();
    let mut a = pin!(tx.send(1));
    let mut b = pin!(tx.send(2));
    assert!(poll_once(a.as_mut()).is_pending());
    assert!(poll_once(b.as_mut()).is_pending());
    // Barging is not allowed: the freed slot belongs to `a`.
    assert_eq!(rx.try_recv(), Ok(0));
    assert_eq!(tx.try_send(9), Err(TrySendError::Full(9)));
    assert!(poll_once(b.as_mut()).is_pending());
    assert!(poll_once(a.as_mut()).is_ready());
    assert_eq!(rx.try_recv(), Ok(1));
    assert!(poll_once(b.as_mut()).is_ready());
    assert_eq!(rx.try_recv(), Ok(2));
}

#[test]
fn cancelled_send_frees_its_slot() {
    let (tx, mut rx) = channel(1);
    tx.try_send(0).unwrap();
    {
        // Queued, then handed the slot freed by recv, then dropped unused.
        let mut a = pin!(tx.send(1));
        assert!(poll_once(a.as_mut()).is_pending());
        assert_eq!(rx.try_recv(), Ok(0));
    }
    assert_eq!(tx.capacity(), 1);
    assert_eq!(rx.try_recv(), Err(TryRecvError::Empty));

    // Same with another sender waiting: the slot is passed on to it.
    tx.try_send(0).unwrap();
    let mut b = pin!(tx.send(2));
    {
        let mut a = pin!(tx.send(1));
        assert!(poll_once(a.as_mut()).is_pending());
        assert!(poll_once(b.as_mut()).is_pending());
        assert_eq!(rx.try_recv(), Ok(0));
    }
    assert_eq!(poll_once(b.as_mut()), Poll::Ready(Ok(())));
    assert_eq!(rx.try_recv(), Ok(2));
    assert_eq!(tx.capacity(), 1);
}

#[test]
fn try_send_reports_full_and_closed() {
    let (tx, mut rx) = channel(1);
    assert_eq!(tx.try_send(1), Ok(()));
    assert_eq!(tx.try_send(2), Err(TrySendError::Full(2)));
    rx.close();
    assert!(tx.is_closed());
    assert_eq!(tx.try_send(3), Err(TrySendError::Closed(3)));
    assert_eq!(rx.try_recv(), Ok(1));
    assert_eq!(rx.try_recv(), Err(TryRecvError::Disconnected));
}

#[test]
fn close_fails_waiting_senders_but_keeps_queued_messages() {
    let (tx, mut rx) = channel(1);
    tx.try_send(1).unwrap();
    let mut waiting = pin!(tx.send(2));
    assert!(poll_once(waiting.as_mut()).is_pending());
    rx.close();
    assert_eq!(poll_once(waiting.as_mut()), Poll::Ready(Err(SendError(2))));
    assert_eq!(block_on(rx.recv()), Some(1));
    assert_eq!(block_on(rx.recv()), None);
}

#[test]
fn receiver_dropped_fails_sends_and_drops_queued_values() {
    let (count, new) = drop_counter();
    let (tx, rx) = unbounded_channel();
    tx.send(new()).unwrap();
    tx.send(new()).unwrap();
    drop(rx);
    assert_eq!(drops(&count), 2);
    assert!(tx.is_closed());
    assert!(tx.send(new()).is_err());
    assert_eq!(drops(&count), 3);
}

#[test]
fn permits_reserve_capacity() {
    let (tx, mut rx) = channel(2);
    let p1 = block_on(tx.reserve()).unwrap();
    let p2 = tx.try_reserve().unwrap();
    assert_eq!(tx.capacity(), 0);
    assert!(matches!(tx.try_reserve(), Err(TrySendError::Full(()))));
    drop(p1);
    assert_eq!(tx.capacity(), 1);
    p2.send("via permit");
    assert_eq!(rx.try_recv(), Ok("via permit"));
    assert_eq!(tx.capacity(), 2);
}

#[test]
fn after_close_recv_waits_for_outstanding_permits() {
    let (tx, mut rx) = channel(2);
    let permit = tx.try_reserve().unwrap();
    rx.close();
    {
        let mut recv = pin!(rx.recv());
        assert!(poll_once(recv.as_mut()).is_pending());
        permit.send(5);
        assert_eq!(poll_once(recv.as_mut()), Poll::Ready(Some(5)));
    }
    assert!(matches!(tx.try_reserve(), Err(TrySendError::Closed(()))));
    assert_eq!(block_on(rx.recv()), None);
}

#[test]
fn closed_completes_when_receiver_drops_on_another_thread() {
    let (tx, rx) = channel::<()>(1);
    let utx = unbounded_channel::<()>();
    let chan = tx.chan.clone();
    let t = thread::spawn(move || {
        wait_until(|| !chan.lock().closed_waiters_is_empty());
        drop(rx);
    });
    block_on(tx.closed());
    assert!(tx.is_closed());
    t.join().unwrap();
    let (utx, urx) = utx;
    let mut closed = pin!(utx.closed());
    assert!(poll_once(closed.as_mut()).is_pending());
    drop(urx);
    assert!(poll_once(closed.as_mut()).is_ready());
}

#[test]
fn many_threads_many_messages() {
    let (tx, mut rx) = channel(4);
    let threads: Vec<_> = (0..4)
        .map(|t| {
            let tx = tx.clone();
            thread::spawn(move || {
                for i in 0..250 {
                    tx.blocking_send(t * 1000 + i).unwrap();
                }
            })
        })
        .collect();
    drop(tx);
    let mut last = [None; 4];
    let mut n = 0;
    while let Some(v) = block_on(rx.recv()) {
        let (t, i) = (v / 1000, v % 1000);
        assert!(last[t].is_none_or(|l| l < i), "per-sender order kept");
        last[t] = Some(i);
        n += 1;
    }
    assert_eq!(n, 1000);
    threads.into_iter().for_each(|t| t.join().unwrap());
}
