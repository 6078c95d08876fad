//! The free functions of `fs`: each is one `std::fs` call run on the
//! blocking pool, with std's (and tokio's) behaviour and errors.

use super::asyncify;
use std::fs::{Metadata, Permissions};
use std::io;
use std::path::{Path, PathBuf};

/// Reads the whole file at `path` (`std::fs::read` on the blocking pool).
///
/// One hand-off to the pool for the whole file: cheaper than reading a
/// [`File`](super::File) piece by piece.
pub async fn read(path: impl AsRef<Path>) -> io::Result<Vec<u8>> {
    let path = path.as_ref().to_owned();
    asyncify(move || std::fs::read(path)).await
}

/// Reads the whole file at `path` into a `String`; an error of kind
/// `InvalidData` if it is not UTF-8 (`std::fs::read_to_string`).
pub async fn read_to_string(path: impl AsRef<Path>) -> io::Result<String> {
    let path = path.as_ref().to_owned();
    asyncify(move || std::fs::read_to_string(path)).await
}

/// Writes `contents` as the whole file at `path`, creating it or truncating
/// it first (`std::fs::write`).
///
/// The bytes are copied for the pool thread (as tokio does).
///
/// ```
/// # use mini_rt_runtime as mini_rt;
/// let path = std::env::temp_dir().join(format!("mini_rt-doc-write-{}", std::process::id()));
/// mini_rt::runtime::Runtime::new().unwrap().block_on(async {
///     mini_rt::fs::write(&path, b"bytes").await?;
///     assert_eq!(mini_rt::fs::read(&path).await?, b"bytes");
///     mini_rt::fs::remove_file(&path).await
/// }).unwrap();
/// ```
pub async fn write(path: impl AsRef<Path>, contents: impl AsRef<[u8]>) -> io::Result<()> {
    let path = path.as_ref().to_owned();
    let contents = contents.as_ref().to_owned();
    asyncify(move || std::fs::write(path, contents)).await
}

/// Copies the contents and permissions of `from` to `to`, replacing `to`;
/// returns the number of bytes copied (`std::fs::copy`).
pub async fn copy(from: impl AsRef<Path>, to: impl AsRef<Path>) -> io::Result<u64> {
    let (from, to) = (from.as_ref().to_owned(), to.as_ref().to_owned());
    asyncify(move || std::fs::copy(from, to)).await
}

/// Creates the directory `path`; its parent must exist, and `path` must not
/// (`std::fs::create_dir`).
pub async fn create_dir(path: impl AsRef<Path>) -> io::Result<()> {
    let path = path.as_ref().to_owned();
    asyncify(move || std::fs::create_dir(path)).await
}

/// Creates the directory `path` and any missing parents; succeeds if it
/// already exists (`std::fs::create_dir_all`).
pub async fn create_dir_all(path: impl AsRef<Path>) -> io::Result<()> {
    let path = path.as_ref().to_owned();
    asyncify(move || std::fs::create_dir_all(path)).await
}

/// Removes the file (or symbolic link) `path` (`std::fs::remove_file`).
pub async fn remove_file(path: impl AsRef<Path>) -> io::Result<()> {
    let path = path.as_ref().to_owned();
    asyncify(move || std::fs::remove_file(path)).await
}

/// Removes the empty directory `path` (`std::fs::remove_dir`).
pub async fn remove_dir(path: impl AsRef<Path>) -> io::Result<()> {
    let path = path.as_ref().to_owned();
    asyncify(move || std::fs::remove_dir(path)).await
}

/// Removes the directory `path` with everything in it, without following
/// symbolic links (`std::fs::remove_dir_all`).
pub async fn remove_dir_all(path: impl AsRef<Path>) -> io::Result<()> {
    let path = path.as_ref().to_owned();
    asyncify(move || std::fs::remove_dir_all(path)).await
}

/// Renames `from` to `to`, replacing `to` if it exists (`std::fs::rename`).
pub async fn rename(from: impl AsRef<Path>, to: impl AsRef<Path>) -> io::Result<()> {
    let (from, to) = (from.as_ref().to_owned(), to.as_ref().to_owned());
    asyncify(move || std::fs::rename(from, to)).await
}

/// The metadata of `path`, following symbolic links (`std::fs::metadata`).
pub async fn metadata(path: impl AsRef<Path>) -> io::Result<Metadata> {
    let path = path.as_ref().to_owned();
    asyncify(move || std::fs::metadata(path)).await
}

/// The metadata of `path` itself, not following a symbolic link
/// (`std::fs::symlink_metadata`).
pub async fn symlink_metadata(path: impl AsRef<Path>) -> io::Result<Metadata> {
    let path = path.as_ref().to_owned();
    asyncify(move || std::fs::symlink_metadata(path)).await
}

/// The absolute path of `path` with every symbolic link, `.` and `..`
/// resolved (`std::fs::canonicalize`).
pub async fn canonicalize(path: impl AsRef<Path>) -> io::Result<PathBuf> {
    let path = path.as_ref().to_owned();
    asyncify(move || std::fs::canonicalize(path)).await
}

/// Creates `link` as a new hard link to `original` (`std::fs::hard_link`).
pub async fn hard_link(original: impl AsRef<Path>, link: impl AsRef<Path>) -> io::Result<()> {
    let (original, link) = (original.as_ref().to_owned(), link.as_ref().to_owned());
    asyncify(move || std::fs::hard_link(original, link)).await
}

/// Creates `link` as a symbolic link to `original`
/// (`std::os::unix::fs::symlink`).
pub async fn symlink(original: impl AsRef<Path>, link: impl AsRef<Path>) -> io::Result<()> {
    let (original, link) = (original.as_ref().to_owned(), link.as_ref().to_owned());
    asyncify(move || std::os::unix::fs::symlink(original, link)).await
}

/// Where the symbolic link `path` points (`std::fs::read_link`).
pub async fn read_link(path: impl AsRef<Path>) -> io::Result<PathBuf> {
    let path = path.as_ref().to_owned();
    asyncify(move || std::fs::read_link(path)).await
}

/// Changes the permissions of `path` (`std::fs::set_permissions`).
pub async fn set_permissions(path: impl AsRef<Path>, perm: Permissions) -> io::Result<()> {
    let path = path.as_ref().to_owned();
    asyncify(move || std::fs::set_permissions(path, perm)).await
}

/// Whether `path` exists: `Ok(false)` only if it is known not to (a broken
/// symbolic link counts as missing), an error if that cannot be told, e.g.
/// for lack of permission (`Path::try_exists`).
pub async fn try_exists(path: impl AsRef<Path>) -> io::Result<bool> {
    let path = path.as_ref().to_owned();
    asyncify(move || path.try_exists()).await
}
