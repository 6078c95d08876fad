//! [`Io`]: hyper's `rt::Read`/`rt::Write` over tokio's IO traits, and back.

use crate::sys::hyper_buf;
use pin_project_lite::pin_project;
use std::io::{self, IoSlice};
use std::pin::Pin;
use std::task::{Context, Poll};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

pin_project! {
    /// Adapts IO between tokio's traits and hyper's, as hyper-util's
    /// `TokioIo` does.
    ///
    /// * `Io<T>` with `T: AsyncRead + AsyncWrite` (every mini_rt socket and
    ///   its halves, [`duplex`](crate::io::duplex) streams, tokio-rustls
    ///   streams, …) implements hyper's `rt::Read` and `rt::Write`: wrap a
    ///   `TcpStream` to hand it to `serve_connection` or `handshake`.
    /// * `Io<T>` with `T: hyper::rt::Read + hyper::rt::Write` (hyper's
    ///   `Upgraded`, say) implements tokio's `AsyncRead` and `AsyncWrite`.
    ///
    /// Reads go straight into the caller's buffer (no zeroing, no copy);
    /// writes, vectored writes included, pass through.
    ///
    /// ```
    /// # use mini_rt_runtime as mini_rt;
    /// use hyper::rt::{Read, Write};
    /// use mini_rt::hyper::Io;
    /// use mini_rt::io::{AsyncRead, AsyncWrite};
    ///
    /// // A mini_rt `TcpStream`, say, made into what hyper's
    /// // `serve_connection` and `handshake` take.
    /// fn for_hyper<T: AsyncRead + AsyncWrite + Unpin>(stream: T) -> impl Read + Write + Unpin {
    ///     Io::new(stream)
    /// }
    /// ```
    #[derive(Debug)]
    pub struct Io<T> {
        #[pin]
        inner: T,
    }
}

impl<T> Io<T> {
    /// Wraps `inner`.
    pub fn new(inner: T) -> Self {
        Io { inner }
    }

    /// The wrapped IO object.
    pub fn inner(&self) -> &T {
        &self.inner
    }

    /// The wrapped IO object, mutably.
    pub fn inner_mut(&mut self) -> &mut T {
        &mut self.inner
    }

    /// Unwraps the IO object.
    pub fn into_inner(self) -> T {
        self.inner
    }
}

impl<T: AsyncRead> hyper::rt::Read for Io<T> {
    #[inline]
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: hyper::rt::ReadBufCursor<'_>,
    ) -> Poll<io::Result<()>> {
        hyper_buf::poll_read_to_cursor(self.project().inner, cx, buf)
    }
}

impl<T: AsyncWrite> hyper::rt::Write for Io<T> {
    #[inline]
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        self.project().inner.poll_write(cx, buf)
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.project().inner.poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.project().inner.poll_shutdown(cx)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    #[inline]
    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        self.project().inner.poll_write_vectored(cx, bufs)
    }
}

impl<T: hyper::rt::Read> AsyncRead for Io<T> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        hyper_buf::poll_read_to_read_buf(self.project().inner, cx, buf)
    }
}

impl<T: hyper::rt::Write> AsyncWrite for Io<T> {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        hyper::rt::Write::poll_write(self.project().inner, cx, buf)
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        hyper::rt::Write::poll_flush(self.project().inner, cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        hyper::rt::Write::poll_shutdown(self.project().inner, cx)
    }

    fn is_write_vectored(&self) -> bool {
        hyper::rt::Write::is_write_vectored(&self.inner)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        hyper::rt::Write::poll_write_vectored(self.project().inner, cx, bufs)
    }
}
