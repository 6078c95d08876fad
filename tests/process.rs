//! `mini_rt::process` on every backend: output and exit codes, 1 MiB
//! through `cat` with both pipes driven at once, kill then wait, no process
//! and no zombie left by `kill_on_drop` or by a dropped child, 200 children
//! at once, pipelines, and the child's exit watched through a pidfd.
//! `process_sigchld.rs` repeats the core cases on the SIGCHLD fallback.

mod support;

use mini_rt::io::{AsyncReadExt, AsyncWriteExt};
use mini_rt::process::{Command, Stdio};
use mini_rt::task::JoinSet;
use std::io::ErrorKind;
use std::os::unix::process::ExitStatusExt;
use support::procs::{has_pidfd_for, is_our_child, until_reaped};
use support::{bounded, on_each_backend, TempDir};

#[test]
fn sh_echo_hi() {
    on_each_backend(|| async {
        let out = bounded(5, Command::new("sh").args(["-c", "echo hi"]).output()).await?;
        assert!(out.status.success());
        assert_eq!(out.stdout, b"hi\n");
        assert!(out.stderr.is_empty());
        Ok(())
    });
}

#[test]
fn exit_code_is_reported() {
    on_each_backend(|| async {
        let status = bounded(5, Command::new("sh").args(["-c", "exit 42"]).status()).await?;
        assert_eq!(status.code(), Some(42));
        assert!(!status.success());
        Ok(())
    });
}

#[test]
fn output_collects_stdout_stderr_and_status() {
    on_each_backend(|| async {
        let script = "echo out; echo err >&2; exit 3";
        let out = bounded(5, Command::new("sh").args(["-c", script]).output()).await?;
        assert_eq!(out.status.code(), Some(3));
        assert_eq!(out.stdout, b"out\n");
        assert_eq!(out.stderr, b"err\n");
        Ok(())
    });
}

/// 1 MiB is far more than a pipe holds (64 KiB): writing it all before
/// reading would deadlock, so this only passes with both pipes driven
/// concurrently through the reactor.
#[test]
fn one_mib_through_cat_with_both_pipes_at_once() {
    on_each_backend(|| async {
        let data: Vec<u8> = (0..1024 * 1024u32).map(|i| (i % 253) as u8).collect();
        let mut child = Command::new("cat")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .kill_on_drop(true)
            .spawn()?;
        let mut stdin = child.stdin.take().unwrap();
        let mut stdout = child.stdout.take().unwrap();
        let write = async {
            stdin.write_all(&data).await?;
            drop(stdin); // EOF: cat exits after echoing everything
            std::io::Result::Ok(())
        };
        let read = async {
            let mut back = Vec::with_capacity(data.len());
            stdout.read_to_end(&mut back).await?;
            Ok(back)
        };
        let ((), back) = bounded(10, async { mini_rt::try_join!(write, read) }).await?;
        assert!(
            back == data,
            "cat echoed {} bytes, not the 1 MiB sent",
            back.len()
        );
        assert!(bounded(5, child.wait()).await?.success());
        Ok(())
    });
}

#[test]
fn kill_then_wait_reports_the_signal() {
    on_each_backend(|| async {
        let mut child = Command::new("sleep").arg("1000").spawn()?;
        assert!(child.try_wait()?.is_none());
        bounded(5, child.kill()).await?;
        let status = bounded(5, child.wait()).await?;
        assert_eq!(status.signal(), Some(libc::SIGKILL));
        assert_eq!(status.code(), None);
        // Reaped: no pid any more, and try_wait keeps the status.
        assert_eq!(child.id(), None);
        assert_eq!(child.try_wait()?, Some(status));

        // start_kill sends the signal without waiting; wait then sees it.
        let mut child = Command::new("sleep").arg("1000").spawn()?;
        child.start_kill()?;
        let status = bounded(5, child.wait()).await?;
        assert_eq!(status.signal(), Some(libc::SIGKILL));
        Ok(())
    });
}

#[test]
fn kill_on_drop_leaves_no_process_and_no_zombie() {
    on_each_backend(|| async {
        let child = Command::new("sleep")
            .arg("1000")
            .kill_on_drop(true)
            .spawn()?;
        let pid = child.id().unwrap();
        assert!(is_our_child(pid));
        drop(child);
        // Killed, then reaped by the runtime once it exits.
        bounded(5, until_reaped(pid)).await;
        Ok(())
    });
}

/// Without `kill_on_drop` a dropped child runs on; once it exits on its
/// own it is reaped all the same (here: `cat` sees EOF when its stdin pipe
/// is dropped with the `Child`).
#[test]
fn dropped_child_is_reaped_when_it_exits() {
    on_each_backend(|| async {
        let child = Command::new("cat").stdin(Stdio::piped()).spawn()?;
        let pid = child.id().unwrap();
        drop(child);
        bounded(5, until_reaped(pid)).await;
        Ok(())
    });
}

/// A child killed as its runtime shuts down is queued and reaped by the
/// next runtime that spawns a child.
#[test]
fn child_dropped_by_runtime_shutdown_is_reaped_later() {
    let rt = mini_rt::runtime::Runtime::new().unwrap();
    let pid = rt.block_on(async {
        let child = Command::new("sleep")
            .arg("1000")
            .kill_on_drop(true)
            .spawn()
            .unwrap();
        let pid = child.id().unwrap();
        // Held by a task that never finishes: dropped with the runtime.
        mini_rt::spawn(async move {
            let _child = child;
            std::future::pending::<()>().await
        });
        pid
    });
    drop(rt);
    on_each_backend(|| async move {
        bounded(5, Command::new("true").status()).await?;
        bounded(5, until_reaped(pid)).await;
        Ok(())
    });
}

#[test]
fn two_hundred_concurrent_children() {
    on_each_backend(|| async {
        let mut set = JoinSet::new();
        for i in 0..200 {
            set.spawn(async move {
                let script = format!("exit {}", i % 100);
                let status = Command::new("sh").args(["-c", &script]).status().await?;
                std::io::Result::Ok((i, status))
            });
        }
        let mut done = 0;
        while let Some(res) = bounded(15, set.join_next()).await {
            let (i, status) = res.unwrap()?;
            assert_eq!(status.code(), Some(i % 100));
            done += 1;
        }
        assert_eq!(done, 200);
        Ok(())
    });
}

#[test]
fn exit_is_watched_through_a_pidfd() {
    on_each_backend(|| async {
        let mut child = Command::new("cat").stdin(Stdio::piped()).spawn()?;
        let pid = child.id().unwrap();
        assert!(has_pidfd_for(pid), "no pidfd open for child {pid}");
        assert!(bounded(5, child.wait()).await?.success());
        Ok(())
    });
}

#[test]
fn wait_closes_stdin_so_a_reader_finishes() {
    on_each_backend(|| async {
        let mut child = Command::new("cat")
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .spawn()?;
        assert!(child.stdin.is_some());
        assert!(bounded(5, child.wait()).await?.success());
        assert!(child.stdin.is_none());
        Ok(())
    });
}

#[test]
fn env_and_current_dir_reach_the_child() {
    let dir = TempDir::new("process");
    let canonical = std::fs::canonicalize(&dir.0).unwrap();
    let (dir, canonical) = (&dir.0, &canonical);
    on_each_backend(move || async move {
        let out = Command::new("sh")
            .args([
                "-c",
                "echo \"$MINI_RT_TEST_VAR\"; pwd; echo \"${HOME-unset}\"",
            ])
            .env_clear()
            .env("MINI_RT_TEST_VAR", "value")
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .current_dir(dir)
            .output();
        let out = bounded(5, out).await?;
        let expected = format!("value\n{}\nunset\n", canonical.display());
        assert_eq!(String::from_utf8(out.stdout).unwrap(), expected);
        Ok(())
    });
}

#[test]
fn missing_program_is_not_found() {
    on_each_backend(|| async {
        let err = Command::new("/nonexistent/mini_rt-no-such-program")
            .spawn()
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::NotFound);
        Ok(())
    });
}

/// `echo hi | tr a-z A-Z`: one child's stdout, converted to `Stdio`, is
/// the next one's stdin.
#[test]
fn pipeline_through_child_stdout_into_stdio() {
    on_each_backend(|| async {
        let mut echo = Command::new("echo")
            .arg("hi")
            .stdout(Stdio::piped())
            .spawn()?;
        let pipe: Stdio = echo.stdout.take().unwrap().try_into()?;
        let tr = Command::new("tr").args(["a-z", "A-Z"]).stdin(pipe).output();
        let out = bounded(5, tr).await?;
        assert_eq!(out.stdout, b"HI\n");
        assert!(bounded(5, echo.wait()).await?.success());
        Ok(())
    });
}

/// Outside a runtime the child cannot be watched: spawn says so (tokio
/// panics there).
#[test]
fn spawn_outside_a_runtime_is_an_error() {
    let err = Command::new("true").kill_on_drop(true).spawn().unwrap_err();
    assert!(err.to_string().contains("no mini_rt runtime"), "{err}");
}
