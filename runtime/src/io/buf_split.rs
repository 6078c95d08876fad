//! [`Split`]: the segments of an [`AsyncBufRead`] separated by a byte, from
//! [`AsyncBufReadExt::split`](super::AsyncBufReadExt::split).

use super::buf_read_ext::read_until_internal;
use futures_core::Stream;
use futures_io::AsyncBufRead;
use pin_project_lite::pin_project;
use std::future::Future;
use std::io;
use std::pin::Pin;
use std::task::{ready, Context, Poll};

pin_project! {
    /// The segments of a reader separated by a delimiter byte, without it.
    ///
    /// Read them with [`next_segment`](Split::next_segment) (as in tokio), with
    /// [`poll_next_segment`](Split::poll_next_segment), or as a
    /// [`Stream`](futures_core::Stream) of `io::Result<Vec<u8>>`.
    #[derive(Debug)]
    #[must_use = "streams do nothing unless polled"]
    pub struct Split<R> {
        #[pin]
        reader: R,
        buf: Vec<u8>,
        delimiter: u8,
        read: usize,
    }
}

impl<R> Split<R> {
    pub(crate) fn new(reader: R, delimiter: u8) -> Self {
        Self {
            reader,
            buf: Vec::new(),
            delimiter,
            read: 0,
        }
    }

    /// The underlying reader.
    pub fn get_ref(&self) -> &R {
        &self.reader
    }

    /// The underlying reader, mutably.
    pub fn get_mut(&mut self) -> &mut R {
        &mut self.reader
    }

    /// Unwraps the underlying reader; a partial segment already read is lost.
    pub fn into_inner(self) -> R {
        self.reader
    }
}

impl<R: AsyncBufRead> Split<R> {
    /// Returns the next segment without its delimiter, `None` at EOF (the
    /// last segment may lack a delimiter).
    ///
    /// Cancel safe: a partial segment read before the future is dropped is
    /// kept and completed by the next call.
    pub fn next_segment(&mut self) -> NextSegment<'_, R>
    where
        R: Unpin,
    {
        NextSegment { split: self }
    }

    /// Polls for the next segment; see [`next_segment`](Self::next_segment).
    pub fn poll_next_segment(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<io::Result<Option<Vec<u8>>>> {
        let me = self.project();
        let n = ready!(read_until_internal(
            me.reader,
            cx,
            *me.delimiter,
            me.buf,
            me.read
        ))?;
        if n == 0 && me.buf.is_empty() {
            return Poll::Ready(Ok(None));
        }
        if me.buf.last() == Some(me.delimiter) {
            me.buf.pop();
        }
        let segment = me.buf.as_slice().to_vec();
        me.buf.clear();
        Poll::Ready(Ok(Some(segment)))
    }
}

impl<R: AsyncBufRead> Stream for Split<R> {
    type Item = io::Result<Vec<u8>>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.poll_next_segment(cx).map(Result::transpose)
    }
}

/// Future for [`Split::next_segment`].
#[derive(Debug)]
#[must_use = "futures do nothing unless you `.await` or poll them"]
pub struct NextSegment<'a, R> {
    split: &'a mut Split<R>,
}

impl<R: AsyncBufRead + Unpin> Future for NextSegment<'_, R> {
    type Output = io::Result<Option<Vec<u8>>>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        Pin::new(&mut *self.get_mut().split).poll_next_segment(cx)
    }
}

#[cfg(test)]
mod tests {
    use crate::io::test_support::Chunked;
    use crate::io::{AsyncBufReadExt, BufReader};
    use crate::test_util::block_on;

    #[test]
    fn segments_across_reads() {
        block_on(async {
            let r = Chunked::new(&[b"a,b", b"b,", b",c"]).with_pending();
            let mut split = BufReader::with_capacity(2, r).split(b',');
            let mut got = Vec::new();
            while let Some(seg) = split.next_segment().await.unwrap() {
                got.push(seg);
            }
            assert_eq!(got, [&b"a"[..], b"bb", b"", b"c"]);
        });
    }
}
