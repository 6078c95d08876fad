//! Heap per idle task and per idle TCP connection, mini_rt vs tokio
//! (current-thread), counted by a global allocator that tracks live bytes.
//!
//! ```text
//! cargo bench --bench memory            # about 25 s
//! MEM_N=1000 cargo bench --bench memory # fewer tasks/connections
//! ```
//!
//! Each cell runs in a fresh child process (so one runtime's freed memory
//! cannot be reused by the other's and the RSS delta is clean) and spawns
//! `MEM_N` (default 10 000) tasks after a baseline taken on a warmed-up
//! runtime; it waits until every task has been polled and parked, then
//! reports the growth of live heap bytes, of allocations, and of the resident
//! set (RSS, from `/proc/self/statm`), each divided by `MEM_N`. Everything the
//! runtime grew for them counts, including run-queue and task-list capacity.
//!
//! * `idle task`: `spawn(std::future::pending::<()>())`.
//! * `task on oneshot`: a task awaiting a `oneshot::Receiver<()>` (its sender
//!   kept aside), so the channel is included.
//! * `idle connection`: an accepted TCP connection whose task is parked in
//!   `read` into a 64-byte buffer. The client ends live in another process (a
//!   child holding plain blocking `std` sockets), so only the server side is
//!   counted and each process needs only `MEM_N` fds; the soft
//!   `RLIMIT_NOFILE` is raised to the hard limit.

use std::alloc::{GlobalAlloc, Layout, System};
use std::io::{self, Read, Write};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicIsize, Ordering::Relaxed};

/// The system allocator, counting live bytes and allocation calls.
struct Counting;

static LIVE: AtomicIsize = AtomicIsize::new(0);
static ALLOCS: AtomicIsize = AtomicIsize::new(0);

// SAFETY: every method forwards to `System` with the caller's arguments, so
// `System`'s guarantees carry over; the counters have no effect on memory.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        LIVE.fetch_add(layout.size() as isize, Relaxed);
        ALLOCS.fetch_add(1, Relaxed);
        // SAFETY: forwarded unchanged (see the impl).
        unsafe { System.alloc(layout) }
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        LIVE.fetch_add(layout.size() as isize, Relaxed);
        ALLOCS.fetch_add(1, Relaxed);
        // SAFETY: forwarded unchanged (see the impl).
        unsafe { System.alloc_zeroed(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size() as isize, Relaxed);
        // SAFETY: forwarded unchanged (see the impl).
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        LIVE.fetch_add(new_size as isize - layout.size() as isize, Relaxed);
        ALLOCS.fetch_add(1, Relaxed);
        // SAFETY: forwarded unchanged (see the impl).
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// A snapshot of live heap bytes, allocation calls and resident bytes.
#[derive(Clone, Copy)]
pub struct Usage {
    bytes: isize,
    allocs: isize,
    rss: isize,
}

impl Usage {
    fn now() -> Usage {
        let statm = std::fs::read_to_string("/proc/self/statm").unwrap_or_default();
        let pages: isize = statm
            .split_whitespace()
            .nth(1)
            .and_then(|p| p.parse().ok())
            .unwrap_or(0);
        // SAFETY: sysconf has no memory-safety preconditions.
        let page = unsafe { libc::sysconf(libc::_SC_PAGESIZE) } as isize;
        Usage {
            bytes: LIVE.load(Relaxed),
            allocs: ALLOCS.load(Relaxed),
            rss: pages * page,
        }
    }

    fn since(self, before: Usage) -> Usage {
        Usage {
            bytes: self.bytes - before.bytes,
            allocs: self.allocs - before.allocs,
            rss: self.rss - before.rss,
        }
    }
}

/// Raises the soft open-file limit to the hard one.
fn raise_nofile() {
    // SAFETY: getrlimit/setrlimit get a pointer to a live, initialised rlimit.
    unsafe {
        let mut lim: libc::rlimit = std::mem::zeroed();
        if libc::getrlimit(libc::RLIMIT_NOFILE, &mut lim) == 0 {
            lim.rlim_cur = lim.rlim_max;
            libc::setrlimit(libc::RLIMIT_NOFILE, &lim);
        }
    }
}

/// The client side of `idle connection`: `n` blocking connections to `addr`,
/// held until stdin closes.
fn client(addr: &str, n: usize) -> io::Result<()> {
    raise_nofile();
    let conns: Vec<std::net::TcpStream> = (0..n)
        .map(|_| std::net::TcpStream::connect(addr))
        .collect::<io::Result<_>>()?;
    io::stdin().read_to_end(&mut Vec::new())?;
    drop(conns);
    Ok(())
}

/// Starts the client process: `n` connections to `addr`.
fn start_client(addr: std::net::SocketAddr, n: usize) -> std::process::Child {
    Command::new(std::env::current_exe().expect("current_exe"))
        .args(["--client", &addr.to_string(), &n.to_string()])
        .stdin(Stdio::piped())
        .spawn()
        .expect("start the client process")
}

/// The same measurements, written once for both runtimes.
macro_rules! measures {
    ($module:ident, $krate:ident) => {
        mod $module {
            use super::*;
            use $krate::io::AsyncReadExt;
            use $krate::net::{TcpListener, TcpStream};
            use $krate::sync::oneshot;
            use $krate::time::{sleep, Duration};

            fn runtime() -> $krate::runtime::Runtime {
                $krate::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .expect("build runtime")
            }

            /// Lets every spawned task run until it parks.
            async fn settle() {
                for _ in 0..3 {
                    sleep(Duration::from_millis(2)).await;
                }
            }

            /// Warms up lazily created runtime state with one short task.
            async fn warm_up() {
                $krate::spawn(async {}).await.unwrap();
                settle().await;
            }

            /// Usage growth for `n` tasks parked on `pending()`.
            pub fn idle_tasks(n: usize) -> Usage {
                runtime().block_on(async {
                    warm_up().await;
                    let before = Usage::now();
                    for _ in 0..n {
                        drop($krate::spawn(std::future::pending::<()>()));
                    }
                    settle().await;
                    Usage::now().since(before)
                })
            }

            /// Usage growth for `n` tasks parked on a oneshot receiver.
            pub fn oneshot_tasks(n: usize) -> Usage {
                runtime().block_on(async {
                    warm_up().await;
                    let mut senders = Vec::with_capacity(n);
                    let before = Usage::now();
                    for _ in 0..n {
                        let (tx, rx) = oneshot::channel::<()>();
                        senders.push(tx);
                        drop($krate::spawn(async move {
                            let _ = rx.await;
                        }));
                    }
                    settle().await;
                    let used = Usage::now().since(before);
                    drop(senders);
                    used
                })
            }

            /// A connection's task: parked in `read` until the peer goes.
            async fn serve(mut socket: TcpStream) {
                let mut buf = [0u8; 64];
                let _ = socket.read(&mut buf).await;
            }

            /// Usage growth for `n` accepted connections, each with a task
            /// parked in `read`.
            pub fn idle_conns(n: usize) -> Usage {
                runtime().block_on(async {
                    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
                    let mut client = start_client(listener.local_addr().unwrap(), n + 1);
                    // Warm-up: the first connection and its task.
                    drop($krate::spawn(serve(listener.accept().await.unwrap().0)));
                    warm_up().await;
                    let before = Usage::now();
                    for _ in 0..n {
                        drop($krate::spawn(serve(listener.accept().await.unwrap().0)));
                    }
                    settle().await;
                    let used = Usage::now().since(before);
                    drop(client.stdin.take());
                    client.wait().unwrap();
                    used
                })
            }
        }
    };
}

measures!(mini, mini_rt);
measures!(tokio_rt, tokio);

const KINDS: [&str; 3] = ["idle task", "task on oneshot", "idle connection"];

/// Runs one measurement in this process and prints it on one line.
fn measure(kind: &str, rt: &str, n: usize) {
    raise_nofile();
    let used = match (kind, rt) {
        ("idle task", "mini") => mini::idle_tasks(n),
        ("idle task", "tokio") => tokio_rt::idle_tasks(n),
        ("task on oneshot", "mini") => mini::oneshot_tasks(n),
        ("task on oneshot", "tokio") => tokio_rt::oneshot_tasks(n),
        ("idle connection", "mini") => mini::idle_conns(n),
        ("idle connection", "tokio") => tokio_rt::idle_conns(n),
        other => panic!("unknown measurement {other:?}"),
    };
    println!("{} {} {}", used.bytes, used.allocs, used.rss);
}

/// Runs one measurement in a child process; returns per-item (bytes, allocs, rss).
fn measure_in_child(kind: &str, rt: &str, n: usize) -> [f64; 3] {
    let out = Command::new(std::env::current_exe().expect("current_exe"))
        .args(["--measure", kind, rt, &n.to_string()])
        .stderr(Stdio::inherit())
        .output()
        .expect("run the measuring process");
    assert!(out.status.success(), "{kind} on {rt} failed");
    let text = String::from_utf8_lossy(&out.stdout);
    let v: Vec<f64> = text
        .split_whitespace()
        .map(|x| x.parse::<f64>().expect("a number") / n as f64)
        .collect();
    [v[0], v[1], v[2]]
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if let Some(i) = args.iter().position(|a| a == "--measure") {
        return measure(&args[i + 1], &args[i + 2], args[i + 3].parse().unwrap());
    }
    if let Some(i) = args.iter().position(|a| a == "--client") {
        return client(&args[i + 1], args[i + 2].parse().unwrap()).expect("client");
    }
    let n: usize = std::env::var("MEM_N")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000);
    println!("per item, {n} items: live heap bytes, allocations and RSS bytes (mini_rt vs tokio)");
    println!(
        "{:<16} {:>10} {:>10} {:>6} {:>7} {:>7} {:>9} {:>9}",
        "item", "mini B", "tokio B", "ratio", "mini #", "tokio #", "mini RSS", "tokio RSS"
    );
    for kind in KINDS {
        let m = measure_in_child(kind, "mini", n);
        let t = measure_in_child(kind, "tokio", n);
        println!(
            "{:<16} {:>10.1} {:>10.1} {:>5.2}x {:>7.2} {:>7.2} {:>9.0} {:>9.0}",
            kind,
            m[0],
            t[0],
            m[0] / t[0],
            m[1],
            t[1],
            m[2],
            t[2]
        );
    }
    io::stdout().flush().unwrap();
}
