//! The command table, dispatch, and what every command shares: the
//! execution context, argument checks and redis's error messages.

use crate::db::{Db, Value};
use crate::parse::{parse_int, Args};
use crate::reply;
use crate::server::Shared;
use crate::{admin, collections, strings};
use mini_rt::time::Instant;

/// What a command runs against, for one batch of requests.
pub struct Ctx<'a> {
    /// The key space.
    pub db: &'a mut Db,
    /// The connection's output buffer: replies are appended here.
    pub out: &'a mut Vec<u8>,
    /// Configuration and statistics.
    pub shared: &'a Shared,
    /// Set by QUIT: close the connection once the replies are written.
    pub close: bool,
    now: Option<Instant>,
}

impl<'a> Ctx<'a> {
    /// A context for one batch of requests.
    pub fn new(db: &'a mut Db, out: &'a mut Vec<u8>, shared: &'a Shared) -> Ctx<'a> {
        Ctx {
            db,
            out,
            shared,
            close: false,
            now: None,
        }
    }

    /// The time the batch is executed at: read once, on first use (redis
    /// also takes one time per command, not one per key).
    pub fn now(&mut self) -> Instant {
        *self.now.get_or_insert_with(Instant::now)
    }

    /// Replies `-ERR {msg}`.
    pub fn err(&mut self, msg: &str) {
        self.out.extend_from_slice(b"-ERR ");
        reply::error_tail(self.out, msg.as_bytes());
    }

    /// Replies redis's WRONGTYPE error.
    pub fn wrong_type(&mut self) {
        self.out.extend_from_slice(
            b"-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
        );
    }

    /// Replies redis's error for an argument that is not an `i64`.
    pub fn not_int(&mut self) {
        self.err("value is not an integer or out of range");
    }

    /// Replies `-ERR syntax error`.
    pub fn syntax(&mut self) {
        self.err("syntax error");
    }

    /// Argument `i` as an integer, or replies the error and gives `None`.
    pub fn int_arg(&mut self, args: &Args, i: usize) -> Option<i64> {
        let v = parse_int(args.get(i));
        if v.is_none() {
            self.not_int();
        }
        v
    }
}

/// A value of the type a command wants, stored under a key, or why not.
pub enum Found<T> {
    /// No such key.
    No,
    /// The key holds another type.
    WrongType,
    /// The value.
    Yes(T),
}

/// The value under `key` if `pick` accepts its type (lazily expiring it).
pub fn typed<'e, T: ?Sized>(
    db: &'e mut Db,
    key: &[u8],
    now: Instant,
    pick: impl FnOnce(&'e mut Value) -> Option<&'e mut T>,
) -> Found<&'e mut T> {
    match db.get(key, now) {
        None => Found::No,
        Some(e) => match pick(&mut e.value) {
            Some(v) => Found::Yes(v),
            None => Found::WrongType,
        },
    }
}

/// The string under `key`.
pub fn string<'e>(db: &'e mut Db, key: &[u8], now: Instant) -> Found<&'e mut Vec<u8>> {
    typed(db, key, now, |v| match v {
        Value::Str(s) => Some(s),
        _ => None,
    })
}

/// One command: its name and what COMMAND INFO says about it, and the
/// function that runs it (after the arity check).
pub struct Spec {
    /// Lower-case name.
    pub name: &'static [u8],
    /// As redis: `n` = exactly n arguments with the name, `-n` = at least n.
    pub arity: i32,
    /// redis's command flags.
    pub flags: &'static [&'static str],
    /// Position of the first key, of the last (-1: the last argument) and
    /// the step between keys.
    pub keys: (i32, i32, i32),
    /// redis's ACL categories.
    pub acl: &'static [&'static str],
    /// Runs the command.
    pub run: fn(&mut Ctx, &Args),
}

macro_rules! commands {
    ($($id:ident $name:literal $run:path, $arity:expr, [$($flag:literal),*], $keys:expr, [$($acl:literal),*];)*) => {
        $(static $id: Spec = Spec {
            name: $name, arity: $arity, flags: &[$($flag),*], keys: $keys, acl: &[$($acl),*], run: $run,
        };)*
        /// Every command, for COMMAND.
        pub static ALL: &[&Spec] = &[$(&$id),*];
        /// The command named `lower` (lower-case).
        fn find(lower: &[u8]) -> Option<&'static Spec> {
            match lower {
                $($name => Some(&$id),)*
                _ => None,
            }
        }
    };
}

commands! {
    GET b"get" strings::get, 2, ["readonly", "fast"], (1, 1, 1), ["@read", "@string", "@fast"];
    SET b"set" strings::set, -3, ["write", "denyoom"], (1, 1, 1), ["@write", "@string", "@slow"];
    INCR b"incr" strings::incr, 2, ["write", "denyoom", "fast"], (1, 1, 1), ["@write", "@string", "@fast"];
    DECR b"decr" strings::decr, 2, ["write", "denyoom", "fast"], (1, 1, 1), ["@write", "@string", "@fast"];
    INCRBY b"incrby" strings::incrby, 3, ["write", "denyoom", "fast"], (1, 1, 1), ["@write", "@string", "@fast"];
    DECRBY b"decrby" strings::decrby, 3, ["write", "denyoom", "fast"], (1, 1, 1), ["@write", "@string", "@fast"];
    MGET b"mget" strings::mget, -2, ["readonly", "fast"], (1, -1, 1), ["@read", "@string", "@fast"];
    MSET b"mset" strings::mset, -3, ["write", "denyoom"], (1, -1, 2), ["@write", "@string", "@slow"];
    APPEND b"append" strings::append, 3, ["write", "denyoom", "fast"], (1, 1, 1), ["@write", "@string", "@fast"];
    STRLEN b"strlen" strings::strlen, 2, ["readonly", "fast"], (1, 1, 1), ["@read", "@string", "@fast"];
    DEL b"del" strings::del, -2, ["write"], (1, -1, 1), ["@keyspace", "@write", "@slow"];
    EXISTS b"exists" strings::exists, -2, ["readonly", "fast"], (1, -1, 1), ["@keyspace", "@read", "@fast"];
    EXPIRE b"expire" strings::expire, -3, ["write", "fast"], (1, 1, 1), ["@keyspace", "@write", "@fast"];
    PEXPIRE b"pexpire" strings::pexpire, -3, ["write", "fast"], (1, 1, 1), ["@keyspace", "@write", "@fast"];
    TTL b"ttl" strings::ttl, 2, ["readonly", "fast"], (1, 1, 1), ["@keyspace", "@read", "@fast"];
    PTTL b"pttl" strings::pttl, 2, ["readonly", "fast"], (1, 1, 1), ["@keyspace", "@read", "@fast"];
    PERSIST b"persist" strings::persist, 2, ["write", "fast"], (1, 1, 1), ["@keyspace", "@write", "@fast"];
    TYPE b"type" strings::type_, 2, ["readonly", "fast"], (1, 1, 1), ["@keyspace", "@read", "@fast"];
    LPUSH b"lpush" collections::lpush, -3, ["write", "denyoom", "fast"], (1, 1, 1), ["@write", "@list", "@fast"];
    RPUSH b"rpush" collections::rpush, -3, ["write", "denyoom", "fast"], (1, 1, 1), ["@write", "@list", "@fast"];
    LPOP b"lpop" collections::lpop, -2, ["write", "fast"], (1, 1, 1), ["@write", "@list", "@fast"];
    RPOP b"rpop" collections::rpop, -2, ["write", "fast"], (1, 1, 1), ["@write", "@list", "@fast"];
    LRANGE b"lrange" collections::lrange, 4, ["readonly"], (1, 1, 1), ["@read", "@list", "@slow"];
    LLEN b"llen" collections::llen, 2, ["readonly", "fast"], (1, 1, 1), ["@read", "@list", "@fast"];
    SADD b"sadd" collections::sadd, -3, ["write", "denyoom", "fast"], (1, 1, 1), ["@write", "@set", "@fast"];
    SPOP b"spop" collections::spop, -2, ["write", "fast"], (1, 1, 1), ["@write", "@set", "@fast"];
    SCARD b"scard" collections::scard, 2, ["readonly", "fast"], (1, 1, 1), ["@read", "@set", "@fast"];
    SISMEMBER b"sismember" collections::sismember, 3, ["readonly", "fast"], (1, 1, 1), ["@read", "@set", "@fast"];
    HSET b"hset" collections::hset, -4, ["write", "denyoom", "fast"], (1, 1, 1), ["@write", "@hash", "@fast"];
    HGET b"hget" collections::hget, 3, ["readonly", "fast"], (1, 1, 1), ["@read", "@hash", "@fast"];
    HLEN b"hlen" collections::hlen, 2, ["readonly", "fast"], (1, 1, 1), ["@read", "@hash", "@fast"];
    ZADD b"zadd" collections::zadd, -4, ["write", "denyoom", "fast"], (1, 1, 1), ["@write", "@sortedset", "@fast"];
    ZPOPMIN b"zpopmin" collections::zpopmin, -2, ["write", "fast"], (1, 1, 1), ["@write", "@sortedset", "@fast"];
    ZCARD b"zcard" collections::zcard, 2, ["readonly", "fast"], (1, 1, 1), ["@read", "@sortedset", "@fast"];
    ZSCORE b"zscore" collections::zscore, 3, ["readonly", "fast"], (1, 1, 1), ["@read", "@sortedset", "@fast"];
    PING b"ping" admin::ping, -1, ["fast"], (0, 0, 0), ["@fast", "@connection"];
    ECHO b"echo" admin::echo, 2, ["loading", "stale", "fast"], (0, 0, 0), ["@fast", "@connection"];
    DBSIZE b"dbsize" admin::dbsize, 1, ["readonly", "fast"], (0, 0, 0), ["@keyspace", "@read", "@fast"];
    FLUSHALL b"flushall" admin::flushall, -1, ["write"], (0, 0, 0), ["@keyspace", "@write", "@slow", "@dangerous"];
    FLUSHDB b"flushdb" admin::flushall, -1, ["write"], (0, 0, 0), ["@keyspace", "@write", "@slow", "@dangerous"];
    SELECT b"select" admin::select, 2, ["loading", "stale", "fast"], (0, 0, 0), ["@fast", "@connection"];
    CONFIG b"config" admin::config, -2, [], (0, 0, 0), ["@slow"];
    INFO b"info" admin::info, -1, ["loading", "stale"], (0, 0, 0), ["@slow", "@dangerous"];
    COMMAND b"command" admin::command, -1, ["loading", "stale"], (0, 0, 0), ["@slow", "@connection"];
    QUIT b"quit" admin::quit, -1, ["noscript", "loading", "stale", "fast", "no_auth", "allow_busy"], (0, 0, 0), ["@fast", "@connection"];
}

/// The command named `name`, in any case.
pub fn lookup(name: &[u8]) -> Option<&'static Spec> {
    let mut lower = [0u8; 16];
    let lower = lower.get_mut(..name.len())?;
    for (l, c) in lower.iter_mut().zip(name) {
        *l = c.to_ascii_lowercase();
    }
    find(lower)
}

/// Runs one request (with at least one argument), appending its reply.
pub fn execute(ctx: &mut Ctx, args: &Args) {
    let Some(spec) = lookup(args.get(0)) else {
        return unknown(ctx, args);
    };
    let n = args.len() as i32;
    if (spec.arity > 0 && n != spec.arity) || n < -spec.arity {
        return wrong_arity(ctx, spec.name);
    }
    (spec.run)(ctx, args)
}

/// `-ERR wrong number of arguments for '{name}' command`.
pub fn wrong_arity(ctx: &mut Ctx, name: &[u8]) {
    let name = String::from_utf8_lossy(name);
    ctx.err(&format!("wrong number of arguments for '{name}' command"));
}

/// redis's reply to an unknown command: its name and the start of its
/// arguments, each cut to what fits in 128 bytes.
fn unknown(ctx: &mut Ctx, args: &Args) {
    let name = args.get(0);
    let mut msg = b"ERR unknown command '".to_vec();
    msg.extend_from_slice(&name[..name.len().min(128)]);
    msg.extend_from_slice(b"', with args beginning with: ");
    let mut shown = 0;
    for a in args.iter_from(1) {
        if shown >= 128 {
            break;
        }
        let part = &a[..a.len().min(128 - shown)];
        msg.push(b'\'');
        msg.extend_from_slice(part);
        msg.extend_from_slice(b"' ");
        shown += part.len() + 3;
    }
    ctx.out.push(b'-');
    reply::error_tail(ctx.out, &msg);
}
