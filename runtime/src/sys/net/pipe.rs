//! Pipes and FIFOs for `mini_rt_net::unix::pipe`: an anonymous pipe created
//! non-blocking, an fd's access mode, and switching `O_NONBLOCK`.

use crate::sys::syscall;
use std::io;
use std::os::fd::{AsRawFd, BorrowedFd, FromRawFd, OwnedFd};

/// `O_NONBLOCK`, for `OpenOptions::custom_flags` when opening a FIFO.
pub const O_NONBLOCK: i32 = libc::O_NONBLOCK;

/// Creates an anonymous pipe, both ends non-blocking and close-on-exec:
/// `(read end, write end)`.
pub fn pipe() -> io::Result<(OwnedFd, OwnedFd)> {
    let mut fds = [0; 2];
    // SAFETY: `fds` has room for the two fds pipe2 writes.
    syscall!(pipe2(fds.as_mut_ptr(), libc::O_NONBLOCK | libc::O_CLOEXEC))?;
    // SAFETY: pipe2 just returned these fds and nothing else owns them.
    Ok(unsafe { (OwnedFd::from_raw_fd(fds[0]), OwnedFd::from_raw_fd(fds[1])) })
}

/// Whether `fd` was opened for reading and for writing (`O_ACCMODE`).
pub fn access_mode(fd: BorrowedFd<'_>) -> io::Result<(bool, bool)> {
    // SAFETY: F_GETFL only reads the flags of the live fd `fd`.
    let flags = syscall!(fcntl(fd.as_raw_fd(), libc::F_GETFL))?;
    let mode = flags & libc::O_ACCMODE;
    Ok((
        mode == libc::O_RDONLY || mode == libc::O_RDWR,
        mode == libc::O_WRONLY || mode == libc::O_RDWR,
    ))
}

/// Sets or clears `O_NONBLOCK` on `fd`.
pub fn set_nonblocking(fd: BorrowedFd<'_>, nonblocking: bool) -> io::Result<()> {
    // SAFETY: F_GETFL only reads the flags of the live fd `fd`.
    let flags = syscall!(fcntl(fd.as_raw_fd(), libc::F_GETFL))?;
    let new = if nonblocking {
        flags | libc::O_NONBLOCK
    } else {
        flags & !libc::O_NONBLOCK
    };
    if new != flags {
        // SAFETY: F_SETFL only changes the status flags of the live fd `fd`.
        syscall!(fcntl(fd.as_raw_fd(), libc::F_SETFL, new))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::fd::AsFd;

    #[test]
    fn pipe_ends_have_their_access_modes_and_toggle_nonblocking() {
        let (r, w) = pipe().unwrap();
        assert_eq!(access_mode(r.as_fd()).unwrap(), (true, false));
        assert_eq!(access_mode(w.as_fd()).unwrap(), (false, true));
        let mut buf = [0u8; 1];
        let mut file = std::fs::File::from(r);
        let err = std::io::Read::read(&mut file, &mut buf).unwrap_err();
        assert_eq!(
            err.kind(),
            io::ErrorKind::WouldBlock,
            "created non-blocking"
        );
        let nonblocking = |fd: BorrowedFd<'_>| {
            // SAFETY: F_GETFL only reads the flags of the live fd `fd`.
            let flags = unsafe { libc::fcntl(fd.as_raw_fd(), libc::F_GETFL) };
            flags & libc::O_NONBLOCK != 0
        };
        set_nonblocking(file.as_fd(), false).unwrap();
        assert!(!nonblocking(file.as_fd()));
        set_nonblocking(file.as_fd(), true).unwrap();
        assert!(nonblocking(file.as_fd()));
        let err = std::io::Read::read(&mut file, &mut buf).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::WouldBlock);
    }
}
