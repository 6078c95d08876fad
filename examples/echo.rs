//! A TCP echo server: one task per connection, written exactly as with tokio
//! (`examples/echo_tokio.rs` is the same program on tokio, for comparison).
//!
//! Run it (the listen address is optional, default `127.0.0.1:7000`):
//! ```text
//! cargo run --release --example echo -- 127.0.0.1:7000
//! cargo run --release --example echo -- 127.0.0.1:7000 --exact 64
//! cargo run --release --example echo -- 127.0.0.1:7000 --workers 2
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
//! message, as on tokio).
//! Without `--workers` the server runs on a current-thread runtime (one
//! core). With `--workers N` it runs on `new_multi_thread().worker_threads(N)`:
//! one task accepts (in `block_on`, on the main thread) and hands each
//! connection to a worker with `Handle::spawn`, which places it on the least
//! loaded one; the socket moves to that worker's loop the first time its
//! task waits on it (one `epoll_ctl` pair per connection). This is how a
//! tokio user writes it (`examples/echo_tokio.rs --workers N` is the same
//! program on tokio's `multi_thread` runtime), so the two compare like for
//! like. With long-lived connections the accept path is off the hot loop;
//! one `SO_REUSEPORT` listener per worker (`Handle::spawn_on_each_worker`)
//! would save the hand-over's `epoll_ctl` pair per connection but spreads
//! connections by a hash of the address, not by load (not measured here).
//! Pick the readiness backend with `MINI_RT_BACKEND=epoll|epoll-lt|epoll-oneshot|poll|select|io-uring`.
//! `benches/echo.sh` drives this server and its tokio twin.

use mini_rt::io::{AsyncReadExt, AsyncWriteExt};
use mini_rt::net::{TcpListener, TcpStream};
use mini_rt::runtime::{Builder, Handle};
use std::io::{self, ErrorKind};

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
        let handle = Handle::current();

        loop {
            let (socket, _peer) = listener.accept().await?;
            socket.set_nodelay(true)?;
            let connection = serve(socket, exact);
            if workers.is_some() {
                handle.spawn(connection); // placed on the least loaded worker
            } else {
                mini_rt::spawn(connection);
            }
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
