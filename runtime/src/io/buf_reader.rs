//! [`BufReader`]: adds a read buffer to any [`AsyncRead`].

use super::DEFAULT_BUF_SIZE;
use futures_io::{AsyncBufRead, AsyncRead, AsyncWrite};
use pin_project_lite::pin_project;
use std::fmt;
use std::io::{self, IoSlice, IoSliceMut};
use std::pin::Pin;
use std::task::{ready, Context, Poll};

pin_project! {
    /// Adds buffering to a reader, as tokio's `BufReader`: many small reads
    /// become one large read of the inner reader, and the buffer makes it an
    /// [`AsyncBufRead`] (for [`lines`](super::AsyncBufReadExt::lines),
    /// [`read_line`](super::AsyncBufReadExt::read_line), …).
    ///
    /// A read at least as large as the buffer, when the buffer is empty, goes
    /// straight to the inner reader. When the inner type is also a writer,
    /// writes pass through unbuffered.
    pub struct BufReader<R> {
        #[pin]
        inner: R,
        buf: Box<[u8]>,
        pos: usize,
        filled: usize,
    }
}

impl<R: AsyncRead> BufReader<R> {
    /// Wraps `inner` with a buffer of 8 KiB.
    pub fn new(inner: R) -> Self {
        Self::with_capacity(DEFAULT_BUF_SIZE, inner)
    }

    /// Wraps `inner` with a buffer of `capacity` bytes.
    pub fn with_capacity(capacity: usize, inner: R) -> Self {
        Self {
            inner,
            buf: vec![0; capacity].into_boxed_slice(),
            pos: 0,
            filled: 0,
        }
    }
}

impl<R> BufReader<R> {
    /// The inner reader.
    pub fn get_ref(&self) -> &R {
        &self.inner
    }

    /// The inner reader, mutably. Reading from it directly skips the
    /// buffered data.
    pub fn get_mut(&mut self) -> &mut R {
        &mut self.inner
    }

    /// The inner reader, pinned.
    pub fn get_pin_mut(self: Pin<&mut Self>) -> Pin<&mut R> {
        self.project().inner
    }

    /// Unwraps the inner reader; buffered data is lost.
    pub fn into_inner(self) -> R {
        self.inner
    }

    /// The data buffered but not yet read.
    pub fn buffer(&self) -> &[u8] {
        &self.buf[self.pos..self.filled]
    }

    fn discard_buffer(self: Pin<&mut Self>) {
        let me = self.project();
        *me.pos = 0;
        *me.filled = 0;
    }
}

impl<R: AsyncRead> AsyncRead for BufReader<R> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut [u8],
    ) -> Poll<io::Result<usize>> {
        // Bypass the buffer for a large read into an empty buffer.
        if self.pos == self.filled && buf.len() >= self.buf.len() {
            let res = ready!(self.as_mut().get_pin_mut().poll_read(cx, buf));
            self.discard_buffer();
            return Poll::Ready(res);
        }
        let available = ready!(self.as_mut().poll_fill_buf(cx))?;
        let n = available.len().min(buf.len());
        buf[..n].copy_from_slice(&available[..n]);
        self.consume(n);
        Poll::Ready(Ok(n))
    }

    fn poll_read_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &mut [IoSliceMut<'_>],
    ) -> Poll<io::Result<usize>> {
        let total: usize = bufs.iter().map(|b| b.len()).sum();
        if self.pos == self.filled && total >= self.buf.len() {
            let res = ready!(self.as_mut().get_pin_mut().poll_read_vectored(cx, bufs));
            self.discard_buffer();
            return Poll::Ready(res);
        }
        let mut available = ready!(self.as_mut().poll_fill_buf(cx))?;
        let mut n = 0;
        for b in bufs.iter_mut() {
            let k = available.len().min(b.len());
            b[..k].copy_from_slice(&available[..k]);
            available = &available[k..];
            n += k;
            if available.is_empty() {
                break;
            }
        }
        self.consume(n);
        Poll::Ready(Ok(n))
    }
}

impl<R: AsyncRead> AsyncBufRead for BufReader<R> {
    fn poll_fill_buf(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<&[u8]>> {
        let me = self.project();
        if *me.pos >= *me.filled {
            let n = ready!(me.inner.poll_read(cx, me.buf))?;
            *me.filled = n.min(me.buf.len());
            *me.pos = 0;
        }
        Poll::Ready(Ok(&me.buf[*me.pos..*me.filled]))
    }

    fn consume(self: Pin<&mut Self>, amt: usize) {
        let me = self.project();
        *me.pos = (*me.pos + amt).min(*me.filled);
    }
}

impl<R: AsyncWrite> AsyncWrite for BufReader<R> {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        self.get_pin_mut().poll_write(cx, buf)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        self.get_pin_mut().poll_write_vectored(cx, bufs)
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.get_pin_mut().poll_flush(cx)
    }

    fn poll_close(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.get_pin_mut().poll_close(cx)
    }
}

impl<R: fmt::Debug> fmt::Debug for BufReader<R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BufReader")
            .field("reader", &self.inner)
            .field(
                "buffer",
                &format_args!("{}/{}", self.filled - self.pos, self.buf.len()),
            )
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::BufReader;
    use crate::io::test_support::Chunked;
    use crate::io::{AsyncBufReadExt, AsyncReadExt};
    use crate::test_util::block_on;
    use std::io::ErrorKind;

    #[test]
    fn one_byte_at_a_time_reader() {
        block_on(async {
            let text = "first line\nsecond ✓ line\r\nthird";
            let mut r = BufReader::new(Chunked::bytewise(text.as_bytes()).with_pending());
            let mut line = String::new();
            assert_eq!(r.read_line(&mut line).await.unwrap(), 11);
            assert_eq!(line, "first line\n");
            let mut word = [0u8; 6];
            r.read_exact(&mut word).await.unwrap();
            assert_eq!(&word, b"second");
            line.clear();
            r.read_line(&mut line).await.unwrap();
            assert_eq!(line, " ✓ line\r\n");
            let mut rest = Vec::new();
            r.read_to_end(&mut rest).await.unwrap();
            assert_eq!(rest, b"third");
            assert_eq!(r.read_line(&mut line).await.unwrap(), 0);
        });
    }

    #[test]
    fn small_reads_are_buffered_and_large_reads_bypass() {
        block_on(async {
            let mut r = BufReader::with_capacity(4, Chunked::new(&[b"abcdef", b"ghijklmn"]));
            let mut one = [0u8; 1];
            r.read_exact(&mut one).await.unwrap();
            assert_eq!(r.buffer(), b"bcd");
            assert_eq!(r.get_ref().reads, 1);
            let mut three = [0u8; 3];
            r.read_exact(&mut three).await.unwrap();
            assert_eq!(&three, b"bcd");
            assert_eq!(r.get_ref().reads, 1);
            // Buffer empty and the read is >= capacity: straight to the inner reader.
            let mut big = [0u8; 8];
            assert_eq!(r.read(&mut big).await.unwrap(), 2);
            assert_eq!(&big[..2], b"ef");
            assert!(r.buffer().is_empty());
            assert_eq!(r.read(&mut big).await.unwrap(), 8);
            assert_eq!(&big, b"ghijklmn");
        });
    }

    #[test]
    fn fill_buf_and_consume() {
        block_on(async {
            let mut r = BufReader::new(&b"hello"[..]);
            assert_eq!(r.fill_buf().await.unwrap(), b"hello");
            r.consume(2);
            assert_eq!(r.fill_buf().await.unwrap(), b"llo");
            r.consume(10);
            assert_eq!(r.fill_buf().await.unwrap(), b"");
        });
    }

    #[test]
    fn read_line_invalid_utf8_leaves_string_unchanged() {
        block_on(async {
            let mut r = BufReader::new(&b"\xffbad\ngood\n"[..]);
            let mut s = String::from("x");
            let err = r.read_line(&mut s).await.unwrap_err();
            assert_eq!(err.kind(), ErrorKind::InvalidData);
            assert_eq!(s, "x");
            r.read_line(&mut s).await.unwrap();
            assert_eq!(s, "xgood\n");
        });
    }

    #[test]
    fn read_line_cancel_keeps_partial_data() {
        use crate::test_util::poll_once;
        use std::pin::pin;
        let text = "ab✓cd\n";
        let mut r = BufReader::new(Chunked::bytewise(text.as_bytes()).with_pending());
        let mut s = String::from(">");
        {
            let mut fut = pin!(r.read_line(&mut s));
            // Each poll after the first reads one byte: "ab" and the first
            // byte of the 3-byte '✓'.
            for _ in 0..4 {
                assert!(poll_once(fut.as_mut()).is_pending());
            }
        }
        // The split character cannot live in a String: only "ab" is kept.
        assert_eq!(s, ">ab");
        {
            let mut fut = pin!(r.read_line(&mut s));
            for _ in 0..2 {
                assert!(poll_once(fut.as_mut()).is_pending());
            }
        }
        // The rest of '✓' is not valid UTF-8 on its own either.
        assert_eq!(s, ">ab");
        block_on(r.read_line(&mut s)).unwrap();
        assert_eq!(s, ">abcd\n");
    }

    #[test]
    fn read_until_keeps_partial_data_across_cancellation() {
        use crate::test_util::poll_once;
        use std::pin::pin;
        let mut r = BufReader::new(Chunked::new(&[b"12", b"34;5"]).with_pending());
        let mut buf = Vec::new();
        {
            let mut fut = pin!(r.read_until(b';', &mut buf));
            assert!(poll_once(fut.as_mut()).is_pending());
            assert!(poll_once(fut.as_mut()).is_pending());
        }
        assert_eq!(buf, b"12");
        assert_eq!(block_on(r.read_until(b';', &mut buf)).unwrap(), 3);
        assert_eq!(buf, b"1234;");
    }
}
