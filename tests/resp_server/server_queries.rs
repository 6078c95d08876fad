//! The queries clients make when they connect (redis-benchmark's CONFIG
//! GET, INFO, COMMAND), and where this server knowingly differs from redis.

use super::client::{encode, render, Client};
use super::{start, test_config};
use crate::support;

#[test]
fn redis_benchmark_set_up_queries_are_answered() {
    let _fds = super::shared_fds();
    support::on_each_backend(|| async {
        let mut c = Client::connect(start(test_config()).await?).await?;
        // What redis-benchmark 7.0 sends first, in one write.
        let mut setup = encode(&[b"CONFIG", b"GET", b"save"]);
        setup.extend(encode(&[b"CONFIG", b"GET", b"appendonly"]));
        c.send(&setup).await?;
        assert_eq!(render(&c.reply().await?), r#"["save", ""]"#);
        assert_eq!(render(&c.reply().await?), r#"["appendonly", "no"]"#);
        assert_eq!(
            c.line("CONFIG GET proto-max-bulk-*").await?,
            r#"["proto-max-bulk-len", "536870912"]"#
        );

        assert_eq!(c.line("SET k v").await?, "OK");
        let info = c.line("INFO").await?;
        for section in ["# Server", "# Clients", "# Stats", "# Keyspace"] {
            assert!(info.contains(section), "{section} missing from {info}");
        }
        for field in [
            "redis_version:",
            "connected_clients:1\\r\\n",
            "total_commands_processed:",
            "db0:keys=1,expires=0,avg_ttl=0",
        ] {
            assert!(info.contains(field), "{field} missing from {info}");
        }
        assert_eq!(
            c.line("INFO keyspace").await?,
            r##""# Keyspace\r\ndb0:keys=1,expires=0,avg_ttl=0\r\n""##
        );

        let count = c.line("COMMAND COUNT").await?;
        let n: usize = count.trim_start_matches("(integer) ").parse().unwrap();
        assert!(n >= 40, "{count}");
        let all = c.line("COMMAND").await?;
        assert_eq!(
            all.matches("(integer) ").count(),
            4 * n,
            "4 integers per entry: {all}"
        );
        // redis 7.0 gives the same first seven fields; it fills the last
        // three (tips, key specifications, subcommands) where this is empty.
        assert_eq!(
            c.line("COMMAND INFO get nope").await?,
            r#"[["get", (integer) 2, [readonly, fast], (integer) 1, (integer) 1, (integer) 1, [@read, @string, @fast], [], [], []], (nil)]"#
        );
        assert_eq!(c.line("COMMAND DOCS").await?, "[]");
        Ok(())
    });
}

#[test]
fn there_is_one_database() {
    let _fds = super::shared_fds();
    support::on_each_backend(|| async {
        let mut c = Client::connect(start(test_config()).await?).await?;
        assert_eq!(c.line("SELECT 0").await?, "OK");
        // redis has 16 by default and replies OK here.
        assert_eq!(
            c.line("SELECT 1").await?,
            "(error) ERR DB index is out of range"
        );
        assert_eq!(
            c.line("CONFIG GET databases").await?,
            r#"["databases", "1"]"#
        );
        Ok(())
    });
}

#[test]
fn quit_replies_ok_and_closes() {
    let _fds = super::shared_fds();
    support::on_each_backend(|| async {
        let mut c = Client::connect(start(test_config()).await?).await?;
        // As redis: what follows QUIT in the same write is not executed.
        c.send(b"*1\r\n$4\r\nQUIT\r\nPING\r\n").await?;
        assert_eq!(render(&c.reply().await?), "OK");
        support::bounded(5, c.expect_closed()).await
    });
}
