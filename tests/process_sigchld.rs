//! The SIGCHLD fallback of `mini_rt::process` (what runs where the kernel
//! has no pidfds), forced on the test's thread, on every backend: the
//! child's exit still comes through the reactor, now as SIGCHLD
//! deliveries, and no pidfd is opened.

mod support;

use mini_rt::process::{Command, Stdio};
use mini_rt::task::JoinSet;
use std::os::unix::process::ExitStatusExt;
use support::procs::{has_pidfd_for, is_our_child, until_reaped};
use support::{bounded, on_each_backend};

/// Children spawned on this thread watch SIGCHLD instead of a pidfd.
fn force_sigchld() {
    mini_rt::process::__force_sigchld_fallback(true);
}

#[test]
fn sigchld_fallback_sees_output_exit_codes_and_signals() {
    force_sigchld();
    on_each_backend(|| async {
        let child = Command::new("sh")
            .args(["-c", "read x; echo hi; exit 7"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()?;
        let pid = child.id().unwrap();
        assert!(!has_pidfd_for(pid), "the fallback opened a pidfd");
        let out = bounded(5, child.wait_with_output()).await?;
        assert_eq!(out.status.code(), Some(7));
        assert_eq!(out.stdout, b"hi\n");

        let mut child = Command::new("sleep").arg("1000").spawn()?;
        bounded(5, child.kill()).await?;
        let status = bounded(5, child.wait()).await?;
        assert_eq!(status.signal(), Some(libc::SIGKILL));
        Ok(())
    });
}

#[test]
fn sigchld_fallback_with_concurrent_children() {
    force_sigchld();
    on_each_backend(|| async {
        // Each SIGCHLD may stand for several exits (deliveries coalesce):
        // every waiter checks its own child on each one.
        let mut set = JoinSet::new();
        for i in 0..50 {
            set.spawn(async move {
                let script = format!("exit {i}");
                let status = Command::new("sh").args(["-c", &script]).status().await?;
                std::io::Result::Ok((i, status))
            });
        }
        let mut done = 0;
        while let Some(res) = bounded(15, set.join_next()).await {
            let (i, status) = res.unwrap()?;
            assert_eq!(status.code(), Some(i));
            done += 1;
        }
        assert_eq!(done, 50);
        Ok(())
    });
}

#[test]
fn sigchld_fallback_kill_on_drop_leaves_no_zombie() {
    force_sigchld();
    on_each_backend(|| async {
        let child = Command::new("sleep")
            .arg("1000")
            .kill_on_drop(true)
            .spawn()?;
        let pid = child.id().unwrap();
        assert!(is_our_child(pid));
        drop(child);
        bounded(5, until_reaped(pid)).await;
        Ok(())
    });
}
