//! Stream reads and writes: the hot path of every socket and pipe, where a
//! short transfer clears readiness without another system call.

use super::PollEvented;
use crate::sys::{self, Interest};
use crate::task::coop;
use std::io::{self, Write};
use std::os::fd::{AsRawFd, OwnedFd};
use std::task::{ready, Context, Poll};
use tokio::io::ReadBuf;

impl<E: AsRawFd + Into<OwnedFd>> PollEvented<E> {
    /// Stream read into `buf`'s unfilled part (not zeroed first: the kernel
    /// writes straight into it), as tokio's `AsyncRead::poll_read`; the bytes
    /// read are filled, and nothing filled means end of stream.
    ///
    /// A short read (fewer bytes than asked, but not EOF) means the socket's
    /// receive queue is empty, so readiness is cleared without paying for a
    /// read that would only return `EAGAIN`; edge-triggered epoll reports the
    /// next arrival. Only valid for stream sockets and pipes. Not when urgent
    /// data is pending (a TCP read stops at the urgent mark with ordinary data
    /// behind it), nor where
    /// [`set_short_read_drains`](Self::set_short_read_drains) turned it off.
    #[inline]
    pub fn poll_read(&self, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        let len = buf.remaining();
        let fd = self.reg.fd; // the object's own, while `self` is borrowed
        self.poll_stream(cx, Interest::READABLE, len, |_| {
            sys::read_buf::read_raw(fd, buf)
        })
        .map_ok(drop)
    }

    /// Stream write. A short write means the send buffer is full, so
    /// writable readiness is cleared right away.
    pub fn poll_write<'a>(&'a self, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>>
    where
        &'a E: Write,
    {
        self.poll_stream(cx, Interest::WRITABLE, buf.len(), |mut io| io.write(buf))
    }

    /// Stream write on a socket: one `send(2)` with `MSG_NOSIGNAL` (a peer
    /// that went away is an `EPIPE` error, never a `SIGPIPE`), with the
    /// short-write rule of [`poll_write`](Self::poll_write). For stream
    /// sockets only (TCP, Unix); pipes use `poll_write`.
    #[inline]
    pub fn poll_send(&self, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        let fd = self.reg.fd; // the object's own, while `self` is borrowed
        self.poll_stream(cx, Interest::WRITABLE, buf.len(), |_| {
            sys::net::send(fd, buf)
        })
    }

    /// Vectored stream write, with the same short-write rule.
    pub fn poll_write_vectored<'a>(
        &'a self,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>>
    where
        &'a E: Write,
    {
        let total = bufs.iter().map(|b| b.len()).sum();
        self.poll_stream(cx, Interest::WRITABLE, total, |mut io| {
            io.write_vectored(bufs)
        })
    }

    /// One stream transfer of up to `len` bytes when ready for `interest`.
    /// A short transfer (0 < n < len) proves the socket buffer ran dry (or
    /// full), so the readiness is cleared without another syscall.
    ///
    /// The hot path of every stream read and write: one budget unit and one
    /// loop-id check for the whole transfer; readiness is read and cleared
    /// through the registration's own cell. Away from the loop holding the
    /// registration, [`poll_foreign`](Self::poll_foreign) comes first.
    #[inline]
    fn poll_stream<'a>(
        &'a self,
        cx: &mut Context<'_>,
        interest: Interest,
        len: usize,
        mut op: impl FnMut(&'a E) -> io::Result<usize>,
    ) -> Poll<io::Result<usize>> {
        ready!(coop::poll_proceed(cx));
        if !self.reg.is_here() {
            if let Some(res) = ready!(self.poll_foreign(cx, &mut op)) {
                return Poll::Ready(res);
            }
        }
        let io = self.get_ref();
        loop {
            let ev = ready!(self.ready_or_park(cx, interest))?;
            match op(io) {
                Ok(n) => {
                    if n > 0 && n < len {
                        // `interest` is a constant once inlined.
                        if interest.is_writable() {
                            self.reg.readiness.clear(ev);
                        } else if self.short_read_drains {
                            self.reg.readiness.clear_after_short_read(ev);
                        }
                    }
                    return Poll::Ready(Ok(n));
                }
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => self.clear_spurious(ev),
                Err(e) => return Poll::Ready(Err(e)),
            }
        }
    }
}
