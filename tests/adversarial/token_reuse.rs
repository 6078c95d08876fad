//! Registration slots and fd numbers are reused: readiness that belonged to
//! a dropped registration must never reach its successor, and the
//! successor's own readiness must never be lost.

use crate::support::bounded;
use crate::util::*;
use mini_rt::io::ReadBuf;
use mini_rt::runtime::{Handle, RuntimeStats};
use mini_rt::time::sleep;
use std::cell::Cell;
use std::future::poll_fn;
use std::io::Write;
use std::os::fd::{AsRawFd, FromRawFd, IntoRawFd};
use std::os::unix::net::UnixStream;
use std::rc::Rc;
use std::time::Duration;

/// A few driver turns (blocking ones: the timer is the only thing pending).
async fn turns() {
    for _ in 0..3 {
        sleep(Duration::from_millis(2)).await;
    }
}

/// Replaces the socket behind fd number `target` by `new` (dup2), so the
/// successor provably gets the very fd number its predecessor had, without
/// ever freeing the number for another thread to take.
fn move_to_fd(new: UnixStream, target: i32) -> UnixStream {
    // SAFETY: `target` is an fd we own (the predecessor's, already
    // deregistered and handed back by `into_inner`); dup2 atomically
    // replaces it, and `new`'s own fd is closed right after.
    unsafe {
        assert_eq!(libc::dup2(new.as_raw_fd(), target), target);
        drop(new);
        UnixStream::from_raw_fd(target)
    }
}

/// Spawns a task that reads once from `s`, counting its polls.
fn reader(s: Evented) -> (Rc<Cell<u32>>, mini_rt::task::JoinHandle<Vec<u8>>) {
    let polls = Rc::new(Cell::new(0));
    let p = polls.clone();
    let h = mini_rt::spawn(async move {
        let mut buf = [0u8; 64];
        let mut buf = ReadBuf::new(&mut buf);
        poll_fn(|cx| {
            p.set(p.get() + 1);
            s.poll_read(cx, &mut buf)
        })
        .await
        .unwrap();
        buf.filled().to_vec()
    });
    (polls, h)
}

fn delta(a: RuntimeStats, b: RuntimeStats) -> (u64, u64) {
    (
        b.wakeups - a.wakeups,
        b.spurious_wakeups - a.spurious_wakeups,
    )
}

/// `cached`: whether the predecessor's readiness reached the driver (a turn
/// happened) before it was dropped, or was still pending in the kernel.
fn stale_readiness_does_not_reach_the_successor(cached: bool) {
    rt().block_on(async {
        let handle = Handle::current();
        let (a, a_peer) = UnixStream::pair().unwrap();
        let a = register(a);
        (&a_peer).write_all(b"for the old registration").unwrap();
        if cached {
            turns().await;
        }
        let fd = a.as_raw_fd();
        let old = a.into_inner().unwrap(); // deregistered, never read
        let (b, b_peer) = UnixStream::pair().unwrap();
        let b = register(move_to_fd(b, old.into_raw_fd()));
        assert_eq!(b.as_raw_fd(), fd, "same fd number");
        drop(a_peer);
        let (polls, task) = reader(b);
        turns().await;
        let s0 = handle.stats();
        turns().await;
        assert_eq!(polls.get(), 1, "the successor was woken by stale readiness");
        // Only the three sleeps were woken; no IO wakeup, nothing spurious.
        assert_eq!(delta(s0, handle.stats()), (3, 0));
        // Its own readiness is delivered.
        (&b_peer).write_all(b"new").unwrap();
        assert_eq!(bounded(5, task).await.unwrap(), b"new");
        assert_eq!(polls.get(), 2, "one wake, one poll");
        assert_eq!(handle.stats().spurious_wakeups, s0.spurious_wakeups);
    });
}

#[test]
fn cached_readiness_of_a_dropped_registration_never_wakes_its_successor() {
    stale_readiness_does_not_reach_the_successor(true);
}

#[test]
fn pending_event_of_a_dropped_registration_never_wakes_its_successor() {
    stale_readiness_does_not_reach_the_successor(false);
}

/// The successor's data arrived before it was registered (on the slot its
/// predecessor just freed): the registration must report it, or the data
/// waits forever (a lost wakeup).
#[test]
fn successor_on_a_reused_slot_sees_data_that_arrived_before_registration() {
    rt().block_on(async {
        let handle = Handle::current();
        let registrations = handle.stats().registrations;
        let (a, a_peer) = UnixStream::pair().unwrap();
        let a = register(a);
        (&a_peer).write_all(b"stale").unwrap();
        drop(a);
        let (b, b_peer) = UnixStream::pair().unwrap();
        (&b_peer).write_all(b"early").unwrap();
        let b = register(b);
        assert_eq!(handle.stats().registrations, registrations + 1);
        let (polls, task) = reader(b);
        assert_eq!(bounded(5, task).await.unwrap(), b"early");
        // At most one wait: for the registration's first event.
        assert!(polls.get() <= 2, "{} polls", polls.get());
    });
}

/// Registrations dropped while their readiness is pending, many times over
/// on the same slots: every new one gets its own data, no more.
#[test]
fn churned_registrations_each_receive_only_their_own_data() {
    rt().block_on(async {
        let handle = Handle::current();
        let s0 = handle.stats();
        for round in 0..200u32 {
            let (a, a_peer) = UnixStream::pair().unwrap();
            let a = register(a);
            (&a_peer).write_all(b"stale").unwrap();
            if round % 2 == 0 {
                sleep(Duration::ZERO).await;
            }
            drop(a);
            let (b, b_peer) = UnixStream::pair().unwrap();
            let (polls, task) = reader(register(b));
            mini_rt::task::yield_now().await;
            assert_eq!(polls.get(), 1, "round {round}: woken by stale readiness");
            (&b_peer).write_all(&round.to_le_bytes()).unwrap();
            let got = bounded(5, task).await.unwrap();
            assert_eq!(got, round.to_le_bytes(), "round {round}");
        }
        let s1 = handle.stats();
        assert_eq!(s1.spurious_wakeups, s0.spurious_wakeups);
        assert_eq!(s1.registrations, s0.registrations);
    });
}
