//! `UCred`: the credentials of a Unix socket's peer.

use mini_rt_runtime::__net::unix_cred::{self, PeerCred};
use std::io;
use std::os::fd::BorrowedFd;

/// The peer's group id type (`libc::gid_t`).
#[allow(non_camel_case_types)]
pub type gid_t = unix_cred::gid_t;
/// The peer's process id type (`libc::pid_t`).
#[allow(non_camel_case_types)]
pub type pid_t = unix_cred::pid_t;
/// The peer's user id type (`libc::uid_t`).
#[allow(non_camel_case_types)]
pub type uid_t = unix_cred::uid_t;

/// Credentials of the process at the other end of a [`UnixStream`], as the
/// kernel recorded them when the connection was made (`SO_PEERCRED`), as
/// `tokio::net::unix::UCred`.
///
/// [`UnixStream`]: super::UnixStream
///
/// ```
/// # mod mini_rt { pub use mini_rt_runtime::*; pub mod net { pub use mini_rt_net::*; } }
/// # mini_rt::runtime::Runtime::new().unwrap().block_on(async {
/// use mini_rt::net::UnixStream;
/// use std::os::unix::fs::MetadataExt;
///
/// let (a, _b) = UnixStream::pair()?;
/// let cred = a.peer_cred()?;
/// assert_eq!(cred.pid(), Some(std::process::id() as i32));
/// assert_eq!(cred.uid(), std::fs::metadata("/proc/self")?.uid());
/// # Ok::<(), std::io::Error>(())
/// # }).unwrap();
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct UCred {
    pid: Option<pid_t>,
    uid: uid_t,
    gid: gid_t,
}

impl UCred {
    /// The peer's effective user id.
    pub fn uid(&self) -> uid_t {
        self.uid
    }

    /// The peer's effective group id.
    pub fn gid(&self) -> gid_t {
        self.gid
    }

    /// The peer's process id. Always `Some` on Linux; an `Option` because
    /// tokio's is (some platforms cannot tell).
    pub fn pid(&self) -> Option<pid_t> {
        self.pid
    }
}

pub(crate) fn peer_cred(fd: BorrowedFd<'_>) -> io::Result<UCred> {
    let PeerCred { pid, uid, gid } = unix_cred::peer_cred(fd)?;
    Ok(UCred {
        pid: Some(pid),
        uid,
        gid,
    })
}
