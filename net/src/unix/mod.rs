//! Unix-domain sockets: [`UnixListener`], [`UnixStream`] (with its split
//! halves), [`UnixDatagram`] and [`UnixSocket`], and pipes ([`pipe`]), as in
//! `tokio::net::unix`.
//!
//! Paths: a path whose first byte is NUL (`"\0name"`) names a socket in
//! Linux's abstract namespace (no file is created; the name disappears with
//! the last socket using it); any other path is a file-system path.
//! Binding a file-system path creates the socket file, and nothing removes
//! it when the socket is dropped (as in tokio and std): remove it yourself.
//!
//! Errors are the plain OS errors, as tokio's: binding a path that exists
//! (a stale socket file, say) is `EADDRINUSE`, connecting to a missing path
//! `ENOENT`; the path is not added to the message.

mod addr;
mod cred;
mod datagram;
mod listener;
pub mod pipe;
mod socket;
mod split;
mod stream;

pub use addr::SocketAddr;
pub use cred::{gid_t, pid_t, uid_t, UCred};
pub use datagram::UnixDatagram;
pub use listener::UnixListener;
pub use socket::UnixSocket;
pub use split::{OwnedReadHalf, OwnedWriteHalf, ReadHalf, ReuniteError, WriteHalf};
pub use stream::UnixStream;

pub(crate) use addr::{addr_bytes, to_addr};
