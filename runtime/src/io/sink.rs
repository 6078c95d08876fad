//! [`sink`]: a writer that discards everything.

use futures_io::AsyncWrite;
use std::io::{self, IoSlice};
use std::pin::Pin;
use std::task::{Context, Poll};

/// A writer that accepts and discards all data, as tokio's `Sink`.
#[derive(Debug, Clone, Copy, Default)]
pub struct Sink {
    _priv: (),
}

/// Creates a writer that accepts and discards all data, as tokio's `sink`.
pub fn sink() -> Sink {
    Sink { _priv: () }
}

impl AsyncWrite for Sink {
    fn poll_write(
        self: Pin<&mut Self>,
        _: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Poll::Ready(Ok(buf.len()))
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        _: &mut Context<'_>,
        bufs: &[IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Poll::Ready(Ok(bufs.iter().map(|b| b.len()).sum()))
    }

    fn poll_flush(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }

    fn poll_close(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }
}

#[cfg(test)]
mod tests {
    use crate::io::{copy, empty, repeat, sink, AsyncReadExt, AsyncWriteExt};
    use crate::test_util::block_on;

    #[test]
    fn empty_sink_repeat() {
        block_on(async {
            let mut buf = Vec::new();
            assert_eq!(empty().read_to_end(&mut buf).await.unwrap(), 0);
            let mut s = sink();
            s.write_all(b"gone").await.unwrap();
            let mut r = repeat(b'z').take(20_000);
            assert_eq!(copy(&mut r, &mut s).await.unwrap(), 20_000);
            let mut five = [0u8; 5];
            repeat(7).read_exact(&mut five).await.unwrap();
            assert_eq!(five, [7; 5]);
        });
    }
}
