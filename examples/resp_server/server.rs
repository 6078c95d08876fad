//! The server: an accept loop, one task per connection, and the periodic
//! expiry sweep, all sharing one key space in an `Rc<RefCell<Db>>` on the
//! current-thread runtime (no locks: only one task runs at a time, and no
//! borrow is held across an `.await`).

use crate::commands::{self, Ctx};
use crate::db::Db;
use crate::parse::{Parser, ProtocolError};
use crate::reply;
use mini_rt::io::{AsyncReadExt, AsyncWriteExt};
use mini_rt::net::{TcpListener, TcpStream};
use mini_rt::time::{Duration, Instant};
use std::cell::{Cell, RefCell};
use std::io::{self, ErrorKind};
use std::rc::{Rc, Weak};

/// Limits and timings; the defaults are redis's.
#[derive(Clone, Debug)]
pub struct Config {
    /// The longest bulk string a request may hold (redis's
    /// `proto-max-bulk-len`, 512 MiB). A longer one is refused as soon as
    /// its `$N` header arrives, before any of it is buffered.
    pub max_bulk_len: usize,
    /// The most bytes one connection may buffer for an incomplete request
    /// (redis's `client-query-buffer-limit`, 1 GiB).
    pub max_query_len: usize,
    /// How often the sweep removes expired keys (redis's `hz` 10: 100 ms).
    pub sweep_every: Duration,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            max_bulk_len: 512 << 20,
            max_query_len: 1 << 30,
            sweep_every: Duration::from_millis(100),
        }
    }
}

/// Counters INFO reports.
#[derive(Default)]
pub struct Stats {
    /// Connections open now.
    pub connected: Cell<usize>,
    /// Connections accepted since the start.
    pub connections: Cell<u64>,
    /// Requests executed since the start.
    pub commands: Cell<u64>,
    /// Bytes read from clients since the start.
    pub input_bytes: Cell<u64>,
}

/// What every connection task shares.
pub struct Shared {
    /// The key space.
    pub db: RefCell<Db>,
    /// The limits.
    pub config: Config,
    /// The counters.
    pub stats: Stats,
    /// The port the server listens on.
    pub port: u16,
    /// When the server started.
    pub started: Instant,
    /// SPOP's random state.
    pub rng: Cell<u64>,
}

/// Reads start with this much buffer (redis's `PROTO_IOBUF_LEN`).
const READ_BUF: usize = 16 * 1024;
/// A batch's replies are written once they reach this size, before the
/// rest of the batch runs, so a pipeline of large replies (LRANGE) does not
/// buffer without bound.
const FLUSH_AT: usize = 1 << 20;
/// The sweep removes at most this many keys before letting other tasks run.
const SWEEP_BATCH: usize = 1000;

/// Serves `listener` until an accept fails for good; spawns one task per
/// connection and the expiry sweep.
pub async fn serve(listener: TcpListener, config: Config) -> io::Result<()> {
    let seed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos() as u64);
    let shared = Rc::new(Shared {
        db: RefCell::new(Db::default()),
        stats: Stats::default(),
        port: listener.local_addr()?.port(),
        started: Instant::now(),
        rng: Cell::new(seed | 1),
        config,
    });
    mini_rt::spawn(sweep(Rc::downgrade(&shared)));
    loop {
        let (stream, _) = match listener.accept().await {
            Ok(accepted) => accepted,
            // The peer gave up before we accepted: nothing to serve.
            Err(e) if e.kind() == ErrorKind::ConnectionAborted => continue,
            Err(e) => return Err(e),
        };
        stream.set_nodelay(true)?;
        let shared = shared.clone();
        mini_rt::spawn(async move {
            let stats = &shared.stats;
            stats.connected.set(stats.connected.get() + 1);
            stats.connections.set(stats.connections.get() + 1);
            let result = connection(stream, &shared).await;
            stats.connected.set(stats.connected.get() - 1);
            match result {
                Err(e)
                    if !matches!(e.kind(), ErrorKind::ConnectionReset | ErrorKind::BrokenPipe) =>
                {
                    eprintln!("connection error: {e}")
                }
                _ => {}
            }
        });
    }
}

/// Removes expired keys every `sweep_every`, until the server is gone.
async fn sweep(shared: Weak<Shared>) {
    let Some(every) = shared.upgrade().map(|s| s.config.sweep_every) else {
        return;
    };
    let mut ticks = mini_rt::time::interval(every);
    // After a stall (a busy loop, or a jump of paused time) one sweep does
    // the work of all the missed ones: don't replay them.
    ticks.set_missed_tick_behavior(mini_rt::time::MissedTickBehavior::Skip);
    loop {
        ticks.tick().await;
        let Some(shared) = shared.upgrade() else {
            return;
        };
        while shared.db.borrow_mut().sweep(Instant::now(), SWEEP_BATCH) == SWEEP_BATCH {
            mini_rt::task::yield_now().await;
        }
    }
}

/// What a connection does after a batch of requests.
enum Next {
    /// Read more.
    Read,
    /// Write the replies, then run the rest of the batch.
    More,
    /// Write the replies, then close.
    Close,
}

/// One connection's buffers: requests read but not yet executed lie in
/// `buf[start..end]`, replies accumulate in `out`.
struct Conn {
    buf: Vec<u8>,
    start: usize,
    end: usize,
    parser: Parser,
    out: Vec<u8>,
}

/// Serves one connection: read, execute every complete request, write all
/// their replies at once, repeat.
async fn connection(mut stream: TcpStream, shared: &Shared) -> io::Result<()> {
    let mut c = Conn {
        buf: vec![0; READ_BUF],
        start: 0,
        end: 0,
        parser: Parser::default(),
        out: Vec::new(),
    };
    loop {
        c.make_room(&shared.config);
        let n = stream.read(&mut c.buf[c.end..]).await?;
        if n == 0 {
            return Ok(());
        }
        c.end += n;
        let input = &shared.stats.input_bytes;
        input.set(input.get() + n as u64);
        loop {
            let next = c.execute(shared);
            if !c.out.is_empty() {
                stream.write_all(&c.out).await?;
                c.out.clear();
                if c.out.capacity() > FLUSH_AT {
                    c.out = Vec::new();
                }
            }
            match next {
                Next::Read => break,
                Next::More => continue,
                Next::Close => return Ok(()),
            }
        }
    }
}

impl Conn {
    /// Makes sure there is space to read into, within the limits.
    fn make_room(&mut self, config: &Config) {
        if self.start == self.end {
            self.start = 0;
            self.end = 0;
            if self.buf.len() > 4 * READ_BUF {
                self.buf = vec![0; READ_BUF]; // a large request is done
            }
        }
        let free = self.buf.len() - self.end;
        if self.start > 0 && free < self.buf.len() / 2 {
            self.buf.copy_within(self.start..self.end, 0);
            self.end -= self.start;
            self.start = 0;
        }
        if self.end == self.buf.len() {
            // Full with one incomplete request: grow, to what it is known to
            // need if that is more than double, never past the limit (+1 so
            // that going over it can be seen).
            let want = (2 * self.buf.len()).max(self.parser.needed());
            self.buf.resize(want.min(config.max_query_len + 1), 0);
        }
    }

    /// Executes the complete requests in the buffer, appending replies.
    fn execute(&mut self, shared: &Shared) -> Next {
        let Conn {
            buf,
            start,
            end,
            parser,
            out,
        } = self;
        let config = &shared.config;
        let mut db = shared.db.borrow_mut();
        let mut ctx = Ctx::new(&mut db, out, shared);
        let mut executed = 0;
        let next = loop {
            let pending = &buf[*start..*end];
            match parser.parse(pending, config.max_bulk_len) {
                Ok(Some(used)) => {
                    let args = parser.args(pending);
                    *start += used;
                    if args.len() > 0 {
                        commands::execute(&mut ctx, &args);
                        executed += 1;
                    }
                    if ctx.close {
                        break Next::Close;
                    }
                    if ctx.out.len() >= FLUSH_AT {
                        break Next::More;
                    }
                }
                Ok(None)
                    if pending.len() > config.max_query_len
                        || parser.needed() > config.max_query_len =>
                {
                    reply::error(
                        ctx.out,
                        "ERR Protocol error: request exceeds client-query-buffer-limit",
                    );
                    break Next::Close;
                }
                Ok(None) => break Next::Read,
                Err(ProtocolError(msg)) => {
                    reply::error(ctx.out, &format!("ERR Protocol error: {msg}"));
                    break Next::Close;
                }
            }
        };
        let stats = &shared.stats;
        stats.commands.set(stats.commands.get() + executed);
        next
    }
}
