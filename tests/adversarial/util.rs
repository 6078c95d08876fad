//! Helpers for the adversarial tests: runtimes, registered socket pairs,
//! async read/write loops on `PollEvented`, and child-process re-execution.
#![allow(dead_code)]

use mini_rt::io::ReadBuf;
use mini_rt::reactor::PollEvented;
use mini_rt::runtime::Runtime;
use std::future::poll_fn;
use std::io;
use std::os::unix::net::UnixStream;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::task::{Poll, Wake, Waker};
use std::time::Duration;

pub use crate::support::wait_child;

pub type Evented = PollEvented<UnixStream>;

pub fn rt() -> Runtime {
    Runtime::new().expect("build runtime")
}

/// A connected Unix stream pair, both ends non-blocking and registered
/// with the current runtime.
pub fn evented_pair() -> (Evented, Evented) {
    let (a, b) = UnixStream::pair().unwrap();
    (register(a), register(b))
}

/// Makes `s` non-blocking and registers it with the current runtime.
pub fn register(s: UnixStream) -> Evented {
    s.set_nonblocking(true).unwrap();
    PollEvented::new(s).unwrap()
}

pub async fn read(s: &Evented, buf: &mut [u8]) -> io::Result<usize> {
    let mut buf = ReadBuf::new(buf);
    poll_fn(|cx| s.poll_read(cx, &mut buf)).await?;
    Ok(buf.filled().len())
}

pub async fn write_all(s: &Evented, mut buf: &[u8]) -> io::Result<()> {
    while !buf.is_empty() {
        let n = poll_fn(|cx| s.poll_write(cx, buf)).await?;
        buf = &buf[n..];
    }
    Ok(())
}

pub async fn read_exact(s: &Evented, mut buf: &mut [u8]) -> io::Result<()> {
    while !buf.is_empty() {
        let n = read(s, buf).await?;
        if n == 0 {
            return Err(io::ErrorKind::UnexpectedEof.into());
        }
        buf = &mut buf[n..];
    }
    Ok(())
}

/// A deterministic byte stream: byte `i` of stream `seed`.
pub fn pattern(seed: u64, i: u64) -> u8 {
    (i.wrapping_mul(2_654_435_761)
        .wrapping_add(seed.wrapping_mul(97))
        >> 7) as u8
}

/// A small deterministic LCG (no `rand` dependency).
pub struct Lcg(pub u64);

impl Lcg {
    pub fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }

    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// A waker that panics when woken (dropping it is fine). Before panicking
/// it records the wake and passes it on to `then`, if any.
pub struct PanickingWaker {
    pub woken: AtomicBool,
    pub then: Option<Waker>,
}

impl Wake for PanickingWaker {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        self.woken.store(true, Ordering::SeqCst);
        if let Some(w) = &self.then {
            w.wake_by_ref();
        }
        panic!("PanickingWaker woken");
    }
}

pub fn panicking_waker() -> Waker {
    panicking_waker_then(None).0
}

/// A panicking waker that first wakes `then`; also returns its record.
pub fn panicking_waker_then(then: Option<Waker>) -> (Waker, Arc<PanickingWaker>) {
    let w = Arc::new(PanickingWaker {
        woken: AtomicBool::new(false),
        then,
    });
    (Waker::from(w.clone()), w)
}

/// A waker that records that it was woken and passes the wake on to `then`.
pub struct Forward {
    pub woken: AtomicBool,
    pub then: Waker,
}

impl Wake for Forward {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        self.woken.store(true, Ordering::SeqCst);
        self.then.wake_by_ref();
    }
}

impl Forward {
    pub fn new(then: &Waker) -> Arc<Forward> {
        Arc::new(Forward {
            woken: AtomicBool::new(false),
            then: then.clone(),
        })
    }
}

/// The waker of the calling task.
pub async fn own_waker() -> Waker {
    poll_fn(|cx| Poll::Ready(cx.waker().clone())).await
}

/// Waits (bounded) until `done()` holds; each check runs when the calling
/// task is woken, so whatever makes `done` true must also wake it.
pub async fn until(what: &str, done: impl Fn() -> bool) {
    let checked = poll_fn(|_| {
        if done() {
            Poll::Ready(())
        } else {
            Poll::Pending
        }
    });
    if mini_rt::time::timeout(Duration::from_secs(5), checked)
        .await
        .is_err()
    {
        panic!("not within 5 s: {what}");
    }
}

/// Set in a child process re-executed by [`run_child`]: names the test
/// that must do the child's work.
pub const CHILD_ENV: &str = "MINI_RT_ADVERSARIAL_CHILD";

/// Whether this process is the child re-executed for test `name`.
pub fn is_child(name: &str) -> bool {
    std::env::var(CHILD_ENV).is_ok_and(|v| v == name)
}

/// Re-executes this test binary running only test `name` (whose body must
/// check [`is_child`]), with `envs` added; returns the command to spawn.
pub fn child_command(name: &str, envs: &[(&str, String)]) -> Command {
    let exe = std::env::current_exe().expect("current_exe");
    let mut cmd = Command::new(exe);
    cmd.args([
        name,
        "--exact",
        "--include-ignored",
        "--test-threads=1",
        "--nocapture",
    ])
    .env(CHILD_ENV, name)
    .stdin(Stdio::null());
    for (k, v) in envs {
        cmd.env(k, v);
    }
    cmd
}

/// Runs test `name` in a child process (its own fd table and rlimits) and
/// asserts it passed within `limit`; its output is shown only if it failed.
pub fn run_child(name: &str, envs: &[(&str, String)], limit: Duration) {
    let mut child = child_command(name, envs)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn child");
    let drain = |mut r: Box<dyn std::io::Read + Send>| {
        std::thread::spawn(move || {
            let mut s = String::new();
            let _ = r.read_to_string(&mut s);
            s
        })
    };
    let out = drain(Box::new(child.stdout.take().unwrap()));
    let err = drain(Box::new(child.stderr.take().unwrap()));
    let status = wait_child(&mut child, limit);
    let (out, err) = (out.join().unwrap(), err.join().unwrap());
    assert!(
        status.success(),
        "child `{name}` failed: {status}\n--- stdout\n{out}\n--- stderr\n{err}"
    );
}
