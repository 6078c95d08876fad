//! [`copy`] and [`copy_buf`], and the [`CopyBuffer`] state machine that
//! [`copy_bidirectional`](super::copy_bidirectional) shares.

use super::write_ext::write_zero;
use super::DEFAULT_BUF_SIZE;
use futures_io::{AsyncBufRead, AsyncRead, AsyncWrite};
use std::future::Future;
use std::io;
use std::pin::Pin;
use std::task::{ready, Context, Poll};

/// One direction of a copy: a buffer filled from the reader and drained into
/// the writer (tokio's algorithm).
///
/// It reads while the buffer has room, so that writes are large; writes
/// whatever it holds even while the reader is pending; flushes the writer
/// when the reader has nothing more for now (a writer that buffers must not
/// hold back data its peer waits for) and at EOF.
#[derive(Debug)]
pub(crate) struct CopyBuffer {
    read_done: bool,
    need_flush: bool,
    pos: usize,
    cap: usize,
    amt: u64,
    buf: Box<[u8]>,
}

impl CopyBuffer {
    pub(crate) fn new(size: usize) -> Self {
        assert!(size > 0, "copy buffer size must be greater than 0");
        Self {
            read_done: false,
            need_flush: false,
            pos: 0,
            cap: 0,
            amt: 0,
            buf: vec![0; size].into_boxed_slice(),
        }
    }

    fn poll_fill_buf<R: AsyncRead + ?Sized>(
        &mut self,
        cx: &mut Context<'_>,
        mut reader: Pin<&mut R>,
    ) -> Poll<io::Result<()>> {
        loop {
            match ready!(reader.as_mut().poll_read(cx, &mut self.buf[self.cap..])) {
                Ok(0) => self.read_done = true,
                Ok(n) => self.cap = (self.cap + n).min(self.buf.len()),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Poll::Ready(Err(e)),
            }
            return Poll::Ready(Ok(()));
        }
    }

    fn poll_write_buf<R, W>(
        &mut self,
        cx: &mut Context<'_>,
        mut reader: Pin<&mut R>,
        mut writer: Pin<&mut W>,
    ) -> Poll<io::Result<usize>>
    where
        R: AsyncRead + ?Sized,
        W: AsyncWrite + ?Sized,
    {
        loop {
            match writer
                .as_mut()
                .poll_write(cx, &self.buf[self.pos..self.cap])
            {
                Poll::Ready(Err(e)) if e.kind() == io::ErrorKind::Interrupted => continue,
                Poll::Pending => {
                    // While the writer is busy, read ahead into the free space.
                    if !self.read_done && self.cap < self.buf.len() {
                        ready!(self.poll_fill_buf(cx, reader.as_mut()))?;
                    }
                    return Poll::Pending;
                }
                res => return res,
            }
        }
    }

    /// Copies until the reader's EOF, then flushes; returns the bytes copied.
    pub(crate) fn poll_copy<R, W>(
        &mut self,
        cx: &mut Context<'_>,
        mut reader: Pin<&mut R>,
        mut writer: Pin<&mut W>,
    ) -> Poll<io::Result<u64>>
    where
        R: AsyncRead + ?Sized,
        W: AsyncWrite + ?Sized,
    {
        loop {
            if self.cap < self.buf.len() && !self.read_done {
                match self.poll_fill_buf(cx, reader.as_mut()) {
                    Poll::Ready(Ok(())) => {}
                    Poll::Ready(Err(e)) => return Poll::Ready(Err(e)),
                    Poll::Pending => {
                        if self.pos == self.cap {
                            if self.need_flush {
                                ready!(writer.as_mut().poll_flush(cx))?;
                                self.need_flush = false;
                            }
                            return Poll::Pending;
                        }
                    }
                }
            }
            while self.pos < self.cap {
                let n = ready!(self.poll_write_buf(cx, reader.as_mut(), writer.as_mut()))?;
                if n == 0 {
                    return Poll::Ready(Err(write_zero()));
                }
                self.pos = (self.pos + n).min(self.cap);
                self.amt += n as u64;
                self.need_flush = true;
            }
            self.pos = 0;
            self.cap = 0;
            if self.read_done {
                ready!(writer.as_mut().poll_flush(cx))?;
                return Poll::Ready(Ok(self.amt));
            }
        }
    }
}

/// Copies everything from `reader` to `writer` until EOF, then flushes the
/// writer; returns the number of bytes copied. As tokio's `copy`, with an
/// 8 KiB buffer allocated once per call.
///
/// Neither side is closed (see [`AsyncWriteExt::shutdown`]). On an error the
/// future stops and the number of bytes copied so far is lost.
///
/// [`AsyncWriteExt::shutdown`]: super::AsyncWriteExt::shutdown
pub fn copy<'a, R, W>(reader: &'a mut R, writer: &'a mut W) -> Copy<'a, R, W>
where
    R: AsyncRead + Unpin + ?Sized,
    W: AsyncWrite + Unpin + ?Sized,
{
    Copy {
        reader,
        writer,
        buf: CopyBuffer::new(DEFAULT_BUF_SIZE),
    }
}

/// Future for [`copy`].
#[derive(Debug)]
#[must_use = "futures do nothing unless you `.await` or poll them"]
pub struct Copy<'a, R: ?Sized, W: ?Sized> {
    reader: &'a mut R,
    writer: &'a mut W,
    buf: CopyBuffer,
}

impl<R, W> Future for Copy<'_, R, W>
where
    R: AsyncRead + Unpin + ?Sized,
    W: AsyncWrite + Unpin + ?Sized,
{
    type Output = io::Result<u64>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let me = self.get_mut();
        me.buf
            .poll_copy(cx, Pin::new(&mut *me.reader), Pin::new(&mut *me.writer))
    }
}

/// Copies everything from a buffered `reader` to `writer` until EOF, using the
/// reader's own buffer, then flushes the writer; returns the number of bytes
/// copied. As tokio's `copy_buf`.
pub fn copy_buf<'a, R, W>(reader: &'a mut R, writer: &'a mut W) -> CopyBuf<'a, R, W>
where
    R: AsyncBufRead + Unpin + ?Sized,
    W: AsyncWrite + Unpin + ?Sized,
{
    CopyBuf {
        reader,
        writer,
        amt: 0,
    }
}

/// Future for [`copy_buf`].
#[derive(Debug)]
#[must_use = "futures do nothing unless you `.await` or poll them"]
pub struct CopyBuf<'a, R: ?Sized, W: ?Sized> {
    reader: &'a mut R,
    writer: &'a mut W,
    amt: u64,
}

impl<R, W> Future for CopyBuf<'_, R, W>
where
    R: AsyncBufRead + Unpin + ?Sized,
    W: AsyncWrite + Unpin + ?Sized,
{
    type Output = io::Result<u64>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let me = self.get_mut();
        let mut reader = Pin::new(&mut *me.reader);
        let mut writer = Pin::new(&mut *me.writer);
        loop {
            let buf = ready!(reader.as_mut().poll_fill_buf(cx))?;
            if buf.is_empty() {
                ready!(writer.as_mut().poll_flush(cx))?;
                return Poll::Ready(Ok(me.amt));
            }
            let n = ready!(writer.as_mut().poll_write(cx, buf))?;
            if n == 0 {
                return Poll::Ready(Err(write_zero()));
            }
            reader.as_mut().consume(n);
            me.amt += n as u64;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{copy, copy_buf};
    use crate::io::test_support::{Chunked, Trickle};
    use crate::io::BufReader;
    use crate::test_util::block_on;
    use std::io::ErrorKind;

    fn data() -> Vec<u8> {
        (0..50_000u32).map(|i| (i % 251) as u8).collect()
    }

    #[test]
    fn copy_everything_through_pending_and_short_ops() {
        block_on(async {
            let data = data();
            let chunks: Vec<&[u8]> = data.chunks(3_000).collect();
            let mut r = Chunked::new(&chunks).with_pending();
            let mut w = Trickle::new(1_000, true);
            let n = copy(&mut r, &mut w).await.unwrap();
            assert_eq!(n, data.len() as u64);
            assert_eq!(w.data, data);
            assert!(w.flushes >= 1);
            assert!(!w.closed);
        });
    }

    #[test]
    fn copy_buf_everything() {
        block_on(async {
            let data = data();
            let mut r = BufReader::with_capacity(4_096, Chunked::bytewise(&data[..300]));
            let mut w = Trickle::new(7, true);
            assert_eq!(copy_buf(&mut r, &mut w).await.unwrap(), 300);
            assert_eq!(w.data, &data[..300]);
            assert_eq!(w.flushes, 1);
        });
    }

    #[test]
    fn copy_write_zero() {
        block_on(async {
            let mut r = &b"abc"[..];
            let mut w = Trickle::new(0, false);
            let err = copy(&mut r, &mut w).await.unwrap_err();
            assert_eq!(err.kind(), ErrorKind::WriteZero);
        });
    }
}
