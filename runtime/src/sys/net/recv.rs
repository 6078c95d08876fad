//! Datagram receives that report the sender, into a tokio [`ReadBuf`]'s
//! unfilled part (not zeroed first): `recvfrom(2)` for IP and Unix-domain
//! sockets, and the peek at the next datagram's sender. std's `recv_from`
//! needs initialised memory, which the `poll_*` and `*_buf` methods of
//! tokio's API do not have.

use super::from_sockaddr;
use crate::sys::read_buf::fill;
use crate::sys::syscall;
use std::ffi::OsStr;
use std::io;
use std::mem::{self, size_of};
use std::net::SocketAddr;
use std::os::fd::{AsRawFd, BorrowedFd};
use std::os::linux::net::SocketAddrExt;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::net::SocketAddr as UnixSocketAddr;
use tokio::io::ReadBuf;

/// Receives one datagram into `buf` (truncated to its room, as the OS does)
/// and returns its length and the sender's address storage. With `peek`,
/// the datagram stays queued (`MSG_PEEK`).
fn recv_from_raw(
    fd: BorrowedFd<'_>,
    buf: &mut ReadBuf<'_>,
    peek: bool,
) -> io::Result<(usize, libc::sockaddr_storage, libc::socklen_t)> {
    // SAFETY: all-zero bytes are a valid sockaddr_storage.
    let mut storage: libc::sockaddr_storage = unsafe { mem::zeroed() };
    let mut len = size_of::<libc::sockaddr_storage>() as libc::socklen_t;
    let addr = (&mut storage as *mut libc::sockaddr_storage).cast::<libc::sockaddr>();
    let flags = if peek { libc::MSG_PEEK } else { 0 };
    let n = fill(buf, |ptr, cap| {
        // SAFETY: `ptr` and `cap` describe the buffer's writable unfilled
        // part; `addr` and `len` a writable sockaddr_storage; `fd` is live.
        syscall!(recvfrom(fd.as_raw_fd(), ptr, cap, flags, addr, &mut len))
    })?;
    Ok((n, storage, len))
}

/// Receives one datagram from an IP socket into `buf` (truncated to its
/// room, as the OS does; with `peek` it stays queued) and returns its length
/// and its sender.
pub fn recv_from(
    fd: BorrowedFd<'_>,
    buf: &mut ReadBuf<'_>,
    peek: bool,
) -> io::Result<(usize, SocketAddr)> {
    let (n, storage, len) = recv_from_raw(fd, buf, peek)?;
    Ok((n, from_sockaddr(&storage, len)?))
}

/// The sender of the next datagram queued on an IP socket, which stays
/// queued. `WouldBlock` if none is.
pub fn peek_sender(fd: BorrowedFd<'_>) -> io::Result<SocketAddr> {
    // A few bytes of room (the datagram is truncated into them, and stays
    // queued whole): some systems leave the address unset for an empty buffer.
    let mut room = [0u8; 8];
    let mut buf = ReadBuf::new(&mut room);
    recv_from(fd, &mut buf, true).map(|(_, from)| from)
}

/// Receives one datagram from a Unix-domain socket into `buf` and returns
/// its length and its sender (unnamed if the sender is not bound).
pub fn unix_recv_from(
    fd: BorrowedFd<'_>,
    buf: &mut ReadBuf<'_>,
) -> io::Result<(usize, UnixSocketAddr)> {
    let (n, storage, len) = recv_from_raw(fd, buf, false)?;
    Ok((n, unix_addr(&storage, len)?))
}

/// Decodes the `sockaddr_un` the kernel wrote (`len` valid bytes; 0 or
/// just the family for an unnamed sender).
fn unix_addr(storage: &libc::sockaddr_storage, len: libc::socklen_t) -> io::Result<UnixSocketAddr> {
    // SAFETY: sockaddr_storage is large and aligned enough for a
    // sockaddr_un, and every bit pattern is a valid one.
    let sun = unsafe { &*(storage as *const libc::sockaddr_storage).cast::<libc::sockaddr_un>() };
    let offset = mem::offset_of!(libc::sockaddr_un, sun_path);
    let path_len = (len as usize)
        .saturating_sub(offset)
        .min(sun.sun_path.len());
    let path: Vec<u8> = sun.sun_path[..path_len].iter().map(|&c| c as u8).collect();
    match path.split_first() {
        // Unnamed: std has no constructor for it, but an empty path is one.
        None => UnixSocketAddr::from_pathname(""),
        Some((0, name)) => UnixSocketAddr::from_abstract_name(name),
        Some(_) => {
            // The kernel may count a terminating NUL; the name ends at it.
            let end = path.iter().position(|&b| b == 0).unwrap_or(path.len());
            UnixSocketAddr::from_pathname(OsStr::from_bytes(&path[..end]))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::fd::AsFd;
    use std::os::unix::net::UnixDatagram;

    #[test]
    fn recv_from_reports_inet_and_unix_senders() {
        let a = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
        let b = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
        a.send_to(b"hello", b.local_addr().unwrap()).unwrap();
        assert_eq!(peek_sender(b.as_fd()).unwrap(), a.local_addr().unwrap());
        let mut room = [0u8; 3];
        let mut buf = ReadBuf::new(&mut room);
        let (n, from) = recv_from(b.as_fd(), &mut buf, false).unwrap();
        assert_eq!(
            (n, buf.filled(), from),
            (3, &b"hel"[..], a.local_addr().unwrap())
        );

        let (x, y) = UnixDatagram::pair().unwrap();
        x.send(b"hi").unwrap();
        let mut room = [0u8; 8];
        let mut buf = ReadBuf::new(&mut room);
        let (n, from) = unix_recv_from(y.as_fd(), &mut buf).unwrap();
        assert_eq!((n, buf.filled()), (2, &b"hi"[..]));
        assert!(from.is_unnamed());

        let name = format!("mini_rt-recv-test-{}", std::process::id());
        let named = UnixSocketAddr::from_abstract_name(name.as_bytes()).unwrap();
        let z = UnixDatagram::bind_addr(&named).unwrap();
        z.connect_addr(&named).unwrap(); // to itself
        z.send(b"!").unwrap();
        let mut buf = ReadBuf::new(&mut room);
        let (_, from) = unix_recv_from(z.as_fd(), &mut buf).unwrap();
        assert_eq!(from.as_abstract_name(), Some(name.as_bytes()));
    }
}
