//! Stream reads that come back short with more data queued: TCP urgent data
//! (a read stops at the urgent mark) and Unix-stream messages carrying file
//! descriptors (a read stops after such a message). Edge-triggered epoll
//! reports no new event for data already queued, so the runtime must not
//! take such a short read as proof that the socket is drained. Also:
//! waiting for PRIORITY readiness (urgent data) on every backend.

#![allow(unsafe_code)]

mod support;

use mini_rt::io::{AsyncReadExt, Interest};
use mini_rt::net::{TcpListener, TcpStream, UnixStream};
use std::io::{self, Write};
use std::os::fd::{AsRawFd, RawFd};
use support::{bounded, on_each_backend};

/// Sends one byte of TCP urgent data (`MSG_OOB`) on `fd`.
fn send_urgent(fd: RawFd, byte: u8) {
    // SAFETY: `fd` is an open socket for the call; the buffer is one valid byte.
    let n = unsafe { libc::send(fd, [byte].as_ptr().cast(), 1, libc::MSG_OOB) };
    assert_eq!(n, 1, "send(MSG_OOB): {}", io::Error::last_os_error());
}

/// Sends `data` on the Unix stream `fd` with one descriptor (`pass`)
/// attached as `SCM_RIGHTS`.
fn send_with_fd(fd: RawFd, data: &[u8], pass: RawFd) {
    const FD_LEN: u32 = std::mem::size_of::<RawFd>() as u32;
    // u64 elements keep the control buffer aligned for cmsghdr.
    let mut control = [0u64; 8];
    let mut iov = libc::iovec {
        iov_base: data.as_ptr() as *mut libc::c_void,
        iov_len: data.len(),
    };
    // SAFETY: zeroed msghdr is valid (null pointers, zero lengths).
    let mut msg: libc::msghdr = unsafe { std::mem::zeroed() };
    msg.msg_iov = &mut iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control.as_mut_ptr().cast();
    // SAFETY: CMSG_SPACE only computes a size.
    msg.msg_controllen = unsafe { libc::CMSG_SPACE(FD_LEN) } as _;
    // SAFETY: the control buffer is at least CMSG_SPACE(FD_LEN) bytes and
    // aligned, so the first header and its data fit in it; `iov` and `control`
    // outlive the sendmsg call.
    unsafe {
        let cmsg = libc::CMSG_FIRSTHDR(&msg);
        (*cmsg).cmsg_level = libc::SOL_SOCKET;
        (*cmsg).cmsg_type = libc::SCM_RIGHTS;
        (*cmsg).cmsg_len = libc::CMSG_LEN(FD_LEN) as _;
        std::ptr::write_unaligned(libc::CMSG_DATA(cmsg).cast::<RawFd>(), pass);
        let n = libc::sendmsg(fd, &msg, 0);
        assert_eq!(
            n,
            data.len() as isize,
            "sendmsg: {}",
            io::Error::last_os_error()
        );
    }
}

#[test]
fn tcp_read_does_not_hang_after_urgent_data_on_edge_epoll() {
    on_each_backend(|| async {
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let peer = std::net::TcpStream::connect(listener.local_addr()?)?;
        let (mut ours, _) = listener.accept().await?;
        (&peer).write_all(&[1; 100])?;
        send_urgent(peer.as_raw_fd(), 9);
        (&peer).write_all(&[2; 100])?;
        // The urgent byte is not inline: the stream holds 200 ordinary bytes,
        // and the first read stops at the urgent mark after 100.
        let mut buf = [0u8; 200];
        bounded(5, ours.read_exact(&mut buf)).await?;
        assert_eq!(&buf[..100], &[1; 100][..]);
        assert_eq!(&buf[100..], &[2; 100][..]);
        drop(peer);
        Ok(())
    });
}

#[test]
fn unix_stream_read_does_not_hang_after_a_message_carrying_fds_on_edge_epoll() {
    on_each_backend(|| async {
        let (ours, peer) = std::os::unix::net::UnixStream::pair()?;
        let mut ours = UnixStream::from_std(ours)?;
        // A short read first, so no readiness is cached when the rest comes.
        (&peer).write_all(b"hello")?;
        let mut hello = [0u8; 64];
        assert_eq!(bounded(5, ours.read(&mut hello)).await?, 5);
        // A message with an fd attached, then plain data: a read stops after
        // the first message although the second is queued.
        let passed = std::fs::File::open("/dev/null")?;
        send_with_fd(peer.as_raw_fd(), &[1; 100], passed.as_raw_fd());
        (&peer).write_all(&[2; 100])?;
        let mut buf = [0u8; 200];
        bounded(5, ours.read_exact(&mut buf)).await?;
        assert_eq!(&buf[..100], &[1; 100][..]);
        assert_eq!(&buf[100..], &[2; 100][..]);
        Ok(())
    });
}

#[test]
fn ready_priority_sees_urgent_data_on_edge_epoll() {
    on_each_backend(|| async {
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let ours = TcpStream::connect(listener.local_addr()?).await?;
        let (theirs, _) = listener.accept().await?;
        // The stream has been registered (and waited on for writable by
        // connect) before anyone asks for PRIORITY.
        let std_theirs = theirs.into_std()?;
        send_urgent(std_theirs.as_raw_fd(), 7);
        let ready = bounded(5, ours.ready(Interest::PRIORITY)).await?;
        assert!(ready.is_priority(), "{ready:?}");
        Ok(())
    });
}
