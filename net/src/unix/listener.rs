//! `UnixListener`: accepts Unix-domain stream connections.

use super::{to_addr, SocketAddr, UnixStream};
use crate::accept::accept_with_backoff;
use mini_rt_runtime::io::Interest;
use mini_rt_runtime::reactor::PollEvented;
use std::io;
use std::os::unix::net;
use std::path::Path;
use std::task::{ready, Context, Poll};

/// A Unix-domain socket server, as `tokio::net::UnixListener`.
///
/// Dropping it closes the socket but does **not** remove the socket file
/// (as tokio and std): remove the path yourself, or binding it again fails
/// with `AddrInUse`.
///
/// ```
/// # mod mini_rt { pub use mini_rt_runtime::*; pub mod net { pub use mini_rt_net::*; } }
/// # mini_rt::runtime::Runtime::new().unwrap().block_on(async {
/// use mini_rt::io::{AsyncReadExt, AsyncWriteExt};
/// use mini_rt::net::{UnixListener, UnixStream};
///
/// let dir = std::env::temp_dir().join(format!("mini_rt-doc-{}", std::process::id()));
/// std::fs::create_dir_all(&dir)?;
/// let path = dir.join("server.sock");
/// let listener = UnixListener::bind(&path)?;
/// mini_rt::spawn(async move {
///     while let Ok((mut stream, _addr)) = listener.accept().await {
///         mini_rt::spawn(async move { stream.write_all(b"hello").await });
///     }
/// });
///
/// let mut client = UnixStream::connect(&path).await?;
/// let mut greeting = String::new();
/// client.read_to_string(&mut greeting).await?;
/// assert_eq!(greeting, "hello");
/// std::fs::remove_dir_all(&dir)?; // the socket file outlives the listener
/// # Ok::<(), std::io::Error>(())
/// # }).unwrap();
/// ```
#[derive(Debug)]
pub struct UnixListener {
    io: PollEvented<net::UnixListener>,
}

impl UnixListener {
    /// Creates a socket bound to `path` and listening, registered with the
    /// current runtime. A path whose first byte is NUL binds a name in the
    /// abstract namespace.
    ///
    /// If the path exists (a stale socket file, or any other file) this is
    /// the OS error `EADDRINUSE` (`ErrorKind::AddrInUse`), as in tokio.
    /// Fails outside a runtime (tokio panics).
    pub fn bind<P: AsRef<Path>>(path: P) -> io::Result<UnixListener> {
        let addr = to_addr(path.as_ref())?;
        UnixListener::bind_addr(&SocketAddr(addr))
    }

    /// Creates a socket bound to `socket_addr` (a pathname or an abstract
    /// name) and listening, registered with the current runtime. Errors as
    /// [`bind`](UnixListener::bind)'s.
    pub fn bind_addr(socket_addr: &SocketAddr) -> io::Result<UnixListener> {
        let listener = net::UnixListener::bind_addr(&socket_addr.0)?;
        UnixListener::from_std(listener)
    }

    /// Wraps a std listener, registering it with the current runtime.
    ///
    /// Unlike tokio, this sets the socket non-blocking itself (tokio leaves
    /// that to the caller). Fails outside a runtime.
    pub fn from_std(listener: net::UnixListener) -> io::Result<UnixListener> {
        listener.set_nonblocking(true)?;
        Ok(UnixListener {
            io: PollEvented::new_exclusive(listener, Interest::READABLE)?,
        })
    }

    /// Deregisters the listener and returns it as a std listener, still in
    /// non-blocking mode (as tokio). Must run on the runtime's thread.
    pub fn into_std(self) -> io::Result<net::UnixListener> {
        self.io.into_inner()
    }

    /// Waits for a connection; returns the connected stream (non-blocking,
    /// close-on-exec, registered with the current runtime) and the peer's
    /// address (usually unnamed). Cancel-safe.
    ///
    /// Difference from tokio: when the process or system is out of file
    /// descriptors or memory (`EMFILE`, `ENFILE`, `ENOBUFS`, `ENOMEM`),
    /// `accept` backs off on a timer (1 ms doubling to 100 ms) and retries,
    /// instead of returning at once and letting a retrying caller spin; the
    /// error is returned if it persists for 1 s.
    /// [`TcpListener::accept`](crate::TcpListener::accept) shares this policy.
    ///
    /// Any number of tasks may wait in `accept` on one listener: each is
    /// woken when a connection comes, and those that lose the race wait again.
    pub async fn accept(&self) -> io::Result<(UnixStream, SocketAddr)> {
        // std's accept uses accept4(SOCK_CLOEXEC); UnixStream::from_std adds
        // O_NONBLOCK (one fcntl) and registers it before anyone reads, so a
        // connection whose data arrived already is reported by the backend.
        let (stream, addr) =
            accept_with_backoff(|| self.io.async_io(Interest::READABLE, |l| l.accept())).await?;
        Ok((UnixStream::from_std(stream)?, SocketAddr(addr)))
    }

    /// Polls for a connection, as [`accept`](UnixListener::accept) but
    /// without the back-off: an out-of-resources error is returned at once.
    /// As with tokio's `poll_*` methods, only the last task to poll is woken.
    pub fn poll_accept(&self, cx: &mut Context<'_>) -> Poll<io::Result<(UnixStream, SocketAddr)>> {
        let (stream, addr) = ready!(self.io.poll_io(cx, Interest::READABLE, |l| l.accept()))?;
        Poll::Ready(UnixStream::from_std(stream).map(|s| (s, SocketAddr(addr))))
    }

    /// The address the listener is bound to.
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.io.get_ref().local_addr().map(SocketAddr)
    }

    /// Takes the pending `SO_ERROR`, if any.
    pub fn take_error(&self) -> io::Result<Option<io::Error>> {
        self.io.get_ref().take_error()
    }
}

crate::methods::fd_impls!(UnixListener, net::UnixListener);
