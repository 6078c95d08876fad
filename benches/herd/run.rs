//! One run of the thundering-herd experiment, shared by `benches/herd.rs`
//! and `tests/herd.rs`: `workers` workers of a multi-thread runtime all wait
//! in `accept` on one port while a client thread opens and closes
//! connections one after another (each waits until the server has accepted
//! and closed it), and each worker's counters say how often it was woken.

use mini_rt::io::Interest;
use mini_rt::net::TcpSocket;
use mini_rt::reactor::PollEvented;
use mini_rt::runtime::{Backend, Builder, Handle, RuntimeStats};
use std::io::{self, Read};
use std::net::{SocketAddr, TcpStream};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering::Relaxed};
use std::sync::{mpsc, Arc};
use std::time::{Duration, Instant};

/// How the workers share the port.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// One listening socket, each worker registering its own duplicate of
    /// it the ordinary way (no `EPOLLEXCLUSIVE`).
    Plain,
    /// One listening socket, each worker's duplicate a `TcpListener`
    /// (registered exclusively where the backend can).
    Exclusive,
    /// One `SO_REUSEPORT` listener per worker: the kernel picks the
    /// listener of each connection.
    ReusePort,
}

impl Mode {
    /// Every mode, in table order.
    pub const ALL: [Mode; 3] = [Mode::Plain, Mode::Exclusive, Mode::ReusePort];

    /// The mode's name in tables.
    pub fn name(self) -> &'static str {
        match self {
            Mode::Plain => "shared",
            Mode::Exclusive => "shared+EXCLUSIVE",
            Mode::ReusePort => "SO_REUSEPORT",
        }
    }
}

/// What one run measured.
#[derive(Clone, Debug)]
pub struct Outcome {
    /// Connections accepted.
    pub connections: u64,
    /// Times a worker thread was woken from sleep, summed over the workers
    /// (voluntary context switches): the herd as the kernel sees it.
    /// epoll, poll and select check readiness again before returning to
    /// user space, and go back to sleep when another worker has taken the
    /// connection, so the herd costs a context switch that the runtime's
    /// own counters never see.
    pub thread_wakeups: u64,
    /// IO wakeups (the runtime's `wakeups`: wakers woken by IO events),
    /// summed over the workers.
    pub wakeups: u64,
    /// Wakeups that found no connection to accept (another worker took
    /// it). The runtime's `spurious_wakeups` counter is not used: it also
    /// counts the `WouldBlock` that ends every useful wakeup's accepts.
    pub spurious: u64,
    /// Connections accepted by each worker.
    pub per_worker: Vec<u64>,
    /// The client's time for all its connections.
    pub elapsed: Duration,
}

impl Outcome {
    /// Worker thread wakeups per accepted connection, summed over workers.
    pub fn thread_wakeups_per_conn(&self) -> f64 {
        self.thread_wakeups as f64 / self.connections.max(1) as f64
    }

    /// Runtime (IO) wakeups per accepted connection, summed over workers.
    pub fn wakeups_per_conn(&self) -> f64 {
        self.wakeups as f64 / self.connections.max(1) as f64
    }

    /// Spurious wakeups per accepted connection.
    pub fn spurious_per_conn(&self) -> f64 {
        self.spurious as f64 / self.connections.max(1) as f64
    }

    /// Accepted connections per second.
    pub fn accepts_per_sec(&self) -> f64 {
        self.connections as f64 / self.elapsed.as_secs_f64()
    }
}

/// Runs the experiment once: `workers` workers on `backend` (or the
/// default one), `connections` connections in `mode`. Each connection is
/// bounded by a 10 s read timeout.
pub fn run(
    backend: Option<Backend>,
    workers: usize,
    mode: Mode,
    connections: usize,
) -> io::Result<Outcome> {
    let mut builder = Builder::new_multi_thread();
    builder.worker_threads(workers).enable_all();
    if let Some(b) = backend {
        builder.backend(b);
    }
    let rt = builder.build()?;
    let counts: Arc<Vec<Counts>> = Arc::new((0..workers).map(|_| Counts::default()).collect());
    let addr = rt.block_on(serve(mode, counts.clone()))?;
    let before = worker_counters(&rt);
    let start = Instant::now();
    for _ in 0..connections {
        let mut c = TcpStream::connect(addr)?;
        c.set_read_timeout(Some(Duration::from_secs(10)))?;
        // The server closes the connection once accepted: EOF.
        let n = c.read(&mut [0u8; 1])?;
        assert_eq!(n, 0, "the server sends nothing");
    }
    let elapsed = start.elapsed();
    let after = worker_counters(&rt);
    let per_worker: Vec<u64> = counts.iter().map(|c| c.accepted.load(Relaxed)).collect();
    // Each worker's switch count includes the wake to read it: one each.
    let thread_wakeups = after
        .iter()
        .zip(&before)
        .map(|(a, b)| (a.1 - b.1).saturating_sub(1))
        .sum();
    Ok(Outcome {
        connections: per_worker.iter().sum(),
        thread_wakeups,
        wakeups: after
            .iter()
            .zip(&before)
            .map(|(a, b)| a.0.wakeups - b.0.wakeups)
            .sum(),
        spurious: counts.iter().map(|c| c.wasted.load(Relaxed)).sum(),
        per_worker,
        elapsed,
    })
}

/// Starts one accept loop per worker; returns the port's address once every
/// worker is listening.
async fn serve(mode: Mode, counts: Arc<Vec<Counts>>) -> io::Result<SocketAddr> {
    let localhost: SocketAddr = "127.0.0.1:0".parse().unwrap();
    // Shared modes: one socket. SO_REUSEPORT: a socket that only reserves
    // the port (bound, never listening, so it gets no connection).
    let shared = match mode {
        Mode::ReusePort => {
            let s = TcpSocket::new_v4()?;
            s.set_reuseport(true)?;
            s.bind(localhost)?;
            Err(s)
        }
        _ => {
            let l = std::net::TcpListener::bind(localhost)?;
            l.set_nonblocking(true)?;
            Ok(Arc::new(l))
        }
    };
    let addr = match &shared {
        Ok(l) => l.local_addr()?,
        Err(s) => s.local_addr()?,
    };
    let shared_l = shared.as_ref().ok().cloned();
    let next = Arc::new(AtomicUsize::new(0));
    let (ready_tx, ready_rx) = mpsc::channel::<io::Result<()>>();
    let ready_tx = std::sync::Mutex::new(ready_tx);
    let workers = counts.len();
    Handle::current().spawn_on_each_worker(move || {
        let me = next.fetch_add(1, Relaxed);
        let counts = counts.clone();
        let shared = shared_l.clone();
        let ready = ready_tx.lock().unwrap().clone();
        async move {
            let res = accept_loop(mode, addr, shared, &ready, &counts[me]).await;
            let _ = ready.send(res);
        }
    });
    // The workers report in quickly; the bound keeps a failure from hanging.
    for _ in 0..workers {
        ready_rx
            .recv_timeout(Duration::from_secs(10))
            .map_err(|_| io::Error::other("a worker did not start listening"))??;
    }
    drop(shared);
    Ok(addr)
}

/// One worker's listener and accept loop; reports `Ok` on `ready` once
/// listening, and returns only on an error. Every mode runs the same loop
/// on a `PollEvented` listener (registered as `TcpListener` registers it,
/// except in `Plain`), so the modes differ only in the registration: after
/// each wakeup it accepts until `WouldBlock`, counting a wakeup that found
/// no connection in `wasted`.
async fn accept_loop(
    mode: Mode,
    addr: SocketAddr,
    shared: Option<Arc<std::net::TcpListener>>,
    ready: &mpsc::Sender<io::Result<()>>,
    counts: &Counts,
) -> io::Result<()> {
    let l = match (mode, shared) {
        (Mode::Plain, Some(s)) => {
            PollEvented::new_with_interest(s.try_clone()?, Interest::READABLE)?
        }
        (_, Some(s)) => PollEvented::new_exclusive(s.try_clone()?, Interest::READABLE)?,
        (_, None) => {
            let s = TcpSocket::new_v4()?;
            s.set_reuseport(true)?;
            s.bind(addr)?;
            let l = s.listen(1024)?.into_std()?;
            PollEvented::new_exclusive(l, Interest::READABLE)?
        }
    };
    let _ = ready.send(Ok(()));
    loop {
        let ev = l.readiness(Interest::READABLE).await?;
        let mut got = 0;
        loop {
            match l.get_ref().accept() {
                Ok(conn) => {
                    drop(conn);
                    got += 1;
                }
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                    l.clear_readiness(ev);
                    break;
                }
                Err(e) => return Err(e),
            }
        }
        counts.accepted.fetch_add(got, Relaxed);
        if got == 0 {
            counts.wasted.fetch_add(1, Relaxed);
        }
    }
}

/// One worker's tallies.
#[derive(Default)]
struct Counts {
    accepted: AtomicU64,
    wasted: AtomicU64,
}

/// Each worker's runtime counters and its thread's voluntary context
/// switches, read on the worker itself after a yield (so a wakeup it has
/// taken from the backend has been acted on).
fn worker_counters(rt: &mini_rt::runtime::Runtime) -> Vec<(RuntimeStats, u64)> {
    rt.block_on(async {
        let handles = Handle::current().spawn_on_each_worker(|| async {
            mini_rt::task::yield_now().await;
            (Handle::current().worker_stats(), voluntary_switches())
        });
        let mut out = Vec::new();
        for (i, h) in handles.into_iter().enumerate() {
            let (stats, switches) = h.await.expect("stats task");
            out.push((stats[i], switches));
        }
        out
    })
}

/// How many times the calling thread has gone to sleep and been woken:
/// its voluntary context switches (Linux, `/proc/thread-self/status`).
fn voluntary_switches() -> u64 {
    let status = std::fs::read_to_string("/proc/thread-self/status").expect("read thread status");
    status
        .lines()
        .find_map(|l| l.strip_prefix("voluntary_ctxt_switches:"))
        .and_then(|v| v.trim().parse().ok())
        .expect("voluntary_ctxt_switches in the thread's status")
}
