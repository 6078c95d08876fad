//! Signals: in-process SIGUSR1/SIGUSR2 reach every listener; forbidden
//! signals error; a `Signal` polled outside any runtime ends its wait, and
//! one awaited under another runtime works there.

mod support;

use mini_rt::runtime::Runtime;
use mini_rt::signal::unix::{signal, SignalKind};
use std::task::{Context, Poll, Waker};
use std::time::Duration;
use support::bounded;

fn raise(sig: libc::c_int) {
    // SAFETY: raise() sends a signal to the calling thread; the handler
    // installed by `signal` only touches atomics and a pipe.
    #[allow(unsafe_code)]
    let rc = unsafe { libc::raise(sig) };
    assert_eq!(rc, 0);
}

#[mini_rt::test]
async fn sigusr1_reaches_every_listener() {
    let mut a = signal(SignalKind::user_defined1()).unwrap();
    let mut b = signal(SignalKind::user_defined1()).unwrap();
    raise(libc::SIGUSR1);
    bounded(5, a.recv()).await.unwrap();
    bounded(5, b.recv()).await.unwrap();
    // And again: each delivery is seen once per listener.
    raise(libc::SIGUSR1);
    bounded(5, b.recv()).await.unwrap();
    bounded(5, a.recv()).await.unwrap();
}

#[test]
fn listeners_on_two_runtimes_both_see_a_signal() {
    let (ready_tx, ready_rx) = std::sync::mpsc::channel();
    let other = std::thread::spawn(move || {
        mini_rt::runtime::Runtime::new()
            .unwrap()
            .block_on(async move {
                let mut s = signal(SignalKind::user_defined2()).unwrap();
                ready_tx.send(()).unwrap();
                bounded(5, s.recv()).await.unwrap();
            })
    });
    mini_rt::runtime::Runtime::new().unwrap().block_on(async {
        let mut s = signal(SignalKind::user_defined2()).unwrap();
        ready_rx
            .recv_timeout(std::time::Duration::from_secs(5))
            .unwrap();
        raise(libc::SIGUSR2);
        bounded(5, s.recv()).await.unwrap();
    });
    other.join().unwrap();
}

#[mini_rt::test]
async fn uncatchable_signals_are_a_clear_error() {
    let err = signal(SignalKind::from_raw(libc::SIGKILL)).unwrap_err();
    assert_eq!(err.kind(), std::io::ErrorKind::InvalidInput);
    assert!(err.to_string().contains("cannot be listened for"));
}

/// Real-time signal `n`: each test below uses one no other test raises, so
/// no delivery can make its `recv` complete for the wrong reason.
fn quiet_signal(n: i32) -> SignalKind {
    SignalKind::from_raw(libc::SIGRTMIN() + n)
}

/// Polled where its pipe cannot be watched, a `Signal` gets the same error
/// on every read: it must end the wait (`None`), not retry it forever.
#[test]
fn signal_polled_outside_any_runtime_returns_instead_of_spinning() {
    let rt = Runtime::new().unwrap();
    let mut sig = rt.block_on(async { signal(quiet_signal(3)) }).unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    // On a thread of its own, so a spinning poll fails the test instead of
    // hanging it.
    std::thread::spawn(move || {
        let polled = sig.poll_recv(&mut Context::from_waker(Waker::noop()));
        let _ = tx.send(polled);
    });
    let polled = rx.recv_timeout(Duration::from_secs(5));
    assert_eq!(polled, Ok(Poll::Ready(None)), "poll_recv did not return");
}

/// Under another runtime a `Signal` used to get an error there, which made
/// the task wake itself (its budget ran out) and spin on a whole core. Its
/// pipe now moves to the runtime that awaits it: the wait works there, and
/// on its own runtime again afterwards.
#[test]
fn signal_polled_under_another_runtime_receives_there() {
    let (rt, other) = (Runtime::new().unwrap(), Runtime::new().unwrap());
    let mut sig = rt.block_on(async { signal(quiet_signal(4)) }).unwrap();
    let got = other.block_on(async {
        let raiser = async {
            mini_rt::task::yield_now().await;
            raise(quiet_signal(4).as_raw_value());
        };
        let (got, ()) = bounded(5, async { mini_rt::join!(sig.recv(), raiser) }).await;
        got
    });
    assert_eq!(got, Some(()));
    rt.block_on(async {
        raise(quiet_signal(4).as_raw_value());
        assert_eq!(bounded(5, sig.recv()).await, Some(()));
    });
}
