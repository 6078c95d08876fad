//! `#[mini_rt::main]`, `#[mini_rt::test]`, `join!`, `try_join!` and
//! `select!` on the real runtime, through the facade as users write them.
//! (The attributes' error messages are tested in `macros/tests/ui`; the
//! macros' corner cases in `runtime/src/macros/tests`.)

use std::error::Error;
use std::future::{pending, ready};
use std::io;

use mini_rt::time::{sleep, Duration};

#[mini_rt::test]
async fn unit_return() {
    sleep(Duration::from_millis(1)).await;
}

#[mini_rt::test]
async fn boxed_error_return_with_question_mark() -> Result<(), Box<dyn Error>> {
    sleep(Duration::from_millis(1)).await;
    let n: u32 = "7".parse()?;
    assert_eq!(n, 7);
    Ok(())
}

#[mini_rt::test]
async fn io_result_return() -> io::Result<()> {
    mini_rt::task::yield_now().await;
    Ok(())
}

#[mini_rt::test]
#[should_panic(expected = "expected panic")]
async fn should_panic_is_kept() {
    mini_rt::task::yield_now().await;
    panic!("expected panic");
}

#[mini_rt::test]
#[ignore = "checks that #[ignore] is kept: this body must never run"]
async fn ignore_is_kept() {
    panic!("an ignored test ran");
}

#[mini_rt::test(backend = "epoll")]
async fn backend_epoll() {
    sleep(Duration::from_millis(1)).await;
}

#[mini_rt::test(backend = "epoll-lt")]
async fn backend_epoll_lt() {
    sleep(Duration::from_millis(1)).await;
}

#[mini_rt::test(backend = "epoll-oneshot")]
async fn backend_epoll_oneshot() {
    sleep(Duration::from_millis(1)).await;
}

#[mini_rt::test(backend = "poll", flavor = "current_thread")]
async fn backend_poll() {
    sleep(Duration::from_millis(1)).await;
}

#[mini_rt::test(backend = "select")]
async fn backend_select() {
    sleep(Duration::from_millis(1)).await;
}

/// `#[main]` on another function makes it a blocking one: built only where
/// the kernel allows io_uring, so that refusing kernels skip this test.
#[mini_rt::main(backend = "io-uring")]
async fn on_io_uring() -> mini_rt::runtime::Backend {
    sleep(Duration::from_millis(1)).await;
    mini_rt::runtime::Handle::current().backend()
}

#[test]
fn backend_io_uring() {
    use mini_rt::runtime::Backend;
    match mini_rt::poller::Poller::new(Backend::IoUring) {
        Err(e) if e.kind() == io::ErrorKind::Unsupported => eprintln!("skipped: {e}"),
        _ => assert_eq!(on_io_uring(), Backend::IoUring),
    }
}

#[mini_rt::test(crate = "mini_rt")]
async fn crate_path() {
    mini_rt::task::yield_now().await;
}

/// `#[mini_rt::main]` on a function other than `main` makes it blocking.
#[mini_rt::main]
async fn blocking_helper(value: u32) -> io::Result<u32> {
    sleep(Duration::from_millis(1)).await;
    Ok(value * 2)
}

#[test]
fn main_attribute_blocks_on_its_body() {
    assert_eq!(blocking_helper(21).unwrap(), 42);
}

#[mini_rt::test]
async fn join_waits_for_all() {
    let slow = async {
        sleep(Duration::from_millis(20)).await;
        "slow"
    };
    let fast = async {
        sleep(Duration::from_millis(1)).await;
        "fast"
    };
    assert_eq!(mini_rt::join!(slow, fast), ("slow", "fast"));
}

#[mini_rt::test]
async fn try_join_stops_at_the_first_error() {
    let fails = async {
        sleep(Duration::from_millis(1)).await;
        Err::<(), _>("failed")
    };
    let never = pending::<Result<(), &str>>();
    assert_eq!(mini_rt::try_join!(never, fails), Err("failed"));
}

#[mini_rt::test]
async fn select_takes_the_first_to_complete() {
    let out = mini_rt::select! {
        _ = sleep(Duration::from_secs(10)) => "timer",
        v = async { sleep(Duration::from_millis(1)).await; "work" } => v,
    };
    assert_eq!(out, "work");

    let out = mini_rt::select! {
        Some(v) = ready(None::<u8>) => v,
        else => 0,
    };
    assert_eq!(out, 0);
}
