//! A line-based chat server, written the way it is written on tokio: each
//! connection is a `Framed<TcpStream, LinesCodec>` (tokio-util), every line
//! goes out on a `broadcast` channel to all the other clients, and a `watch`
//! channel tells every connection when the server shuts down. Also shows
//! `JoinSet` and `select!`. On Ctrl-C (SIGINT) the server stops accepting,
//! tells every client "server shutting down", closes their connections and
//! exits with status 0.
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

use futures::{SinkExt, StreamExt};
use mini_rt::net::{TcpListener, TcpStream};
use mini_rt::sync::broadcast::{self, error::RecvError};
use mini_rt::sync::watch;
use mini_rt::task::JoinSet;
use std::net::SocketAddr;
use tokio_util::codec::{Framed, LinesCodec, LinesCodecError};

/// A chat line and who sent it (so the sender can skip its own).
type Line = (SocketAddr, String);

/// A longer line closes the connection, so a client cannot make the server
/// buffer without bound.
const MAX_LINE: usize = 8 * 1024;

#[mini_rt::main]
async fn main() -> std::io::Result<()> {
    let addr = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "127.0.0.1:7002".into());
    let listener = TcpListener::bind(&addr).await?;
    println!("chat listening on {}", listener.local_addr()?);
    // A slow client that falls 64 lines behind is told how many it missed.
    let (lines, _) = broadcast::channel::<Line>(64);
    let (shutdown, _) = watch::channel(false);
    let mut clients = JoinSet::new();
    let ctrl_c = mini_rt::signal::ctrl_c();
    let mut ctrl_c = std::pin::pin!(ctrl_c);
    loop {
        mini_rt::select! {
            res = listener.accept() => match res {
                Ok((stream, peer)) => {
                    clients.spawn(client(stream, peer, lines.clone(), shutdown.subscribe()));
                }
                Err(e) => eprintln!("accept failed: {e}"),
            },
            _ = &mut ctrl_c => break,
            Some(_) = clients.join_next(), if !clients.is_empty() => {}
        }
    }
    println!("shutting down: closing {} client(s)", clients.len());
    let _ = shutdown.send(true);
    while clients.join_next().await.is_some() {}
    Ok(())
}

/// Serves one client: broadcasts its lines, and writes everyone else's
/// lines to it, until it leaves or the server shuts down.
async fn client(
    stream: TcpStream,
    peer: SocketAddr,
    lines: broadcast::Sender<Line>,
    mut shutdown: watch::Receiver<bool>,
) {
    let mut conn = Framed::new(stream, LinesCodec::new_with_max_length(MAX_LINE));
    // Subscribed before the greeting: from here on it sees every line.
    let mut others = lines.subscribe();
    if conn.send(format!("welcome, {peer}")).await.is_err() {
        return;
    }
    loop {
        mini_rt::select! {
            line = conn.next() => match line {
                Some(Ok(line)) => {
                    let _ = lines.send((peer, format!("{peer}: {line}")));
                }
                Some(Err(LinesCodecError::MaxLineLengthExceeded)) => {
                    let _ = conn.send("line too long, closing").await;
                    break;
                }
                _ => break, // EOF or error: the client left
            },
            msg = others.recv() => {
                let out = match msg {
                    Ok((from, _)) if from == peer => None,
                    Ok((_, text)) => Some(text),
                    Err(RecvError::Lagged(n)) => Some(format!("({n} lines skipped)")),
                    Err(RecvError::Closed) => break,
                };
                if let Some(out) = out {
                    if conn.send(out).await.is_err() {
                        break;
                    }
                }
            }
            _ = shutdown.changed() => {
                let _ = conn.send("server shutting down").await;
                break;
            }
        }
    }
    // Flushes and shuts the write side down: the client reads EOF.
    let _ = SinkExt::<String>::close(&mut conn).await;
}
