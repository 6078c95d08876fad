//! `AbortHandle`: cancel a task without owning its output.

use super::raw::RawTask;

use std::fmt;

/// A handle that can abort a task but not await it (tokio's `AbortHandle`).
/// Cloneable and `Send`/`Sync`.
///
/// ```
/// # use mini_rt_runtime as mini_rt;
/// use mini_rt::time::{sleep, Duration};
///
/// # mini_rt::runtime::Runtime::new().unwrap().block_on(async {
/// let task = mini_rt::spawn(sleep(Duration::from_secs(3600)));
/// let abort = task.abort_handle();
/// // The handle can go anywhere (it is `Send`), and cancels the task from there.
/// std::thread::spawn(move || abort.abort()).join().unwrap();
/// assert!(task.await.unwrap_err().is_cancelled());
/// # });
/// ```
#[derive(Clone)]
pub struct AbortHandle {
    raw: RawTask,
}

impl AbortHandle {
    pub(crate) fn new(raw: RawTask) -> AbortHandle {
        AbortHandle { raw }
    }

    /// Cancels the task (see [`JoinHandle::abort`](super::JoinHandle::abort)).
    pub fn abort(&self) {
        self.raw.abort();
    }

    /// Whether the task was aborted (or shut down with its runtime).
    pub(crate) fn is_cancelled(&self) -> bool {
        self.raw.is_cancelled()
    }

    /// Whether the task has finished.
    pub fn is_finished(&self) -> bool {
        self.raw.is_complete()
    }
}

impl fmt::Debug for AbortHandle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AbortHandle")
            .field("finished", &self.is_finished())
            .finish()
    }
}
