//! Task identifiers.

use std::fmt;
use std::num::NonZeroU64;
use std::panic::Location;

/// What a task is born with: its id and the place in the user's code that
/// spawned it (every spawn function is `#[track_caller]`).
#[derive(Clone, Copy, Debug)]
pub(crate) struct TaskMeta {
    pub(crate) id: TaskId,
    pub(crate) location: &'static Location<'static>,
}

impl TaskMeta {
    /// A new id, and the caller's location.
    #[track_caller]
    pub(crate) fn here() -> TaskMeta {
        TaskMeta {
            id: TaskId::next(),
            location: Location::caller(),
        }
    }
}

/// A task's identity, unique among all tasks of the process for its life.
///
/// asyncio names tasks (`Task.get_name()`, `Task-1`, `Task-2`...); here the
/// identity is a number. Get it from [`JoinHandle::id`](crate::task::JoinHandle::id)
/// or, inside the task, from [`task::current_id`](crate::task::current_id).
///
/// ```
/// let rt = runtime::Runtime::new().unwrap();
/// rt.block_on(async {
///     let handle = runtime::spawn(async { runtime::task::current_id().unwrap() });
///     let id = handle.id();
///     assert_eq!(handle.await.unwrap(), id);
///     println!("{id}"); // a plain number
/// });
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TaskId(NonZeroU64);

impl TaskId {
    pub(crate) fn next() -> TaskId {
        // Not part of any protocol: a plain std atomic, also under loom
        // (a loom atomic cannot live in a static).
        use std::sync::atomic::{AtomicU64, Ordering};
        static NEXT: AtomicU64 = AtomicU64::new(1);
        let id = NEXT.fetch_add(1, Ordering::Relaxed);
        TaskId(NonZeroU64::new(id).expect("task id counter wrapped"))
    }

    /// The id with this number, if it is one (ids start at 1).
    pub(crate) fn from_u64(n: u64) -> Option<TaskId> {
        NonZeroU64::new(n).map(TaskId)
    }

    /// The id as a number.
    ///
    /// ```
    /// let rt = runtime::Runtime::new().unwrap();
    /// let handle = rt.spawn(async {});
    /// assert!(handle.id().as_u64() > 0);
    /// ```
    pub fn as_u64(self) -> u64 {
        self.0.get()
    }
}

impl fmt::Display for TaskId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl fmt::Debug for TaskId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "TaskId({})", self.0)
    }
}
