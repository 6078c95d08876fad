//! Blocking IO behind the async traits, as tokio does it for files and
//! stdio: the bytes move through a [`Buf`] that is handed to a thread of the
//! blocking pool for each read or write, and back.
//!
//! A write copies the caller's bytes into the buffer and returns at once;
//! the pool thread writes them out while the caller goes on. The next
//! operation (or a flush) waits for that write to finish and reports its
//! error, if any.

use crate::runtime::Handle;
use crate::task::JoinHandle;
use std::cmp;
use std::future::Future;
use std::io::{self, IoSlice, Read, Write};
use std::panic::{self, AssertUnwindSafe};
use std::pin::Pin;
use std::task::{ready, Context, Poll};
use std::thread;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::sync::oneshot;

/// The most bytes one read or write moves through the pool (tokio's 2 MiB).
pub(crate) const DEFAULT_MAX_BUF_SIZE: usize = 2 * 1024 * 1024;

/// A closure running on the blocking pool, awaited for its result.
pub(crate) struct BlockingTask<R>(Job<R>);

enum Job<R> {
    /// Through `spawn_blocking`: dropped unrun if the runtime shuts down
    /// before it starts.
    Task(JoinHandle<R>),
    /// Straight onto the pool: runs even if nobody awaits it any more.
    Mandatory(oneshot::Receiver<thread::Result<R>>),
}

/// Runs `f` with `spawn_blocking`: reads, seeks, metadata.
pub(crate) fn spawn<F, R>(f: F) -> BlockingTask<R>
where
    F: FnOnce() -> R + Send + 'static,
    R: Send + 'static,
{
    BlockingTask(Job::Task(crate::task::spawn_blocking(f)))
}

/// Runs `f` on the blocking pool whether or not its result is awaited, as
/// tokio's mandatory blocking tasks: a write that was accepted (the caller
/// was told its bytes were taken) must reach the file even if the `File`
/// is dropped or the runtime shuts down right after (the pool keeps such
/// jobs through its shutdown). Panics outside a runtime.
pub(crate) fn spawn_mandatory<F, R>(f: F) -> BlockingTask<R>
where
    F: FnOnce() -> R + Send + 'static,
    R: Send + 'static,
{
    let (tx, rx) = oneshot::channel();
    let handle = Handle::current();
    handle.inner.blocking.execute_mandatory(Box::new(move || {
        let _ = tx.send(panic::catch_unwind(AssertUnwindSafe(f)));
    }));
    BlockingTask(Job::Mandatory(rx))
}

/// The error of a blocking job that was dropped before it ran (tokio's words).
pub(crate) fn background_task_failed() -> io::Error {
    io::Error::other("background task failed")
}

impl<R> Future for BlockingTask<R> {
    type Output = io::Result<R>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<R>> {
        match &mut self.get_mut().0 {
            Job::Task(handle) => Pin::new(handle).poll(cx).map_err(io::Error::from),
            Job::Mandatory(rx) => match ready!(Pin::new(rx).poll(cx)) {
                Ok(Ok(r)) => Poll::Ready(Ok(r)),
                Ok(Err(payload)) => panic::resume_unwind(payload),
                Err(_) => Poll::Ready(Err(background_task_failed())),
            },
        }
    }
}

impl<R> std::fmt::Debug for BlockingTask<R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("BlockingTask")
    }
}

/// Bytes on their way between the caller and a pool thread: `data[pos..end]`
/// is what is left to hand out (after a read) or to write (after a copy in).
///
/// `data` only ever holds initialised bytes and keeps its length between
/// reads, so reading into it needs no `unsafe` and zeroes each byte of the
/// buffer once, when it first grows, not on every read.
#[derive(Debug, Default)]
pub(crate) struct Buf {
    data: Vec<u8>,
    pos: usize,
    end: usize,
}

/// Retries `$e` while it fails with `Interrupted`.
macro_rules! uninterruptibly {
    ($e:expr) => {{
        loop {
            match $e {
                Err(ref e) if e.kind() == io::ErrorKind::Interrupted => {}
                res => break res,
            }
        }
    }};
}

impl Buf {
    pub(crate) fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub(crate) fn len(&self) -> usize {
        self.end - self.pos
    }

    fn clear(&mut self) {
        self.pos = 0;
        self.end = 0;
    }

    /// Hands out as much as `dst` takes.
    pub(crate) fn copy_to(&mut self, dst: &mut ReadBuf<'_>) -> usize {
        let n = cmp::min(self.len(), dst.remaining());
        dst.put_slice(&self.data[self.pos..self.pos + n]);
        self.pos += n;
        if self.pos == self.end {
            self.clear();
        }
        n
    }

    /// Takes up to `max` bytes of `src` to be written; returns how many.
    pub(crate) fn copy_from(&mut self, src: &[u8], max: usize) -> usize {
        assert!(self.is_empty());
        let n = cmp::min(src.len(), max);
        self.data.clear();
        self.data.extend_from_slice(&src[..n]);
        self.end = n;
        n
    }

    /// Takes up to `max` bytes of `bufs` to be written; returns how many.
    pub(crate) fn copy_from_bufs(&mut self, bufs: &[IoSlice<'_>], max: usize) -> usize {
        assert!(self.is_empty());
        self.data.clear();
        for buf in bufs {
            let room = max - self.data.len();
            if room == 0 {
                break;
            }
            self.data.extend_from_slice(&buf[..buf.len().min(room)]);
        }
        self.end = self.data.len();
        self.end
    }

    /// One read of up to `max` bytes from `rd` (on a pool thread).
    pub(crate) fn read_from<T: Read>(&mut self, rd: &mut T, max: usize) -> io::Result<usize> {
        assert!(self.is_empty());
        if self.data.len() < max {
            self.data.resize(max, 0);
        }
        let res = uninterruptibly!(rd.read(&mut self.data[..max]));
        self.end = *res.as_ref().unwrap_or(&0);
        res
    }

    /// Writes everything buffered to `wr` (on a pool thread); empties the
    /// buffer whatever the outcome.
    pub(crate) fn write_to<T: Write>(&mut self, wr: &mut T) -> io::Result<()> {
        let res = wr.write_all(&self.data[self.pos..self.end]);
        self.clear();
        res
    }

    /// Drops what a read buffered and not handed out; returns minus its
    /// length: the seek that puts the file position back where the caller
    /// believes it is.
    pub(crate) fn discard_read(&mut self) -> i64 {
        let ret = -(self.len() as i64);
        self.clear();
        ret
    }
}

/// A blocking reader or writer (`std::io::Stdin`, `Stdout`, `Stderr`) driven
/// from async code through the pool.
#[derive(Debug)]
pub(crate) struct Blocking<T> {
    inner: Option<T>,
    state: State<T>,
    need_flush: bool,
    mandatory: bool,
}

#[derive(Debug)]
enum State<T> {
    Idle(Option<Buf>),
    Busy(BlockingTask<(io::Result<usize>, Buf, T)>),
}

impl<T: Send + 'static> Blocking<T> {
    /// Its jobs are dropped unrun at shutdown (a read of stdin).
    pub(crate) fn new(inner: T) -> Blocking<T> {
        Self::with(inner, false)
    }

    /// Its jobs run even when nobody waits any more (writes to stdout).
    pub(crate) fn new_mandatory(inner: T) -> Blocking<T> {
        Self::with(inner, true)
    }

    fn with(inner: T, mandatory: bool) -> Blocking<T> {
        Blocking {
            inner: Some(inner),
            state: State::Idle(Some(Buf::default())),
            need_flush: false,
            mandatory,
        }
    }

    fn spawn<F>(&self, f: F) -> BlockingTask<(io::Result<usize>, Buf, T)>
    where
        F: FnOnce() -> (io::Result<usize>, Buf, T) + Send + 'static,
    {
        if self.mandatory {
            spawn_mandatory(f)
        } else {
            spawn(f)
        }
    }

    /// Waits for the job in flight and takes the reader/writer back. A job
    /// that failed to run loses them: later calls fail too.
    fn poll_busy(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<usize>> {
        let State::Busy(job) = &mut self.state else {
            return Poll::Ready(Ok(0));
        };
        match ready!(Pin::new(job).poll(cx)) {
            Ok((res, buf, inner)) => {
                self.state = State::Idle(Some(buf));
                self.inner = Some(inner);
                Poll::Ready(res)
            }
            Err(e) => {
                self.state = State::Idle(None);
                Poll::Ready(Err(e))
            }
        }
    }

    fn take_idle(&mut self) -> io::Result<(Buf, T)> {
        let State::Idle(cell) = &mut self.state else {
            unreachable!("take_idle while busy")
        };
        match (cell.take(), self.inner.take()) {
            (Some(buf), Some(inner)) => Ok((buf, inner)),
            _ => Err(background_task_failed()),
        }
    }
}

impl<T: Read + Unpin + Send + 'static> AsyncRead for Blocking<T> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        dst: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let me = &mut *self;
        loop {
            if let State::Idle(Some(buf)) = &mut me.state {
                if !buf.is_empty() || dst.remaining() == 0 {
                    buf.copy_to(dst);
                    return Poll::Ready(Ok(()));
                }
            }
            if matches!(me.state, State::Busy(_)) {
                ready!(me.poll_busy(cx))?;
                if let State::Idle(Some(buf)) = &mut me.state {
                    buf.copy_to(dst);
                }
                return Poll::Ready(Ok(()));
            }
            let (mut buf, mut inner) = me.take_idle()?;
            let max = cmp::min(dst.remaining(), DEFAULT_MAX_BUF_SIZE);
            me.state = State::Busy(me.spawn(move || {
                let res = buf.read_from(&mut inner, max);
                (res, buf, inner)
            }));
        }
    }
}

impl<T: Write + Unpin + Send + 'static> AsyncWrite for Blocking<T> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        src: &[u8],
    ) -> Poll<io::Result<usize>> {
        let me = &mut *self;
        // The previous write must be done (and its error reported) first.
        ready!(me.poll_busy(cx))?;
        let (mut buf, mut inner) = me.take_idle()?;
        let n = buf.copy_from(src, DEFAULT_MAX_BUF_SIZE);
        me.state = State::Busy(me.spawn(move || {
            let res = buf.write_to(&mut inner).map(|()| n);
            (res, buf, inner)
        }));
        me.need_flush = true;
        Poll::Ready(Ok(n))
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let me = &mut *self;
        loop {
            ready!(me.poll_busy(cx))?;
            if !me.need_flush {
                return Poll::Ready(Ok(()));
            }
            let (buf, mut inner) = me.take_idle()?;
            me.state = State::Busy(me.spawn(move || {
                let res = inner.flush().map(|()| 0);
                (res, buf, inner)
            }));
            me.need_flush = false;
        }
    }

    fn poll_shutdown(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }
}
