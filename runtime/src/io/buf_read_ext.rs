//! [`AsyncBufReadExt`]: tokio's buffered-reading methods over
//! [`futures_io::AsyncBufRead`].

use super::buf_split::Split;
use super::lines::Lines;
use futures_io::AsyncBufRead;
use std::future::Future;
use std::io;
use std::mem;
use std::pin::Pin;
use std::task::{ready, Context, Poll};

/// Buffered-reading utilities for every [`AsyncBufRead`] (such as a
/// [`BufReader`](super::BufReader)), with tokio's names and semantics.
pub trait AsyncBufReadExt: AsyncBufRead {
    /// Reads until `byte` or EOF, appending everything read (the delimiter
    /// included) to `buf`; returns the number of bytes read, 0 at EOF.
    ///
    /// Cancel safe as tokio documents it: if the future is dropped, the bytes
    /// read so far are already in `buf`, and calling `read_until` again
    /// continues the same segment (its count starts again from 0).
    fn read_until<'a>(&'a mut self, byte: u8, buf: &'a mut Vec<u8>) -> ReadUntil<'a, Self>
    where
        Self: Unpin,
    {
        ReadUntil {
            reader: self,
            delimiter: byte,
            buf,
            read: 0,
        }
    }

    /// Reads a line (up to and including `\n`, or to EOF) and appends it to
    /// `buf`; returns the number of bytes read, 0 at EOF.
    ///
    /// If the line is not valid UTF-8, fails with
    /// [`ErrorKind::InvalidData`](io::ErrorKind::InvalidData) and leaves `buf`
    /// unchanged (the line is consumed). On an IO error, whatever was read
    /// stays in `buf`, as in tokio.
    ///
    /// Cancel safety: better than tokio's (which empties `buf`). If the
    /// future is dropped, the bytes read so far are appended to `buf`, and
    /// calling `read_line` again continues the line, like
    /// [`read_until`](Self::read_until). The one exception: bytes that cannot
    /// be part of a `String` (a multi-byte character split by the
    /// cancellation, or invalid UTF-8) are dropped.
    fn read_line<'a>(&'a mut self, buf: &'a mut String) -> ReadLine<'a, Self>
    where
        Self: Unpin,
    {
        let bytes = mem::take(buf).into_bytes();
        ReadLine {
            reader: self,
            original_len: bytes.len(),
            bytes,
            output: buf,
            read: 0,
            done: false,
        }
    }

    /// Turns the reader into a [`Lines`], whose
    /// [`next_line`](Lines::next_line) yields the lines without their `\n`
    /// or `\r\n`.
    fn lines(self) -> Lines<Self>
    where
        Self: Sized,
    {
        Lines::new(self)
    }

    /// Turns the reader into a [`Split`], whose
    /// [`next_segment`](Split::next_segment) yields the segments separated by
    /// `byte`, without it.
    fn split(self, byte: u8) -> Split<Self>
    where
        Self: Sized,
    {
        Split::new(self, byte)
    }

    /// Returns the buffered data, reading more if the buffer is empty; an
    /// empty slice means EOF. Call [`consume`](Self::consume) afterwards.
    /// Cancel safe.
    fn fill_buf(&mut self) -> FillBuf<'_, Self>
    where
        Self: Unpin,
    {
        FillBuf { reader: Some(self) }
    }

    /// Marks `amt` bytes of the buffer returned by
    /// [`fill_buf`](Self::fill_buf) as read.
    fn consume(&mut self, amt: usize)
    where
        Self: Unpin,
    {
        Pin::new(self).consume(amt)
    }
}

impl<R: AsyncBufRead + ?Sized> AsyncBufReadExt for R {}

/// Appends to `buf` up to and including `delimiter` or EOF, counting the bytes
/// in `read`; returns (and resets) the count once done. Everything appended
/// has been consumed from the reader, so this is cancel safe.
pub(crate) fn read_until_internal<R: AsyncBufRead + ?Sized>(
    mut reader: Pin<&mut R>,
    cx: &mut Context<'_>,
    delimiter: u8,
    buf: &mut Vec<u8>,
    read: &mut usize,
) -> Poll<io::Result<usize>> {
    loop {
        let (done, used) = {
            let available = match ready!(reader.as_mut().poll_fill_buf(cx)) {
                Ok(available) => available,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Poll::Ready(Err(e)),
            };
            match available.iter().position(|&b| b == delimiter) {
                Some(i) => {
                    buf.extend_from_slice(&available[..=i]);
                    (true, i + 1)
                }
                None => {
                    buf.extend_from_slice(available);
                    (false, available.len())
                }
            }
        };
        reader.as_mut().consume(used);
        *read += used;
        if done || used == 0 {
            return Poll::Ready(Ok(mem::replace(read, 0)));
        }
    }
}

/// Future for [`AsyncBufReadExt::read_until`].
#[derive(Debug)]
#[must_use = "futures do nothing unless you `.await` or poll them"]
pub struct ReadUntil<'a, R: ?Sized> {
    reader: &'a mut R,
    delimiter: u8,
    buf: &'a mut Vec<u8>,
    read: usize,
}

impl<R: AsyncBufRead + Unpin + ?Sized> Future for ReadUntil<'_, R> {
    type Output = io::Result<usize>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let me = self.get_mut();
        read_until_internal(
            Pin::new(&mut *me.reader),
            cx,
            me.delimiter,
            me.buf,
            &mut me.read,
        )
    }
}

/// Future for [`AsyncBufReadExt::read_line`].
///
/// The string's bytes are moved into the future while reading and put back
/// on completion or drop.
#[derive(Debug)]
#[must_use = "futures do nothing unless you `.await` or poll them"]
pub struct ReadLine<'a, R: ?Sized> {
    reader: &'a mut R,
    output: &'a mut String,
    bytes: Vec<u8>,
    original_len: usize,
    read: usize,
    done: bool,
}

impl<R: ?Sized> ReadLine<'_, R> {
    /// Puts the longest valid UTF-8 prefix of `bytes` (at least the original
    /// string) back into `output`.
    fn put_back_valid_prefix(&mut self) {
        let bytes = mem::take(&mut self.bytes);
        *self.output = match String::from_utf8(bytes) {
            Ok(s) => s,
            Err(e) => {
                let valid = e.utf8_error().valid_up_to().max(self.original_len);
                let mut bytes = e.into_bytes();
                bytes.truncate(valid);
                String::from_utf8(bytes).unwrap_or_default()
            }
        };
    }
}

impl<R: AsyncBufRead + Unpin + ?Sized> Future for ReadLine<'_, R> {
    type Output = io::Result<usize>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let me = self.get_mut();
        assert!(!me.done, "ReadLine polled after completion");
        let reader = Pin::new(&mut *me.reader);
        let res = ready!(read_until_internal(
            reader,
            cx,
            b'\n',
            &mut me.bytes,
            &mut me.read
        ));
        me.done = true;
        match std::str::from_utf8(&me.bytes[me.original_len..]) {
            Ok(_) => me.put_back_valid_prefix(),
            Err(e) => {
                me.bytes.truncate(me.original_len);
                me.put_back_valid_prefix();
                if res.is_ok() {
                    return Poll::Ready(Err(io::Error::new(io::ErrorKind::InvalidData, e)));
                }
            }
        }
        Poll::Ready(res)
    }
}

impl<R: ?Sized> Drop for ReadLine<'_, R> {
    fn drop(&mut self) {
        if !self.done {
            self.put_back_valid_prefix();
        }
    }
}

/// Future for [`AsyncBufReadExt::fill_buf`].
#[derive(Debug)]
#[must_use = "futures do nothing unless you `.await` or poll them"]
pub struct FillBuf<'a, R: ?Sized> {
    reader: Option<&'a mut R>,
}

impl<'a, R: AsyncBufRead + Unpin + ?Sized> Future for FillBuf<'a, R> {
    type Output = io::Result<&'a [u8]>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let reader = self.reader.take().expect("FillBuf polled after completion");
        // Without `unsafe`, today's borrow checker cannot return a slice
        // borrowed for 'a from one branch and keep the reader in another, so
        // poll twice as futures-util does: once ready, poll_fill_buf returns
        // the buffered data again without IO.
        match Pin::new(&mut *reader).poll_fill_buf(cx) {
            Poll::Ready(Ok(_)) => {}
            Poll::Ready(Err(e)) => return Poll::Ready(Err(e)),
            Poll::Pending => {
                self.reader = Some(reader);
                return Poll::Pending;
            }
        }
        match Pin::new(reader).poll_fill_buf(cx) {
            Poll::Ready(res) => Poll::Ready(res),
            Poll::Pending => Poll::Ready(Err(io::Error::other(
                "AsyncBufRead::poll_fill_buf was ready, then pending",
            ))),
        }
    }
}
