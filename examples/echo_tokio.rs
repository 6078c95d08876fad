//! The tokio twin of `examples/echo.rs`: the same TCP echo server, line for
//! line, on tokio's current-thread runtime, the reference mini_rt is measured against.
//! With `--workers N` it runs on tokio's `multi_thread` runtime with N
//! workers: one task accepts and `tokio::spawn`s each connection, and
//! tokio's work stealing spreads them (the twin of `echo --workers N`).
//!
//! Run it (the listen address is optional, default `127.0.0.1:7000`):
//! ```text
//! cargo run --release --example echo_tokio -- 127.0.0.1:7000
//! cargo run --release --example echo_tokio -- 127.0.0.1:7000 --exact 64
//! cargo run --release --example echo_tokio -- 127.0.0.1:7000 --workers 2
//! ```
//! Then, in another terminal, type lines and see them come back:
//! ```text
//! nc 127.0.0.1 7000
//! ```
//! By default each task reads into a 64 KiB buffer and writes back what it
//! read (one read and one write per round trip). With `--exact SIZE` it
//! frames fixed-size messages instead: `read_exact` of SIZE bytes, then
//! `write_all` of them (a full read leaves readiness set, so the next
//! `read_exact` tries once more and gets `WouldBlock`: one extra read per
//! message, as on mini_rt).
//! `benches/echo.sh` drives this server and its tokio twin.

use std::io::{self, ErrorKind};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::runtime::Builder;

fn main() -> io::Result<()> {
    let (addr, exact, workers) = args();
    let runtime = match workers {
        None => Builder::new_current_thread().enable_all().build()?,
        Some(n) => Builder::new_multi_thread()
            .worker_threads(n)
            .enable_all()
            .build()?,
    };
    runtime.block_on(async move {
        let listener = TcpListener::bind(&addr).await?;
        println!("echo server listening on {}", listener.local_addr()?);

        loop {
            let (socket, _peer) = listener.accept().await?;
            socket.set_nodelay(true)?;
            tokio::spawn(serve(socket, exact));
        }
    })
}

/// Serves one connection, reporting errors other than the peer going away.
async fn serve(socket: TcpStream, exact: Option<usize>) {
    let result = match exact {
        Some(size) => echo_exact(socket, size).await,
        None => echo(socket).await,
    };
    match result {
        Err(e) if !matches!(e.kind(), ErrorKind::ConnectionReset | ErrorKind::BrokenPipe) => {
            eprintln!("connection error: {e}")
        }
        _ => {}
    }
}

/// Writes back whatever each read returns, until the client closes.
async fn echo(mut socket: TcpStream) -> io::Result<()> {
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        let n = socket.read(&mut buf).await?;
        if n == 0 {
            return Ok(());
        }
        socket.write_all(&buf[..n]).await?;
    }
}

/// Writes back fixed-size messages of `size` bytes, until the client closes.
async fn echo_exact(mut socket: TcpStream, size: usize) -> io::Result<()> {
    let mut buf = vec![0u8; size];
    loop {
        match socket.read_exact(&mut buf).await {
            Ok(_) => socket.write_all(&buf).await?,
            Err(e) if e.kind() == ErrorKind::UnexpectedEof => return Ok(()),
            Err(e) => return Err(e),
        }
    }
}

/// `[ADDR] [--exact SIZE] [--workers N]`.
fn args() -> (String, Option<usize>, Option<usize>) {
    let mut addr = "127.0.0.1:7000".to_string();
    let mut exact = None;
    let mut workers = None;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        if arg == "--exact" {
            let size = args.next().and_then(|s| s.parse().ok());
            exact = Some(
                size.filter(|&s| s > 0)
                    .expect("--exact takes a size in bytes"),
            );
        } else if arg == "--workers" {
            let n = args.next().and_then(|s| s.parse().ok());
            workers = Some(n.filter(|&n| n > 0).expect("--workers takes a count ≥ 1"));
        } else {
            addr = arg;
        }
    }
    (addr, exact, workers)
}
