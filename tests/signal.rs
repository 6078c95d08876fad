//! Signals: in-process SIGUSR1/SIGUSR2 reach every listener; forbidden signals error.

mod support;

use mini_rt::signal::unix::{signal, SignalKind};
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
