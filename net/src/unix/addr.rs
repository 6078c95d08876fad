//! `unix::SocketAddr`: the address of a Unix-domain socket, and the
//! conversions between paths, std's addresses and the bytes `connect` takes.

use std::fmt;
use std::io;
use std::os::linux::net::SocketAddrExt;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::net::SocketAddr as StdSocketAddr;
use std::path::Path;

/// The address of a Unix-domain socket, as `tokio::net::unix::SocketAddr`: a
/// thin wrapper around std's, converted to and from it with `From`.
///
/// An address is unnamed (an unbound socket, or one end of a pair), a
/// pathname, or a name in Linux's abstract namespace.
///
/// ```
/// # mod mini_rt { pub use mini_rt_runtime::*; pub mod net { pub use mini_rt_net::*; } }
/// use mini_rt::net::unix::SocketAddr;
/// use std::os::linux::net::SocketAddrExt;
///
/// let std_addr = std::os::unix::net::SocketAddr::from_abstract_name(b"name")?;
/// let addr = SocketAddr::from(std_addr);
/// assert_eq!(addr.as_abstract_name(), Some(&b"name"[..]));
/// assert!(!addr.is_unnamed() && addr.as_pathname().is_none());
/// # std::io::Result::Ok(())
/// ```
#[derive(Clone)]
pub struct SocketAddr(pub(crate) StdSocketAddr);

impl SocketAddr {
    /// Whether the address is unnamed.
    pub fn is_unnamed(&self) -> bool {
        self.0.is_unnamed()
    }

    /// The path, if this is a pathname address.
    pub fn as_pathname(&self) -> Option<&Path> {
        self.0.as_pathname()
    }

    /// The name (without its leading NUL byte), if this address is in the
    /// abstract namespace.
    pub fn as_abstract_name(&self) -> Option<&[u8]> {
        self.0.as_abstract_name()
    }
}

impl fmt::Debug for SocketAddr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl From<StdSocketAddr> for SocketAddr {
    fn from(addr: StdSocketAddr) -> SocketAddr {
        SocketAddr(addr)
    }
}

impl From<SocketAddr> for StdSocketAddr {
    fn from(addr: SocketAddr) -> StdSocketAddr {
        addr.0
    }
}

/// Turns a path into a socket address: a leading NUL byte selects the
/// abstract namespace (the rest of the bytes are the name).
pub(crate) fn to_addr(path: &Path) -> io::Result<StdSocketAddr> {
    match path.as_os_str().as_bytes().split_first() {
        Some((0, name)) => StdSocketAddr::from_abstract_name(name),
        _ => StdSocketAddr::from_pathname(path),
    }
}

/// The bytes naming `addr` for the OS's `connect`: the path, or a NUL byte
/// and the abstract name. An unnamed address cannot be connected to.
pub(crate) fn addr_bytes(addr: &StdSocketAddr) -> io::Result<Vec<u8>> {
    if let Some(path) = addr.as_pathname() {
        Ok(path.as_os_str().as_bytes().to_vec())
    } else if let Some(name) = addr.as_abstract_name() {
        Ok([&[0][..], name].concat())
    } else {
        Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "cannot connect to an unnamed unix socket address",
        ))
    }
}
