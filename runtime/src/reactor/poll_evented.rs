//! `PollEvented`: a non-blocking fd registered with a loop's reactor.

use super::registration::{no_runtime, Registration, FREE};
use super::scheduled_io::WaiterKey;
use super::ReadyEvent;
use crate::context;
use crate::runtime::Stats;
use crate::sys::Interest;
use crate::task::coop;
use std::fmt;
use std::future::Future;
use std::io;
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, OwnedFd, RawFd};
use std::sync::Arc;
use std::task::{ready, Context, Poll};

mod stream;

/// A non-blocking IO object (`E`, e.g. a `std::net::TcpStream`) registered
/// with the reactor of the loop it was created on, and following the tasks
/// that use it.
///
/// It owns `E` and deregisters it before closing it, also when dropped on
/// another thread (the fd is then handed to the loop holding it, which
/// deregisters and closes it), so a reused fd number can never inherit a
/// stale registration.
///
/// **Moving between loops.** Operations may run on any thread running a
/// mini_rt runtime: another worker of a multi-thread runtime, or another
/// runtime altogether. Away from the loop holding its registration, an
/// operation is simply tried (readiness is unknown there, and a moved
/// socket is often ready); the first time it would have to wait, the
/// registration moves to the calling thread's loop: the old loop
/// deregisters the fd, the new one registers it, readiness is assumed and
/// the operation tried again before the task parks (see
/// `reactor/registration.rs` for the protocol). Tasks waiting on the object
/// elsewhere keep waiting, served by the new loop. Outside any runtime,
/// operations return an error.
///
/// It holds its registration's readiness cell, so a read or write on the
/// loop holding it checks one thread-local id and one word of readiness,
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
    pub(super) reg: Arc<Registration>,
    /// Whether a short stream read proves the receive queue empty.
    short_read_drains: bool,
}

impl<E: AsRawFd + Into<OwnedFd>> PollEvented<E> {
    /// Registers `io` (which must already be non-blocking) for read and write
    /// readiness with the current thread's loop.
    pub fn new(io: E) -> io::Result<Self> {
        Self::new_with_interest(io, Interest::READABLE | Interest::WRITABLE)
    }

    /// Registers `io` for `interest` with the current thread's loop.
    pub fn new_with_interest(io: E, interest: Interest) -> io::Result<Self> {
        Self::register(io, interest, false)
    }

    /// Registers `io` for `interest` *exclusively*: when several loops (the
    /// workers of a multi-thread runtime, each with its own duplicate of
    /// one listening socket) wait on the same file, one readiness change
    /// wakes one of them, not all (`EPOLLEXCLUSIVE`). Meant for listening
    /// sockets: `mini_rt::net::TcpListener` and `UnixListener` register this
    /// way.
    ///
    /// Only the epoll backends in edge and level mode can do it; on the
    /// others (epoll oneshot, poll, select, io_uring) this is the same as
    /// [`new_with_interest`](Self::new_with_interest), and every waiting
    /// loop wakes (the thundering herd): one takes the connection, the
    /// others find `WouldBlock` (counted as spurious wakeups in
    /// [`RuntimeStats`](crate::runtime::RuntimeStats)).
    /// The exclusive registration ignores `PRIORITY` and read-closed
    /// readiness, which the kernel does not allow with it and a listener
    /// never reports. An empty `interest` registers non-exclusively.
    pub fn new_exclusive(io: E, interest: Interest) -> io::Result<Self> {
        Self::register(io, interest, true)
    }

    fn register(io: E, interest: Interest, exclusive: bool) -> io::Result<Self> {
        let fd = io.as_raw_fd();
        match context::with_core(|core| Registration::new(core, fd, interest, exclusive)) {
            Some(Ok(reg)) => Ok(PollEvented {
                io: Some(io),
                reg,
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

    /// Deregisters and returns the IO object (still non-blocking). From any
    /// thread: away from the loop holding the registration, it asks that
    /// loop to give it up and waits for the answer (at most 5 s).
    pub fn into_inner(mut self) -> io::Result<E> {
        let fd = self.get_ref().as_raw_fd();
        if !self.reg.is_here() && self.reg.owner() != FREE {
            self.reg.release_blocking()?;
        }
        let io = self.io.take().expect("PollEvented used after into_inner");
        if let Some((holder, token)) = self.reg.kill() {
            context::with_runtime(holder.id, |core| core.driver.deregister(token, fd));
        }
        Ok(io)
    }

    /// Polls for readiness matching `interest`, consuming one unit of the
    /// task's cooperative budget when ready. Away from the loop holding the
    /// registration, it first moves the registration here (readiness is
    /// then assumed).
    pub fn poll_ready(
        &self,
        cx: &mut Context<'_>,
        interest: Interest,
    ) -> Poll<io::Result<ReadyEvent>> {
        ready!(coop::poll_proceed(cx));
        if !self.reg.is_here() {
            ready!(self.reg.acquire(cx))?;
        }
        self.ready_or_park(cx, interest)
    }

    /// The cached readiness for `interest`, or else parks the task. On the
    /// thread of the loop holding the registration only.
    #[inline(always)]
    fn ready_or_park(
        &self,
        cx: &mut Context<'_>,
        interest: Interest,
    ) -> Poll<io::Result<ReadyEvent>> {
        let ev = self.reg.readiness.get(interest);
        if ev.ready.is_empty() {
            // On an edge-triggered backend, arming the waker slot is all
            // parking takes: the driver runs on this thread, so no event can
            // have slipped in since the readiness was read.
            if self.reg.parks_in_place() {
                self.reg.slots.park(interest, cx.waker());
                return Poll::Pending;
            }
            return self.park(cx, interest);
        }
        Poll::Ready(Ok(ev))
    }

    /// Nothing in `interest` is ready, and parking needs the driver (a
    /// level or oneshot backend, which must watch `interest`, or an fd just
    /// handed over, which it registers first): arms the waker slot through
    /// the driver, which may find readiness after all. On the holder's
    /// thread only.
    #[cold]
    fn park(&self, cx: &mut Context<'_>, interest: Interest) -> Poll<io::Result<ReadyEvent>> {
        context::with_core(|core| {
            self.reg.ensure_registered(core)?;
            core.driver.poll_ready(self.reg.token(), interest, cx)
        })
        .unwrap_or_else(|| Poll::Ready(Err(no_runtime())))
    }

    /// The registration is held by another loop (or none): try `op` as is
    /// (readiness is unknown here; a socket handed to this thread is often
    /// ready), and if it would block, take the registration over.
    /// `Ready(Some(result))` is the operation's; `Ready(None)` means the
    /// registration is held here now: go on as its holder.
    #[cold]
    fn poll_foreign<'a, R>(
        &'a self,
        cx: &mut Context<'_>,
        op: &mut dyn FnMut(&'a E) -> io::Result<R>,
    ) -> Poll<Option<io::Result<R>>> {
        if !context::in_runtime() {
            return Poll::Ready(Some(Err(no_runtime())));
        }
        match op(self.get_ref()) {
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => {}
            res => return Poll::Ready(Some(res)),
        }
        match ready!(self.reg.acquire(cx)) {
            Ok(()) => Poll::Ready(None),
            Err(e) => Poll::Ready(Some(Err(e))),
        }
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
    /// Away from the loop holding the registration, `f` is tried once
    /// before waiting.
    pub async fn async_io<R>(
        &self,
        interest: Interest,
        mut f: impl FnMut(&E) -> io::Result<R>,
    ) -> io::Result<R> {
        if !self.reg.is_here() && context::in_runtime() {
            match f(self.get_ref()) {
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => {}
                res => return res,
            }
        }
        loop {
            let ev = self.readiness(interest).await?;
            match f(self.get_ref()) {
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => self.clear_spurious(ev),
                res => return res,
            }
        }
    }

    /// Removes a waiter-list entry (its future completed or was dropped) of
    /// registration `token`. Away from the loop holding it, or once the
    /// registration moved on, there is nothing to reach; the entry then
    /// stays until woken or until the registration goes.
    pub(super) fn remove_waiter(&self, token: u64, key: WaiterKey) {
        if self.reg.is_here() && self.reg.token() == token {
            context::with_core(|core| core.driver.remove_waiter(token, key));
        }
    }

    /// Forgets `ev`'s readiness unless a newer event arrived meanwhile. Does
    /// nothing away from the loop holding the registration.
    pub fn clear_readiness(&self, ev: ReadyEvent) {
        if self.reg.is_here() {
            self.reg.readiness.clear(ev);
        }
    }

    /// Counts a wakeup that found nothing to do (readiness said yes, the
    /// operation said `WouldBlock`) and clears that readiness. On the
    /// holder's thread only.
    #[cold]
    fn clear_spurious(&self, ev: ReadyEvent) {
        context::with_core(|core| Stats::bump(&core.stats.spurious));
        self.reg.readiness.clear(ev);
    }

    /// Runs `f` when ready for `interest`; on `WouldBlock`, clears readiness
    /// and waits again. For datagram sockets and other non-stream IO.
    pub fn poll_io<R>(
        &self,
        cx: &mut Context<'_>,
        interest: Interest,
        mut f: impl FnMut(&E) -> io::Result<R>,
    ) -> Poll<io::Result<R>> {
        if !self.reg.is_here() {
            if let Some(res) = ready!(self.poll_foreign(cx, &mut f)) {
                return Poll::Ready(res);
            }
        }
        loop {
            let ev = ready!(self.poll_ready(cx, interest))?;
            match f(self.get_ref()) {
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => self.clear_spurious(ev),
                res => return Poll::Ready(res),
            }
        }
    }

    /// Runs `f` once if the cached readiness allows it; returns `WouldBlock`
    /// (and clears readiness) otherwise, as tokio's `try_io`. Away from the
    /// loop holding the registration, readiness is unknown: `f` is run.
    pub fn try_io<R>(
        &self,
        interest: Interest,
        f: impl FnOnce(&E) -> io::Result<R>,
    ) -> io::Result<R> {
        if !self.reg.is_here() {
            if !context::in_runtime() {
                return Err(no_runtime());
            }
            return f(self.get_ref());
        }
        let ev = self.reg.readiness.get(interest);
        if ev.ready.is_empty() {
            return Err(io::ErrorKind::WouldBlock.into());
        }
        let res = f(self.get_ref());
        if matches!(&res, Err(e) if e.kind() == io::ErrorKind::WouldBlock) {
            self.reg.readiness.clear(ev);
        }
        res
    }
}

impl<E: AsRawFd + Into<OwnedFd>> Drop for PollEvented<E> {
    fn drop(&mut self) {
        let Some(io) = self.io.take() else { return };
        let fd: OwnedFd = io.into();
        if let Some((holder, token)) = self.reg.kill() {
            let raw = fd.as_raw_fd();
            let done = context::with_runtime(holder.id, |core| {
                let _ = core.driver.deregister(token, raw);
            });
            if done.is_none() {
                // Not on the holder's thread: it deregisters, then closes.
                holder.release_remote(token, fd);
                return;
            }
        }
        drop(fd);
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
