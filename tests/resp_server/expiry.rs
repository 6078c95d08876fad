//! Expiry with short real TTLs: keys are not gone before their TTL, are
//! removed when read after it, and the periodic sweep removes those
//! nobody reads; and with hour- and day-long TTLs under paused time.

use super::client::Client;
use super::{server, start, test_config};
use crate::support;
use mini_rt::time::{sleep, sleep_until, Duration, Instant};

/// The integer of an `(integer) N` reply.
fn int(reply: &str) -> i64 {
    reply
        .strip_prefix("(integer) ")
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("not an integer reply: {reply}"))
}

#[test]
fn a_key_read_after_its_ttl_is_gone_and_removed() {
    let _fds = super::shared_fds();
    support::on_each_backend(|| async {
        // No sweep during the test: only reads can remove the key.
        let config = server::Config {
            sweep_every: Duration::from_secs(3600),
            ..server::Config::default()
        };
        let mut c = Client::connect(start(config).await?).await?;
        let ttl = Duration::from_millis(100);
        // The server sets the deadline between `before` and `after` + ttl.
        let before = Instant::now();
        assert_eq!(c.line("SET k v PX 100").await?, "OK");
        let after = Instant::now();
        let got = c.line("GET k").await?;
        let pttl = int(&c.line("PTTL k").await?);
        if before.elapsed() < ttl {
            assert_eq!(got, r#""v""#);
            assert!((1..=100).contains(&pttl), "PTTL {pttl}");
        }
        sleep_until(after + ttl + Duration::from_millis(1)).await;
        assert_eq!(
            c.line("DBSIZE").await?,
            "(integer) 1",
            "still stored, unread"
        );
        assert_eq!(c.line("GET k").await?, "(nil)");
        assert_eq!(
            c.line("DBSIZE").await?,
            "(integer) 0",
            "removed by the read"
        );
        assert_eq!(c.line("TTL k").await?, "(integer) -2");

        // The same through EXPIRE, and a key without a TTL stays.
        assert_eq!(c.line("SET a 1").await?, "OK");
        assert_eq!(c.line("SET b 2").await?, "OK");
        assert_eq!(c.line("PEXPIRE a 50").await?, "(integer) 1");
        sleep_until(Instant::now() + Duration::from_millis(51)).await;
        assert_eq!(c.line("EXISTS a b").await?, "(integer) 1");
        assert_eq!(c.line("MGET a b").await?, r#"[(nil), "2"]"#);
        Ok(())
    });
}

#[test]
fn the_sweep_removes_expired_keys_nobody_reads() {
    let _fds = super::shared_fds();
    support::on_each_backend(|| async {
        let mut c = Client::connect(start(test_config()).await?).await?;
        let before = Instant::now();
        for i in 0..5 {
            assert_eq!(c.line(&format!("SET short{i} v PX 50")).await?, "OK");
        }
        assert_eq!(c.line("SET keep v").await?, "OK");
        assert_eq!(c.line("SET long v EX 100").await?, "OK");
        // DBSIZE reads no key, so only the sweep (every 10 ms) can lower it.
        support::bounded(5, async {
            loop {
                let n = int(&c.line("DBSIZE").await?);
                if n == 2 {
                    return Ok::<_, std::io::Error>(());
                }
                assert!(n > 2, "DBSIZE {n}");
                sleep(Duration::from_millis(5)).await;
            }
        })
        .await?;
        assert!(
            before.elapsed() >= Duration::from_millis(50),
            "swept before the TTL"
        );
        assert_eq!(c.line("GET keep").await?, r#""v""#);
        let ttl = int(&c.line("TTL long").await?);
        assert!((95..=100).contains(&ttl), "TTL {ttl}");
        Ok(())
    });
}

#[test]
fn ttl_and_pttl_count_down_from_what_was_set() {
    let _fds = super::shared_fds();
    support::on_each_backend(|| async {
        let mut c = Client::connect(start(test_config()).await?).await?;
        assert_eq!(c.line("SET k v PX 100000").await?, "OK");
        let pttl = int(&c.line("PTTL k").await?);
        assert!((95_000..=100_000).contains(&pttl), "PTTL {pttl}");
        assert_eq!(c.line("PEXPIRE k 5000").await?, "(integer) 1");
        let pttl = int(&c.line("PTTL k").await?);
        assert!((4_000..=5_000).contains(&pttl), "PTTL {pttl}");
        let ttl = int(&c.line("TTL k").await?);
        assert!((4..=5).contains(&ttl), "TTL {ttl}");
        Ok(())
    });
}

/// Paused time on every backend. Not `on_each_backend`: its bound is a
/// virtual timeout, which the hours advanced here would fire; the bound
/// here is real time, checked from another thread.
#[test]
fn keys_expire_at_their_ttl_under_paused_time() {
    let _fds = super::shared_fds();
    for backend in support::backends() {
        let (done, finished) = std::sync::mpsc::channel();
        let run = std::thread::spawn(move || {
            let rt = mini_rt::runtime::Builder::new_current_thread()
                .backend(backend)
                .start_paused(true)
                .build()
                .unwrap();
            let res = rt.block_on(paused_expiry());
            let _ = done.send(());
            res
        });
        if finished.recv_timeout(Duration::from_secs(20)).is_err() {
            panic!("[{backend}] paused-time expiry did not finish within 20 s");
        }
        run.join()
            .unwrap()
            .unwrap_or_else(|e| panic!("[{backend}] {e}"));
    }
}

async fn paused_expiry() -> std::io::Result<()> {
    let mut c = Client::connect(start(test_config()).await?).await?;
    let start_at = Instant::now();
    assert_eq!(c.line("SET hour v EX 3600").await?, "OK");
    assert_eq!(c.line("SET day v EX 86400").await?, "OK");
    // An hour less a second of virtual time: still there, exactly.
    mini_rt::time::advance(Duration::from_secs(3599)).await;
    assert_eq!(int(&c.line("TTL hour").await?), 1);
    assert_eq!(c.line("EXISTS hour day").await?, "(integer) 2");
    // Past the hour: the sweep removes it with nobody reading it.
    mini_rt::time::advance(Duration::from_secs(2)).await;
    while int(&c.line("DBSIZE").await?) != 1 {
        sleep(Duration::from_millis(10)).await;
    }
    assert_eq!(c.line("GET hour").await?, "(nil)");
    // To a second past the day (`advance`: a sleep would be woken by
    // every 10 ms sweep on the way, as tokio's auto-advance would be).
    let day = start_at + Duration::from_secs(86_401);
    mini_rt::time::advance(day - Instant::now()).await;
    assert_eq!(c.line("GET day").await?, "(nil)");
    assert_eq!(c.line("DBSIZE").await?, "(integer) 0");
    Ok(())
}
