//! `FileTimes`: the timestamps [`File::set_times`](super::File::set_times) sets.

use std::time::SystemTime;

/// Access and modification times to set on a file with
/// [`File::set_times`](super::File::set_times), as tokio's (std's
/// `FileTimes`, which is not `Send` on every platform, as plain values).
///
/// ```
/// # use mini_rt_runtime as mini_rt;
/// use mini_rt::fs::{File, FileTimes};
/// use std::time::{Duration, SystemTime};
///
/// let path = std::env::temp_dir().join(format!("mini_rt-doc-times-{}", std::process::id()));
/// let when = SystemTime::UNIX_EPOCH + Duration::from_secs(1_000_000_000);
/// mini_rt::runtime::Runtime::new().unwrap().block_on(async {
///     let file = File::create(&path).await?;
///     file.set_times(FileTimes::new().set_modified(when)).await?;
///     assert_eq!(file.metadata().await?.modified()?, when);
///     mini_rt::fs::remove_file(&path).await
/// }).unwrap();
/// ```
#[derive(Clone, Copy, Debug, Default)]
#[must_use = "FileTimes only has an effect when passed to File::set_times"]
pub struct FileTimes {
    accessed: Option<SystemTime>,
    modified: Option<SystemTime>,
}

impl FileTimes {
    /// Sets no time: each one left unset keeps its current value.
    pub fn new() -> FileTimes {
        FileTimes::default()
    }

    /// The last access time to set.
    pub fn set_accessed(mut self, t: SystemTime) -> FileTimes {
        self.accessed = Some(t);
        self
    }

    /// The last modification time to set.
    pub fn set_modified(mut self, t: SystemTime) -> FileTimes {
        self.modified = Some(t);
        self
    }

    pub(crate) fn into_std(self) -> std::fs::FileTimes {
        let mut times = std::fs::FileTimes::new();
        if let Some(t) = self.accessed {
            times = times.set_accessed(t);
        }
        if let Some(t) = self.modified {
            times = times.set_modified(t);
        }
        times
    }
}
