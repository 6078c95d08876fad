//! `Child`: a spawned process, awaited to its exit through the reactor.

use super::orphan;
use super::reap::Reaper;
use super::stdio::{ChildStderr, ChildStdin, ChildStdout};
use std::future::poll_fn;
use std::io;
use std::process::{Child as StdChild, ExitStatus, Output};
use tokio::io::{AsyncRead, AsyncReadExt};

/// A spawned child process, from [`Command::spawn`](super::Command::spawn),
/// as tokio's `process::Child`.
///
/// [`wait`](Child::wait) completes when the child exits, woken by the
/// reactor (see the [module docs](super)). Dropping a `Child` neither kills
/// nor waits for the process, unless
/// [`kill_on_drop`](super::Command::kill_on_drop) was set; it is reaped once
/// it exits either way.
///
/// ```
/// # use mini_rt_runtime as mini_rt;
/// use mini_rt::process::Command;
/// use std::os::unix::process::ExitStatusExt;
///
/// mini_rt::runtime::Runtime::new().unwrap().block_on(async {
///     let mut child = Command::new("sleep").arg("30").spawn()?;
///     assert!(child.id().is_some());
///     assert!(child.try_wait()?.is_none()); // still running
///     child.kill().await?; // SIGKILL, then wait
///     assert_eq!(child.wait().await?.signal(), Some(9));
///     assert!(child.id().is_none()); // reaped
///     std::io::Result::Ok(())
/// }).unwrap();
/// ```
#[derive(Debug)]
pub struct Child {
    child: FusedChild,
    /// The child's stdin, if it was [`piped`](super::Stdio::piped); take it
    /// to write to it. [`wait`](Child::wait) drops it first, so a child
    /// reading until EOF can finish.
    pub stdin: Option<ChildStdin>,
    /// The child's stdout, if it was [`piped`](super::Stdio::piped).
    pub stdout: Option<ChildStdout>,
    /// The child's stderr, if it was [`piped`](super::Stdio::piped).
    pub stderr: Option<ChildStderr>,
}

#[derive(Debug)]
enum FusedChild {
    Running(DropGuard),
    Done(ExitStatus),
}

/// Kills the child when dropped, if asked to and it was not reaped or
/// killed already.
#[derive(Debug)]
struct DropGuard {
    reaper: Reaper,
    kill_on_drop: bool,
}

impl Drop for DropGuard {
    fn drop(&mut self) {
        if self.kill_on_drop {
            let _ = self.reaper.child().kill();
        }
        // Then the reaper makes sure the child is reaped once it exits.
    }
}

impl Child {
    /// Wraps a just-spawned std child: its pipes and its exit watch are
    /// registered with the current runtime.
    pub(super) fn new(mut std: StdChild, kill_on_drop: bool) -> io::Result<Child> {
        let pipes = (|| {
            let stdin = std.stdin.take().map(ChildStdin::from_std).transpose()?;
            let stdout = std.stdout.take().map(ChildStdout::from_std).transpose()?;
            let stderr = std.stderr.take().map(ChildStderr::from_std).transpose()?;
            io::Result::Ok((stdin, stdout, stderr))
        })();
        let pipes = match pipes {
            Ok(pipes) => pipes,
            Err(e) => return Err(abandon(std, kill_on_drop, e)),
        };
        let reaper = match Reaper::new(std) {
            Ok(reaper) => reaper,
            Err((e, std)) => return Err(abandon(std, kill_on_drop, e)),
        };
        let (stdin, stdout, stderr) = pipes;
        Ok(Child {
            child: FusedChild::Running(DropGuard {
                reaper,
                kill_on_drop,
            }),
            stdin,
            stdout,
            stderr,
        })
    }

    /// The child's process id, or `None` once it has been reaped (its pid
    /// may then belong to another process).
    pub fn id(&self) -> Option<u32> {
        match &self.child {
            FusedChild::Running(guard) => Some(guard.reaper.id()),
            FusedChild::Done(_) => None,
        }
    }

    /// Sends SIGKILL to the child without waiting for it to exit. Fine to
    /// call when it has exited already. Once it succeeded, dropping the
    /// `Child` no longer kills it again.
    pub fn start_kill(&mut self) -> io::Result<()> {
        match &mut self.child {
            FusedChild::Running(guard) => {
                guard.reaper.child().kill()?;
                guard.kill_on_drop = false;
                Ok(())
            }
            FusedChild::Done(_) => Ok(()),
        }
    }

    /// Sends SIGKILL to the child and waits for it to exit (and reaps it).
    pub async fn kill(&mut self) -> io::Result<()> {
        self.start_kill()?;
        self.wait().await?;
        Ok(())
    }

    /// Waits for the child to exit, reaps it and returns its status; after
    /// that, returns the same status at once. Drops [`stdin`](Child::stdin)
    /// first, so a child reading its input to the end is not left waiting.
    ///
    /// Cancel safe: dropping the future leaves the child as it was.
    pub async fn wait(&mut self) -> io::Result<ExitStatus> {
        drop(self.stdin.take());
        let guard = match &mut self.child {
            FusedChild::Done(status) => return Ok(*status),
            FusedChild::Running(guard) => guard,
        };
        let status = poll_fn(|cx| guard.reaper.poll_exit(cx)).await?;
        guard.kill_on_drop = false;
        self.child = FusedChild::Done(status);
        Ok(status)
    }

    /// The child's status if it has exited (reaping it), `None` if it is
    /// still running. Does not block and does not drop stdin.
    pub fn try_wait(&mut self) -> io::Result<Option<ExitStatus>> {
        let guard = match &mut self.child {
            FusedChild::Done(status) => return Ok(Some(*status)),
            FusedChild::Running(guard) => guard,
        };
        let status = guard.reaper.child().try_wait()?;
        if let Some(status) = status {
            guard.kill_on_drop = false;
            self.child = FusedChild::Done(status);
        }
        Ok(status)
    }

    /// Waits for the child to exit while collecting all of its piped
    /// stdout and stderr, concurrently (so a child filling one pipe never
    /// blocks on it). Drops stdin first. Streams that were not piped come
    /// back empty.
    pub async fn wait_with_output(mut self) -> io::Result<Output> {
        async fn read_to_end<A: AsyncRead + Unpin>(io: &mut Option<A>) -> io::Result<Vec<u8>> {
            let mut vec = Vec::new();
            if let Some(io) = io.as_mut() {
                io.read_to_end(&mut vec).await?;
            }
            Ok(vec)
        }
        let mut stdout_pipe = self.stdout.take();
        let mut stderr_pipe = self.stderr.take();
        let (status, stdout, stderr) = crate::try_join!(
            self.wait(),
            read_to_end(&mut stdout_pipe),
            read_to_end(&mut stderr_pipe)
        )?;
        Ok(Output {
            status,
            stdout,
            stderr,
        })
    }
}

/// A child whose handle could not be built: killed if asked to, and
/// reaped once it exits; returns the error to report.
fn abandon(mut std: StdChild, kill_on_drop: bool, e: io::Error) -> io::Error {
    if kill_on_drop {
        let _ = std.kill();
    }
    if !matches!(std.try_wait(), Ok(Some(_))) {
        orphan::queue(std);
    }
    e
}
