//! String commands and the key-space commands that work on any type
//! (DEL, EXISTS, EXPIRE, TTL, …), with redis's replies and errors.

use crate::commands::{string, Ctx, Found};
use crate::db::Value;
use crate::parse::{parse_int, Args};
use crate::reply;
use mini_rt::time::Instant;
use std::time::Duration;

/// GET key
pub fn get(ctx: &mut Ctx, args: &Args) {
    let now = ctx.now();
    match string(ctx.db, args.get(1), now) {
        Found::Yes(s) => reply::bulk(ctx.out, s),
        Found::No => reply::nil(ctx.out),
        Found::WrongType => ctx.wrong_type(),
    }
}

/// SET key value [NX | XX] [EX seconds | PX milliseconds | KEEPTTL]
pub fn set(ctx: &mut Ctx, args: &Args) {
    let (mut nx, mut xx, mut keep_ttl) = (false, false, false);
    let mut expire: Option<(&[u8], u64)> = None; // (amount, ms per unit)
    let mut i = 3;
    while i < args.len() {
        let opt = args.get(i);
        let next = (i + 1 < args.len()).then(|| args.get(i + 1));
        let no_ttl_opt = expire.is_none() && !keep_ttl;
        if opt.eq_ignore_ascii_case(b"nx") && !xx {
            nx = true;
        } else if opt.eq_ignore_ascii_case(b"xx") && !nx {
            xx = true;
        } else if opt.eq_ignore_ascii_case(b"keepttl") && no_ttl_opt {
            keep_ttl = true;
        } else if let (true, Some(amount)) = (no_ttl_opt, next) {
            if opt.eq_ignore_ascii_case(b"ex") {
                expire = Some((amount, 1000));
            } else if opt.eq_ignore_ascii_case(b"px") {
                expire = Some((amount, 1));
            } else {
                return ctx.syntax();
            }
            i += 1;
        } else {
            return ctx.syntax();
        }
        i += 1;
    }
    let mut deadline = None;
    if let Some((amount, unit)) = expire {
        let Some(n) = parse_int(amount) else {
            return ctx.not_int();
        };
        let now = ctx.now();
        match deadline_after(now, n, unit) {
            Some(at) if n > 0 => deadline = Some(at),
            _ => return ctx.err("invalid expire time in 'set' command"),
        }
    }
    let key = args.get(1);
    if nx || xx {
        let now = ctx.now();
        if ctx.db.contains(key, now) != xx {
            return reply::nil(ctx.out);
        }
    }
    let old_deadline = if keep_ttl {
        let now = ctx.now();
        ctx.db.deadline(key, now).flatten()
    } else {
        None
    };
    ctx.db.set_str(key, args.get(2));
    if let Some(at) = deadline.or(old_deadline) {
        ctx.db.set_deadline(key, Some(at));
    }
    reply::ok(ctx.out)
}

/// `now` + `n` × `unit` ms, if it fits (`n` may be negative: the past).
fn deadline_after(now: Instant, n: i64, unit: u64) -> Option<Instant> {
    let ms = n.checked_mul(unit as i64)?;
    let d = Duration::from_millis(ms.unsigned_abs());
    if ms >= 0 {
        now.checked_add(d)
    } else {
        Some(now.checked_sub(d).unwrap_or(now))
    }
}

/// INCR key
pub fn incr(ctx: &mut Ctx, args: &Args) {
    add(ctx, args.get(1), 1)
}

/// DECR key
pub fn decr(ctx: &mut Ctx, args: &Args) {
    add(ctx, args.get(1), -1)
}

/// INCRBY key increment
pub fn incrby(ctx: &mut Ctx, args: &Args) {
    if let Some(by) = ctx.int_arg(args, 2) {
        add(ctx, args.get(1), by)
    }
}

/// DECRBY key decrement
pub fn decrby(ctx: &mut Ctx, args: &Args) {
    match ctx.int_arg(args, 2) {
        Some(i64::MIN) => ctx.err("decrement would overflow"),
        Some(by) => add(ctx, args.get(1), -by),
        None => {}
    }
}

/// Adds `by` to the integer stored at `key` (0 if missing), keeping its TTL.
fn add(ctx: &mut Ctx, key: &[u8], by: i64) {
    let now = ctx.now();
    let s = match string(ctx.db, key, now) {
        Found::Yes(s) => s,
        Found::No => {
            ctx.db.set(key, Value::Str(Vec::new()));
            match string(ctx.db, key, now) {
                Found::Yes(s) => {
                    s.push(b'0');
                    s
                }
                _ => unreachable!("just stored"),
            }
        }
        Found::WrongType => return ctx.wrong_type(),
    };
    let Some(old) = parse_int(s) else {
        return ctx.not_int();
    };
    let Some(new) = old.checked_add(by) else {
        return ctx.err("increment or decrement would overflow");
    };
    s.clear();
    reply::push_int(s, new);
    reply::int(ctx.out, new)
}

/// MGET key [key ...]: a nil for each key that is missing or not a string.
pub fn mget(ctx: &mut Ctx, args: &Args) {
    let now = ctx.now();
    reply::array(ctx.out, args.len() - 1);
    for key in args.iter_from(1) {
        match string(ctx.db, key, now) {
            Found::Yes(s) => reply::bulk(ctx.out, s),
            _ => reply::nil(ctx.out),
        }
    }
}

/// MSET key value [key value ...]
pub fn mset(ctx: &mut Ctx, args: &Args) {
    if args.len() % 2 == 0 {
        return crate::commands::wrong_arity(ctx, b"mset");
    }
    for i in (1..args.len()).step_by(2) {
        ctx.db.set_str(args.get(i), args.get(i + 1));
    }
    reply::ok(ctx.out)
}

/// APPEND key value: the new length.
pub fn append(ctx: &mut Ctx, args: &Args) {
    let now = ctx.now();
    let (key, data) = (args.get(1), args.get(2));
    let len = match string(ctx.db, key, now) {
        Found::Yes(s) => {
            s.extend_from_slice(data);
            s.len()
        }
        Found::No => {
            ctx.db.set_str(key, data);
            data.len()
        }
        Found::WrongType => return ctx.wrong_type(),
    };
    reply::int(ctx.out, len as i64)
}

/// STRLEN key
pub fn strlen(ctx: &mut Ctx, args: &Args) {
    let now = ctx.now();
    match string(ctx.db, args.get(1), now) {
        Found::Yes(s) => reply::int(ctx.out, s.len() as i64),
        Found::No => reply::int(ctx.out, 0),
        Found::WrongType => ctx.wrong_type(),
    }
}

/// DEL key [key ...]: how many existed.
pub fn del(ctx: &mut Ctx, args: &Args) {
    let now = ctx.now();
    let mut n = 0;
    for key in args.iter_from(1) {
        if ctx.db.contains(key, now) {
            ctx.db.remove(key);
            n += 1;
        }
    }
    reply::int(ctx.out, n)
}

/// EXISTS key [key ...]: how many of the keys exist (a key named twice
/// counts twice).
pub fn exists(ctx: &mut Ctx, args: &Args) {
    let now = ctx.now();
    let n = args
        .iter_from(1)
        .filter(|k| ctx.db.contains(k, now))
        .count();
    reply::int(ctx.out, n as i64)
}

/// EXPIRE key seconds [NX | XX | GT | LT]
pub fn expire(ctx: &mut Ctx, args: &Args) {
    set_expiry(ctx, args, 1000, "expire")
}

/// PEXPIRE key milliseconds [NX | XX | GT | LT]
pub fn pexpire(ctx: &mut Ctx, args: &Args) {
    set_expiry(ctx, args, 1, "pexpire")
}

fn set_expiry(ctx: &mut Ctx, args: &Args, unit: u64, name: &str) {
    let (mut nx, mut xx, mut gt, mut lt) = (false, false, false, false);
    for opt in args.iter_from(3) {
        match opt.to_ascii_lowercase().as_slice() {
            b"nx" => nx = true,
            b"xx" => xx = true,
            b"gt" => gt = true,
            b"lt" => lt = true,
            _ => {
                let opt = String::from_utf8_lossy(opt);
                return ctx.err(&format!("Unsupported option {opt}"));
            }
        }
    }
    if nx && (xx || gt || lt) {
        return ctx.err("NX and XX, GT or LT options at the same time are not compatible");
    }
    if gt && lt {
        return ctx.err("GT and LT options at the same time are not compatible");
    }
    let Some(n) = ctx.int_arg(args, 2) else {
        return;
    };
    let now = ctx.now();
    let Some(at) = deadline_after(now, n, unit) else {
        return ctx.err(&format!("invalid expire time in '{name}' command"));
    };
    let key = args.get(1);
    let Some(current) = ctx.db.deadline(key, now) else {
        return reply::int(ctx.out, 0);
    };
    let refused = match current {
        None => xx || gt,
        Some(cur) => nx || (gt && at <= cur) || (lt && at >= cur),
    };
    if refused {
        return reply::int(ctx.out, 0);
    }
    if at <= now {
        ctx.db.remove(key);
    } else {
        ctx.db.set_deadline(key, Some(at));
    }
    reply::int(ctx.out, 1)
}

/// TTL key: seconds left (rounded), -1 without a TTL, -2 if missing.
pub fn ttl(ctx: &mut Ctx, args: &Args) {
    time_left(ctx, args, 1000)
}

/// PTTL key: milliseconds left, -1 without a TTL, -2 if missing.
pub fn pttl(ctx: &mut Ctx, args: &Args) {
    time_left(ctx, args, 1)
}

fn time_left(ctx: &mut Ctx, args: &Args, unit: u128) {
    let now = ctx.now();
    let n = match ctx.db.deadline(args.get(1), now) {
        None => -2,
        Some(None) => -1,
        Some(Some(at)) => {
            // Milliseconds rounded up (a key with 0.3 ms left has 1), then
            // seconds rounded to nearest, as redis.
            let ms = at
                .saturating_duration_since(now)
                .as_nanos()
                .div_ceil(1_000_000);
            ((ms + unit / 2) / unit) as i64
        }
    };
    reply::int(ctx.out, n)
}

/// PERSIST key: 1 if a TTL was removed.
pub fn persist(ctx: &mut Ctx, args: &Args) {
    let now = ctx.now();
    let key = args.get(1);
    let had = matches!(ctx.db.deadline(key, now), Some(Some(_)));
    if had {
        ctx.db.set_deadline(key, None);
    }
    reply::int(ctx.out, had as i64)
}

/// TYPE key
pub fn type_(ctx: &mut Ctx, args: &Args) {
    let now = ctx.now();
    let name = ctx
        .db
        .get(args.get(1), now)
        .map_or("none", |e| e.value.type_name());
    reply::status(ctx.out, name)
}
