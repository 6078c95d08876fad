//! [`BufWriter`]: adds a write buffer to any [`AsyncWrite`].

use super::write_ext::write_zero;
use super::DEFAULT_BUF_SIZE;
use futures_io::{AsyncBufRead, AsyncRead, AsyncWrite};
use pin_project_lite::pin_project;
use std::fmt;
use std::io::{self, IoSlice, IoSliceMut};
use std::pin::Pin;
use std::task::{ready, Context, Poll};

pin_project! {
    /// Adds buffering to a writer, as tokio's `BufWriter`: small writes are
    /// collected and handed to the inner writer in large ones.
    ///
    /// The buffer is written out when it cannot take the next write, and by
    /// [`flush`](super::AsyncWriteExt::flush) and
    /// [`shutdown`](super::AsyncWriteExt::shutdown) (which then flush or
    /// close the inner writer). Dropping a `BufWriter` with buffered data
    /// loses that data: flush or shut it down first. A write at least as
    /// large as the buffer goes straight to the inner writer. When the inner
    /// type is also a reader, reads pass through unbuffered.
    pub struct BufWriter<W> {
        #[pin]
        inner: W,
        buf: Vec<u8>,
        // How much of `buf` has been written out by an unfinished flush.
        written: usize,
    }
}

impl<W: AsyncWrite> BufWriter<W> {
    /// Wraps `inner` with a buffer of 8 KiB.
    pub fn new(inner: W) -> Self {
        Self::with_capacity(DEFAULT_BUF_SIZE, inner)
    }

    /// Wraps `inner` with a buffer of `capacity` bytes.
    pub fn with_capacity(capacity: usize, inner: W) -> Self {
        Self {
            inner,
            buf: Vec::with_capacity(capacity),
            written: 0,
        }
    }

    /// Writes the whole buffer to the inner writer (without flushing it).
    fn flush_buf(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let mut me = self.project();
        let mut ret = Ok(());
        while *me.written < me.buf.len() {
            match ready!(me.inner.as_mut().poll_write(cx, &me.buf[*me.written..])) {
                Ok(0) => {
                    ret = Err(write_zero());
                    break;
                }
                Ok(n) => *me.written += n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => {
                    ret = Err(e);
                    break;
                }
            }
        }
        let written = (*me.written).min(me.buf.len());
        me.buf.drain(..written);
        *me.written = 0;
        Poll::Ready(ret)
    }
}

impl<W> BufWriter<W> {
    /// The inner writer.
    pub fn get_ref(&self) -> &W {
        &self.inner
    }

    /// The inner writer, mutably. Writing to it directly bypasses (and
    /// overtakes) the buffered data.
    pub fn get_mut(&mut self) -> &mut W {
        &mut self.inner
    }

    /// The inner writer, pinned.
    pub fn get_pin_mut(self: Pin<&mut Self>) -> Pin<&mut W> {
        self.project().inner
    }

    /// Unwraps the inner writer; buffered data is lost.
    pub fn into_inner(self) -> W {
        self.inner
    }

    /// The data buffered but not yet written out.
    pub fn buffer(&self) -> &[u8] {
        &self.buf[self.written..]
    }
}

impl<W: AsyncWrite> AsyncWrite for BufWriter<W> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        if self.buf.len() + buf.len() > self.buf.capacity() {
            ready!(self.as_mut().flush_buf(cx))?;
        }
        let me = self.project();
        if buf.len() >= me.buf.capacity() {
            me.inner.poll_write(cx, buf)
        } else {
            me.buf.extend_from_slice(buf);
            Poll::Ready(Ok(buf.len()))
        }
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let total = bufs
            .iter()
            .fold(0usize, |acc, b| acc.saturating_add(b.len()));
        if self.buf.len() + total > self.buf.capacity() {
            ready!(self.as_mut().flush_buf(cx))?;
        }
        let me = self.project();
        if total >= me.buf.capacity() {
            me.inner.poll_write_vectored(cx, bufs)
        } else {
            bufs.iter().for_each(|b| me.buf.extend_from_slice(b));
            Poll::Ready(Ok(total))
        }
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        ready!(self.as_mut().flush_buf(cx))?;
        self.get_pin_mut().poll_flush(cx)
    }

    fn poll_close(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        ready!(self.as_mut().flush_buf(cx))?;
        self.get_pin_mut().poll_close(cx)
    }
}

impl<W: AsyncRead> AsyncRead for BufWriter<W> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut [u8],
    ) -> Poll<io::Result<usize>> {
        self.get_pin_mut().poll_read(cx, buf)
    }

    fn poll_read_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &mut [IoSliceMut<'_>],
    ) -> Poll<io::Result<usize>> {
        self.get_pin_mut().poll_read_vectored(cx, bufs)
    }
}

impl<W: AsyncBufRead> AsyncBufRead for BufWriter<W> {
    fn poll_fill_buf(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<&[u8]>> {
        self.get_pin_mut().poll_fill_buf(cx)
    }

    fn consume(self: Pin<&mut Self>, amt: usize) {
        self.get_pin_mut().consume(amt)
    }
}

impl<W: fmt::Debug> fmt::Debug for BufWriter<W> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BufWriter")
            .field("writer", &self.inner)
            .field(
                "buffer",
                &format_args!("{}/{}", self.buf.len(), self.buf.capacity()),
            )
            .field("written", &self.written)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::BufWriter;
    use crate::io::test_support::Trickle;
    use crate::io::AsyncWriteExt;
    use crate::test_util::block_on;

    #[test]
    fn buffers_until_flush() {
        block_on(async {
            let mut w = BufWriter::with_capacity(8, Trickle::new(3, true));
            w.write_all(b"abc").await.unwrap();
            w.write_all(b"def").await.unwrap();
            assert_eq!(w.get_ref().writes, 0);
            assert_eq!(w.buffer(), b"abcdef");
            w.flush().await.unwrap();
            assert_eq!(w.get_ref().data, b"abcdef");
            assert_eq!(w.get_ref().flushes, 1);
            assert!(w.buffer().is_empty());
        });
    }

    #[test]
    fn full_buffer_is_written_out_and_large_writes_bypass() {
        block_on(async {
            let mut w = BufWriter::with_capacity(4, Trickle::new(100, false));
            w.write_all(b"abc").await.unwrap();
            w.write_all(b"de").await.unwrap(); // does not fit: "abc" goes out first
            assert_eq!(w.get_ref().data, b"abc");
            w.write_all(b"0123456789").await.unwrap(); // "de", then 10 bytes direct
            assert_eq!(w.get_ref().data, b"abcde0123456789");
            assert_eq!(w.get_ref().writes, 3);
        });
    }

    #[test]
    fn shutdown_flushes_then_closes() {
        block_on(async {
            let mut w = BufWriter::new(Trickle::new(2, true));
            w.write_all(b"hello").await.unwrap();
            w.shutdown().await.unwrap();
            assert_eq!(w.get_ref().data, b"hello");
            assert!(w.get_ref().closed);
        });
    }

    #[test]
    fn read_and_write_pass_through_both_wrappers() {
        use crate::io::{duplex, AsyncBufReadExt, AsyncReadExt, BufReader};
        block_on(async {
            let (a, mut b) = duplex(64);
            // A BufReader inside a BufWriter: writes pass through the reader,
            // reads (and read_line) through the writer.
            let mut both = BufWriter::new(BufReader::new(a));
            both.write_all(b"question\n").await.unwrap();
            both.flush().await.unwrap();
            let mut q = [0u8; 9];
            b.read_exact(&mut q).await.unwrap();
            assert_eq!(&q, b"question\n");
            b.write_all(b"answer\nmore").await.unwrap();
            let mut line = String::new();
            both.read_line(&mut line).await.unwrap();
            assert_eq!(line, "answer\n");
            let mut rest = [0u8; 4];
            both.read_exact(&mut rest).await.unwrap();
            assert_eq!(&rest, b"more");
        });
    }
}
