//! Taking a registration out of the runtime from any thread (for
//! `PollEvented::into_inner`): the holder is asked to give it up to nobody
//! and the calling thread blocks until it did.

use super::{leaked, Asked, Registration, DEAD, FREE};
use crate::context;
use parking_lot::{Condvar, Mutex};
use std::io;
use std::sync::Arc;
use std::task::Waker;
use std::time::Duration;

impl Registration {
    /// Gives the registration up to nobody (`FREE`), from any thread, so
    /// the fd can leave the runtime: directly if this thread's loop holds
    /// it, else by asking the holder and blocking until it answered.
    pub(crate) fn release_blocking(self: &Arc<Self>) -> io::Result<()> {
        loop {
            let owner = self.owner();
            if owner == FREE {
                return Ok(());
            }
            if owner == DEAD {
                return Err(super::moved_away());
            }
            let holder = self.home.lock().shared.clone();
            let Some(holder) = holder.filter(|h| h.id == owner) else {
                continue; // changing hands right now
            };
            if let Some(()) = context::with_runtime(owner, |core| {
                Registration::hand_over(core, self.take_to(None, None));
            }) {
                continue;
            }
            let parker = Arc::new(Parker::default());
            let waker = Waker::from(parker.clone());
            match holder.request_take(self, None, &waker) {
                Asked::Done => continue,
                Asked::Refused if self.owner() == owner => return Err(leaked()),
                Asked::Refused => continue,
                Asked::Queued => {
                    if !parker.wait(Duration::from_secs(5)) {
                        return Err(io::Error::new(
                            io::ErrorKind::TimedOut,
                            "mini_rt: the loop holding this IO object did not release it \
                             within 5 s",
                        ));
                    }
                }
            }
        }
    }
}

/// Wakes a thread blocked in [`Parker::wait`].
#[derive(Default)]
struct Parker {
    woken: Mutex<bool>,
    cond: Condvar,
}

impl std::task::Wake for Parker {
    fn wake(self: Arc<Self>) {
        *self.woken.lock() = true;
        self.cond.notify_all();
    }
}

impl Parker {
    /// Blocks until woken or `limit` passed; returns whether woken.
    fn wait(&self, limit: Duration) -> bool {
        let mut woken = self.woken.lock();
        if !*woken {
            let _ = self.cond.wait_for(&mut woken, limit);
        }
        *woken
    }
}
