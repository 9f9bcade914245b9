//! Holding a paused clock's auto-advance back while work that may still
//! wake a task is in flight elsewhere (a `spawn_blocking` closure).

use crate::driver;
use crate::loom::{AtomicBool, Ordering};

/// While unreleased, auto-advance of a paused clock waits: the work the
/// guard stands for (a blocking task) may still wake a task, which must not
/// find the clock already moved past its timeouts. Released once that work
/// is done (for a blocking task: completed and its `JoinHandle` woken, so
/// the loop sees the woken task before it may advance), or when dropped.
///
/// `H` is whatever keeps the driver alive (the runtime's handle); the guard
/// only reaches the driver through it.
pub(crate) struct AutoAdvanceGuard<H: AsRef<driver::Handle>> {
    owner: H,
    released: AtomicBool,
}

impl<H: AsRef<driver::Handle>> AutoAdvanceGuard<H> {
    /// A guard if `owner`'s clock is paused.
    pub(crate) fn new(owner: H) -> Option<AutoAdvanceGuard<H>> {
        let time = &owner.as_ref().time;
        if !time.is_paused() {
            return None;
        }
        time.inhibit_auto_advance();
        Some(AutoAdvanceGuard {
            owner,
            released: AtomicBool::new(false),
        })
    }

    /// Lets auto-advance go on (once; later calls do nothing).
    pub(crate) fn release(&self) {
        if self.released.swap(true, Ordering::AcqRel) {
            return;
        }
        let driver = self.owner.as_ref();
        if driver.time.allow_auto_advance() {
            // The loop may be blocked for the virtual time left: wake it so
            // it auto-advances now.
            driver.unpark();
        }
    }
}

impl<H: AsRef<driver::Handle>> Drop for AutoAdvanceGuard<H> {
    fn drop(&mut self) {
        self.release();
    }
}
