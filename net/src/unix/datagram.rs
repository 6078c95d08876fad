//! `UnixDatagram`: a Unix-domain datagram socket.

use super::{to_addr, SocketAddr};
use mini_rt_runtime::__net as sys;
use mini_rt_runtime::io::{Interest, ReadBuf};
use mini_rt_runtime::reactor::PollEvented;
use std::io;
use std::net::Shutdown;
use std::os::fd::BorrowedFd;
use std::os::unix::net;
use std::path::Path;
use std::task::{Context, Poll};

/// A Unix-domain datagram socket, as `tokio::net::UnixDatagram`.
///
/// Paths whose first byte is NUL name sockets in the abstract namespace.
/// A bound path is not removed when the socket is dropped. The sender
/// address from [`recv_from`](UnixDatagram::recv_from) is unnamed if the
/// sender is unbound.
///
/// ```
/// # mod mini_rt { pub use mini_rt_runtime::*; pub mod net { pub use mini_rt_net::*; } }
/// # mini_rt::runtime::Runtime::new().unwrap().block_on(async {
/// use mini_rt::net::UnixDatagram;
///
/// // A pair of connected sockets; `bind` and `send_to` take paths (or
/// // abstract names, starting with a NUL byte) instead.
/// let (a, b) = UnixDatagram::pair()?;
/// a.send(b"one datagram").await?;
/// let mut buf = [0; 64];
/// let n = b.recv(&mut buf).await?;
/// assert_eq!(&buf[..n], b"one datagram");
///
/// let name = format!("\0mini_rt-doc-dgram-{}", std::process::id());
/// let server = UnixDatagram::bind(&name)?;
/// let client = UnixDatagram::unbound()?;
/// client.send_to(b"to a name", &name).await?;
/// let (n, _from) = server.recv_from(&mut buf).await?;
/// assert_eq!(&buf[..n], b"to a name");
/// # Ok::<(), std::io::Error>(())
/// # }).unwrap();
/// ```
#[derive(Debug)]
pub struct UnixDatagram {
    io: PollEvented<net::UnixDatagram>,
}

impl UnixDatagram {
    /// Creates a socket bound to `path`. An existing path is the OS error
    /// `EADDRINUSE`.
    pub fn bind<P: AsRef<Path>>(path: P) -> io::Result<UnixDatagram> {
        let path = path.as_ref();
        let addr = to_addr(path)?;
        let socket = net::UnixDatagram::bind_addr(&addr)?;
        UnixDatagram::from_std(socket)
    }

    /// Creates a socket bound to no address: it can send, and receive
    /// replies only once connected (a peer cannot address it otherwise).
    pub fn unbound() -> io::Result<UnixDatagram> {
        UnixDatagram::from_std(net::UnixDatagram::unbound()?)
    }

    /// Creates a pair of connected, unnamed sockets.
    pub fn pair() -> io::Result<(UnixDatagram, UnixDatagram)> {
        let (a, b) = net::UnixDatagram::pair()?;
        Ok((UnixDatagram::from_std(a)?, UnixDatagram::from_std(b)?))
    }

    /// Wraps a std socket, registering it with the current runtime.
    ///
    /// Unlike tokio, this sets the socket non-blocking itself (tokio leaves
    /// that to the caller). Fails outside a runtime.
    pub fn from_std(socket: net::UnixDatagram) -> io::Result<UnixDatagram> {
        socket.set_nonblocking(true)?;
        Ok(UnixDatagram {
            io: PollEvented::new(socket)?,
        })
    }

    /// Deregisters the socket and returns it as a std socket, still in
    /// non-blocking mode (as tokio). Must run on the runtime's thread.
    pub fn into_std(self) -> io::Result<net::UnixDatagram> {
        self.io.into_inner()
    }

    /// Connects to the socket at `path`: `send`/`recv` then use it and
    /// datagrams from other senders are dropped.
    pub fn connect<P: AsRef<Path>>(&self, path: P) -> io::Result<()> {
        let path = path.as_ref();
        let addr = to_addr(path)?;
        self.io.get_ref().connect_addr(&addr)
    }

    crate::methods::datagram_methods!(SocketAddr, recv_from);

    /// Sends `buf` as one datagram to the socket at `target` (a leading NUL
    /// byte selects the abstract namespace). Cancel-safe.
    pub async fn send_to<P: AsRef<Path>>(&self, buf: &[u8], target: P) -> io::Result<usize> {
        let path = target.as_ref();
        let addr = to_addr(path)?;
        self.io
            .async_io(Interest::WRITABLE, |s| s.send_to_addr(buf, &addr))
            .await
    }

    /// Polls sending `buf` to `target`.
    pub fn poll_send_to<P: AsRef<Path>>(
        &self,
        cx: &mut Context<'_>,
        buf: &[u8],
        target: P,
    ) -> Poll<io::Result<usize>> {
        let addr = to_addr(target.as_ref())?;
        self.io
            .poll_io(cx, Interest::WRITABLE, |s| s.send_to_addr(buf, &addr))
    }

    /// Sends to `target` if possible now, else `WouldBlock`.
    pub fn try_send_to<P: AsRef<Path>>(&self, buf: &[u8], target: P) -> io::Result<usize> {
        let addr = to_addr(target.as_ref())?;
        self.io
            .try_io(Interest::WRITABLE, |s| s.send_to_addr(buf, &addr))
    }

    /// This socket's address (unnamed if unbound).
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.io.get_ref().local_addr().map(SocketAddr)
    }

    /// The connected peer's address.
    pub fn peer_addr(&self) -> io::Result<SocketAddr> {
        self.io.get_ref().peer_addr().map(SocketAddr)
    }

    /// Shuts down reading, writing, or both.
    pub fn shutdown(&self, how: Shutdown) -> io::Result<()> {
        self.io.get_ref().shutdown(how)
    }

    /// Takes the pending `SO_ERROR`, if any.
    pub fn take_error(&self) -> io::Result<Option<io::Error>> {
        self.io.get_ref().take_error()
    }
}

crate::methods::fd_impls!(UnixDatagram, net::UnixDatagram);

/// Receives one datagram into `buf` and its sender (`datagram_methods!`).
fn recv_from(fd: BorrowedFd<'_>, buf: &mut ReadBuf<'_>) -> io::Result<(usize, SocketAddr)> {
    sys::unix_recv_from(fd, buf).map(|(n, from)| (n, SocketAddr(from)))
}
