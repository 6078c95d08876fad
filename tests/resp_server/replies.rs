//! Every command against the replies redis 7 gives: one scripted
//! conversation on one connection, starting from an empty server.

use super::client::Client;
use super::{start, test_config};
use crate::support;
use std::io;
use std::net::SocketAddr;

/// (request, reply): each request is one command, its arguments separated
/// by single spaces; the replies are rendered as `client::render` does.
/// They are redis-server 7.0's replies, in order, on an empty server: set
/// RESP_SERVER_TEST_ADDR=HOST:PORT to run this script against a real
/// redis-server instead (it flushes that server).
const SCRIPT: &[(&str, &str)] = &[
    ("FLUSHALL", r#"OK"#),
    ("PING", r#"PONG"#),
    ("PING hello", r#""hello""#),
    (
        "PING a b",
        r#"(error) ERR wrong number of arguments for 'ping' command"#,
    ),
    ("ping", r#"PONG"#),
    ("ECHO hi", r#""hi""#),
    (
        "ECHO",
        r#"(error) ERR wrong number of arguments for 'echo' command"#,
    ),
    ("GET nokey", r#"(nil)"#),
    ("SET k v", r#"OK"#),
    ("GET k", r#""v""#),
    ("SET k v NX", r#"(nil)"#),
    ("SET k v2 XX", r#"OK"#),
    ("GET k", r#""v2""#),
    ("SET k2 v XX", r#"(nil)"#),
    ("EXISTS k2", r#"(integer) 0"#),
    (
        "SET k v EX 0",
        r#"(error) ERR invalid expire time in 'set' command"#,
    ),
    (
        "SET k v EX -1",
        r#"(error) ERR invalid expire time in 'set' command"#,
    ),
    (
        "SET k v EX abc",
        r#"(error) ERR value is not an integer or out of range"#,
    ),
    ("SET k v PX 100 EX 10", r#"(error) ERR syntax error"#),
    ("SET k v NX XX", r#"(error) ERR syntax error"#),
    ("SET k v FOO", r#"(error) ERR syntax error"#),
    ("SET k v EX", r#"(error) ERR syntax error"#),
    (
        "SET k",
        r#"(error) ERR wrong number of arguments for 'set' command"#,
    ),
    ("SET k v EX 100", r#"OK"#),
    ("TTL k", r#"(integer) 100"#),
    ("SET k v3", r#"OK"#),
    ("TTL k", r#"(integer) -1"#),
    ("SET k v4 PX 100000", r#"OK"#),
    ("SET k v5 KEEPTTL", r#"OK"#),
    ("TTL k", r#"(integer) 100"#),
    ("GET k", r#""v5""#),
    ("SET k v6 KEEPTTL EX 10", r#"(error) ERR syntax error"#),
    ("PERSIST k", r#"(integer) 1"#),
    ("PERSIST k", r#"(integer) 0"#),
    ("TTL k", r#"(integer) -1"#),
    ("DEL k k2 nokey", r#"(integer) 1"#),
    ("EXISTS k k nokey", r#"(integer) 0"#),
    ("SET n 10", r#"OK"#),
    ("INCR n", r#"(integer) 11"#),
    ("DECR n", r#"(integer) 10"#),
    ("INCRBY n 5", r#"(integer) 15"#),
    (
        "INCRBY n abc",
        r#"(error) ERR value is not an integer or out of range"#,
    ),
    ("DECRBY n 3", r#"(integer) 12"#),
    (
        "DECRBY n -9223372036854775808",
        r#"(error) ERR decrement would overflow"#,
    ),
    ("GET n", r#""12""#),
    ("SET f 1.5", r#"OK"#),
    (
        "INCR f",
        r#"(error) ERR value is not an integer or out of range"#,
    ),
    ("SET big 9223372036854775807", r#"OK"#),
    (
        "INCR big",
        r#"(error) ERR increment or decrement would overflow"#,
    ),
    (
        "DECRBY big -1",
        r#"(error) ERR increment or decrement would overflow"#,
    ),
    ("SET small -9223372036854775808", r#"OK"#),
    (
        "DECR small",
        r#"(error) ERR increment or decrement would overflow"#,
    ),
    ("SET lz 01", r#"OK"#),
    (
        "INCR lz",
        r#"(error) ERR value is not an integer or out of range"#,
    ),
    ("SET pl +1", r#"OK"#),
    (
        "INCR pl",
        r#"(error) ERR value is not an integer or out of range"#,
    ),
    ("INCR newcounter", r#"(integer) 1"#),
    ("INCRBY newcounter2 -7", r#"(integer) -7"#),
    ("MSET a 1 b 2", r#"OK"#),
    (
        "MSET a 1 b",
        r#"(error) ERR wrong number of arguments for 'mset' command"#,
    ),
    ("MGET a b nokey", r#"["1", "2", (nil)]"#),
    ("LPUSH lst x", r#"(integer) 1"#),
    ("MGET a lst", r#"["1", (nil)]"#),
    (
        "GET lst",
        r#"(error) WRONGTYPE Operation against a key holding the wrong kind of value"#,
    ),
    ("SET lst y", r#"OK"#),
    ("TYPE lst", r#"string"#),
    ("GET lst", r#""y""#),
    ("APPEND a xyz", r#"(integer) 4"#),
    ("APPEND newa hello", r#"(integer) 5"#),
    ("STRLEN a", r#"(integer) 4"#),
    ("STRLEN nokey", r#"(integer) 0"#),
    ("LPUSH lst2 x", r#"(integer) 1"#),
    (
        "STRLEN lst2",
        r#"(error) WRONGTYPE Operation against a key holding the wrong kind of value"#,
    ),
    (
        "APPEND lst2 x",
        r#"(error) WRONGTYPE Operation against a key holding the wrong kind of value"#,
    ),
    (
        "INCR lst2",
        r#"(error) WRONGTYPE Operation against a key holding the wrong kind of value"#,
    ),
    ("EXPIRE a 100", r#"(integer) 1"#),
    ("TTL a", r#"(integer) 100"#),
    ("TTL nokey", r#"(integer) -2"#),
    ("TTL b", r#"(integer) -1"#),
    ("PTTL nokey", r#"(integer) -2"#),
    ("PTTL b", r#"(integer) -1"#),
    ("EXPIRE nokey 10", r#"(integer) 0"#),
    (
        "EXPIRE a abc",
        r#"(error) ERR value is not an integer or out of range"#,
    ),
    ("EXPIRE a 100 NX", r#"(integer) 0"#),
    ("EXPIRE a 200 XX", r#"(integer) 1"#),
    ("TTL a", r#"(integer) 200"#),
    ("EXPIRE a 50 GT", r#"(integer) 0"#),
    ("EXPIRE a 300 GT", r#"(integer) 1"#),
    ("TTL a", r#"(integer) 300"#),
    ("EXPIRE a 400 LT", r#"(integer) 0"#),
    ("EXPIRE a 30 LT", r#"(integer) 1"#),
    ("TTL a", r#"(integer) 30"#),
    ("EXPIRE b 30 XX", r#"(integer) 0"#),
    ("EXPIRE b 30 GT", r#"(integer) 0"#),
    ("EXPIRE b 30 LT", r#"(integer) 1"#),
    ("TTL b", r#"(integer) 30"#),
    (
        "EXPIRE b 30 NX XX",
        r#"(error) ERR NX and XX, GT or LT options at the same time are not compatible"#,
    ),
    (
        "EXPIRE b 30 GT LT",
        r#"(error) ERR GT and LT options at the same time are not compatible"#,
    ),
    ("EXPIRE b 30 FOO", r#"(error) ERR Unsupported option FOO"#),
    ("PEXPIRE b 5000", r#"(integer) 1"#),
    ("PERSIST b", r#"(integer) 1"#),
    ("PERSIST nokey", r#"(integer) 0"#),
    ("EXPIRE a -1", r#"(integer) 1"#),
    ("EXISTS a", r#"(integer) 0"#),
    ("EXPIRE b 0", r#"(integer) 1"#),
    ("EXISTS b", r#"(integer) 0"#),
    ("TYPE nokey", r#"none"#),
    ("TYPE newa", r#"string"#),
    ("DBSIZE", r#"(integer) 11"#),
    (
        "FOO bar baz",
        r#"(error) ERR unknown command 'FOO', with args beginning with: 'bar' 'baz' "#,
    ),
    (
        "FOO",
        r#"(error) ERR unknown command 'FOO', with args beginning with: "#,
    ),
    (
        "foo a b c",
        r#"(error) ERR unknown command 'foo', with args beginning with: 'a' 'b' 'c' "#,
    ),
    ("LPUSH l a b c", r#"(integer) 3"#),
    ("RPUSH l d e", r#"(integer) 5"#),
    ("LLEN l", r#"(integer) 5"#),
    ("LRANGE l 0 -1", r#"["c", "b", "a", "d", "e"]"#),
    ("LRANGE l 1 2", r#"["b", "a"]"#),
    ("LRANGE l -100 100", r#"["c", "b", "a", "d", "e"]"#),
    ("LRANGE l -2 -1", r#"["d", "e"]"#),
    ("LRANGE l 5 1", r#"[]"#),
    ("LRANGE l 10 20", r#"[]"#),
    (
        "LRANGE l a b",
        r#"(error) ERR value is not an integer or out of range"#,
    ),
    ("LRANGE nolist 0 -1", r#"[]"#),
    ("LPOP l", r#""c""#),
    ("RPOP l", r#""e""#),
    ("LPOP l 2", r#"["b", "a"]"#),
    ("LPOP l 0", r#"[]"#),
    (
        "LPOP l -1",
        r#"(error) ERR value is out of range, must be positive"#,
    ),
    (
        "LPOP l abc",
        r#"(error) ERR value is out of range, must be positive"#,
    ),
    (
        "LPOP l 1 2",
        r#"(error) ERR wrong number of arguments for 'lpop' command"#,
    ),
    ("LPOP nolist", r#"(nil)"#),
    ("LPOP nolist 2", r#"(nil array)"#),
    ("LPOP nolist 0", r#"(nil array)"#),
    ("RPOP l 10", r#"["d"]"#),
    ("EXISTS l", r#"(integer) 0"#),
    ("LLEN l", r#"(integer) 0"#),
    ("TYPE l", r#"none"#),
    (
        "LPUSH newa x",
        r#"(error) WRONGTYPE Operation against a key holding the wrong kind of value"#,
    ),
    (
        "LRANGE newa 0 1",
        r#"(error) WRONGTYPE Operation against a key holding the wrong kind of value"#,
    ),
    (
        "LPOP newa",
        r#"(error) WRONGTYPE Operation against a key holding the wrong kind of value"#,
    ),
    ("SADD s a b a", r#"(integer) 2"#),
    ("SADD s c", r#"(integer) 1"#),
    ("SCARD s", r#"(integer) 3"#),
    ("SISMEMBER s a", r#"(integer) 1"#),
    ("SISMEMBER s z", r#"(integer) 0"#),
    ("SISMEMBER nos a", r#"(integer) 0"#),
    ("SCARD nos", r#"(integer) 0"#),
    ("SPOP nos", r#"(nil)"#),
    ("SPOP nos 2", r#"[]"#),
    ("SPOP s 0", r#"[]"#),
    (
        "SPOP s -1",
        r#"(error) ERR value is out of range, must be positive"#,
    ),
    ("SADD one m", r#"(integer) 1"#),
    ("SPOP one", r#""m""#),
    ("EXISTS one", r#"(integer) 0"#),
    ("SADD one m", r#"(integer) 1"#),
    ("SPOP one 5", r#"["m"]"#),
    ("EXISTS one", r#"(integer) 0"#),
    (
        "SADD newa x",
        r#"(error) WRONGTYPE Operation against a key holding the wrong kind of value"#,
    ),
    (
        "SPOP newa",
        r#"(error) WRONGTYPE Operation against a key holding the wrong kind of value"#,
    ),
    ("HSET h f v", r#"(integer) 1"#),
    ("HSET h f v2 g w", r#"(integer) 1"#),
    (
        "HSET h f",
        r#"(error) ERR wrong number of arguments for 'hset' command"#,
    ),
    (
        "HSET h f v g",
        r#"(error) ERR wrong number of arguments for 'hset' command"#,
    ),
    ("HGET h f", r#""v2""#),
    ("HGET h nof", r#"(nil)"#),
    ("HGET noh f", r#"(nil)"#),
    ("HLEN h", r#"(integer) 2"#),
    ("HLEN noh", r#"(integer) 0"#),
    (
        "HSET newa f v",
        r#"(error) WRONGTYPE Operation against a key holding the wrong kind of value"#,
    ),
    (
        "HGET newa f",
        r#"(error) WRONGTYPE Operation against a key holding the wrong kind of value"#,
    ),
    ("ZADD z 1 a 2 b 1.5 c", r#"(integer) 3"#),
    ("ZADD z x a", r#"(error) ERR value is not a valid float"#),
    (
        "ZADD z 1",
        r#"(error) ERR wrong number of arguments for 'zadd' command"#,
    ),
    ("ZADD z 1 a 2", r#"(error) ERR syntax error"#),
    ("ZCARD z", r#"(integer) 3"#),
    ("ZSCORE z c", r#""1.5""#),
    ("ZSCORE z nom", r#"(nil)"#),
    ("ZPOPMIN z", r#"["a", "1"]"#),
    ("ZPOPMIN z 5", r#"["c", "1.5", "b", "2"]"#),
    ("ZPOPMIN noz", r#"[]"#),
    ("ZPOPMIN noz 3", r#"[]"#),
    (
        "ZPOPMIN z -1",
        r#"(error) ERR value is out of range, must be positive"#,
    ),
    ("ZADD z 1e20 big -inf ninf 0.1 tenth", r#"(integer) 3"#),
    (
        "ZPOPMIN z 3",
        r#"["ninf", "-inf", "tenth", "0.10000000000000001", "big", "1e+20"]"#,
    ),
    ("ZADD z inf pinf 3.0 three -0 nz", r#"(integer) 3"#),
    ("ZPOPMIN z 3", r#"["nz", "0", "three", "3", "pinf", "inf"]"#),
    ("ZADD z nan a", r#"(error) ERR value is not a valid float"#),
    ("ZADD z 5 m", r#"(integer) 1"#),
    ("ZADD z NX 6 m 1 n", r#"(integer) 1"#),
    ("ZSCORE z m", r#""5""#),
    ("ZADD z XX 7 m 1 o", r#"(integer) 0"#),
    ("ZSCORE z m", r#""7""#),
    ("ZSCORE z o", r#"(nil)"#),
    ("ZADD z XX CH 8 m", r#"(integer) 1"#),
    ("ZADD z GT 1 m", r#"(integer) 0"#),
    ("ZADD z GT CH 9 m", r#"(integer) 1"#),
    ("ZADD z LT CH 2 m 3 p", r#"(integer) 2"#),
    (
        "ZADD z NX XX 1 a",
        r#"(error) ERR XX and NX options at the same time are not compatible"#,
    ),
    (
        "ZADD z GT LT 1 a",
        r#"(error) ERR GT, LT, and/or NX options at the same time are not compatible"#,
    ),
    (
        "ZADD z NX GT 1 a",
        r#"(error) ERR GT, LT, and/or NX options at the same time are not compatible"#,
    ),
    ("ZADD noz XX 1 a", r#"(integer) 0"#),
    ("EXISTS noz", r#"(integer) 0"#),
    ("ZSCORE z m", r#""2""#),
    ("ZPOPMIN z 10", r#"["n", "1", "m", "2", "p", "3"]"#),
    (
        "ZADD newa 1 a",
        r#"(error) WRONGTYPE Operation against a key holding the wrong kind of value"#,
    ),
    (
        "ZPOPMIN newa",
        r#"(error) WRONGTYPE Operation against a key holding the wrong kind of value"#,
    ),
    (
        "ZCARD newa",
        r#"(error) WRONGTYPE Operation against a key holding the wrong kind of value"#,
    ),
    ("CONFIG GET save", r#"["save", ""]"#),
    ("CONFIG GET appendonly", r#"["appendonly", "no"]"#),
    ("CONFIG GET nothing", r#"[]"#),
    (
        "CONFIG GET",
        r#"(error) ERR wrong number of arguments for 'config|get' command"#,
    ),
    (
        "CONFIG FOO",
        r#"(error) ERR unknown subcommand 'FOO'. Try CONFIG HELP."#,
    ),
    (
        "CONFIG",
        r#"(error) ERR wrong number of arguments for 'config' command"#,
    ),
    (
        "CONFIG GET proto-max-bulk-len",
        r#"["proto-max-bulk-len", "536870912"]"#,
    ),
    (
        "CONFIG GET client-query-buffer-limit",
        r#"["client-query-buffer-limit", "1073741824"]"#,
    ),
    (
        "COMMAND FOO",
        r#"(error) ERR unknown subcommand 'FOO'. Try COMMAND HELP."#,
    ),
    ("SELECT 0", r#"OK"#),
    (
        "SELECT x",
        r#"(error) ERR value is not an integer or out of range"#,
    ),
    ("FLUSHALL x", r#"(error) ERR syntax error"#),
    ("FLUSHALL SYNC", r#"OK"#),
    ("DBSIZE", r#"(integer) 0"#),
    ("FLUSHALL", r#"OK"#),
    ("DBSIZE", r#"(integer) 0"#),
];

async fn run_script(addr: SocketAddr) -> io::Result<()> {
    let mut c = Client::connect(addr).await?;
    for (request, expected) in SCRIPT {
        let got = support::bounded(5, c.line(request)).await?;
        assert_eq!(&got, expected, "reply to {request:?}");
    }
    Ok(())
}

#[test]
fn every_command_replies_as_redis_does() {
    let _shared = super::shared_fds();
    if let Ok(addr) = std::env::var("RESP_SERVER_TEST_ADDR") {
        let addr = addr.parse().expect("RESP_SERVER_TEST_ADDR is HOST:PORT");
        let rt = mini_rt::runtime::Runtime::new().unwrap();
        return rt.block_on(run_script(addr)).unwrap();
    }
    support::on_each_backend(|| async { run_script(start(test_config()).await?).await });
}
