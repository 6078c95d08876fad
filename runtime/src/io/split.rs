//! [`split`]: one stream, two owned halves usable from different tasks or
//! threads.

use futures_io::{AsyncRead, AsyncWrite};
use parking_lot::Mutex;
use std::fmt;
use std::io::{self, IoSlice, IoSliceMut};
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

/// Splits a stream into a reading half and a writing half, as tokio's
/// `split`; [`ReadHalf::unsplit`] puts them back together.
///
/// The stream lives in an `Arc<Mutex<Pin<Box<T>>>>` (no `unsafe`); each
/// poll locks it for the duration of one `poll_*` call of `T`. The halves are
/// `Send + Sync` when `T: Send`. For a type that can split itself without a
/// lock (as the sockets of `mini_rt::net` do), prefer its own `split` or
/// `into_split`.
///
/// `T`'s poll methods run with the lock held, so a `T` whose waker, when
/// woken, polls the other half synchronously on the same thread would
/// deadlock; executors (mini_rt's included) only schedule on wake.
pub fn split<T>(stream: T) -> (ReadHalf<T>, WriteHalf<T>)
where
    T: AsyncRead + AsyncWrite,
{
    let inner = Arc::new(Mutex::new(Box::pin(stream)));
    (
        ReadHalf {
            inner: Arc::clone(&inner),
        },
        WriteHalf { inner },
    )
}

/// The reading half of a stream split by [`split`].
pub struct ReadHalf<T> {
    inner: Arc<Mutex<Pin<Box<T>>>>,
}

/// The writing half of a stream split by [`split`].
pub struct WriteHalf<T> {
    inner: Arc<Mutex<Pin<Box<T>>>>,
}

impl<T> ReadHalf<T> {
    /// Whether `other` is the other half of the same stream.
    pub fn is_pair_of(&self, other: &WriteHalf<T>) -> bool {
        Arc::ptr_eq(&self.inner, &other.inner)
    }

    /// Reunites the halves into the original stream.
    ///
    /// # Panics
    /// If `wr` is not the other half of the same stream.
    pub fn unsplit(self, wr: WriteHalf<T>) -> T
    where
        T: Unpin,
    {
        assert!(
            self.is_pair_of(&wr),
            "unrelated `split::WriteHalf` passed to `split::ReadHalf::unsplit`"
        );
        drop(wr);
        let mutex = Arc::into_inner(self.inner).expect("the two halves are the only owners");
        *Pin::into_inner(mutex.into_inner())
    }
}

impl<T> WriteHalf<T> {
    /// Whether `other` is the other half of the same stream.
    pub fn is_pair_of(&self, other: &ReadHalf<T>) -> bool {
        other.is_pair_of(self)
    }
}

impl<T: AsyncRead> AsyncRead for ReadHalf<T> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut [u8],
    ) -> Poll<io::Result<usize>> {
        self.inner.lock().as_mut().poll_read(cx, buf)
    }

    fn poll_read_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &mut [IoSliceMut<'_>],
    ) -> Poll<io::Result<usize>> {
        self.inner.lock().as_mut().poll_read_vectored(cx, bufs)
    }
}

impl<T: AsyncWrite> AsyncWrite for WriteHalf<T> {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        self.inner.lock().as_mut().poll_write(cx, buf)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        self.inner.lock().as_mut().poll_write_vectored(cx, bufs)
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.inner.lock().as_mut().poll_flush(cx)
    }

    fn poll_close(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.inner.lock().as_mut().poll_close(cx)
    }
}

impl<T> fmt::Debug for ReadHalf<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("split::ReadHalf").finish_non_exhaustive()
    }
}

impl<T> fmt::Debug for WriteHalf<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("split::WriteHalf").finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::split;
    use crate::io::{duplex, AsyncReadExt, AsyncWriteExt};
    use crate::test_util::block_on;

    #[test]
    fn halves_are_send_and_sync() {
        fn check<T: Send + Sync>() {}
        check::<super::ReadHalf<crate::io::DuplexStream>>();
        check::<super::WriteHalf<crate::io::DuplexStream>>();
    }

    #[test]
    fn halves_used_from_two_threads() {
        // `peer` echoes back everything it receives; `ours` is split, one
        // half per thread.
        let (ours, mut peer) = duplex(32);
        let (mut rd, mut wr) = split(ours);
        let data: Vec<u8> = (0..100_000u32).map(|i| (i % 241) as u8).collect();
        std::thread::scope(|s| {
            s.spawn(|| {
                block_on(async {
                    let (mut prd, mut pwr) = split(&mut peer);
                    crate::io::copy(&mut prd, &mut pwr).await.unwrap();
                    pwr.shutdown().await.unwrap();
                })
            });
            let writer = s.spawn(|| {
                block_on(async {
                    wr.write_all(&data).await.unwrap();
                    wr.shutdown().await.unwrap();
                })
            });
            let reader = s.spawn(|| {
                block_on(async {
                    let mut got = Vec::new();
                    rd.read_to_end(&mut got).await.unwrap();
                    got
                })
            });
            writer.join().unwrap();
            assert!(reader.join().unwrap() == data);
        });
        let stream = rd.unsplit(wr);
        drop(stream);
    }

    #[test]
    #[should_panic(expected = "unrelated")]
    fn unsplit_unrelated_halves_panics() {
        let (a, b) = duplex(8);
        let (ra, _wa) = split(a);
        let (_rb, wb) = split(b);
        let _ = ra.unsplit(wb);
    }
}
