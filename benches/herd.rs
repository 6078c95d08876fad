//! The thundering herd: N ∈ {1, 2, 4, 8} workers of a multi-thread runtime
//! all wait in `accept` on one port while a client thread opens and closes
//! connections one after another, in three modes: one listening socket
//! shared by the workers without `EPOLLEXCLUSIVE`, the same with it (as
//! `TcpListener` registers), and one `SO_REUSEPORT` listener per worker.
//!
//! ```text
//! cargo bench --bench herd                        # 10 000 connections per cell; writes benches/herd.svg
//! cargo bench --bench herd -- --connections 500   # a quick run, no plot
//! ```
//! `HERD_CONNECTIONS` sets the count too; `MINI_RT_BACKEND` the backend
//! (default: epoll).
//!
//! Per connection: *thread wakeups* (the workers' voluntary context
//! switches, summed: the herd as the kernel sees it), *IO wakeups* (the
//! runtime's `wakeups` counter, summed), *wasted* (IO wakeups whose accept
//! found nothing). The kernel re-checks readiness before `epoll_wait`
//! returns and puts a thread that lost the race back to sleep, so the
//! shared listener's herd shows up as thread wakeups, hardly at all in user
//! space. Then accepts per second and the connections each worker accepted
//! (min/max).

#[path = "support/plot.rs"]
mod plot;
#[path = "herd/run.rs"]
mod run;

use mini_rt::runtime::Builder;
use run::{Mode, Outcome};
use std::io;

const WORKERS: [usize; 4] = [1, 2, 4, 8];

fn main() -> io::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let from_arg = args
        .windows(2)
        .find(|w| w[0] == "--connections")
        .map(|w| w[1].clone());
    let connections: usize = from_arg
        .or_else(|| std::env::var("HERD_CONNECTIONS").ok())
        .map(|v| v.parse().expect("a connection count"))
        .unwrap_or(10_000);
    let backend = Builder::new_current_thread().build()?.backend();
    println!("herd: {connections} connections per cell, backend {backend}");
    println!(
        "\n| workers | mode | thread wakeups/conn | IO wakeups/conn | wasted/conn | accepts/s | conns per worker (min/max) |"
    );
    println!("|---|---|---|---|---|---|---|");
    let mut results: Vec<(Mode, Vec<(usize, Outcome)>)> =
        Mode::ALL.iter().map(|&m| (m, Vec::new())).collect();
    for &n in &WORKERS {
        for (mode, out) in results.iter_mut() {
            let o = run::run(None, n, *mode, connections)?;
            println!(
                "| {n} | {} | {:.2} | {:.2} | {:.2} | {:.0} | {}/{} |",
                mode.name(),
                o.thread_wakeups_per_conn(),
                o.wakeups_per_conn(),
                o.spurious_per_conn(),
                o.accepts_per_sec(),
                o.per_worker.iter().min().unwrap(),
                o.per_worker.iter().max().unwrap(),
            );
            out.push((n, o));
        }
    }
    if connections < 10_000 {
        println!("\nshort run: no plot");
        return Ok(());
    }
    let x_ticks: Vec<f64> = WORKERS.iter().map(|&n| n as f64).collect();
    let series = results
        .iter()
        .map(|(mode, outs)| plot::Series {
            name: mode.name().to_string(),
            points: outs
                .iter()
                .map(|(n, o)| (*n as f64, o.thread_wakeups_per_conn()))
                .collect(),
        })
        .collect();
    let title = format!("mini_rt ({backend}): worker threads woken per accepted connection");
    let svg = plot::svg(&plot::Plot {
        title: &title,
        x_label: "workers waiting in accept on one port (log scale)",
        y_label: "thread wakeups per connection",
        x_ticks: &x_ticks,
        x_log: true,
        y_log: false,
        y_tick_label: |v| format!("{v}"),
        series,
    });
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/benches/herd.svg");
    std::fs::write(path, svg)?;
    println!("\nplot: {path}");
    Ok(())
}
