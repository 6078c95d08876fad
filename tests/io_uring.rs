//! The io_uring backend through the public API: `Poller` on a socket pair
//! (edge-triggered: one report per change), an idle runtime with an
//! always-writable socket (no CPU, no events), and a kernel that refuses
//! io_uring (a seccomp filter in a child process): building fails with an
//! error naming the cause and the backends that work, never a fallback.
//! Where this machine's kernel refuses io_uring, the first two are skipped.
//! (The unit tests in `runtime/src/sys/io_uring/` cover multishot re-arming,
//! a full completion ring, cancellation before close and fd reuse.)

mod support;

use mini_rt::io::{Interest, Ready};
use mini_rt::poller::{Events, Poller};
use mini_rt::reactor::PollEvented;
use mini_rt::runtime::{Backend, Builder, Handle};
use std::io::{self, Write};
use std::os::fd::AsRawFd;
use std::os::unix::net::UnixStream;
use std::sync::Arc;
use std::time::{Duration, Instant};
use support::{cpu_time, wait_child};

const SHORT: Duration = Duration::from_millis(30);
const LIMIT: Duration = Duration::from_secs(5);

fn pair() -> (UnixStream, UnixStream) {
    let (a, b) = UnixStream::pair().unwrap();
    a.set_nonblocking(true).unwrap();
    b.set_nonblocking(true).unwrap();
    (a, b)
}

/// A poller on io_uring, or `None` (with the reason printed) where the
/// kernel refuses io_uring.
fn poller() -> Option<Poller> {
    match Poller::new(Backend::IoUring) {
        Ok(p) => Some(p),
        Err(e) if e.kind() == io::ErrorKind::Unsupported => {
            eprintln!("skipped: {e}");
            None
        }
        Err(e) => panic!("{e}"),
    }
}

/// One wait: the `(token, ready)` pairs it reported.
fn wait(poller: &Poller, events: &mut Events, timeout: Duration) -> Vec<(usize, Ready)> {
    poller.wait(events, Some(timeout)).unwrap();
    events.iter().collect()
}

#[test]
fn poller_on_a_socket_pair_reports_each_change_once() {
    let Some(poller) = poller() else { return };
    let mut events = Events::with_capacity(8);
    let (a, mut b) = pair();
    poller
        .add(a.as_raw_fd(), 1, Interest::READABLE | Interest::WRITABLE)
        .unwrap();
    assert_eq!(wait(&poller, &mut events, LIMIT), [(1, Ready::WRITABLE)]);
    assert_eq!(
        wait(&poller, &mut events, SHORT),
        [],
        "still writable: no edge"
    );

    // Data arrives: reported once, though left unread; more data, again.
    for _ in 0..2 {
        b.write_all(b"x").unwrap();
        let evs = wait(&poller, &mut events, LIMIT);
        assert_eq!(evs.len(), 1, "{evs:?}");
        assert!(evs[0].1.is_readable(), "{evs:?}");
        assert_eq!(wait(&poller, &mut events, SHORT), [], "no new data");
    }

    // `modify` arms a new request, which reports what is ready now.
    poller.modify(a.as_raw_fd(), 2, Interest::READABLE).unwrap();
    assert_eq!(wait(&poller, &mut events, LIMIT), [(2, Ready::READABLE)]);

    // A hang-up is reported too; after `delete`, nothing is.
    poller.modify(a.as_raw_fd(), 3, Interest::WRITABLE).unwrap();
    let _ = wait(&poller, &mut events, LIMIT);
    poller.delete(a.as_raw_fd()).unwrap();
    b.write_all(b"y").unwrap();
    drop(b);
    assert_eq!(wait(&poller, &mut events, SHORT), [], "deleted");

    // `notify` from another thread ends a wait with no timeout.
    let poller = Arc::new(poller);
    let p = poller.clone();
    let t = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(50));
        p.notify().unwrap();
    });
    let start = Instant::now();
    assert_eq!(poller.wait(&mut events, None).unwrap(), 0);
    assert!(start.elapsed() < LIMIT, "notify took {:?}", start.elapsed());
    t.join().unwrap();
}

#[test]
fn idle_runtime_with_an_always_writable_socket_uses_no_cpu() {
    let rt = match Builder::new_current_thread()
        .enable_all()
        .backend(Backend::IoUring)
        .build()
    {
        Ok(rt) => rt,
        Err(e) if e.kind() == io::ErrorKind::Unsupported => return eprintln!("skipped: {e}"),
        Err(e) => panic!("{e}"),
    };
    let (a, _b) = pair();
    let (used, before, after) = rt.block_on(async {
        // Registered for both directions (edge), always writable, never
        // readable, a task waiting to read.
        let a = PollEvented::new(a).unwrap();
        let waiter = mini_rt::spawn(async move { a.readiness(Interest::READABLE).await.map(drop) });
        mini_rt::time::sleep(Duration::from_millis(20)).await;
        let before = Handle::current().stats();
        let cpu = cpu_time();
        mini_rt::time::sleep(Duration::from_millis(300)).await;
        let used = cpu_time() - cpu;
        let after = Handle::current().stats();
        assert!(!waiter.is_finished(), "nothing was ever readable");
        waiter.abort();
        (used, before, after)
    });
    assert!(
        used < Duration::from_millis(50),
        "{used:?} of CPU while idle for 300 ms"
    );
    assert_eq!(after.events, before.events, "events while idle");
    assert!(
        after.parks - before.parks <= 3,
        "the loop woke {} times in 300 ms of one timer",
        after.parks - before.parks
    );
}

const CHILD_VAR: &str = "MINI_RT_IO_URING_TEST_CHILD";

/// Runs `child_refused_by_seccomp` in a child process whose io_uring_setup
/// fails with `errno`; returns the child's output.
fn run_refused_child(errno: &str) -> String {
    let mut child = std::process::Command::new(std::env::current_exe().unwrap())
        .args(["--exact", "child_refused_by_seccomp", "--nocapture"])
        .env(CHILD_VAR, errno)
        .env("MINI_RT_BACKEND", "io-uring")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let status = wait_child(&mut child, Duration::from_secs(60));
    let mut out = String::new();
    for pipe in [
        child
            .stdout
            .take()
            .map(|p| Box::new(p) as Box<dyn io::Read>),
        child
            .stderr
            .take()
            .map(|p| Box::new(p) as Box<dyn io::Read>),
    ]
    .into_iter()
    .flatten()
    {
        let mut pipe = pipe;
        pipe.read_to_string(&mut out).unwrap();
    }
    assert!(status.success(), "child failed: {out}");
    assert!(out.contains("1 passed"), "{out}");
    out
}

#[test]
fn a_kernel_refusing_io_uring_is_a_build_error_naming_the_cause() {
    let out = run_refused_child("EPERM");
    assert!(out.contains("checked refusal"), "{out}");
    let out = run_refused_child("ENOSYS");
    assert!(out.contains("checked refusal"), "{out}");
}

/// Runs only as the child of the test above: denies io_uring_setup to this
/// thread with a seccomp filter, then builds runtimes.
#[test]
fn child_refused_by_seccomp() {
    let Some(errno) = std::env::var_os(CHILD_VAR) else {
        return;
    };
    let (errno, name, cause) = match errno.to_str() {
        Some("EPERM") => (libc::EPERM, "EPERM", "seccomp"),
        _ => (libc::ENOSYS, "ENOSYS", "no io_uring"),
    };
    deny_io_uring_setup(errno);

    let check = |e: io::Error| {
        assert_eq!(e.kind(), io::ErrorKind::Unsupported, "{e}");
        let msg = e.to_string();
        assert!(
            msg.contains(&format!("io_uring_setup(2) failed with {name}")),
            "{msg}"
        );
        assert!(msg.contains(cause), "{msg}");
        let works = "backends that work here: epoll, epoll-lt, epoll-oneshot, poll, select";
        assert!(msg.contains(works), "{msg}");
        msg
    };
    let explicit = Builder::new_current_thread()
        .backend(Backend::IoUring)
        .build()
        .unwrap_err();
    let msg = check(explicit);
    // Chosen by MINI_RT_BACKEND (set by the parent): no silent fallback.
    check(Builder::new_current_thread().build().unwrap_err());
    check(Poller::new(Backend::IoUring).unwrap_err());
    // The others still build.
    Builder::new_current_thread()
        .backend(Backend::Poll)
        .build()
        .unwrap();
    println!("checked refusal: {msg}");
}

/// Installs a seccomp filter on this thread that fails io_uring_setup(2)
/// with `errno` and allows everything else.
fn deny_io_uring_setup(errno: i32) {
    let stmt = |code: u32, k: u32| libc::sock_filter {
        code: code as u16,
        jt: 0,
        jf: 0,
        k,
    };
    let filter = [
        // Load the syscall number (offset 0 of struct seccomp_data).
        stmt(libc::BPF_LD | libc::BPF_W | libc::BPF_ABS, 0),
        libc::sock_filter {
            code: (libc::BPF_JMP | libc::BPF_JEQ | libc::BPF_K) as u16,
            jt: 0,
            jf: 1,
            k: libc::SYS_io_uring_setup as u32,
        },
        stmt(
            libc::BPF_RET | libc::BPF_K,
            libc::SECCOMP_RET_ERRNO | (errno as u32 & libc::SECCOMP_RET_DATA),
        ),
        stmt(libc::BPF_RET | libc::BPF_K, libc::SECCOMP_RET_ALLOW),
    ];
    let prog = libc::sock_fprog {
        len: filter.len() as u16,
        filter: filter.as_ptr() as *mut libc::sock_filter,
    };
    // SAFETY: prctl with integer arguments only; it changes nothing but
    // this thread's right to gain privileges (required for the filter).
    let rc = unsafe { libc::prctl(libc::PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) };
    assert_eq!(rc, 0, "PR_SET_NO_NEW_PRIVS: {}", io::Error::last_os_error());
    // SAFETY: `prog` points to `filter`, both live for the call; the kernel
    // copies the program. The filter only affects this (child) process.
    let rc = unsafe {
        libc::prctl(
            libc::PR_SET_SECCOMP,
            libc::SECCOMP_MODE_FILTER as libc::c_ulong,
            &prog as *const libc::sock_fprog,
        )
    };
    assert_eq!(rc, 0, "PR_SET_SECCOMP: {}", io::Error::last_os_error());
}
