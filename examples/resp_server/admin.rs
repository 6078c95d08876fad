//! Connection and server commands: PING, ECHO, SELECT, QUIT, DBSIZE,
//! FLUSHALL, and the queries clients make when they connect (CONFIG GET,
//! INFO, COMMAND), answered in redis's formats.

use crate::commands::{self, wrong_arity, Ctx, Spec};
use crate::parse::{parse_int, Args};
use crate::reply;

/// PING [message]
pub fn ping(ctx: &mut Ctx, args: &Args) {
    match args.len() {
        1 => ctx.out.extend_from_slice(b"+PONG\r\n"),
        2 => reply::bulk(ctx.out, args.get(1)),
        _ => wrong_arity(ctx, b"ping"),
    }
}

/// ECHO message
pub fn echo(ctx: &mut Ctx, args: &Args) {
    reply::bulk(ctx.out, args.get(1))
}

/// DBSIZE: keys stored, counting expired ones not removed yet (as redis).
pub fn dbsize(ctx: &mut Ctx, _: &Args) {
    reply::int(ctx.out, ctx.db.len() as i64)
}

/// FLUSHALL [ASYNC | SYNC] (and FLUSHDB: there is one database).
pub fn flushall(ctx: &mut Ctx, args: &Args) {
    let mode_ok = |m: &[u8]| m.eq_ignore_ascii_case(b"sync") || m.eq_ignore_ascii_case(b"async");
    if args.len() > 2 || (args.len() == 2 && !mode_ok(args.get(1))) {
        return ctx.syntax();
    }
    ctx.db.clear();
    reply::ok(ctx.out)
}

/// SELECT index: there is one database, 0.
pub fn select(ctx: &mut Ctx, args: &Args) {
    match parse_int(args.get(1)) {
        None => ctx.not_int(),
        Some(0) => reply::ok(ctx.out),
        Some(_) => ctx.err("DB index is out of range"),
    }
}

/// QUIT: +OK, then the connection is closed.
pub fn quit(ctx: &mut Ctx, _: &Args) {
    ctx.close = true;
    reply::ok(ctx.out)
}

/// CONFIG GET parameter [parameter ...]: the parameters whose names match
/// a glob pattern, as name/value pairs. The server has no other subcommand.
pub fn config(ctx: &mut Ctx, args: &Args) {
    if !args.get(1).eq_ignore_ascii_case(b"get") {
        let sub = String::from_utf8_lossy(args.get(1));
        return ctx.err(&format!("unknown subcommand '{sub}'. Try CONFIG HELP."));
    }
    if args.len() < 3 {
        return wrong_arity(ctx, b"config|get");
    }
    let cfg = &ctx.shared.config;
    let params = [
        ("save", String::new()),
        ("appendonly", "no".to_string()),
        ("databases", "1".to_string()),
        ("port", ctx.shared.port.to_string()),
        ("hz", "10".to_string()),
        ("proto-max-bulk-len", cfg.max_bulk_len.to_string()),
        ("client-query-buffer-limit", cfg.max_query_len.to_string()),
    ];
    let found: Vec<_> = params
        .iter()
        .filter(|(name, _)| {
            args.iter_from(2)
                .any(|p| glob(&p.to_ascii_lowercase(), name.as_bytes()))
        })
        .collect();
    reply::array(ctx.out, 2 * found.len());
    for (name, value) in found {
        reply::bulk(ctx.out, name.as_bytes());
        reply::bulk(ctx.out, value.as_bytes());
    }
}

/// A glob match with `*`, `?` and `\` escapes (redis's `stringmatch`
/// without character classes).
fn glob(pattern: &[u8], s: &[u8]) -> bool {
    match pattern.split_first() {
        None => s.is_empty(),
        Some((b'*', rest)) => (0..=s.len()).any(|i| glob(rest, &s[i..])),
        Some((b'?', rest)) => !s.is_empty() && glob(rest, &s[1..]),
        Some((b'\\', [c, rest @ ..])) | Some((c, rest)) => {
            s.first() == Some(c) && glob(rest, &s[1..])
        }
    }
}

/// INFO [section ...]: server, clients, stats and keyspace sections in
/// redis's `name:value` format.
pub fn info(ctx: &mut Ctx, args: &Args) {
    let all = args.len() == 1
        || args.iter_from(1).any(|s| {
            [&b"all"[..], b"default", b"everything"]
                .iter()
                .any(|a| s.eq_ignore_ascii_case(a))
        });
    let wants = |name: &str| {
        all || args
            .iter_from(1)
            .any(|s| s.eq_ignore_ascii_case(name.as_bytes()))
    };
    let sh = ctx.shared;
    let uptime = sh.started.elapsed().as_secs();
    let mut sections = Vec::new();
    if wants("server") {
        sections.push(format!(
            "# Server\r\nredis_version:7.0.0\r\nredis_mode:standalone\r\nos:{}\r\n\
             arch_bits:{}\r\nmultiplexing_api:{}\r\nprocess_id:{}\r\ntcp_port:{}\r\n\
             uptime_in_seconds:{uptime}\r\nuptime_in_days:{}\r\nhz:10\r\n",
            std::env::consts::OS,
            usize::BITS,
            mini_rt::runtime::Handle::current().backend(),
            std::process::id(),
            sh.port,
            uptime / 86400,
        ));
    }
    if wants("clients") {
        sections.push(format!(
            "# Clients\r\nconnected_clients:{}\r\n",
            sh.stats.connected.get()
        ));
    }
    if wants("stats") {
        sections.push(format!(
            "# Stats\r\ntotal_connections_received:{}\r\ntotal_commands_processed:{}\r\n\
             total_net_input_bytes:{}\r\n",
            sh.stats.connections.get(),
            sh.stats.commands.get(),
            sh.stats.input_bytes.get(),
        ));
    }
    if wants("keyspace") {
        let mut s = "# Keyspace\r\n".to_string();
        if ctx.db.len() > 0 {
            s += &format!(
                "db0:keys={},expires={},avg_ttl=0\r\n",
                ctx.db.len(),
                ctx.db.expiring()
            );
        }
        sections.push(s);
    }
    reply::bulk(ctx.out, sections.join("\r\n").as_bytes())
}

/// COMMAND [COUNT | INFO name ... | DOCS ...]: what the server implements,
/// each entry in redis 7's ten-field form (its tips, key specifications
/// and subcommands left empty).
pub fn command(ctx: &mut Ctx, args: &Args) {
    if args.len() == 1 {
        reply::array(ctx.out, commands::ALL.len());
        for spec in commands::ALL {
            command_info(ctx.out, spec);
        }
        return;
    }
    let sub = args.get(1);
    if sub.eq_ignore_ascii_case(b"count") && args.len() == 2 {
        reply::int(ctx.out, commands::ALL.len() as i64)
    } else if sub.eq_ignore_ascii_case(b"info") {
        reply::array(ctx.out, args.len() - 2);
        for name in args.iter_from(2) {
            match commands::lookup(name) {
                Some(spec) => command_info(ctx.out, spec),
                None => reply::nil(ctx.out),
            }
        }
    } else if sub.eq_ignore_ascii_case(b"docs") {
        reply::array(ctx.out, 0)
    } else {
        let sub = String::from_utf8_lossy(sub);
        ctx.err(&format!("unknown subcommand '{sub}'. Try COMMAND HELP."))
    }
}

fn command_info(out: &mut Vec<u8>, spec: &Spec) {
    reply::array(out, 10);
    reply::bulk(out, spec.name);
    reply::int(out, spec.arity.into());
    reply::array(out, spec.flags.len());
    for f in spec.flags {
        reply::status(out, f);
    }
    let (first, last, step) = spec.keys;
    for n in [first, last, step] {
        reply::int(out, n.into());
    }
    reply::array(out, spec.acl.len());
    for c in spec.acl {
        reply::status(out, c);
    }
    for _ in 0..3 {
        reply::array(out, 0); // tips, key specifications, subcommands
    }
}
