//! The registration slab against a model: random register/deregister
//! sequences on every backend; stale tokens are always refused, live ones
//! always accepted, and events reach exactly the live registrations' wakers,
//! also after slots (and fd numbers) are reused.

use super::*;
use crate::runtime::{Shared, Stats};
use crate::sys::Notifier;
use proptest::prelude::*;
use std::io::Write;
use std::os::unix::net::UnixStream;
use std::sync::{Arc, Mutex};
use std::task::Wake;
use std::time::Duration;

struct Recorder {
    id: usize,
    log: Arc<Mutex<Vec<usize>>>,
}

impl Wake for Recorder {
    fn wake(self: Arc<Self>) {
        self.log.lock().unwrap().push(self.id);
    }
}

#[derive(Clone, Debug)]
enum Op {
    Register,
    /// Deregister (and close) the n-th live registration.
    Deregister(usize),
    /// Deregister a dead token again: refused, and its slot's new owner stays.
    DeregisterStale(usize),
    /// Wait for readable on every live registration, write to those
    /// selected by the mask, turn once without blocking.
    Turn(u64),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        4 => Just(Op::Register),
        3 => any::<usize>().prop_map(Op::Deregister),
        1 => any::<usize>().prop_map(Op::DeregisterStale),
        2 => any::<u64>().prop_map(Op::Turn),
    ]
}

struct Live {
    id: usize,
    tok: u64,
    ours: UnixStream,
    peer: UnixStream,
}

fn backend() -> impl Strategy<Value = Backend> {
    prop_oneof![
        Just(Backend::EpollEdge),
        Just(Backend::EpollLevel),
        Just(Backend::EpollOneshot),
        Just(Backend::Poll),
        Just(Backend::Select),
        Just(Backend::IoUring),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn stale_tokens_are_refused_and_live_ones_served(
        backend in backend(),
        // Start near the wrap of the generation counter in some cases.
        first_gen in prop_oneof![Just(0u32), Just(u32::MAX - 3)],
        ops in proptest::collection::vec(op(), 1..120),
    ) {
        let notifier = Notifier::new().unwrap();
        let driver = match Driver::new(backend, notifier.fd()) {
            Ok(d) => d,
            // A backend not built yet: covered once it is.
            Err(e) if e.kind() == io::ErrorKind::Unsupported => return Ok(()),
            Err(e) => panic!("{backend}: {e}"),
        };
        driver.io.borrow_mut().next_gen = first_gen;
        let shared = Shared::new(backend, notifier);
        let stats = Stats::default();
        let log = Arc::new(Mutex::new(Vec::new()));
        let mut live: Vec<Live> = Vec::new();
        let mut dead: Vec<u64> = Vec::new();
        let mut next_id = 0;
        for op in ops {
            match op {
                Op::Register => {
                    let (ours, peer) = UnixStream::pair().unwrap();
                    ours.set_nonblocking(true).unwrap();
                    let reg = Registration::unowned(
                        ours.as_raw_fd(),
                        Interest::READABLE | Interest::WRITABLE,
                    );
                    let tok = driver.register(&reg, Vec::new()).map_err(|(e, _)| e).unwrap();
                    prop_assert!(live.iter().all(|l| l.tok != tok), "token reissued");
                    prop_assert!(!dead.contains(&tok), "dead token reissued");
                    live.push(Live { id: next_id, tok, ours, peer });
                    next_id += 1;
                }
                Op::Deregister(n) if !live.is_empty() => {
                    let l = live.remove(n % live.len());
                    prop_assert!(driver.deregister(l.tok, l.ours.as_raw_fd()).is_ok());
                    dead.push(l.tok); // `l` drops: its fd number is free for reuse
                }
                Op::DeregisterStale(n) if !dead.is_empty() => {
                    let tok = dead[n % dead.len()];
                    // Any fd: the token check must refuse before touching it.
                    let fd = live.first().map_or(-1, |l| l.ours.as_raw_fd());
                    prop_assert!(driver.deregister(tok, fd).is_err());
                }
                Op::Deregister(_) | Op::DeregisterStale(_) => {}
                Op::Turn(mask) => {
                    let waker_of = |id| Waker::from(Arc::new(Recorder { id, log: log.clone() }));
                    let mut waiting = Vec::new();
                    for l in &live {
                        let waker = waker_of(l.id);
                        let mut cx = Context::from_waker(&waker);
                        match driver.poll_ready(l.tok, Interest::READABLE, &mut cx) {
                            Poll::Pending => waiting.push(l.id),
                            Poll::Ready(r) => prop_assert!(r.is_ok()),
                        }
                    }
                    let mut want = Vec::new();
                    for (i, l) in live.iter().enumerate() {
                        if mask >> (i % 64) & 1 == 1 {
                            (&l.peer).write_all(b"x").unwrap();
                            if waiting.contains(&l.id) {
                                want.push(l.id);
                            }
                        }
                    }
                    driver.turn(Some(Duration::ZERO), &shared, &stats);
                    let mut got = std::mem::take(&mut *log.lock().unwrap());
                    got.sort_unstable();
                    prop_assert_eq!(got, want, "woken set on {:?}", backend);
                }
            }
            prop_assert_eq!(driver.registrations(), live.len());
            for l in &live {
                prop_assert!(driver.is_live(l.tok));
            }
            let mut cx = Context::from_waker(Waker::noop());
            for &tok in &dead {
                prop_assert!(!driver.is_live(tok));
                let stale = driver.poll_ready(tok, Interest::READABLE, &mut cx);
                prop_assert!(matches!(stale, Poll::Ready(Err(_))), "stale token accepted");
            }
        }
    }
}
