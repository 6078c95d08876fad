//! The attributes' expansions, run against a stand-in for the runtime
//! (`crate = "crate::mock"`): what they build, which backend they pick, and
//! that bodies with `?`, `return` and any return type compile and run.
//! The generated code must not warn in the user's crate, whatever the body.
#![deny(warnings)]

use std::error::Error;
use std::io;

/// Just the API the expansion calls: `runtime::{Builder, Backend, Runtime}`.
mod mock {
    pub mod runtime {
        use std::cell::Cell;
        use std::future::Future;
        use std::io;
        use std::pin::pin;
        use std::sync::Arc;
        use std::task::{Context, Poll, Wake, Waker};
        use std::thread::{self, Thread};

        thread_local! {
            /// What the last `Builder` was configured with.
            pub static BUILT: Cell<Option<(bool, Option<Backend>)>> = const { Cell::new(None) };
            /// The last `Builder`'s flavor: multi-thread, and its worker count.
            pub static FLAVOR: Cell<Option<(bool, Option<usize>)>> = const { Cell::new(None) };
            /// The last `Builder::start_paused` argument, if it was called.
            pub static PAUSED: Cell<Option<bool>> = const { Cell::new(None) };
        }

        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        pub enum Backend {
            EpollEdge,
            EpollLevel,
            EpollOneshot,
            Poll,
            Select,
            IoUring,
        }

        pub struct Builder {
            enabled: bool,
            backend: Option<Backend>,
            multi_thread: bool,
            workers: Option<usize>,
        }

        impl Builder {
            pub fn new_current_thread() -> Builder {
                Builder {
                    enabled: false,
                    backend: None,
                    multi_thread: false,
                    workers: None,
                }
            }
            pub fn new_multi_thread() -> Builder {
                Builder {
                    multi_thread: true,
                    ..Builder::new_current_thread()
                }
            }
            pub fn worker_threads(&mut self, n: usize) -> &mut Self {
                self.workers = Some(n);
                self
            }
            pub fn enable_all(&mut self) -> &mut Self {
                self.enabled = true;
                self
            }
            pub fn backend(&mut self, backend: Backend) -> &mut Self {
                self.backend = Some(backend);
                self
            }
            pub fn start_paused(&mut self, paused: bool) -> &mut Self {
                PAUSED.with(|p| p.set(Some(paused)));
                self
            }
            pub fn build(&mut self) -> io::Result<Runtime> {
                BUILT.with(|b| b.set(Some((self.enabled, self.backend))));
                FLAVOR.with(|f| f.set(Some((self.multi_thread, self.workers))));
                Ok(Runtime)
            }
        }

        pub struct Runtime;

        struct Unpark(Thread);
        impl Wake for Unpark {
            fn wake(self: Arc<Self>) {
                self.0.unpark();
            }
        }

        impl Runtime {
            pub fn block_on<F: Future>(&self, fut: F) -> F::Output {
                let waker = Waker::from(Arc::new(Unpark(thread::current())));
                let mut fut = pin!(fut);
                loop {
                    if let Poll::Ready(v) = fut.as_mut().poll(&mut Context::from_waker(&waker)) {
                        return v;
                    }
                    thread::park();
                }
            }
        }
    }
}

use mock::runtime::{Backend, BUILT, FLAVOR, PAUSED};

/// A future that is pending once (waking itself), to prove the body is
/// really driven by `block_on`.
async fn yield_once() {
    let mut yielded = false;
    std::future::poll_fn(|cx| {
        if yielded {
            std::task::Poll::Ready(())
        } else {
            yielded = true;
            cx.waker().wake_by_ref();
            std::task::Poll::Pending
        }
    })
    .await
}

fn built() -> Option<(bool, Option<Backend>)> {
    BUILT.with(|b| b.get())
}

#[mini_rt_macros::test(crate = "crate::mock")]
async fn test_with_unit_return() {
    yield_once().await;
    assert_eq!(built(), Some((true, None)));
}

#[mini_rt_macros::test(crate = "crate::mock")]
async fn test_with_result_return_and_question_mark() -> Result<(), Box<dyn Error>> {
    yield_once().await;
    let n: u32 = "42".parse()?;
    assert_eq!(n, 42);
    Ok(())
}

#[mini_rt_macros::test(crate = "crate::mock")]
#[should_panic(expected = "boom")]
async fn test_with_should_panic() {
    yield_once().await;
    panic!("boom");
}

#[mini_rt_macros::test(crate = "crate::mock")]
#[ignore = "checks that #[ignore] is kept: this body must never run"]
async fn test_with_ignore() {
    panic!("an ignored test ran");
}

#[mini_rt_macros::test(backend = "poll", flavor = "current_thread", crate = "crate::mock")]
async fn backend_poll() {
    assert_eq!(built(), Some((true, Some(Backend::Poll))));
}

#[mini_rt_macros::test(crate = "crate::mock")]
async fn flavor_defaults_to_current_thread() {
    assert_eq!(FLAVOR.with(|f| f.get()), Some((false, None)));
}

#[mini_rt_macros::test(crate = "crate::mock", flavor = "multi_thread")]
async fn flavor_multi_thread_builds_a_multi_thread_runtime() {
    assert_eq!(FLAVOR.with(|f| f.get()), Some((true, None)));
}

#[mini_rt_macros::test(worker_threads = 3, crate = "crate::mock", flavor = "multi_thread")]
async fn worker_threads_sets_the_worker_count() {
    assert_eq!(FLAVOR.with(|f| f.get()), Some((true, Some(3))));
    assert_eq!(built(), Some((true, None)));
}

#[mini_rt_macros::test(crate = "crate::mock", backend = "epoll")]
async fn backend_epoll() {
    assert_eq!(built(), Some((true, Some(Backend::EpollEdge))));
}

#[mini_rt_macros::test(crate = "crate::mock", backend = "epoll-lt")]
async fn backend_epoll_lt() {
    assert_eq!(built(), Some((true, Some(Backend::EpollLevel))));
}

#[mini_rt_macros::test(crate = "crate::mock", backend = "epoll-oneshot")]
async fn backend_epoll_oneshot() {
    assert_eq!(built(), Some((true, Some(Backend::EpollOneshot))));
}

#[mini_rt_macros::test(crate = "crate::mock", backend = "select", flavor = "local")]
async fn backend_select() {
    assert_eq!(built(), Some((true, Some(Backend::Select))));
}

fn paused() -> Option<bool> {
    PAUSED.with(|p| p.get())
}

#[mini_rt_macros::test(crate = "crate::mock")]
async fn start_paused_absent_leaves_the_builder_alone() {
    assert_eq!(paused(), None);
}

#[mini_rt_macros::test(start_paused = true, crate = "crate::mock")]
async fn start_paused_true() {
    yield_once().await;
    assert_eq!(paused(), Some(true));
    assert_eq!(built(), Some((true, None)));
}

#[mini_rt_macros::test(crate = "crate::mock", flavor = "current_thread", start_paused = false)]
async fn start_paused_false_with_flavor() {
    assert_eq!(paused(), Some(false));
}

#[mini_rt_macros::main(start_paused = true, backend = "poll", crate = "crate::mock")]
async fn main_start_paused() -> Option<bool> {
    paused()
}

#[test]
fn main_passes_start_paused_and_backend() {
    assert_eq!(main_start_paused(), Some(true));
    assert_eq!(built(), Some((true, Some(Backend::Poll))));
}

#[mini_rt_macros::test(crate = "crate::mock", backend = "io-uring")]
async fn backend_io_uring() {
    assert_eq!(built(), Some((true, Some(Backend::IoUring))));
}

/// `#[main]` on a function other than `main` (as tokio allows) makes it a
/// blocking function; doc comments and visibility stay.
#[mini_rt_macros::main(crate = "crate::mock")]
pub async fn main_like(fail: bool) -> io::Result<u32> {
    yield_once().await;
    if fail {
        return Err(io::Error::other("asked to fail"));
    }
    let parsed: io::Result<u32> = Ok(7);
    Ok(parsed? + 1)
}

#[test]
fn main_blocks_on_the_body_and_returns_its_output() {
    assert_eq!(main_like(false).unwrap(), 8);
    assert_eq!(main_like(true).unwrap_err().to_string(), "asked to fail");
}

#[mini_rt_macros::main(crate = "crate::mock")]
async fn main_with_early_return() -> Vec<&'static str> {
    let mut steps = vec!["start"];
    if steps.len() == 1 {
        steps.push("returned");
        return steps;
    }
    steps.push("not reached");
    steps
}

#[test]
fn main_supports_return_in_the_body() {
    assert_eq!(main_with_early_return(), ["start", "returned"]);
}

#[mini_rt_macros::main(crate = "crate::mock")]
async fn main_with_inferred_error() -> Result<(), String> {
    // `?` needs the block's error type: it comes from the signature.
    let value: Result<(), String> = Err("from ?".into());
    value?;
    Ok(())
}

#[test]
fn main_annotates_the_body_type_for_question_mark() {
    assert_eq!(main_with_inferred_error(), Err("from ?".to_string()));
}

// Compile-only: bodies that diverge or end in `return` must not make the
// generated code unreachable-with-a-warning (denied above).
#[allow(dead_code)]
#[mini_rt_macros::main(crate = "crate::mock")]
async fn diverging_body() -> io::Result<()> {
    loop {
        yield_once().await;
    }
}

#[allow(dead_code)]
#[mini_rt_macros::main(crate = "crate::mock")]
async fn body_ending_in_return() -> io::Result<()> {
    yield_once().await;
    return Ok(());
}

#[allow(dead_code)]
#[mini_rt_macros::main(crate = "crate::mock")]
async fn body_returning_impl_trait() -> impl std::fmt::Debug {
    yield_once().await;
    5
}

#[allow(dead_code)]
#[mini_rt_macros::main(crate = "crate::mock")]
async fn body_returning_never() -> ! {
    loop {
        yield_once().await;
    }
}
