//! Waiting for a child's exit through the reactor: a pidfd registered as
//! readable, or SIGCHLD deliveries where there is no pidfd.

use super::orphan;
use crate::io::Interest;
use crate::reactor::PollEvented;
use crate::signal::unix::{signal, Signal, SignalKind};
use crate::sys::process as os;
use std::cell::Cell;
use std::fmt;
use std::io;
use std::os::fd::OwnedFd;
use std::process::{Child as StdChild, ExitStatus};
use std::task::{ready, Context, Poll};

thread_local! {
    /// Children spawned on this thread use SIGCHLD even if pidfds work
    /// (`process::__force_sigchld_fallback`, for tests of that path).
    pub(super) static FORCE_SIGCHLD: Cell<bool> = const { Cell::new(false) };
}

/// How a child's exit reaches the reactor.
enum Watch {
    /// Readable once the child has exited.
    Pidfd(PollEvented<OwnedFd>),
    /// Each SIGCHLD: some child changed state, maybe ours.
    Sigchld(Signal),
}

impl Watch {
    /// A watch for the unreaped child `pid` on the current runtime.
    fn new(pid: u32) -> io::Result<Watch> {
        if !FORCE_SIGCHLD.get() {
            if let Some(fd) = os::pidfd_open(pid)? {
                return PollEvented::new_with_interest(fd, Interest::READABLE).map(Watch::Pidfd);
            }
        }
        signal(SignalKind::child()).map(Watch::Sigchld)
    }
}

/// A child process and the watch on its exit; reaps it (`waitpid`) once it
/// has exited.
pub(super) struct Reaper {
    /// `None` once dropped.
    child: Option<StdChild>,
    watch: Watch,
    /// Dropped unreaped: hand the child to a runtime task (true), or only
    /// to the orphan queue (for the runtime's own reaping task).
    adopt_on_drop: bool,
}

impl Reaper {
    /// Watches `child` on the current runtime; gives the child back if the
    /// watch cannot be set up.
    pub(super) fn new(child: StdChild) -> Result<Reaper, (io::Error, StdChild)> {
        Self::with(child, true)
    }

    /// The reaper a runtime task runs for a dropped child.
    pub(super) fn orphan(child: StdChild) -> Result<Reaper, (io::Error, StdChild)> {
        Self::with(child, false)
    }

    fn with(child: StdChild, adopt_on_drop: bool) -> Result<Reaper, (io::Error, StdChild)> {
        match Watch::new(child.id()) {
            Ok(watch) => Ok(Reaper {
                child: Some(child),
                watch,
                adopt_on_drop,
            }),
            Err(e) => Err((e, child)),
        }
    }

    /// The child's process id.
    pub(super) fn id(&self) -> u32 {
        self.child.as_ref().expect("present until dropped").id()
    }

    pub(super) fn child(&mut self) -> &mut StdChild {
        self.child.as_mut().expect("present until dropped")
    }

    /// Whether this child's exit is watched through a pidfd.
    pub(super) fn uses_pidfd(&self) -> bool {
        matches!(self.watch, Watch::Pidfd(_))
    }

    /// Waits until the child has exited and reaps it.
    pub(super) fn poll_exit(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<ExitStatus>> {
        let child = self.child.as_mut().expect("present until dropped");
        match &mut self.watch {
            Watch::Pidfd(pidfd) => loop {
                let ev = ready!(pidfd.poll_ready(cx, Interest::READABLE))?;
                if let Some(status) = child.try_wait()? {
                    return Poll::Ready(Ok(status));
                }
                // Not exited after all: wait for the next event.
                pidfd.clear_readiness(ev);
            },
            Watch::Sigchld(sigchld) => loop {
                // Ask to be woken by the next SIGCHLD *before* looking at the
                // child, so an exit between the two cannot be missed.
                let parked =
                    match sigchld.poll_recv(cx) {
                        Poll::Pending => true,
                        Poll::Ready(Some(())) => {
                            orphan::reap_queued();
                            false
                        }
                        Poll::Ready(None) => return Poll::Ready(Err(io::Error::other(
                            "mini_rt: child process awaited outside the runtime it was spawned on",
                        ))),
                    };
                if let Some(status) = child.try_wait()? {
                    return Poll::Ready(Ok(status));
                }
                if parked {
                    return Poll::Pending;
                }
            },
        }
    }
}

impl Drop for Reaper {
    fn drop(&mut self) {
        let Some(mut child) = self.child.take() else {
            return;
        };
        if let Ok(Some(_)) = child.try_wait() {
            return;
        }
        if self.adopt_on_drop {
            orphan::adopt(child);
        } else {
            orphan::queue(child);
        }
    }
}

impl fmt::Debug for Reaper {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Reaper")
            .field("pid", &self.child.as_ref().map(StdChild::id))
            .field("pidfd", &self.uses_pidfd())
            .finish()
    }
}
