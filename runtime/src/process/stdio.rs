//! `ChildStdin`, `ChildStdout`, `ChildStderr`: the parent's ends of a
//! child's piped stdio, non-blocking and registered with the reactor.

use crate::io::Interest;
use crate::reactor::PollEvented;
use crate::sys::process::set_nonblocking;
use std::io::{self, IoSlice};
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, OwnedFd, RawFd};
use std::pin::Pin;
use std::process::{self as sp, Stdio};
use std::task::{Context, Poll};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

/// The write end of a child's stdin pipe ([`Child::stdin`](super::Child::stdin)):
/// implements [`AsyncWrite`] through the reactor, as tokio's.
///
/// Dropping it closes the pipe: the child reads EOF. Writes go straight to
/// the pipe (`flush` and `shutdown` do nothing, as in tokio).
///
/// ```
/// # use mini_rt_runtime as mini_rt;
/// use mini_rt::io::AsyncWriteExt;
/// use mini_rt::process::{Command, Stdio};
///
/// mini_rt::runtime::Runtime::new().unwrap().block_on(async {
///     let mut child = Command::new("sh").args(["-c", "read line; test \"$line\" = ping"])
///         .stdin(Stdio::piped())
///         .spawn()?;
///     child.stdin.as_mut().unwrap().write_all(b"ping\n").await?;
///     assert!(child.wait().await?.success()); // wait closes stdin first
///     std::io::Result::Ok(())
/// }).unwrap();
/// ```
#[derive(Debug)]
pub struct ChildStdin {
    inner: PollEvented<sp::ChildStdin>,
}

/// The read end of a child's stdout pipe ([`Child::stdout`](super::Child::stdout)):
/// implements [`AsyncRead`] through the reactor, as tokio's. EOF once the
/// child (and any process it passed the pipe to) closed it.
///
/// ```
/// # use mini_rt_runtime as mini_rt;
/// use mini_rt::io::{AsyncBufReadExt, BufReader};
/// use mini_rt::process::{Command, Stdio};
///
/// mini_rt::runtime::Runtime::new().unwrap().block_on(async {
///     let mut child = Command::new("printf").arg("a\\nb\\n").stdout(Stdio::piped()).spawn()?;
///     let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
///     assert_eq!(lines.next_line().await?.as_deref(), Some("a"));
///     assert_eq!(lines.next_line().await?.as_deref(), Some("b"));
///     assert_eq!(lines.next_line().await?, None);
///     assert!(child.wait().await?.success());
///     std::io::Result::Ok(())
/// }).unwrap();
/// ```
#[derive(Debug)]
pub struct ChildStdout {
    inner: PollEvented<sp::ChildStdout>,
}

/// The read end of a child's stderr pipe ([`Child::stderr`](super::Child::stderr)):
/// implements [`AsyncRead`] as [`ChildStdout`] does.
///
/// ```
/// # use mini_rt_runtime as mini_rt;
/// use mini_rt::io::AsyncReadExt;
/// use mini_rt::process::{Command, Stdio};
///
/// mini_rt::runtime::Runtime::new().unwrap().block_on(async {
///     let mut child = Command::new("sh").args(["-c", "echo oops >&2"])
///         .stderr(Stdio::piped())
///         .spawn()?;
///     let mut err = String::new();
///     child.stderr.take().unwrap().read_to_string(&mut err).await?;
///     assert_eq!(err, "oops\n");
///     child.wait().await?;
///     std::io::Result::Ok(())
/// }).unwrap();
/// ```
#[derive(Debug)]
pub struct ChildStderr {
    inner: PollEvented<sp::ChildStderr>,
}

/// Makes a pipe end non-blocking and registers it with the current runtime.
fn register<E>(pipe: E, interest: Interest) -> io::Result<PollEvented<E>>
where
    E: AsFd + AsRawFd + Into<OwnedFd>,
{
    set_nonblocking(pipe.as_fd(), true)?;
    PollEvented::new_with_interest(pipe, interest)
}

/// Deregisters a pipe end and makes it blocking again, as programs expect
/// of an inherited stdio fd.
fn unregister<E>(pipe: PollEvented<E>) -> io::Result<OwnedFd>
where
    E: AsRawFd + Into<OwnedFd>,
{
    let fd: OwnedFd = pipe.into_inner()?.into();
    set_nonblocking(fd.as_fd(), false)?;
    Ok(fd)
}

macro_rules! pipe_end {
    ($ty:ident, $interest:expr) => {
        impl $ty {
            /// Wraps std's pipe end (e.g. of a child spawned with std's
            /// `Command`), registering it with the current runtime.
            pub fn from_std(inner: sp::$ty) -> io::Result<$ty> {
                register(inner, $interest).map(|inner| $ty { inner })
            }

            /// Deregisters the pipe end and returns it, back in blocking mode.
            pub fn into_owned_fd(self) -> io::Result<OwnedFd> {
                unregister(self.inner)
            }
        }

        /// Passes the pipe end, in blocking mode, as another child's stdio.
        impl TryFrom<$ty> for Stdio {
            type Error = io::Error;

            fn try_from(pipe: $ty) -> io::Result<Stdio> {
                unregister(pipe.inner).map(Stdio::from)
            }
        }

        impl AsRawFd for $ty {
            fn as_raw_fd(&self) -> RawFd {
                self.inner.as_raw_fd()
            }
        }

        impl AsFd for $ty {
            fn as_fd(&self) -> BorrowedFd<'_> {
                self.inner.as_fd()
            }
        }
    };
}

pipe_end!(ChildStdin, Interest::WRITABLE);
pipe_end!(ChildStdout, Interest::READABLE);
pipe_end!(ChildStderr, Interest::READABLE);

impl AsyncWrite for ChildStdin {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        self.inner.poll_write(cx, buf)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        self.inner.poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        true
    }

    fn poll_flush(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }

    fn poll_shutdown(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }
}

impl AsyncRead for ChildStdout {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        self.inner.poll_read(cx, buf)
    }
}

impl AsyncRead for ChildStderr {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        self.inner.poll_read(cx, buf)
    }
}
