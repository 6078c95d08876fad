//! Many clients at once, each on its own connection and task.

use super::client::Client;
use super::{start, test_config};
use crate::support;
use mini_rt::runtime::Backend;
use mini_rt::runtime::Handle;

/// How many clients the fd limits allow, up to 1000: each needs two fds in
/// this process (its end and the server's), and select takes fds < 1024.
fn clients(backend: Backend) -> usize {
    let open = support::open_fds();
    let limit = match backend {
        Backend::Select => 1024,
        _ => support::raise_fd_limit(2 * 1000 + open as u64 + 64) as usize,
    };
    let room = limit.saturating_sub(open + 64) / 2;
    if room < 1000 {
        eprintln!("{backend}: fds for {room} clients only (limit {limit}, {open} open)");
    }
    room.min(1000)
}

#[test]
fn a_thousand_concurrent_clients() {
    let _fds = super::exclusive_fds();
    support::on_each_backend(|| async {
        let addr = start(test_config()).await?;
        let n = clients(Handle::current().backend());
        assert!(n >= 400, "too few fds for a meaningful test: {n}");
        // All connected before any command, so all are open at once.
        let mut conns = Vec::with_capacity(n);
        for _ in 0..n {
            conns.push(Client::connect(addr).await?);
        }
        let mut tasks = mini_rt::task::JoinSet::new();
        for (i, mut c) in conns.into_iter().enumerate() {
            tasks.spawn(async move {
                assert_eq!(c.line(&format!("SET key:{i} {i}")).await?, "OK");
                c.line("INCR counter").await?;
                assert_eq!(c.line(&format!("GET key:{i}")).await?, format!("\"{i}\""));
                Ok::<_, std::io::Error>(c)
            });
        }
        let mut open = Vec::with_capacity(n);
        while let Some(done) = support::bounded(10, tasks.join_next()).await {
            open.push(done.expect("a client task panicked")?);
        }
        let mut c = Client::connect(addr).await?;
        assert_eq!(c.line("GET counter").await?, format!("\"{n}\""));
        assert_eq!(c.line("DBSIZE").await?, format!("(integer) {}", n + 1));
        let clients = c.line("INFO clients").await?;
        assert!(
            clients.contains(&format!("connected_clients:{}\\r\\n", n + 1)),
            "{clients}"
        );
        drop(open);
        Ok(())
    });
}
