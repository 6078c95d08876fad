//! Reads across the two read-buffer types: tokio's [`ReadBuf`] and hyper's
//! [`ReadBufCursor`], both views of possibly uninitialised memory.
//!
//! Bridging them without zeroing or copying needs `unsafe` on both sides
//! (each exposes its unfilled part only as `&mut [MaybeUninit<u8>]` behind
//! an `unsafe` accessor), so it lives here, next to [`read_buf`](super::read_buf).
//! `mini_rt::hyper::Io` calls these functions and is itself safe code.

use hyper::rt::ReadBufCursor;
use std::io;
use std::pin::Pin;
use std::task::{ready, Context, Poll};
use tokio::io::{AsyncRead, ReadBuf};

/// Polls the tokio reader `io` to read into hyper's `cursor`, straight into
/// the cursor's memory; on success the bytes read are marked filled.
#[inline]
pub(crate) fn poll_read_to_cursor<T: AsyncRead + ?Sized>(
    io: Pin<&mut T>,
    cx: &mut Context<'_>,
    mut cursor: ReadBufCursor<'_>,
) -> Poll<io::Result<()>> {
    let n = {
        // SAFETY: `as_mut` requires that no initialised byte be made
        // uninitialised. The slice only reaches a tokio `ReadBuf`, whose safe
        // API never de-initialises memory (its own `unfilled_mut` carries the
        // same obligation for whoever calls it).
        let mut buf = ReadBuf::uninit(unsafe { cursor.as_mut() });
        let start = buf.filled().as_ptr();
        ready!(io.poll_read(cx, &mut buf))?;
        // A reader may replace `*buf` with a `ReadBuf` over other memory;
        // its filled count would then say nothing about ours.
        assert_eq!(
            start,
            buf.filled().as_ptr(),
            "AsyncRead::poll_read replaced the ReadBuf it was given"
        );
        buf.filled().len()
    };
    // SAFETY: the reader filled, hence initialised, the first `n` bytes of
    // the cursor's unfilled part (the assertion above rules out that the
    // count refers to another buffer).
    unsafe { cursor.advance(n) };
    Poll::Ready(Ok(()))
}

/// Polls the hyper reader `io` to read into tokio's `buf`, straight into its
/// unfilled part; on success the bytes read are marked initialised and filled.
#[inline]
pub(crate) fn poll_read_to_read_buf<T: hyper::rt::Read + ?Sized>(
    io: Pin<&mut T>,
    cx: &mut Context<'_>,
    buf: &mut ReadBuf<'_>,
) -> Poll<io::Result<()>> {
    let n = {
        // SAFETY: `unfilled_mut` requires that no initialised byte be made
        // uninitialised. The slice only reaches a hyper `ReadBuf`, whose
        // safe API never de-initialises memory.
        let mut inner = hyper::rt::ReadBuf::uninit(unsafe { buf.unfilled_mut() });
        ready!(io.poll_read(cx, inner.unfilled()))?;
        // A `ReadBufCursor` cannot be pointed at other memory, so this is
        // the count of bytes written at the start of `buf`'s unfilled part.
        inner.filled().len()
    };
    // SAFETY: the hyper reader filled, hence initialised, the first `n`
    // bytes of `buf`'s unfilled part.
    unsafe { buf.assume_init(n) };
    buf.advance(n);
    Poll::Ready(Ok(()))
}
