//! List, set, hash and sorted-set commands. As in redis, a collection
//! emptied by a pop is deleted, and a write to a missing key creates it.

use crate::commands::{typed, wrong_arity, Ctx, Found};
use crate::db::{Db, Set, Value, ZSet};
use crate::parse::{parse_int, Args};
use crate::reply;
use std::collections::{HashMap, VecDeque};

/// The value under `key` if it has the type `$variant` (`Found::Yes(&mut _)`).
macro_rules! lookup {
    ($ctx:expr, $key:expr, $variant:ident) => {{
        let now = $ctx.now();
        typed($ctx.db, $key, now, |v| match v {
            Value::$variant(x) => Some(x),
            _ => None,
        })
    }};
}

/// The collection under `key`, created empty (with `empty`) if missing;
/// `None` (after the WRONGTYPE reply) if the key holds another type.
macro_rules! lookup_or_create {
    ($ctx:expr, $key:expr, $variant:ident, $empty:expr) => {{
        if matches!(lookup!($ctx, $key, $variant), Found::No) {
            $ctx.db.set($key, Value::$variant($empty));
        }
        match lookup!($ctx, $key, $variant) {
            Found::Yes(x) => Some(x),
            _ => {
                $ctx.wrong_type();
                None
            }
        }
    }};
}

/// The optional count argument of the pops: `Ok(None)` if absent, `Err`
/// after the error reply.
fn pop_count(ctx: &mut Ctx, args: &Args, name: &[u8]) -> Result<Option<usize>, ()> {
    match args.len() {
        2 => Ok(None),
        3 => match parse_int(args.get(2)) {
            Some(n) if n >= 0 => Ok(Some(n as usize)),
            _ => {
                ctx.err("value is out of range, must be positive");
                Err(())
            }
        },
        _ => {
            wrong_arity(ctx, name);
            Err(())
        }
    }
}

/// Deletes `key` if its collection became empty.
fn drop_if_empty(db: &mut Db, key: &[u8], empty: bool) {
    if empty {
        db.remove(key);
    }
}

/// LPUSH key element [element ...]: the new length.
pub fn lpush(ctx: &mut Ctx, args: &Args) {
    push(ctx, args, true)
}

/// RPUSH key element [element ...]: the new length.
pub fn rpush(ctx: &mut Ctx, args: &Args) {
    push(ctx, args, false)
}

fn push(ctx: &mut Ctx, args: &Args, front: bool) {
    let Some(list) = lookup_or_create!(ctx, args.get(1), List, VecDeque::new()) else {
        return;
    };
    for e in args.iter_from(2) {
        if front {
            list.push_front(e.to_vec());
        } else {
            list.push_back(e.to_vec());
        }
    }
    let len = list.len() as i64;
    reply::int(ctx.out, len)
}

/// LPOP key [count]
pub fn lpop(ctx: &mut Ctx, args: &Args) {
    pop(ctx, args, true, b"lpop")
}

/// RPOP key [count]
pub fn rpop(ctx: &mut Ctx, args: &Args) {
    pop(ctx, args, false, b"rpop")
}

fn pop(ctx: &mut Ctx, args: &Args, front: bool, name: &[u8]) {
    let Ok(count) = pop_count(ctx, args, name) else {
        return;
    };
    let key = args.get(1);
    let list = match lookup!(ctx, key, List) {
        Found::Yes(l) => l,
        Found::No if count.is_some() => return reply::nil_array(ctx.out),
        Found::No => return reply::nil(ctx.out),
        Found::WrongType => return ctx.wrong_type(),
    };
    if count.is_some() {
        reply::array(ctx.out, count.unwrap_or(0).min(list.len()));
    }
    for _ in 0..count.unwrap_or(1).min(list.len()) {
        let e = if front {
            list.pop_front()
        } else {
            list.pop_back()
        };
        reply::bulk(ctx.out, &e.expect("popping at most len elements"));
    }
    let empty = list.is_empty();
    drop_if_empty(ctx.db, key, empty)
}

/// LRANGE key start stop
pub fn lrange(ctx: &mut Ctx, args: &Args) {
    let (Some(start), Some(stop)) = (parse_int(args.get(2)), parse_int(args.get(3))) else {
        return ctx.not_int();
    };
    let list = match lookup!(ctx, args.get(1), List) {
        Found::Yes(l) => l,
        Found::No => return reply::array(ctx.out, 0),
        Found::WrongType => return ctx.wrong_type(),
    };
    let len = list.len() as i64;
    let start = if start < 0 {
        (len + start).max(0)
    } else {
        start
    };
    let stop = if stop < 0 {
        len + stop
    } else {
        stop.min(len - 1)
    };
    if start > stop || start >= len {
        return reply::array(ctx.out, 0);
    }
    reply::array(ctx.out, (stop - start + 1) as usize);
    for e in list.range(start as usize..=stop as usize) {
        reply::bulk(ctx.out, e);
    }
}

/// LLEN key
pub fn llen(ctx: &mut Ctx, args: &Args) {
    match lookup!(ctx, args.get(1), List) {
        Found::Yes(l) => {
            let n = l.len() as i64;
            reply::int(ctx.out, n)
        }
        Found::No => reply::int(ctx.out, 0),
        Found::WrongType => ctx.wrong_type(),
    }
}

/// SADD key member [member ...]: how many were new.
pub fn sadd(ctx: &mut Ctx, args: &Args) {
    let Some(set) = lookup_or_create!(ctx, args.get(1), Set, Box::default()) else {
        return;
    };
    let added = args.iter_from(2).filter(|m| set.insert(m)).count();
    reply::int(ctx.out, added as i64)
}

/// SPOP key [count]: random members.
pub fn spop(ctx: &mut Ctx, args: &Args) {
    let Ok(count) = pop_count(ctx, args, b"spop") else {
        return;
    };
    let key = args.get(1);
    let mut rng = ctx.shared.rng.get();
    let set: &mut Set = match lookup!(ctx, key, Set) {
        Found::Yes(s) => s,
        Found::No if count.is_some() => return reply::array(ctx.out, 0),
        Found::No => return reply::nil(ctx.out),
        Found::WrongType => return ctx.wrong_type(),
    };
    let mut random = |len: usize| {
        // xorshift64: plenty for picking members.
        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        (rng % len as u64) as usize
    };
    match count {
        None => {
            let i = random(set.len());
            reply::bulk(ctx.out, &set.take(i));
        }
        Some(n) => {
            let n = n.min(set.len());
            reply::array(ctx.out, n);
            for _ in 0..n {
                let i = random(set.len());
                reply::bulk(ctx.out, &set.take(i));
            }
        }
    }
    let empty = set.len() == 0;
    ctx.shared.rng.set(rng);
    drop_if_empty(ctx.db, key, empty)
}

/// SCARD key
pub fn scard(ctx: &mut Ctx, args: &Args) {
    match lookup!(ctx, args.get(1), Set) {
        Found::Yes(s) => {
            let n = s.len() as i64;
            reply::int(ctx.out, n)
        }
        Found::No => reply::int(ctx.out, 0),
        Found::WrongType => ctx.wrong_type(),
    }
}

/// SISMEMBER key member
pub fn sismember(ctx: &mut Ctx, args: &Args) {
    match lookup!(ctx, args.get(1), Set) {
        Found::Yes(s) => {
            let n = s.contains(args.get(2)) as i64;
            reply::int(ctx.out, n)
        }
        Found::No => reply::int(ctx.out, 0),
        Found::WrongType => ctx.wrong_type(),
    }
}

/// HSET key field value [field value ...]: how many fields were new.
pub fn hset(ctx: &mut Ctx, args: &Args) {
    if args.len() % 2 == 1 {
        return wrong_arity(ctx, b"hset");
    }
    let Some(hash) = lookup_or_create!(ctx, args.get(1), Hash, Box::<HashMap<_, _>>::default())
    else {
        return;
    };
    let mut added = 0;
    for i in (2..args.len()).step_by(2) {
        match hash.get_mut(args.get(i)) {
            Some(v) => {
                v.clear();
                v.extend_from_slice(args.get(i + 1));
            }
            None => {
                hash.insert(args.get(i).to_vec(), args.get(i + 1).to_vec());
                added += 1;
            }
        }
    }
    reply::int(ctx.out, added)
}

/// HGET key field
pub fn hget(ctx: &mut Ctx, args: &Args) {
    match lookup!(ctx, args.get(1), Hash) {
        Found::Yes(h) => match h.get(args.get(2)) {
            Some(v) => reply::bulk(ctx.out, v),
            None => reply::nil(ctx.out),
        },
        Found::No => reply::nil(ctx.out),
        Found::WrongType => ctx.wrong_type(),
    }
}

/// HLEN key
pub fn hlen(ctx: &mut Ctx, args: &Args) {
    match lookup!(ctx, args.get(1), Hash) {
        Found::Yes(h) => {
            let n = h.len() as i64;
            reply::int(ctx.out, n)
        }
        Found::No => reply::int(ctx.out, 0),
        Found::WrongType => ctx.wrong_type(),
    }
}

/// A score as redis's `strtod` reads it: NaN and anything else refused.
fn parse_score(s: &[u8]) -> Option<f64> {
    let v: f64 = std::str::from_utf8(s).ok()?.parse().ok()?;
    (!v.is_nan()).then_some(v)
}

/// ZADD key [NX | XX] [GT | LT] [CH] score member [score member ...]:
/// how many members were added (with CH: added or changed).
pub fn zadd(ctx: &mut Ctx, args: &Args) {
    let (mut nx, mut xx, mut gt, mut lt, mut ch) = (false, false, false, false, false);
    let mut i = 2;
    while i < args.len() {
        match args.get(i).to_ascii_lowercase().as_slice() {
            b"nx" => nx = true,
            b"xx" => xx = true,
            b"gt" => gt = true,
            b"lt" => lt = true,
            b"ch" => ch = true,
            _ => break,
        }
        i += 1;
    }
    let pairs = args.len() - i;
    if pairs == 0 || pairs % 2 == 1 {
        return ctx.syntax();
    }
    if nx && xx {
        return ctx.err("XX and NX options at the same time are not compatible");
    }
    if (nx && (gt || lt)) || (gt && lt) {
        return ctx.err("GT, LT, and/or NX options at the same time are not compatible");
    }
    let mut scores = Vec::with_capacity(pairs / 2);
    for j in (i..args.len()).step_by(2) {
        match parse_score(args.get(j)) {
            Some(s) => scores.push((s, args.get(j + 1))),
            None => return ctx.err("value is not a valid float"),
        }
    }
    let key = args.get(1);
    if xx && matches!(lookup!(ctx, key, ZSet), Found::No) {
        return reply::int(ctx.out, 0);
    }
    let Some(zset) = lookup_or_create!(ctx, key, ZSet, Box::<ZSet>::default()) else {
        return;
    };
    let mut counted = 0;
    for (score, member) in scores {
        match zset.score(member) {
            None if !xx => {
                zset.insert(member, score);
                counted += 1;
            }
            Some(old) if old != score && !nx && (!gt || score > old) && (!lt || score < old) => {
                zset.insert(member, score);
                counted += ch as i64;
            }
            _ => {}
        }
    }
    let empty = zset.len() == 0;
    reply::int(ctx.out, counted);
    drop_if_empty(ctx.db, key, empty)
}

/// ZPOPMIN key [count]: member, score, … from the lowest score.
pub fn zpopmin(ctx: &mut Ctx, args: &Args) {
    let Ok(count) = pop_count(ctx, args, b"zpopmin") else {
        return;
    };
    let key = args.get(1);
    let zset = match lookup!(ctx, key, ZSet) {
        Found::Yes(z) => z,
        Found::No => return reply::array(ctx.out, 0),
        Found::WrongType => return ctx.wrong_type(),
    };
    let n = count.unwrap_or(1).min(zset.len());
    reply::array(ctx.out, 2 * n);
    for _ in 0..n {
        let (m, score) = zset.pop_min().expect("n <= len");
        reply::bulk(ctx.out, &m);
        reply::bulk_double(ctx.out, score);
    }
    let empty = zset.len() == 0;
    drop_if_empty(ctx.db, key, empty)
}

/// ZCARD key
pub fn zcard(ctx: &mut Ctx, args: &Args) {
    match lookup!(ctx, args.get(1), ZSet) {
        Found::Yes(z) => {
            let n = z.len() as i64;
            reply::int(ctx.out, n)
        }
        Found::No => reply::int(ctx.out, 0),
        Found::WrongType => ctx.wrong_type(),
    }
}

/// ZSCORE key member
pub fn zscore(ctx: &mut Ctx, args: &Args) {
    match lookup!(ctx, args.get(1), ZSet) {
        Found::Yes(z) => match z.score(args.get(2)) {
            Some(s) => reply::bulk_double(ctx.out, s),
            None => reply::nil(ctx.out),
        },
        Found::No => reply::nil(ctx.out),
        Found::WrongType => ctx.wrong_type(),
    }
}
