//! The error a failed `bind` or `connect` returns: the OS error, with the
//! address it concerned.

use std::fmt;
use std::io;
use std::net::SocketAddr;

/// What was attempted on which address, and the OS error it met.
#[derive(Debug)]
struct AddrError {
    op: &'static str,
    addr: SocketAddr,
    source: io::Error,
}

impl fmt::Display for AddrError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "could not {} {}: {}", self.op, self.addr, self.source)
    }
}

impl std::error::Error for AddrError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.source)
    }
}

/// Wraps `e` so its message names `addr`; the `ErrorKind` stays the OS
/// error's, and the original error is the source.
fn wrap(op: &'static str, addr: SocketAddr, e: io::Error) -> io::Error {
    io::Error::new(
        e.kind(),
        AddrError {
            op,
            addr,
            source: e,
        },
    )
}

/// A failed connect to `addr`.
pub(crate) fn connect(addr: SocketAddr, e: io::Error) -> io::Error {
    wrap("connect to", addr, e)
}

/// A failed bind (or listen) on `addr`.
pub(crate) fn bind(addr: SocketAddr, e: io::Error) -> io::Error {
    wrap("bind to", addr, e)
}
