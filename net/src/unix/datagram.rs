//! `UnixDatagram`: a Unix-domain datagram socket.

use super::{bind_error, to_addr, with_path, SocketAddr};
use mini_rt_runtime::io::{Interest, Ready};
use mini_rt_runtime::reactor::PollEvented;
use std::future::poll_fn;
use std::io;
use std::net::Shutdown;
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, RawFd};
use std::os::unix::net;
use std::path::Path;
use std::task::{Context, Poll};

/// A Unix-domain datagram socket, as `tokio::net::UnixDatagram`.
///
/// Paths whose first byte is NUL name sockets in the abstract namespace.
/// A bound path is not removed when the socket is dropped.
///
/// Differences from tokio: the `poll_*` methods take `&mut [u8]` instead of
/// `ReadBuf` and return the byte count.
#[derive(Debug)]
pub struct UnixDatagram {
    io: PollEvented<net::UnixDatagram>,
}

impl UnixDatagram {
    /// Creates a socket bound to `path`. An existing path is an `AddrInUse`
    /// error naming it.
    pub fn bind<P: AsRef<Path>>(path: P) -> io::Result<UnixDatagram> {
        let path = path.as_ref();
        let addr = to_addr(path).map_err(|e| bind_error(e, path))?;
        let socket = net::UnixDatagram::bind_addr(&addr).map_err(|e| bind_error(e, path))?;
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
        self.io
            .get_ref()
            .connect_addr(&addr)
            .map_err(|e| with_path(e, "connect", path))
    }

    /// Waits until the socket is ready for `interest` and returns what is
    /// ready. Readiness can be spurious.
    pub async fn ready(&self, interest: Interest) -> io::Result<Ready> {
        Ok(self.io.readiness(interest).await?.ready)
    }

    /// Waits until the socket is readable.
    pub async fn readable(&self) -> io::Result<()> {
        self.ready(Interest::READABLE).await.map(drop)
    }

    /// Waits until the socket is writable.
    pub async fn writable(&self) -> io::Result<()> {
        self.ready(Interest::WRITABLE).await.map(drop)
    }

    /// Polls for read readiness.
    pub fn poll_recv_ready(&self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.io.poll_ready(cx, Interest::READABLE).map_ok(drop)
    }

    /// Polls for write readiness.
    pub fn poll_send_ready(&self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.io.poll_ready(cx, Interest::WRITABLE).map_ok(drop)
    }

    /// Sends `buf` as one datagram to the connected peer. Cancel-safe.
    pub async fn send(&self, buf: &[u8]) -> io::Result<usize> {
        poll_fn(|cx| self.poll_send(cx, buf)).await
    }

    /// Polls sending `buf` to the connected peer.
    pub fn poll_send(&self, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        self.io.poll_io(cx, Interest::WRITABLE, |s| s.send(buf))
    }

    /// Sends to the connected peer if possible now, else `WouldBlock`.
    pub fn try_send(&self, buf: &[u8]) -> io::Result<usize> {
        self.io.try_io(Interest::WRITABLE, |s| s.send(buf))
    }

    /// Receives one datagram from the connected peer. A datagram longer
    /// than `buf` is truncated as the OS does it (the rest is discarded).
    /// Cancel-safe.
    pub async fn recv(&self, buf: &mut [u8]) -> io::Result<usize> {
        poll_fn(|cx| self.poll_recv(cx, buf)).await
    }

    /// Polls receiving one datagram; returns its (possibly truncated)
    /// length where tokio fills a `ReadBuf`.
    pub fn poll_recv(&self, cx: &mut Context<'_>, buf: &mut [u8]) -> Poll<io::Result<usize>> {
        self.io.poll_io(cx, Interest::READABLE, |s| s.recv(buf))
    }

    /// Receives one datagram if one is queued now, else `WouldBlock`.
    pub fn try_recv(&self, buf: &mut [u8]) -> io::Result<usize> {
        self.io.try_io(Interest::READABLE, |s| s.recv(buf))
    }

    /// Sends `buf` as one datagram to the socket at `target` (a leading NUL
    /// byte selects the abstract namespace). Cancel-safe.
    pub async fn send_to<P: AsRef<Path>>(&self, buf: &[u8], target: P) -> io::Result<usize> {
        let path = target.as_ref();
        let addr = to_addr(path)?;
        poll_fn(|cx| {
            self.io
                .poll_io(cx, Interest::WRITABLE, |s| s.send_to_addr(buf, &addr))
        })
        .await
        .map_err(|e| with_path(e, "send_to", path))
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

    /// Receives one datagram and its sender's address (unnamed if the
    /// sender is unbound). Truncates as [`recv`](UnixDatagram::recv).
    /// Cancel-safe.
    pub async fn recv_from(&self, buf: &mut [u8]) -> io::Result<(usize, SocketAddr)> {
        poll_fn(|cx| self.poll_recv_from(cx, buf)).await
    }

    /// Polls receiving one datagram and its sender; tokio returns only the
    /// address, this returns the length too.
    pub fn poll_recv_from(
        &self,
        cx: &mut Context<'_>,
        buf: &mut [u8],
    ) -> Poll<io::Result<(usize, SocketAddr)>> {
        self.io
            .poll_io(cx, Interest::READABLE, |s| s.recv_from(buf))
    }

    /// Receives one datagram and its sender if one is queued now, else
    /// `WouldBlock`.
    pub fn try_recv_from(&self, buf: &mut [u8]) -> io::Result<(usize, SocketAddr)> {
        self.io.try_io(Interest::READABLE, |s| s.recv_from(buf))
    }

    /// This socket's address (unnamed if unbound).
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.io.get_ref().local_addr()
    }

    /// The connected peer's address.
    pub fn peer_addr(&self) -> io::Result<SocketAddr> {
        self.io.get_ref().peer_addr()
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

impl TryFrom<net::UnixDatagram> for UnixDatagram {
    type Error = io::Error;

    /// Same as [`UnixDatagram::from_std`].
    fn try_from(socket: net::UnixDatagram) -> io::Result<UnixDatagram> {
        UnixDatagram::from_std(socket)
    }
}

impl AsRawFd for UnixDatagram {
    fn as_raw_fd(&self) -> RawFd {
        self.io.as_raw_fd()
    }
}

impl AsFd for UnixDatagram {
    fn as_fd(&self) -> BorrowedFd<'_> {
        self.io.as_fd()
    }
}
