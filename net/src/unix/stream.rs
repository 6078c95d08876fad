//! `UnixStream`: a connected Unix-domain stream socket.

use super::{addr_bytes, cred, split, to_addr, SocketAddr, UCred};
use mini_rt_runtime::io::Interest;
use mini_rt_runtime::reactor::PollEvented;
use std::io;
use std::os::fd::{AsFd, OwnedFd};
use std::os::unix::net;
use std::path::Path;

/// A Unix-domain stream socket, as `tokio::net::UnixStream`.
///
/// It implements tokio's [`AsyncRead`](mini_rt_runtime::io::AsyncRead) and
/// [`AsyncWrite`](mini_rt_runtime::io::AsyncWrite), as tokio's does:
/// `poll_read` reads into the `ReadBuf`'s unfilled part without zeroing it,
/// vectored writes are one `writev`, and `poll_shutdown` shuts the write
/// side down.
///
/// ```
/// # mod mini_rt { pub use mini_rt_runtime::*; pub mod net { pub use mini_rt_net::*; } }
/// # mini_rt::runtime::Runtime::new().unwrap().block_on(async {
/// use mini_rt::io::{AsyncReadExt, AsyncWriteExt};
/// use mini_rt::net::UnixStream;
///
/// let (mut a, mut b) = UnixStream::pair()?;
/// a.write_all(b"hello").await?;
/// a.shutdown().await?; // `b` then reads end of stream
/// let mut got = String::new();
/// b.read_to_string(&mut got).await?;
/// assert_eq!(got, "hello");
/// // Both ends are this process.
/// assert_eq!(b.peer_cred()?.pid(), Some(std::process::id() as i32));
/// # Ok::<(), std::io::Error>(())
/// # }).unwrap();
/// ```
#[derive(Debug)]
pub struct UnixStream {
    io: PollEvented<net::UnixStream>,
}

impl UnixStream {
    /// Connects to the socket at `path`. A path whose first byte is NUL
    /// names a socket in the abstract namespace.
    ///
    /// The connect is non-blocking. On Linux a Unix-stream connect completes
    /// at once, except when the listener's backlog is full: it then fails
    /// with `WouldBlock` (`EAGAIN`), as tokio's does.
    pub async fn connect<P: AsRef<Path>>(path: P) -> io::Result<UnixStream> {
        let addr = to_addr(path.as_ref())?;
        UnixStream::connect_addr(&SocketAddr(addr)).await
    }

    /// Connects to the socket named by `socket_addr` (a pathname or an
    /// abstract name; an unnamed address is `InvalidInput`), as
    /// [`connect`](UnixStream::connect).
    pub async fn connect_addr(socket_addr: &SocketAddr) -> io::Result<UnixStream> {
        let fd = mini_rt_runtime::__net::unix_connect(&addr_bytes(&socket_addr.0)?)?;
        UnixStream::connect_fd(fd).await
    }

    /// Finishes the non-blocking connect started on `fd` (shared with
    /// `UnixSocket::connect`).
    pub(crate) async fn connect_fd(fd: OwnedFd) -> io::Result<UnixStream> {
        let stream = UnixStream::from_std(net::UnixStream::from(fd))?;
        // Non-blocking: wait for the connect to finish, then read its outcome.
        stream.io.readiness(Interest::WRITABLE).await?;
        match stream.io.get_ref().take_error() {
            Ok(None) => Ok(stream),
            Ok(Some(e)) | Err(e) => Err(e),
        }
    }

    /// Creates a connected pair of sockets (`socketpair(2)`), both registered
    /// with the current runtime.
    pub fn pair() -> io::Result<(UnixStream, UnixStream)> {
        let (a, b) = net::UnixStream::pair()?;
        Ok((UnixStream::from_std(a)?, UnixStream::from_std(b)?))
    }

    /// Wraps a std stream, registering it with the current runtime.
    ///
    /// Unlike tokio, this sets the socket non-blocking itself (tokio leaves
    /// that to the caller). Fails outside a runtime.
    pub fn from_std(stream: net::UnixStream) -> io::Result<UnixStream> {
        stream.set_nonblocking(true)?;
        let mut io = PollEvented::new(stream)?;
        // A read stops after a message carrying fds, with more data queued.
        io.set_short_read_drains(false);
        Ok(UnixStream { io })
    }

    /// Deregisters the socket and returns it as a std stream, still in
    /// non-blocking mode (as tokio). Must run on the runtime's thread.
    pub fn into_std(self) -> io::Result<net::UnixStream> {
        self.io.into_inner()
    }

    /// This end's address (usually unnamed for a connecting socket).
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.io.get_ref().local_addr().map(SocketAddr)
    }

    /// The peer's address.
    pub fn peer_addr(&self) -> io::Result<SocketAddr> {
        self.io.get_ref().peer_addr().map(SocketAddr)
    }

    /// The peer process's credentials (`SO_PEERCRED`), recorded when the
    /// connection was made.
    pub fn peer_cred(&self) -> io::Result<UCred> {
        cred::peer_cred(self.as_fd())
    }

    /// Takes the pending `SO_ERROR`, if any.
    pub fn take_error(&self) -> io::Result<Option<io::Error>> {
        self.io.get_ref().take_error()
    }

    crate::methods::stream_methods!(split);
}

crate::methods::stream_impls!(UnixStream, net::UnixStream);
