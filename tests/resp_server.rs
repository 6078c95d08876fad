//! The Redis-protocol server example (`examples/resp_server/`), run
//! in-process: its modules are compiled into this test, each test starts
//! the server on the test's runtime and talks to it with the small client
//! in `resp_server/client.rs`. Every test runs on every backend, with every
//! wait bounded.
//!
//! The expected replies are redis-server 7.0's (`replies.rs` says how to
//! run its script against a real redis-server); no redis is needed here.

mod support;

#[path = "../examples/resp_server/admin.rs"]
mod admin;
#[path = "../examples/resp_server/collections.rs"]
mod collections;
#[path = "../examples/resp_server/commands.rs"]
mod commands;
#[path = "../examples/resp_server/db.rs"]
mod db;
#[path = "../examples/resp_server/parse.rs"]
mod parse;
#[path = "../examples/resp_server/reply.rs"]
mod reply;
#[path = "../examples/resp_server/server.rs"]
mod server;
#[path = "../examples/resp_server/strings.rs"]
mod strings;

#[path = "resp_server/client.rs"]
mod client;
#[path = "resp_server/expiry.rs"]
mod expiry;
#[path = "resp_server/load.rs"]
mod load;
#[path = "resp_server/protocol.rs"]
mod protocol;
#[path = "resp_server/replies.rs"]
mod replies;
#[path = "resp_server/server_queries.rs"]
mod server_queries;

use mini_rt::net::TcpListener;
use mini_rt::time::Duration;
use std::io;
use std::net::SocketAddr;
use std::sync::{RwLock, RwLockReadGuard, RwLockWriteGuard};

/// Starts the server with `config` on the current runtime; its address.
async fn start(config: server::Config) -> io::Result<SocketAddr> {
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    mini_rt::spawn(async move {
        if let Err(e) = server::serve(listener, config).await {
            panic!("the server stopped: {e}");
        }
    });
    Ok(addr)
}

/// The defaults, with a sweep every 10 ms so that tests of it are short.
fn test_config() -> server::Config {
    server::Config {
        sweep_every: Duration::from_millis(10),
        ..server::Config::default()
    }
}

/// The many-clients test needs most of the fds below 1024 (the select
/// backend's limit) for itself: it runs alone, the others side by side.
static FDS: RwLock<()> = RwLock::new(());

fn shared_fds() -> RwLockReadGuard<'static, ()> {
    FDS.read().unwrap_or_else(|e| e.into_inner())
}

fn exclusive_fds() -> RwLockWriteGuard<'static, ()> {
    FDS.write().unwrap_or_else(|e| e.into_inner())
}
