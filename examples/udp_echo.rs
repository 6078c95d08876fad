//! A UDP echo server: every datagram received is sent straight back to its
//! sender. Shows `UdpSocket::bind`, `recv_from` and `send_to` on mini_rt.
//!
//! Run it (the address is optional, default `127.0.0.1:7001`):
//!
//! ```text
//! cargo run --example udp_echo -- 127.0.0.1:7001
//! ```
//!
//! then, in another terminal, type lines and see them come back:
//!
//! ```text
//! nc -u 127.0.0.1 7001
//! ```
//!
//! Try several `nc -u` clients at once: one socket serves them all, since
//! each datagram carries its sender's address. A datagram longer than the
//! 64 KiB buffer would be truncated (UDP's maximum payload is 65 507 bytes,
//! so here it never is).

use mini_rt::net::UdpSocket;
use std::io;

#[mini_rt::main]
async fn main() -> io::Result<()> {
    let addr = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "127.0.0.1:7001".to_string());
    let socket = UdpSocket::bind(addr.as_str()).await?;
    println!("udp echo listening on {}", socket.local_addr()?);
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        let (n, peer) = socket.recv_from(&mut buf).await?;
        println!("{n} bytes from {peer}");
        // A failed send (e.g. the peer's port is gone) should not stop the server.
        if let Err(e) = socket.send_to(&buf[..n], peer).await {
            eprintln!("send to {peer}: {e}");
        }
    }
}
