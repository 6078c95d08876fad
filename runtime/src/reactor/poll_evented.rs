//! `PollEvented`: a non-blocking fd registered with the current runtime.

use super::readiness::Readiness;
use super::ReadyEvent;
use crate::context;
use crate::runtime::{Shared, Stats};
use crate::sys::{self, Interest};
use crate::task::coop;
use std::fmt;
use std::future::Future;
use std::io::{self, Write};
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, OwnedFd, RawFd};
use std::sync::Arc;
use std::task::{ready, Context, Poll};
use tokio::io::ReadBuf;

/// A non-blocking IO object (`E`, e.g. a `std::net::TcpStream`) registered
/// with the reactor of the runtime it was created on.
///
/// It owns `E` and deregisters it before closing it, also when dropped on
/// another thread (the fd is then handed to the runtime, which deregisters
/// and closes it), so a reused fd number can never inherit a stale
/// registration. All operations must run on the thread running its runtime
/// (inside `block_on` or a task); elsewhere they return an error.
///
/// It holds its registration's readiness cell, so a read or write that
/// finds the fd ready checks one thread-local id and one word of readiness,
/// and only goes through the driver's registration table to park a waker.
///
/// Wrapping a std socket as an async one:
///
/// ```
/// # use mini_rt_runtime as mini_rt;
/// use mini_rt::io::{Interest, ReadBuf};
/// use mini_rt::reactor::PollEvented;
/// use std::future::poll_fn;
/// use std::io::{Read, Write};
/// use std::os::unix::net::UnixStream;
///
/// # mini_rt::runtime::Runtime::new().unwrap().block_on(async {
/// let (a, b) = UnixStream::pair()?;
/// a.set_nonblocking(true)?;
/// b.set_nonblocking(true)?;
/// let (a, b) = (PollEvented::new(a)?, PollEvented::new(b)?);
///
/// // The `poll_*` methods are what `AsyncRead`/`AsyncWrite` impls call...
/// let written = poll_fn(|cx| a.poll_write(cx, b"ping")).await?;
/// assert_eq!(written, 4);
/// let mut buf = [0; 4];
/// let mut read = ReadBuf::new(&mut buf);
/// poll_fn(|cx| b.poll_read(cx, &mut read)).await?;
/// assert_eq!(read.filled(), b"ping");
///
/// // ...and `async_io` runs any non-blocking call, waiting when it would block.
/// let reply = mini_rt::spawn(async move {
///     b.async_io(Interest::WRITABLE, |s| (&*s).write(b"pong")).await
/// });
/// let mut buf = [0; 4];
/// let n = a.async_io(Interest::READABLE, |s| (&*s).read(&mut buf)).await?;
/// assert_eq!(&buf[..n], b"pong");
/// reply.await??;
/// # Ok::<(), std::io::Error>(())
/// # }).unwrap();
/// ```
pub struct PollEvented<E: AsRawFd + Into<OwnedFd>> {
    io: Option<E>,
    pub(super) token: u64,
    pub(super) readiness: Arc<Readiness>,
    pub(super) shared: Arc<Shared>,
    /// Whether a short stream read proves the receive queue empty.
    short_read_drains: bool,
}

pub(super) fn wrong_runtime() -> io::Error {
    io::Error::other(
        "mini_rt: IO resource used outside the runtime that registered it \
         (no runtime is running on this thread, or it is a different one)",
    )
}

impl<E: AsRawFd + Into<OwnedFd>> PollEvented<E> {
    /// Registers `io` (which must already be non-blocking) for read and write
    /// readiness with the current runtime.
    pub fn new(io: E) -> io::Result<Self> {
        Self::new_with_interest(io, Interest::READABLE | Interest::WRITABLE)
    }

    /// Registers `io` for `interest` with the current runtime.
    pub fn new_with_interest(io: E, interest: Interest) -> io::Result<Self> {
        let fd = io.as_raw_fd();
        let res = context::with_core(|core| {
            core.driver
                .register(fd, interest)
                .map(|(token, readiness)| (token, readiness, core.shared.clone()))
        });
        match res {
            Some(Ok((token, readiness, shared))) => Ok(PollEvented {
                io: Some(io),
                token,
                readiness,
                shared,
                short_read_drains: true,
            }),
            Some(Err(e)) => Err(e),
            None => Err(io::Error::other(context::NO_RUNTIME)),
        }
    }

    /// Whether a short read from [`poll_read`](Self::poll_read) (fewer
    /// bytes than asked, not EOF) proves the receive queue empty, so that
    /// readiness can be cleared without a read that would only return
    /// `WouldBlock`. True by default, which is right for TCP (urgent data,
    /// which also cuts a read short, is recognised by its PRIORITY
    /// readiness) and pipes. Set it to false for Unix stream sockets: a
    /// read also stops after a message that carried file descriptors
    /// (`SCM_RIGHTS`), with more data queued behind it.
    pub fn set_short_read_drains(&mut self, drains: bool) {
        self.short_read_drains = drains;
    }

    /// The wrapped IO object.
    pub fn get_ref(&self) -> &E {
        self.io.as_ref().expect("PollEvented used after into_inner")
    }

    /// Deregisters and returns the IO object (still non-blocking). Must run on
    /// the runtime's thread.
    pub fn into_inner(mut self) -> io::Result<E> {
        let io = self.io.take().expect("PollEvented used after into_inner");
        let fd = io.as_raw_fd();
        match context::with_runtime(self.shared.id, |core| {
            core.driver.deregister(self.token, fd)
        }) {
            Some(res) => res.map(|()| io),
            None => {
                self.io = Some(io);
                Err(wrong_runtime())
            }
        }
    }

    /// Polls for readiness matching `interest`, consuming one unit of the
    /// task's cooperative budget when ready.
    pub fn poll_ready(
        &self,
        cx: &mut Context<'_>,
        interest: Interest,
    ) -> Poll<io::Result<ReadyEvent>> {
        ready!(coop::poll_proceed(cx));
        self.on_its_runtime()?;
        self.ready_or_park(cx, interest)
    }

    /// Errors unless this thread is running the runtime that registered us:
    /// the check that makes using the readiness cell directly sound.
    #[inline]
    pub(super) fn on_its_runtime(&self) -> io::Result<()> {
        if context::is_current(self.shared.id) {
            Ok(())
        } else {
            Err(wrong_runtime())
        }
    }

    /// The cached readiness for `interest`, or else parks the task. On the
    /// runtime's thread only.
    #[inline]
    fn ready_or_park(
        &self,
        cx: &mut Context<'_>,
        interest: Interest,
    ) -> Poll<io::Result<ReadyEvent>> {
        let ev = self.readiness.get(interest);
        if ev.ready.is_empty() {
            return self.park(cx, interest);
        }
        Poll::Ready(Ok(ev))
    }

    /// Nothing in `interest` is ready: stores the waker with the driver
    /// (which may still find readiness, and then returns it). On the
    /// runtime's thread only.
    #[cold]
    fn park(&self, cx: &mut Context<'_>, interest: Interest) -> Poll<io::Result<ReadyEvent>> {
        context::with_runtime(self.shared.id, |core| {
            core.driver.poll_ready(self.token, interest, cx)
        })
        .unwrap_or_else(|| Poll::Ready(Err(wrong_runtime())))
    }

    /// Waits until the resource is ready for `interest`.
    ///
    /// Unlike [`poll_ready`](Self::poll_ready), which keeps one waker per
    /// direction (only the last task polling is woken), every task awaiting
    /// this on the same object is woken when the readiness comes; those that
    /// then find nothing to do wait again. Dropping the future removes its
    /// entry from the waiter list.
    pub fn readiness(
        &self,
        interest: Interest,
    ) -> impl Future<Output = io::Result<ReadyEvent>> + '_ {
        super::wait::Readiness {
            io: self,
            interest,
            key: None,
        }
    }

    /// Waits for `interest`, then runs `f`; on `WouldBlock` clears the
    /// readiness and waits again (tokio's `async_io`). Every task awaiting
    /// this on one object is woken, as with [`readiness`](Self::readiness).
    pub async fn async_io<R>(
        &self,
        interest: Interest,
        mut f: impl FnMut(&E) -> io::Result<R>,
    ) -> io::Result<R> {
        loop {
            let ev = self.readiness(interest).await?;
            match f(self.get_ref()) {
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => self.clear_spurious(ev),
                res => return res,
            }
        }
    }

    /// Removes a waiter-list entry (its future completed or was dropped).
    /// Off the runtime's thread there is nothing to reach; the entry then
    /// stays until the registration goes.
    pub(super) fn remove_waiter(&self, key: super::scheduled_io::WaiterKey) {
        context::with_runtime(self.shared.id, |core| {
            core.driver.remove_waiter(self.token, key)
        });
    }

    /// Forgets `ev`'s readiness unless a newer event arrived meanwhile. Does
    /// nothing off the runtime's thread.
    pub fn clear_readiness(&self, ev: ReadyEvent) {
        if context::is_current(self.shared.id) {
            self.readiness.clear(ev);
        }
    }

    /// Counts a wakeup that found nothing to do (readiness said yes, the
    /// operation said `WouldBlock`) and clears that readiness. On the
    /// runtime's thread only.
    #[cold]
    fn clear_spurious(&self, ev: ReadyEvent) {
        context::with_runtime(self.shared.id, |core| Stats::bump(&core.stats.spurious));
        self.readiness.clear(ev);
    }

    /// Runs `f` when ready for `interest`; on `WouldBlock`, clears readiness
    /// and waits again. For datagram sockets and other non-stream IO.
    pub fn poll_io<R>(
        &self,
        cx: &mut Context<'_>,
        interest: Interest,
        mut f: impl FnMut(&E) -> io::Result<R>,
    ) -> Poll<io::Result<R>> {
        loop {
            let ev = ready!(self.poll_ready(cx, interest))?;
            match f(self.get_ref()) {
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => self.clear_spurious(ev),
                res => return Poll::Ready(res),
            }
        }
    }

    /// Runs `f` once if the cached readiness allows it; returns `WouldBlock`
    /// (and clears readiness) otherwise, as tokio's `try_io`.
    pub fn try_io<R>(
        &self,
        interest: Interest,
        f: impl FnOnce(&E) -> io::Result<R>,
    ) -> io::Result<R> {
        self.on_its_runtime()?;
        let ev = self.readiness.get(interest);
        if ev.ready.is_empty() {
            return Err(io::ErrorKind::WouldBlock.into());
        }
        let res = f(self.get_ref());
        if matches!(&res, Err(e) if e.kind() == io::ErrorKind::WouldBlock) {
            self.readiness.clear(ev);
        }
        res
    }

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
    pub fn poll_read(&self, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>>
    where
        E: AsFd,
    {
        let len = buf.remaining();
        self.poll_stream(cx, Interest::READABLE, len, |io| {
            sys::read_buf::read(io.as_fd(), buf)
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
    /// runtime-id check for the whole transfer; readiness is read and
    /// cleared through the registration's own cell.
    #[inline]
    fn poll_stream<'a>(
        &'a self,
        cx: &mut Context<'_>,
        interest: Interest,
        len: usize,
        mut op: impl FnMut(&'a E) -> io::Result<usize>,
    ) -> Poll<io::Result<usize>> {
        ready!(coop::poll_proceed(cx));
        self.on_its_runtime()?;
        let io = self.get_ref();
        loop {
            let ev = ready!(self.ready_or_park(cx, interest))?;
            match op(io) {
                Ok(n) => {
                    if n > 0 && n < len {
                        // `interest` is a constant once inlined.
                        if interest.is_writable() {
                            self.readiness.clear(ev);
                        } else if self.short_read_drains {
                            self.readiness.clear_after_short_read(ev);
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

impl<E: AsRawFd + Into<OwnedFd>> Drop for PollEvented<E> {
    fn drop(&mut self) {
        let Some(io) = self.io.take() else { return };
        let fd: OwnedFd = io.into();
        let raw = fd.as_raw_fd();
        let done = context::with_runtime(self.shared.id, |core| {
            let _ = core.driver.deregister(self.token, raw);
        });
        match done {
            Some(()) => drop(fd),
            // Not on the runtime's thread: it deregisters, then closes.
            None => self.shared.release_remote(self.token, fd),
        }
    }
}

impl<E: AsRawFd + Into<OwnedFd>> AsRawFd for PollEvented<E> {
    fn as_raw_fd(&self) -> RawFd {
        self.get_ref().as_raw_fd()
    }
}

impl<E: AsRawFd + AsFd + Into<OwnedFd>> AsFd for PollEvented<E> {
    fn as_fd(&self) -> BorrowedFd<'_> {
        self.get_ref().as_fd()
    }
}

impl<E: AsRawFd + Into<OwnedFd> + fmt::Debug> fmt::Debug for PollEvented<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PollEvented").field("io", &self.io).finish()
    }
}
