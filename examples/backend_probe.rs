//! Says whether this machine can run a readiness backend: builds a runtime
//! on each backend named (all of them by default) and prints the outcome.
//!
//! ```text
//! cargo run --example backend_probe -- io-uring
//! ```
//!
//! Exit status: 0 if every backend named runs; 3 if one is refused by the
//! machine (`Unsupported`: io-uring where the kernel refuses io_uring, with
//! the cause printed) and none failed otherwise; 1 for any other error. `.ci/run` and
//! `scripts/soak.sh` use it to skip io-uring, saying why, where the kernel
//! refuses io_uring.

use mini_rt::runtime::{Backend, Builder};
use std::io;
use std::process::ExitCode;

fn main() -> ExitCode {
    let names: Vec<String> = std::env::args().skip(1).collect();
    let backends: io::Result<Vec<Backend>> = if names.is_empty() {
        Ok(Backend::ALL.to_vec())
    } else {
        names.iter().map(|n| Backend::from_name(n)).collect()
    };
    let backends = match backends {
        Ok(b) => b,
        Err(e) => {
            eprintln!("backend_probe: {e}");
            return ExitCode::from(1);
        }
    };
    let (mut refused, mut failed) = (false, false);
    for backend in backends {
        match Builder::new_current_thread()
            .enable_all()
            .backend(backend)
            .build()
        {
            Ok(rt) => {
                rt.block_on(mini_rt::task::yield_now());
                println!("{backend}: runs here");
            }
            Err(e) if e.kind() == io::ErrorKind::Unsupported => {
                println!("{e}");
                refused = true;
            }
            Err(e) => {
                eprintln!("{backend}: error: {e}");
                failed = true;
            }
        }
    }
    match (failed, refused) {
        (true, _) => ExitCode::from(1),
        (false, true) => ExitCode::from(3),
        (false, false) => ExitCode::SUCCESS,
    }
}
