//! `SO_PEERCRED`: the credentials of the process at the other end of a
//! connected Unix-domain socket. Used by `mini_rt_net`'s `UnixStream::peer_cred`.
//!
//! std has `UnixStream::peer_cred`, but it is still unstable
//! (`peer_credentials_unix_socket`), so this is the one libc call the Unix
//! sockets need.

use super::syscall;
use std::io;
use std::os::fd::{AsRawFd, BorrowedFd};

pub use libc::{gid_t, pid_t, uid_t};

/// The peer's credentials as the kernel recorded them when the connection
/// was made (`connect(2)` or `socketpair(2)`), not the peer's current ones.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct PeerCred {
    /// The peer's process id.
    pub pid: pid_t,
    /// The peer's effective user id.
    pub uid: uid_t,
    /// The peer's effective group id.
    pub gid: gid_t,
}

/// Reads `SO_PEERCRED` from a connected Unix-domain stream socket (or a
/// socket pair). Fails with the OS error (`ENOTSOCK`, `EINVAL`, …) otherwise.
pub fn peer_cred(fd: BorrowedFd<'_>) -> io::Result<PeerCred> {
    let mut cred = libc::ucred {
        pid: 0,
        uid: 0,
        gid: 0,
    };
    let mut len = std::mem::size_of::<libc::ucred>() as libc::socklen_t;
    // SAFETY: `fd` is a live descriptor borrowed for the call; `cred` is a
    // writable `ucred` and `len` holds its exact size, so the kernel writes
    // at most `len` bytes into it and updates `len`.
    syscall!(getsockopt(
        fd.as_raw_fd(),
        libc::SOL_SOCKET,
        libc::SO_PEERCRED,
        (&mut cred as *mut libc::ucred).cast::<libc::c_void>(),
        &mut len,
    ))?;
    if len as usize != std::mem::size_of::<libc::ucred>() {
        return Err(io::Error::other(format!(
            "SO_PEERCRED returned {len} bytes, expected {}",
            std::mem::size_of::<libc::ucred>()
        )));
    }
    Ok(PeerCred {
        pid: cred.pid,
        uid: cred.uid,
        gid: cred.gid,
    })
}
