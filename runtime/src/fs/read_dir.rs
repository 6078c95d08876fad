//! `read_dir`, `ReadDir` and `DirEntry`: listing a directory, as tokio's.

use super::asyncify;
use crate::io::blocking::{self, BlockingTask};
use std::collections::VecDeque;
use std::ffi::OsString;
use std::fs::{FileType, Metadata};
use std::future::{poll_fn, Future};
use std::io;
use std::os::unix::fs::DirEntryExt;
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::sync::Arc;
use std::task::{ready, Context, Poll};

/// Entries read per hand-off to the blocking pool (tokio's batch size).
const CHUNK_SIZE: usize = 32;

/// What a hand-off returns: the entries read, the std iterator, and
/// whether it may have more.
type Chunk = (VecDeque<io::Result<DirEntry>>, std::fs::ReadDir, bool);

/// Opens the directory `path` for listing with
/// [`ReadDir::next_entry`] (`std::fs::read_dir`). Entries come in no
/// particular order; `.` and `..` are left out.
pub async fn read_dir(path: impl AsRef<Path>) -> io::Result<ReadDir> {
    let path = path.as_ref().to_owned();
    asyncify(move || {
        let mut std = std::fs::read_dir(path)?;
        let mut buf = VecDeque::with_capacity(CHUNK_SIZE);
        let more = next_chunk(&mut buf, &mut std);
        Ok(ReadDir(State::Idle(Some((buf, std, more)))))
    })
    .await
}

/// The entries of a directory, from [`read_dir`].
///
/// They are read from the OS in batches of 32 on the blocking pool, as in
/// tokio.
///
/// ```
/// # use mini_rt_runtime as mini_rt;
/// use mini_rt::fs;
///
/// let dir = std::env::temp_dir().join(format!("mini_rt-doc-readdir-{}", std::process::id()));
/// mini_rt::runtime::Runtime::new().unwrap().block_on(async {
///     fs::create_dir_all(&dir).await?;
///     fs::write(dir.join("a"), "").await?;
///     let mut entries = fs::read_dir(&dir).await?;
///     let mut names = Vec::new();
///     while let Some(entry) = entries.next_entry().await? {
///         assert!(entry.file_type().await?.is_file());
///         names.push(entry.file_name());
///     }
///     assert_eq!(names, ["a"]);
///     fs::remove_dir_all(&dir).await
/// }).unwrap();
/// ```
#[derive(Debug)]
#[must_use = "streams do nothing unless polled"]
pub struct ReadDir(State);

#[derive(Debug)]
enum State {
    Idle(Option<Chunk>),
    Pending(BlockingTask<Chunk>),
}

impl ReadDir {
    /// The next entry, or `None` when the listing is done. Cancel safe: an
    /// entry read by a cancelled call is returned by the next one.
    pub async fn next_entry(&mut self) -> io::Result<Option<DirEntry>> {
        poll_fn(|cx| self.poll_next_entry(cx)).await
    }

    /// Polls for the next entry, as [`next_entry`](Self::next_entry).
    pub fn poll_next_entry(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<Option<DirEntry>>> {
        loop {
            match &mut self.0 {
                State::Idle(data) => {
                    let Some((buf, _, more)) = data.as_mut() else {
                        return Poll::Ready(Err(blocking::background_task_failed()));
                    };
                    if let Some(entry) = buf.pop_front() {
                        return Poll::Ready(entry.map(Some));
                    }
                    if !*more {
                        return Poll::Ready(Ok(None));
                    }
                    let (mut buf, mut std, _) = data.take().expect("checked above");
                    self.0 = State::Pending(blocking::spawn(move || {
                        let more = next_chunk(&mut buf, &mut std);
                        (buf, std, more)
                    }));
                }
                State::Pending(job) => match ready!(Pin::new(job).poll(cx)) {
                    Ok(chunk) => self.0 = State::Idle(Some(chunk)),
                    // A job dropped unrun took the iterator with it: the
                    // listing ends with that error.
                    Err(e) => {
                        self.0 = State::Idle(None);
                        return Poll::Ready(Err(e));
                    }
                },
            }
        }
    }
}

/// Reads up to `CHUNK_SIZE` entries into `buf` (stopping after an error);
/// returns whether the iterator may have more.
fn next_chunk(buf: &mut VecDeque<io::Result<DirEntry>>, std: &mut std::fs::ReadDir) -> bool {
    for _ in 0..CHUNK_SIZE {
        let Some(entry) = std.next() else {
            return false;
        };
        let ok = entry.is_ok();
        buf.push_back(entry.map(|std| DirEntry {
            file_type: std.file_type().ok(),
            std: Arc::new(std),
        }));
        if !ok {
            break;
        }
    }
    true
}

/// One entry of a directory listing, from [`ReadDir::next_entry`].
///
/// Its file type usually comes with the listing (no extra system call);
/// [`metadata`](DirEntry::metadata) is a `stat` on the blocking pool.
///
/// ```
/// # use mini_rt_runtime as mini_rt;
/// let dir = std::env::temp_dir().join(format!("mini_rt-doc-direntry-{}", std::process::id()));
/// mini_rt::runtime::Runtime::new().unwrap().block_on(async {
///     mini_rt::fs::create_dir_all(dir.join("sub")).await?;
///     let mut entries = mini_rt::fs::read_dir(&dir).await?;
///     let entry = entries.next_entry().await?.expect("one entry");
///     assert_eq!(entry.file_name(), "sub");
///     assert_eq!(entry.path(), dir.join("sub"));
///     assert!(entry.metadata().await?.is_dir());
///     mini_rt::fs::remove_dir_all(&dir).await
/// }).unwrap();
/// ```
#[derive(Debug)]
pub struct DirEntry {
    file_type: Option<FileType>,
    std: Arc<std::fs::DirEntry>,
}

impl DirEntry {
    /// The full path: the directory given to [`read_dir`] joined with
    /// [`file_name`](Self::file_name).
    pub fn path(&self) -> PathBuf {
        self.std.path()
    }

    /// The entry's name within its directory.
    pub fn file_name(&self) -> OsString {
        self.std.file_name()
    }

    /// The entry's inode number, as the listing reported it.
    pub fn ino(&self) -> u64 {
        self.std.ino()
    }

    /// The entry's metadata, not following a symbolic link.
    pub async fn metadata(&self) -> io::Result<Metadata> {
        let std = self.std.clone();
        asyncify(move || std.metadata()).await
    }

    /// The entry's file type, not following a symbolic link: from the
    /// listing when it said, else with a `stat` on the blocking pool.
    pub async fn file_type(&self) -> io::Result<FileType> {
        if let Some(file_type) = self.file_type {
            return Ok(file_type);
        }
        let std = self.std.clone();
        asyncify(move || std.file_type()).await
    }
}
