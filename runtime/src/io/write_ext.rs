//! [`AsyncWriteExt`]: tokio's writing methods over [`futures_io::AsyncWrite`].

use super::write_int::{write_int_list, write_int_methods};
use futures_io::AsyncWrite;
use std::future::Future;
use std::io::{self, IoSlice};
use std::pin::Pin;
use std::task::{ready, Context, Poll};

/// Writing utilities for every [`AsyncWrite`], with tokio's names and
/// semantics.
///
/// Each method returns a named future that borrows the writer; the futures
/// are `Unpin`. [`shutdown`](AsyncWriteExt::shutdown) is futures-io's
/// `poll_close`.
pub trait AsyncWriteExt: AsyncWrite {
    /// Writes some bytes from `buf`, returning how many were written.
    ///
    /// Cancel safe: if the future is dropped before completing, no data was
    /// written.
    fn write<'a>(&'a mut self, buf: &'a [u8]) -> Write<'a, Self>
    where
        Self: Unpin,
    {
        Write { writer: self, buf }
    }

    /// Writes some bytes from the slices in `bufs` in one call if the writer
    /// supports vectored writes (else from the first non-empty slice),
    /// returning how many were written. Cancel safe.
    fn write_vectored<'a, 'b>(&'a mut self, bufs: &'a [IoSlice<'b>]) -> WriteVectored<'a, 'b, Self>
    where
        Self: Unpin,
    {
        WriteVectored { writer: self, bufs }
    }

    /// Writes all of `buf`, looping inside one poll while the writer makes
    /// progress; a write of 0 bytes fails with
    /// [`ErrorKind::WriteZero`](io::ErrorKind::WriteZero), `Interrupted` is
    /// retried.
    ///
    /// Not cancel safe: if the future is dropped, an unknown prefix of `buf`
    /// has been written.
    fn write_all<'a>(&'a mut self, buf: &'a [u8]) -> WriteAll<'a, Self>
    where
        Self: Unpin,
    {
        WriteAll { writer: self, buf }
    }

    /// Flushes buffered data to its destination.
    fn flush(&mut self) -> Flush<'_, Self>
    where
        Self: Unpin,
    {
        Flush { writer: self }
    }

    /// Shuts down the write side (futures-io's `poll_close`): flushes, then,
    /// for a socket or pipe, signals EOF to the peer.
    fn shutdown(&mut self) -> Shutdown<'_, Self>
    where
        Self: Unpin,
    {
        Shutdown { writer: self }
    }

    write_int_list!(write_int_methods);
}

impl<W: AsyncWrite + ?Sized> AsyncWriteExt for W {}

/// Writes all of `buf`, advancing it past what was written, looping while the
/// writer makes progress.
pub(crate) fn poll_write_all<W: AsyncWrite + ?Sized>(
    mut writer: Pin<&mut W>,
    cx: &mut Context<'_>,
    buf: &mut &[u8],
) -> Poll<io::Result<()>> {
    while !buf.is_empty() {
        match ready!(writer.as_mut().poll_write(cx, buf)) {
            Ok(0) => return Poll::Ready(Err(write_zero())),
            Ok(n) => *buf = &buf[n.min(buf.len())..],
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Poll::Ready(Err(e)),
        }
    }
    Poll::Ready(Ok(()))
}

/// The error of a writer that accepted 0 bytes of a non-empty buffer.
pub(crate) fn write_zero() -> io::Error {
    io::Error::new(io::ErrorKind::WriteZero, "failed to write whole buffer")
}

/// Future for [`AsyncWriteExt::write`].
#[derive(Debug)]
#[must_use = "futures do nothing unless you `.await` or poll them"]
pub struct Write<'a, W: ?Sized> {
    writer: &'a mut W,
    buf: &'a [u8],
}

impl<W: AsyncWrite + Unpin + ?Sized> Future for Write<'_, W> {
    type Output = io::Result<usize>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let me = self.get_mut();
        Pin::new(&mut *me.writer).poll_write(cx, me.buf)
    }
}

/// Future for [`AsyncWriteExt::write_vectored`].
#[derive(Debug)]
#[must_use = "futures do nothing unless you `.await` or poll them"]
pub struct WriteVectored<'a, 'b, W: ?Sized> {
    writer: &'a mut W,
    bufs: &'a [IoSlice<'b>],
}

impl<W: AsyncWrite + Unpin + ?Sized> Future for WriteVectored<'_, '_, W> {
    type Output = io::Result<usize>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let me = self.get_mut();
        Pin::new(&mut *me.writer).poll_write_vectored(cx, me.bufs)
    }
}

/// Future for [`AsyncWriteExt::write_all`].
#[derive(Debug)]
#[must_use = "futures do nothing unless you `.await` or poll them"]
pub struct WriteAll<'a, W: ?Sized> {
    writer: &'a mut W,
    buf: &'a [u8],
}

impl<W: AsyncWrite + Unpin + ?Sized> Future for WriteAll<'_, W> {
    type Output = io::Result<()>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let me = self.get_mut();
        poll_write_all(Pin::new(&mut *me.writer), cx, &mut me.buf)
    }
}

/// Future for [`AsyncWriteExt::flush`].
#[derive(Debug)]
#[must_use = "futures do nothing unless you `.await` or poll them"]
pub struct Flush<'a, W: ?Sized> {
    writer: &'a mut W,
}

impl<W: AsyncWrite + Unpin + ?Sized> Future for Flush<'_, W> {
    type Output = io::Result<()>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        Pin::new(&mut *self.get_mut().writer).poll_flush(cx)
    }
}

/// Future for [`AsyncWriteExt::shutdown`].
#[derive(Debug)]
#[must_use = "futures do nothing unless you `.await` or poll them"]
pub struct Shutdown<'a, W: ?Sized> {
    writer: &'a mut W,
}

impl<W: AsyncWrite + Unpin + ?Sized> Future for Shutdown<'_, W> {
    type Output = io::Result<()>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        Pin::new(&mut *self.get_mut().writer).poll_close(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::AsyncWriteExt;
    use crate::io::test_support::Trickle;
    use crate::test_util::{block_on, poll_once};
    use std::io::{ErrorKind, IoSlice};
    use std::pin::Pin;
    use std::task::Poll;

    #[test]
    fn write_all_through_short_and_pending_writes() {
        block_on(async {
            let mut w = Trickle::new(3, true);
            w.write_all(b"hello, world").await.unwrap();
            w.flush().await.unwrap();
            w.shutdown().await.unwrap();
            assert_eq!(w.data, b"hello, world");
            assert_eq!(w.writes, 4);
            assert!(w.closed);
        });
    }

    #[test]
    fn write_all_loops_within_one_poll() {
        let mut w = Trickle::new(2, false);
        let mut fut = w.write_all(b"abcdefg");
        assert!(matches!(poll_once(Pin::new(&mut fut)), Poll::Ready(Ok(()))));
        assert_eq!(w.writes, 4);
    }

    #[test]
    fn write_all_write_zero() {
        block_on(async {
            let mut w = Trickle::new(0, false);
            let err = w.write_all(b"x").await.unwrap_err();
            assert_eq!(err.kind(), ErrorKind::WriteZero);
            assert!(w.write_all(b"").await.is_ok());
        });
    }

    #[test]
    fn write_and_vectored_and_ints() {
        block_on(async {
            let mut w: Vec<u8> = Vec::new();
            assert_eq!(w.write(b"ab").await.unwrap(), 2);
            let bufs = [IoSlice::new(b"c"), IoSlice::new(b"de")];
            let n = w.write_vectored(&bufs).await.unwrap();
            assert!(n >= 1);
            w.truncate(2);
            w.write_u16(0x0102).await.unwrap();
            w.write_u16_le(0x0102).await.unwrap();
            w.write_i32(-2).await.unwrap();
            w.write_f32_le(1.0).await.unwrap();
            let mut expected = b"ab\x01\x02\x02\x01\xff\xff\xff\xfe".to_vec();
            expected.extend_from_slice(&1.0f32.to_le_bytes());
            assert_eq!(w, expected);
        });
    }

    #[test]
    fn write_int_through_trickle() {
        block_on(async {
            let mut w = Trickle::new(1, true);
            w.write_u64(0x0102_0304_0506_0708).await.unwrap();
            assert_eq!(w.data, [1, 2, 3, 4, 5, 6, 7, 8]);
        });
    }
}
