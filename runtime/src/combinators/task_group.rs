//! `TaskGroup`: structured concurrency, asyncio's `asyncio.TaskGroup`.

use super::future_set::FutureSet;
use crate::loom::Mutex;
use crate::task::{JoinError, JoinHandle, TaskId};
use std::any::Any;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

/// A set of tasks that succeed or fail together: asyncio's
/// `async with asyncio.TaskGroup() as tg: tg.create_task(...)`.
///
/// [`spawn`](Self::spawn) starts each task at once (in parallel, like
/// `runtime::spawn`). [`join`](Self::join) waits for all of them and gives
/// every result **in spawn order**; the first failure — a task returning
/// `Err`, or panicking — cancels every other task, waits until they have
/// actually stopped, and is returned as a [`TaskGroupError`]. No task
/// outlives `join`. Dropping the group (or the `join` future) without
/// finishing cancels the tasks still running (each stops at its next
/// `.await`).
///
/// ```
/// use runtime::task::TaskGroup;
///
/// # runtime::run(async {
/// let group: TaskGroup<u32, String> = TaskGroup::new();
/// for i in 1..=3 {
///     group.spawn(async move { Ok(i * 10) });
/// }
/// assert_eq!(group.join().await.unwrap(), [10, 20, 30]);
///
/// let group: TaskGroup<u32, String> = TaskGroup::new();
/// group.spawn(async { Err("bad input".to_string()) });
/// group.spawn(std::future::pending()); // cancelled by the failure
/// let err = group.join().await.unwrap_err();
/// assert_eq!(err.error(), Some(&"bad input".to_string()));
/// # });
/// ```
pub struct TaskGroup<T, E> {
    tasks: Mutex<Vec<JoinHandle<Result<T, E>>>>,
}

impl<T, E> TaskGroup<T, E>
where
    T: Send + 'static,
    E: Send + 'static,
{
    /// An empty group.
    ///
    /// ```
    /// let group = runtime::task::TaskGroup::<(), ()>::new();
    /// assert!(group.is_empty());
    /// ```
    pub fn new() -> TaskGroup<T, E> {
        TaskGroup {
            tasks: Mutex::new(Vec::new()),
        }
    }

    /// Starts a task in the group: `tg.create_task(coro)`. Returns its id.
    ///
    /// # Panics
    /// Outside a runtime, like [`spawn`](crate::spawn).
    ///
    /// ```
    /// # runtime::run(async {
    /// let group = runtime::task::TaskGroup::<u8, ()>::new();
    /// let id = group.spawn(async { Ok(1) });
    /// assert_eq!(group.len(), 1);
    /// # let _ = id;
    /// # });
    /// ```
    #[track_caller]
    pub fn spawn<F>(&self, future: F) -> TaskId
    where
        F: Future<Output = Result<T, E>> + Send + 'static,
    {
        let handle = crate::spawn(future);
        let id = handle.id();
        self.tasks.lock().push(handle);
        id
    }

    /// Number of tasks spawned into the group.
    ///
    /// ```
    /// let group = runtime::task::TaskGroup::<(), ()>::new();
    /// assert_eq!(group.len(), 0);
    /// ```
    pub fn len(&self) -> usize {
        self.tasks.lock().len()
    }

    /// True when no task was spawned.
    ///
    /// ```
    /// assert!(runtime::task::TaskGroup::<(), ()>::new().is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Cancels every task of the group that is still running.
    ///
    /// ```
    /// # runtime::run(async {
    /// let group = runtime::task::TaskGroup::<(), ()>::new();
    /// group.spawn(std::future::pending());
    /// group.abort_all();
    /// assert!(group.join().await.unwrap_err().is_cancelled());
    /// # });
    /// ```
    pub fn abort_all(&self) {
        for handle in self.tasks.lock().iter() {
            handle.abort();
        }
    }

    /// Waits for every task: the end of `async with TaskGroup()`.
    ///
    /// `Ok` with each task's value in spawn order, or the first failure
    /// after every other task was cancelled and has stopped (failures that
    /// happened meanwhile are in [`TaskGroupError::others`]).
    ///
    /// ```
    /// # runtime::run(async {
    /// let group = runtime::task::TaskGroup::<&str, ()>::new();
    /// group.spawn(async { Ok("a") });
    /// group.spawn(async { Ok("b") });
    /// assert_eq!(group.join().await, Ok(vec!["a", "b"]));
    /// # });
    /// ```
    pub fn join(self) -> Join<T, E> {
        let handles = std::mem::take(&mut *self.tasks.lock());
        let ids = handles.iter().map(JoinHandle::id).collect();
        let set = FutureSet::new(handles);
        let results = (0..set.len()).map(|_| None).collect();
        Join {
            set,
            ids,
            results,
            failure: None,
        }
    }
}

impl<T, E> Default for TaskGroup<T, E>
where
    T: Send + 'static,
    E: Send + 'static,
{
    fn default() -> Self {
        TaskGroup::new()
    }
}

impl<T, E> Drop for TaskGroup<T, E> {
    fn drop(&mut self) {
        for handle in self.tasks.lock().iter() {
            handle.abort();
        }
    }
}

impl<T, E> fmt::Debug for TaskGroup<T, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TaskGroup")
            .field("tasks", &self.tasks.lock().len())
            .finish()
    }
}

/// The future of [`TaskGroup::join`]. Dropping it cancels the tasks still
/// running.
#[must_use = "futures do nothing unless awaited"]
pub struct Join<T, E> {
    set: FutureSet<JoinHandle<Result<T, E>>>,
    /// Task ids, by spawn order.
    ids: Vec<TaskId>,
    results: Vec<Option<T>>,
    failure: Option<TaskGroupError<E>>,
}

// Results are never pinned.
impl<T, E> Unpin for Join<T, E> {}

impl<T, E> Future for Join<T, E> {
    type Output = Result<Vec<T>, TaskGroupError<E>>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = &mut *self;
        loop {
            let (index, result) = match this.set.poll_next(cx) {
                Poll::Ready(Some(next)) => next,
                Poll::Ready(None) => break,
                Poll::Pending => return Poll::Pending,
            };
            let failure = match result {
                Ok(Ok(value)) => {
                    this.results[index] = Some(value);
                    continue;
                }
                Ok(Err(error)) => Failure::Error(error),
                Err(join_error) => Failure::Join(join_error),
            };
            let id_failed = this.ids[index];
            match &mut this.failure {
                None => {
                    this.failure = Some(TaskGroupError {
                        id: id_failed,
                        failure,
                        others: Vec::new(),
                    });
                    // The first failure cancels the rest; keep polling until
                    // they have all stopped.
                    this.set.for_each_pending(|handle| handle.abort());
                }
                Some(first) => {
                    // Cancellations caused by the first failure are not
                    // failures of their own.
                    let caused_by_us = matches!(&failure, Failure::Join(e) if e.is_cancelled());
                    if !caused_by_us {
                        first.others.push(TaskGroupError {
                            id: id_failed,
                            failure,
                            others: Vec::new(),
                        });
                    }
                }
            }
        }
        if let Some(failure) = this.failure.take() {
            return Poll::Ready(Err(failure));
        }
        let results = std::mem::take(&mut this.results);
        Poll::Ready(Ok(results
            .into_iter()
            .map(|r| r.expect("TaskGroup join polled after completion"))
            .collect()))
    }
}

impl<T, E> Drop for Join<T, E> {
    fn drop(&mut self) {
        self.set.for_each_pending(|handle| handle.abort());
    }
}

impl<T, E> fmt::Debug for Join<T, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Join").field("set", &self.set).finish()
    }
}

enum Failure<E> {
    Error(E),
    Join(JoinError),
}

/// Why a [`TaskGroup`] failed: the first task to fail, and what made it
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
