//! A key-value server with a line protocol, on tokio-util's
//! `Framed<TcpStream, LinesCodec>`: one command per line, one reply line per
//! command. The store is an `Rc<RefCell<HashMap>>` shared by every
//! connection's task: mini_rt's `spawn` takes futures that are not `Send`.
//!
//! ```text
//! SET key value...   ->  OK              (the value is the rest of the line)
//! GET key            ->  VALUE value  |  NOT_FOUND
//! DEL key            ->  DELETED      |  NOT_FOUND
//! anything else      ->  ERR <why>
//! ```
//!
//! Run it, then talk to it from other terminals (or several at once):
//!
//! ```sh
//! cargo run --release --example kv_lines -- 127.0.0.1:7003
//! nc 127.0.0.1 7003
//! SET greeting hello world
//! GET greeting
//! ```
//!
//! It prints `kv_lines listening on <address>` (pass port 0 to let the OS
//! choose) and serves until killed.

use futures::{SinkExt, StreamExt};
use mini_rt::net::{TcpListener, TcpStream};
use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;
use tokio_util::codec::{Framed, LinesCodec, LinesCodecError};

type Store = Rc<RefCell<HashMap<String, String>>>;

/// Longer lines get `ERR line too long` (the rest of the line is skipped
/// and the connection goes on), so a client cannot make the server buffer
/// without bound.
const MAX_LINE: usize = 64 * 1024;

#[mini_rt::main]
async fn main() -> std::io::Result<()> {
    let addr = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "127.0.0.1:7003".into());
    let listener = TcpListener::bind(&addr).await?;
    println!("kv_lines listening on {}", listener.local_addr()?);
    let store = Store::default();
    loop {
        match listener.accept().await {
            Ok((stream, _)) => {
                mini_rt::spawn(serve(stream, store.clone()));
            }
            Err(e) => eprintln!("accept failed: {e}"),
        }
    }
}

/// Answers one connection's commands until it closes.
async fn serve(stream: TcpStream, store: Store) {
    let mut conn = Framed::new(stream, LinesCodec::new_with_max_length(MAX_LINE));
    // After an over-long line, LinesCodec skips to the next newline and
    // then decodes as usual, but `Framed` ends its stream once after any
    // decoder error: that one `None` is not the client leaving.
    let mut after_error = false;
    loop {
        let reply = match conn.next().await {
            Some(Ok(line)) => execute(&line, &store),
            Some(Err(LinesCodecError::MaxLineLengthExceeded)) => {
                after_error = true;
                "ERR line too long".to_string()
            }
            None if after_error => {
                after_error = false;
                continue;
            }
            None | Some(Err(LinesCodecError::Io(_))) => return,
        };
        if conn.send(reply).await.is_err() {
            return;
        }
    }
}

/// Runs one command line against the store; returns the reply line.
fn execute(line: &str, store: &Store) -> String {
    let (cmd, rest) = line.split_once(' ').unwrap_or((line, ""));
    let mut store = store.borrow_mut();
    match (cmd, rest) {
        ("SET", rest) => match rest.split_once(' ') {
            Some((key, value)) if !key.is_empty() => {
                store.insert(key.to_string(), value.to_string());
                "OK".to_string()
            }
            _ => "ERR usage: SET key value".to_string(),
        },
        ("GET", key) if is_key(key) => match store.get(key) {
            Some(value) => format!("VALUE {value}"),
            None => "NOT_FOUND".to_string(),
        },
        ("DEL", key) if is_key(key) => match store.remove(key) {
            Some(_) => "DELETED".to_string(),
            None => "NOT_FOUND".to_string(),
        },
        ("GET" | "DEL", _) => format!("ERR usage: {cmd} key"),
        _ => format!("ERR unknown command {cmd:?} (SET, GET, DEL)"),
    }
}

/// One non-empty word.
fn is_key(key: &str) -> bool {
    !key.is_empty() && !key.contains(' ')
}
