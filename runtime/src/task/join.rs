//! `JoinHandle` and `JoinError`.

use super::raw::{self, Header, Payload, RawTask};
use std::fmt;
use std::future::Future;
use std::marker::PhantomData;
use std::pin::Pin;
use std::ptr::NonNull;
use std::task::{Context, Poll};

/// An owned permission to await a spawned task's output (as tokio's).
///
/// Awaiting it yields `Ok(output)`, or a [`JoinError`] if the task panicked or
/// was aborted. Dropping it detaches the task, which keeps running.
///
/// ```
/// # use mini_rt_runtime as mini_rt;
/// use mini_rt::time::{sleep, Duration};
///
/// # mini_rt::runtime::Runtime::new().unwrap().block_on(async {
/// let handle = mini_rt::spawn(async { 6 * 7 });
/// assert_eq!(handle.await.unwrap(), 42);
///
/// // An aborted task yields a cancelled `JoinError`.
/// let sleeper = mini_rt::spawn(sleep(Duration::from_secs(3600)));
/// sleeper.abort();
/// assert!(sleeper.await.unwrap_err().is_cancelled());
/// # });
/// ```
pub struct JoinHandle<T> {
    raw: NonNull<Header>,
    _p: PhantomData<T>,
}

// SAFETY: the handle only touches the thread-safe state word, the join waker
// slot under the JOIN_WAKER protocol, and the output (a `T`) once the task is
// complete; so it may move to another thread whenever `T` can.
unsafe impl<T: Send> Send for JoinHandle<T> {}
// SAFETY: `&JoinHandle` only allows `abort` and `is_finished` (atomics).
unsafe impl<T: Send> Sync for JoinHandle<T> {}

impl<T> Unpin for JoinHandle<T> {}

impl<T> JoinHandle<T> {
    /// # Safety
    /// `raw` is a task whose output type is `T`, and the caller gives this
    /// handle one counted reference plus the task's JOIN_INTEREST.
    pub(super) unsafe fn new(raw: NonNull<Header>) -> JoinHandle<T> {
        JoinHandle {
            raw,
            _p: PhantomData,
        }
    }

    /// Cancels the task: its future is dropped at its next scheduling point
    /// (on the runtime thread) and awaiting this handle yields a cancelled
    /// [`JoinError`]. No effect if the task already finished.
    pub fn abort(&self) {
        // SAFETY: we hold a reference.
        unsafe { raw::remote_abort(self.raw) }
    }

    /// Whether the task has finished (completed, panicked or been cancelled).
    pub fn is_finished(&self) -> bool {
        // SAFETY: we hold a reference, so the header is alive.
        let state = unsafe { self.raw.as_ref() }.state.load();
        state & super::state::COMPLETE != 0
    }

    /// A handle that can abort the task without owning its output.
    pub fn abort_handle(&self) -> super::AbortHandle {
        // SAFETY: we hold a reference, so the header is alive; the new
        // reference is counted before it is wrapped.
        let raw = unsafe {
            self.raw.as_ref().state.ref_inc();
            RawTask::from_raw_ref(self.raw)
        };
        super::AbortHandle::new(raw)
    }
}

impl<T> Future for JoinHandle<T> {
    type Output = Result<T, JoinError>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let mut out: Poll<Result<T, JoinError>> = Poll::Pending;
        // SAFETY: `out` has the type our task writes; we are its join handle.
        unsafe {
            raw::join_try_read(
                self.raw,
                (&mut out as *mut Poll<Result<T, JoinError>>).cast(),
                cx.waker(),
            )
        };
        out
    }
}

impl<T> Drop for JoinHandle<T> {
    fn drop(&mut self) {
        // SAFETY: we are the join handle and give up our reference.
        unsafe { raw::join_drop(self.raw) }
    }
}

impl<T> fmt::Debug for JoinHandle<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("JoinHandle")
            .field("finished", &self.is_finished())
            .finish()
    }
}

enum Repr {
    Cancelled,
    Panic(parking_lot::Mutex<Payload>),
}

/// Why a task did not produce its output: it was cancelled or it panicked.
///
/// A panic stays inside its task: the runtime and the other tasks go on, and
/// whoever awaits the task gets the payload back.
///
/// ```
/// # use mini_rt_runtime as mini_rt;
/// # mini_rt::runtime::Runtime::new().unwrap().block_on(async {
/// let err = mini_rt::spawn(async { panic!("boom") }).await.unwrap_err();
/// assert!(err.is_panic() && !err.is_cancelled());
/// let payload = err.into_panic();
/// assert_eq!(payload.downcast_ref::<&str>(), Some(&"boom"));
/// # });
/// ```
pub struct JoinError {
    repr: Repr,
}

impl JoinError {
    pub(crate) fn cancelled() -> JoinError {
        JoinError {
            repr: Repr::Cancelled,
        }
    }

    pub(crate) fn panic(payload: Payload) -> JoinError {
        JoinError {
            repr: Repr::Panic(parking_lot::Mutex::new(payload)),
        }
    }

    /// Whether the task was cancelled (aborted, or its runtime shut down).
    pub fn is_cancelled(&self) -> bool {
        matches!(self.repr, Repr::Cancelled)
    }

    /// Whether the task panicked.
    pub fn is_panic(&self) -> bool {
        matches!(self.repr, Repr::Panic(_))
    }

    /// The panic payload. Panics if the task was cancelled instead.
    pub fn into_panic(self) -> Payload {
        self.try_into_panic()
            .expect("`JoinError` reason is not a panic.")
    }

    /// The panic payload, or the error back if the task was cancelled.
    pub fn try_into_panic(self) -> Result<Payload, JoinError> {
        match self.repr {
            Repr::Panic(p) => Ok(p.into_inner()),
            Repr::Cancelled => Err(self),
        }
    }

    fn panic_message(&self) -> Option<String> {
        match &self.repr {
            Repr::Panic(p) => {
                let p = p.lock();
                p.downcast_ref::<&str>()
                    .map(|s| s.to_string())
                    .or_else(|| p.downcast_ref::<String>().cloned())
            }
            Repr::Cancelled => None,
        }
    }
}

impl fmt::Display for JoinError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.repr, self.panic_message()) {
            (Repr::Cancelled, _) => write!(f, "task was cancelled"),
            (Repr::Panic(_), Some(m)) => write!(f, "task panicked with message {m:?}"),
            (Repr::Panic(_), None) => write!(f, "task panicked"),
        }
    }
}

impl fmt::Debug for JoinError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.repr, self.panic_message()) {
            (Repr::Cancelled, _) => write!(f, "JoinError::Cancelled"),
            (Repr::Panic(_), Some(m)) => write!(f, "JoinError::Panic({m:?})"),
            (Repr::Panic(_), None) => write!(f, "JoinError::Panic(..)"),
        }
    }
}

impl std::error::Error for JoinError {}

impl From<JoinError> for std::io::Error {
    fn from(e: JoinError) -> std::io::Error {
        std::io::Error::other(e.to_string())
    }
}
