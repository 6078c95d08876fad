//! [`Backend`]: which readiness multiplexer a runtime uses.

use crate::sys::Trigger;
use std::io;

/// Which readiness multiplexer a runtime (or a [`Poller`](crate::poller::Poller)) uses.
///
/// Chosen with [`Builder::backend`](crate::runtime::Builder::backend), the
/// `MINI_RT_BACKEND` environment variable or `#[mini_rt::main(backend = "...")]`;
/// every async API behaves the same whichever it is.
///
/// ```
/// # use mini_rt_runtime as mini_rt;
/// use mini_rt::runtime::{Backend, Builder};
///
/// for backend in Backend::ALL {
///     let rt = Builder::new_current_thread().enable_all().backend(backend).build()?;
///     assert_eq!(rt.backend(), backend);
///     // The names `MINI_RT_BACKEND` and the macros' `backend = ".."` take.
///     assert_eq!(Backend::from_name(backend.name())?, backend);
/// }
/// # Ok::<(), std::io::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum Backend {
    /// epoll in edge-triggered mode: one `epoll_ctl` per fd for its lifetime (the default).
    #[default]
    EpollEdge,
    /// epoll in level-triggered mode: only interests with a waiting task are armed.
    EpollLevel,
    /// epoll with `EPOLLONESHOT`: the fd is re-armed each time a task waits on it.
    EpollOneshot,
    /// `ppoll(2)`: O(registered fds) per call, no fd limit.
    Poll,
    /// `pselect(2)`: O(highest fd) per call, refuses fds ≥ `FD_SETSIZE` (1024).
    Select,
    /// io_uring multishot poll requests (Linux ≥ 5.13), edge-triggered like
    /// [`Backend::EpollEdge`]: one request per fd for its lifetime, submitted
    /// by the same `io_uring_enter` that waits, so registering makes no
    /// system call of its own. Where the kernel refuses io_uring (too old,
    /// `kernel.io_uring_disabled`, a seccomp filter) or the crate was built
    /// without its `io-uring` feature, building a runtime or a
    /// [`Poller`](crate::poller::Poller) fails with
    /// [`io::ErrorKind::Unsupported`] and a message naming the cause and the
    /// backends that work; there is no silent fallback.
    IoUring,
}

impl Backend {
    /// Every backend, in the order the docs list them.
    pub const ALL: [Backend; 6] = [
        Backend::EpollEdge,
        Backend::EpollLevel,
        Backend::EpollOneshot,
        Backend::Poll,
        Backend::Select,
        Backend::IoUring,
    ];

    /// The name used by `MINI_RT_BACKEND` and `#[mini_rt::main(backend = "...")]`.
    pub const fn name(self) -> &'static str {
        match self {
            Backend::EpollEdge => "epoll",
            Backend::EpollLevel => "epoll-lt",
            Backend::EpollOneshot => "epoll-oneshot",
            Backend::Poll => "poll",
            Backend::Select => "select",
            Backend::IoUring => "io-uring",
        }
    }

    /// Parses a backend name (see [`Backend::name`]); an unknown name is an
    /// `InvalidInput` error listing the accepted ones.
    pub fn from_name(name: &str) -> io::Result<Backend> {
        Backend::ALL
            .into_iter()
            .find(|b| b.name() == name)
            .ok_or_else(|| {
                let known: Vec<&str> = Backend::ALL.iter().map(|b| b.name()).collect();
                io::Error::new(
                    io::ErrorKind::InvalidInput,
                    format!(
                        "unknown mini_rt backend {name:?}; expected one of: {}",
                        known.join(", ")
                    ),
                )
            })
    }

    /// The backend named by the `MINI_RT_BACKEND` environment variable, if it is set.
    pub fn from_env() -> io::Result<Option<Backend>> {
        match std::env::var("MINI_RT_BACKEND") {
            Ok(v) => Backend::from_name(v.trim())
                .map(Some)
                .map_err(|e| io::Error::new(e.kind(), format!("MINI_RT_BACKEND: {e}"))),
            Err(std::env::VarError::NotPresent) => Ok(None),
            Err(e) => Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("MINI_RT_BACKEND: {e}"),
            )),
        }
    }

    pub(crate) const fn trigger(self) -> Trigger {
        match self {
            // A multishot poll request reports wakeups, not states: edge.
            Backend::EpollEdge | Backend::IoUring => Trigger::Edge,
            Backend::EpollOneshot => Trigger::Oneshot,
            Backend::EpollLevel | Backend::Poll | Backend::Select => Trigger::Level,
        }
    }
}

impl std::str::FromStr for Backend {
    type Err = io::Error;
    fn from_str(s: &str) -> io::Result<Backend> {
        Backend::from_name(s)
    }
}

impl std::fmt::Display for Backend {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.pad(self.name())
    }
}
