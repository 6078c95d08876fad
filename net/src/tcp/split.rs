//! `TcpStream`'s split halves: borrowed (`ReadHalf`, `WriteHalf`, from
//! `split`) and owned (`OwnedReadHalf`, `OwnedWriteHalf`, from `into_split`).
//!
//! A stream can be read and written at once without locks: the reactor keeps
//! separate reader and writer wakers per socket, and every operation takes
//! `&TcpStream`.

use super::TcpStream;
use mini_rt_runtime::io::{AsyncRead, AsyncWrite, Interest, ReadBuf, Ready};
use std::error::Error;
use std::fmt;
use std::io::{self, IoSlice, IoSliceMut};
use std::net::{Shutdown, SocketAddr};
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

/// The read half of a [`TcpStream`], borrowed from [`TcpStream::split`].
#[derive(Debug)]
pub struct ReadHalf<'a>(&'a TcpStream);

/// The write half of a [`TcpStream`], borrowed from [`TcpStream::split`].
/// `poll_shutdown` shuts down the write side of the whole stream.
#[derive(Debug)]
pub struct WriteHalf<'a>(&'a TcpStream);

/// The read half of a [`TcpStream`], owned, from [`TcpStream::into_split`].
#[derive(Debug)]
pub struct OwnedReadHalf {
    inner: Arc<TcpStream>,
}

/// The write half of a [`TcpStream`], owned, from [`TcpStream::into_split`].
///
/// Dropping it shuts down the write side (the peer reads EOF), as tokio's
/// does, unless it was [`forget`](OwnedWriteHalf::forget)-ed.
#[derive(Debug)]
pub struct OwnedWriteHalf {
    inner: Arc<TcpStream>,
    shutdown_on_drop: bool,
}

pub(crate) fn split(stream: &mut TcpStream) -> (ReadHalf<'_>, WriteHalf<'_>) {
    (ReadHalf(stream), WriteHalf(stream))
}

pub(crate) fn split_owned(stream: TcpStream) -> (OwnedReadHalf, OwnedWriteHalf) {
    let inner = Arc::new(stream);
    let read = OwnedReadHalf {
        inner: inner.clone(),
    };
    (
        read,
        OwnedWriteHalf {
            inner,
            shutdown_on_drop: true,
        },
    )
}

/// Methods every half has: addresses and readiness.
macro_rules! common {
    ($($ty:ty),*) => {$(
        impl $ty {
            /// The local address of the connection.
            pub fn local_addr(&self) -> io::Result<SocketAddr> {
                self.stream().local_addr()
            }

            /// The remote address of the connection.
            pub fn peer_addr(&self) -> io::Result<SocketAddr> {
                self.stream().peer_addr()
            }

            /// Waits for any readiness in `interest`; see [`TcpStream::ready`].
            pub async fn ready(&self, interest: Interest) -> io::Result<Ready> {
                self.stream().ready(interest).await
            }
        }
    )*};
}

/// Methods of read halves.
macro_rules! reader {
    ($($ty:ty),*) => {$(
        impl $ty {
            /// Waits until the stream is readable; see [`TcpStream::readable`].
            pub async fn readable(&self) -> io::Result<()> {
                self.stream().readable().await
            }

            /// Reads without waiting; see [`TcpStream::try_read`].
            pub fn try_read(&self, buf: &mut [u8]) -> io::Result<usize> {
                self.stream().try_read(buf)
            }

            /// Vectored read without waiting; see [`TcpStream::try_read_vectored`].
            pub fn try_read_vectored(&self, bufs: &mut [IoSliceMut<'_>]) -> io::Result<usize> {
                self.stream().try_read_vectored(bufs)
            }

            /// Peeks at incoming data; see [`TcpStream::peek`].
            pub async fn peek(&mut self, buf: &mut [u8]) -> io::Result<usize> {
                self.stream().peek(buf).await
            }

            /// Polls a peek; see [`TcpStream::poll_peek`].
            pub fn poll_peek(&mut self, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<usize>> {
                self.stream().poll_peek(cx, buf)
            }
        }

        impl AsyncRead for $ty {
            fn poll_read(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
                self.stream().poll_read_priv(cx, buf)
            }
        }
    )*};
}

/// Methods of write halves; `poll_shutdown` shuts the stream's write side down.
macro_rules! writer {
    ($($ty:ty),*) => {$(
        impl $ty {
            /// Waits until the stream is writable; see [`TcpStream::writable`].
            pub async fn writable(&self) -> io::Result<()> {
                self.stream().writable().await
            }

            /// Writes without waiting; see [`TcpStream::try_write`].
            pub fn try_write(&self, buf: &[u8]) -> io::Result<usize> {
                self.stream().try_write(buf)
            }

            /// Vectored write without waiting; see [`TcpStream::try_write_vectored`].
            pub fn try_write_vectored(&self, bufs: &[IoSlice<'_>]) -> io::Result<usize> {
                self.stream().try_write_vectored(bufs)
            }
        }

        impl AsyncWrite for $ty {
            fn poll_write(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
                self.stream().poll_write_priv(cx, buf)
            }

            fn poll_write_vectored(
                self: Pin<&mut Self>,
                cx: &mut Context<'_>,
                bufs: &[IoSlice<'_>],
            ) -> Poll<io::Result<usize>> {
                self.stream().poll_write_vectored_priv(cx, bufs)
            }

            fn is_write_vectored(&self) -> bool {
                true
            }

            fn poll_flush(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
                Poll::Ready(Ok(()))
            }

            fn poll_shutdown(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
                Poll::Ready(self.get_mut().close())
            }
        }
    )*};
}

common!(ReadHalf<'_>, WriteHalf<'_>, OwnedReadHalf, OwnedWriteHalf);
reader!(ReadHalf<'_>, OwnedReadHalf);
writer!(WriteHalf<'_>, OwnedWriteHalf);

impl ReadHalf<'_> {
    fn stream(&self) -> &TcpStream {
        self.0
    }
}

impl WriteHalf<'_> {
    fn stream(&self) -> &TcpStream {
        self.0
    }

    fn close(&mut self) -> io::Result<()> {
        self.0.shutdown_std(Shutdown::Write)
    }
}

impl OwnedReadHalf {
    fn stream(&self) -> &TcpStream {
        &self.inner
    }

    /// Rejoins the halves into the original [`TcpStream`]; a
    /// [`ReuniteError`] (holding both halves back) if they came from
    /// different streams.
    pub fn reunite(self, other: OwnedWriteHalf) -> Result<TcpStream, ReuniteError> {
        reunite(self, other)
    }
}

impl OwnedWriteHalf {
    fn stream(&self) -> &TcpStream {
        &self.inner
    }

    fn close(&mut self) -> io::Result<()> {
        let res = self.inner.shutdown_std(Shutdown::Write);
        if res.is_ok() {
            self.shutdown_on_drop = false;
        }
        res
    }

    /// Rejoins the halves; see [`OwnedReadHalf::reunite`].
    pub fn reunite(self, other: OwnedReadHalf) -> Result<TcpStream, ReuniteError> {
        reunite(other, self)
    }

    /// Drops this half *without* shutting down the write side.
    pub fn forget(mut self) {
        self.shutdown_on_drop = false;
        drop(self);
    }
}

impl Drop for OwnedWriteHalf {
    fn drop(&mut self) {
        if self.shutdown_on_drop {
            let _ = self.inner.shutdown_std(Shutdown::Write);
        }
    }
}

fn reunite(read: OwnedReadHalf, write: OwnedWriteHalf) -> Result<TcpStream, ReuniteError> {
    if !Arc::ptr_eq(&read.inner, &write.inner) {
        return Err(ReuniteError(read, write));
    }
    write.forget();
    let inner = read.inner;
    Ok(Arc::try_unwrap(inner).expect("TcpStream: the two halves were the only owners"))
}

/// The halves passed to `reunite` came from different streams; both are
/// given back.
#[derive(Debug)]
pub struct ReuniteError(pub OwnedReadHalf, pub OwnedWriteHalf);

impl fmt::Display for ReuniteError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("tried to reunite halves that are not from the same socket")
    }
}

impl Error for ReuniteError {}

impl AsRef<TcpStream> for ReadHalf<'_> {
    fn as_ref(&self) -> &TcpStream {
        self.0
    }
}

impl AsRef<TcpStream> for WriteHalf<'_> {
    fn as_ref(&self) -> &TcpStream {
        self.0
    }
}

impl AsRef<TcpStream> for OwnedReadHalf {
    fn as_ref(&self) -> &TcpStream {
        &self.inner
    }
}

impl AsRef<TcpStream> for OwnedWriteHalf {
    fn as_ref(&self) -> &TcpStream {
        &self.inner
    }
}
