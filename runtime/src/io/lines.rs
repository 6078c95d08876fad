//! [`Lines`]: the lines of an [`AsyncBufRead`], from
//! [`AsyncBufReadExt::lines`](super::AsyncBufReadExt::lines).

use super::buf_read_ext::read_until_internal;
use futures_core::Stream;
use futures_io::AsyncBufRead;
use pin_project_lite::pin_project;
use std::future::Future;
use std::io;
use std::pin::Pin;
use std::task::{ready, Context, Poll};

pin_project! {
    /// The lines of a reader, without their `\n` or `\r\n`.
    ///
    /// Read them with [`next_line`](Lines::next_line) (as in tokio), with
    /// [`poll_next_line`](Lines::poll_next_line), or as a
    /// [`Stream`](futures_core::Stream) of `io::Result<String>`.
    #[derive(Debug)]
    #[must_use = "streams do nothing unless polled"]
    pub struct Lines<R> {
        #[pin]
        reader: R,
        buf: Vec<u8>,
        read: usize,
    }
}

impl<R> Lines<R> {
    pub(crate) fn new(reader: R) -> Self {
        Self {
            reader,
            buf: Vec::new(),
            read: 0,
        }
    }

    /// The underlying reader.
    pub fn get_ref(&self) -> &R {
        &self.reader
    }

    /// The underlying reader, mutably. Reading from it directly skips data
    /// that `Lines` has not seen; a partial line already read stays here.
    pub fn get_mut(&mut self) -> &mut R {
        &mut self.reader
    }

    /// The underlying reader, pinned.
    pub fn get_pin_mut(self: Pin<&mut Self>) -> Pin<&mut R> {
        self.project().reader
    }

    /// Unwraps the underlying reader; a partial line already read is lost.
    pub fn into_inner(self) -> R {
        self.reader
    }
}

impl<R: AsyncBufRead> Lines<R> {
    /// Returns the next line, `None` at EOF.
    ///
    /// The `\n` or `\r\n` that ends the line is stripped; the last line may
    /// lack one. A line that is not valid UTF-8 fails with
    /// [`ErrorKind::InvalidData`](io::ErrorKind::InvalidData) and is skipped.
    ///
    /// Cancel safe: a partial line read before the future is dropped is kept
    /// and completed by the next call.
    pub fn next_line(&mut self) -> NextLine<'_, R>
    where
        R: Unpin,
    {
        NextLine { lines: self }
    }

    /// Polls for the next line; see [`next_line`](Self::next_line).
    pub fn poll_next_line(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<io::Result<Option<String>>> {
        let me = self.project();
        let n = ready!(read_until_internal(me.reader, cx, b'\n', me.buf, me.read))?;
        if n == 0 && me.buf.is_empty() {
            return Poll::Ready(Ok(None));
        }
        if me.buf.last() == Some(&b'\n') {
            me.buf.pop();
            if me.buf.last() == Some(&b'\r') {
                me.buf.pop();
            }
        }
        // Copy into an exact-size String and keep `buf`'s capacity for the
        // next line.
        let line = std::str::from_utf8(me.buf).map(str::to_owned);
        me.buf.clear();
        match line {
            Ok(line) => Poll::Ready(Ok(Some(line))),
            Err(e) => Poll::Ready(Err(io::Error::new(io::ErrorKind::InvalidData, e))),
        }
    }
}

impl<R: AsyncBufRead> Stream for Lines<R> {
    type Item = io::Result<String>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.poll_next_line(cx).map(Result::transpose)
    }
}

/// Future for [`Lines::next_line`].
#[derive(Debug)]
#[must_use = "futures do nothing unless you `.await` or poll them"]
pub struct NextLine<'a, R> {
    lines: &'a mut Lines<R>,
}

impl<R: AsyncBufRead + Unpin> Future for NextLine<'_, R> {
    type Output = io::Result<Option<String>>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        Pin::new(&mut *self.get_mut().lines).poll_next_line(cx)
    }
}

#[cfg(test)]
mod tests {
    use crate::io::test_support::Chunked;
    use crate::io::{AsyncBufReadExt, BufReader};
    use crate::test_util::{block_on, poll_once};
    use std::io::ErrorKind;
    use std::pin::pin;

    #[test]
    fn lines_split_across_reads_and_crlf() {
        block_on(async {
            let r = Chunked::new(&[b"hel", b"lo\r", b"\nwor", b"ld\n\nla", b"st\r"]).with_pending();
            let mut lines = BufReader::new(r).lines();
            let mut got = Vec::new();
            while let Some(line) = lines.next_line().await.unwrap() {
                got.push(line);
            }
            assert_eq!(got, ["hello", "world", "", "last\r"]);
            assert_eq!(lines.next_line().await.unwrap(), None);
        });
    }

    #[test]
    fn lines_invalid_utf8_is_an_error_then_continues() {
        block_on(async {
            let mut lines = BufReader::new(&b"a\n\xff\nb"[..]).lines();
            assert_eq!(lines.next_line().await.unwrap().as_deref(), Some("a"));
            let err = lines.next_line().await.unwrap_err();
            assert_eq!(err.kind(), ErrorKind::InvalidData);
            assert_eq!(lines.next_line().await.unwrap().as_deref(), Some("b"));
        });
    }

    #[test]
    fn next_line_is_cancel_safe() {
        let r = Chunked::new(&[b"par", b"tial\n"]).with_pending();
        let mut lines = BufReader::new(r).lines();
        {
            let mut fut = pin!(lines.next_line());
            assert!(poll_once(fut.as_mut()).is_pending());
            assert!(poll_once(fut.as_mut()).is_pending()); // "par" read
        }
        let line = block_on(lines.next_line()).unwrap();
        assert_eq!(line.as_deref(), Some("partial"));
    }
}
