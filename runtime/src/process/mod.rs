//! Child processes, as tokio's `tokio::process`: [`Command`] spawns a
//! [`Child`] whose exit and piped stdio are awaited through the reactor.
//!
//! * **Exit.** On Linux ≥ 5.3 each child gets a pidfd (`pidfd_open`),
//!   registered with the reactor as readable: it becomes readable when the
//!   child exits, and `wait` then reaps it. Where pidfds are unavailable,
//!   waiting children listen for SIGCHLD through [`signal`](crate::signal)
//!   and check their child on each delivery, as tokio does everywhere. No
//!   thread per child, no polling timer, on every backend.
//! * **Piped stdio** ([`Stdio::piped`]) are the parent's ends of pipes, made
//!   non-blocking and registered with the reactor: [`ChildStdin`] implements
//!   [`AsyncWrite`](crate::io::AsyncWrite), [`ChildStdout`] and
//!   [`ChildStderr`] [`AsyncRead`](crate::io::AsyncRead).
//! * **Dropping a `Child`** does not kill it, unless
//!   [`Command::kill_on_drop`] asked for it. Either way the child is reaped
//!   when it exits, so it never lingers as a zombie: a child dropped while
//!   still running is handed to a task of the current runtime that waits
//!   for its exit through the reactor. Without a runtime, or if that
//!   runtime shuts down first, it joins a queue reaped whenever a child is
//!   spawned or SIGCHLD is seen (tokio's best effort too).
//!
//! ```
//! # use mini_rt_runtime as mini_rt;
//! use mini_rt::process::Command;
//!
//! mini_rt::runtime::Runtime::new().unwrap().block_on(async {
//!     let out = Command::new("sh").arg("-c").arg("echo hi").output().await?;
//!     assert!(out.status.success());
//!     assert_eq!(out.stdout, b"hi\n");
//!     std::io::Result::Ok(())
//! }).unwrap();
//! ```

mod child;
mod orphan;
mod reap;
mod stdio;

pub use child::Child;
pub use std::process::{ExitStatus, Output, Stdio};
pub use stdio::{ChildStderr, ChildStdin, ChildStdout};

use std::ffi::OsStr;
use std::future::Future;
use std::io;
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::Command as StdCommand;

/// Builds and spawns a child process, as tokio's `process::Command`: std's
/// builder, with [`spawn`](Command::spawn), [`status`](Command::status) and
/// [`output`](Command::output) that return async handles, plus
/// [`kill_on_drop`](Command::kill_on_drop).
///
/// ```
/// # use mini_rt_runtime as mini_rt;
/// use mini_rt::io::{AsyncReadExt, AsyncWriteExt};
/// use mini_rt::process::{Command, Stdio};
///
/// mini_rt::runtime::Runtime::new().unwrap().block_on(async {
///     let mut child = Command::new("tr")
///         .args(["a-z", "A-Z"])
///         .stdin(Stdio::piped())
///         .stdout(Stdio::piped())
///         .kill_on_drop(true)
///         .spawn()?;
///     let mut stdin = child.stdin.take().unwrap();
///     stdin.write_all(b"shout\n").await?;
///     drop(stdin); // EOF for tr
///     let mut out = String::new();
///     child.stdout.take().unwrap().read_to_string(&mut out).await?;
///     assert_eq!(out, "SHOUT\n");
///     assert!(child.wait().await?.success());
///     std::io::Result::Ok(())
/// }).unwrap();
/// ```
#[derive(Debug)]
pub struct Command {
    pub(crate) std: StdCommand,
    kill_on_drop: bool,
}

impl Command {
    /// A command running `program` (looked up in `PATH` if it has no `/`),
    /// with no arguments, inheriting environment, directory and stdio.
    pub fn new<S: AsRef<OsStr>>(program: S) -> Command {
        Command::from(StdCommand::new(program))
    }

    /// The std builder underneath.
    pub fn as_std(&self) -> &StdCommand {
        &self.std
    }

    /// The std builder underneath, to set what this type has no method for.
    pub fn as_std_mut(&mut self) -> &mut StdCommand {
        &mut self.std
    }

    /// The std builder (dropping the `kill_on_drop` setting).
    pub fn into_std(self) -> StdCommand {
        self.std
    }

    /// Adds an argument.
    pub fn arg<S: AsRef<OsStr>>(&mut self, arg: S) -> &mut Command {
        self.std.arg(arg);
        self
    }

    /// Adds arguments.
    pub fn args<I, S>(&mut self, args: I) -> &mut Command
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        self.std.args(args);
        self
    }

    /// Sets an environment variable for the child.
    pub fn env<K: AsRef<OsStr>, V: AsRef<OsStr>>(&mut self, key: K, val: V) -> &mut Command {
        self.std.env(key, val);
        self
    }

    /// Sets environment variables for the child.
    pub fn envs<I, K, V>(&mut self, vars: I) -> &mut Command
    where
        I: IntoIterator<Item = (K, V)>,
        K: AsRef<OsStr>,
        V: AsRef<OsStr>,
    {
        self.std.envs(vars);
        self
    }

    /// Removes an environment variable from the child's environment.
    pub fn env_remove<K: AsRef<OsStr>>(&mut self, key: K) -> &mut Command {
        self.std.env_remove(key);
        self
    }

    /// Starts the child with an empty environment (plus what `env` adds).
    pub fn env_clear(&mut self) -> &mut Command {
        self.std.env_clear();
        self
    }

    /// The child's working directory.
    pub fn current_dir<P: AsRef<Path>>(&mut self, dir: P) -> &mut Command {
        self.std.current_dir(dir);
        self
    }

    /// The child's standard input: [`Stdio::piped`] gives a [`ChildStdin`].
    pub fn stdin<T: Into<Stdio>>(&mut self, cfg: T) -> &mut Command {
        self.std.stdin(cfg);
        self
    }

    /// The child's standard output: [`Stdio::piped`] gives a [`ChildStdout`].
    pub fn stdout<T: Into<Stdio>>(&mut self, cfg: T) -> &mut Command {
        self.std.stdout(cfg);
        self
    }

    /// The child's standard error: [`Stdio::piped`] gives a [`ChildStderr`].
    pub fn stderr<T: Into<Stdio>>(&mut self, cfg: T) -> &mut Command {
        self.std.stderr(cfg);
        self
    }

    /// Whether dropping the [`Child`] (before it was awaited to its exit)
    /// sends it SIGKILL. Off by default, as in tokio. Either way the child
    /// is reaped once it exits (see the [module docs](self)).
    pub fn kill_on_drop(&mut self, kill_on_drop: bool) -> &mut Command {
        self.kill_on_drop = kill_on_drop;
        self
    }

    /// Whether [`kill_on_drop`](Self::kill_on_drop) is set.
    pub fn get_kill_on_drop(&self) -> bool {
        self.kill_on_drop
    }

    /// The child's user id (`setuid` before `exec`).
    pub fn uid(&mut self, id: u32) -> &mut Command {
        self.std.uid(id);
        self
    }

    /// The child's group id (`setgid` before `exec`).
    pub fn gid(&mut self, id: u32) -> &mut Command {
        self.std.gid(id);
        self
    }

    /// The child's `argv[0]`, instead of the program name.
    pub fn arg0<S: AsRef<OsStr>>(&mut self, arg: S) -> &mut Command {
        self.std.arg0(arg);
        self
    }

    /// Puts the child in process group `pgroup` (0: a new group of its own).
    pub fn process_group(&mut self, pgroup: i32) -> &mut Command {
        self.std.process_group(pgroup);
        self
    }

    /// Spawns the child. Its exit and its piped stdio are registered with
    /// the current runtime, so this must be called inside one: outside,
    /// the error says so (where tokio panics), and the child, already
    /// started, is killed if [`kill_on_drop`](Self::kill_on_drop) is set and
    /// reaped once it exits.
    pub fn spawn(&mut self) -> io::Result<Child> {
        orphan::adopt_queued();
        let std = self.std.spawn()?;
        Child::new(std, self.kill_on_drop)
    }

    /// Spawns the child (at this call, not at the first poll, as tokio's)
    /// and waits for its exit status. Its stdin, stdout and stderr are
    /// inherited unless set; pipes asked for are closed at once.
    pub fn status(&mut self) -> impl Future<Output = io::Result<ExitStatus>> {
        let child = self.spawn();
        async {
            let mut child = child?;
            drop((child.stdin.take(), child.stdout.take(), child.stderr.take()));
            child.wait().await
        }
    }

    /// Spawns the child with stdout and stderr piped (at this call, as
    /// tokio's) and collects its exit status and everything it wrote.
    pub fn output(&mut self) -> impl Future<Output = io::Result<Output>> {
        self.std.stdout(Stdio::piped());
        self.std.stderr(Stdio::piped());
        let child = self.spawn();
        async { child?.wait_with_output().await }
    }
}

impl From<StdCommand> for Command {
    fn from(std: StdCommand) -> Command {
        Command {
            std,
            kill_on_drop: false,
        }
    }
}

/// Makes children spawned on this thread watch their exit through SIGCHLD
/// even where pidfds work, or back to the default. For tests of that
/// fallback only; not part of the API.
#[doc(hidden)]
pub fn __force_sigchld_fallback(on: bool) {
    reap::FORCE_SIGCHLD.set(on);
}
