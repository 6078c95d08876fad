//! The workloads, written once: `workloads!(module, crate)` expands the same
//! source against `mini_rt` and against `tokio`, so both runtimes run literally
//! the same code (only the crate path differs).
//!
//! Every workload is an `async fn` returning the number of operations it did;
//! the harness divides its time (or callgrind's instruction count) by that.
//! Choices that apply to both runtimes alike:
//! * tokio spawns with plain `tokio::spawn` (the futures are `Send`), not
//!   `spawn_local` in a `LocalSet`; mini_rt's `spawn` is its local spawn.
//! * `sleep_drop` polls each `Sleep` once (so it registers with the timer
//!   store: both runtimes register lazily) and then drops it.
//! * `sleep_many` waits on the clock: its ns/op includes ~1 ms of sleeping
//!   over 10k tasks, and tokio rounds the deadline up to its 1 ms tick.
//! * `tcp_rtt` includes the kernel's loopback TCP work (and one connection
//!   set-up per run, amortised over its round trips): its ns/op is mostly
//!   syscalls, the runtime's share is what differs.

/// The workloads, by name, in table order. `sleep_overshoot` reports a median
/// overshoot (ns) instead of a count and is not timed per op.
pub const NAMES: &[&str] = &[
    "spawn_many",
    "chained_spawn",
    "yield_many",
    "ping_pong",
    "timeout_ready",
    "sleep_drop",
    "sleep_many",
    "mpsc_req_reply",
    "unbounded_ping_pong",
    "tcp_rtt",
    "sleep_overshoot",
];

pub const SPAWN_MANY: usize = 1000;
pub const CHAIN_DEPTH: usize = 1000;
pub const YIELD_TASKS: usize = 200;
pub const YIELDS: usize = 1000;
pub const PINGS: usize = 1000;
pub const TIMEOUTS: usize = 100_000;
pub const SLEEP_DROPS: usize = 100_000;
pub const SLEEPERS: usize = 10_000;
pub const REQUESTS: usize = 1000;
pub const UNBOUNDED_PINGS: usize = 1000;
pub const OVERSHOOT_SLEEPS: usize = 1000;
pub const TCP_RTTS: usize = 10_000;
/// Bytes per `tcp_rtt` message; the server reads into a larger buffer, so its
/// reads come back short (and need no extra `WouldBlock` read).
pub const TCP_MSG: usize = 64;

/// Polls a future exactly once and reports whether it was ready.
pub struct PollOnce<F>(pub F);

impl<F: std::future::Future + Unpin> std::future::Future for PollOnce<F> {
    type Output = bool;
    fn poll(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<bool> {
        std::task::Poll::Ready(std::pin::Pin::new(&mut self.0).poll(cx).is_ready())
    }
}

macro_rules! workloads {
    ($module:ident, $krate:ident) => {
        pub mod $module {
            use super::*;
            use $krate::io::{AsyncReadExt, AsyncWriteExt};
            use $krate::net::{TcpListener, TcpStream};
            use $krate::sync::{mpsc, oneshot};
            use $krate::task::yield_now;
            use $krate::time::{sleep, timeout, Duration, Instant};

            pub type Runtime = $krate::runtime::Runtime;

            pub fn runtime() -> Runtime {
                $krate::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .expect("build runtime")
            }

            /// Runs workload `name` once on `rt`; returns its op count
            /// (`sleep_overshoot`: the median overshoot in ns).
            pub fn run(rt: &Runtime, name: &str) -> u64 {
                let n = match name {
                    "spawn_many" => rt.block_on(spawn_many()),
                    "chained_spawn" => rt.block_on(chained_spawn()),
                    "yield_many" => rt.block_on(yield_many()),
                    "ping_pong" => rt.block_on(ping_pong()),
                    "timeout_ready" => rt.block_on(timeout_ready()),
                    "sleep_drop" => rt.block_on(sleep_drop()),
                    "sleep_many" => rt.block_on(sleep_many()),
                    "mpsc_req_reply" => rt.block_on(mpsc_req_reply()),
                    "unbounded_ping_pong" => rt.block_on(unbounded_ping_pong()),
                    "tcp_rtt" => rt.block_on(tcp_rtt()),
                    "sleep_overshoot" => rt.block_on(sleep_overshoot()),
                    other => panic!("unknown workload {other}"),
                };
                n as u64
            }

            async fn spawn_many() -> usize {
                let mut handles = Vec::with_capacity(SPAWN_MANY);
                for i in 0..SPAWN_MANY {
                    handles.push($krate::spawn(async move { i }));
                }
                for h in handles {
                    std::hint::black_box(h.await.unwrap());
                }
                SPAWN_MANY
            }

            fn chain(done: oneshot::Sender<()>, n: usize) {
                if n == 0 {
                    done.send(()).unwrap();
                } else {
                    $krate::spawn(async move { chain(done, n - 1) });
                }
            }

            async fn chained_spawn() -> usize {
                let (tx, rx) = oneshot::channel();
                chain(tx, CHAIN_DEPTH);
                rx.await.unwrap();
                CHAIN_DEPTH
            }

            async fn yield_many() -> usize {
                let mut handles = Vec::with_capacity(YIELD_TASKS);
                for _ in 0..YIELD_TASKS {
                    handles.push($krate::spawn(async {
                        for _ in 0..YIELDS {
                            yield_now().await;
                        }
                    }));
                }
                for h in handles {
                    h.await.unwrap();
                }
                YIELD_TASKS * YIELDS
            }

            /// A ping carries the channel its pong (the next ping's sender) goes back on.
            struct Ping {
                reply: oneshot::Sender<oneshot::Sender<Ping>>,
            }

            async fn ping_pong() -> usize {
                let (first_tx, first_rx) = oneshot::channel::<Ping>();
                let ponger = $krate::spawn(async move {
                    let mut rx = first_rx;
                    while let Ok(ping) = rx.await {
                        let (tx, next) = oneshot::channel();
                        let _ = ping.reply.send(tx);
                        rx = next;
                    }
                });
                let pinger = $krate::spawn(async move {
                    let mut to_ponger = first_tx;
                    for _ in 0..PINGS {
                        let (reply, pong) = oneshot::channel();
                        let _ = to_ponger.send(Ping { reply });
                        to_ponger = pong.await.unwrap();
                    }
                });
                pinger.await.unwrap();
                ponger.await.unwrap();
                PINGS
            }

            async fn timeout_ready() -> usize {
                for i in 0..TIMEOUTS {
                    let v = timeout(Duration::from_secs(1), std::future::ready(i)).await;
                    std::hint::black_box(v.unwrap());
                }
                TIMEOUTS
            }

            async fn sleep_drop() -> usize {
                for _ in 0..SLEEP_DROPS {
                    let s = Box::pin(sleep(Duration::from_secs(10)));
                    assert!(!PollOnce(s).await);
                }
                SLEEP_DROPS
            }

            async fn sleep_many() -> usize {
                let mut handles = Vec::with_capacity(SLEEPERS);
                for _ in 0..SLEEPERS {
                    handles.push($krate::spawn(sleep(Duration::from_millis(1))));
                }
                for h in handles {
                    h.await.unwrap();
                }
                SLEEPERS
            }

            async fn mpsc_req_reply() -> usize {
                let (tx, mut rx) = mpsc::channel::<(usize, oneshot::Sender<usize>)>(128);
                let server = $krate::spawn(async move {
                    while let Some((req, reply)) = rx.recv().await {
                        let _ = reply.send(req + 1);
                    }
                });
                for i in 0..REQUESTS {
                    let (reply, answer) = oneshot::channel();
                    tx.send((i, reply)).await.unwrap();
                    assert_eq!(answer.await.unwrap(), i + 1);
                }
                drop(tx);
                server.await.unwrap();
                REQUESTS
            }

            /// Two tasks bounce a counter over a pair of unbounded channels
            /// (`UNBOUNDED_PINGS` round trips, two task switches each).
            async fn unbounded_ping_pong() -> usize {
                let (ping_tx, mut ping_rx) = mpsc::unbounded_channel::<usize>();
                let (pong_tx, mut pong_rx) = mpsc::unbounded_channel::<usize>();
                let ponger = $krate::spawn(async move {
                    while let Some(n) = ping_rx.recv().await {
                        let _ = pong_tx.send(n + 1);
                    }
                });
                for i in 0..UNBOUNDED_PINGS {
                    ping_tx.send(i).unwrap();
                    assert_eq!(pong_rx.recv().await, Some(i + 1));
                }
                drop(ping_tx);
                ponger.await.unwrap();
                UNBOUNDED_PINGS
            }

            /// One loopback connection; the client writes `TCP_MSG` bytes and
            /// reads them back (`TCP_RTTS` times) from a server task that
            /// echoes whatever it reads, as `examples/echo.rs` does.
            async fn tcp_rtt() -> usize {
                let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
                let addr = listener.local_addr().unwrap();
                let server = $krate::spawn(async move {
                    let (mut socket, _) = listener.accept().await.unwrap();
                    socket.set_nodelay(true).unwrap();
                    let mut buf = [0u8; 4096];
                    loop {
                        match socket.read(&mut buf).await.unwrap() {
                            0 => return,
                            n => socket.write_all(&buf[..n]).await.unwrap(),
                        }
                    }
                });
                let mut client = TcpStream::connect(addr).await.unwrap();
                client.set_nodelay(true).unwrap();
                let msg = [7u8; TCP_MSG];
                let mut back = [0u8; 4096];
                for _ in 0..TCP_RTTS {
                    client.write_all(&msg).await.unwrap();
                    let mut got = 0;
                    while got < TCP_MSG {
                        match client.read(&mut back).await.unwrap() {
                            0 => panic!("echo server closed"),
                            n => got += n,
                        }
                    }
                }
                drop(client);
                server.await.unwrap();
                TCP_RTTS
            }

            /// Median overshoot (ns) of sequential `sleep(100 µs)`s.
            async fn sleep_overshoot() -> usize {
                let want = Duration::from_micros(100);
                let mut over = Vec::with_capacity(OVERSHOOT_SLEEPS);
                for _ in 0..OVERSHOOT_SLEEPS {
                    let t0 = Instant::now();
                    sleep(want).await;
                    over.push(t0.elapsed().saturating_sub(want).as_nanos() as usize);
                }
                over.sort_unstable();
                over[over.len() / 2]
            }
        }
    };
}

workloads!(mini, mini_rt);
workloads!(tokio_rt, tokio);
