//! Unix-domain sockets: [`UnixListener`], [`UnixStream`] (with its split
//! halves) and [`UnixDatagram`], as in `tokio::net::unix`.
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

mod cred;
mod datagram;
mod listener;
mod split;
mod split_owned;
mod stream;

pub use cred::{gid_t, pid_t, uid_t, UCred};
pub use datagram::UnixDatagram;
pub use listener::UnixListener;
pub use split::{ReadHalf, WriteHalf};
pub use split_owned::{OwnedReadHalf, OwnedWriteHalf, ReuniteError};
pub use stream::UnixStream;

/// The address of a Unix-domain socket: std's type, re-exported.
///
/// tokio wraps std's `SocketAddr` in its own type with `is_unnamed` and
/// `as_pathname`; std's has the same methods, plus
/// `std::os::linux::net::SocketAddrExt::as_abstract_name` for abstract names.
pub use std::os::unix::net::SocketAddr;

use std::io;
use std::os::linux::net::SocketAddrExt;
use std::os::unix::ffi::OsStrExt;
use std::path::Path;

/// Turns a path into a socket address: a leading NUL byte selects the
/// abstract namespace (the rest of the bytes are the name).
pub(crate) fn to_addr(path: &Path) -> io::Result<SocketAddr> {
    match path.as_os_str().as_bytes().split_first() {
        Some((0, name)) => SocketAddr::from_abstract_name(name),
        _ => SocketAddr::from_pathname(path),
    }
}
