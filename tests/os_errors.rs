//! A failed connect or bind returns the plain OS error, as tokio does:
//! `raw_os_error()` is the errno and the Debug form is `Os { .. }`, so code
//! that matches on errno takes the same branch on both runtimes. (These
//! errors once wrapped the OS error in a custom one that named the address,
//! which hid the errno.)

mod support;

use mini_rt::net::UnixStream;
use mini_rt::net::{TcpListener, TcpSocket, TcpStream, UdpSocket, UnixDatagram, UnixListener};
use std::io;
use support::{bounded, TempDir};

/// `err` is the bare OS error `errno`, exactly as `std` builds it.
fn assert_plain_os_error(err: &io::Error, errno: i32) {
    assert_eq!(err.raw_os_error(), Some(errno), "{err:?}");
    assert!(format!("{err:?}").starts_with("Os {"), "{err:?}");
    assert_eq!(err.kind(), io::Error::from_raw_os_error(errno).kind());
    assert_eq!(
        err.to_string(),
        io::Error::from_raw_os_error(errno).to_string()
    );
    assert!(err.get_ref().is_none(), "no custom payload: {err:?}");
}

/// A loopback port on which nothing listens (the listener that had it is
/// dropped again).
async fn free_port() -> std::net::SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    listener.local_addr().unwrap()
}

#[mini_rt::test]
async fn refused_connect_is_econnrefused() {
    let addr = free_port().await;
    let err = bounded(5, TcpStream::connect(addr)).await.unwrap_err();
    assert_plain_os_error(&err, libc::ECONNREFUSED);
    let socket = TcpSocket::new_v4().unwrap();
    let err = bounded(5, socket.connect(addr)).await.unwrap_err();
    assert_plain_os_error(&err, libc::ECONNREFUSED);
}

#[mini_rt::test]
async fn bind_in_use_is_eaddrinuse() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let err = TcpListener::bind(addr).await.unwrap_err();
    assert_plain_os_error(&err, libc::EADDRINUSE);
    let err = TcpSocket::new_v4().unwrap().bind(addr).unwrap_err();
    assert_plain_os_error(&err, libc::EADDRINUSE);

    let udp = UdpSocket::bind("127.0.0.1:0").await.unwrap();
    let err = UdpSocket::bind(udp.local_addr().unwrap())
        .await
        .unwrap_err();
    assert_plain_os_error(&err, libc::EADDRINUSE);

    let dir = TempDir::new("os-errors");
    let path = dir.path("taken.sock");
    let _unix = UnixListener::bind(&path).unwrap();
    assert_plain_os_error(&UnixListener::bind(&path).unwrap_err(), libc::EADDRINUSE);
    assert_plain_os_error(&UnixDatagram::bind(&path).unwrap_err(), libc::EADDRINUSE);
}

#[mini_rt::test]
async fn missing_unix_path_is_enoent() {
    let dir = TempDir::new("os-errors");
    let missing = dir.path("nobody.sock");
    let err = bounded(5, UnixStream::connect(&missing)).await.unwrap_err();
    assert_plain_os_error(&err, libc::ENOENT);
    let datagram = UnixDatagram::unbound().unwrap();
    assert_plain_os_error(&datagram.connect(&missing).unwrap_err(), libc::ENOENT);
    let err = bounded(5, datagram.send_to(b"x", &missing))
        .await
        .unwrap_err();
    assert_plain_os_error(&err, libc::ENOENT);
}
