//! `File`: an open file whose reads, writes and seeks run on the blocking
//! pool, as tokio's. The async IO traits are in `file/poll.rs`.

mod poll;

use super::{asyncify, FileTimes, OpenOptions};
use crate::io::blocking::{self, BlockingTask, Buf, DEFAULT_MAX_BUF_SIZE};
use std::fmt;
use std::fs::{File as StdFile, Metadata, Permissions};
use std::future::{poll_fn, Future};
use std::io::{self, Seek, SeekFrom};
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, OwnedFd, RawFd};
use std::path::Path;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{ready, Context, Poll};
use tokio::sync::Mutex;

/// An open file, as tokio's `fs::File`: implements
/// [`AsyncRead`](crate::io::AsyncRead), [`AsyncWrite`](crate::io::AsyncWrite)
/// and [`AsyncSeek`](crate::io::AsyncSeek), each operation running on the
/// blocking pool (see the [module docs](super) for why).
///
/// At most one operation is in flight at a time. A write returns as soon as
/// its bytes are copied into the file's buffer (up to
/// [`max_buf_size`](File::max_buf_size) per call, 2 MiB by default) and is
/// carried out in the background: its error, if any, comes back from the
/// next operation or from `flush`. Flush before dropping the file to be sure
/// everything was written; dropping an unflushed `File` still completes the
/// writes it accepted, but nobody hears of a failure. A read fetches up to
/// the caller's buffer size (at most `max_buf_size`) and keeps what the
/// caller has not taken yet for the next read; a seek or write first gives
/// the unread part back to the file position.
///
/// ```
/// # use mini_rt_runtime as mini_rt;
/// use mini_rt::fs::File;
/// use mini_rt::io::{AsyncReadExt, AsyncSeekExt, AsyncWriteExt, SeekFrom};
///
/// let path = std::env::temp_dir().join(format!("mini_rt-doc-file-{}", std::process::id()));
/// mini_rt::runtime::Runtime::new().unwrap().block_on(async {
///     let mut file = File::options().read(true).write(true).create(true).truncate(true)
///         .open(&path).await?;
///     file.write_all(b"hello, file").await?;
///     file.flush().await?; // reports the background write's error, if any
///     file.seek(SeekFrom::Start(7)).await?;
///     let mut rest = String::new();
///     file.read_to_string(&mut rest).await?;
///     assert_eq!(rest, "file");
///     file.sync_all().await?;
///     assert_eq!(file.metadata().await?.len(), 11);
///     mini_rt::fs::remove_file(&path).await
/// }).unwrap();
/// ```
pub struct File {
    std: Arc<StdFile>,
    inner: Mutex<Inner>,
    max_buf_size: usize,
}

struct Inner {
    state: State,
    /// The error of a background write that no operation has reported yet.
    last_write_err: Option<io::Error>,
    /// The position the last seek reached (what `poll_complete` reports).
    pos: u64,
}

enum State {
    /// No operation in flight; the buffer (`None` only while being handed
    /// to a job) may hold read bytes the caller has not taken yet.
    Idle(Option<Buf>),
    Busy(BlockingTask<(Operation, Buf)>),
}

enum Operation {
    Read(io::Result<usize>),
    Write(io::Result<()>),
    Seek(io::Result<u64>),
}

impl File {
    /// Opens `path` read-only.
    pub async fn open(path: impl AsRef<Path>) -> io::Result<File> {
        Self::options().read(true).open(path).await
    }

    /// Opens `path` write-only, creating it or truncating it.
    pub async fn create(path: impl AsRef<Path>) -> io::Result<File> {
        Self::options()
            .write(true)
            .create(true)
            .truncate(true)
            .open(path)
            .await
    }

    /// Creates `path` for reading and writing, failing with `AlreadyExists`
    /// if it exists.
    pub async fn create_new(path: impl AsRef<Path>) -> io::Result<File> {
        Self::options()
            .read(true)
            .write(true)
            .create_new(true)
            .open(path)
            .await
    }

    /// Options to open a file with ([`OpenOptions::new`]).
    #[must_use]
    pub fn options() -> OpenOptions {
        OpenOptions::new()
    }

    /// Wraps an open std file.
    pub fn from_std(std: StdFile) -> File {
        File {
            std: Arc::new(std),
            inner: Mutex::new(Inner {
                state: State::Idle(Some(Buf::default())),
                last_write_err: None,
                pos: 0,
            }),
            max_buf_size: DEFAULT_MAX_BUF_SIZE,
        }
    }

    /// Waits for the operation in flight, then flushes data and metadata to
    /// the device (`fsync`).
    pub async fn sync_all(&self) -> io::Result<()> {
        let mut inner = self.inner.lock().await;
        inner.complete_inflight().await;
        let std = self.std.clone();
        asyncify(move || std.sync_all()).await
    }

    /// Waits for the operation in flight, then flushes data (and only the
    /// metadata needed to read it back) to the device (`fdatasync`).
    pub async fn sync_data(&self) -> io::Result<()> {
        let mut inner = self.inner.lock().await;
        inner.complete_inflight().await;
        let std = self.std.clone();
        asyncify(move || std.sync_data()).await
    }

    /// Truncates or extends the file to `size` bytes, after the operation in
    /// flight. The file position does not move (beyond giving back bytes
    /// read ahead and not taken).
    pub async fn set_len(&self, size: u64) -> io::Result<()> {
        let mut inner = self.inner.lock().await;
        inner.complete_inflight().await;
        let mut buf = inner.take_idle_buf();
        let seek = (!buf.is_empty()).then(|| SeekFrom::Current(buf.discard_read()));
        let std = self.std.clone();
        inner.state = State::Busy(blocking::spawn(move || {
            let res = match seek {
                Some(seek) => (&*std).seek(seek).map(drop),
                None => Ok(()),
            };
            let res = res
                .and_then(|()| std.set_len(size))
                .and_then(|()| (&*std).stream_position());
            (Operation::Seek(res), buf)
        }));
        match poll_fn(|cx| inner.poll_job(cx)).await? {
            Operation::Seek(res) => res.map(|pos| inner.pos = pos),
            _ => unreachable!("set_len's job is a seek"),
        }
    }

    /// The file's metadata (`fstat`).
    pub async fn metadata(&self) -> io::Result<Metadata> {
        let std = self.std.clone();
        asyncify(move || std.metadata()).await
    }

    /// A new `File` for the same open file (`dup`), after the operation in
    /// flight: both share the file position.
    pub async fn try_clone(&self) -> io::Result<File> {
        self.inner.lock().await.complete_inflight().await;
        let std = self.std.clone();
        let clone = asyncify(move || std.try_clone()).await?;
        let mut file = File::from_std(clone);
        file.set_max_buf_size(self.max_buf_size);
        Ok(file)
    }

    /// Waits for the operation in flight, then returns the std file. A
    /// pending write error is lost: flush first to see it.
    pub async fn into_std(mut self) -> StdFile {
        self.inner.get_mut().complete_inflight().await;
        Arc::try_unwrap(self.std).expect("no job holds the file once none is in flight")
    }

    /// The std file, at once, or `Err(self)` if an operation is in flight.
    #[allow(clippy::result_large_err)]
    pub fn try_into_std(mut self) -> Result<StdFile, File> {
        match Arc::try_unwrap(self.std) {
            Ok(file) => Ok(file),
            Err(std) => {
                self.std = std;
                Err(self)
            }
        }
    }

    /// Changes the file's permissions (`fchmod`).
    pub async fn set_permissions(&self, perm: Permissions) -> io::Result<()> {
        let std = self.std.clone();
        asyncify(move || std.set_permissions(perm)).await
    }

    /// Sets the file's access and/or modification times, after the
    /// operation in flight (so a late write cannot overwrite them).
    pub async fn set_times(&self, times: FileTimes) -> io::Result<()> {
        self.inner.lock().await.complete_inflight().await;
        let std = self.std.clone();
        let times = times.into_std();
        asyncify(move || std.set_times(times)).await
    }

    /// Sets the file's modification time, as [`set_times`](Self::set_times).
    pub async fn set_modified(&self, time: std::time::SystemTime) -> io::Result<()> {
        self.set_times(FileTimes::new().set_modified(time)).await
    }

    /// The most bytes one read or write moves (2 MiB by default). Panics if
    /// `max_buf_size` is 0.
    #[track_caller]
    pub fn set_max_buf_size(&mut self, max_buf_size: usize) {
        assert!(max_buf_size > 0, "`max_buf_size` must be greater than 0");
        self.max_buf_size = max_buf_size;
    }

    /// The most bytes one read or write moves.
    pub fn max_buf_size(&self) -> usize {
        self.max_buf_size
    }
}

impl Inner {
    /// The idle state's buffer; only called with no operation in flight.
    fn take_idle_buf(&mut self) -> Buf {
        match &mut self.state {
            State::Idle(buf) => buf.take().unwrap_or_default(),
            State::Busy(_) => unreachable!("an operation is in flight"),
        }
    }

    /// Polls the job in flight to its end and puts its buffer back (a job
    /// that never ran lost it: a fresh one takes its place).
    fn poll_job(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<Operation>> {
        let State::Busy(job) = &mut self.state else {
            unreachable!("poll_job with no job in flight")
        };
        let res = ready!(Pin::new(job).poll(cx));
        let (res, buf) = match res {
            Ok((op, buf)) => (Ok(op), buf),
            Err(e) => (Err(e), Buf::default()),
        };
        self.state = State::Idle(Some(buf));
        Poll::Ready(res)
    }

    /// Waits for the operation in flight; a write error is kept for the
    /// next operation to report.
    async fn complete_inflight(&mut self) {
        poll_fn(|cx| match ready!(self.poll_flush(cx)) {
            Err(e) => {
                self.last_write_err = Some(e);
                Poll::Ready(())
            }
            Ok(()) => Poll::Ready(()),
        })
        .await
    }

    /// Waits for the operation in flight and reports a write's error (a
    /// `File` has no user-space buffer beyond the job in flight).
    fn poll_flush(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        if let Some(e) = self.last_write_err.take() {
            return Poll::Ready(Err(e));
        }
        if let State::Idle(_) = self.state {
            return Poll::Ready(Ok(()));
        }
        match ready!(self.poll_job(cx))? {
            Operation::Write(res) => Poll::Ready(res),
            Operation::Read(_) | Operation::Seek(_) => Poll::Ready(Ok(())),
        }
    }
}

impl From<StdFile> for File {
    fn from(std: StdFile) -> File {
        File::from_std(std)
    }
}

impl From<OwnedFd> for File {
    fn from(fd: OwnedFd) -> File {
        File::from_std(StdFile::from(fd))
    }
}

impl AsRawFd for File {
    fn as_raw_fd(&self) -> RawFd {
        self.std.as_raw_fd()
    }
}

impl AsFd for File {
    fn as_fd(&self) -> BorrowedFd<'_> {
        self.std.as_fd()
    }
}

impl fmt::Debug for File {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("mini_rt::fs::File")
            .field("std", &self.std)
            .finish()
    }
}
