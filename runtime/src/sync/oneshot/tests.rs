use super::error::{RecvError, TryRecvError};
use super::*;
use crate::sync::test_support::{drop_counter, drops, wait_until};
use crate::test_util::{block_on, poll_once};
use std::pin::pin;
use std::thread;

fn assert_send_sync<T: Send + Sync>() {}

#[test]
fn halves_are_send_and_sync() {
    assert_send_sync::<Sender<String>>();
    assert_send_sync::<Receiver<String>>();
}

#[test]
fn send_then_receive() {
    let (tx, rx) = channel();
    assert_eq!(tx.send(7), Ok(()));
    assert_eq!(block_on(rx), Ok(7));
}

#[test]
fn dropping_sender_completes_receiver_with_error() {
    let (tx, rx) = channel::<i32>();
    let mut rx = pin!(rx);
    assert!(poll_once(rx.as_mut()).is_pending());
    drop(tx);
    assert_eq!(poll_once(rx.as_mut()), Poll::Ready(Err(RecvError(()))));
}

#[test]
fn try_recv_reports_empty_value_then_closed() {
    let (tx, mut rx) = channel();
    assert_eq!(rx.try_recv(), Err(TryRecvError::Empty));
    tx.send("x").unwrap();
    assert_eq!(rx.try_recv(), Ok("x"));
    assert_eq!(rx.try_recv(), Err(TryRecvError::Closed));
}

#[test]
fn send_fails_once_receiver_dropped() {
    let (tx, rx) = channel();
    assert!(!tx.is_closed());
    drop(rx);
    assert!(tx.is_closed());
    assert_eq!(tx.send(5), Err(5));
}

#[test]
fn close_rejects_later_sends_but_keeps_an_earlier_value() {
    let (tx, mut rx) = channel();
    rx.close();
    assert_eq!(tx.send(1), Err(1));
    assert_eq!(rx.try_recv(), Err(TryRecvError::Closed));

    let (tx, mut rx) = channel();
    tx.send(2).unwrap();
    rx.close();
    assert_eq!(block_on(rx), Ok(2));
}

#[test]
fn closed_completes_when_receiver_closes() {
    let (mut tx, mut rx) = channel::<()>();
    {
        let mut closed = pin!(tx.closed());
        assert!(poll_once(closed.as_mut()).is_pending());
        rx.close();
        assert!(poll_once(closed.as_mut()).is_ready());
    }
    assert!(tx.is_closed());
}

#[test]
fn closed_wakes_a_sender_parked_in_another_thread() {
    let (mut tx, rx) = channel::<()>();
    let inner = tx.inner.clone().unwrap();
    let t = thread::spawn(move || block_on(tx.closed()));
    wait_until(|| inner.lock().tx_waker.is_some());
    drop(rx);
    t.join().unwrap();
}

#[test]
fn thread_sends_while_receiver_is_parked() {
    let (tx, rx) = channel();
    let inner = rx.inner.clone();
    let t = thread::spawn(move || {
        wait_until(|| inner.lock().rx_waker.is_some());
        tx.send(String::from("hello")).unwrap();
    });
    assert_eq!(block_on(rx).as_deref(), Ok("hello"));
    t.join().unwrap();
}

#[test]
fn thread_dropping_sender_wakes_parked_receiver() {
    let (tx, rx) = channel::<u8>();
    let inner = rx.inner.clone();
    let t = thread::spawn(move || {
        wait_until(|| inner.lock().rx_waker.is_some());
        drop(tx);
    });
    assert_eq!(block_on(rx), Err(RecvError(())));
    t.join().unwrap();
}

#[test]
fn blocking_recv_on_a_plain_thread() {
    let (tx, rx) = channel();
    let t = thread::spawn(move || rx.blocking_recv());
    tx.send(42).unwrap();
    assert_eq!(t.join().unwrap(), Ok(42));
}

#[test]
fn dropping_receiver_drops_an_unreceived_value() {
    let (count, new) = drop_counter();
    let (tx, rx) = channel();
    tx.send(new()).ok().unwrap();
    assert_eq!(drops(&count), 0);
    drop(rx);
    assert_eq!(drops(&count), 1);
}
