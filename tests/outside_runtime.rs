//! What works outside a runtime and what does not. `spawn`,
//! `spawn_blocking`, `spawn_local`, `JoinSet::spawn` and `Handle::current`
//! panic there, as tokio's do, with a message that says how to fix it.
//! Where mini_rt is more lenient than tokio on purpose (README, "Differences
//! from tokio"): timers created before a runtime runs work once polled
//! inside one, and registering a socket outside a runtime is an
//! `io::Error` rather than a panic.

mod support;

use mini_rt::net::{TcpListener, TcpSocket, TcpStream, UnixDatagram, UnixListener, UnixStream};
use mini_rt::runtime::{Backend, Handle, Runtime};
use mini_rt::task::JoinSet;
use mini_rt::time::{interval, sleep, timeout, Duration, Instant};
use std::any::Any;
use std::io;
use std::panic::{catch_unwind, AssertUnwindSafe};
use support::{bounded, TempDir};

/// The fix the message must name: where a runtime is running.
const FIX: &str = "call this from inside `Runtime::block_on`";

fn panic_message(payload: Box<dyn Any + Send>) -> String {
    match payload.downcast::<String>() {
        Ok(s) => *s,
        Err(payload) => payload.downcast_ref::<&str>().unwrap().to_string(),
    }
}

fn assert_panics_naming_the_fix<R>(what: &str, f: impl FnOnce() -> R) {
    let payload = catch_unwind(AssertUnwindSafe(f))
        .err()
        .unwrap_or_else(|| panic!("{what} outside a runtime did not panic"));
    let msg = panic_message(payload);
    assert!(
        msg.contains("no mini_rt runtime") && msg.contains(FIX),
        "{what}: {msg}"
    );
}

#[test]
fn spawn_blocking_outside_a_runtime_panics_naming_the_fix() {
    assert_panics_naming_the_fix("spawn_blocking", || mini_rt::task::spawn_blocking(|| 1));
}

#[test]
fn handle_current_outside_a_runtime_panics_naming_the_fix() {
    let err = Handle::try_current().unwrap_err();
    assert!(err.to_string().contains(FIX), "{err}");
    assert_panics_naming_the_fix("Handle::current", Handle::current);
}

#[test]
fn spawn_local_and_join_set_spawn_outside_a_runtime_panic_naming_the_fix() {
    assert_panics_naming_the_fix("spawn", || mini_rt::spawn(async {}));
    assert_panics_naming_the_fix("spawn_local", || mini_rt::task::spawn_local(async {}));
    let mut set = JoinSet::new();
    assert_panics_naming_the_fix("JoinSet::spawn", || set.spawn(async {}));
}

/// Runs `fut` (made before any runtime exists) on a fresh runtime of each
/// backend, bounded.
fn on_each_backend_made_outside<F: std::future::Future>(make: impl Fn() -> F) {
    for backend in Backend::ALL {
        let fut = make(); // no runtime exists yet
        let Some(rt) = support::runtime_on(backend) else {
            continue;
        };
        rt.block_on(bounded(10, fut));
    }
}

#[test]
fn timers_created_before_the_runtime_work_inside_it() {
    on_each_backend_made_outside(|| {
        let start = Instant::now();
        let (nap, mut ticks) = (
            sleep(Duration::from_millis(20)),
            interval(Duration::from_millis(5)),
        );
        let never = timeout(Duration::from_millis(10), std::future::pending::<()>());
        async move {
            assert!(never.await.is_err(), "the timeout fired");
            ticks.tick().await; // the first tick is immediate
            ticks.tick().await;
            nap.await;
            assert!(start.elapsed() >= Duration::from_millis(20));
        }
    });
}

#[test]
fn sockets_outside_a_runtime_are_an_error_not_a_panic() -> io::Result<()> {
    let dir = TempDir::new("outside");
    let std_listener = std::net::TcpListener::bind("127.0.0.1:0")?;
    let std_stream = std::net::TcpStream::connect(std_listener.local_addr()?)?;
    let results = [
        UnixStream::pair().map(drop),
        UnixDatagram::unbound().map(drop),
        UnixListener::bind(dir.path("l.sock")).map(drop),
        TcpStream::from_std(std_stream).map(drop),
    ];
    for res in results {
        let err = res.unwrap_err();
        assert!(err.to_string().contains(FIX), "{err}");
    }
    Ok(())
}

#[test]
fn a_tcp_socket_configured_before_the_runtime_connects_inside_it() {
    let socket = TcpSocket::new_v4().unwrap();
    socket.set_nodelay(true).unwrap();
    // The runtime starts only now.
    Runtime::new().unwrap().block_on(async move {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let connect = mini_rt::spawn(socket.connect(listener.local_addr().unwrap()));
        bounded(5, listener.accept()).await.unwrap();
        let stream = bounded(5, connect).await.unwrap().unwrap();
        assert!(stream.nodelay().unwrap(), "options set before survive");
    });
}
