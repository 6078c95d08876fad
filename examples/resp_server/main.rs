//! A Redis-protocol (RESP2) key-value server on mini_rt: one task per
//! connection, the key space in an `Rc<RefCell<..>>` shared by all of them
//! on the current-thread runtime, so there is no lock anywhere.
//!
//! Run it (the listen address is optional, default `127.0.0.1:6379`):
//! ```text
//! cargo run --release --example resp_server -- 127.0.0.1:6380
//! cargo run --release --example resp_server -- 127.0.0.1:6380 --proto-max-bulk-len 1048576
//! ```
//! Then talk to it with any Redis client:
//! ```text
//! redis-cli -p 6380 set greeting hello
//! redis-cli -p 6380 get greeting
//! printf 'PING\r\n' | nc 127.0.0.1 6380          # inline requests work too
//! redis-benchmark -p 6380 -q                       # its whole default test set
//! ```
//!
//! Commands: PING, ECHO, GET, SET (EX, PX, NX, XX, KEEPTTL), DEL, EXISTS,
//! INCR, DECR, INCRBY, DECRBY, MGET, MSET, APPEND, STRLEN, EXPIRE, PEXPIRE
//! (NX, XX, GT, LT), TTL, PTTL, PERSIST, TYPE, DBSIZE, FLUSHALL, FLUSHDB,
//! LPUSH, RPUSH, LPOP, RPOP, LRANGE, LLEN, SADD, SPOP, SCARD, SISMEMBER,
//! HSET, HGET, HLEN, ZADD (NX, XX, GT, LT, CH), ZPOPMIN, ZCARD, ZSCORE,
//! SELECT 0, QUIT, and the set-up queries clients make: CONFIG GET, INFO,
//! COMMAND (COUNT, INFO, DOCS). Replies and error messages are redis 7's.
//!
//! Protocol, as redis: multibulk and inline requests; every complete request
//! in a read is executed and all their replies go out in one write
//! (pipelining); an unknown command gets `-ERR unknown command '…'`, a
//! command on a key of another type `-WRONGTYPE …`; a malformed request,
//! or one over the limits (`--proto-max-bulk-len`, default 512 MiB, checked
//! on each `$N` header before the data is buffered;
//! `--client-query-buffer-limit`, default 1 GiB, for a whole request), gets
//! `-ERR Protocol error: …` and the connection is closed. Keys with a TTL
//! expire when next touched and in a sweep every 100 ms (a mini_rt
//! `interval`).
//!
//! Files: `server.rs` (accept loop, connections, sweep), `parse.rs`
//! (requests), `commands.rs` (table and dispatch), `strings.rs`,
//! `collections.rs`, `admin.rs` (the commands), `db.rs` (the key space),
//! `reply.rs` (reply encoding). `tests/resp_server.rs` runs them in-process;
//! `benches/redis.sh` holds this server against redis-server under
//! redis-benchmark. Pick the backend with `MINI_RT_BACKEND`.

mod admin;
mod collections;
mod commands;
mod db;
mod parse;
mod reply;
mod server;
mod strings;

use mini_rt::net::TcpListener;
use std::io;

#[mini_rt::main]
async fn main() -> io::Result<()> {
    let (addr, config) = args()?;
    let listener = TcpListener::bind(&addr).await?;
    println!("resp_server listening on {}", listener.local_addr()?);
    server::serve(listener, config).await
}

/// `[ADDR] [--proto-max-bulk-len BYTES] [--client-query-buffer-limit BYTES]`.
fn args() -> io::Result<(String, server::Config)> {
    let mut addr = "127.0.0.1:6379".to_string();
    let mut config = server::Config::default();
    let mut args = std::env::args().skip(1);
    let usage = |what: &str| io::Error::new(io::ErrorKind::InvalidInput, what.to_string());
    while let Some(arg) = args.next() {
        let limit = match arg.as_str() {
            "--proto-max-bulk-len" => &mut config.max_bulk_len,
            "--client-query-buffer-limit" => &mut config.max_query_len,
            _ if arg.starts_with("--") => return Err(usage(&format!("unknown option {arg}"))),
            _ => {
                addr = arg;
                continue;
            }
        };
        *limit = args
            .next()
            .and_then(|v| v.parse().ok())
            .ok_or_else(|| usage(&format!("{arg} takes a size in bytes")))?;
    }
    Ok((addr, config))
}
