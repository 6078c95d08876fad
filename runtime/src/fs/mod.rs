//! Files and directories, as tokio's `tokio::fs`: the same functions and
//! types, each operation run on the runtime's blocking pool.
//!
//! # Why a thread pool and not the reactor
//!
//! The reactor waits for readiness (epoll, poll, select), and readiness
//! means nothing for regular files: the kernel always reports them
//! readable and writable, and a read or write that has to go to the disk
//! then blocks the caller anyway (`O_NONBLOCK` is ignored for them; epoll
//! even refuses to register one, with `EPERM`). The only portable way to
//! keep a slow disk, a network file system or a large directory from
//! stalling every task is, as in tokio, to run each blocking call on a
//! thread of the pool ([`spawn_blocking`](crate::task::spawn_blocking)) and
//! await its result.
//!
//! That makes each operation cost a hand-off to another thread: many small
//! reads or writes are much slower than one large one. Batch them (the free
//! functions [`read`] and [`write`](fn@write) do a whole file in one hand-off), or wrap
//! a [`File`] in a [`BufReader`](crate::io::BufReader) /
//! [`BufWriter`](crate::io::BufWriter).
//!
//! # Writes are buffered, as in tokio
//!
//! [`File`]'s `poll_write` copies the bytes and returns as soon as a pool
//! thread has them; the write itself happens in the background. An error
//! from it is reported by the next operation on the file, or by
//! [`flush`](crate::io::AsyncWriteExt::flush). So flush before dropping a
//! `File` whose writes you need to know succeeded; a write that was
//! accepted is still carried out if the `File` is dropped unflushed.
//!
//! Every function here needs a running runtime (it panics outside one, as
//! tokio's do).
//!
//! ```
//! # use mini_rt_runtime as mini_rt;
//! use mini_rt::fs;
//!
//! let dir = std::env::temp_dir().join(format!("mini_rt-doc-fs-{}", std::process::id()));
//! mini_rt::runtime::Runtime::new().unwrap().block_on(async {
//!     fs::create_dir_all(&dir).await?;
//!     fs::write(dir.join("hello.txt"), "hello").await?;
//!     assert_eq!(fs::read_to_string(dir.join("hello.txt")).await?, "hello");
//!     fs::remove_dir_all(&dir).await
//! }).unwrap();
//! ```

mod dir_builder;
mod file;
mod file_times;
mod functions;
mod open_options;
mod read_dir;

pub use dir_builder::DirBuilder;
pub use file::File;
pub use file_times::FileTimes;
pub use functions::{
    canonicalize, copy, create_dir, create_dir_all, hard_link, metadata, read, read_link,
    read_to_string, remove_dir, remove_dir_all, remove_file, rename, set_permissions, symlink,
    symlink_metadata, try_exists, write,
};
pub use open_options::OpenOptions;
pub use read_dir::{read_dir, DirEntry, ReadDir};

use std::io;

/// Runs the blocking `f` on the pool and awaits its result; a job dropped
/// unrun (the runtime shut down) is an error, as in tokio.
pub(crate) async fn asyncify<F, T>(f: F) -> io::Result<T>
where
    F: FnOnce() -> io::Result<T> + Send + 'static,
    T: Send + 'static,
{
    match crate::task::spawn_blocking(f).await {
        Ok(res) => res,
        Err(_) => Err(crate::io::blocking::background_task_failed()),
    }
}
