//! OS layer for `mini_rt_net`: socket creation, `connect`, `bind`, `listen`,
//! `accept4` and socket options, over libc.
//!
//! `mini_rt_net` forbids `unsafe`; every socket system call that `std::net`
//! does not offer (non-blocking, close-on-exec creation in one call,
//! `accept4`, the options std lacks) lives here. Stream socket writes are
//! one `send(2)` ([`send`], for the reactor, which knows the fd); stream
//! reads and peeks into a `ReadBuf`'s uninitialised part are in
//! [`read_buf`](super::read_buf). Public functions take [`BorrowedFd`] so
//! they can only act on a live fd the caller owns or borrows.

use super::syscall;

pub mod pipe;
mod recv;
mod sockopt;
pub use recv::*;
pub use sockopt::*;

use std::io;
use std::mem::{self, size_of};
use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr, SocketAddrV4, SocketAddrV6};
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, FromRawFd, OwnedFd};

/// `send(2)` of `buf` on the stream socket `fd`, with `MSG_NOSIGNAL`: a
/// peer that went away is an `EPIPE` error, not a `SIGPIPE` (as std's
/// socket writes). For the reactor's stream writes, which know the fd from
/// the registration while the object holding it is borrowed.
#[inline]
pub(crate) fn send(fd: std::os::fd::RawFd, buf: &[u8]) -> io::Result<usize> {
    // SAFETY: `buf` is valid for `buf.len()` bytes of reading; a stale `fd`
    // would only make the call fail.
    let n = syscall!(send(fd, buf.as_ptr().cast(), buf.len(), libc::MSG_NOSIGNAL))?;
    Ok(n as usize)
}

/// The address family of a socket.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Domain {
    /// `AF_INET`: IPv4.
    Ipv4,
    /// `AF_INET6`: IPv6.
    Ipv6,
}

impl Domain {
    /// The family that can reach `addr`.
    pub fn for_addr(addr: &SocketAddr) -> Domain {
        match addr {
            SocketAddr::V4(_) => Domain::Ipv4,
            SocketAddr::V6(_) => Domain::Ipv6,
        }
    }

    fn raw(self) -> libc::c_int {
        match self {
            Domain::Ipv4 => libc::AF_INET,
            Domain::Ipv6 => libc::AF_INET6,
        }
    }
}

/// The kind of socket.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Type {
    /// `SOCK_STREAM` (TCP).
    Stream,
    /// `SOCK_DGRAM` (UDP).
    Datagram,
}

/// Creates a socket that is non-blocking and close-on-exec from birth
/// (`SOCK_NONBLOCK | SOCK_CLOEXEC`: one syscall, no `fcntl`).
pub fn socket(domain: Domain, ty: Type) -> io::Result<OwnedFd> {
    let ty = match ty {
        Type::Stream => libc::SOCK_STREAM,
        Type::Datagram => libc::SOCK_DGRAM,
    };
    let fd = syscall!(socket(
        domain.raw(),
        ty | libc::SOCK_NONBLOCK | libc::SOCK_CLOEXEC,
        0
    ))?;
    // SAFETY: `socket` just returned this fd and nothing else owns it.
    Ok(unsafe { OwnedFd::from_raw_fd(fd) })
}

/// Starts connecting `fd` (non-blocking) to `addr`. `Ok(())` means the
/// connection is established *or in progress* (`EINPROGRESS`): wait until
/// the socket is writable, then read [`take_error`] to learn the outcome.
pub fn connect(fd: BorrowedFd<'_>, addr: &SocketAddr) -> io::Result<()> {
    let (storage, len) = to_sockaddr(addr);
    let ptr = (&storage as *const libc::sockaddr_storage).cast::<libc::sockaddr>();
    // SAFETY: `ptr` points to a live sockaddr of `len` bytes for the call.
    match syscall!(connect(fd.as_raw_fd(), ptr, len)) {
        Ok(_) => Ok(()),
        Err(e) if e.raw_os_error() == Some(libc::EINPROGRESS) => Ok(()),
        Err(e) => Err(e),
    }
}

/// Creates an `AF_UNIX` socket of type `ty`, non-blocking and close-on-exec.
pub fn unix_socket(ty: Type) -> io::Result<OwnedFd> {
    let ty = match ty {
        Type::Stream => libc::SOCK_STREAM,
        Type::Datagram => libc::SOCK_DGRAM,
    };
    let fd = syscall!(socket(
        libc::AF_UNIX,
        ty | libc::SOCK_NONBLOCK | libc::SOCK_CLOEXEC,
        0
    ))?;
    // SAFETY: `socket` just returned this fd and nothing else owns it.
    Ok(unsafe { OwnedFd::from_raw_fd(fd) })
}

/// Starts a non-blocking connect of a new `AF_UNIX` stream socket to
/// `path` (a leading NUL byte names an abstract address). Returns the socket
/// once connected or in progress: wait until writable, then read
/// [`take_error`]. A full listen backlog is `WouldBlock`, as in tokio.
pub fn unix_connect(path: &[u8]) -> io::Result<OwnedFd> {
    let fd = unix_socket(Type::Stream)?;
    unix_connect_fd(fd.as_fd(), path)?;
    Ok(fd)
}

/// Starts a non-blocking connect of the `AF_UNIX` socket `fd` to `path`, as
/// [`unix_connect`].
pub fn unix_connect_fd(fd: BorrowedFd<'_>, path: &[u8]) -> io::Result<()> {
    let (addr, len) = sockaddr_un(path)?;
    let ptr = (&addr as *const libc::sockaddr_un).cast::<libc::sockaddr>();
    // SAFETY: `ptr` points to a live sockaddr_un of at least `len` bytes.
    match syscall!(connect(fd.as_raw_fd(), ptr, len)) {
        Ok(_) => Ok(()),
        Err(e) if e.raw_os_error() == Some(libc::EINPROGRESS) => Ok(()),
        Err(e) => Err(e),
    }
}

/// Binds the `AF_UNIX` socket `fd` to `path` (a leading NUL byte names an
/// abstract address).
pub fn unix_bind(fd: BorrowedFd<'_>, path: &[u8]) -> io::Result<()> {
    let (addr, len) = sockaddr_un(path)?;
    let ptr = (&addr as *const libc::sockaddr_un).cast::<libc::sockaddr>();
    // SAFETY: `ptr` points to a live sockaddr_un of at least `len` bytes.
    syscall!(bind(fd.as_raw_fd(), ptr, len)).map(drop)
}

/// Encodes `path` as a `sockaddr_un` and its length.
fn sockaddr_un(path: &[u8]) -> io::Result<(libc::sockaddr_un, libc::socklen_t)> {
    // SAFETY: an all-zero sockaddr_un is valid; family and path are set below.
    let mut addr: libc::sockaddr_un = unsafe { mem::zeroed() };
    addr.sun_family = libc::AF_UNIX as libc::sa_family_t;
    let is_abstract = path.first() == Some(&0);
    // Pathnames need room for their NUL terminator; abstract names don't.
    let room = addr.sun_path.len() - usize::from(!is_abstract);
    if path.is_empty() || path.len() > room {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("unix socket path must be 1 to {room} bytes long"),
        ));
    }
    for (dst, src) in addr.sun_path.iter_mut().zip(path) {
        *dst = *src as libc::c_char;
    }
    let offset = mem::offset_of!(libc::sockaddr_un, sun_path);
    let len = offset + path.len() + usize::from(!is_abstract);
    Ok((addr, len as libc::socklen_t))
}

/// Binds `fd` to `addr`.
pub fn bind(fd: BorrowedFd<'_>, addr: &SocketAddr) -> io::Result<()> {
    let (storage, len) = to_sockaddr(addr);
    let ptr = (&storage as *const libc::sockaddr_storage).cast::<libc::sockaddr>();
    // SAFETY: `ptr` points to a live sockaddr of `len` bytes for the call.
    syscall!(bind(fd.as_raw_fd(), ptr, len)).map(drop)
}

/// Marks `fd` as a listening socket with room for `backlog` pending
/// connections (the kernel caps it at `net.core.somaxconn`).
pub fn listen(fd: BorrowedFd<'_>, backlog: u32) -> io::Result<()> {
    let backlog = backlog.min(libc::c_int::MAX as u32) as libc::c_int;
    syscall!(listen(fd.as_raw_fd(), backlog)).map(drop)
}

/// Accepts a connection with `accept4(SOCK_NONBLOCK | SOCK_CLOEXEC)`: the
/// new socket is non-blocking and close-on-exec without another syscall.
/// `WouldBlock` when no connection is pending.
pub fn accept(fd: BorrowedFd<'_>) -> io::Result<(OwnedFd, SocketAddr)> {
    // SAFETY: all-zero bytes are a valid sockaddr_storage.
    let mut storage: libc::sockaddr_storage = unsafe { mem::zeroed() };
    let mut len = size_of::<libc::sockaddr_storage>() as libc::socklen_t;
    let ptr = (&mut storage as *mut libc::sockaddr_storage).cast::<libc::sockaddr>();
    let flags = libc::SOCK_NONBLOCK | libc::SOCK_CLOEXEC;
    // SAFETY: `ptr` and `len` describe a writable buffer of `len` bytes.
    let new = syscall!(accept4(fd.as_raw_fd(), ptr, &mut len, flags))?;
    // SAFETY: `accept4` just returned this fd and nothing else owns it.
    let new = unsafe { OwnedFd::from_raw_fd(new) };
    Ok((new, from_sockaddr(&storage, len)?))
}

/// Whether `e` says the process or system ran out of file descriptors or
/// memory (`EMFILE`, `ENFILE`, `ENOBUFS`, `ENOMEM`): an `accept` failing so
/// should be retried later, not at once.
pub fn is_out_of_resources(e: &io::Error) -> bool {
    matches!(
        e.raw_os_error(),
        Some(libc::EMFILE | libc::ENFILE | libc::ENOBUFS | libc::ENOMEM)
    )
}

/// The address `fd` is bound to (`getsockname`).
pub fn local_addr(fd: BorrowedFd<'_>) -> io::Result<SocketAddr> {
    name(fd, |fd, ptr, len| {
        // SAFETY: `ptr` and `len` describe a writable sockaddr buffer.
        syscall!(getsockname(fd, ptr, len))
    })
}

/// The address `fd` is connected to (`getpeername`).
pub fn peer_addr(fd: BorrowedFd<'_>) -> io::Result<SocketAddr> {
    name(fd, |fd, ptr, len| {
        // SAFETY: `ptr` and `len` describe a writable sockaddr buffer.
        syscall!(getpeername(fd, ptr, len))
    })
}

fn name(
    fd: BorrowedFd<'_>,
    call: impl FnOnce(libc::c_int, *mut libc::sockaddr, *mut libc::socklen_t) -> io::Result<libc::c_int>,
) -> io::Result<SocketAddr> {
    // SAFETY: all-zero bytes are a valid sockaddr_storage.
    let mut storage: libc::sockaddr_storage = unsafe { mem::zeroed() };
    let mut len = size_of::<libc::sockaddr_storage>() as libc::socklen_t;
    let ptr = (&mut storage as *mut libc::sockaddr_storage).cast::<libc::sockaddr>();
    call(fd.as_raw_fd(), ptr, &mut len)?;
    from_sockaddr(&storage, len)
}

/// Encodes `addr` as a C socket address and its length.
fn to_sockaddr(addr: &SocketAddr) -> (libc::sockaddr_storage, libc::socklen_t) {
    // SAFETY: all-zero bytes are a valid sockaddr_storage.
    let mut storage: libc::sockaddr_storage = unsafe { mem::zeroed() };
    let len = match addr {
        SocketAddr::V4(a) => {
            // SAFETY: sockaddr_storage is large and aligned enough for any
            // sockaddr type, and all-zero bytes are a valid sockaddr_in.
            let sin = unsafe {
                &mut *(&mut storage as *mut libc::sockaddr_storage).cast::<libc::sockaddr_in>()
            };
            sin.sin_family = libc::AF_INET as libc::sa_family_t;
            sin.sin_port = a.port().to_be();
            sin.sin_addr = libc::in_addr {
                s_addr: u32::from_ne_bytes(a.ip().octets()),
            };
            size_of::<libc::sockaddr_in>()
        }
        SocketAddr::V6(a) => {
            // SAFETY: as above, for sockaddr_in6.
            let sin6 = unsafe {
                &mut *(&mut storage as *mut libc::sockaddr_storage).cast::<libc::sockaddr_in6>()
            };
            sin6.sin6_family = libc::AF_INET6 as libc::sa_family_t;
            sin6.sin6_port = a.port().to_be();
            sin6.sin6_flowinfo = a.flowinfo();
            sin6.sin6_addr = libc::in6_addr {
                s6_addr: a.ip().octets(),
            };
            sin6.sin6_scope_id = a.scope_id();
            size_of::<libc::sockaddr_in6>()
        }
    };
    (storage, len as libc::socklen_t)
}

/// Decodes a C socket address the kernel filled in (`len` valid bytes).
fn from_sockaddr(storage: &libc::sockaddr_storage, len: libc::socklen_t) -> io::Result<SocketAddr> {
    let len = len as usize;
    match storage.ss_family as libc::c_int {
        libc::AF_INET if len >= size_of::<libc::sockaddr_in>() => {
            // SAFETY: the family says the storage holds a sockaddr_in, and
            // sockaddr_storage is aligned enough for it.
            let sin =
                unsafe { &*(storage as *const libc::sockaddr_storage).cast::<libc::sockaddr_in>() };
            let ip = Ipv4Addr::from(sin.sin_addr.s_addr.to_ne_bytes());
            Ok(SocketAddr::V4(SocketAddrV4::new(
                ip,
                u16::from_be(sin.sin_port),
            )))
        }
        libc::AF_INET6 if len >= size_of::<libc::sockaddr_in6>() => {
            // SAFETY: as above, for sockaddr_in6.
            let sin6 = unsafe {
                &*(storage as *const libc::sockaddr_storage).cast::<libc::sockaddr_in6>()
            };
            Ok(SocketAddr::V6(SocketAddrV6::new(
                Ipv6Addr::from(sin6.sin6_addr.s6_addr),
                u16::from_be(sin6.sin6_port),
                sin6.sin6_flowinfo,
                sin6.sin6_scope_id,
            )))
        }
        _ => Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "not an IPv4 or IPv6 socket address",
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sockaddr_round_trips() {
        for s in ["127.0.0.1:8080", "[::1]:443", "[fe80::1%3]:1", "0.0.0.0:0"] {
            let addr: SocketAddr = s.parse().unwrap();
            let (storage, len) = to_sockaddr(&addr);
            assert_eq!(from_sockaddr(&storage, len).unwrap(), addr);
        }
    }
}
