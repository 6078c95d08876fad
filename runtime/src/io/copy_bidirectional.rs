//! [`copy_bidirectional`]: copies both ways between two streams, as a proxy
//! does.

use super::copy::CopyBuffer;
use super::DEFAULT_BUF_SIZE;
use futures_io::{AsyncRead, AsyncWrite};
use std::future::Future;
use std::io;
use std::pin::Pin;
use std::task::{ready, Context, Poll};

/// Copies data from `a` to `b` and from `b` to `a` at the same time, until
/// both directions reach EOF; returns `(bytes a→b, bytes b→a)`. As tokio's.
///
/// When one direction's reader reaches EOF, the data is flushed and the
/// writer of that direction is shut down (`poll_close`), passing the EOF on
/// while the other direction keeps going. The first error in either
/// direction ends the whole copy. Each direction has an 8 KiB buffer.
pub fn copy_bidirectional<'a, A, B>(a: &'a mut A, b: &'a mut B) -> CopyBidirectional<'a, A, B>
where
    A: AsyncRead + AsyncWrite + Unpin + ?Sized,
    B: AsyncRead + AsyncWrite + Unpin + ?Sized,
{
    copy_bidirectional_with_sizes(a, b, DEFAULT_BUF_SIZE, DEFAULT_BUF_SIZE)
}

/// [`copy_bidirectional`] with the given buffer size for each direction.
///
/// # Panics
/// If a size is 0.
pub fn copy_bidirectional_with_sizes<'a, A, B>(
    a: &'a mut A,
    b: &'a mut B,
    a_to_b_buf_size: usize,
    b_to_a_buf_size: usize,
) -> CopyBidirectional<'a, A, B>
where
    A: AsyncRead + AsyncWrite + Unpin + ?Sized,
    B: AsyncRead + AsyncWrite + Unpin + ?Sized,
{
    CopyBidirectional {
        a,
        b,
        a_to_b: TransferState::Running(CopyBuffer::new(a_to_b_buf_size)),
        b_to_a: TransferState::Running(CopyBuffer::new(b_to_a_buf_size)),
    }
}

#[derive(Debug)]
enum TransferState {
    Running(CopyBuffer),
    ShuttingDown(u64),
    Done(u64),
}

fn transfer_one_direction<R, W>(
    cx: &mut Context<'_>,
    state: &mut TransferState,
    mut r: Pin<&mut R>,
    mut w: Pin<&mut W>,
) -> Poll<io::Result<u64>>
where
    R: AsyncRead + ?Sized,
    W: AsyncWrite + ?Sized,
{
    loop {
        match state {
            TransferState::Running(buf) => {
                let count = ready!(buf.poll_copy(cx, r.as_mut(), w.as_mut()))?;
                *state = TransferState::ShuttingDown(count);
            }
            TransferState::ShuttingDown(count) => {
                ready!(w.as_mut().poll_close(cx))?;
                *state = TransferState::Done(*count);
            }
            TransferState::Done(count) => return Poll::Ready(Ok(*count)),
        }
    }
}

/// Future for [`copy_bidirectional`].
#[derive(Debug)]
#[must_use = "futures do nothing unless you `.await` or poll them"]
pub struct CopyBidirectional<'a, A: ?Sized, B: ?Sized> {
    a: &'a mut A,
    b: &'a mut B,
    a_to_b: TransferState,
    b_to_a: TransferState,
}

impl<A, B> Future for CopyBidirectional<'_, A, B>
where
    A: AsyncRead + AsyncWrite + Unpin + ?Sized,
    B: AsyncRead + AsyncWrite + Unpin + ?Sized,
{
    type Output = io::Result<(u64, u64)>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let me = self.get_mut();
        let a_to_b = transfer_one_direction(
            cx,
            &mut me.a_to_b,
            Pin::new(&mut *me.a),
            Pin::new(&mut *me.b),
        )?;
        let b_to_a = transfer_one_direction(
            cx,
            &mut me.b_to_a,
            Pin::new(&mut *me.b),
            Pin::new(&mut *me.a),
        )?;
        let a_to_b = ready!(a_to_b);
        let b_to_a = ready!(b_to_a);
        Poll::Ready(Ok((a_to_b, b_to_a)))
    }
}

#[cfg(test)]
mod tests {
    use super::copy_bidirectional;
    use crate::io::{duplex, AsyncReadExt, AsyncWriteExt};
    use crate::test_util::block_on;

    /// client_a <-> proxy_a ==copy_bidirectional== proxy_b <-> client_b
    #[test]
    fn copies_both_ways_and_propagates_eof() {
        let (mut client_a, mut proxy_a) = duplex(64);
        let (mut client_b, mut proxy_b) = duplex(64);
        let to_b: Vec<u8> = (0..10_000u32).map(|i| i as u8).collect();
        let to_a: Vec<u8> = (0..3_000u32).map(|i| (i * 7) as u8).collect();
        std::thread::scope(|s| {
            let proxy = s.spawn(|| block_on(copy_bidirectional(&mut proxy_a, &mut proxy_b)));
            let a = s.spawn(|| {
                block_on(async {
                    client_a.write_all(&to_b).await.unwrap();
                    client_a.shutdown().await.unwrap();
                    let mut got = Vec::new();
                    client_a.read_to_end(&mut got).await.unwrap();
                    got
                })
            });
            let b = s.spawn(|| {
                block_on(async {
                    // b sees a's EOF (passed on by the proxy) before it answers.
                    let mut got = Vec::new();
                    client_b.read_to_end(&mut got).await.unwrap();
                    client_b.write_all(&to_a).await.unwrap();
                    client_b.shutdown().await.unwrap();
                    got
                })
            });
            assert_eq!(b.join().unwrap(), to_b);
            assert_eq!(a.join().unwrap(), to_a);
            let (ab, ba) = proxy.join().unwrap().unwrap();
            assert_eq!((ab, ba), (to_b.len() as u64, to_a.len() as u64));
        });
    }
}
