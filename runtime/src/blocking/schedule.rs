//! The `Schedule` of blocking tasks: they are in no owned list and never
//! rescheduled (their future completes on its first poll).

use crate::task::{Notified, Schedule, Task};

pub(crate) struct BlockingSchedule;

impl Schedule for BlockingSchedule {
    fn release(&self, _task: &Task<Self>) -> Option<Task<Self>> {
        None
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
