//! The completion side of the io_uring backend: taking completions off the
//! ring (and the kernel's overflow list), dropping stale ones, merging an
//! fd's completions into one event, and arming again the requests the
//! kernel ended.

use super::submit::is_transient;
use super::{split, IoUring, State, MAX_FLUSHES, OP};
use crate::sys::{Event, EventBuf, Ready};
use io_uring::cqueue;
use std::io;

impl IoUring {
    /// Takes completions off the ring until it is empty or `events` is full,
    /// flushing the kernel's overflow list into the ring as it goes.
    pub(super) fn reap(&self, events: &mut EventBuf) -> io::Result<()> {
        let cap = events.capacity();
        let mut st = self.state.lock();
        st.reaps = st.reaps.wrapping_add(1);
        // Each pass takes what the ring holds, then has the kernel move its
        // overflow list in; bounded, so that a kernel posting as fast as we
        // reap cannot keep this call from returning (the next call goes on).
        for _ in 0..MAX_FLUSHES {
            // SAFETY: the state lock is held, under which alone the
            // completion ring is read, so no other view of it exists.
            let mut cq = unsafe { self.ring.completion_shared() };
            // SAFETY: as in `try_push`; only its flags are read.
            let overflow = unsafe { self.ring.submission_shared() }.cq_overflow();
            if overflow || cq.is_full() {
                st.cq_full += 1;
            }
            while events.list.len() < cap {
                let Some(cqe) = cq.next() else { break };
                self.complete(&mut st, &cqe, events);
            }
            let drained = cq.is_empty();
            drop(cq); // hands the consumed entries back to the kernel
            if !drained || !overflow || events.list.len() >= cap {
                break;
            }
            // SAFETY: no arguments; GETEVENTS with nothing to wait for only
            // moves overflowed completions into the ring.
            let res = unsafe {
                self.ring.submitter().enter::<libc::sigset_t>(
                    0,
                    0,
                    io_uring::EnterFlags::GETEVENTS.bits(),
                    None,
                )
            };
            match res {
                Ok(_) => {}
                Err(e) if is_transient(&e) => break,
                Err(e) => return Err(e),
            }
        }
        // Armed again only now: a request armed on a ready fd completes at
        // once, and must not keep this reap going.
        let ended = std::mem::take(&mut st.ended);
        for &idx in &ended {
            self.arm(&mut st, idx);
        }
        st.ended = ended;
        st.ended.clear();
        // Re-armed requests must not wait for a thread already blocked.
        self.submit_if_waited(&mut st)
    }

    /// One completion: report it if it belongs to a current request, and
    /// re-arm a request the kernel ended.
    fn complete(&self, st: &mut State, cqe: &cqueue::Entry, events: &mut EventBuf) {
        if cqe.user_data() & OP != 0 {
            return;
        }
        let (idx, seq) = split(cqe.user_data());
        let cq_full = st.cq_full;
        let Some(e) = st.table.get_mut(idx).filter(|e| e.armed && e.seq == seq) else {
            return; // cancelled, or the fd was deregistered: stale
        };
        let res = cqe.result();
        let more = cqueue::more(cqe.flags());
        let ready = match res {
            0.. => ready_from_poll(res as u32),
            _ if res == -libc::ECANCELED => Ready::EMPTY,
            _ => Ready::ERROR,
        };
        // One event per fd and reap, as epoll's ready list has one entry per
        // fd: a multishot request may have posted several.
        let slot = e.slot as usize;
        match events.list.get_mut(slot) {
            Some(ev) if e.reap == st.reaps && ev.token == e.token => ev.ready |= ready,
            _ if ready.is_empty() => {}
            _ => {
                (e.reap, e.slot) = (st.reaps, events.list.len() as u32);
                events.list.push(Event {
                    token: e.token,
                    ready,
                });
            }
        }
        if more {
            e.live = true;
            return;
        }
        // The kernel ended the request. Cancelled behind our back (its
        // thread exited) or ended by a full ring: arm it again. Ended before
        // it ever stayed armed, with the ring never full: the file has no
        // wait queue. An error: arming again would fail again.
        let again = res == -libc::ECANCELED || (res >= 0 && (e.live || e.armed_at != cq_full));
        e.armed = false;
        if again {
            st.rearms += 1;
            st.ended.push(idx);
        }
    }
}

fn ready_from_poll(mask: u32) -> Ready {
    let has = |bit: libc::c_short| mask & (bit as u16 as u32) != 0;
    let mut r = Ready::EMPTY;
    if has(libc::POLLIN) {
        r |= Ready::READABLE;
    }
    if has(libc::POLLOUT) {
        r |= Ready::WRITABLE;
    }
    if has(libc::POLLPRI) {
        r |= Ready::PRIORITY;
    }
    if has(libc::POLLRDHUP) {
        r |= Ready::READ_CLOSED;
    }
    if has(libc::POLLHUP) {
        r |= Ready::READ_CLOSED | Ready::WRITE_CLOSED;
    }
    if has(libc::POLLERR) || has(libc::POLLNVAL) {
        r |= Ready::ERROR;
    }
    r
}
