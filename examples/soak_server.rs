//! The soak test's server: a TCP echo server that serves exactly N
//! connections (one task each), then returns from `main`, so the runtime is
//! dropped and the process exits cleanly — which valgrind's leak check needs.
//!
//! Run by `scripts/soak.sh` under valgrind; by hand:
//! ```text
//! cargo run --release --example soak_server -- 127.0.0.1:0 1000 [WORKERS]
//! cargo run --release --example soak_client -- <printed address> 1000 100
//! ```
//! With WORKERS 0 (the default) it runs on a current-thread runtime; with
//! WORKERS ≥ 1, on a multi-thread runtime of that many workers: the
//! listener is served by `block_on`'s loop and each connection by a task
//! placed on a worker, so every accepted socket moves to another loop.
//! It prints `LISTENING <addr>` once bound, and `DONE <n> connections,
//! <bytes> bytes` before exiting. Uses `mini_rt::net` (listener, streams,
//! the reactor, tasks and timers are what the soak exercises).

use mini_rt::io::{AsyncReadExt, AsyncWriteExt};
use mini_rt::net::{TcpListener, TcpStream};
use mini_rt::runtime::{Builder, Handle};
use std::io::{self, Write};
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::sync::Arc;

async fn echo(mut stream: TcpStream, total: Arc<AtomicU64>) -> io::Result<()> {
    let mut buf = vec![0u8; 4096];
    loop {
        let n = stream.read(&mut buf).await?;
        if n == 0 {
            return Ok(());
        }
        stream.write_all(&buf[..n]).await?;
        total.fetch_add(n as u64, Relaxed);
    }
}

async fn serve(addr: String, connections: usize) -> io::Result<()> {
    let listener = TcpListener::bind(&addr).await?;
    println!("LISTENING {}", listener.local_addr()?);
    io::stdout().flush()?;

    let total = Arc::new(AtomicU64::new(0));
    let failed = Arc::new(AtomicU64::new(0));
    let mut tasks = Vec::with_capacity(connections);
    for _ in 0..connections {
        let (stream, _) = listener.accept().await?;
        let (total, failed) = (total.clone(), failed.clone());
        // On a multi-thread runtime: the least loaded worker.
        tasks.push(Handle::current().spawn(async move {
            if let Err(e) = echo(stream, total).await {
                eprintln!("soak_server: connection error: {e}");
                failed.fetch_add(1, Relaxed);
            }
        }));
    }
    drop(listener);
    for t in tasks {
        t.await.expect("echo task panicked");
    }
    println!(
        "DONE {connections} connections, {} bytes",
        total.load(Relaxed)
    );
    match failed.load(Relaxed) {
        0 => Ok(()),
        n => Err(io::Error::other(format!("{n} connections failed"))),
    }
}

fn main() -> io::Result<()> {
    let mut args = std::env::args().skip(1);
    let addr = args.next().unwrap_or_else(|| "127.0.0.1:0".into());
    let connections: usize = args
        .next()
        .map_or(1000, |n| n.parse().expect("N connections"));
    let workers: usize = args.next().map_or(0, |n| n.parse().expect("WORKERS"));
    let rt = match workers {
        0 => Builder::new_current_thread().enable_all().build()?,
        n => Builder::new_multi_thread()
            .worker_threads(n)
            .enable_all()
            .build()?,
    };
    rt.block_on(serve(addr, connections))
}
