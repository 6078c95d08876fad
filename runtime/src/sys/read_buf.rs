//! Reads straight into the unfilled part of a tokio [`ReadBuf`] (or a
//! `bytes::BufMut`'s spare capacity), without zeroing it first.
//!
//! `ReadBuf` tracks how much of its memory is initialised, so a read may
//! hand the kernel uninitialised bytes: the kernel writes `n` of them, and
//! only those `n` are then marked initialised and filled. Safe code cannot
//! do this (it would need `&mut [u8]`, i.e. initialised memory), so these
//! functions are the one place where stream reads touch `unsafe`.

use super::syscall;
use bytes::BufMut;
use std::io;
use std::os::fd::{AsRawFd, BorrowedFd, RawFd};
use tokio::io::ReadBuf;

/// `read(2)` from `fd` into `buf`'s unfilled part; on success the bytes read
/// are filled (and initialised) and their count is returned. `Ok(0)` means
/// end of stream, or that `buf` had no room.
#[inline]
pub fn read(fd: BorrowedFd<'_>, buf: &mut ReadBuf<'_>) -> io::Result<usize> {
    read_raw(fd.as_raw_fd(), buf)
}

/// [`read`] from a raw fd: for the reactor's stream reads, which know the
/// fd from the registration (the object holding it is borrowed meanwhile)
/// and so skip a call to its `as_fd`.
#[inline]
pub(crate) fn read_raw(fd: RawFd, buf: &mut ReadBuf<'_>) -> io::Result<usize> {
    fill(buf, |ptr, len| {
        // SAFETY: `ptr` points to `len` writable bytes (the unfilled part of
        // the buffer, borrowed mutably for this call); a stale `fd` would
        // only make the call fail.
        syscall!(read(fd, ptr, len))
    })
}

/// `recv(2)` with `MSG_PEEK` from the socket `fd` into `buf`'s unfilled
/// part: the bytes are filled but stay queued in the socket. Returns their
/// count.
pub fn peek(fd: BorrowedFd<'_>, buf: &mut ReadBuf<'_>) -> io::Result<usize> {
    fill(buf, |ptr, len| {
        // SAFETY: as in `read`: `ptr` and `len` describe the buffer's
        // writable unfilled part, `fd` is a live socket.
        syscall!(recv(fd.as_raw_fd(), ptr, len, libc::MSG_PEEK))
    })
}

/// Runs `op` on a [`ReadBuf`] over `buf`'s next chunk of spare capacity
/// (`BufMut::chunk_mut`, which grows a `Vec` that is full), then advances
/// `buf` past the bytes `op` filled in: the `*_buf` reads of tokio's sockets.
/// The spare capacity is not zeroed first.
pub fn with_buf_mut<B: BufMut + ?Sized, R>(
    buf: &mut B,
    op: impl FnOnce(&mut ReadBuf<'_>) -> io::Result<R>,
) -> io::Result<R> {
    // SAFETY: the memory is only ever written through the `ReadBuf`, which
    // writes initialised bytes, and read back only where it was filled.
    let chunk = unsafe { buf.chunk_mut().as_uninit_slice_mut() };
    let mut read_buf = ReadBuf::uninit(chunk);
    let res = op(&mut read_buf)?;
    let n = read_buf.filled().len();
    // SAFETY: the `ReadBuf` filled (so initialised) the first `n` bytes of
    // the chunk, which starts at `buf`'s current end.
    unsafe { buf.advance_mut(n) };
    Ok(res)
}

/// Runs `op(ptr, len)` on `buf`'s unfilled part and marks the `n` bytes it
/// reports as written initialised and filled.
#[inline]
pub(crate) fn fill(
    buf: &mut ReadBuf<'_>,
    op: impl FnOnce(*mut libc::c_void, usize) -> io::Result<isize>,
) -> io::Result<usize> {
    // SAFETY: `unfilled_mut` requires that we never de-initialise bytes: the
    // kernel only ever writes initialised bytes into this memory.
    let unfilled = unsafe { buf.unfilled_mut() };
    // A single read is capped at isize::MAX bytes, as std caps its reads.
    let len = unfilled.len().min(isize::MAX as usize);
    let n = op(unfilled.as_mut_ptr().cast(), len)? as usize;
    debug_assert!(n <= len, "the kernel reported more bytes than it was given");
    // SAFETY: the kernel wrote `n` bytes at the start of the unfilled part.
    unsafe { buf.assume_init(n) };
    buf.advance(n);
    Ok(n)
}
