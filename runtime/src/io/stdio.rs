//! `stdin()`, `stdout()`, `stderr()`: the process's standard streams, as
//! tokio's, on the blocking pool.
//!
//! The standard streams may be terminals, regular files or pipes shared
//! with other processes, and are blocking: making them non-blocking would
//! change them for every process sharing them, and a regular file never
//! reports "not ready" to a readiness multiplexer anyway. So, as in tokio,
//! each read or write runs on a thread of the blocking pool.

use super::blocking::Blocking;
use std::io;
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, RawFd};
use std::pin::Pin;
use std::task::{Context, Poll};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

/// The standard input of the process, from [`stdin`]; implements
/// [`AsyncRead`].
///
/// Each read runs `read` on std's `Stdin` on a thread of the blocking pool.
/// As in tokio, a read that is waiting for input keeps its thread busy even
/// if the `Stdin` is dropped, and it is not interrupted when the runtime
/// shuts down. For interactive use, read lines on a dedicated thread and
/// send them over a channel instead.
///
/// ```
/// # use mini_rt_runtime as mini_rt;
/// use mini_rt::io::AsyncReadExt;
///
/// mini_rt::runtime::Runtime::new().unwrap().block_on(async {
///     let mut input = mini_rt::io::stdin();
///     let mut buf = [0u8; 0];
///     // An empty buffer returns at once, whatever stdin is.
///     assert_eq!(input.read(&mut buf).await.unwrap(), 0);
/// });
/// ```
#[derive(Debug)]
pub struct Stdin {
    std: Blocking<io::Stdin>,
    /// Another handle to the stream, for its fd.
    handle: io::Stdin,
}

/// The standard output of the process, from [`stdout`]; implements
/// [`AsyncWrite`].
///
/// A write copies the bytes and returns once a pool thread has taken them;
/// the next write or a flush waits for that write to finish and reports its
/// error. std's `Stdout` is line-buffered: `flush` (e.g.
/// [`AsyncWriteExt::flush`](crate::io::AsyncWriteExt::flush)) pushes out a
/// partial line. Concurrent writes from several `Stdout`s may interleave, as
/// in tokio: build each message into one buffer and write it whole.
///
/// ```
/// # use mini_rt_runtime as mini_rt;
/// use mini_rt::io::AsyncWriteExt;
///
/// mini_rt::runtime::Runtime::new().unwrap().block_on(async {
///     let mut out = mini_rt::io::stdout();
///     out.write_all(b"hello from mini_rt\n").await.unwrap();
///     out.flush().await.unwrap();
/// });
/// ```
#[derive(Debug)]
pub struct Stdout {
    std: Blocking<io::Stdout>,
    /// Another handle to the stream, for its fd.
    handle: io::Stdout,
}

/// The standard error of the process, from [`stderr`]; implements
/// [`AsyncWrite`] as [`Stdout`] does (std's `Stderr` is unbuffered).
///
/// ```
/// # use mini_rt_runtime as mini_rt;
/// use mini_rt::io::AsyncWriteExt;
///
/// mini_rt::runtime::Runtime::new().unwrap().block_on(async {
///     let mut err = mini_rt::io::stderr();
///     err.write_all(b"a diagnostic\n").await.unwrap();
///     err.flush().await.unwrap();
/// });
/// ```
#[derive(Debug)]
pub struct Stderr {
    std: Blocking<io::Stderr>,
    /// Another handle to the stream, for its fd.
    handle: io::Stderr,
}

/// A handle to the process's standard input, as tokio's `io::stdin`.
///
/// Reads run on the blocking pool (see [`Stdin`]). Creating one needs no
/// runtime; reading needs one.
pub fn stdin() -> Stdin {
    Stdin {
        std: Blocking::new(io::stdin()),
        handle: io::stdin(),
    }
}

/// A handle to the process's standard output, as tokio's `io::stdout`.
///
/// Writes run on the blocking pool (see [`Stdout`]); an accepted write is
/// carried out even if the `Stdout` is dropped unflushed.
pub fn stdout() -> Stdout {
    Stdout {
        std: Blocking::new_mandatory(io::stdout()),
        handle: io::stdout(),
    }
}

/// A handle to the process's standard error, as tokio's `io::stderr`.
///
/// Writes run on the blocking pool, as [`stdout`]'s do.
pub fn stderr() -> Stderr {
    Stderr {
        std: Blocking::new_mandatory(io::stderr()),
        handle: io::stderr(),
    }
}

impl AsyncRead for Stdin {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.std).poll_read(cx, buf)
    }
}

macro_rules! writer {
    ($ty:ident) => {
        impl AsyncWrite for $ty {
            fn poll_write(
                mut self: Pin<&mut Self>,
                cx: &mut Context<'_>,
                buf: &[u8],
            ) -> Poll<io::Result<usize>> {
                Pin::new(&mut self.std).poll_write(cx, buf)
            }

            fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
                Pin::new(&mut self.std).poll_flush(cx)
            }

            fn poll_shutdown(
                mut self: Pin<&mut Self>,
                cx: &mut Context<'_>,
            ) -> Poll<io::Result<()>> {
                Pin::new(&mut self.std).poll_shutdown(cx)
            }
        }
    };
}

writer!(Stdout);
writer!(Stderr);

macro_rules! fd {
    ($ty:ident) => {
        impl AsRawFd for $ty {
            fn as_raw_fd(&self) -> RawFd {
                self.handle.as_raw_fd()
            }
        }

        impl AsFd for $ty {
            fn as_fd(&self) -> BorrowedFd<'_> {
                self.handle.as_fd()
            }
        }
    };
}

fd!(Stdin);
fd!(Stdout);
fd!(Stderr);
