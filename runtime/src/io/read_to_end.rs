//! The futures behind [`AsyncReadExt::read_to_end`] and
//! [`AsyncReadExt::read_to_string`].
//!
//! [`AsyncReadExt::read_to_end`]: super::AsyncReadExt::read_to_end
//! [`AsyncReadExt::read_to_string`]: super::AsyncReadExt::read_to_string

use futures_io::AsyncRead;
use std::future::Future;
use std::io;
use std::mem;
use std::pin::Pin;
use std::task::{ready, Context, Poll};

/// The least spare capacity worth a read; below it the vector grows.
const MIN_SPARE: usize = 32;
/// The most zero-filled at once: bounds the cost of re-initialising spare
/// capacity after each `Pending`, and of a reader that returns small reads.
const MAX_CHUNK: usize = 64 * 1024;

/// Reads until EOF, appending to `buf`. Whatever was read stays in `buf`,
/// whether this returns `Ready` (with or without an error) or `Pending`.
///
/// Spare capacity is zero-filled before being read into (there is no
/// `unsafe` here); within one poll each byte is zero-filled at most once.
pub(crate) fn poll_read_to_end<R: AsyncRead + ?Sized>(
    mut reader: Pin<&mut R>,
    cx: &mut Context<'_>,
    buf: &mut Vec<u8>,
) -> Poll<io::Result<()>> {
    let mut filled = buf.len();
    let res = loop {
        if filled == buf.len() {
            if buf.capacity() - filled < MIN_SPARE {
                buf.reserve(MIN_SPARE);
            }
            let chunk = (buf.capacity() - filled).min(MAX_CHUNK);
            buf.resize(filled + chunk, 0);
        }
        match reader.as_mut().poll_read(cx, &mut buf[filled..]) {
            Poll::Ready(Ok(0)) => break Poll::Ready(Ok(())),
            Poll::Ready(Ok(n)) => filled = (filled + n).min(buf.len()),
            Poll::Ready(Err(e)) if e.kind() == io::ErrorKind::Interrupted => {}
            Poll::Ready(Err(e)) => break Poll::Ready(Err(e)),
            Poll::Pending => break Poll::Pending,
        }
    };
    buf.truncate(filled);
    res
}

/// Future for [`AsyncReadExt::read_to_end`](super::AsyncReadExt::read_to_end).
#[derive(Debug)]
#[must_use = "futures do nothing unless you `.await` or poll them"]
pub struct ReadToEnd<'a, R: ?Sized> {
    reader: &'a mut R,
    buf: &'a mut Vec<u8>,
    start_len: usize,
}

impl<'a, R: ?Sized> ReadToEnd<'a, R> {
    pub(crate) fn new(reader: &'a mut R, buf: &'a mut Vec<u8>) -> Self {
        let start_len = buf.len();
        Self {
            reader,
            buf,
            start_len,
        }
    }
}

impl<R: AsyncRead + Unpin + ?Sized> Future for ReadToEnd<'_, R> {
    type Output = io::Result<usize>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let me = self.get_mut();
        ready!(poll_read_to_end(Pin::new(&mut *me.reader), cx, me.buf))?;
        Poll::Ready(Ok(me.buf.len() - me.start_len))
    }
}

/// Future for [`AsyncReadExt::read_to_string`](super::AsyncReadExt::read_to_string).
///
/// The string's allocation is moved into the future while reading; it is put
/// back on completion, and on drop (with its original contents) if the future
/// is cancelled.
#[derive(Debug)]
#[must_use = "futures do nothing unless you `.await` or poll them"]
pub struct ReadToString<'a, R: ?Sized> {
    reader: &'a mut R,
    output: &'a mut String,
    buf: Vec<u8>,
    original_len: usize,
    done: bool,
}

impl<'a, R: ?Sized> ReadToString<'a, R> {
    pub(crate) fn new(reader: &'a mut R, output: &'a mut String) -> Self {
        let buf = mem::take(output).into_bytes();
        let original_len = buf.len();
        Self {
            reader,
            output,
            buf,
            original_len,
            done: false,
        }
    }

    /// Puts `buf[..original_len]`, which is the original string, back.
    fn restore_original(&mut self) {
        let mut bytes = mem::take(&mut self.buf);
        bytes.truncate(self.original_len);
        *self.output = String::from_utf8(bytes).unwrap_or_default();
    }
}

impl<R: AsyncRead + Unpin + ?Sized> Future for ReadToString<'_, R> {
    type Output = io::Result<usize>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let me = self.get_mut();
        assert!(!me.done, "ReadToString polled after completion");
        let res = ready!(poll_read_to_end(Pin::new(&mut *me.reader), cx, &mut me.buf));
        me.done = true;
        let read = me.buf.len() - me.original_len;
        if let Err(e) = res {
            me.restore_original();
            return Poll::Ready(Err(e));
        }
        match String::from_utf8(mem::take(&mut me.buf)) {
            Ok(s) => {
                *me.output = s;
                Poll::Ready(Ok(read))
            }
            Err(e) => {
                let utf8_error = e.utf8_error();
                me.buf = e.into_bytes();
                me.restore_original();
                Poll::Ready(Err(io::Error::new(io::ErrorKind::InvalidData, utf8_error)))
            }
        }
    }
}

impl<R: ?Sized> Drop for ReadToString<'_, R> {
    fn drop(&mut self) {
        if !self.done {
            self.restore_original();
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::io::test_support::Chunked;
    use crate::io::AsyncReadExt;
    use crate::test_util::{block_on, poll_once};
    use std::io::ErrorKind;
    use std::pin::pin;

    #[test]
    fn read_to_end_appends_and_counts() {
        block_on(async {
            let big: Vec<u8> = (0..200_000u32).map(|i| i as u8).collect();
            let chunks: Vec<&[u8]> = big.chunks(7_000).collect();
            let mut r = Chunked::new(&chunks).with_pending();
            let mut out = b"xy".to_vec();
            assert_eq!(r.read_to_end(&mut out).await.unwrap(), big.len());
            assert_eq!(&out[..2], b"xy");
            assert_eq!(&out[2..], &big[..]);
        });
    }

    #[test]
    fn read_to_string_invalid_utf8_leaves_string_unchanged() {
        block_on(async {
            let mut r = Chunked::new(&[b"ok ", b"\xff\xfe bad"]);
            let mut s = String::from("before");
            let err = r.read_to_string(&mut s).await.unwrap_err();
            assert_eq!(err.kind(), ErrorKind::InvalidData);
            assert_eq!(s, "before");
        });
    }

    #[test]
    fn read_to_string_valid_multibyte_split_across_reads() {
        block_on(async {
            let text = "héllo wörld ✓";
            let mut r = Chunked::bytewise(text.as_bytes()).with_pending();
            let mut s = String::from(">");
            let n = r.read_to_string(&mut s).await.unwrap();
            assert_eq!(n, text.len());
            assert_eq!(s, format!(">{text}"));
        });
    }

    #[test]
    fn read_to_string_cancelled_keeps_original() {
        let mut r = Chunked::new(&[b"abc", b"def"]).with_pending();
        let mut s = String::from("orig");
        {
            let mut fut = pin!(r.read_to_string(&mut s));
            assert!(poll_once(fut.as_mut()).is_pending());
            assert!(poll_once(fut.as_mut()).is_pending()); // "abc" read, then Pending
        }
        assert_eq!(s, "orig");
    }
}
