//! A line-based chat server: every line a client sends is broadcast to all
//! the other clients. Shows `TcpListener`, `BufReader::lines`, `mpsc`,
//! `JoinSet`, `select!` and graceful shutdown on Ctrl-C (SIGINT): the server
//! stops accepting, tells every client "server shutting down", closes their
//! connections and exits with status 0.
//!
//! Run it, then connect a few clients from other terminals:
//!
//! ```sh
//! cargo run --release --example chat -- 127.0.0.1:7002
//! nc 127.0.0.1 7002
//! ```
//!
//! Each client is greeted with `welcome, <its address>` once it has joined;
//! type a line in one `nc`: the others print `<peer address>: <line>`.

use mini_rt::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use mini_rt::net::{TcpListener, TcpStream};
use mini_rt::sync::mpsc;
use mini_rt::task::JoinSet;
use std::cell::RefCell;
use std::collections::HashMap;
use std::net::SocketAddr;
use std::rc::Rc;

/// Each client's outbox: lines to write to it.
type Peers = Rc<RefCell<HashMap<SocketAddr, mpsc::UnboundedSender<String>>>>;

#[mini_rt::main]
async fn main() -> std::io::Result<()> {
    let addr = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "127.0.0.1:7002".into());
    let listener = TcpListener::bind(&addr).await?;
    println!("chat listening on {}", listener.local_addr()?);
    let peers: Peers = Rc::default();
    let mut clients = JoinSet::new();
    let shutdown = mini_rt::signal::ctrl_c();
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        mini_rt::select! {
            res = listener.accept() => match res {
                Ok((stream, peer)) => {
                    clients.spawn(client(stream, peer, peers.clone()));
                }
                Err(e) => eprintln!("accept failed: {e}"),
            },
            _ = &mut shutdown => break,
            Some(_) = clients.join_next(), if !clients.is_empty() => {}
        }
    }
    println!("shutting down: closing {} client(s)", peers.borrow().len());
    // Dropping every outbox makes each client task say goodbye and close.
    peers.borrow_mut().clear();
    while clients.join_next().await.is_some() {}
    Ok(())
}

/// Serves one client: relays its lines to everyone else, and writes
/// everyone else's lines to it, until it leaves or the server shuts down.
async fn client(stream: TcpStream, peer: SocketAddr, peers: Peers) {
    let (read, mut write) = stream.into_split();
    let (tx, mut outbox) = mpsc::unbounded_channel::<String>();
    peers.borrow_mut().insert(peer, tx);
    // Sent once the client is in `peers`: from here on it sees every line.
    if write
        .write_all(format!("welcome, {peer}\n").as_bytes())
        .await
        .is_err()
    {
        peers.borrow_mut().remove(&peer);
        return;
    }
    let mut lines = BufReader::new(read).lines();
    loop {
        mini_rt::select! {
            line = lines.next_line() => match line {
                Ok(Some(line)) => broadcast(&peers, peer, &format!("{peer}: {line}\n")),
                _ => break, // EOF or error: the client left
            },
            msg = outbox.recv() => match msg {
                Some(msg) => {
                    if write.write_all(msg.as_bytes()).await.is_err() {
                        break;
                    }
                }
                None => {
                    // The server is shutting down.
                    let _ = write.write_all(b"server shutting down\n").await;
                    break;
                }
            },
        }
    }
    peers.borrow_mut().remove(&peer);
    let _ = write.shutdown().await;
}

fn broadcast(peers: &Peers, from: SocketAddr, msg: &str) {
    for (addr, tx) in peers.borrow().iter() {
        if *addr != from {
            let _ = tx.send(msg.to_string());
        }
    }
}
