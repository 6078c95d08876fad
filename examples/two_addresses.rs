//! Sends "46" and "3" to two addresses concurrently with `mini_rt::join!`:
//! the seed program of the API contract, unchanged but for the addresses.
//!
//! With no arguments it starts two local listeners itself (on port 0),
//! each accepting one connection and reading it to EOF, and prints what
//! each received:
//! ```text
//! cargo run --release --example two_addresses
//! ```
//! With two addresses it sends to those instead (e.g. two `nc -l` listeners):
//! ```text
//! nc -l 127.0.0.1 1234 & nc -l 127.0.0.1 4321 &
//! cargo run --release --example two_addresses -- 127.0.0.1:1234 127.0.0.1:4321
//! ```

use mini_rt::io::{AsyncReadExt, AsyncWriteExt};
use mini_rt::net::{TcpListener, TcpStream};
use std::net::SocketAddr;

async fn send(addr: SocketAddr, message: &str) -> std::io::Result<()> {
    let mut stream = TcpStream::connect(addr).await?;
    stream.write_all(message.as_bytes()).await
}

/// Accepts one connection and returns everything it sent.
async fn receive_one(listener: TcpListener) -> std::io::Result<String> {
    let (mut stream, _) = listener.accept().await?;
    let mut received = String::new();
    stream.read_to_string(&mut received).await?;
    Ok(received)
}

#[mini_rt::main]
async fn main() -> std::io::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if let [a, b] = &args[..] {
        let (a, b) = (parse(a)?, parse(b)?);
        let (ra, rb) = mini_rt::join!(send(a, "46"), send(b, "3"));
        println!("{ra:?} {rb:?}");
        return ra.and(rb);
    }
    if !args.is_empty() {
        eprintln!("usage: two_addresses [ADDR_A ADDR_B]");
        std::process::exit(2);
    }

    let la = TcpListener::bind("127.0.0.1:0").await?;
    let lb = TcpListener::bind("127.0.0.1:0").await?;
    let (a, b) = (la.local_addr()?, lb.local_addr()?);
    let received_a = mini_rt::spawn(receive_one(la));
    let received_b = mini_rt::spawn(receive_one(lb));

    let (ra, rb) = mini_rt::join!(send(a, "46"), send(b, "3"));
    println!("{ra:?} {rb:?}");
    ra?;
    rb?;
    for (addr, received) in [(a, received_a.await), (b, received_b.await)] {
        let received = received.map_err(std::io::Error::other)??;
        println!("{addr} received {received:?}");
    }
    Ok(())
}

fn parse(s: &str) -> std::io::Result<SocketAddr> {
    s.parse()
        .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidInput, format!("{s:?}: {e}")))
}
