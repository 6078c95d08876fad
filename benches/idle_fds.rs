//! What idle fds cost each backend: one socket pair plays ping-pong (one byte
//! back and forth) through a `mini_rt::poller::Poller` while 10, 100, 1000 or
//! 10 000 idle fds (unbound Unix datagram sockets, never readable) are
//! registered beside it.
//!
//! ```text
//! cargo bench --bench idle_fds               # about 12 s; writes benches/idle_fds.svg
//! cargo bench --bench idle_fds -- --smoke    # 10 and 100 idle fds, one short run, no plot
//! ```
//!
//! Per event = one `wait` reporting one fd, plus the `read` and the `write`
//! that answer it (plus the re-arming `modify` on epoll-oneshot). Each cell
//! is the median of several repetitions, interleaved across backends and
//! sizes so that drift in machine load spreads evenly. CPU per event comes
//! from `getrusage`. Expect epoll and io-uring flat and poll/select growing
//! linearly; select cannot hold fds ≥ 1024, hence "n/a". A backend the
//! machine refuses (io-uring where the kernel refuses io_uring) is left out,
//! with the reason printed.

#[path = "support/plot.rs"]
mod plot;

use mini_rt::io::Interest;
use mini_rt::poller::{Events, Poller};
use mini_rt::runtime::Backend;
use std::io::{self, Read, Write};
use std::os::fd::AsRawFd;
use std::os::unix::net::{UnixDatagram, UnixStream};
use std::time::{Duration, Instant};

const SIZES: [usize; 4] = [10, 100, 1000, 10_000];
const REPS: usize = 7;
/// How long one repetition of one cell plays ping-pong.
const RUN: Duration = Duration::from_millis(40);
/// `--smoke`: the first two sizes, one repetition of `SMOKE_RUN`, no plot.
const SMOKE_RUN: Duration = Duration::from_millis(5);

/// One backend's poller and its active pair, created before the idle fds so
/// that select's fds stay below 1024.
struct Bench {
    backend: Backend,
    poller: Poller,
    pair: [UnixStream; 2],
    events: Events,
}

/// One repetition of one cell: ns per event, and CPU time (user, system)
/// with the event count. getrusage may count in scheduler ticks, so CPU is
/// summed over repetitions rather than taken per run.
#[derive(Clone, Copy)]
struct Sample {
    ns_per_event: f64,
    user: Duration,
    sys: Duration,
    events: u64,
}

/// A cell's result: median ns per event, user and system CPU ns per event.
#[derive(Clone, Copy)]
struct Cell {
    ns: f64,
    user: f64,
    sys: f64,
}

fn main() -> io::Result<()> {
    let smoke = std::env::args().any(|a| a == "--smoke");
    let (sizes, reps, run) = match smoke {
        true => (&SIZES[..2], 1, SMOKE_RUN),
        false => (&SIZES[..], REPS, RUN),
    };
    let most = *sizes.last().unwrap();
    raise_nofile(most as u64 + 256);
    // Select first: its fds get the lowest numbers.
    let order = [
        Backend::Select,
        Backend::Poll,
        Backend::EpollEdge,
        Backend::EpollLevel,
        Backend::EpollOneshot,
        Backend::IoUring,
    ];
    let mut benches = Vec::new();
    for backend in order.into_iter().take(1) {
        benches.extend(Bench::new(backend)?);
    }
    let idle: Vec<UnixDatagram> = (0..most)
        .map(|_| UnixDatagram::unbound())
        .collect::<io::Result<_>>()?;
    for backend in order.into_iter().skip(1) {
        benches.extend(Bench::new(backend)?);
    }
    benches.sort_by_key(|b| Backend::ALL.iter().position(|x| *x == b.backend));

    let start = Instant::now();
    // samples[backend][size] = one Sample per repetition (empty: n/a).
    let mut samples = vec![vec![Vec::<Sample>::new(); sizes.len()]; benches.len()];
    for _ in 0..reps {
        for (si, &size) in sizes.iter().enumerate() {
            for (bi, bench) in benches.iter_mut().enumerate() {
                if let Some(s) = bench.measure(&idle[..size], run)? {
                    samples[bi][si].push(s);
                }
            }
        }
    }
    let cells: Vec<Vec<Option<Cell>>> = samples
        .iter()
        .map(|per_size| per_size.iter().map(|s| summarize(s)).collect())
        .collect();
    let names: Vec<&str> = benches.iter().map(|b| b.backend.name()).collect();
    print_table(
        "ns per event (wait + read + write), median",
        sizes,
        &names,
        &cells,
        |c| c.ns,
    );
    print_table("user CPU ns per event", sizes, &names, &cells, |c| c.user);
    print_table("system CPU ns per event", sizes, &names, &cells, |c| c.sys);
    if smoke {
        println!(
            "\nsmoke run: no plot (total {:.1} s)",
            start.elapsed().as_secs_f64()
        );
        return Ok(());
    }
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/benches/idle_fds.svg");
    std::fs::write(path, svg(&names, &cells))?;
    println!(
        "\nplot: {path}  (total {:.1} s)",
        start.elapsed().as_secs_f64()
    );
    Ok(())
}

impl Bench {
    /// `None` (with the reason printed) for a backend this machine refuses.
    fn new(backend: Backend) -> io::Result<Option<Bench>> {
        let poller = match Poller::new(backend) {
            Ok(p) => p,
            Err(e) if e.kind() == io::ErrorKind::Unsupported => {
                println!("left out: {e}");
                return Ok(None);
            }
            Err(e) => return Err(e),
        };
        let (a, b) = UnixStream::pair()?;
        for (token, s) in [&a, &b].into_iter().enumerate() {
            s.set_nonblocking(true)?;
            poller.add(s.as_raw_fd(), token, Interest::READABLE)?;
        }
        Ok(Some(Bench {
            backend,
            poller,
            pair: [a, b],
            events: Events::with_capacity(64),
        }))
    }

    /// Registers `idle`, plays ping-pong for `run`, deregisters; `None` if the
    /// backend cannot hold that many fds.
    fn measure(&mut self, idle: &[UnixDatagram], run: Duration) -> io::Result<Option<Sample>> {
        let mut added = 0;
        let mut refused = false;
        for (i, fd) in idle.iter().enumerate() {
            match self.poller.add(fd.as_raw_fd(), 2 + i, Interest::READABLE) {
                Ok(()) => added += 1,
                Err(e) if e.kind() == io::ErrorKind::InvalidInput => {
                    refused = true;
                    break;
                }
                Err(e) => return Err(e),
            }
        }
        let res = if refused {
            None
        } else {
            Some(self.ping_pong(run)?)
        };
        for fd in &idle[..added] {
            self.poller.delete(fd.as_raw_fd())?;
        }
        Ok(res)
    }

    fn ping_pong(&mut self, run: Duration) -> io::Result<Sample> {
        let mut byte = [0u8; 1];
        (&self.pair[0]).write_all(b"x")?;
        let mut step = |b: &mut Bench| -> io::Result<usize> {
            if b.poller.wait(&mut b.events, Some(Duration::from_secs(5)))? == 0 {
                return Err(io::Error::other(format!("{}: no event in 5 s", b.backend)));
            }
            for (token, _) in b.events.iter() {
                let (mut me, mut peer) = (&b.pair[token], &b.pair[1 - token]);
                me.read_exact(&mut byte)?;
                peer.write_all(&byte)?;
                if b.backend == Backend::EpollOneshot {
                    b.poller.modify(me.as_raw_fd(), token, Interest::READABLE)?;
                }
            }
            Ok(b.events.len())
        };
        for _ in 0..50 {
            step(self)?; // warm up
        }
        let (cpu0, t0) = (cpu(), Instant::now());
        let mut events = 0u64;
        while t0.elapsed() < run || events < 100 {
            events += step(self)? as u64;
        }
        let elapsed = t0.elapsed();
        let (user, sys) = cpu();
        // Leave the pair quiet: one byte is in flight, take it.
        step(self)?;
        let (mut pair0, mut pair1) = (&self.pair[0], &self.pair[1]);
        let _ = (pair0.read(&mut byte), pair1.read(&mut byte));
        Ok(Sample {
            ns_per_event: elapsed.as_nanos() as f64 / events as f64,
            user: user - cpu0.0,
            sys: sys - cpu0.1,
            events,
        })
    }
}

fn summarize(samples: &[Sample]) -> Option<Cell> {
    if samples.is_empty() {
        return None;
    }
    let mut ns: Vec<f64> = samples.iter().map(|s| s.ns_per_event).collect();
    ns.sort_by(|a, b| a.total_cmp(b));
    let events: u64 = samples.iter().map(|s| s.events).sum();
    let per = |d: Duration| d.as_nanos() as f64 / events as f64;
    Some(Cell {
        ns: ns[ns.len() / 2],
        user: per(samples.iter().map(|s| s.user).sum()),
        sys: per(samples.iter().map(|s| s.sys).sum()),
    })
}

fn print_table(
    title: &str,
    sizes: &[usize],
    names: &[&str],
    m: &[Vec<Option<Cell>>],
    f: fn(&Cell) -> f64,
) {
    println!("\n{title}");
    print!("{:>9}", "idle fds");
    for n in names {
        print!(" {n:>13}");
    }
    println!();
    for (si, size) in sizes.iter().enumerate() {
        print!("{size:>9}");
        for per_size in m {
            match &per_size[si] {
                Some(s) => print!(" {:>13.0}", f(s)),
                None => print!(" {:>13}", "n/a"),
            }
        }
        println!();
    }
}

/// CPU used by this process so far: (user, system).
fn cpu() -> (Duration, Duration) {
    // SAFETY: an all-zero rusage is valid, and getrusage only writes into it.
    let mut ru: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: `ru` is a live, writable rusage.
    assert_eq!(unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut ru) }, 0);
    let tv = |t: libc::timeval| Duration::new(t.tv_sec as u64, t.tv_usec as u32 * 1000);
    (tv(ru.ru_utime), tv(ru.ru_stime))
}

/// Raises the soft `RLIMIT_NOFILE` to `n` if the hard limit allows.
fn raise_nofile(n: u64) {
    // SAFETY: an all-zero rlimit is valid; getrlimit only writes into it.
    let mut lim: libc::rlimit = unsafe { std::mem::zeroed() };
    // SAFETY: `lim` is a live, writable rlimit.
    if unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut lim) } == 0 && lim.rlim_cur < n {
        lim.rlim_cur = n.min(lim.rlim_max);
        // SAFETY: `lim` is a live rlimit; raising the soft limit affects nothing else.
        unsafe { libc::setrlimit(libc::RLIMIT_NOFILE, &lim) };
    }
}

/// A log-log line plot of ns per event against idle fds, one line per backend.
fn svg(names: &[&str], m: &[Vec<Option<Cell>>]) -> String {
    let x_ticks: Vec<f64> = SIZES.iter().map(|&n| n as f64).collect();
    let series = names
        .iter()
        .zip(m)
        .map(|(name, per_size)| {
            let note = if per_size.iter().any(Option::is_none) {
                " (fd &lt; 1024)"
            } else {
                ""
            };
            plot::Series {
                name: format!("{name}{note}"),
                points: SIZES
                    .iter()
                    .zip(per_size)
                    .filter_map(|(&n, v)| v.map(|v| (n as f64, v.ns)))
                    .collect(),
            }
        })
        .collect();
    plot::svg(&plot::Plot {
        title: "mini_rt: cost per event (wait + read + write) vs. idle registered fds",
        x_label: "idle fds registered (log scale)",
        y_label: "ns per event (log scale)",
        x_ticks: &x_ticks,
        x_log: true,
        y_log: true,
        y_tick_label: |v| match v {
            v if v < 1e3 => format!("{v} ns"),
            v if v < 1e6 => format!("{} µs", v / 1e3),
            v => format!("{} ms", v / 1e6),
        },
        series,
    })
}
