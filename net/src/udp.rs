//! `UdpSocket`: a UDP socket registered with the reactor.
//!
//! Every datagram operation goes through [`PollEvented::poll_io`] /
//! [`PollEvented::try_io`], never the stream `poll_read`: a datagram shorter
//! than the buffer says nothing about whether more datagrams are queued, so
//! readiness is only cleared when the OS answers `WouldBlock`.

use crate::addr::{no_addresses, to_socket_addrs};
use crate::ToSocketAddrs;
use mini_rt_runtime::__net as sys;
use mini_rt_runtime::__net::read_buf;
use mini_rt_runtime::io::{Interest, ReadBuf};
use mini_rt_runtime::reactor::PollEvented;
use std::io;
use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr};
use std::os::fd::{AsFd, BorrowedFd};
use std::task::{Context, Poll};

/// A UDP socket, as `tokio::net::UdpSocket`.
///
/// Unconnected, it sends to and receives from anyone ([`send_to`],
/// [`recv_from`]); after [`connect`] it exchanges datagrams with one peer
/// only ([`send`], [`recv`]) and the kernel drops datagrams from others.
/// All methods take `&self`, so one socket can be shared (e.g. in an `Arc`)
/// by a task that receives and a task that sends.
///
/// As tokio's, the async methods wake every task waiting on the socket,
/// while each `poll_*` method keeps only the last polling task's waker (per
/// direction).
///
/// [`send_to`]: UdpSocket::send_to
/// [`recv_from`]: UdpSocket::recv_from
/// [`connect`]: UdpSocket::connect
/// [`send`]: UdpSocket::send
/// [`recv`]: UdpSocket::recv
///
/// ```
/// # mod mini_rt { pub use mini_rt_runtime::*; pub mod net { pub use mini_rt_net::*; } }
/// # mini_rt::runtime::Runtime::new().unwrap().block_on(async {
/// use mini_rt::net::UdpSocket;
///
/// let server = UdpSocket::bind("127.0.0.1:0").await?;
/// let client = UdpSocket::bind("127.0.0.1:0").await?;
/// client.connect(server.local_addr()?).await?;
///
/// client.send(b"ping").await?;
/// let mut buf = [0; 16];
/// let (n, from) = server.recv_from(&mut buf).await?;
/// assert_eq!(&buf[..n], b"ping");
/// server.send_to(b"pong", from).await?;
/// let n = client.recv(&mut buf).await?;
/// assert_eq!(&buf[..n], b"pong");
/// # Ok::<(), std::io::Error>(())
/// # }).unwrap();
/// ```
#[derive(Debug)]
pub struct UdpSocket {
    io: PollEvented<std::net::UdpSocket>,
}

impl UdpSocket {
    /// Binds a socket to `addr`, trying each resolved address in turn; the
    /// error is the last attempt's plain OS error, as tokio's.
    /// Host names are resolved on the blocking pool.
    pub async fn bind<A: ToSocketAddrs>(addr: A) -> io::Result<UdpSocket> {
        let mut last = None;
        for a in to_socket_addrs(addr).await? {
            match std::net::UdpSocket::bind(a) {
                Ok(s) => return UdpSocket::from_std(s),
                Err(e) => last = Some(e),
            }
        }
        Err(last.unwrap_or_else(no_addresses))
    }

    /// Wraps a std socket, registering it with the current runtime.
    ///
    /// Unlike tokio, this sets the socket non-blocking itself (tokio leaves
    /// that to the caller). Fails outside a runtime.
    pub fn from_std(socket: std::net::UdpSocket) -> io::Result<UdpSocket> {
        socket.set_nonblocking(true)?;
        Ok(UdpSocket {
            io: PollEvented::new(socket)?,
        })
    }

    /// Deregisters the socket and returns it as a std socket, still in
    /// non-blocking mode (as tokio). Must run on the runtime's thread.
    pub fn into_std(self) -> io::Result<std::net::UdpSocket> {
        self.io.into_inner()
    }

    /// Connects the socket to `addr` (the first resolved address that
    /// works): `send`/`recv` then use it, and datagrams from other senders
    /// are dropped by the kernel. Completes without waiting.
    pub async fn connect<A: ToSocketAddrs>(&self, addr: A) -> io::Result<()> {
        let mut last = None;
        for a in to_socket_addrs(addr).await? {
            match self.io.get_ref().connect(a) {
                Ok(()) => return Ok(()),
                Err(e) => last = Some(e),
            }
        }
        Err(last.unwrap_or_else(no_addresses))
    }

    crate::methods::datagram_methods!(SocketAddr, recv_from);

    /// Sends `buf` as one datagram to `target` (its first resolved address).
    /// Cancel-safe.
    pub async fn send_to<A: ToSocketAddrs>(&self, buf: &[u8], target: A) -> io::Result<usize> {
        let target = to_socket_addrs(target).await?.next().ok_or_else(|| {
            io::Error::new(io::ErrorKind::InvalidInput, "no addresses to send data to")
        })?;
        self.io
            .async_io(Interest::WRITABLE, |s| s.send_to(buf, target))
            .await
    }

    /// Polls sending `buf` to `target`.
    pub fn poll_send_to(
        &self,
        cx: &mut Context<'_>,
        buf: &[u8],
        target: SocketAddr,
    ) -> Poll<io::Result<usize>> {
        self.io
            .poll_io(cx, Interest::WRITABLE, |s| s.send_to(buf, target))
    }

    /// Sends to `target` if the socket is writable now, else `WouldBlock`.
    pub fn try_send_to(&self, buf: &[u8], target: SocketAddr) -> io::Result<usize> {
        self.io
            .try_io(Interest::WRITABLE, |s| s.send_to(buf, target))
    }

    /// Copies the next datagram into `buf` without removing it from the
    /// queue, returning its (possibly truncated) length. Cancel-safe.
    pub async fn peek(&self, buf: &mut [u8]) -> io::Result<usize> {
        self.io.async_io(Interest::READABLE, |s| s.peek(buf)).await
    }

    /// Polls peeking at the next datagram: it is filled into `buf`'s
    /// unfilled part (truncated to the room left) and stays queued.
    pub fn poll_peek(&self, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        self.io
            .poll_io(cx, Interest::READABLE, |s| read_buf::peek(s.as_fd(), buf))
            .map_ok(drop)
    }

    /// Peeks at the next datagram if one is queued now, else `WouldBlock`.
    pub fn try_peek(&self, buf: &mut [u8]) -> io::Result<usize> {
        self.io.try_io(Interest::READABLE, |s| s.peek(buf))
    }

    /// Copies the next datagram into `buf` without removing it from the
    /// queue, returning its (possibly truncated) length and sender.
    pub async fn peek_from(&self, buf: &mut [u8]) -> io::Result<(usize, SocketAddr)> {
        self.io
            .async_io(Interest::READABLE, |s| s.peek_from(buf))
            .await
    }

    /// Polls peeking at the next datagram: it is filled into `buf`'s
    /// unfilled part and its sender is returned, as tokio's.
    pub fn poll_peek_from(
        &self,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<SocketAddr>> {
        self.io
            .poll_io(cx, Interest::READABLE, |s| {
                sys::recv_from(s.as_fd(), buf, true)
            })
            .map_ok(|(_, from)| from)
    }

    /// Peeks at the next datagram if one is queued now, else `WouldBlock`.
    pub fn try_peek_from(&self, buf: &mut [u8]) -> io::Result<(usize, SocketAddr)> {
        self.io.try_io(Interest::READABLE, |s| s.peek_from(buf))
    }

    /// Waits for a datagram and returns its sender, leaving it queued
    /// (cheaper than [`peek_from`](Self::peek_from) when the payload is not
    /// needed). Cancel-safe.
    pub async fn peek_sender(&self) -> io::Result<SocketAddr> {
        self.io
            .async_io(Interest::READABLE, |s| sys::peek_sender(s.as_fd()))
            .await
    }

    /// Polls [`peek_sender`](Self::peek_sender).
    pub fn poll_peek_sender(&self, cx: &mut Context<'_>) -> Poll<io::Result<SocketAddr>> {
        self.io
            .poll_io(cx, Interest::READABLE, |s| sys::peek_sender(s.as_fd()))
    }

    /// The sender of the next datagram if one is queued now, else
    /// `WouldBlock`; the datagram stays queued.
    pub fn try_peek_sender(&self) -> io::Result<SocketAddr> {
        self.io
            .try_io(Interest::READABLE, |s| sys::peek_sender(s.as_fd()))
    }

    /// The local address the socket is bound to.
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.io.get_ref().local_addr()
    }

    /// The connected peer's address (`NotConnected` if unconnected).
    pub fn peer_addr(&self) -> io::Result<SocketAddr> {
        self.io.get_ref().peer_addr()
    }

    /// Sets `SO_BROADCAST`: whether datagrams may be sent to a broadcast address.
    pub fn set_broadcast(&self, on: bool) -> io::Result<()> {
        self.io.get_ref().set_broadcast(on)
    }

    /// Reads `SO_BROADCAST`.
    pub fn broadcast(&self) -> io::Result<bool> {
        self.io.get_ref().broadcast()
    }

    /// Sets `IP_MULTICAST_LOOP`: whether multicast sent from here loops back to local sockets.
    pub fn set_multicast_loop_v4(&self, on: bool) -> io::Result<()> {
        self.io.get_ref().set_multicast_loop_v4(on)
    }

    /// Reads `IP_MULTICAST_LOOP`.
    pub fn multicast_loop_v4(&self) -> io::Result<bool> {
        self.io.get_ref().multicast_loop_v4()
    }

    /// Sets `IP_MULTICAST_TTL` for outgoing IPv4 multicast.
    pub fn set_multicast_ttl_v4(&self, ttl: u32) -> io::Result<()> {
        self.io.get_ref().set_multicast_ttl_v4(ttl)
    }

    /// Reads `IP_MULTICAST_TTL`.
    pub fn multicast_ttl_v4(&self) -> io::Result<u32> {
        self.io.get_ref().multicast_ttl_v4()
    }

    /// Sets `IPV6_MULTICAST_LOOP`.
    pub fn set_multicast_loop_v6(&self, on: bool) -> io::Result<()> {
        self.io.get_ref().set_multicast_loop_v6(on)
    }

    /// Reads `IPV6_MULTICAST_LOOP`.
    pub fn multicast_loop_v6(&self) -> io::Result<bool> {
        self.io.get_ref().multicast_loop_v6()
    }

    /// Sets the unicast `IP_TTL`.
    pub fn set_ttl(&self, ttl: u32) -> io::Result<()> {
        self.io.get_ref().set_ttl(ttl)
    }

    /// Reads the unicast `IP_TTL`.
    pub fn ttl(&self) -> io::Result<u32> {
        self.io.get_ref().ttl()
    }

    /// Reads `IP_TOS`, the type-of-service byte of outgoing IPv4 packets.
    pub fn tos_v4(&self) -> io::Result<u32> {
        sys::tos_v4(self.as_fd())
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
        sys::set_tos_v4(self.as_fd(), tos)
    }

    /// Deprecated: use [`set_tos_v4`](Self::set_tos_v4), as in tokio.
    #[deprecated(
        note = "`tos` related methods have been renamed `tos_v4` since they are IPv4-specific."
    )]
    #[doc(hidden)]
    pub fn set_tos(&self, tos: u32) -> io::Result<()> {
        self.set_tos_v4(tos)
    }

    /// Reads `IPV6_TCLASS`, the traffic class of outgoing IPv6 packets.
    pub fn tclass_v6(&self) -> io::Result<u32> {
        sys::tclass_v6(self.as_fd())
    }

    /// Sets `IPV6_TCLASS` (an error on an IPv4 socket).
    pub fn set_tclass_v6(&self, tclass: u32) -> io::Result<()> {
        sys::set_tclass_v6(self.as_fd(), tclass)
    }

    /// Reads `SO_BINDTODEVICE`: the name of the interface the socket is
    /// bound to, if any.
    pub fn device(&self) -> io::Result<Option<Vec<u8>>> {
        sys::device(self.as_fd())
    }

    /// Sets `SO_BINDTODEVICE`: only packets from the interface named
    /// `interface` (e.g. `b"lo"`) are processed by the socket. `None` or an
    /// empty name removes the binding.
    pub fn bind_device(&self, interface: Option<&[u8]>) -> io::Result<()> {
        sys::bind_device(self.as_fd(), interface)
    }

    /// Joins the IPv4 multicast group `multiaddr` on the interface with
    /// address `interface` (`Ipv4Addr::UNSPECIFIED`: the OS picks).
    pub fn join_multicast_v4(&self, multiaddr: Ipv4Addr, interface: Ipv4Addr) -> io::Result<()> {
        self.io.get_ref().join_multicast_v4(&multiaddr, &interface)
    }

    /// Leaves an IPv4 multicast group joined with [`join_multicast_v4`](UdpSocket::join_multicast_v4).
    pub fn leave_multicast_v4(&self, multiaddr: Ipv4Addr, interface: Ipv4Addr) -> io::Result<()> {
        self.io.get_ref().leave_multicast_v4(&multiaddr, &interface)
    }

    /// Joins the IPv6 multicast group `multiaddr` on interface index
    /// `interface` (0: the OS picks).
    pub fn join_multicast_v6(&self, multiaddr: &Ipv6Addr, interface: u32) -> io::Result<()> {
        self.io.get_ref().join_multicast_v6(multiaddr, interface)
    }

    /// Leaves an IPv6 multicast group joined with [`join_multicast_v6`](UdpSocket::join_multicast_v6).
    pub fn leave_multicast_v6(&self, multiaddr: &Ipv6Addr, interface: u32) -> io::Result<()> {
        self.io.get_ref().leave_multicast_v6(multiaddr, interface)
    }

    /// Takes the pending `SO_ERROR` (e.g. an ICMP port unreachable on a
    /// connected socket), if any.
    pub fn take_error(&self) -> io::Result<Option<io::Error>> {
        self.io.get_ref().take_error()
    }
}

crate::methods::fd_impls!(UdpSocket, std::net::UdpSocket);

/// Receives one datagram into `buf` and its sender (`datagram_methods!`).
fn recv_from(fd: BorrowedFd<'_>, buf: &mut ReadBuf<'_>) -> io::Result<(usize, SocketAddr)> {
    sys::recv_from(fd, buf, false)
}
