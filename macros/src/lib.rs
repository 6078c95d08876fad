//! mini_rt's `#[main]` and `#[test]` attributes. Use them through the facade,
//! as `#[mini_rt::main]` and `#[mini_rt::test]`.
//!
//! Both accept tokio's syntax:
//!
//! | argument | meaning |
//! |---|---|
//! | `backend = "epoll" \| "epoll-lt" \| "epoll-oneshot" \| "poll" \| "select" \| "io-uring"` | the readiness multiplexer (`Backend::{EpollEdge, EpollLevel, EpollOneshot, Poll, Select, IoUring}`); without it, the runtime's default (which honours `MINI_RT_BACKEND`) |
//! | `flavor = "current_thread" \| "multi_thread"` | the runtime: current-thread (the default; `"local"` is accepted too) or multi-thread (`Builder::new_multi_thread`) |
//! | `worker_threads = N` | the multi-thread runtime's worker count (default: the number of CPUs); only with `flavor = "multi_thread"` |
//! | `start_paused = true` | the runtime's clock starts paused (`Builder::start_paused`, `mini_rt::time::pause`): timers auto-advance it whenever the runtime is idle; current-thread only |
//! | `crate = "path"` | the path to `mini_rt` if it was renamed |
//!
//! Any other argument, a function without `async`, or a function with
//! parameters is a compile error pointing at the offending token.
#![forbid(unsafe_code)]

use proc_macro::TokenStream;

mod config;
mod entry;
mod item;

/// Runs an `async fn main` on a fresh runtime: current-thread, or
/// multi-thread with `flavor = "multi_thread"` (the body then runs on the
/// main thread, in `block_on`, and `Handle::spawn` places tasks on the
/// workers).
///
/// ```
/// #[mini_rt::main]
/// async fn main() -> std::io::Result<()> {
///     let listener = mini_rt::net::TcpListener::bind("127.0.0.1:0").await?;
///     println!("listening on {}", listener.local_addr()?);
///     Ok(())
/// }
/// ```
///
/// expands to (roughly)
///
/// ```
/// fn main() -> std::io::Result<()> {
///     let body = async move {
///         // the body
///         Ok(())
///     };
///     return ::mini_rt::runtime::Builder::new_current_thread()
///         .enable_all()
///         .build()
///         .expect("failed building the mini_rt runtime")
///         .block_on(body);
/// }
/// ```
///
/// The return type may be anything tokio allows (`()`, `Result<(), E>`, …);
/// `return` and `?` in the body behave as in any `async fn`. Attributes,
/// visibility and doc comments are kept.
///
/// Arguments: `backend = "poll"` (or `"epoll"`, `"epoll-lt"`,
/// `"epoll-oneshot"`, `"select"`, `"io-uring"`) adds `.backend(Backend::Poll)`
/// to the builder; `flavor = "multi_thread"` builds with
/// `Builder::new_multi_thread()`, and `worker_threads = 4` adds
/// `.worker_threads(4)` to it; `flavor = "current_thread"` is the default;
/// `start_paused = true` adds `.start_paused(true)` (the clock starts
/// paused, see `mini_rt::time::pause`; current-thread only);
/// `crate = "my_rt"` names a renamed `mini_rt` (the path the expansion uses
/// for the runtime).
///
/// ```
/// #[mini_rt::main(backend = "select")]
/// async fn main() {
///     mini_rt::time::sleep(mini_rt::time::Duration::from_millis(10)).await;
/// }
/// ```
#[proc_macro_attribute]
pub fn main(args: TokenStream, item: TokenStream) -> TokenStream {
    entry::expand(entry::Kind::Main, args.into(), item.into()).into()
}

/// Turns an `async fn` into a `#[test]` that runs its body on a fresh
/// runtime (current-thread unless `flavor = "multi_thread"`).
///
/// Takes the same arguments as [`main`](macro@main). Other attributes such
/// as `#[should_panic]` and `#[ignore]` apply to the generated test as usual;
/// don't add `#[test]` yourself (that is a compile error, as with tokio).
///
/// Tests exist only in test builds, so this example only compiles here:
///
/// ```
/// #[mini_rt::test(backend = "poll")]
/// async fn sleeps() -> Result<(), Box<dyn std::error::Error>> {
///     mini_rt::time::sleep(mini_rt::time::Duration::from_millis(1)).await;
///     Ok(())
/// }
///
/// // An hour of timers in no wall time: the paused clock jumps to each one.
/// #[mini_rt::test(start_paused = true)]
/// async fn an_hour() {
///     let start = mini_rt::time::Instant::now();
///     mini_rt::time::sleep(mini_rt::time::Duration::from_secs(3600)).await;
///     assert_eq!(start.elapsed(), mini_rt::time::Duration::from_secs(3600));
/// }
/// ```
#[proc_macro_attribute]
pub fn test(args: TokenStream, item: TokenStream) -> TokenStream {
    entry::expand(entry::Kind::Test, args.into(), item.into()).into()
}
