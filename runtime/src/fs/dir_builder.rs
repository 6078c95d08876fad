//! `DirBuilder`: creating directories with options, as std's and tokio's.

use super::asyncify;
use std::io;
use std::os::unix::fs::DirBuilderExt;
use std::path::Path;

/// Creates directories, optionally with their parents and a given mode, as
/// tokio's `DirBuilder` (std's, with an async [`create`](DirBuilder::create)).
///
/// ```
/// # use mini_rt_runtime as mini_rt;
/// use mini_rt::fs::DirBuilder;
///
/// let dir = std::env::temp_dir().join(format!("mini_rt-doc-dirbuilder-{}", std::process::id()));
/// mini_rt::runtime::Runtime::new().unwrap().block_on(async {
///     DirBuilder::new().recursive(true).mode(0o755).create(dir.join("a/b")).await?;
///     assert!(mini_rt::fs::metadata(dir.join("a/b")).await?.is_dir());
///     mini_rt::fs::remove_dir_all(&dir).await
/// }).unwrap();
/// ```
#[derive(Debug, Default)]
pub struct DirBuilder {
    recursive: bool,
    mode: Option<u32>,
}

impl DirBuilder {
    /// Non-recursive, default mode (0o777 before the umask).
    pub fn new() -> DirBuilder {
        DirBuilder::default()
    }

    /// Also create missing parents; then an existing directory is no error.
    pub fn recursive(&mut self, recursive: bool) -> &mut DirBuilder {
        self.recursive = recursive;
        self
    }

    /// The permission bits of the directories created (before the umask).
    pub fn mode(&mut self, mode: u32) -> &mut DirBuilder {
        self.mode = Some(mode);
        self
    }

    /// Creates `path` with these options, on the blocking pool.
    pub async fn create(&self, path: impl AsRef<Path>) -> io::Result<()> {
        let path = path.as_ref().to_owned();
        let mut builder = std::fs::DirBuilder::new();
        builder.recursive(self.recursive);
        if let Some(mode) = self.mode {
            builder.mode(mode);
        }
        asyncify(move || builder.create(path)).await
    }
}
