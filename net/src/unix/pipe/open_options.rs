//! `pipe::OpenOptions`: opening a FIFO as a [`Sender`] or a [`Receiver`].

use super::{check_pipe, sys, Receiver, Sender};
use std::fs::File;
use std::io;
use std::os::unix::fs::OpenOptionsExt;
use std::path::Path;

/// Options for opening a FIFO (a named pipe) as a [`Sender`] or a
/// [`Receiver`], as tokio's `pipe::OpenOptions`. The file is opened
/// non-blocking: opening the sending end while no process has the FIFO open
/// for reading fails with `ENXIO`, unless [`read_write`](Self::read_write)
/// is set.
///
/// ```
/// # mod mini_rt { pub use mini_rt_runtime::*; pub mod net { pub use mini_rt_net::*; } }
/// # mini_rt::runtime::Runtime::new().unwrap().block_on(async {
/// use mini_rt::io::{AsyncReadExt, AsyncWriteExt};
/// use mini_rt::net::unix::pipe;
///
/// let dir = std::env::temp_dir().join(format!("mini_rt-doc-fifo-{}", std::process::id()));
/// std::fs::create_dir_all(&dir)?;
/// let path = dir.join("fifo");
/// assert!(std::process::Command::new("mkfifo").arg(&path).status()?.success());
///
/// // The reader first: opening a sender needs one (unless `read_write`).
/// let mut rx = pipe::OpenOptions::new().open_receiver(&path)?;
/// let mut tx = pipe::OpenOptions::new().open_sender(&path)?;
/// tx.write_all(b"through a FIFO").await?;
/// drop(tx);
/// let mut got = String::new();
/// rx.read_to_string(&mut got).await?;
/// assert_eq!(got, "through a FIFO");
///
/// // Anything but a FIFO is refused (here, a directory).
/// let err = pipe::OpenOptions::new().open_receiver(&dir).unwrap_err();
/// assert_eq!(err.kind(), std::io::ErrorKind::InvalidInput);
/// std::fs::remove_dir_all(&dir)?;
/// # Ok::<(), std::io::Error>(())
/// # }).unwrap();
/// ```
#[derive(Clone, Debug, Default)]
pub struct OpenOptions {
    read_write: bool,
    unchecked: bool,
}

impl OpenOptions {
    /// Options that open a FIFO for one direction only, checking that it is one.
    pub fn new() -> OpenOptions {
        OpenOptions::default()
    }

    /// Opens the FIFO for reading and writing (`O_RDWR`, Linux): a sender
    /// can then be opened with no reader, and a receiver never sees end of
    /// stream, since it holds a writer itself.
    pub fn read_write(&mut self, value: bool) -> &mut Self {
        self.read_write = value;
        self
    }

    /// Skips the check that the path is a FIFO (by default anything else
    /// is `InvalidInput`, "not a pipe"): for character devices and other
    /// special files that behave like pipes.
    pub fn unchecked(&mut self, value: bool) -> &mut Self {
        self.unchecked = value;
        self
    }

    /// Opens the FIFO at `path` as a [`Receiver`].
    pub fn open_receiver<P: AsRef<Path>>(&self, path: P) -> io::Result<Receiver> {
        let file = self.open(path.as_ref(), true)?;
        Receiver::from_file_unchecked(file)
    }

    /// Opens the FIFO at `path` as a [`Sender`].
    pub fn open_sender<P: AsRef<Path>>(&self, path: P) -> io::Result<Sender> {
        let file = self.open(path.as_ref(), false)?;
        Sender::from_file_unchecked(file)
    }

    fn open(&self, path: &Path, receiver: bool) -> io::Result<File> {
        let file = std::fs::OpenOptions::new()
            .read(receiver || self.read_write)
            .write(!receiver || self.read_write)
            .custom_flags(sys::O_NONBLOCK)
            .open(path)?;
        if !self.unchecked {
            check_pipe(&file)?;
        }
        Ok(file)
    }
}
