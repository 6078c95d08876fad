//! `UnixStream::connect` is non-blocking: regression tests for the blocking
//! std connect it once used, which could stall the runtime thread.

mod support;

use mini_rt::net::{UnixListener, UnixStream};
use support::{bounded, TempDir};

#[mini_rt::test]
async fn unix_connect_with_a_full_backlog_returns_would_block_instead_of_blocking() {
    let dir = TempDir::new("backlog");
    let path = dir.path("sock");
    let listener = UnixListener::bind(&path).unwrap();
    // Shrink the backlog (listen(2) again on a listening socket updates it) so
    // it fills after a connection or two: with the default backlog of
    // thousands the client fds would pass select's FD_SETSIZE first.
    // SAFETY: the fd is a listening socket owned by `listener`, alive here.
    let rc = unsafe { libc::listen(std::os::fd::AsRawFd::as_raw_fd(&listener), 0) };
    assert_eq!(rc, 0, "{}", std::io::Error::last_os_error());
    // Never accept: the backlog fills up. A blocking connect would now stall
    // this thread (and the runtime) forever; the non-blocking one errors.
    let mut clients = Vec::new();
    let full = bounded(10, async {
        for _ in 0..100 {
            match UnixStream::connect(&path).await {
                Ok(c) => clients.push(c),
                Err(e) => return e,
            }
        }
        panic!("the backlog never filled up");
    })
    .await;
    assert_eq!(full.raw_os_error(), Some(libc::EAGAIN), "{full:?}");
}

#[mini_rt::test]
async fn unix_connect_to_a_too_long_path_is_invalid_input() {
    let long = "/tmp/".to_string() + &"x".repeat(200);
    let err = UnixStream::connect(long).await.unwrap_err();
    assert_eq!(err.kind(), std::io::ErrorKind::InvalidInput);
}
