//! echo_load: a closed-loop load generator for echo servers, without async:
//! `--conns N` connections each send one `--size S`-byte message and wait
//! for all of it to come back before sending the next. One thread on
//! `mini_rt::poller::Poller` (level-triggered epoll by default, raw readiness
//! underneath, no tasks or wakers), so the client costs as little as it can
//! and the server is what is measured.
//!
//! ```text
//! cargo build --release --example echo_load
//! target/release/examples/echo_load --addr 127.0.0.1:7000 --conns 50 --size 64 \
//!     --secs 2 --warmup 0.3 [--server-pid PID] [--backend epoll-lt]
//! ```
//! Prints one line of `key=value` fields:
//! `total` round trips in the measured window (after `--warmup` seconds,
//! for `--secs` seconds), `rps`, `p50_us` and `p99_us` (from the first byte
//! sent to the last byte of the echo), and with `--server-pid` the server's
//! `server_usr_us_per_rt` and `server_sys_us_per_rt` (utime and stime from
//! /proc/PID/stat over the window, per round trip). `benches/echo.sh` and
//! `benches/callgrind.sh` count the server's syscalls around a run and
//! divide by `total`. `--secs 0` is a set-up run: one message per
//! connection, every echo waited for, then the connections close.

use mini_rt::io::Interest;
use mini_rt::poller::{Events, Poller};
use mini_rt::runtime::Backend;
use std::io::{self, ErrorKind, Read, Write};
use std::net::TcpStream;
use std::os::fd::AsRawFd;
use std::time::{Duration, Instant};

/// One connection with one message in flight.
struct Conn {
    stream: TcpStream,
    /// Bytes of the current message written so far.
    sent: usize,
    /// Bytes of echo received and not yet matched to a whole message.
    got: usize,
    sent_at: Instant,
    /// Whether WRITABLE is armed (a write was cut short).
    arming_write: bool,
}

struct Args {
    addr: String,
    conns: usize,
    size: usize,
    secs: f64,
    warmup: f64,
    server_pid: Option<u32>,
    backend: Backend,
}

fn args() -> io::Result<Args> {
    let mut a = Args {
        addr: "127.0.0.1:7000".into(),
        conns: 50,
        size: 64,
        secs: 5.0,
        warmup: 1.0,
        server_pid: None,
        backend: Backend::EpollLevel,
    };
    let bad = |what: String| io::Error::new(ErrorKind::InvalidInput, what);
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let value = it
            .next()
            .ok_or_else(|| bad(format!("{flag} needs a value")))?;
        let num = |v: &str| {
            v.parse::<f64>()
                .map_err(|_| bad(format!("{flag} {v}: not a number")))
        };
        match flag.as_str() {
            "--addr" => a.addr = value,
            "--conns" => a.conns = num(&value)? as usize,
            "--size" => a.size = num(&value)? as usize,
            "--secs" => a.secs = num(&value)?,
            "--warmup" => a.warmup = num(&value)?,
            "--server-pid" => a.server_pid = Some(num(&value)? as u32),
            "--backend" => a.backend = Backend::from_name(&value)?,
            _ => return Err(bad(format!("unknown option {flag}"))),
        }
    }
    if a.conns == 0 || a.size == 0 {
        return Err(bad("--conns and --size must be at least 1".into()));
    }
    Ok(a)
}

/// (utime, stime) of `pid` in clock ticks.
fn cpu_ticks(pid: u32) -> (u64, u64) {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    let fields: Vec<&str> = stat
        .rsplit_once(") ")
        .map_or(Vec::new(), |(_, rest)| rest.split_whitespace().collect());
    let field = |i: usize| fields.get(i).and_then(|f| f.parse().ok()).unwrap_or(0);
    (field(11), field(12))
}

/// Clock ticks per second, as `getconf CLK_TCK` says (100 on Linux).
fn ticks_per_sec() -> f64 {
    std::process::Command::new("getconf")
        .arg("CLK_TCK")
        .output()
        .ok()
        .and_then(|o| String::from_utf8(o.stdout).ok())
        .and_then(|s| s.trim().parse().ok())
        .unwrap_or(100.0)
}

fn connect(addr: &str) -> io::Result<TcpStream> {
    let mut tries = 0;
    loop {
        match TcpStream::connect(addr) {
            Ok(s) => return Ok(s),
            // A full accept queue refuses for a moment; give the server time.
            Err(e) if tries < 100 => {
                tries += 1;
                if tries == 1 {
                    eprintln!("connect: {e}, retrying");
                }
                std::thread::sleep(Duration::from_millis(50));
            }
            Err(e) => return Err(e),
        }
    }
}

/// Writes what is left of the message; arms WRITABLE if the socket is full.
fn flush(poller: &Poller, token: usize, c: &mut Conn, msg: &[u8]) -> io::Result<()> {
    while c.sent < msg.len() {
        match c.stream.write(&msg[c.sent..]) {
            Ok(n) => c.sent += n,
            Err(e) if e.kind() == ErrorKind::WouldBlock => break,
            Err(e) if e.kind() == ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    let want_write = c.sent < msg.len();
    if want_write != c.arming_write {
        let interest = if want_write {
            Interest::READABLE | Interest::WRITABLE
        } else {
            Interest::READABLE
        };
        poller.modify(c.stream.as_raw_fd(), token, interest)?;
        c.arming_write = want_write;
    }
    Ok(())
}

/// Reads what has arrived, up to the end of the current message; whether a
/// whole echo is in.
fn receive(c: &mut Conn, buf: &mut [u8], size: usize) -> io::Result<bool> {
    while c.got < size {
        match c.stream.read(buf) {
            Ok(0) => {
                return Err(io::Error::new(
                    ErrorKind::UnexpectedEof,
                    "the server closed",
                ))
            }
            Ok(n) => c.got += n,
            Err(e) if e.kind() == ErrorKind::WouldBlock => break,
            Err(e) if e.kind() == ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(c.got >= size && c.sent == size)
}

fn main() -> io::Result<()> {
    let a = args()?;
    let poller = Poller::new(a.backend)?;
    let msg = vec![0xab_u8; a.size];
    let mut buf = vec![0u8; a.size.max(64 * 1024)];
    let mut conns = Vec::with_capacity(a.conns);
    for token in 0..a.conns {
        let stream = connect(&a.addr)?;
        stream.set_nodelay(true)?;
        stream.set_nonblocking(true)?;
        poller.add(stream.as_raw_fd(), token, Interest::READABLE)?;
        conns.push(Conn {
            stream,
            sent: 0,
            got: 0,
            sent_at: Instant::now(),
            arming_write: false,
        });
    }
    let start = Instant::now();
    for (token, c) in conns.iter_mut().enumerate() {
        c.sent_at = Instant::now();
        flush(&poller, token, c, &msg)?;
    }
    let setup_only = a.secs <= 0.0;
    let mut echoed = 0; // set-up run: connections whose echo came back
    let mut lats: Vec<u32> = Vec::with_capacity(1 << 20);
    let mut count: u64 = 0;
    let mut events = Events::with_capacity(1024);
    let (mut measuring, mut t0, mut cpu0) = (false, start, (0, 0));
    loop {
        let now = Instant::now();
        let elapsed = now.duration_since(start).as_secs_f64();
        if setup_only {
            if echoed == a.conns || elapsed > 10.0 {
                break;
            }
        } else {
            if !measuring && elapsed >= a.warmup {
                (measuring, t0, count) = (true, now, 0);
                lats.clear();
                cpu0 = a.server_pid.map_or((0, 0), cpu_ticks);
            }
            if elapsed >= a.warmup + a.secs {
                break;
            }
        }
        poller.wait(&mut events, Some(Duration::from_millis(100)))?;
        for (token, ready) in events.iter() {
            let c = &mut conns[token];
            if ready.is_writable() {
                flush(&poller, token, c, &msg)?;
            }
            if !receive(c, &mut buf, a.size)? {
                continue;
            }
            c.got -= a.size;
            let now = Instant::now();
            if setup_only {
                echoed += 1;
                continue;
            }
            if measuring {
                count += 1;
                lats.push(now.duration_since(c.sent_at).as_micros() as u32);
            }
            (c.sent, c.sent_at) = (0, now);
            flush(&poller, token, c, &msg)?;
        }
    }
    for c in &conns {
        poller.delete(c.stream.as_raw_fd())?;
    }
    let window = if measuring {
        t0.elapsed().as_secs_f64()
    } else {
        0.0
    };
    let cpu1 = a.server_pid.map_or((0, 0), cpu_ticks);
    let per_rt = |ticks: u64| ticks as f64 / ticks_per_sec() * 1e6 / count.max(1) as f64;
    lats.sort_unstable();
    let pct = |q: f64| {
        lats.get(((lats.len() as f64 - 1.0) * q) as usize)
            .copied()
            .unwrap_or(0)
    };
    println!(
        "total={count} rps={:.0} p50_us={} p99_us={} server_usr_us_per_rt={:.3} \
         server_sys_us_per_rt={:.3} conns={} size={}",
        if window > 0.0 {
            count as f64 / window
        } else {
            0.0
        },
        pct(0.5),
        pct(0.99),
        per_rt(cpu1.0.saturating_sub(cpu0.0)),
        per_rt(cpu1.1.saturating_sub(cpu0.1)),
        a.conns,
        a.size,
    );
    Ok(())
}
