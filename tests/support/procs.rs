//! Helpers for the process tests: whether a pid is still our child (alive
//! or a zombie), waiting until it is reaped, and finding our pidfd for it.

use std::time::Duration;

/// Whether `pid` is a child of this process that has not been reaped yet
/// (running, or a zombie). A pid reused by someone else's process is not.
pub fn is_our_child(pid: u32) -> bool {
    let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else {
        return false; // gone: reaped
    };
    // "pid (comm) state ppid ...": comm may hold spaces and parentheses.
    let after = &stat[stat.rfind(')').expect("stat has a comm") + 1..];
    let ppid: u32 = after.split_whitespace().nth(1).unwrap().parse().unwrap();
    ppid == std::process::id()
}

/// Waits until `pid` is no longer our child (checked every 5 ms: nothing
/// tells this process when another task reaped it). Bound it with a timeout.
pub async fn until_reaped(pid: u32) {
    while is_our_child(pid) {
        mini_rt::time::sleep(Duration::from_millis(5)).await;
    }
}

/// Whether this process holds a pidfd for `pid` (its fdinfo names the pid).
pub fn has_pidfd_for(pid: u32) -> bool {
    let wanted = format!("Pid:\t{pid}\n");
    std::fs::read_dir("/proc/self/fdinfo")
        .expect("read /proc/self/fdinfo")
        .filter_map(Result::ok)
        .any(|entry| {
            let Ok(target) = std::fs::read_link(format!(
                "/proc/self/fd/{}",
                entry.file_name().to_string_lossy()
            )) else {
                return false;
            };
            target.to_string_lossy().contains("pidfd")
                && std::fs::read_to_string(entry.path()).is_ok_and(|info| info.contains(&wanted))
        })
}
