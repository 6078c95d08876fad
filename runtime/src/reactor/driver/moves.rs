//! Registrations leaving the driver alive: handed over to another loop, or
//! given up when the loop goes idle with other loops' tasks waiting on them.

use super::{split, token, Driver};
use crate::reactor::registration::{Registration, Waiting};
use std::os::fd::RawFd;
use std::sync::Arc;

impl Driver {
    /// Removes a registration that moves to another loop (or to none):
    /// deregisters `fd` from the backend and returns the wakers still
    /// waiting on it, for the new owner. Nothing if `tok` is stale.
    pub(crate) fn hand_over(&self, tok: u64, fd: RawFd) -> Waiting {
        let removed = {
            let mut io = self.io.borrow_mut();
            let (idx, generation) = split(tok);
            match io.slab.get(idx) {
                Some(s) if s.generation == generation => io.slab.remove(idx),
                _ => return Vec::new(),
            }
        };
        if removed.in_kernel(self.trigger) {
            let _ = self.selector.deregister(fd);
        }
        let mut removed = removed;
        removed.waiters.take_all(&removed.reg.slots)
    }

    /// The loop is going idle (`block_on` returned): registrations whose
    /// waiters include tasks of other loops (handed over with them) are
    /// given up, waking everyone, since this loop will not turn to serve
    /// them until its next `block_on`.
    pub(crate) fn release_detached(&self, loop_id: u64) {
        let moving: Vec<(u64, Arc<Registration>)> = {
            let io = self.io.borrow();
            io.slab
                .iter()
                .filter(|(_, s)| s.waiters.has_detached())
                .map(|(idx, s)| (token(idx, s.generation), s.reg.clone()))
                .collect()
        };
        for (tok, reg) in moving {
            if reg.owner() == loop_id && reg.token() == tok {
                let waiting = self.hand_over(tok, reg.fd);
                reg.free_from_with(loop_id, waiting);
            }
        }
    }
}
