//! mini_rt vs tokio (current-thread) on the same micro workloads, in one run.
//!
//! ```text
//! cargo bench --bench runtime                 # every workload
//! cargo bench --bench runtime -- spawn ping   # only names containing "spawn" or "ping"
//! ```
//! For each workload, ROUNDS (env `BENCH_ROUNDS`, default 7) interleaved
//! rounds run mini_rt then tokio (the order flips every round), each sample on
//! a fresh runtime after one untimed warm-up run, repeated until it lasts about
//! `BENCH_SAMPLE_MS` (default 50) ms. The table shows the median ns/op per
//! runtime, their ratio (mini_rt / tokio: below 1 means mini_rt is faster) and
//! the range of the per-round paired ratios (the noise). The process pins
//! itself to cpu `BENCH_CPU` (default 0; `none` to leave it).
//!
//! `-- --callgrind NAME mini|tokio [RUNS]` runs one workload once untimed,
//! then RUNS (default 1) times inside `callgrind_region`, for `valgrind
//! --tool=callgrind --toggle-collect='*callgrind_region*'` (and for counting
//! syscalls with strace); see `benches/callgrind.sh`. `-- --list` prints the
//! workload names.

mod workloads;

use std::time::{Duration, Instant};
use workloads::{mini, tokio_rt, NAMES};

#[derive(Clone, Copy, PartialEq)]
enum Rt {
    Mini,
    Tokio,
}

/// Runs `name` on a fresh runtime: one untimed run, then `iters` timed runs;
/// returns ns per op (for `sleep_overshoot`: the median overshoot in ns).
fn sample(rt: Rt, name: &str, iters: u32) -> f64 {
    match rt {
        Rt::Mini => sample_on(mini::runtime(), mini::run, name, iters),
        Rt::Tokio => sample_on(tokio_rt::runtime(), tokio_rt::run, name, iters),
    }
}

fn sample_on<R>(rt: R, run: fn(&R, &str) -> u64, name: &str, iters: u32) -> f64 {
    if name == "sleep_overshoot" {
        return run(&rt, name) as f64;
    }
    run(&rt, name);
    let start = Instant::now();
    let mut ops = 0;
    for _ in 0..iters {
        ops += run(&rt, name);
    }
    start.elapsed().as_nanos() as f64 / ops as f64
}

/// Timed runs per sample so that one sample lasts about `target`.
fn calibrate(name: &str, target: Duration) -> u32 {
    if name == "sleep_overshoot" {
        return 1;
    }
    // A sample of 1 is a warm-up run plus a timed run: half is one run.
    let run_len = |rt: Rt| {
        let start = Instant::now();
        sample(rt, name, 1);
        start.elapsed() / 2
    };
    let longest = run_len(Rt::Mini).max(run_len(Rt::Tokio));
    (target.as_nanos() / longest.as_nanos().max(1)).clamp(1, 100_000) as u32
}

fn median(v: &mut [f64]) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    v[v.len() / 2]
}

fn env_num(key: &str, default: u64) -> u64 {
    std::env::var(key)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn pin_to_cpu() {
    let cpu = std::env::var("BENCH_CPU").unwrap_or_else(|_| "0".into());
    let Ok(cpu) = cpu.parse::<usize>() else {
        return;
    };
    // SAFETY: a zeroed cpu_set_t is a valid empty set; we pass its true size.
    unsafe {
        let mut set: libc::cpu_set_t = std::mem::zeroed();
        libc::CPU_SET(cpu, &mut set);
        if libc::sched_setaffinity(0, std::mem::size_of_val(&set), &set) != 0 {
            eprintln!("could not pin to cpu {cpu}; running unpinned");
        }
    }
}

/// Everything callgrind counts happens inside this function.
#[inline(never)]
fn callgrind_region(f: &mut dyn FnMut() -> u64) -> u64 {
    std::hint::black_box(f())
}

/// One warm-up run, then `runs` runs inside `callgrind_region`; prints the
/// op count of those runs.
fn callgrind(name: &str, rt: &str, runs: u64) {
    let ops = match rt {
        "mini" => {
            let r = mini::runtime();
            mini::run(&r, name);
            callgrind_region(&mut || (0..runs).map(|_| mini::run(&r, name)).sum())
        }
        "tokio" => {
            let r = tokio_rt::runtime();
            tokio_rt::run(&r, name);
            callgrind_region(&mut || (0..runs).map(|_| tokio_rt::run(&r, name)).sum())
        }
        other => panic!("runtime must be mini or tokio, not {other}"),
    };
    println!("workload={name} runtime={rt} ops={ops}");
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if let Some(i) = args.iter().position(|a| a == "--callgrind") {
        let usage = "--callgrind NAME mini|tokio [RUNS]";
        let name = args.get(i + 1).expect(usage);
        let rt = args.get(i + 2).expect(usage);
        let runs = args.get(i + 3).map_or(1, |r| r.parse().expect(usage));
        return callgrind(name, rt, runs);
    }
    if args.iter().any(|a| a == "--list") {
        return NAMES.iter().for_each(|n| println!("{n}"));
    }
    let filters: Vec<&String> = args.iter().filter(|a| !a.starts_with("--")).collect();
    let rounds = env_num("BENCH_ROUNDS", 7).max(1) as usize;
    let target = Duration::from_millis(env_num("BENCH_SAMPLE_MS", 50));
    pin_to_cpu();

    println!("mini_rt vs tokio current-thread: median of {rounds} interleaved rounds");
    println!(
        "{:<20} {:>14} {:>14} {:>7}  paired ratio range",
        "workload", "mini_rt ns/op", "tokio ns/op", "ratio"
    );
    for &name in NAMES {
        if !filters.is_empty() && !filters.iter().any(|f| name.contains(f.as_str())) {
            continue;
        }
        let iters = calibrate(name, target);
        let (mut m, mut t, mut r) = (Vec::new(), Vec::new(), Vec::new());
        for round in 0..rounds {
            let order = if round % 2 == 0 {
                [Rt::Mini, Rt::Tokio]
            } else {
                [Rt::Tokio, Rt::Mini]
            };
            let mut got = [0.0; 2];
            for rt in order {
                got[(rt == Rt::Tokio) as usize] = sample(rt, name, iters);
            }
            m.push(got[0]);
            t.push(got[1]);
            r.push(got[0] / got[1].max(1e-9));
        }
        let (mm, tm) = (median(&mut m), median(&mut t));
        r.sort_by(|a, b| a.total_cmp(b));
        let label = if name == "sleep_overshoot" {
            format!("{name} (µs)")
        } else {
            name.to_string()
        };
        let scale = if name == "sleep_overshoot" { 1e-3 } else { 1.0 };
        println!(
            "{:<20} {:>14.1} {:>14.1} {:>6.2}x  {:.2}..{:.2}",
            label,
            mm * scale,
            tm * scale,
            mm / tm.max(1e-9),
            r[0],
            r[r.len() - 1]
        );
    }
}
