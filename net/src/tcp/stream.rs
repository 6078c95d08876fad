//! `TcpStream`: a connected TCP socket on the reactor.

use super::error;
use super::split::{split, split_owned, OwnedReadHalf, OwnedWriteHalf, ReadHalf, WriteHalf};
use crate::addr::{no_addresses, to_socket_addrs, ToSocketAddrs};
use futures_io::{AsyncRead, AsyncWrite};
use mini_rt_runtime::io::{Interest, Ready};
use mini_rt_runtime::reactor::PollEvented;
use mini_rt_runtime::sys::net as sys;
use std::fmt;
use std::future::poll_fn;
use std::io::{self, IoSlice, IoSliceMut, Read, Write};
use std::net::{self, Shutdown, SocketAddr};
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, OwnedFd, RawFd};
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

/// A TCP connection between a local and a remote socket, as tokio's
/// `TcpStream`.
///
/// Create one with [`connect`](TcpStream::connect), by accepting on a
/// [`TcpListener`](super::TcpListener), or from a [`TcpSocket`](super::TcpSocket).
/// It implements [`AsyncRead`] and [`AsyncWrite`] — the `futures-io` traits
/// that `mini_rt::io` re-exports — so `read`/`write_all` come from
/// `mini_rt::io::{AsyncReadExt, AsyncWriteExt}` as in tokio. `poll_close`
/// (`shutdown()` in the ext trait) shuts down the write side.
///
/// Reading and writing cost one syscall each: readiness is cached by the
/// reactor, and a short read clears it without a `read` that would only
/// return `EAGAIN`.
pub struct TcpStream {
    io: PollEvented<net::TcpStream>,
}

impl TcpStream {
    /// Opens a TCP connection to `addr`, trying each address it resolves to
    /// in turn and returning the last error if none accepts.
    ///
    /// The socket is created non-blocking and close-on-exec; the connect is
    /// non-blocking (`EINPROGRESS`, then wait for writable, then `SO_ERROR`).
    /// An error keeps the OS error's `ErrorKind` (e.g. `ConnectionRefused`)
    /// and names the address in its message; the OS error is its `source`.
    pub async fn connect<A: ToSocketAddrs>(addr: A) -> io::Result<TcpStream> {
        let mut last = None;
        for addr in to_socket_addrs(addr).await? {
            let res = match sys::socket(sys::Domain::for_addr(&addr), sys::Type::Stream) {
                Ok(fd) => TcpStream::connect_fd(fd, addr).await,
                Err(e) => Err(error::connect(addr, e)),
            };
            match res {
                Ok(stream) => return Ok(stream),
                Err(e) => last = Some(e),
            }
        }
        Err(last.unwrap_or_else(no_addresses))
    }

    /// Connects the non-blocking socket `fd` to `addr` (shared with `TcpSocket`).
    pub(crate) async fn connect_fd(fd: OwnedFd, addr: SocketAddr) -> io::Result<TcpStream> {
        let res = async {
            sys::connect(fd.as_fd(), &addr)?;
            let stream = TcpStream::new(net::TcpStream::from(fd))?;
            stream.io.readiness(Interest::WRITABLE).await?;
            match sys::take_error(stream.as_fd())? {
                Some(e) => Err(e),
                None => Ok(stream),
            }
        };
        res.await.map_err(|e| error::connect(addr, e))
    }

    /// Registers an already non-blocking std stream with the current runtime.
    pub(crate) fn new(stream: net::TcpStream) -> io::Result<TcpStream> {
        Ok(TcpStream {
            io: PollEvented::new(stream)?,
        })
    }

    /// Wraps a std stream, registering it with the current runtime.
    ///
    /// tokio requires the stream to be non-blocking already; mini_rt sets
    /// non-blocking mode itself, so a blocking stream is fine too. Fails
    /// outside a runtime.
    pub fn from_std(stream: net::TcpStream) -> io::Result<TcpStream> {
        stream.set_nonblocking(true)?;
        TcpStream::new(stream)
    }

    /// Deregisters the stream and returns the std stream, still in
    /// non-blocking mode (as tokio's). Must run on the runtime's thread.
    pub fn into_std(self) -> io::Result<net::TcpStream> {
        self.io.into_inner()
    }

    /// The local address of this connection.
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.io.get_ref().local_addr()
    }

    /// The remote address of this connection.
    pub fn peer_addr(&self) -> io::Result<SocketAddr> {
        self.io.get_ref().peer_addr()
    }

    /// Takes the pending socket error (`SO_ERROR`), if any.
    pub fn take_error(&self) -> io::Result<Option<io::Error>> {
        self.io.get_ref().take_error()
    }

    /// Sets `TCP_NODELAY` (disables Nagle's algorithm when `true`).
    pub fn set_nodelay(&self, nodelay: bool) -> io::Result<()> {
        self.io.get_ref().set_nodelay(nodelay)
    }

    /// Reads `TCP_NODELAY`.
    pub fn nodelay(&self) -> io::Result<bool> {
        self.io.get_ref().nodelay()
    }

    /// Sets the IP time-to-live (`IP_TTL`).
    pub fn set_ttl(&self, ttl: u32) -> io::Result<()> {
        self.io.get_ref().set_ttl(ttl)
    }

    /// Reads the IP time-to-live.
    pub fn ttl(&self) -> io::Result<u32> {
        self.io.get_ref().ttl()
    }

    /// Sets `SO_LINGER`. `Some(Duration::ZERO)` makes closing the socket send
    /// a reset instead of a FIN; `None` restores the default.
    pub fn set_linger(&self, dur: Option<Duration>) -> io::Result<()> {
        sys::set_linger(self.as_fd(), dur)
    }

    /// Reads `SO_LINGER`.
    pub fn linger(&self) -> io::Result<Option<Duration>> {
        sys::linger(self.as_fd())
    }

    /// Waits for any readiness in `interest` and returns what is ready.
    ///
    /// The result may be a false positive: a following `try_*` call may
    /// still return `WouldBlock`, which clears the stale readiness.
    pub async fn ready(&self, interest: Interest) -> io::Result<Ready> {
        self.io.readiness(interest).await.map(|ev| ev.ready)
    }

    /// Waits until the stream is readable (or closed, or errored).
    pub async fn readable(&self) -> io::Result<()> {
        self.ready(Interest::READABLE).await.map(drop)
    }

    /// Waits until the stream is writable (or closed, or errored).
    pub async fn writable(&self) -> io::Result<()> {
        self.ready(Interest::WRITABLE).await.map(drop)
    }

    /// Reads into `buf` if data is ready, without waiting; `WouldBlock`
    /// otherwise. `Ok(0)` means end of stream (or an empty `buf`).
    pub fn try_read(&self, buf: &mut [u8]) -> io::Result<usize> {
        self.io.try_io(Interest::READABLE, |mut s| s.read(buf))
    }

    /// Vectored [`try_read`](TcpStream::try_read).
    pub fn try_read_vectored(&self, bufs: &mut [IoSliceMut<'_>]) -> io::Result<usize> {
        self.io
            .try_io(Interest::READABLE, |mut s| s.read_vectored(bufs))
    }

    /// Writes from `buf` if the socket is writable, without waiting;
    /// `WouldBlock` otherwise.
    pub fn try_write(&self, buf: &[u8]) -> io::Result<usize> {
        self.io.try_io(Interest::WRITABLE, |mut s| s.write(buf))
    }

    /// Vectored [`try_write`](TcpStream::try_write).
    pub fn try_write_vectored(&self, bufs: &[IoSlice<'_>]) -> io::Result<usize> {
        self.io
            .try_io(Interest::WRITABLE, |mut s| s.write_vectored(bufs))
    }

    /// Runs `f` (an operation on this socket's fd) if the cached readiness
    /// matches `interest`; a `WouldBlock` from `f` clears that readiness.
    /// `WouldBlock` without calling `f` when not ready.
    pub fn try_io<R>(
        &self,
        interest: Interest,
        f: impl FnOnce() -> io::Result<R>,
    ) -> io::Result<R> {
        self.io.try_io(interest, |_| f())
    }

    /// Receives data without removing it from the queue, waiting until
    /// some is available. `Ok(0)` means end of stream.
    pub async fn peek(&self, buf: &mut [u8]) -> io::Result<usize> {
        poll_fn(|cx| self.poll_peek(cx, buf)).await
    }

    /// Polls [`peek`](TcpStream::peek).
    ///
    /// Difference from tokio: takes `&mut [u8]` (mini_rt has no `ReadBuf`)
    /// and returns the number of bytes peeked.
    pub fn poll_peek(&self, cx: &mut Context<'_>, buf: &mut [u8]) -> Poll<io::Result<usize>> {
        self.io.poll_io(cx, Interest::READABLE, |s| s.peek(buf))
    }

    /// Splits into a read half and a write half borrowing this stream, for
    /// reading and writing concurrently in one task (e.g. with `join!`).
    /// No allocation, no locking.
    pub fn split(&mut self) -> (ReadHalf<'_>, WriteHalf<'_>) {
        split(self)
    }

    /// Splits into owned halves that can move to different tasks; rejoin
    /// them with [`OwnedReadHalf::reunite`]. Dropping the write half shuts
    /// down the write side of the connection, as in tokio.
    pub fn into_split(self) -> (OwnedReadHalf, OwnedWriteHalf) {
        split_owned(self)
    }

    // Shared with the split halves.

    pub(crate) fn poll_read_priv(
        &self,
        cx: &mut Context<'_>,
        buf: &mut [u8],
    ) -> Poll<io::Result<usize>> {
        self.io.poll_read(cx, buf)
    }

    pub(crate) fn poll_write_priv(
        &self,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        self.io.poll_write(cx, buf)
    }

    pub(crate) fn poll_write_vectored_priv(
        &self,
        cx: &mut Context<'_>,
        bufs: &[IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        self.io.poll_write_vectored(cx, bufs)
    }

    pub(crate) fn shutdown_std(&self, how: Shutdown) -> io::Result<()> {
        self.io.get_ref().shutdown(how)
    }
}

impl AsyncRead for TcpStream {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut [u8],
    ) -> Poll<io::Result<usize>> {
        self.poll_read_priv(cx, buf)
    }
}

impl AsyncWrite for TcpStream {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        self.poll_write_priv(cx, buf)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        self.poll_write_vectored_priv(cx, bufs)
    }

    /// A TCP socket has no user-space buffer: always ready.
    fn poll_flush(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }

    /// Shuts down the write side (`shutdown(SHUT_WR)`): the peer reads EOF.
    fn poll_close(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(self.shutdown_std(Shutdown::Write))
    }
}

impl TryFrom<net::TcpStream> for TcpStream {
    type Error = io::Error;

    /// Same as [`TcpStream::from_std`].
    fn try_from(stream: net::TcpStream) -> io::Result<TcpStream> {
        TcpStream::from_std(stream)
    }
}

impl AsRawFd for TcpStream {
    fn as_raw_fd(&self) -> RawFd {
        self.io.as_raw_fd()
    }
}

impl AsFd for TcpStream {
    fn as_fd(&self) -> BorrowedFd<'_> {
        self.io.as_fd()
    }
}

impl fmt::Debug for TcpStream {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.io.get_ref().fmt(f)
    }
}
