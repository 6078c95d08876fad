//! Helpers shared by the integration tests (each test file includes this
//! module with `mod support;`, so not every helper is used by every file).
#![allow(dead_code)]

pub mod procs;

use mini_rt::runtime::{Backend, Builder, Runtime};
use std::future::Future;
use std::io;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

/// User + system CPU time the calling thread has used so far
/// (getrusage(RUSAGE_THREAD)): the runtime is single-threaded, and other
/// tests run on other threads of the same process.
pub fn cpu_time() -> Duration {
    let mut ru: libc::rusage = unsafe_free_zeroed();
    // getrusage only writes into `ru`.
    let rc = rusage(&mut ru);
    assert_eq!(rc, 0, "getrusage failed");
    let tv = |t: libc::timeval| Duration::new(t.tv_sec as u64, t.tv_usec as u32 * 1000);
    tv(ru.ru_utime) + tv(ru.ru_stime)
}

fn unsafe_free_zeroed() -> libc::rusage {
    libc::rusage {
        ru_utime: libc::timeval {
            tv_sec: 0,
            tv_usec: 0,
        },
        ru_stime: libc::timeval {
            tv_sec: 0,
            tv_usec: 0,
        },
        ru_maxrss: 0,
        ru_ixrss: 0,
        ru_idrss: 0,
        ru_isrss: 0,
        ru_minflt: 0,
        ru_majflt: 0,
        ru_nswap: 0,
        ru_inblock: 0,
        ru_oublock: 0,
        ru_msgsnd: 0,
        ru_msgrcv: 0,
        ru_nsignals: 0,
        ru_nvcsw: 0,
        ru_nivcsw: 0,
    }
}

#[allow(unsafe_code)]
fn rusage(ru: &mut libc::rusage) -> i32 {
    // SAFETY: `ru` is a valid, exclusively borrowed rusage for the call.
    unsafe { libc::getrusage(libc::RUSAGE_THREAD, ru) }
}

/// The number of open fds of this process (entries of /proc/self/fd).
pub fn open_fds() -> usize {
    std::fs::read_dir("/proc/self/fd")
        .expect("read /proc/self/fd")
        .count()
}

/// A flag set when the value is dropped: proves a future was dropped.
pub struct DropFlag(pub std::sync::Arc<std::sync::atomic::AtomicBool>);

impl Drop for DropFlag {
    fn drop(&mut self) {
        self.0.store(true, std::sync::atomic::Ordering::SeqCst);
    }
}

/// Bounds a test's wait: panics (failing the test) if `fut` takes longer than `secs`.
pub async fn bounded<F: std::future::Future>(secs: u64, fut: F) -> F::Output {
    mini_rt::time::timeout(Duration::from_secs(secs), fut)
        .await
        .unwrap_or_else(|_| panic!("test step did not finish within {secs} s"))
}

/// How long one test may run on one backend.
pub const LIMIT: Duration = Duration::from_secs(20);

/// Every backend this machine runs: `Backend::ALL` less those whose
/// construction is `Unsupported` (io-uring where the kernel refuses
/// io_uring), each skip printed with its reason.
///
/// Tried on a thread of its own: when an io_uring ring closes, the kernel
/// notifies every thread that submitted to it as a signal would, which
/// makes a wait the caller blocks in just then return early (`EINTR`).
pub fn backends() -> Vec<Backend> {
    let usable = |b: Backend| match mini_rt::poller::Poller::new(b) {
        Err(e) if e.kind() == io::ErrorKind::Unsupported => {
            eprintln!("skipping {b}: {e}");
            false
        }
        _ => true,
    };
    std::thread::spawn(move || Backend::ALL.into_iter().filter(|&b| usable(b)).collect())
        .join()
        .expect("probing the backends")
}

// Not `#[mini_rt::test]`: sockets are where backends differ, so each test
// runs on every backend (those not built yet are skipped).
/// Runs `test` to completion, bounded by `LIMIT`, on each backend that builds.
pub fn on_each_backend<F, Fut>(test: F)
where
    F: Fn() -> Fut,
    Fut: Future<Output = io::Result<()>>,
{
    let mut ran = 0;
    for backend in Backend::ALL {
        let Some(rt) = runtime_on(backend) else {
            continue;
        };
        // Captured, and shown only when the test fails: names the backend
        // a panic from inside the test (a `bounded` step, say) came from.
        println!("running on {backend}");
        rt.block_on(async {
            match mini_rt::time::timeout(LIMIT, test()).await {
                Ok(res) => res.unwrap_or_else(|e| panic!("[{backend}] {e}")),
                Err(_) => panic!("[{backend}] timed out after {LIMIT:?}"),
            }
        });
        ran += 1;
    }
    assert!(ran > 0, "no backend could be built");
}

/// A current-thread runtime on `backend`, or `None` where this machine
/// refuses that backend (`Unsupported`, e.g. io-uring); panics on any
/// other error.
pub fn runtime_on(backend: Backend) -> Option<Runtime> {
    match Builder::new_current_thread()
        .backend(backend)
        .enable_all()
        .build()
    {
        Ok(rt) => Some(rt),
        Err(e) if e.kind() == io::ErrorKind::Unsupported => None,
        Err(e) => panic!("building a {backend} runtime: {e}"),
    }
}

/// A multi-thread runtime with `workers` workers.
pub fn multi_thread(workers: usize) -> Runtime {
    Builder::new_multi_thread()
        .worker_threads(workers)
        .enable_all()
        .build()
        .expect("build a multi-thread runtime")
}

/// The path of example `name`: `cargo test` builds the examples next to
/// the test binaries.
pub fn example(name: &str) -> std::path::PathBuf {
    let mut dir = std::env::current_exe().unwrap();
    dir.pop();
    if dir.ends_with("deps") {
        dir.pop();
    }
    dir.join("examples").join(name)
}

/// A child process (an example run as a server) killed and reaped when the
/// test ends, also when it fails: a leftover child would hold the test's
/// output pipe open.
pub struct KillOnDrop(pub std::process::Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = wait_child(&mut self.0, Duration::from_secs(5));
    }
}

/// Waits for `child` at most `limit` (killing it after that, failing).
pub fn wait_child(child: &mut std::process::Child, limit: Duration) -> std::process::ExitStatus {
    let pid = child.id() as libc::pid_t;
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::scope(|s| {
        s.spawn(|| tx.send(child.wait().expect("wait for the child")));
        match rx.recv_timeout(limit) {
            Ok(status) => status,
            Err(_) => {
                // SAFETY: `pid` is our child, not reaped yet (the waiting
                // thread reaps it only once this kill ended it).
                unsafe { libc::kill(pid, libc::SIGKILL) };
                panic!("child process did not finish within {limit:?}");
            }
        }
    })
}

/// A fresh directory under the system temp dir, removed on drop.
pub struct TempDir(pub PathBuf);

static NEXT: AtomicU32 = AtomicU32::new(0);

/// A name no other test of this run uses: `mini_rt-TAG-PID-N`.
pub fn unique(tag: &str) -> String {
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    format!("mini_rt-{tag}-{}-{n}", std::process::id())
}

impl TempDir {
    /// Creates it, named after `tag`.
    pub fn new(tag: &str) -> TempDir {
        let dir = std::env::temp_dir().join(unique(tag));
        std::fs::create_dir(&dir).unwrap();
        TempDir(dir)
    }
    /// `name` inside it.
    pub fn path(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A connected loopback TCP pair (client, server) on the current runtime.
pub async fn tcp_pair() -> (mini_rt::net::TcpStream, mini_rt::net::TcpStream) {
    let listener = mini_rt::net::TcpListener::bind("127.0.0.1:0")
        .await
        .unwrap();
    let addr = listener.local_addr().unwrap();
    let accept = mini_rt::spawn(async move { listener.accept().await.unwrap().0 });
    let client = bounded(5, mini_rt::net::TcpStream::connect(addr))
        .await
        .unwrap();
    let server = bounded(5, accept).await.unwrap();
    (client, server)
}

/// Raises this process's soft `RLIMIT_NOFILE` to `want` if it is lower and
/// the hard limit allows (else to the hard limit); the soft limit after.
#[allow(unsafe_code)]
pub fn raise_fd_limit(want: u64) -> u64 {
    let mut lim = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: `lim` is a live, writable rlimit for the call.
    if unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut lim) } != 0 {
        return 0;
    }
    if lim.rlim_cur < want {
        let raised = libc::rlimit {
            rlim_cur: want.min(lim.rlim_max),
            rlim_max: lim.rlim_max,
        };
        // SAFETY: `raised` is a live, initialised rlimit for the call.
        if unsafe { libc::setrlimit(libc::RLIMIT_NOFILE, &raised) } == 0 {
            lim = raised;
        }
    }
    lim.rlim_cur
}
