//! `TcpStream`: a connected TCP socket on the reactor.

use super::split;
use crate::addr::{no_addresses, to_socket_addrs, ToSocketAddrs};
use mini_rt_runtime::__net as sys;
use mini_rt_runtime::__net::read_buf;
#[cfg(doc)]
use mini_rt_runtime::io::{AsyncRead, AsyncWrite};
use mini_rt_runtime::io::{Interest, ReadBuf};
use mini_rt_runtime::reactor::PollEvented;
use std::fmt;
use std::io;
use std::net::{self, SocketAddr};
use std::os::fd::{AsFd, OwnedFd};
use std::task::{Context, Poll};
use std::time::Duration;

/// A TCP connection between a local and a remote socket, as tokio's
/// `TcpStream`.
///
/// Create one with [`connect`](TcpStream::connect), by accepting on a
/// [`TcpListener`](super::TcpListener), or from a [`TcpSocket`](super::TcpSocket).
/// It implements tokio's [`AsyncRead`] and [`AsyncWrite`] (which
/// `mini_rt::io` re-exports), so `read`/`write_all` come from
/// `mini_rt::io::{AsyncReadExt, AsyncWriteExt}` and tokio-util's codecs take
/// it as they take tokio's. `poll_read` reads into the `ReadBuf`'s unfilled
/// part without zeroing it; vectored writes are one `writev`;
/// `poll_shutdown` (`shutdown()` in the ext trait) shuts down the write side.
///
/// Reading and writing cost one syscall each: readiness is cached by the
/// reactor, and a short read clears it without a `read` that would only
/// return `EAGAIN`.
///
/// ```
/// # mod mini_rt { pub use mini_rt_runtime::*; pub mod net { pub use mini_rt_net::*; } }
/// # mini_rt::runtime::Runtime::new().unwrap().block_on(async {
/// use mini_rt::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
/// use mini_rt::net::{TcpListener, TcpStream};
///
/// let listener = TcpListener::bind("127.0.0.1:0").await?;
/// let addr = listener.local_addr()?;
/// // An echo server for one line.
/// let server = mini_rt::spawn(async move {
///     let (stream, _) = listener.accept().await?;
///     let mut stream = BufReader::new(stream);
///     let mut line = String::new();
///     stream.read_line(&mut line).await?;
///     stream.write_all(line.as_bytes()).await
/// });
///
/// let mut stream = TcpStream::connect(addr).await?;
/// stream.set_nodelay(true)?;
/// stream.write_all(b"hello\n").await?;
/// let mut reply = String::new();
/// BufReader::new(&mut stream).read_line(&mut reply).await?;
/// assert_eq!(reply, "hello\n");
/// server.await??;
/// # Ok::<(), std::io::Error>(())
/// # }).unwrap();
/// ```
pub struct TcpStream {
    io: PollEvented<net::TcpStream>,
}

impl TcpStream {
    /// Opens a TCP connection to `addr`, trying each address it resolves to
    /// in turn and returning the last error if none accepts.
    ///
    /// The socket is created non-blocking and close-on-exec; the connect is
    /// non-blocking (`EINPROGRESS`, then wait for writable, then `SO_ERROR`).
    /// An error is the plain OS error, as tokio's: a refused connection has
    /// `raw_os_error() == Some(ECONNREFUSED)`.
    pub async fn connect<A: ToSocketAddrs>(addr: A) -> io::Result<TcpStream> {
        let mut last = None;
        for addr in to_socket_addrs(addr).await? {
            let res = async {
                let fd = sys::socket(sys::Domain::for_addr(&addr), sys::Type::Stream)?;
                TcpStream::connect_fd(fd, addr).await
            };
            match res.await {
                Ok(stream) => return Ok(stream),
                Err(e) => last = Some(e),
            }
        }
        Err(last.unwrap_or_else(no_addresses))
    }

    /// Connects the non-blocking socket `fd` to `addr` (shared with `TcpSocket`).
    pub(crate) async fn connect_fd(fd: OwnedFd, addr: SocketAddr) -> io::Result<TcpStream> {
        sys::connect(fd.as_fd(), &addr)?;
        let stream = TcpStream::new(net::TcpStream::from(fd))?;
        stream.io.readiness(Interest::WRITABLE).await?;
        match sys::take_error(stream.as_fd())? {
            Some(e) => Err(e),
            None => Ok(stream),
        }
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

    /// Sets `TCP_QUICKACK`: ACKs are sent at once rather than delayed.
    /// Linux may turn it off again after later operations on the socket.
    pub fn set_quickack(&self, quickack: bool) -> io::Result<()> {
        sys::set_quickack(self.as_fd(), quickack)
    }

    /// Reads `TCP_QUICKACK`.
    pub fn quickack(&self) -> io::Result<bool> {
        sys::quickack(self.as_fd())
    }

    /// Sets `SO_LINGER`. With a non-zero duration, closing the socket with
    /// unsent data blocks the thread (the runtime's!) for up to that long,
    /// which is why tokio deprecates this; `None` restores the default.
    /// For the abortive close, use [`set_zero_linger`](Self::set_zero_linger).
    #[deprecated = "`SO_LINGER` causes the socket to block the thread on drop"]
    pub fn set_linger(&self, dur: Option<Duration>) -> io::Result<()> {
        sys::set_linger(self.as_fd(), dur)
    }

    /// Sets `SO_LINGER` to zero: dropping the socket then aborts the
    /// connection (the peer gets a reset, unsent data is discarded, no
    /// `TIME_WAIT`) without blocking.
    pub fn set_zero_linger(&self) -> io::Result<()> {
        sys::set_linger(self.as_fd(), Some(Duration::ZERO))
    }

    /// Reads `SO_LINGER`.
    pub fn linger(&self) -> io::Result<Option<Duration>> {
        sys::linger(self.as_fd())
    }

    crate::methods::stream_methods!(split);

    /// Receives data without removing it from the queue, waiting until
    /// some is available. `Ok(0)` means end of stream.
    pub async fn peek(&self, buf: &mut [u8]) -> io::Result<usize> {
        self.io.async_io(Interest::READABLE, |s| s.peek(buf)).await
    }

    /// Polls [`peek`](TcpStream::peek): the peeked bytes are filled into
    /// `buf` (its unfilled part is not zeroed first) and their count is
    /// returned, as tokio's.
    pub fn poll_peek(
        &self,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<usize>> {
        self.io
            .poll_io(cx, Interest::READABLE, |s| read_buf::peek(s.as_fd(), buf))
    }
}

crate::methods::stream_impls!(TcpStream, net::TcpStream);

impl fmt::Debug for TcpStream {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.io.get_ref().fmt(f)
    }
}
