//! What an idle task waits on, recorded by the runtime's own resources
//! when they return `Pending` (one relaxed store into the task header).
//! The task core keeps the record; the debug module's task dump reads it.

use super::TaskId;
use super::current;
use std::fmt;

/// The runtime resource an idle task is waiting on.
///
/// ```
/// use runtime::debug::WaitingOn;
/// println!("{}", WaitingOn::Timer); // "a timer"
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum WaitingOn {
    /// Another task's completion (its `JoinHandle`).
    Task(TaskId),
    /// A timer (`sleep`, `timeout`, `interval`).
    Timer,
    /// A socket or pipe becoming readable.
    IoRead,
    /// A socket or pipe becoming writable.
    IoWrite,
}

const TASK: u64 = 1;
const TIMER: u64 = 2;
const IO_READ: u64 = 3;
const IO_WRITE: u64 = 4;
const TAG_BITS: u32 = 8;

impl WaitingOn {
    fn encode(self) -> u64 {
        match self {
            WaitingOn::Task(id) => TASK | (id.as_u64() << TAG_BITS),
            WaitingOn::Timer => TIMER,
            WaitingOn::IoRead => IO_READ,
            WaitingOn::IoWrite => IO_WRITE,
        }
    }

    pub(crate) fn decode(encoded: u64) -> Option<WaitingOn> {
        match encoded & ((1 << TAG_BITS) - 1) {
            TASK => TaskId::from_u64(encoded >> TAG_BITS).map(WaitingOn::Task),
            TIMER => Some(WaitingOn::Timer),
            IO_READ => Some(WaitingOn::IoRead),
            IO_WRITE => Some(WaitingOn::IoWrite),
            _ => None,
        }
    }
}

/// Records that the task being polled on this thread is about to wait on
/// `what` (a no-op outside a task).
pub(crate) fn set(what: WaitingOn) {
    let _ = current::with_task(|header| header.set_waiting(what.encode()));
}

impl fmt::Display for WaitingOn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WaitingOn::Task(id) => write!(f, "task {id}"),
            WaitingOn::Timer => f.write_str("a timer"),
            WaitingOn::IoRead => f.write_str("a read"),
            WaitingOn::IoWrite => f.write_str("a write"),
        }
    }
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::WaitingOn;
    use crate::task::TaskId;

    #[test]
    fn round_trips() {
        let id = TaskId::from_u64(123_456).unwrap();
        for w in [
            WaitingOn::Task(id),
            WaitingOn::Timer,
            WaitingOn::IoRead,
            WaitingOn::IoWrite,
        ] {
            assert_eq!(WaitingOn::decode(w.encode()), Some(w));
        }
        assert_eq!(WaitingOn::decode(0), None);
    }
}
