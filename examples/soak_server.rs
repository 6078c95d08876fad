//! The soak test's server: a TCP echo server that serves exactly N
//! connections (one task each), then returns from `main`, so the runtime is
//! dropped and the process exits cleanly — which valgrind's leak check needs.
//!
//! Run by `scripts/soak.sh` under valgrind; by hand:
//! ```text
//! cargo run --release --example soak_server -- 127.0.0.1:0 1000
//! cargo run --release --example soak_client -- <printed address> 1000 100
//! ```
//! It prints `LISTENING <addr>` once bound, and `DONE <n> connections,
//! <bytes> bytes` before exiting. Uses `mini_rt::net` (listener, streams,
//! the reactor, tasks and timers are what the soak exercises).

use mini_rt::io::{AsyncReadExt, AsyncWriteExt};
use mini_rt::net::{TcpListener, TcpStream};
use std::cell::Cell;
use std::io::{self, Write};
use std::rc::Rc;

async fn echo(mut stream: TcpStream, total: Rc<Cell<u64>>) -> io::Result<()> {
    let mut buf = vec![0u8; 4096];
    loop {
        let n = stream.read(&mut buf).await?;
        if n == 0 {
            return Ok(());
        }
        stream.write_all(&buf[..n]).await?;
        total.set(total.get() + n as u64);
    }
}

#[mini_rt::main]
async fn main() -> io::Result<()> {
    let mut args = std::env::args().skip(1);
    let addr = args.next().unwrap_or_else(|| "127.0.0.1:0".into());
    let connections: usize = args
        .next()
        .map_or(1000, |n| n.parse().expect("N connections"));
    let listener = TcpListener::bind(&addr).await?;
    println!("LISTENING {}", listener.local_addr()?);
    io::stdout().flush()?;

    let total = Rc::new(Cell::new(0u64));
    let failed = Rc::new(Cell::new(0u32));
    let mut tasks = Vec::with_capacity(connections);
    for _ in 0..connections {
        let (stream, _) = listener.accept().await?;
        let (total, failed) = (total.clone(), failed.clone());
        tasks.push(mini_rt::spawn(async move {
            if let Err(e) = echo(stream, total).await {
                eprintln!("soak_server: connection error: {e}");
                failed.set(failed.get() + 1);
            }
        }));
    }
    drop(listener);
    for t in tasks {
        t.await.expect("echo task panicked");
    }
    println!("DONE {connections} connections, {} bytes", total.get());
    if failed.get() > 0 {
        return Err(io::Error::other(format!(
            "{} connections failed",
            failed.get()
        )));
    }
    Ok(())
}
