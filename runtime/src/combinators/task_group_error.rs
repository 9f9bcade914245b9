//! `TaskGroupError`: why a `TaskGroup` failed, asyncio's `ExceptionGroup`.

use crate::task::{JoinError, TaskId};
use std::any::Any;
use std::fmt;

/// How the task of a [`TaskGroupError`] failed.
pub(super) enum Failure<E> {
    /// It returned `Err`.
    Error(E),
    /// It panicked, or was cancelled.
    Join(JoinError),
}

/// Why a [`TaskGroup`](super::TaskGroup) failed: the first task to fail, and what made it
/// fail (its `Err`, a panic, or a cancellation from outside such as a
/// runtime shutdown). asyncio raises an `ExceptionGroup`; the failures that
/// happened while the others were being cancelled are in
/// [`others`](Self::others).
///
/// ```
/// # runtime::run(async {
/// let group = runtime::task::TaskGroup::<(), &str>::new();
/// group.spawn(async { panic!("boom") });
/// let err = group.join().await.unwrap_err();
/// assert!(err.is_panic());
/// # });
/// ```
pub struct TaskGroupError<E> {
    id: TaskId,
    failure: Failure<E>,
    others: Vec<TaskGroupError<E>>,
}

impl<E> TaskGroupError<E> {
    /// The failure of task `id`, with no others (yet).
    pub(super) fn new(id: TaskId, failure: Failure<E>) -> TaskGroupError<E> {
        TaskGroupError {
            id,
            failure,
            others: Vec::new(),
        }
    }

    /// Records a later failure, of a task that failed while the group was
    /// being cancelled because of this one.
    pub(super) fn push_other(&mut self, other: TaskGroupError<E>) {
        self.others.push(other);
    }

    /// The task that failed first.
    ///
    /// ```
    /// # runtime::run(async {
    /// let group = runtime::task::TaskGroup::<(), ()>::new();
    /// let id = group.spawn(async { Err(()) });
    /// assert_eq!(group.join().await.unwrap_err().task_id(), id);
    /// # });
    /// ```
    pub fn task_id(&self) -> TaskId {
        self.id
    }

    /// The task's `Err` value, if it failed by returning one.
    ///
    /// ```
    /// # runtime::run(async {
    /// let group = runtime::task::TaskGroup::<(), u8>::new();
    /// group.spawn(async { Err(7) });
    /// assert_eq!(group.join().await.unwrap_err().error(), Some(&7));
    /// # });
    /// ```
    pub fn error(&self) -> Option<&E> {
        match &self.failure {
            Failure::Error(error) => Some(error),
            Failure::Join(_) => None,
        }
    }

    /// The task's `Err` value, or the error back if it panicked or was
    /// cancelled.
    ///
    /// ```
    /// # runtime::run(async {
    /// let group = runtime::task::TaskGroup::<(), u8>::new();
    /// group.spawn(async { Err(7) });
    /// assert_eq!(group.join().await.unwrap_err().into_error().ok(), Some(7));
    /// # });
    /// ```
    pub fn into_error(self) -> Result<E, TaskGroupError<E>> {
        match self.failure {
            Failure::Error(error) => Ok(error),
            failure => Err(TaskGroupError {
                id: self.id,
                failure,
                others: self.others,
            }),
        }
    }

    /// True when the task panicked.
    ///
    /// ```
    /// # runtime::run(async {
    /// let group = runtime::task::TaskGroup::<(), ()>::new();
    /// group.spawn(async { panic!("x") });
    /// assert!(group.join().await.unwrap_err().is_panic());
    /// # });
    /// ```
    pub fn is_panic(&self) -> bool {
        matches!(&self.failure, Failure::Join(e) if e.is_panic())
    }

    /// True when the task was cancelled from outside the group (by
    /// `abort_all`, or by the runtime shutting down).
    ///
    /// ```
    /// # runtime::run(async {
    /// let group = runtime::task::TaskGroup::<(), ()>::new();
    /// group.spawn(std::future::pending());
    /// group.abort_all();
    /// assert!(group.join().await.unwrap_err().is_cancelled());
    /// # });
    /// ```
    pub fn is_cancelled(&self) -> bool {
        matches!(&self.failure, Failure::Join(e) if e.is_cancelled())
    }

    /// The panic payload, to re-raise with `std::panic::resume_unwind`.
    ///
    /// # Panics
    /// If the task did not panic (check [`is_panic`](Self::is_panic)).
    ///
    /// ```
    /// # runtime::run(async {
    /// let group = runtime::task::TaskGroup::<(), ()>::new();
    /// group.spawn(async { panic!("boom") });
    /// let payload = group.join().await.unwrap_err().into_panic();
    /// assert_eq!(*payload.downcast::<&str>().unwrap(), "boom");
    /// # });
    /// ```
    #[track_caller]
    pub fn into_panic(self) -> Box<dyn Any + Send + 'static> {
        match self.failure {
            Failure::Join(error) if error.is_panic() => error.into_panic(),
            _ => panic!(
                "TaskGroupError::into_panic: task {} did not panic; check is_panic() first",
                self.id
            ),
        }
    }

    /// Other tasks that failed (not counting the cancellations the first
    /// failure caused) before the group finished stopping.
    ///
    /// ```
    /// # runtime::run(async {
    /// let group = runtime::task::TaskGroup::<(), ()>::new();
    /// group.spawn(async { Err(()) });
    /// assert!(group.join().await.unwrap_err().others().is_empty());
    /// # });
    /// ```
    pub fn others(&self) -> &[TaskGroupError<E>] {
        &self.others
    }
}

impl<E: fmt::Debug> fmt::Debug for TaskGroupError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut s = f.debug_struct("TaskGroupError");
        s.field("task_id", &self.id);
        match &self.failure {
            Failure::Error(error) => s.field("error", error),
            Failure::Join(error) => s.field("join_error", error),
        };
        if !self.others.is_empty() {
            s.field("others", &self.others);
        }
        s.finish()
    }
}

impl<E: fmt::Display> fmt::Display for TaskGroupError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.failure {
            Failure::Error(error) => write!(f, "task {} of the group failed: {error}", self.id)?,
            Failure::Join(error) => write!(f, "{error} (in a task group)")?,
        }
        if !self.others.is_empty() {
            write!(f, " (and {} more tasks failed)", self.others.len())?;
        }
        Ok(())
    }
}

impl<E: std::error::Error + 'static> std::error::Error for TaskGroupError<E> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match &self.failure {
            Failure::Error(error) => Some(error),
            Failure::Join(error) => Some(error),
        }
    }
}

impl<E: PartialEq> PartialEq for TaskGroupError<E> {
    /// Equal when the same task failed with equal `Err` values (panics and
    /// cancellations compare by task).
    fn eq(&self, other: &Self) -> bool {
        self.id == other.id && self.error() == other.error()
    }
}
