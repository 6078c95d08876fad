//! The callback interface: readiness of plain fds without async, on any
//! backend ([`Backend`]). [`poll_events`] is a one-shot wait; [`Poller`] is a reusable
//! multiplexer for loops, usable from several threads.

use crate::io::{Interest, Ready};
use crate::runtime::Backend;
use crate::sys::{negative_fd, EventBuf, Notifier, Selector, NOTIFY_TOKEN};
use parking_lot::Mutex;
use std::fmt;
use std::io;
use std::os::fd::RawFd;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// Waits once for any of `fds` to be ready, then calls `callback(fd, ready)`
/// for each one that is; returns how many were.
///
/// `ready` holds only bits that satisfy the fd's interest (see
/// [`Interest::mask`]): e.g. `READABLE`, `READ_CLOSED` or `ERROR` for
/// `Interest::READABLE`. `timeout: None` waits forever; a signal
/// interrupting the wait returns `Ok(0)` early. An fd listed twice is an
/// error (`AlreadyExists`), and on [`Backend::Select`] so is an fd ≥ 1024.
///
/// Each call builds a fresh multiplexer, so every backend reports the fds'
/// *current* state (even edge-triggered epoll: a new registration reports what
/// is already ready). That is cheap for [`Backend::Poll`] and
/// [`Backend::Select`] (one `ppoll`/`pselect`, nothing else), but costs epoll
/// `epoll_create1`, one `epoll_ctl` per fd, the wait and a `close`: 3 syscalls
/// or more, and [`Backend::IoUring`] `io_uring_setup`, `mmap`s of its rings,
/// the wait and the closes (plus, once per process, a check that multishot
/// poll works: an eventfd and two `io_uring_enter`). For a loop, keep a
/// [`Poller`].
///
/// ```
/// # use mini_rt_runtime as mini_rt;
/// use mini_rt::io::Interest;
/// use mini_rt::runtime::Backend;
/// use mini_rt::poller::poll_events;
/// use std::os::fd::AsRawFd;
/// use std::time::Duration;
///
/// let (a, _b) = std::os::unix::net::UnixStream::pair()?;
/// let fds = [(a.as_raw_fd(), Interest::WRITABLE)];
/// let n = poll_events(Backend::Poll, &fds, Some(Duration::from_secs(1)), |fd, ready| {
///     assert_eq!(fd, a.as_raw_fd());
///     assert!(ready.is_writable());
/// })?;
/// assert_eq!(n, 1);
/// # Ok::<(), std::io::Error>(())
/// ```
pub fn poll_events(
    backend: Backend,
    fds: &[(RawFd, Interest)],
    timeout: Option<Duration>,
    mut callback: impl FnMut(RawFd, Ready),
) -> io::Result<usize> {
    let selector = Selector::with_exact_interest(backend)?;
    for (i, &(fd, interest)) in fds.iter().enumerate() {
        selector.register(fd, i as u64, interest)?;
    }
    let mut buf = EventBuf::with_capacity(fds.len());
    selector.wait(&mut buf, timeout)?;
    let mut n = 0;
    for ev in &buf.list {
        let (fd, interest) = fds[ev.token as usize];
        let ready = ev.ready & interest.mask();
        if !ready.is_empty() {
            callback(fd, ready);
            n += 1;
        }
    }
    // Dropping the selector closes epoll's fd, which unregisters everything.
    Ok(n)
}

/// One readiness multiplexer over any [`Backend`], for code without async.
///
/// Every method takes `&self`, and `Poller` is `Send + Sync`: one thread may
/// block in [`Poller::wait`] while others `add`, `modify`, `delete` or
/// [`Poller::notify`]. On poll and select, whose wait works on a snapshot of
/// the registered set, and on io_uring, whose waiting thread submits the
/// poll requests, a change made during a wait interrupts it so that the
/// change takes effect at once (the wait then resumes for the time left).
///
/// # Triggering: what each backend reports
/// `Poller` exposes the backend's native triggering, so a loop written for
/// one backend must follow its rules:
/// * [`Backend::EpollLevel`], [`Backend::Poll`], [`Backend::Select`]:
///   **level-triggered**. A ready fd is reported by every `wait` while it
///   stays ready: drop interests you are not about to act on (e.g. writable
///   on an idle socket), or every `wait` returns at once.
/// * [`Backend::EpollEdge`], [`Backend::IoUring`]: **edge-triggered**. An fd
///   is reported when its readiness changes (data arrived, buffer space
///   freed), once. Read or write until `WouldBlock` before waiting again, or
///   the data left behind is never reported. [`Poller::modify`] reports the
///   fd again if it is ready now.
/// * [`Backend::EpollOneshot`]: **oneshot**. An fd is reported once, then
///   disarmed until [`Poller::modify`] re-arms it.
///
/// Events carry only readiness matching the fd's interest, under the token
/// given to [`Poller::add`]. Always [`Poller::delete`] an fd before closing it
/// (on select, a closed registered fd makes every `wait` fail with `EBADF`).
///
/// Cost: each call is one system call on epoll (`epoll_ctl` or
/// `epoll_pwait2`); on poll and select, `add`/`modify`/`delete` make none and
/// `wait` costs O(registered fds) or O(highest fd): see [`Backend`]. On
/// io_uring, `add` and `modify` make none (the next `wait`'s
/// `io_uring_enter` submits them; a thread blocked in `wait` is woken to do
/// so, as on poll and select), `delete` makes one (the poll request must be
/// cancelled before the fd is closed), and `wait` is one `io_uring_enter`.
///
/// # Example
///
/// ```
/// # use mini_rt_runtime as mini_rt;
/// use mini_rt::io::Interest;
/// use mini_rt::runtime::Backend;
/// use mini_rt::poller::{Events, Poller};
/// use std::io::Write;
/// use std::os::fd::AsRawFd;
/// use std::os::unix::net::UnixStream;
/// use std::time::Duration;
///
/// let poller = Poller::new(Backend::EpollEdge)?;
/// let (a, mut b) = UnixStream::pair()?;
/// poller.add(a.as_raw_fd(), 7, Interest::READABLE)?;
/// b.write_all(b"hi")?;
///
/// let mut events = Events::with_capacity(16);
/// let n = poller.wait(&mut events, Some(Duration::from_secs(10)))?;
/// assert_eq!(n, 1);
/// let (token, ready) = events.iter().next().unwrap();
/// assert_eq!(token, 7);
/// assert!(ready.is_readable());
///
/// // Another thread can interrupt a wait.
/// std::thread::scope(|s| {
///     s.spawn(|| poller.notify().unwrap());
///     let mut events = Events::with_capacity(16);
///     poller.wait(&mut events, Some(Duration::from_secs(10)))
/// })?;
/// poller.delete(a.as_raw_fd())?; // before `a` is closed
/// # Ok::<(), std::io::Error>(())
/// ```
pub struct Poller {
    selector: Selector,
    backend: Backend,
    notifier: Notifier,
    /// Set by `notify`, so that `wait` can tell the user's wake from the one
    /// a change made during the wait sends.
    notified: AtomicBool,
    /// Indexed by fd: the user's token and interest. The selector's token for
    /// an fd is the fd itself.
    fds: Mutex<Vec<Option<(usize, Interest)>>>,
}

impl Poller {
    /// Creates a multiplexer using `backend`, with its eventfd for [`Poller::notify`].
    pub fn new(backend: Backend) -> io::Result<Poller> {
        let selector = Selector::with_exact_interest(backend)?;
        let notifier = Notifier::new()?;
        selector.register(notifier.fd(), NOTIFY_TOKEN, Interest::READABLE)?;
        Ok(Poller {
            selector,
            backend,
            notifier,
            notified: AtomicBool::new(false),
            fds: Mutex::new(Vec::new()),
        })
    }

    /// The backend this poller uses.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Starts watching `fd` for `interest`; its events carry `token`.
    ///
    /// Fails with `AlreadyExists` if `fd` is already added, and on
    /// [`Backend::Select`] with `InvalidInput` if `fd` ≥ 1024 (`FD_SETSIZE`).
    pub fn add(&self, fd: RawFd, token: usize, interest: Interest) -> io::Result<()> {
        let idx = usize::try_from(fd).map_err(|_| negative_fd(fd))?;
        let mut fds = self.fds.lock();
        if fds.get(idx).is_some_and(Option::is_some) {
            return Err(io::Error::new(
                io::ErrorKind::AlreadyExists,
                format!("fd {fd} is already added to this Poller"),
            ));
        }
        self.selector.register(fd, idx as u64, interest)?;
        if fds.len() <= idx {
            fds.resize(idx + 1, None);
        }
        fds[idx] = Some((token, interest));
        drop(fds);
        self.changed()
    }

    /// Changes the token and interest of an added `fd` (and re-arms it on
    /// the oneshot backend). Fails with `NotFound` if it was not added.
    pub fn modify(&self, fd: RawFd, token: usize, interest: Interest) -> io::Result<()> {
        let mut fds = self.fds.lock();
        let idx = find(&fds, fd)?;
        self.selector.reregister(fd, idx as u64, interest)?;
        fds[idx] = Some((token, interest));
        drop(fds);
        self.changed()
    }

    /// Stops watching `fd`. Fails with `NotFound` if it was not added. Call
    /// it before closing `fd`.
    pub fn delete(&self, fd: RawFd) -> io::Result<()> {
        let mut fds = self.fds.lock();
        let idx = find(&fds, fd)?;
        fds[idx] = None;
        let res = self.selector.deregister(fd);
        drop(fds);
        res.and(self.changed())
    }

    /// Waits until an added fd is ready, `timeout` passes (`None`: forever)
    /// or [`Poller::notify`] is called, then fills `events` (cleared first)
    /// and returns how many it holds. Returns `Ok(0)` on timeout, on
    /// `notify`, or when a signal interrupted the wait.
    ///
    /// epoll and io_uring report at most [`Events::capacity`] events per
    /// call (the rest on the next); poll and select report every ready fd.
    pub fn wait(&self, events: &mut Events, timeout: Option<Duration>) -> io::Result<usize> {
        events.clear();
        let deadline = timeout.and_then(|t| Instant::now().checked_add(t));
        let mut left = timeout;
        loop {
            self.selector.wait(&mut events.buf, left)?;
            let mut woken = false;
            {
                let fds = self.fds.lock();
                for ev in &events.buf.list {
                    if ev.token == NOTIFY_TOKEN {
                        woken = true;
                        continue;
                    }
                    if let Some(Some((token, interest))) = fds.get(ev.token as usize) {
                        let ready = ev.ready & interest.mask();
                        if !ready.is_empty() {
                            events.out.push((*token, ready));
                        }
                    }
                }
            }
            if !woken {
                break; // events, a timeout or a signal
            }
            self.notifier.drain();
            if self.notified.swap(false, Ordering::AcqRel) || !events.out.is_empty() {
                break;
            }
            // Woken only because the set changed: wait again for the time left.
            if let Some(d) = deadline {
                match d.checked_duration_since(Instant::now()) {
                    Some(rest) if !rest.is_zero() => left = Some(rest),
                    _ => break,
                }
            }
        }
        Ok(events.out.len())
    }

    /// Wakes a [`Poller::wait`] blocked on another thread, which returns
    /// `Ok(0)` (or the events it found). If no thread is waiting, the next
    /// `wait` returns at once. Several calls before a wait returns coalesce.
    pub fn notify(&self) -> io::Result<()> {
        self.notified.store(true, Ordering::Release);
        self.notifier.notify()
    }

    /// After a change: a wait blocked on a stale snapshot must start over.
    fn changed(&self) -> io::Result<()> {
        if self.selector.has_waiters() {
            self.notifier.notify()?;
        }
        Ok(())
    }
}

fn find(fds: &[Option<(usize, Interest)>], fd: RawFd) -> io::Result<usize> {
    usize::try_from(fd)
        .ok()
        .filter(|&i| fds.get(i).is_some_and(Option::is_some))
        .ok_or_else(|| {
            io::Error::new(
                io::ErrorKind::NotFound,
                format!("fd {fd} was not added to this Poller"),
            )
        })
}

impl fmt::Debug for Poller {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let fds = self.fds.lock().iter().filter(|e| e.is_some()).count();
        f.debug_struct("Poller")
            .field("backend", &self.backend)
            .field("fds", &fds)
            .finish()
    }
}

/// The events one [`Poller::wait`] found: `(token, Ready)` pairs.
///
/// ```
/// # use mini_rt_runtime as mini_rt;
/// use mini_rt::io::Interest;
/// use mini_rt::runtime::Backend;
/// use mini_rt::poller::{Events, Poller};
/// use std::os::fd::AsRawFd;
/// use std::os::unix::net::UnixStream;
/// use std::time::Duration;
///
/// let poller = Poller::new(Backend::Poll)?;
/// let (a, b) = UnixStream::pair()?;
/// poller.add(a.as_raw_fd(), 1, Interest::WRITABLE)?;
/// poller.add(b.as_raw_fd(), 2, Interest::WRITABLE)?;
///
/// let mut events = Events::with_capacity(8);
/// poller.wait(&mut events, Some(Duration::from_secs(10)))?;
/// let mut tokens: Vec<usize> = events.iter().map(|(token, _ready)| token).collect();
/// tokens.sort();
/// assert_eq!(tokens, [1, 2]); // both sockets have buffer space
/// # poller.delete(a.as_raw_fd())?;
/// # poller.delete(b.as_raw_fd())?;
/// # Ok::<(), std::io::Error>(())
/// ```
#[derive(Debug)]
pub struct Events {
    buf: EventBuf,
    out: Vec<(usize, Ready)>,
}

impl Events {
    /// A buffer for up to `capacity` events per wait on epoll (at least 1).
    pub fn with_capacity(capacity: usize) -> Events {
        let buf = EventBuf::with_capacity(capacity);
        Events {
            out: Vec::with_capacity(buf.capacity()),
            buf,
        }
    }

    /// The events, as `(token, ready)` pairs.
    pub fn iter(&self) -> impl Iterator<Item = (usize, Ready)> + '_ {
        self.out.iter().copied()
    }

    /// How many events there are.
    pub fn len(&self) -> usize {
        self.out.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.out.is_empty()
    }

    /// Removes all events.
    pub fn clear(&mut self) {
        self.out.clear();
        self.buf.list.clear();
    }

    /// The most events one wait reports on epoll.
    pub fn capacity(&self) -> usize {
        self.buf.capacity()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn poller_is_send_and_sync() {
        fn check<T: Send + Sync>() {}
        check::<Poller>();
        check::<Events>();
    }

    #[cfg(not(feature = "io-uring"))]
    #[test]
    fn without_its_feature_io_uring_is_unsupported() {
        let err = Poller::new(Backend::IoUring).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::Unsupported);
        let msg = err.to_string();
        assert!(msg.contains("`io-uring` feature"), "{msg}");
        assert!(msg.contains("backends that work here: epoll"), "{msg}");
    }
}
