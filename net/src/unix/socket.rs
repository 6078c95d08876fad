//! `UnixSocket`: a Unix-domain socket to bind before it connects, listens
//! or becomes a datagram socket.

use super::{addr_bytes, to_addr, UnixDatagram, UnixListener, UnixStream};
use mini_rt_runtime::__net as sys;
use std::fmt;
use std::io;
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, IntoRawFd, OwnedFd, RawFd};
use std::os::unix::net;
use std::path::Path;

/// A Unix-domain socket that is not yet a [`UnixStream`], a
/// [`UnixListener`] or a [`UnixDatagram`], as tokio's `UnixSocket`: create
/// a stream or datagram socket, optionally [`bind`](UnixSocket::bind) it
/// (say, so that the peer sees a named client), then
/// [`connect`](UnixSocket::connect), [`listen`](UnixSocket::listen) or
/// turn it into a [`datagram`](UnixSocket::datagram) socket.
///
/// The socket is non-blocking and close-on-exec from creation, and only
/// registered with the runtime by the last step, so creating and binding
/// one works outside a runtime. Paths whose first byte is NUL name the
/// abstract namespace.
///
/// Difference from tokio: no `FromRawFd` (mini_rt's sockets are written
/// without unsafe code).
///
/// ```
/// # mod mini_rt { pub use mini_rt_runtime::*; pub mod net { pub use mini_rt_net::*; } }
/// # fn main() -> std::io::Result<()> {
/// # mini_rt::runtime::Runtime::new()?.block_on(async {
/// use mini_rt::net::UnixSocket;
///
/// let name = format!("\0mini_rt-doc-{}", std::process::id());
/// let server = UnixSocket::new_stream()?;
/// server.bind(&name)?;
/// let listener = server.listen(16)?;
/// let client = UnixSocket::new_stream()?.connect(&name).await?;
/// let (accepted, _) = listener.accept().await?;
/// assert!(accepted.peer_addr()?.is_unnamed());
/// # drop(client);
/// # Ok(())
/// # })
/// # }
/// ```
pub struct UnixSocket {
    fd: OwnedFd,
    ty: sys::Type,
}

impl UnixSocket {
    /// Creates a datagram socket (`SOCK_DGRAM`).
    pub fn new_datagram() -> io::Result<UnixSocket> {
        UnixSocket::new(sys::Type::Datagram)
    }

    /// Creates a stream socket (`SOCK_STREAM`).
    pub fn new_stream() -> io::Result<UnixSocket> {
        UnixSocket::new(sys::Type::Stream)
    }

    fn new(ty: sys::Type) -> io::Result<UnixSocket> {
        Ok(UnixSocket {
            fd: sys::unix_socket(ty)?,
            ty,
        })
    }

    /// Binds the socket to `path`. An existing path is the OS error
    /// `EADDRINUSE`.
    pub fn bind(&self, path: impl AsRef<Path>) -> io::Result<()> {
        let addr = to_addr(path.as_ref())?;
        sys::unix_bind(self.fd.as_fd(), &addr_bytes(&addr)?)
    }

    /// Listens with room for `backlog` pending connections and returns the
    /// listener, registered with the current runtime. An error for a
    /// datagram socket.
    pub fn listen(self, backlog: u32) -> io::Result<UnixListener> {
        if self.ty == sys::Type::Datagram {
            return Err(io::Error::other(
                "listen cannot be called on a datagram socket",
            ));
        }
        sys::listen(self.fd.as_fd(), backlog)?;
        UnixListener::from_std(net::UnixListener::from(self.fd))
    }

    /// Connects to the socket at `path` and returns the stream, registered
    /// with the current runtime; errors as [`UnixStream::connect`]'s. An
    /// error for a datagram socket.
    pub async fn connect(self, path: impl AsRef<Path>) -> io::Result<UnixStream> {
        if self.ty == sys::Type::Datagram {
            return Err(io::Error::other(
                "connect cannot be called on a datagram socket",
            ));
        }
        let addr = to_addr(path.as_ref())?;
        sys::unix_connect_fd(self.fd.as_fd(), &addr_bytes(&addr)?)?;
        UnixStream::connect_fd(self.fd).await
    }

    /// Turns the socket into a [`UnixDatagram`], registered with the current
    /// runtime. An error for a stream socket.
    pub fn datagram(self) -> io::Result<UnixDatagram> {
        if self.ty == sys::Type::Stream {
            return Err(io::Error::other(
                "datagram cannot be called on a stream socket",
            ));
        }
        UnixDatagram::from_std(net::UnixDatagram::from(self.fd))
    }
}

impl AsRawFd for UnixSocket {
    fn as_raw_fd(&self) -> RawFd {
        self.fd.as_raw_fd()
    }
}

impl AsFd for UnixSocket {
    fn as_fd(&self) -> BorrowedFd<'_> {
        self.fd.as_fd()
    }
}

impl IntoRawFd for UnixSocket {
    /// Gives up the socket's fd (still non-blocking).
    fn into_raw_fd(self) -> RawFd {
        self.fd.into_raw_fd()
    }
}

impl fmt::Debug for UnixSocket {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UnixSocket")
            .field("fd", &self.fd.as_raw_fd())
            .field("type", &self.ty)
            .finish()
    }
}
