//! Unix-domain sockets: [`UnixListener`], [`UnixStream`] (with its split
//! halves) and [`UnixDatagram`], as in `tokio::net::unix`.
//!
//! Paths: a path whose first byte is NUL (`"\0name"`) names a socket in
//! Linux's abstract namespace (no file is created; the name disappears with
//! the last socket using it); any other path is a file-system path.
//! Binding a file-system path creates the socket file, and nothing removes
//! it when the socket is dropped (as in tokio and std): remove it yourself.

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

/// How a path reads in an error message: abstract names as `@name`.
pub(crate) fn show(path: &Path) -> String {
    match path.as_os_str().as_bytes().split_first() {
        Some((0, name)) => format!("@{} (abstract)", String::from_utf8_lossy(name)),
        _ => path.display().to_string(),
    }
}

/// Adds the path to an OS error, keeping its kind.
pub(crate) fn with_path(e: io::Error, what: &str, path: &Path) -> io::Error {
    io::Error::new(e.kind(), format!("{what} {}: {e}", show(path)))
}

/// The error for binding a path that is taken: names the path and says why.
pub(crate) fn bind_error(e: io::Error, path: &Path) -> io::Error {
    if e.kind() != io::ErrorKind::AddrInUse {
        return with_path(e, "bind", path);
    }
    let why = if path.as_os_str().as_bytes().first() == Some(&0) {
        "another socket holds this abstract name"
    } else {
        "a file already exists at this path (a socket is never unlinked when \
         dropped; remove the stale file first)"
    };
    io::Error::new(
        io::ErrorKind::AddrInUse,
        format!("bind {}: {e}: {why}", show(path)),
    )
}
