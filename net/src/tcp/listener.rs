//! `TcpListener`: a listening TCP socket on the reactor.

use super::TcpStream;
use crate::accept::accept_with_backoff;
use crate::addr::{no_addresses, to_socket_addrs, ToSocketAddrs};
use mini_rt_runtime::__net as sys;
use mini_rt_runtime::io::Interest;
use mini_rt_runtime::reactor::PollEvented;
use std::fmt;
use std::io;
use std::net::{self, SocketAddr};
use std::os::fd::{AsFd, OwnedFd};
use std::task::{ready, Context, Poll};

/// The backlog `bind` listens with (tokio's and mio's).
const BACKLOG: u32 = 1024;

/// A TCP socket listening for connections, as tokio's `TcpListener`.
///
/// ```
/// # mod mini_rt { pub use mini_rt_runtime::*; pub mod net { pub use mini_rt_net::*; } }
/// # mini_rt::runtime::Runtime::new().unwrap().block_on(async {
/// use mini_rt::io::{AsyncReadExt, AsyncWriteExt};
/// use mini_rt::net::{TcpListener, TcpStream};
///
/// let listener = TcpListener::bind("127.0.0.1:0").await?;
/// let addr = listener.local_addr()?;
/// mini_rt::spawn(async move {
///     while let Ok((mut stream, _peer)) = listener.accept().await {
///         mini_rt::spawn(async move { stream.write_all(b"hello").await });
///     }
/// });
///
/// let mut client = TcpStream::connect(addr).await?;
/// let mut greeting = String::new();
/// client.read_to_string(&mut greeting).await?;
/// assert_eq!(greeting, "hello");
/// # Ok::<(), std::io::Error>(())
/// # }).unwrap();
/// ```
pub struct TcpListener {
    io: PollEvented<net::TcpListener>,
}

impl TcpListener {
    /// Binds a listener to `addr`, trying each address it resolves to in
    /// turn and returning the last error if none works.
    ///
    /// As tokio's: `SO_REUSEADDR` is set (a restarted server can rebind at
    /// once) and the backlog is 1024. An error is the plain OS error, as
    /// tokio's: e.g. `raw_os_error() == Some(EADDRINUSE)` for a taken port.
    pub async fn bind<A: ToSocketAddrs>(addr: A) -> io::Result<TcpListener> {
        let mut last = None;
        for addr in to_socket_addrs(addr).await? {
            match TcpListener::bind_addr(addr) {
                Ok(listener) => return Ok(listener),
                Err(e) => last = Some(e),
            }
        }
        Err(last.unwrap_or_else(no_addresses))
    }

    fn bind_addr(addr: SocketAddr) -> io::Result<TcpListener> {
        let fd = sys::socket(sys::Domain::for_addr(&addr), sys::Type::Stream)?;
        sys::set_reuseaddr(fd.as_fd(), true)?;
        sys::bind(fd.as_fd(), &addr)?;
        TcpListener::listen_fd(fd, BACKLOG)
    }

    /// Starts listening on the bound, non-blocking socket `fd` and registers it.
    pub(crate) fn listen_fd(fd: OwnedFd, backlog: u32) -> io::Result<TcpListener> {
        sys::listen(fd.as_fd(), backlog)?;
        TcpListener::new(net::TcpListener::from(fd))
    }

    fn new(listener: net::TcpListener) -> io::Result<TcpListener> {
        let io = PollEvented::new_exclusive(listener, Interest::READABLE)?;
        Ok(TcpListener { io })
    }

    /// Waits for and accepts a connection, returning the stream and the
    /// peer's address.
    ///
    /// Uses `accept4(SOCK_NONBLOCK | SOCK_CLOEXEC)`: the new socket needs no
    /// further syscall before use. Cancel-safe.
    ///
    /// Difference from tokio: when the process or system is out of file
    /// descriptors or memory (`EMFILE`, `ENFILE`, `ENOBUFS`, `ENOMEM`),
    /// `accept` backs off on a timer (1 ms doubling to 100 ms) and retries,
    /// instead of returning at once and letting a retrying caller spin; the
    /// error is returned if it persists for 1 s.
    /// [`UnixListener::accept`](crate::UnixListener::accept) shares this policy.
    ///
    /// Any number of tasks may wait in `accept` on one listener (say behind
    /// an `Arc`): each is woken when a connection comes, one of them takes
    /// it, and the others wait again.
    ///
    /// Several workers accepting on one port each wrap their own duplicate
    /// of the socket (`from_std(std_listener.try_clone()?)`): the listener
    /// is registered with `EPOLLEXCLUSIVE` on the epoll backends in edge
    /// and level mode, so a connection wakes one waiting worker, not all
    /// (on epoll oneshot, poll, select and io_uring, all wake). Or give
    /// each worker its own `SO_REUSEPORT` listener
    /// ([`TcpSocket::set_reuseport`](crate::TcpSocket::set_reuseport)).
    pub async fn accept(&self) -> io::Result<(TcpStream, SocketAddr)> {
        let (fd, peer) = accept_with_backoff(|| {
            self.io
                .async_io(Interest::READABLE, |l| sys::accept(l.as_fd()))
        })
        .await?;
        Ok((TcpStream::new(net::TcpStream::from(fd))?, peer))
    }

    /// Polls for a connection to accept (no back-off; see [`accept`](TcpListener::accept)).
    /// As with tokio's `poll_*` methods, only the last task to poll is woken.
    pub fn poll_accept(&self, cx: &mut Context<'_>) -> Poll<io::Result<(TcpStream, SocketAddr)>> {
        let (fd, peer) = ready!(self
            .io
            .poll_io(cx, Interest::READABLE, |l| sys::accept(l.as_fd())))?;
        Poll::Ready(TcpStream::new(net::TcpStream::from(fd)).map(|s| (s, peer)))
    }

    /// Wraps a std listener, registering it with the current runtime.
    ///
    /// tokio requires the listener to be non-blocking already; mini_rt sets
    /// non-blocking mode itself, so a blocking listener is fine too. Fails
    /// outside a runtime.
    pub fn from_std(listener: net::TcpListener) -> io::Result<TcpListener> {
        listener.set_nonblocking(true)?;
        TcpListener::new(listener)
    }

    /// Deregisters the listener and returns the std listener, still in
    /// non-blocking mode (as tokio's). Must run on the runtime's thread.
    pub fn into_std(self) -> io::Result<net::TcpListener> {
        self.io.into_inner()
    }

    /// The address this listener is bound to (useful after binding port 0).
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.io.get_ref().local_addr()
    }

    /// Sets the IP time-to-live for accepted connections (`IP_TTL`).
    pub fn set_ttl(&self, ttl: u32) -> io::Result<()> {
        self.io.get_ref().set_ttl(ttl)
    }

    /// Reads the IP time-to-live.
    pub fn ttl(&self) -> io::Result<u32> {
        self.io.get_ref().ttl()
    }
}

crate::methods::fd_impls!(TcpListener, net::TcpListener);

impl fmt::Debug for TcpListener {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.io.get_ref().fmt(f)
    }
}
