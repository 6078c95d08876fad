//! Unix pipes and FIFOs on the reactor, as `tokio::net::unix::pipe`: the
//! [`Sender`] (write end) and [`Receiver`] (read end) of an anonymous
//! [`pipe`] or of a FIFO opened with [`OpenOptions`].
//!
//! ```
//! # mod mini_rt { pub use mini_rt_runtime::*; pub mod net { pub use mini_rt_net::*; } }
//! # fn main() -> std::io::Result<()> {
//! # mini_rt::runtime::Runtime::new()?.block_on(async {
//! use mini_rt::io::{AsyncReadExt, AsyncWriteExt};
//! use mini_rt::net::unix::pipe;
//!
//! let (mut tx, mut rx) = pipe::pipe()?;
//! tx.write_all(b"through the pipe").await?;
//! drop(tx); // the reader then sees end of stream
//! let mut got = String::new();
//! rx.read_to_string(&mut got).await?;
//! assert_eq!(got, "through the pipe");
//! # Ok(())
//! # })
//! # }
//! ```

use mini_rt_runtime::__net::pipe as sys;
use mini_rt_runtime::__net::read_buf;
use mini_rt_runtime::io::{AsyncRead, AsyncWrite, Interest, ReadBuf, Ready};
use mini_rt_runtime::reactor::PollEvented;
use std::fs::File;
use std::io::{self, Read, Write};
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, OwnedFd, RawFd};
use std::os::unix::fs::FileTypeExt;
use std::pin::Pin;
use std::task::{Context, Poll};

/// Creates an anonymous pipe, registered with the current runtime: what is
/// written to the [`Sender`] is read from the [`Receiver`]. Both ends are
/// non-blocking and close-on-exec.
pub fn pipe() -> io::Result<(Sender, Receiver)> {
    let (read, write) = sys::pipe()?;
    Ok((
        Sender::from_owned_fd_unchecked(write)?,
        Receiver::from_owned_fd_unchecked(read)?,
    ))
}

mod open_options;
pub use open_options::OpenOptions;

fn check_pipe(file: &File) -> io::Result<()> {
    if file.metadata()?.file_type().is_fifo() {
        Ok(())
    } else {
        Err(io::Error::new(io::ErrorKind::InvalidInput, "not a pipe"))
    }
}

/// Checks that `fd` is a pipe open for reading (or writing), then makes it
/// non-blocking.
fn checked(fd: OwnedFd, read: bool) -> io::Result<File> {
    let file = File::from(fd);
    check_pipe(&file)?;
    let (readable, writable) = sys::access_mode(file.as_fd())?;
    match (read, readable, writable) {
        (true, true, _) | (false, _, true) => {}
        (true, ..) => {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "not in O_RDONLY or O_RDWR access mode",
            ))
        }
        (false, ..) => {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "not in O_WRONLY or O_RDWR access mode",
            ))
        }
    }
    sys::set_nonblocking(file.as_fd(), true)?;
    Ok(file)
}

/// Deregisters `io` and hands back its fd, switched to blocking mode if
/// `blocking`.
fn into_fd(io: PollEvented<File>, blocking: bool) -> io::Result<OwnedFd> {
    let fd = OwnedFd::from(io.into_inner()?);
    if blocking {
        sys::set_nonblocking(fd.as_fd(), false)?;
    }
    Ok(fd)
}

/// The writing end of a pipe or FIFO, as tokio's `pipe::Sender`; it
/// implements tokio's [`AsyncWrite`]. Dropping it closes the end: once every
/// writer is gone, the reader sees end of stream.
///
/// ```
/// # mod mini_rt { pub use mini_rt_runtime::*; pub mod net { pub use mini_rt_net::*; } }
/// # mini_rt::runtime::Runtime::new().unwrap().block_on(async {
/// use mini_rt::net::unix::pipe;
///
/// let (tx, rx) = pipe::pipe()?;
/// // Non-blocking writes, when the pipe has room.
/// tx.writable().await?;
/// assert_eq!(tx.try_write(b"ping")?, 4);
/// let mut buf = [0; 4];
/// rx.readable().await?;
/// assert_eq!(rx.try_read(&mut buf)?, 4);
/// assert_eq!(&buf, b"ping");
/// # Ok::<(), std::io::Error>(())
/// # }).unwrap();
/// ```
#[derive(Debug)]
pub struct Sender {
    io: PollEvented<File>,
}

impl Sender {
    /// Wraps a FIFO or pipe opened for writing, registering it with the
    /// current runtime; `InvalidInput` if it is not a pipe or not writable.
    /// It is made non-blocking.
    pub fn from_file(file: File) -> io::Result<Sender> {
        Sender::from_owned_fd(file.into())
    }

    /// As [`from_file`](Self::from_file), for an fd.
    pub fn from_owned_fd(owned_fd: OwnedFd) -> io::Result<Sender> {
        Sender::from_file_unchecked(checked(owned_fd, false)?)
    }

    /// Wraps `file` without checking it: it must be a writable pipe-like
    /// file, already in non-blocking mode.
    pub fn from_file_unchecked(file: File) -> io::Result<Sender> {
        Ok(Sender {
            io: PollEvented::new_with_interest(file, Interest::WRITABLE)?,
        })
    }

    /// As [`from_file_unchecked`](Self::from_file_unchecked), for an fd.
    pub fn from_owned_fd_unchecked(owned_fd: OwnedFd) -> io::Result<Sender> {
        Sender::from_file_unchecked(owned_fd.into())
    }

    /// Waits for any readiness in `interest` (every waiting task is woken).
    pub async fn ready(&self, interest: Interest) -> io::Result<Ready> {
        Ok(self.io.readiness(interest).await?.ready)
    }

    /// Waits until the pipe is writable (or the reader is gone).
    pub async fn writable(&self) -> io::Result<()> {
        self.ready(Interest::WRITABLE).await.map(drop)
    }

    /// Polls for write readiness (one waker: the last task's to poll).
    pub fn poll_write_ready(&self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.io.poll_ready(cx, Interest::WRITABLE).map_ok(drop)
    }

    /// Writes from `buf` if the pipe is writable, without waiting;
    /// `WouldBlock` otherwise. With the reader gone, `BrokenPipe`.
    pub fn try_write(&self, buf: &[u8]) -> io::Result<usize> {
        self.io.try_io(Interest::WRITABLE, |mut f| f.write(buf))
    }

    /// Vectored [`try_write`](Self::try_write).
    pub fn try_write_vectored(&self, bufs: &[io::IoSlice<'_>]) -> io::Result<usize> {
        self.io
            .try_io(Interest::WRITABLE, |mut f| f.write_vectored(bufs))
    }

    /// Runs `f` (a write on this pipe's fd) if the pipe is known writable;
    /// `WouldBlock` from `f` clears that readiness. See `TcpStream::try_io`.
    pub fn try_io<R>(&self, f: impl FnOnce() -> io::Result<R>) -> io::Result<R> {
        self.io.try_io(Interest::WRITABLE, |_| f())
    }

    /// Deregisters the pipe and returns its fd in blocking mode.
    pub fn into_blocking_fd(self) -> io::Result<OwnedFd> {
        into_fd(self.io, true)
    }

    /// Deregisters the pipe and returns its fd, still non-blocking.
    pub fn into_nonblocking_fd(self) -> io::Result<OwnedFd> {
        into_fd(self.io, false)
    }
}

impl AsyncWrite for Sender {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        self.io.poll_write(cx, buf)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        self.io.poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        true
    }

    /// Nothing is buffered in user space: always ready.
    fn poll_flush(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }

    /// Does nothing, as tokio's: drop the `Sender` to close the pipe.
    fn poll_shutdown(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }
}

/// The reading end of a pipe or FIFO, as tokio's `pipe::Receiver`; it
/// implements tokio's [`AsyncRead`]. A read of 0 bytes means every writer
/// is gone.
///
/// ```
/// # mod mini_rt { pub use mini_rt_runtime::*; pub mod net { pub use mini_rt_net::*; } }
/// # mini_rt::runtime::Runtime::new().unwrap().block_on(async {
/// use mini_rt::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
/// use mini_rt::net::unix::pipe;
///
/// let (mut tx, rx) = pipe::pipe()?;
/// let writer = mini_rt::spawn(async move {
///     tx.write_all(b"one\ntwo\n").await
///     // `tx` is dropped here: the reader then sees end of stream.
/// });
/// let mut lines = BufReader::new(rx).lines();
/// assert_eq!(lines.next_line().await?.as_deref(), Some("one"));
/// assert_eq!(lines.next_line().await?.as_deref(), Some("two"));
/// assert_eq!(lines.next_line().await?, None);
/// writer.await??;
/// # Ok::<(), std::io::Error>(())
/// # }).unwrap();
/// ```
#[derive(Debug)]
pub struct Receiver {
    io: PollEvented<File>,
}

impl Receiver {
    /// Wraps a FIFO or pipe opened for reading, registering it with the
    /// current runtime; `InvalidInput` if it is not a pipe or not readable.
    /// It is made non-blocking.
    pub fn from_file(file: File) -> io::Result<Receiver> {
        Receiver::from_owned_fd(file.into())
    }

    /// As [`from_file`](Self::from_file), for an fd.
    pub fn from_owned_fd(owned_fd: OwnedFd) -> io::Result<Receiver> {
        Receiver::from_file_unchecked(checked(owned_fd, true)?)
    }

    /// Wraps `file` without checking it: it must be a readable pipe-like
    /// file, already in non-blocking mode.
    pub fn from_file_unchecked(file: File) -> io::Result<Receiver> {
        Ok(Receiver {
            io: PollEvented::new_with_interest(file, Interest::READABLE)?,
        })
    }

    /// As [`from_file_unchecked`](Self::from_file_unchecked), for an fd.
    pub fn from_owned_fd_unchecked(owned_fd: OwnedFd) -> io::Result<Receiver> {
        Receiver::from_file_unchecked(owned_fd.into())
    }

    /// Waits for any readiness in `interest` (every waiting task is woken).
    pub async fn ready(&self, interest: Interest) -> io::Result<Ready> {
        Ok(self.io.readiness(interest).await?.ready)
    }

    /// Waits until the pipe is readable (or every writer is gone).
    pub async fn readable(&self) -> io::Result<()> {
        self.ready(Interest::READABLE).await.map(drop)
    }

    /// Polls for read readiness (one waker: the last task's to poll).
    pub fn poll_read_ready(&self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.io.poll_ready(cx, Interest::READABLE).map_ok(drop)
    }

    /// Reads into `buf` if data is ready, without waiting; `WouldBlock`
    /// otherwise. `Ok(0)`: every writer is gone (or `buf` is empty).
    pub fn try_read(&self, buf: &mut [u8]) -> io::Result<usize> {
        self.io.try_io(Interest::READABLE, |mut f| f.read(buf))
    }

    /// Vectored [`try_read`](Self::try_read).
    pub fn try_read_vectored(&self, bufs: &mut [io::IoSliceMut<'_>]) -> io::Result<usize> {
        self.io
            .try_io(Interest::READABLE, |mut f| f.read_vectored(bufs))
    }

    /// Reads into `buf`'s spare capacity without waiting, advancing it past
    /// the bytes read; see `TcpStream::try_read_buf`.
    pub fn try_read_buf<B: bytes::BufMut>(&self, buf: &mut B) -> io::Result<usize> {
        self.io.try_io(Interest::READABLE, |f| {
            read_buf::with_buf_mut(buf, |rb| read_buf::read(f.as_fd(), rb))
        })
    }

    /// Runs `f` (a read on this pipe's fd) if the pipe is known readable;
    /// `WouldBlock` from `f` clears that readiness. See `TcpStream::try_io`.
    pub fn try_io<R>(&self, f: impl FnOnce() -> io::Result<R>) -> io::Result<R> {
        self.io.try_io(Interest::READABLE, |_| f())
    }

    /// Deregisters the pipe and returns its fd in blocking mode.
    pub fn into_blocking_fd(self) -> io::Result<OwnedFd> {
        into_fd(self.io, true)
    }

    /// Deregisters the pipe and returns its fd, still non-blocking.
    pub fn into_nonblocking_fd(self) -> io::Result<OwnedFd> {
        into_fd(self.io, false)
    }
}

impl AsyncRead for Receiver {
    /// Reads into the unfilled part of the `ReadBuf` without zeroing it.
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        self.io.poll_read(cx, buf)
    }
}

macro_rules! fd_impls {
    ($($ty:ty),*) => {$(
        impl AsRawFd for $ty {
            fn as_raw_fd(&self) -> RawFd {
                self.io.as_raw_fd()
            }
        }

        impl AsFd for $ty {
            fn as_fd(&self) -> BorrowedFd<'_> {
                self.io.as_fd()
            }
        }
    )*};
}

fd_impls!(Sender, Receiver);
