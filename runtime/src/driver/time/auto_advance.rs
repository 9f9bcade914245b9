//! Holding a paused clock's auto-advance back while work that may still
//! wake a task is in flight elsewhere (a `spawn_blocking` closure).

use crate::driver::{self, OwnerRef};
use crate::loom::{AtomicBool, Ordering};

/// While unreleased, auto-advance of a paused clock waits: the work the
/// guard stands for (a blocking task) may still wake a task, which must not
/// find the clock already moved past its timeouts. Released once that work
/// is done (for a blocking task: completed and its `JoinHandle` woken, so
/// the loop sees the woken task before it may advance), or when dropped.
///
/// It reaches the driver through the driver's owner, which it keeps alive.
pub(crate) struct AutoAdvanceGuard {
    owner: OwnerRef,
    released: AtomicBool,
}

impl AutoAdvanceGuard {
    /// A guard if `driver`'s clock is paused; `owner` (called only then,
    /// so an unpaused runtime pays nothing) is what keeps `driver` alive.
    pub(crate) fn new(
        driver: &driver::Handle,
        owner: impl FnOnce() -> OwnerRef,
    ) -> Option<AutoAdvanceGuard> {
        let time = &driver.time;
        if !time.is_paused() {
            return None;
        }
        time.inhibit_auto_advance();
        Some(AutoAdvanceGuard {
            owner: owner(),
            released: AtomicBool::new(false),
        })
    }

    /// Lets auto-advance go on (once; later calls do nothing).
    pub(crate) fn release(&self) {
        if self.released.swap(true, Ordering::AcqRel) {
            return;
        }
        let driver = self.owner.driver();
        if driver.time.allow_auto_advance() {
            // The loop may be blocked for the virtual time left: wake it so
            // it auto-advances now.
            driver.unpark();
        }
    }
}

impl Drop for AutoAdvanceGuard {
    fn drop(&mut self) {
        self.release();
    }
}
