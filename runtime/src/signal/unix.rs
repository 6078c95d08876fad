//! Unix signals: `signal(SignalKind)` and the `Signal` stream.

use crate::reactor::PollEvented;
use crate::sys::signal as os;
use parking_lot::Mutex;
use slab::Slab;
use std::fs::File;
use std::future::poll_fn;
use std::io;
use std::task::{ready, Context, Poll, Waker};
use tokio::io::ReadBuf;

/// A kind of signal to listen for (a signal number).
///
/// ```
/// # use mini_rt_runtime as mini_rt;
/// use mini_rt::signal::unix::SignalKind;
///
/// let term = SignalKind::terminate();
/// assert_eq!(SignalKind::from_raw(term.as_raw_value()), term);
/// assert_ne!(term, SignalKind::interrupt());
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct SignalKind(libc::c_int);

impl SignalKind {
    /// Any signal by number (e.g. a real-time signal).
    pub const fn from_raw(signum: std::os::raw::c_int) -> SignalKind {
        SignalKind(signum)
    }
    /// The signal number.
    pub const fn as_raw_value(&self) -> std::os::raw::c_int {
        self.0
    }
    /// SIGALRM.
    pub const fn alarm() -> SignalKind {
        SignalKind(libc::SIGALRM)
    }
    /// SIGCHLD.
    pub const fn child() -> SignalKind {
        SignalKind(libc::SIGCHLD)
    }
    /// SIGHUP.
    pub const fn hangup() -> SignalKind {
        SignalKind(libc::SIGHUP)
    }
    /// SIGINT (Ctrl-C).
    pub const fn interrupt() -> SignalKind {
        SignalKind(libc::SIGINT)
    }
    /// SIGIO.
    pub const fn io() -> SignalKind {
        SignalKind(libc::SIGIO)
    }
    /// SIGPIPE.
    pub const fn pipe() -> SignalKind {
        SignalKind(libc::SIGPIPE)
    }
    /// SIGQUIT.
    pub const fn quit() -> SignalKind {
        SignalKind(libc::SIGQUIT)
    }
    /// SIGTERM.
    pub const fn terminate() -> SignalKind {
        SignalKind(libc::SIGTERM)
    }
    /// SIGUSR1.
    pub const fn user_defined1() -> SignalKind {
        SignalKind(libc::SIGUSR1)
    }
    /// SIGUSR2.
    pub const fn user_defined2() -> SignalKind {
        SignalKind(libc::SIGUSR2)
    }
    /// SIGWINCH.
    pub const fn window_change() -> SignalKind {
        SignalKind(libc::SIGWINCH)
    }
}

impl From<std::os::raw::c_int> for SignalKind {
    fn from(signum: std::os::raw::c_int) -> SignalKind {
        SignalKind(signum)
    }
}

/// Wakers of every listener, woken whenever any listener drains the pipe:
/// the pipe is shared, so the one that reads the bytes must tell the others.
static WAITERS: Mutex<Slab<Option<Waker>>> = Mutex::new(Slab::new());

fn wake_all() {
    let wakers: Vec<Waker> = WAITERS
        .lock()
        .iter_mut()
        .filter_map(|(_, w)| w.take())
        .collect();
    wakers.into_iter().for_each(Waker::wake);
}

/// A stream of deliveries of one signal, from [`signal`].
///
/// Deliveries that arrive while nobody polls are coalesced into one, as in
/// tokio. Only deliveries after the `Signal` was created are seen.
///
/// ```
/// # use mini_rt_runtime as mini_rt;
/// use mini_rt::process::Command;
/// use mini_rt::signal::unix::{signal, SignalKind};
///
/// # mini_rt::runtime::Runtime::new().unwrap().block_on(async {
/// let mut usr1 = signal(SignalKind::user_defined1())?;
/// // A child sends this process SIGUSR1.
/// let status = Command::new("sh").args(["-c", "kill -USR1 $PPID"]).status().await?;
/// assert!(status.success());
/// assert_eq!(usr1.recv().await, Some(()));
/// # Ok::<(), std::io::Error>(())
/// # }).unwrap();
/// ```
#[derive(Debug)]
pub struct Signal {
    signum: libc::c_int,
    seen: u64,
    pipe: PollEvented<File>,
    slot: usize,
}

/// Listens for `kind` on the current runtime.
///
/// Errors for signals that cannot be caught (SIGKILL, SIGSTOP) or must not
/// be (SIGILL, SIGFPE, SIGSEGV), or outside a runtime.
pub fn signal(kind: SignalKind) -> io::Result<Signal> {
    let fd = os::listen(kind.0)?;
    let seen = os::deliveries(kind.0);
    let pipe = PollEvented::new_with_interest(File::from(fd), crate::io::Interest::READABLE)?;
    let slot = WAITERS.lock().insert(None);
    Ok(Signal {
        signum: kind.0,
        seen,
        pipe,
        slot,
    })
}

impl Signal {
    /// Waits for the next delivery.
    ///
    /// Awaited under another runtime (or on another worker) than the one it
    /// was created on, it works there: its pipe's registration moves, as any
    /// IO object's does. Returns `None` when no delivery can be received
    /// through this `Signal`: it is awaited outside any runtime, where its
    /// pipe cannot be watched. Awaited again inside one, it works as before.
    pub async fn recv(&mut self) -> Option<()> {
        poll_fn(|cx| self.poll_recv(cx)).await
    }

    /// Polls for the next delivery; `Ready(None)` as for [`recv`](Self::recv).
    pub fn poll_recv(&mut self, cx: &mut Context<'_>) -> Poll<Option<()>> {
        let mut bytes = [0u8; 64];
        loop {
            let count = os::deliveries(self.signum);
            if count != self.seen {
                self.seen = count;
                return Poll::Ready(Some(()));
            }
            if let Some(w) = WAITERS.lock().get_mut(self.slot) {
                *w = Some(cx.waker().clone());
            }
            // Loop only after draining bytes: then the counter may have
            // moved. Any error (or EOF, which cannot happen while the
            // process holds the write end) would repeat on every read, so
            // looping on it would spin forever: end the wait instead.
            let mut buf = ReadBuf::new(&mut bytes);
            match ready!(self.pipe.poll_read(cx, &mut buf)) {
                Ok(()) if !buf.filled().is_empty() => wake_all(),
                Ok(()) | Err(_) => return Poll::Ready(None),
            }
        }
    }
}

impl Drop for Signal {
    fn drop(&mut self) {
        WAITERS.lock().try_remove(self.slot);
    }
}
