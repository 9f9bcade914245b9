//! The `Schedule` of blocking tasks: they are in no owned list and never
//! rescheduled (their future completes on its first poll).

use crate::driver::time::AutoAdvanceGuard;
use crate::scheduler;
use crate::task::{Notified, Schedule, Task};

pub(crate) struct BlockingSchedule {
    /// On a runtime with a paused clock: holds auto-advance back until the
    /// task has completed and woken its `JoinHandle` (or was dropped unrun).
    auto_advance: Option<AutoAdvanceGuard>,
}

impl BlockingSchedule {
    pub(crate) fn new(handle: &scheduler::Handle) -> BlockingSchedule {
        BlockingSchedule {
            auto_advance: AutoAdvanceGuard::new(handle.driver(), || handle.driver_owner()),
        }
    }
}

impl Schedule for BlockingSchedule {
    fn release(&self, _task: &Task<Self>) -> Option<Task<Self>> {
        None
    }

    fn completed(&self) {
        if let Some(guard) = &self.auto_advance {
            guard.release();
        }
    }

    fn schedule(&self, task: Notified<Self>) {
        // A blocking task is queued once (NOTIFIED from birth) and completes
        // on its first poll, so it is never idle and never woken; abort of a
        // queued task only sets CANCELLED. Should that ever change, cancel
        // instead of dropping the reference silently.
        debug_assert!(false, "a blocking task was rescheduled");
        task.shutdown();
    }
}
