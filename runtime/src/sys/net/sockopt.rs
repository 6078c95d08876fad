//! Socket options (`getsockopt`/`setsockopt`) for `mini_rt_net`: the
//! `SO_*`, `TCP_*`, `IP_TOS`/`IPV6_TCLASS` and `SO_LINGER` knobs std does not
//! expose, and `SO_ERROR` for a non-blocking `connect`'s outcome.

use crate::sys::syscall;
use std::io;
use std::mem::{self, size_of};
use std::os::fd::{AsRawFd, BorrowedFd};
use std::time::Duration;

/// Takes the pending error of `fd` (`SO_ERROR`), e.g. the outcome of a
/// non-blocking `connect`.
pub fn take_error(fd: BorrowedFd<'_>) -> io::Result<Option<io::Error>> {
    let err = getsockopt_int(fd, libc::SOL_SOCKET, libc::SO_ERROR)?;
    Ok((err != 0).then(|| io::Error::from_raw_os_error(err)))
}

/// Sets `SO_REUSEADDR`.
pub fn set_reuseaddr(fd: BorrowedFd<'_>, on: bool) -> io::Result<()> {
    setsockopt_int(fd, libc::SOL_SOCKET, libc::SO_REUSEADDR, on as libc::c_int)
}

/// Reads `SO_REUSEADDR`.
pub fn reuseaddr(fd: BorrowedFd<'_>) -> io::Result<bool> {
    getsockopt_int(fd, libc::SOL_SOCKET, libc::SO_REUSEADDR).map(|v| v != 0)
}

/// Sets `SO_REUSEPORT`.
pub fn set_reuseport(fd: BorrowedFd<'_>, on: bool) -> io::Result<()> {
    setsockopt_int(fd, libc::SOL_SOCKET, libc::SO_REUSEPORT, on as libc::c_int)
}

/// Reads `SO_REUSEPORT`.
pub fn reuseport(fd: BorrowedFd<'_>) -> io::Result<bool> {
    getsockopt_int(fd, libc::SOL_SOCKET, libc::SO_REUSEPORT).map(|v| v != 0)
}

/// Sets `SO_SNDBUF` (Linux doubles the value for bookkeeping overhead).
pub fn set_send_buffer_size(fd: BorrowedFd<'_>, size: u32) -> io::Result<()> {
    setsockopt_int(fd, libc::SOL_SOCKET, libc::SO_SNDBUF, clamp(size))
}

/// Reads `SO_SNDBUF`.
pub fn send_buffer_size(fd: BorrowedFd<'_>) -> io::Result<u32> {
    getsockopt_int(fd, libc::SOL_SOCKET, libc::SO_SNDBUF).map(|v| v as u32)
}

/// Sets `SO_RCVBUF` (Linux doubles the value for bookkeeping overhead).
pub fn set_recv_buffer_size(fd: BorrowedFd<'_>, size: u32) -> io::Result<()> {
    setsockopt_int(fd, libc::SOL_SOCKET, libc::SO_RCVBUF, clamp(size))
}

/// Reads `SO_RCVBUF`.
pub fn recv_buffer_size(fd: BorrowedFd<'_>) -> io::Result<u32> {
    getsockopt_int(fd, libc::SOL_SOCKET, libc::SO_RCVBUF).map(|v| v as u32)
}

/// Sets `SO_KEEPALIVE`.
pub fn set_keepalive(fd: BorrowedFd<'_>, on: bool) -> io::Result<()> {
    setsockopt_int(fd, libc::SOL_SOCKET, libc::SO_KEEPALIVE, on as libc::c_int)
}

/// Reads `SO_KEEPALIVE`.
pub fn keepalive(fd: BorrowedFd<'_>) -> io::Result<bool> {
    getsockopt_int(fd, libc::SOL_SOCKET, libc::SO_KEEPALIVE).map(|v| v != 0)
}

/// Sets `TCP_NODELAY` (disables Nagle's algorithm when `true`).
pub fn set_nodelay(fd: BorrowedFd<'_>, on: bool) -> io::Result<()> {
    setsockopt_int(fd, libc::IPPROTO_TCP, libc::TCP_NODELAY, on as libc::c_int)
}

/// Reads `TCP_NODELAY`.
pub fn nodelay(fd: BorrowedFd<'_>) -> io::Result<bool> {
    getsockopt_int(fd, libc::IPPROTO_TCP, libc::TCP_NODELAY).map(|v| v != 0)
}

/// Sets `SO_LINGER`: `None` disables it; `Some(d)` makes `close` wait up to
/// `d` (whole seconds) for unsent data, and `Some(ZERO)` makes `close` send
/// a reset.
pub fn set_linger(fd: BorrowedFd<'_>, linger: Option<Duration>) -> io::Result<()> {
    let value = libc::linger {
        l_onoff: linger.is_some() as libc::c_int,
        l_linger: linger.map_or(0, |d| {
            d.as_secs().min(libc::c_int::MAX as u64) as libc::c_int
        }),
    };
    setsockopt(fd, libc::SOL_SOCKET, libc::SO_LINGER, value)
}

/// Reads `SO_LINGER`.
pub fn linger(fd: BorrowedFd<'_>) -> io::Result<Option<Duration>> {
    let value: libc::linger = getsockopt(fd, libc::SOL_SOCKET, libc::SO_LINGER)?;
    Ok((value.l_onoff != 0).then(|| Duration::from_secs(value.l_linger.max(0) as u64)))
}

/// Sets `TCP_QUICKACK` (Linux): send ACKs at once instead of delaying them.
/// The kernel may turn it off again after later operations on the socket.
pub fn set_quickack(fd: BorrowedFd<'_>, on: bool) -> io::Result<()> {
    setsockopt_int(fd, libc::IPPROTO_TCP, libc::TCP_QUICKACK, on as libc::c_int)
}

/// Reads `TCP_QUICKACK`.
pub fn quickack(fd: BorrowedFd<'_>) -> io::Result<bool> {
    getsockopt_int(fd, libc::IPPROTO_TCP, libc::TCP_QUICKACK).map(|v| v != 0)
}

/// Sets `IP_TOS`, the type-of-service byte of outgoing IPv4 packets.
pub fn set_tos_v4(fd: BorrowedFd<'_>, tos: u32) -> io::Result<()> {
    setsockopt_int(fd, libc::IPPROTO_IP, libc::IP_TOS, clamp(tos))
}

/// Reads `IP_TOS`.
pub fn tos_v4(fd: BorrowedFd<'_>) -> io::Result<u32> {
    getsockopt_int(fd, libc::IPPROTO_IP, libc::IP_TOS).map(|v| v as u32)
}

/// Sets `IPV6_TCLASS`, the traffic class of outgoing IPv6 packets.
pub fn set_tclass_v6(fd: BorrowedFd<'_>, tclass: u32) -> io::Result<()> {
    setsockopt_int(fd, libc::IPPROTO_IPV6, libc::IPV6_TCLASS, clamp(tclass))
}

/// Reads `IPV6_TCLASS`.
pub fn tclass_v6(fd: BorrowedFd<'_>) -> io::Result<u32> {
    getsockopt_int(fd, libc::IPPROTO_IPV6, libc::IPV6_TCLASS).map(|v| v as u32)
}

/// Sets `SO_BINDTODEVICE`: only packets from the interface named
/// `interface` reach the socket. `None` or an empty name removes the binding.
pub fn bind_device(fd: BorrowedFd<'_>, interface: Option<&[u8]>) -> io::Result<()> {
    let name = interface.unwrap_or_default();
    let ptr = if name.is_empty() {
        std::ptr::null()
    } else {
        name.as_ptr().cast::<libc::c_void>()
    };
    // SAFETY: `ptr` is null with length 0, or points to `name.len()` readable
    // bytes for the call.
    syscall!(setsockopt(
        fd.as_raw_fd(),
        libc::SOL_SOCKET,
        libc::SO_BINDTODEVICE,
        ptr,
        name.len() as libc::socklen_t
    ))
    .map(drop)
}

/// Reads `SO_BINDTODEVICE`: the name of the interface the socket is bound
/// to (without its NUL terminator), or `None`.
pub fn device(fd: BorrowedFd<'_>) -> io::Result<Option<Vec<u8>>> {
    let mut buf = [0u8; libc::IFNAMSIZ];
    let mut len = buf.len() as libc::socklen_t;
    // SAFETY: `buf` and `len` describe a writable buffer of `len` bytes.
    syscall!(getsockopt(
        fd.as_raw_fd(),
        libc::SOL_SOCKET,
        libc::SO_BINDTODEVICE,
        buf.as_mut_ptr().cast::<libc::c_void>(),
        &mut len
    ))?;
    let name = &buf[..(len as usize).min(buf.len())];
    // The kernel counts the terminating NUL; stop at the first one.
    let name = name.split(|&b| b == 0).next().unwrap_or_default();
    Ok((!name.is_empty()).then(|| name.to_vec()))
}

fn clamp(size: u32) -> libc::c_int {
    size.min(libc::c_int::MAX as u32) as libc::c_int
}

fn setsockopt_int(
    fd: BorrowedFd<'_>,
    level: libc::c_int,
    name: libc::c_int,
    value: libc::c_int,
) -> io::Result<()> {
    setsockopt(fd, level, name, value)
}

fn getsockopt_int(
    fd: BorrowedFd<'_>,
    level: libc::c_int,
    name: libc::c_int,
) -> io::Result<libc::c_int> {
    getsockopt(fd, level, name)
}

/// `T` must be the plain-old-data type the option expects (`c_int`, `linger`).
fn setsockopt<T: Copy>(
    fd: BorrowedFd<'_>,
    level: libc::c_int,
    name: libc::c_int,
    value: T,
) -> io::Result<()> {
    let ptr = (&value as *const T).cast::<libc::c_void>();
    let len = size_of::<T>() as libc::socklen_t;
    // SAFETY: `ptr` points to `len` readable bytes for the call.
    syscall!(setsockopt(fd.as_raw_fd(), level, name, ptr, len)).map(drop)
}

/// `T` must be the plain-old-data type the option fills (`c_int`, `linger`),
/// for which all-zero bytes are a valid value.
fn getsockopt<T: Copy>(fd: BorrowedFd<'_>, level: libc::c_int, name: libc::c_int) -> io::Result<T> {
    // SAFETY: only called with C integer/struct types, valid when zeroed.
    let mut value: T = unsafe { mem::zeroed() };
    let mut len = size_of::<T>() as libc::socklen_t;
    let ptr = (&mut value as *mut T).cast::<libc::c_void>();
    // SAFETY: `ptr` and `len` describe a writable buffer of `len` bytes.
    syscall!(getsockopt(fd.as_raw_fd(), level, name, ptr, &mut len))?;
    Ok(value)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sys::net::{socket, Domain, Type};
    use std::os::fd::AsFd;

    #[test]
    fn options_round_trip() {
        let fd = socket(Domain::Ipv4, Type::Stream).unwrap();
        let fd = fd.as_fd();
        set_nodelay(fd, true).unwrap();
        assert!(nodelay(fd).unwrap());
        set_linger(fd, Some(Duration::from_secs(3))).unwrap();
        assert_eq!(linger(fd).unwrap(), Some(Duration::from_secs(3)));
        set_linger(fd, None).unwrap();
        assert_eq!(linger(fd).unwrap(), None);
        assert!(take_error(fd).unwrap().is_none());
        set_quickack(fd, true).unwrap();
        assert!(quickack(fd).unwrap());
        set_tos_v4(fd, 0x10).unwrap();
        assert_eq!(tos_v4(fd).unwrap(), 0x10);
        assert_eq!(device(fd).unwrap(), None);
    }

    #[test]
    fn tclass_round_trips() {
        let Ok(fd) = socket(Domain::Ipv6, Type::Datagram) else {
            return; // no IPv6 on this machine
        };
        set_tclass_v6(fd.as_fd(), 0x20).unwrap();
        assert_eq!(tclass_v6(fd.as_fd()).unwrap(), 0x20);
    }
}
