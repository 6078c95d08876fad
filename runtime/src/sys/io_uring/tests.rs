//! What only this backend has: multishot requests and their re-arming, the
//! completion ring overflowing, cancellation before close, stale
//! completions of a reused fd number, files without a wait queue, and the
//! wording of a refusal. Every wait is bounded.

use super::*;
use crate::sys::{syscall, Event, Ready};
use std::collections::BTreeSet;
use std::io::{Read, Write};
use std::os::fd::AsRawFd;
use std::os::unix::net::UnixStream;

const SHORT: Duration = Duration::from_millis(30);
const LIMIT: Duration = Duration::from_secs(5);

impl IoUring {
    fn rearms(&self) -> u64 {
        self.state.lock().rearms
    }

    fn overflows(&self) -> u64 {
        self.state.lock().cq_full
    }

    /// Completions waiting in the ring, not reaped yet.
    fn pending_completions(&self) -> usize {
        let _st = self.state.lock();
        // SAFETY: the state lock is held: the only view of the ring.
        let cq = unsafe { self.ring.completion_shared() };
        let n = cq.len();
        std::mem::forget(cq); // consumed nothing: leave the head alone
        n
    }

    /// Ends `fd`'s request as the kernel may (cancelled), leaving the table
    /// believing it armed.
    fn end_request(&self, fd: RawFd) {
        let mut st = self.state.lock();
        let e = st.table.get(fd as usize).unwrap();
        let sqe = opcode::PollRemove::new(user_data(fd as usize, e.seq))
            .build()
            .user_data(OP);
        self.push(&mut st, sqe);
        self.submit(&mut st).unwrap();
    }
}

fn pair() -> (UnixStream, UnixStream) {
    let (a, b) = UnixStream::pair().unwrap();
    a.set_nonblocking(true).unwrap();
    b.set_nonblocking(true).unwrap();
    (a, b)
}

fn drain(mut s: &UnixStream) {
    let mut buf = [0u8; 64];
    while s.read(&mut buf).is_ok_and(|n| n > 0) {}
}

/// One wait; the events it reported.
fn wait(ring: &IoUring, buf: &mut EventBuf, timeout: Duration) -> Vec<Event> {
    buf.list.clear(); // as `Selector::wait` does
    ring.wait(buf, Some(timeout)).unwrap();
    buf.list.clone()
}

/// Waits until every token in `want` was reported readable (at most `LIMIT`).
fn expect_readable(ring: &IoUring, buf: &mut EventBuf, want: &BTreeSet<u64>) {
    let deadline = Instant::now() + LIMIT;
    let mut seen = BTreeSet::new();
    while !want.is_subset(&seen) {
        let left = deadline
            .checked_duration_since(Instant::now())
            .unwrap_or_else(|| panic!("only {seen:?} of {want:?} reported"));
        for ev in wait(ring, buf, left) {
            assert!(ev.ready.is_readable(), "{ev:?}");
            seen.insert(ev.token);
        }
    }
}

/// Waits until a wait of `SHORT` reports nothing (at most `LIMIT`).
fn settle(ring: &IoUring, buf: &mut EventBuf) {
    let deadline = Instant::now() + LIMIT;
    while !wait(ring, buf, SHORT).is_empty() {
        assert!(Instant::now() < deadline, "events kept coming");
    }
}

#[test]
fn one_multishot_request_reports_every_wakeup() {
    let ring = IoUring::new(true).unwrap();
    let (a, mut b) = pair();
    ring.register(a.as_raw_fd(), 7, Interest::READABLE).unwrap();
    let mut buf = EventBuf::with_capacity(8);
    assert_eq!(wait(&ring, &mut buf, SHORT), []);
    for _ in 0..3 {
        b.write_all(b"x").unwrap();
        let evs = wait(&ring, &mut buf, LIMIT);
        assert_eq!(evs.len(), 1, "{evs:?}");
        assert_eq!(evs[0].token, 7);
        assert!(evs[0].ready.is_readable(), "{evs:?}");
        drain(&a);
    }
    assert_eq!(ring.rearms(), 0, "the first request served every wakeup");
    ring.deregister(a.as_raw_fd()).unwrap();
}

#[test]
fn completions_of_one_fd_in_one_wait_make_one_event() {
    let ring = IoUring::new(false).unwrap();
    let (a, mut b) = pair();
    ring.register(a.as_raw_fd(), 7, Interest::READABLE).unwrap();
    let mut buf = EventBuf::with_capacity(8);
    assert_eq!(wait(&ring, &mut buf, LIMIT).len(), 1, "writable when armed");
    b.write_all(b"x").unwrap();
    b.write_all(b"y").unwrap();
    assert!(ring.pending_completions() >= 2, "one completion per write");
    let evs = wait(&ring, &mut buf, LIMIT);
    assert_eq!(evs.len(), 1, "{evs:?}");
    assert_eq!(evs[0].token, 7);
    assert!(evs[0].ready.is_readable(), "{evs:?}");
    ring.deregister(a.as_raw_fd()).unwrap();
}

#[test]
fn a_request_the_kernel_ended_is_armed_again() {
    let ring = IoUring::new(true).unwrap();
    let (a, mut b) = pair();
    ring.register(a.as_raw_fd(), 7, Interest::READABLE).unwrap();
    let mut buf = EventBuf::with_capacity(8);
    assert_eq!(wait(&ring, &mut buf, Duration::ZERO), []);
    ring.end_request(a.as_raw_fd());
    // Its last CQE (ECANCELED, no IORING_CQE_F_MORE) reports nothing...
    assert_eq!(wait(&ring, &mut buf, SHORT), []);
    assert_eq!(ring.rearms(), 1);
    // ...and the request armed in its place sees the next write.
    b.write_all(b"x").unwrap();
    expect_readable(&ring, &mut buf, &BTreeSet::from([7]));
    ring.deregister(a.as_raw_fd()).unwrap();
}

#[test]
fn a_request_whose_submitting_thread_exited_still_reports() {
    let ring = std::sync::Arc::new(IoUring::new(true).unwrap());
    let (a, mut b) = pair();
    let fd = a.as_raw_fd();
    let r = ring.clone();
    std::thread::spawn(move || {
        r.register(fd, 7, Interest::READABLE).unwrap();
        let mut buf = EventBuf::with_capacity(8);
        assert_eq!(wait(&r, &mut buf, Duration::ZERO), []); // submitted here
    })
    .join()
    .unwrap();
    // The kernel runs a request's completion work on its submitting thread;
    // with that thread gone it cancels the request, which is armed again.
    let mut buf = EventBuf::with_capacity(8);
    for _ in 0..2 {
        b.write_all(b"x").unwrap();
        expect_readable(&ring, &mut buf, &BTreeSet::from([7]));
        drain(&a);
    }
    ring.deregister(fd).unwrap();
}

#[test]
fn a_full_completion_ring_loses_no_event() {
    // Two completion entries for sixteen ready fds: the kernel ends the
    // requests it cannot post for and keeps their last CQEs in its overflow
    // list.
    let ring = IoUring::with_entries(true, 2, 2).unwrap();
    let pairs: Vec<_> = (0..16).map(|_| pair()).collect();
    for (i, (a, _)) in pairs.iter().enumerate() {
        ring.register(a.as_raw_fd(), i as u64, Interest::READABLE)
            .unwrap();
    }
    let mut buf = EventBuf::with_capacity(64);
    assert_eq!(wait(&ring, &mut buf, Duration::ZERO), []);
    let all: BTreeSet<u64> = (0..16).collect();
    for (_, b) in &pairs {
        (&*b).write_all(b"x").unwrap();
    }
    expect_readable(&ring, &mut buf, &all);
    assert!(ring.overflows() > 0, "the ring never overflowed");
    assert!(ring.rearms() > 0, "no request was ended by the full ring");

    // Every request is armed again: new data on each fd is reported.
    for (a, _) in &pairs {
        drain(a);
    }
    settle(&ring, &mut buf);
    for (_, b) in &pairs {
        (&*b).write_all(b"y").unwrap();
    }
    expect_readable(&ring, &mut buf, &all);
    for (a, _) in &pairs {
        ring.deregister(a.as_raw_fd()).unwrap();
    }
}

/// Waits (bounded) until `b`'s peer is closed and reads its end of stream:
/// a request still holding the peer's file would keep it open.
fn assert_peer_sees_the_close(b: &UnixStream) {
    let mut pfd = libc::pollfd {
        fd: b.as_raw_fd(),
        events: libc::POLLIN,
        revents: 0,
    };
    // SAFETY: one live pollfd for the call.
    let n = syscall!(poll(&mut pfd, 1, LIMIT.as_millis() as libc::c_int)).unwrap();
    assert_eq!(n, 1, "the peer never saw the close");
    assert_eq!({ b }.read(&mut [0u8; 8]).unwrap(), 0);
}

#[test]
fn deregistering_cancels_the_request_before_the_fd_closes() {
    let ring = IoUring::new(false).unwrap();
    let (a, b) = pair();
    ring.register(a.as_raw_fd(), 7, Interest::READABLE).unwrap();
    let mut buf = EventBuf::with_capacity(8);
    assert!(wait(&ring, &mut buf, LIMIT)[0].ready.is_writable());
    ring.deregister(a.as_raw_fd()).unwrap();
    drop(a);
    // Had the request still held the file, the socket would stay open and
    // its peer would never see the end of the stream.
    assert_peer_sees_the_close(&b);
}

#[test]
fn a_registration_removed_before_any_wait_releases_the_file() {
    // The add is still queued when the remove comes: submitted together,
    // the request for an fd ready at once stayed armed and held the file,
    // so a child's stdin pipe closed by `Child::wait` never reached EOF.
    let ring = IoUring::new(false).unwrap();
    let (a, b) = pair();
    ring.register(a.as_raw_fd(), 7, Interest::WRITABLE).unwrap();
    ring.deregister(a.as_raw_fd()).unwrap();
    drop(a);
    assert_peer_sees_the_close(&b);
}

#[test]
fn deregistering_while_a_wakeup_is_pending_still_releases_the_file() {
    // A wakeup from another thread queues the request's completion work on
    // this thread, to run when it next enters the kernel. A `POLL_REMOVE`
    // arriving before that work ran failed (`EALREADY`) and left the request
    // armed, holding the file: a child's stdin pipe, dropped while the child
    // read it, never reached EOF and `cat` hung (about 1 run in 10).
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::Arc;
    // A timer interrupt may run the work before the removal: try often.
    for round in 0..20 {
        let ring = IoUring::new(false).unwrap();
        let (r, w) = std::io::pipe().unwrap();
        let mut w = std::fs::File::from(std::os::fd::OwnedFd::from(w));
        // SAFETY: `w` is an open fd for the duration of the call.
        syscall!(fcntl(w.as_raw_fd(), libc::F_SETFL, libc::O_NONBLOCK)).unwrap();
        while w.write(&[0u8; 4096]).is_ok() {} // full: not writable
        ring.register(w.as_raw_fd(), 7, Interest::WRITABLE).unwrap();
        let mut buf = EventBuf::with_capacity(8);
        assert_eq!(wait(&ring, &mut buf, SHORT), [], "armed on a full pipe");
        let woke = Arc::new(AtomicBool::new(false));
        let reader = std::thread::spawn({
            let woke = woke.clone();
            move || {
                let mut r = r;
                let mut chunk = [0u8; 4096];
                // Reading from a full pipe wakes its writers: the request.
                let mut n = r.read(&mut chunk).unwrap();
                woke.store(true, Ordering::Release);
                while n > 0 {
                    n = r.read(&mut chunk).unwrap();
                }
            }
        });
        // No system call until the removal: the completion work stays queued.
        let deadline = Instant::now() + LIMIT;
        while !woke.load(Ordering::Acquire) {
            assert!(Instant::now() < deadline, "the reader never read");
            std::hint::spin_loop();
        }
        ring.deregister(w.as_raw_fd()).unwrap();
        drop(w);
        let (done, eof) = std::sync::mpsc::channel();
        std::thread::spawn(move || done.send(reader.join()));
        let joined = eof.recv_timeout(LIMIT);
        assert!(
            matches!(joined, Ok(Ok(()))),
            "round {round}: the reader never saw the writer's close: the request held the pipe"
        );
    }
}

#[test]
fn a_stale_completion_never_reaches_the_fd_number_reused() {
    let ring = IoUring::new(true).unwrap();
    let (a, mut b) = pair();
    let fd = a.as_raw_fd();
    ring.register(fd, 7, Interest::READABLE).unwrap();
    let mut buf = EventBuf::with_capacity(8);
    assert_eq!(wait(&ring, &mut buf, Duration::ZERO), []);
    b.write_all(b"x").unwrap();
    assert!(ring.pending_completions() > 0, "no completion to go stale");
    ring.deregister(fd).unwrap();

    // The same number, the same token, another socket that is not readable.
    let (c, mut d) = pair();
    // SAFETY: dup2 swaps the file behind `fd` (owned by `a`) for `c`'s in
    // one step, so no other thread can be handed the number in between.
    syscall!(dup2(c.as_raw_fd(), fd)).unwrap();
    ring.register(fd, 7, Interest::READABLE).unwrap();
    assert_eq!(wait(&ring, &mut buf, SHORT), [], "the old socket's data");

    d.write_all(b"y").unwrap();
    expect_readable(&ring, &mut buf, &BTreeSet::from([7]));
    ring.deregister(fd).unwrap();
}

#[test]
fn reregistering_replaces_the_request() {
    let ring = IoUring::new(true).unwrap();
    let (a, mut b) = pair();
    ring.register(a.as_raw_fd(), 7, Interest::READABLE).unwrap();
    let mut buf = EventBuf::with_capacity(8);
    b.write_all(b"x").unwrap();
    expect_readable(&ring, &mut buf, &BTreeSet::from([7]));
    ring.reregister(a.as_raw_fd(), 8, Interest::WRITABLE)
        .unwrap();
    let evs = wait(&ring, &mut buf, LIMIT);
    assert_eq!(evs.len(), 1, "{evs:?}");
    assert_eq!((evs[0].token, evs[0].ready), (8, Ready::WRITABLE));
    // An empty interest reports nothing, not even a hang-up.
    ring.reregister(a.as_raw_fd(), 9, Interest::NONE).unwrap();
    drop(b);
    assert_eq!(wait(&ring, &mut buf, SHORT), []);
    ring.deregister(a.as_raw_fd()).unwrap();
}

#[test]
fn a_file_without_a_wait_queue_is_reported_once() {
    let ring = IoUring::new(true).unwrap();
    let null = std::fs::File::open("/dev/null").unwrap();
    ring.register(null.as_raw_fd(), 3, Interest::READABLE)
        .unwrap();
    let mut buf = EventBuf::with_capacity(8);
    let evs = wait(&ring, &mut buf, LIMIT);
    assert_eq!(evs.len(), 1, "{evs:?}");
    assert!(evs[0].ready.is_readable(), "{evs:?}");
    // Not armed again and again: the loop would spin on it.
    assert_eq!(wait(&ring, &mut buf, SHORT), []);
    assert_eq!(ring.rearms(), 0);
    ring.deregister(null.as_raw_fd()).unwrap();
}

#[test]
fn a_refusal_names_its_cause() {
    let cause = |errno, sysctl: Option<&str>| {
        probe::cause("io_uring_setup(2)", errno, sysctl.map(str::to_string))
    };
    let enosys = cause(libc::ENOSYS, Some("0\n")).unwrap();
    assert!(
        enosys.contains("ENOSYS") && enosys.contains("no io_uring"),
        "{enosys}"
    );
    let off = cause(libc::EPERM, Some("2\n")).unwrap();
    assert!(off.contains("io_uring_disabled = 2"), "{off}");
    let group = cause(libc::EPERM, Some("1\n")).unwrap();
    assert!(group.contains("io_uring_group"), "{group}");
    let seccomp = cause(libc::EPERM, Some("0\n")).unwrap();
    assert!(
        seccomp.contains("seccomp") && seccomp.contains("is 0"),
        "{seccomp}"
    );
    let old = cause(libc::EPERM, None).unwrap();
    assert!(old.contains("absent"), "{old}");
    assert_eq!(cause(libc::EMFILE, Some("0")), None, "not a refusal");
}
