//! [`duplex`]: an in-memory, full-duplex byte pipe with backpressure.

use futures_io::{AsyncRead, AsyncWrite};
use parking_lot::Mutex;
use std::collections::VecDeque;
use std::io::{self, Read as _, Write as _};
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll, Waker};

/// Creates a pair of connected in-memory streams, as tokio's `duplex`: bytes
/// written to one are read from the other, in each direction independently.
///
/// Each direction buffers at most `max_buf_size` bytes; a writer facing a
/// full buffer waits until the peer reads. When one end is dropped or shut
/// down ([`AsyncWriteExt::shutdown`](super::AsyncWriteExt::shutdown)), the
/// peer reads the remaining data, then EOF. Writing to a peer that was
/// dropped, or after one's own shutdown, fails with
/// [`ErrorKind::BrokenPipe`](io::ErrorKind::BrokenPipe).
///
/// The streams are `Send + Sync`: the two ends may live on different
/// threads (wakers are woken after the lock is released).
///
/// # Panics
/// If `max_buf_size` is 0 (no byte could ever be written).
pub fn duplex(max_buf_size: usize) -> (DuplexStream, DuplexStream) {
    assert!(
        max_buf_size > 0,
        "duplex: max_buf_size must be greater than 0"
    );
    let one = Arc::new(Mutex::new(Pipe::new(max_buf_size)));
    let two = Arc::new(Mutex::new(Pipe::new(max_buf_size)));
    (
        DuplexStream {
            read: Arc::clone(&one),
            write: Arc::clone(&two),
        },
        DuplexStream {
            read: two,
            write: one,
        },
    )
}

/// One end of a [`duplex`] pipe; implements [`AsyncRead`] and
/// [`AsyncWrite`].
#[derive(Debug)]
pub struct DuplexStream {
    read: Arc<Mutex<Pipe>>,
    write: Arc<Mutex<Pipe>>,
}

/// One direction: a bounded byte queue and the wakers waiting on it.
#[derive(Debug)]
struct Pipe {
    buf: VecDeque<u8>,
    max_buf_size: usize,
    /// The writing end shut down or was dropped: the reader gets EOF once
    /// `buf` is drained.
    write_closed: bool,
    /// The reading end was dropped: writes fail.
    read_closed: bool,
    read_waker: Option<Waker>,
    write_waker: Option<Waker>,
}

impl Pipe {
    fn new(max_buf_size: usize) -> Self {
        Self {
            buf: VecDeque::new(),
            max_buf_size,
            write_closed: false,
            read_closed: false,
            read_waker: None,
            write_waker: None,
        }
    }
}

/// Stores the task's waker in `slot`, unless it is already there.
fn register(slot: &mut Option<Waker>, cx: &Context<'_>) {
    match slot {
        Some(w) if w.will_wake(cx.waker()) => {}
        _ => *slot = Some(cx.waker().clone()),
    }
}

fn wake(waker: Option<Waker>) {
    if let Some(w) = waker {
        w.wake();
    }
}

fn broken_pipe() -> io::Error {
    io::Error::new(
        io::ErrorKind::BrokenPipe,
        "duplex: the write side is closed",
    )
}

impl AsyncRead for DuplexStream {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut [u8],
    ) -> Poll<io::Result<usize>> {
        if buf.is_empty() {
            return Poll::Ready(Ok(0));
        }
        let (n, writer) = {
            let mut pipe = self.read.lock();
            if pipe.buf.is_empty() {
                if pipe.write_closed {
                    return Poll::Ready(Ok(0));
                }
                register(&mut pipe.read_waker, cx);
                return Poll::Pending;
            }
            let n = pipe.buf.read(buf)?;
            (n, pipe.write_waker.take())
        };
        wake(writer);
        Poll::Ready(Ok(n))
    }
}

impl AsyncWrite for DuplexStream {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        if buf.is_empty() {
            return Poll::Ready(Ok(0));
        }
        let (n, reader) = {
            let mut pipe = self.write.lock();
            if pipe.write_closed || pipe.read_closed {
                return Poll::Ready(Err(broken_pipe()));
            }
            let room = pipe.max_buf_size.saturating_sub(pipe.buf.len());
            if room == 0 {
                register(&mut pipe.write_waker, cx);
                return Poll::Pending;
            }
            let n = room.min(buf.len());
            pipe.buf.write_all(&buf[..n])?;
            (n, pipe.read_waker.take())
        };
        wake(reader);
        Poll::Ready(Ok(n))
    }

    fn poll_flush(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }

    fn poll_close(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.close_write();
        Poll::Ready(Ok(()))
    }
}

impl DuplexStream {
    /// Marks the outgoing direction closed and wakes the peer's reader.
    fn close_write(&self) {
        let reader = {
            let mut pipe = self.write.lock();
            pipe.write_closed = true;
            pipe.read_waker.take()
        };
        wake(reader);
    }
}

impl Drop for DuplexStream {
    fn drop(&mut self) {
        self.close_write();
        let (writer, _unread) = {
            let mut pipe = self.read.lock();
            pipe.read_closed = true;
            // Nobody will read this data; free it outside the lock.
            (pipe.write_waker.take(), std::mem::take(&mut pipe.buf))
        };
        wake(writer);
    }
}

#[cfg(test)]
mod tests {
    use super::duplex;
    use crate::io::{AsyncReadExt, AsyncWriteExt};
    use crate::test_util::{block_on, poll_once};
    use std::io::ErrorKind;
    use std::pin::pin;

    #[test]
    fn is_send_and_sync() {
        fn check<T: Send + Sync + Unpin>() {}
        check::<super::DuplexStream>();
    }

    #[test]
    fn both_directions_and_eof_on_shutdown_and_drop() {
        block_on(async {
            let (mut a, mut b) = duplex(16);
            a.write_all(b"ping").await.unwrap();
            b.write_all(b"pong").await.unwrap();
            let mut buf = [0u8; 4];
            b.read_exact(&mut buf).await.unwrap();
            assert_eq!(&buf, b"ping");
            a.read_exact(&mut buf).await.unwrap();
            assert_eq!(&buf, b"pong");
            a.write_all(b"bye").await.unwrap();
            a.shutdown().await.unwrap();
            assert_eq!(
                a.write(b"x").await.unwrap_err().kind(),
                ErrorKind::BrokenPipe
            );
            let mut rest = Vec::new();
            b.read_to_end(&mut rest).await.unwrap();
            assert_eq!(rest, b"bye");
            // b can still write to a; once a is gone, writes fail.
            b.write_all(b"late").await.unwrap();
            drop(a);
            assert_eq!(
                b.write(b"x").await.unwrap_err().kind(),
                ErrorKind::BrokenPipe
            );
        });
    }

    #[test]
    fn writer_waits_when_the_buffer_is_full() {
        let (mut a, mut b) = duplex(4);
        assert_eq!(block_on(a.write(b"abcdef")).unwrap(), 4);
        {
            let mut w = pin!(a.write(b"ef"));
            assert!(poll_once(w.as_mut()).is_pending());
        }
        let mut buf = [0u8; 3];
        assert_eq!(block_on(b.read(&mut buf)).unwrap(), 3);
        assert_eq!(block_on(a.write(b"efgh")).unwrap(), 3);
        let mut r = pin!(b.read_exact(&mut buf[..1]));
        assert!(poll_once(r.as_mut()).is_ready());
    }

    #[test]
    fn backpressure_across_threads() {
        let (mut a, mut b) = duplex(64);
        let data: Vec<u8> = (0..1_000_000u32).map(|i| (i % 253) as u8).collect();
        let received = std::thread::scope(|s| {
            let reader = s.spawn(move || {
                block_on(async {
                    let mut got = Vec::new();
                    let mut chunk = [0u8; 100];
                    loop {
                        let n = b.read(&mut chunk).await.unwrap();
                        if n == 0 {
                            break got;
                        }
                        assert!(n <= 64, "never more than max_buf_size in flight");
                        got.extend_from_slice(&chunk[..n]);
                    }
                })
            });
            block_on(async {
                a.write_all(&data).await.unwrap();
                a.shutdown().await.unwrap();
            });
            reader.join().unwrap()
        });
        assert_eq!(received.len(), data.len());
        assert!(received == data);
    }
}
