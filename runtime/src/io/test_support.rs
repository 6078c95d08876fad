//! Mock readers and writers for the io unit tests.

use futures_io::{AsyncRead, AsyncWrite};
use std::collections::VecDeque;
use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};

/// A reader that serves its data in the given chunks (one `poll_read` never
/// crosses a chunk), optionally returning `Pending` (after waking itself)
/// before each chunk.
pub(crate) struct Chunked {
    chunks: VecDeque<Vec<u8>>,
    pending: bool,
    pending_now: bool,
    pub(crate) reads: usize,
}

impl Chunked {
    pub(crate) fn new(chunks: &[&[u8]]) -> Self {
        Self {
            chunks: chunks.iter().map(|c| c.to_vec()).collect(),
            pending: false,
            pending_now: false,
            reads: 0,
        }
    }

    /// One byte per read.
    pub(crate) fn bytewise(data: &[u8]) -> Self {
        let chunks: Vec<&[u8]> = data.chunks(1).collect();
        Self::new(&chunks)
    }

    pub(crate) fn with_pending(mut self) -> Self {
        self.pending = true;
        self.pending_now = true;
        self
    }
}

impl AsyncRead for Chunked {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut [u8],
    ) -> Poll<io::Result<usize>> {
        if self.pending_now {
            self.pending_now = false;
            cx.waker().wake_by_ref();
            return Poll::Pending;
        }
        self.reads += 1;
        let Some(chunk) = self.chunks.front_mut() else {
            return Poll::Ready(Ok(0));
        };
        let n = chunk.len().min(buf.len());
        buf[..n].copy_from_slice(&chunk[..n]);
        chunk.drain(..n);
        if chunk.is_empty() {
            self.chunks.pop_front();
            self.pending_now = self.pending;
        }
        Poll::Ready(Ok(n))
    }
}

/// A writer that accepts at most `max` bytes per write, returning `Pending`
/// (after waking itself) every other call when `pending` is set.
#[derive(Default)]
pub(crate) struct Trickle {
    pub(crate) data: Vec<u8>,
    pub(crate) max: usize,
    pub(crate) pending: bool,
    flip: bool,
    pub(crate) writes: usize,
    pub(crate) flushes: usize,
    pub(crate) closed: bool,
}

impl Trickle {
    pub(crate) fn new(max: usize, pending: bool) -> Self {
        Self {
            max,
            pending,
            ..Self::default()
        }
    }

    fn maybe_pending(&mut self, cx: &mut Context<'_>) -> bool {
        if self.pending {
            self.flip = !self.flip;
            if self.flip {
                cx.waker().wake_by_ref();
                return true;
            }
        }
        false
    }
}

impl AsyncWrite for Trickle {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        if self.maybe_pending(cx) {
            return Poll::Pending;
        }
        assert!(!self.closed, "write after close");
        self.writes += 1;
        let n = buf.len().min(self.max);
        self.data.extend_from_slice(&buf[..n]);
        Poll::Ready(Ok(n))
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        if self.maybe_pending(cx) {
            return Poll::Pending;
        }
        self.flushes += 1;
        Poll::Ready(Ok(()))
    }

    fn poll_close(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        if self.maybe_pending(cx) {
            return Poll::Pending;
        }
        self.closed = true;
        Poll::Ready(Ok(()))
    }
}
