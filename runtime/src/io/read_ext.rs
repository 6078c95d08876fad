//! [`AsyncReadExt`]: tokio's reading methods over [`futures_io::AsyncRead`].

use super::read_int::{read_int_list, read_int_methods};
use super::read_to_end::{ReadToEnd, ReadToString};
use super::take::Take;
use futures_io::AsyncRead;
use std::future::Future;
use std::io;
use std::pin::Pin;
use std::task::{ready, Context, Poll};

/// The most [`AsyncReadExt::read_buf`] zero-fills and reads in one call.
const READ_BUF_MAX: usize = 64 * 1024;
/// What [`AsyncReadExt::read_buf`] reserves when the vector is full (tokio's
/// `Vec<u8>: BufMut` reserves the same).
const READ_BUF_RESERVE: usize = 64;

/// Reading utilities for every [`AsyncRead`], with tokio's names and
/// semantics.
///
/// Each method returns a named future that borrows the reader; the futures
/// are `Unpin`. Readers that are `!Unpin` can be used through `Pin<&mut R>`
/// or `Box::pin`.
pub trait AsyncReadExt: AsyncRead {
    /// Pulls some bytes into `buf`, returning how many were read; `Ok(0)` means
    /// EOF (or an empty `buf`).
    ///
    /// Cancel safe: if the future is dropped before completing, no data was
    /// read.
    fn read<'a>(&'a mut self, buf: &'a mut [u8]) -> Read<'a, Self>
    where
        Self: Unpin,
    {
        Read { reader: self, buf }
    }

    /// Reads exactly `buf.len()` bytes, returning `buf.len()` as tokio does.
    ///
    /// Fails with [`ErrorKind::UnexpectedEof`](io::ErrorKind::UnexpectedEof)
    /// if EOF comes first (the contents of `buf` are then unspecified). Loops
    /// inside one poll while the reader makes progress and retries on
    /// `Interrupted`. Not cancel safe: bytes read before the future is dropped
    /// are in `buf` but the count is lost.
    fn read_exact<'a>(&'a mut self, buf: &'a mut [u8]) -> ReadExact<'a, Self>
    where
        Self: Unpin,
    {
        ReadExact {
            reader: self,
            buf,
            filled: 0,
        }
    }

    /// Reads until EOF, appending to `buf`; returns the number of bytes
    /// appended.
    ///
    /// On an error, the bytes read so far stay in `buf`. Grows `buf`
    /// geometrically. Cancel safe in the same sense: dropping the future keeps
    /// what was read in `buf`.
    fn read_to_end<'a>(&'a mut self, buf: &'a mut Vec<u8>) -> ReadToEnd<'a, Self>
    where
        Self: Unpin,
    {
        ReadToEnd::new(self, buf)
    }

    /// Reads until EOF, appending to `buf`; returns the number of bytes
    /// appended.
    ///
    /// If the data is not valid UTF-8, or an IO error happens, fails with
    /// [`ErrorKind::InvalidData`](io::ErrorKind::InvalidData) (or the IO
    /// error) and leaves `buf` unchanged, as tokio does. Not cancel safe: the
    /// bytes read are lost if the future is dropped; unlike tokio (which
    /// leaves `buf` empty) `buf` then keeps its original contents.
    fn read_to_string<'a>(&'a mut self, buf: &'a mut String) -> ReadToString<'a, Self>
    where
        Self: Unpin,
    {
        ReadToString::new(self, buf)
    }

    /// Reads some bytes into the spare capacity of `buf`, appending them and
    /// returning how many were read (`Ok(0)` means EOF).
    ///
    /// Difference from tokio, whose `read_buf` takes any `B: BufMut` and reads
    /// into uninitialised memory: this one takes a `Vec<u8>` and, having no
    /// `unsafe`, zero-fills the spare capacity it reads into, so it reads at
    /// most 64 KiB per call to bound that cost. As with tokio's `Vec<u8>`, a
    /// full vector first gets 64 bytes reserved. Cancel safe.
    fn read_buf<'a>(&'a mut self, buf: &'a mut Vec<u8>) -> ReadBufVec<'a, Self>
    where
        Self: Unpin,
    {
        ReadBufVec { reader: self, buf }
    }

    /// Wraps the reader so that it yields at most `limit` bytes, then EOF.
    fn take(self, limit: u64) -> Take<Self>
    where
        Self: Sized,
    {
        Take::new(self, limit)
    }

    read_int_list!(read_int_methods);
}

impl<R: AsyncRead + ?Sized> AsyncReadExt for R {}

/// Future for [`AsyncReadExt::read`].
#[derive(Debug)]
#[must_use = "futures do nothing unless you `.await` or poll them"]
pub struct Read<'a, R: ?Sized> {
    reader: &'a mut R,
    buf: &'a mut [u8],
}

impl<R: AsyncRead + Unpin + ?Sized> Future for Read<'_, R> {
    type Output = io::Result<usize>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let me = self.get_mut();
        Pin::new(&mut *me.reader).poll_read(cx, me.buf)
    }
}

/// Future for [`AsyncReadExt::read_exact`].
#[derive(Debug)]
#[must_use = "futures do nothing unless you `.await` or poll them"]
pub struct ReadExact<'a, R: ?Sized> {
    reader: &'a mut R,
    buf: &'a mut [u8],
    filled: usize,
}

impl<R: AsyncRead + Unpin + ?Sized> Future for ReadExact<'_, R> {
    type Output = io::Result<usize>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let me = self.get_mut();
        ready!(poll_read_exact(
            Pin::new(&mut *me.reader),
            cx,
            me.buf,
            &mut me.filled
        ))?;
        Poll::Ready(Ok(me.buf.len()))
    }
}

/// Fills `buf[*filled..]`, looping while the reader makes progress.
/// `Ok(0)` before the end is `UnexpectedEof`; `Interrupted` is retried.
pub(crate) fn poll_read_exact<R: AsyncRead + ?Sized>(
    mut reader: Pin<&mut R>,
    cx: &mut Context<'_>,
    buf: &mut [u8],
    filled: &mut usize,
) -> Poll<io::Result<()>> {
    while *filled < buf.len() {
        match ready!(reader.as_mut().poll_read(cx, &mut buf[*filled..])) {
            Ok(0) => {
                return Poll::Ready(Err(io::Error::new(
                    io::ErrorKind::UnexpectedEof,
                    "early eof",
                )))
            }
            Ok(n) => *filled += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Poll::Ready(Err(e)),
        }
    }
    Poll::Ready(Ok(()))
}

/// Future for [`AsyncReadExt::read_buf`] (named so as not to be confused with
/// tokio's `io::ReadBuf` buffer type).
#[derive(Debug)]
#[must_use = "futures do nothing unless you `.await` or poll them"]
pub struct ReadBufVec<'a, R: ?Sized> {
    reader: &'a mut R,
    buf: &'a mut Vec<u8>,
}

impl<R: AsyncRead + Unpin + ?Sized> Future for ReadBufVec<'_, R> {
    type Output = io::Result<usize>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let me = self.get_mut();
        let buf = &mut *me.buf;
        if buf.len() == buf.capacity() {
            buf.reserve(READ_BUF_RESERVE);
        }
        let len = buf.len();
        let spare = (buf.capacity() - len).min(READ_BUF_MAX);
        buf.resize(len + spare, 0);
        let res = Pin::new(&mut *me.reader).poll_read(cx, &mut buf[len..]);
        let n = match &res {
            Poll::Ready(Ok(n)) => (*n).min(spare),
            _ => 0,
        };
        buf.truncate(len + n);
        res
    }
}

#[cfg(test)]
mod tests {
    use super::AsyncReadExt;
    use crate::io::test_support::Chunked;
    use crate::test_util::block_on;
    use std::io::ErrorKind;

    #[test]
    fn read_exact_unexpected_eof_on_short_input() {
        block_on(async {
            let mut r = Chunked::new(&[b"ab", b"c"]);
            let mut buf = [0u8; 4];
            let err = r.read_exact(&mut buf).await.unwrap_err();
            assert_eq!(err.kind(), ErrorKind::UnexpectedEof);
        });
    }

    #[test]
    fn read_exact_across_chunks_and_pending() {
        block_on(async {
            let mut r = Chunked::new(&[b"ab", b"cd", b"ef"]).with_pending();
            let mut buf = [0u8; 5];
            assert_eq!(r.read_exact(&mut buf).await.unwrap(), 5);
            assert_eq!(&buf, b"abcde");
            let mut rest = [0u8; 8];
            assert_eq!(r.read(&mut rest).await.unwrap(), 1);
            assert_eq!(rest[0], b'f');
            assert_eq!(r.read(&mut rest).await.unwrap(), 0);
        });
    }

    #[test]
    fn read_exact_loops_within_one_poll() {
        let mut r = Chunked::new(&[b"a", b"b", b"c"]);
        let mut buf = [0u8; 3];
        let mut fut = r.read_exact(&mut buf);
        let out = crate::test_util::poll_once(std::pin::Pin::new(&mut fut));
        assert!(matches!(out, std::task::Poll::Ready(Ok(3))));
    }

    #[test]
    fn read_buf_appends_into_spare_capacity() {
        block_on(async {
            let mut r = Chunked::new(&[b"hello", b" world"]);
            let mut buf = b"> ".to_vec();
            buf.shrink_to_fit();
            assert_eq!(r.read_buf(&mut buf).await.unwrap(), 5);
            assert_eq!(r.read_buf(&mut buf).await.unwrap(), 6);
            assert_eq!(r.read_buf(&mut buf).await.unwrap(), 0);
            assert_eq!(buf, b"> hello world");
        });
    }

    #[test]
    fn take_limits_the_reader() {
        block_on(async {
            let mut r = (&b"abcdef"[..]).take(4);
            let mut s = String::new();
            r.read_to_string(&mut s).await.unwrap();
            assert_eq!(s, "abcd");
            assert_eq!(r.limit(), 0);
        });
    }
}
