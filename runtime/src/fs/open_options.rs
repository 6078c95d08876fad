//! `OpenOptions`: how to open a [`File`], as std's and tokio's.

use super::{asyncify, File};
use std::io;
use std::os::unix::fs::OpenOptionsExt;
use std::path::Path;

/// Options for opening a [`File`]: std's `OpenOptions` with an async
/// [`open`](OpenOptions::open), as tokio's. `From<std::fs::OpenOptions>`
/// takes any option std has.
///
/// ```
/// # use mini_rt_runtime as mini_rt;
/// use mini_rt::fs::OpenOptions;
/// use mini_rt::io::AsyncWriteExt;
///
/// let path = std::env::temp_dir().join(format!("mini_rt-doc-options-{}", std::process::id()));
/// mini_rt::runtime::Runtime::new().unwrap().block_on(async {
///     let mut file = OpenOptions::new().create(true).append(true).open(&path).await?;
///     file.write_all(b"one line\n").await?;
///     file.flush().await?;
///     assert_eq!(mini_rt::fs::read(&path).await?, b"one line\n");
///     mini_rt::fs::remove_file(&path).await
/// }).unwrap();
/// ```
#[derive(Clone, Debug)]
pub struct OpenOptions(std::fs::OpenOptions);

impl OpenOptions {
    /// No access and no creation: set what you need.
    pub fn new() -> OpenOptions {
        OpenOptions(std::fs::OpenOptions::new())
    }

    /// Read access.
    pub fn read(&mut self, read: bool) -> &mut OpenOptions {
        self.0.read(read);
        self
    }

    /// Write access.
    pub fn write(&mut self, write: bool) -> &mut OpenOptions {
        self.0.write(write);
        self
    }

    /// Append mode: every write goes to the end of the file (implies write
    /// access).
    pub fn append(&mut self, append: bool) -> &mut OpenOptions {
        self.0.append(append);
        self
    }

    /// Truncate an existing file to length 0 (needs write access).
    pub fn truncate(&mut self, truncate: bool) -> &mut OpenOptions {
        self.0.truncate(truncate);
        self
    }

    /// Create the file if it does not exist (needs write or append access).
    pub fn create(&mut self, create: bool) -> &mut OpenOptions {
        self.0.create(create);
        self
    }

    /// Create the file, failing with `AlreadyExists` if it exists (atomically).
    pub fn create_new(&mut self, create_new: bool) -> &mut OpenOptions {
        self.0.create_new(create_new);
        self
    }

    /// The permission bits a newly created file gets (before the umask).
    pub fn mode(&mut self, mode: u32) -> &mut OpenOptions {
        self.0.mode(mode);
        self
    }

    /// Extra `open(2)` flags (`libc::O_*`); the access mode bits are ignored.
    pub fn custom_flags(&mut self, flags: i32) -> &mut OpenOptions {
        self.0.custom_flags(flags);
        self
    }

    /// Opens `path` with these options, on the blocking pool.
    pub async fn open(&self, path: impl AsRef<Path>) -> io::Result<File> {
        let path = path.as_ref().to_owned();
        let opts = self.0.clone();
        let std = asyncify(move || opts.open(path)).await?;
        Ok(File::from_std(std))
    }
}

impl From<std::fs::OpenOptions> for OpenOptions {
    fn from(options: std::fs::OpenOptions) -> OpenOptions {
        OpenOptions(options)
    }
}

impl Default for OpenOptions {
    fn default() -> OpenOptions {
        OpenOptions::new()
    }
}
