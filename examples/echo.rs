//! A TCP echo server: one task per connection, each reading into a 4 KiB
//! buffer and writing back what it read, written exactly as with tokio.
//!
//! Run it (the listen address is optional, default `127.0.0.1:7000`):
//! ```text
//! cargo run --release --example echo -- 127.0.0.1:7000
//! ```
//! Then, in another terminal, type lines and see them come back:
//! ```text
//! nc 127.0.0.1 7000
//! ```
//! Pick the readiness backend with `MINI_RT_BACKEND=epoll|epoll-lt|epoll-oneshot|poll|select`.
//! This is the server the benchmarks drive (one read and one write per round trip).

use mini_rt::io::{AsyncReadExt, AsyncWriteExt};
use mini_rt::net::TcpListener;

#[mini_rt::main]
async fn main() -> std::io::Result<()> {
    let addr = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "127.0.0.1:7000".to_string());
    let listener = TcpListener::bind(&addr).await?;
    println!("echo server listening on {}", listener.local_addr()?);

    loop {
        let (mut socket, _peer) = listener.accept().await?;
        mini_rt::spawn(async move {
            let mut buf = [0u8; 4096];
            loop {
                let n = match socket.read(&mut buf).await {
                    Ok(0) => return, // the client closed the connection
                    Ok(n) => n,
                    Err(e) => {
                        eprintln!("read error: {e}");
                        return;
                    }
                };
                if let Err(e) = socket.write_all(&buf[..n]).await {
                    eprintln!("write error: {e}");
                    return;
                }
            }
        });
    }
}
