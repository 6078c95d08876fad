//! `task_local!`: values scoped to a future (tokio's `task::LocalKey`).
//!
//! A scoped future swaps its value into a thread-local slot around each poll
//! of the inner future and takes it back afterwards, so the value follows
//! the future (and the task running it), not the thread.

use std::cell::RefCell;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::thread::LocalKey as StdLocalKey;

/// Declares task-local keys: `task_local! { static NAME: Type; }`.
///
/// ```
/// # use mini_rt_runtime as mini_rt;
/// mini_rt::task_local! {
///     static REQUEST_ID: u64;
/// }
///
/// # mini_rt::runtime::Runtime::new().unwrap().block_on(async {
/// REQUEST_ID.scope(7, async {
///     assert_eq!(REQUEST_ID.get(), 7);
/// }).await;
/// # });
/// ```
#[macro_export]
macro_rules! task_local {
    ($(#[$attr:meta])* $vis:vis static $name:ident: $t:ty; $($rest:tt)*) => {
        $(#[$attr])*
        $vis static $name: $crate::task::LocalKey<$t> = {
            ::std::thread_local! {
                static __SLOT: ::std::cell::RefCell<::std::option::Option<$t>> =
                    const { ::std::cell::RefCell::new(::std::option::Option::None) };
            }
            $crate::task::LocalKey { inner: __SLOT }
        };
        $crate::task_local!($($rest)*);
    };
    () => {};
}

/// A key for task-local data, declared with [`task_local!`](crate::task_local).
///
/// ```
/// # use mini_rt_runtime as mini_rt;
/// mini_rt::task_local! {
///     static USER: String;
/// }
///
/// # mini_rt::runtime::Runtime::new().unwrap().block_on(async {
/// let len = USER
///     .scope("ferris".to_string(), async {
///         // The value follows the future, across awaits.
///         mini_rt::task::yield_now().await;
///         USER.with(|name| name.len())
///     })
///     .await;
/// assert_eq!(len, 6);
/// # });
/// ```
pub struct LocalKey<T: 'static> {
    #[doc(hidden)]
    pub inner: StdLocalKey<RefCell<Option<T>>>,
}

/// Returned by [`LocalKey::try_with`] outside a scope of that key.
///
/// ```
/// # use mini_rt_runtime as mini_rt;
/// mini_rt::task_local! {
///     static ID: u32;
/// }
///
/// assert!(ID.try_with(|id| *id).is_err()); // outside any scope
/// assert_eq!(ID.sync_scope(7, || ID.try_with(|id| *id)), Ok(7));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccessError(());

impl fmt::Display for AccessError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("task-local value not set")
    }
}

impl std::error::Error for AccessError {}

impl<T: 'static> LocalKey<T> {
    /// Runs `f` with the value set to `value` for its whole execution.
    pub fn scope<F: Future>(&'static self, value: T, f: F) -> TaskLocalFuture<T, F> {
        TaskLocalFuture {
            key: self,
            slot: Some(value),
            future: Some(f),
        }
    }

    /// Runs the synchronous `f` with the value set.
    pub fn sync_scope<F: FnOnce() -> R, R>(&'static self, value: T, f: F) -> R {
        let mut slot = Some(value);
        self.swapped(&mut slot, f)
    }

    fn swapped<R>(&'static self, slot: &mut Option<T>, f: impl FnOnce() -> R) -> R {
        struct Guard<'a, T: 'static> {
            key: &'static LocalKey<T>,
            slot: &'a mut Option<T>,
        }
        impl<T> Drop for Guard<'_, T> {
            fn drop(&mut self) {
                self.key
                    .inner
                    .with(|c| std::mem::swap(&mut *c.borrow_mut(), self.slot));
            }
        }
        self.inner
            .with(|c| std::mem::swap(&mut *c.borrow_mut(), slot));
        let _guard = Guard { key: self, slot };
        f()
    }

    /// Runs `f` with a reference to the value. Panics outside a scope.
    #[track_caller]
    pub fn with<F: FnOnce(&T) -> R, R>(&'static self, f: F) -> R {
        self.try_with(f)
            .expect("cannot access a task-local storage value without setting it first")
    }

    /// Runs `f` with a reference to the value, or errors outside a scope.
    pub fn try_with<F: FnOnce(&T) -> R, R>(&'static self, f: F) -> Result<R, AccessError> {
        self.inner.with(|c| match c.borrow().as_ref() {
            Some(v) => Ok(f(v)),
            None => Err(AccessError(())),
        })
    }

    /// A copy of the value. Panics outside a scope.
    #[track_caller]
    pub fn get(&'static self) -> T
    where
        T: Clone,
    {
        self.with(T::clone)
    }
}

impl<T: 'static> fmt::Debug for LocalKey<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("LocalKey { .. }")
    }
}

pin_project_lite::pin_project! {
    /// A future with a task-local value set while it is polled.
    ///
    /// ```
    /// # use mini_rt_runtime as mini_rt;
    /// mini_rt::task_local! {
    ///     static DEPTH: u32;
    /// }
    ///
    /// # mini_rt::runtime::Runtime::new().unwrap().block_on(async {
    /// // The value is set only while the future is polled.
    /// let fut = DEPTH.scope(1, async { DEPTH.get() + 1 });
    /// assert!(DEPTH.try_with(|d| *d).is_err());
    /// assert_eq!(fut.await, 2);
    /// # });
    /// ```
    pub struct TaskLocalFuture<T: 'static, F> {
        key: &'static LocalKey<T>,
        slot: Option<T>,
        #[pin]
        future: Option<F>,
    }
}

impl<T: 'static, F: Future> Future for TaskLocalFuture<T, F> {
    type Output = F::Output;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        let mut this = self.project();
        let key = *this.key;
        key.swapped(this.slot, || match this.future.as_mut().as_pin_mut() {
            Some(f) => f.poll(cx),
            None => panic!("`TaskLocalFuture` polled after completion"),
        })
    }
}

impl<T: 'static, F> fmt::Debug for TaskLocalFuture<T, F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("TaskLocalFuture { .. }")
    }
}
