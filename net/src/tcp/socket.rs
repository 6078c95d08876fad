//! `TcpSocket`: a TCP socket to configure before it connects or listens.

use super::{TcpListener, TcpStream};
use mini_rt_runtime::__net as sys;
use std::fmt;
use std::io;
use std::net::{self, SocketAddr};
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, IntoRawFd, OwnedFd, RawFd};
use std::time::Duration;

/// A TCP socket that has not yet been turned into a [`TcpStream`] or a
/// [`TcpListener`], as tokio's `TcpSocket`: set options, optionally
/// [`bind`](TcpSocket::bind), then [`connect`](TcpSocket::connect) or
/// [`listen`](TcpSocket::listen).
///
/// The socket is non-blocking and close-on-exec from creation. It is only
/// registered with the runtime by `connect` / `listen`, so creating and
/// configuring one works outside a runtime.
///
/// Difference from tokio: no `FromRawFd` (mini_rt's sockets are written
/// without unsafe code); adopt an fd you own with
/// `TcpSocket::from_std_stream(std::net::TcpStream::from(owned_fd))`.
///
/// ```
/// # mod mini_rt { pub use mini_rt_runtime::*; pub mod net { pub use mini_rt_net::*; } }
/// # mini_rt::runtime::Runtime::new().unwrap().block_on(async {
/// use mini_rt::net::TcpSocket;
///
/// // A listener with options set before it listens...
/// let socket = TcpSocket::new_v4()?;
/// socket.set_reuseaddr(true)?;
/// socket.bind("127.0.0.1:0".parse().unwrap())?;
/// let listener = socket.listen(128)?;
///
/// // ...and a client connection with options set before it connects.
/// let socket = TcpSocket::new_v4()?;
/// socket.set_nodelay(true)?;
/// socket.set_keepalive(true)?;
/// let stream = socket.connect(listener.local_addr()?).await?;
/// assert!(stream.nodelay()?);
/// let (accepted, peer) = listener.accept().await?;
/// assert_eq!(peer, stream.local_addr()?);
/// # drop(accepted);
/// # Ok::<(), std::io::Error>(())
/// # }).unwrap();
/// ```
pub struct TcpSocket {
    fd: OwnedFd,
}

impl TcpSocket {
    /// Creates an IPv4 TCP socket.
    pub fn new_v4() -> io::Result<TcpSocket> {
        TcpSocket::new(sys::Domain::Ipv4)
    }

    /// Creates an IPv6 TCP socket.
    pub fn new_v6() -> io::Result<TcpSocket> {
        TcpSocket::new(sys::Domain::Ipv6)
    }

    fn new(domain: sys::Domain) -> io::Result<TcpSocket> {
        Ok(TcpSocket {
            fd: sys::socket(domain, sys::Type::Stream)?,
        })
    }

    /// Sets `SO_REUSEADDR`: allow binding a local address still in
    /// `TIME_WAIT`.
    pub fn set_reuseaddr(&self, reuseaddr: bool) -> io::Result<()> {
        sys::set_reuseaddr(self.fd.as_fd(), reuseaddr)
    }

    /// Reads `SO_REUSEADDR`.
    pub fn reuseaddr(&self) -> io::Result<bool> {
        sys::reuseaddr(self.fd.as_fd())
    }

    /// Sets `SO_REUSEPORT`: let several sockets bind the same address and
    /// port (the kernel balances connections among listeners).
    pub fn set_reuseport(&self, reuseport: bool) -> io::Result<()> {
        sys::set_reuseport(self.fd.as_fd(), reuseport)
    }

    /// Reads `SO_REUSEPORT`.
    pub fn reuseport(&self) -> io::Result<bool> {
        sys::reuseport(self.fd.as_fd())
    }

    /// Sets the send buffer size (`SO_SNDBUF`). Linux doubles the value
    /// (bookkeeping overhead), so [`send_buffer_size`](TcpSocket::send_buffer_size)
    /// reads back twice what was set.
    pub fn set_send_buffer_size(&self, size: u32) -> io::Result<()> {
        sys::set_send_buffer_size(self.fd.as_fd(), size)
    }

    /// Reads the send buffer size (`SO_SNDBUF`).
    pub fn send_buffer_size(&self) -> io::Result<u32> {
        sys::send_buffer_size(self.fd.as_fd())
    }

    /// Sets the receive buffer size (`SO_RCVBUF`). Linux doubles the value,
    /// as for the send buffer.
    pub fn set_recv_buffer_size(&self, size: u32) -> io::Result<()> {
        sys::set_recv_buffer_size(self.fd.as_fd(), size)
    }

    /// Reads the receive buffer size (`SO_RCVBUF`).
    pub fn recv_buffer_size(&self) -> io::Result<u32> {
        sys::recv_buffer_size(self.fd.as_fd())
    }

    /// Sets `SO_LINGER`; see [`TcpStream::set_linger`], deprecated as
    /// tokio's because a non-zero linger blocks the thread on close.
    #[deprecated = "`SO_LINGER` causes the socket to block the thread on drop"]
    pub fn set_linger(&self, dur: Option<Duration>) -> io::Result<()> {
        sys::set_linger(self.fd.as_fd(), dur)
    }

    /// Sets `SO_LINGER` to zero: closing the connection made from this
    /// socket aborts it with a reset; see [`TcpStream::set_zero_linger`].
    pub fn set_zero_linger(&self) -> io::Result<()> {
        sys::set_linger(self.fd.as_fd(), Some(Duration::ZERO))
    }

    /// Reads `SO_LINGER`.
    pub fn linger(&self) -> io::Result<Option<Duration>> {
        sys::linger(self.fd.as_fd())
    }

    /// Sets `SO_KEEPALIVE`.
    pub fn set_keepalive(&self, keepalive: bool) -> io::Result<()> {
        sys::set_keepalive(self.fd.as_fd(), keepalive)
    }

    /// Reads `SO_KEEPALIVE`.
    pub fn keepalive(&self) -> io::Result<bool> {
        sys::keepalive(self.fd.as_fd())
    }

    /// Sets `TCP_NODELAY`.
    pub fn set_nodelay(&self, nodelay: bool) -> io::Result<()> {
        sys::set_nodelay(self.fd.as_fd(), nodelay)
    }

    /// Reads `TCP_NODELAY`.
    pub fn nodelay(&self) -> io::Result<bool> {
        sys::nodelay(self.fd.as_fd())
    }

    /// Reads `IPV6_TCLASS`, the traffic class of outgoing IPv6 packets.
    pub fn tclass_v6(&self) -> io::Result<u32> {
        sys::tclass_v6(self.fd.as_fd())
    }

    /// Sets `IPV6_TCLASS` (an IPv6 socket's error on an IPv4 one).
    pub fn set_tclass_v6(&self, tclass: u32) -> io::Result<()> {
        sys::set_tclass_v6(self.fd.as_fd(), tclass)
    }

    /// Reads `IP_TOS`, the type-of-service byte of outgoing IPv4 packets.
    pub fn tos_v4(&self) -> io::Result<u32> {
        sys::tos_v4(self.fd.as_fd())
    }

    /// Deprecated: use [`tos_v4`](Self::tos_v4), as in tokio.
    #[deprecated(
        note = "`tos` related methods have been renamed `tos_v4` since they are IPv4-specific."
    )]
    #[doc(hidden)]
    pub fn tos(&self) -> io::Result<u32> {
        self.tos_v4()
    }

    /// Sets `IP_TOS` (may have no effect on an IPv6 socket).
    pub fn set_tos_v4(&self, tos: u32) -> io::Result<()> {
        sys::set_tos_v4(self.fd.as_fd(), tos)
    }

    /// Deprecated: use [`set_tos_v4`](Self::set_tos_v4), as in tokio.
    #[deprecated(
        note = "`tos` related methods have been renamed `tos_v4` since they are IPv4-specific."
    )]
    #[doc(hidden)]
    pub fn set_tos(&self, tos: u32) -> io::Result<()> {
        self.set_tos_v4(tos)
    }

    /// Reads `SO_BINDTODEVICE`: the name of the interface the socket is
    /// bound to, if any.
    pub fn device(&self) -> io::Result<Option<Vec<u8>>> {
        sys::device(self.fd.as_fd())
    }

    /// Sets `SO_BINDTODEVICE`: only packets from the interface named
    /// `interface` (e.g. `b"lo"`) are processed by the socket. `None` or an
    /// empty name removes the binding.
    pub fn bind_device(&self, interface: Option<&[u8]>) -> io::Result<()> {
        sys::bind_device(self.fd.as_fd(), interface)
    }

    /// Binds the socket to `addr`. An error is the plain OS error (e.g.
    /// `raw_os_error() == Some(EADDRINUSE)`), as tokio's.
    pub fn bind(&self, addr: SocketAddr) -> io::Result<()> {
        sys::bind(self.fd.as_fd(), &addr)
    }

    /// The address the socket is bound to.
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        sys::local_addr(self.fd.as_fd())
    }

    /// Takes the pending socket error (`SO_ERROR`), if any.
    pub fn take_error(&self) -> io::Result<Option<io::Error>> {
        sys::take_error(self.fd.as_fd())
    }

    /// Connects to `addr` and returns the stream, registered with the
    /// current runtime. Errors as [`TcpStream::connect`]'s.
    pub async fn connect(self, addr: SocketAddr) -> io::Result<TcpStream> {
        TcpStream::connect_fd(self.fd, addr).await
    }

    /// Listens with room for `backlog` pending connections and returns the
    /// listener, registered with the current runtime.
    pub fn listen(self, backlog: u32) -> io::Result<TcpListener> {
        TcpListener::listen_fd(self.fd, backlog)
    }

    /// Wraps a std stream that has not connected yet (e.g. one configured
    /// with `socket2`). Difference from tokio: the socket is also switched to
    /// non-blocking mode (best effort: this constructor cannot fail).
    pub fn from_std_stream(std_stream: net::TcpStream) -> TcpSocket {
        let _ = std_stream.set_nonblocking(true);
        TcpSocket {
            fd: std_stream.into(),
        }
    }
}

impl AsRawFd for TcpSocket {
    fn as_raw_fd(&self) -> RawFd {
        self.fd.as_raw_fd()
    }
}

impl AsFd for TcpSocket {
    fn as_fd(&self) -> BorrowedFd<'_> {
        self.fd.as_fd()
    }
}

impl IntoRawFd for TcpSocket {
    /// Gives up the socket's fd (still non-blocking).
    fn into_raw_fd(self) -> RawFd {
        self.fd.into_raw_fd()
    }
}

impl From<TcpSocket> for OwnedFd {
    /// Gives up the socket's fd (still non-blocking).
    fn from(socket: TcpSocket) -> OwnedFd {
        socket.fd
    }
}

impl fmt::Debug for TcpSocket {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TcpSocket")
            .field("fd", &self.fd.as_raw_fd())
            .finish()
    }
}
