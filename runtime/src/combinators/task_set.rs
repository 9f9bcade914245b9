//! `TaskSet`: a long-lived set of spawned tasks, reaped as they finish.
//!
//! It is a `FutureSet` of `JoinHandle`s that grows by `push`: a finished
//! task's slot (and its waker state) goes to the next task spawned, so the
//! set holds as many slots as it ever had tasks alive at once.

use super::future_set::FutureSet;
use crate::task::coop;
use crate::task::{JoinError, JoinHandle, TaskId};
use std::fmt;
use std::future::{Future, poll_fn};
use std::task::{Context, Poll, Waker};

/// A set of spawned tasks whose results are taken in completion order, and
/// which forgets each task once its result was taken: what an asyncio
/// server keeps as a `set()` of tasks (with
/// `task.add_done_callback(tasks.discard)`) and drains with
/// `asyncio.wait(tasks, return_when=FIRST_COMPLETED)`. Tokio calls it
/// `JoinSet`.
///
/// Unlike [`TaskGroup`](super::TaskGroup), which keeps every result until
/// `join` and gives them in spawn order, a `TaskSet` is made to live as long
/// as a server: [`join_next`](Self::join_next) gives the next task to
/// finish and drops it from the set, so a set that has seen millions of
/// tasks holds only the live ones (its memory follows the most tasks alive
/// at once, never the number spawned). Waiting is `O(1)` per finished task:
/// each task's completion queues its slot, no scan of the set.
///
/// Tasks run in parallel on the runtime, like [`spawn`](crate::spawn), and
/// need no polling of the set to make progress.
///
/// Dropping the set **aborts** the tasks still in it (each stops at its
/// next `.await`, as with [`JoinHandle::abort`]); it does not wait for
/// them: use [`shutdown`](Self::shutdown) for that.
///
/// ```
/// use runtime::task::TaskSet;
/// use std::time::Duration;
///
/// # runtime::run(async {
/// let mut tasks = TaskSet::new();                  // tasks = set()
/// for ms in [30, 10, 20] {
///     tasks.spawn(async move {                     // tasks.add(asyncio.create_task(...))
///         runtime::time::sleep(Duration::from_millis(ms)).await;
///         ms
///     });
/// }
/// let mut order = Vec::new();
/// // while tasks: done, tasks = await asyncio.wait(tasks, return_when=FIRST_COMPLETED)
/// while let Some(result) = tasks.join_next().await {
///     order.push(result.unwrap());
/// }
/// assert_eq!(order, [10, 20, 30]);
/// assert!(tasks.is_empty());
/// # });
/// ```
pub struct TaskSet<T> {
    set: FutureSet<JoinHandle<T>>,
}

impl<T> TaskSet<T> {
    /// An empty set: `tasks = set()`.
    ///
    /// ```
    /// let tasks = runtime::task::TaskSet::<()>::new();
    /// assert!(tasks.is_empty());
    /// ```
    pub fn new() -> TaskSet<T> {
        TaskSet {
            set: FutureSet::new(std::iter::empty()),
        }
    }

    /// Number of tasks in the set: spawned and whose result was not taken
    /// yet (a finished task stays counted until `join_next` gives it):
    /// `len(tasks)`.
    ///
    /// ```
    /// # runtime::run(async {
    /// let mut tasks = runtime::task::TaskSet::new();
    /// tasks.spawn(async { 1 });
    /// tasks.spawn(async { 2 });
    /// assert_eq!(tasks.len(), 2);
    /// tasks.join_next().await;
    /// assert_eq!(tasks.len(), 1);
    /// # });
    /// ```
    pub fn len(&self) -> usize {
        self.set.pending()
    }

    /// True when the set holds no task: `not tasks`.
    ///
    /// ```
    /// assert!(runtime::task::TaskSet::<u8>::new().is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Cancels every task in the set: `for t in tasks: t.cancel()`.
    ///
    /// The tasks stay in the set until [`join_next`](Self::join_next) gives
    /// them, each as a cancelled [`JoinError`] (or its output, if it
    /// finished before the cancellation took effect).
    ///
    /// ```
    /// # runtime::run(async {
    /// let mut tasks = runtime::task::TaskSet::new();
    /// tasks.spawn(std::future::pending::<()>());
    /// tasks.abort_all();
    /// assert!(tasks.join_next().await.unwrap().unwrap_err().is_cancelled());
    /// # });
    /// ```
    pub fn abort_all(&mut self) {
        self.set.for_each_pending(|handle| handle.abort());
    }

    /// The next task to finish, leaving the set: `Some(Ok(output))`,
    /// `Some(Err(_))` if it panicked or was cancelled, `None` once the set
    /// is empty. asyncio's
    /// `done, tasks = await asyncio.wait(tasks, return_when=FIRST_COMPLETED)`,
    /// one task at a time, or `async for t in asyncio.as_completed(tasks)`.
    ///
    /// Cancel safe: dropping the future before it is ready loses no result.
    ///
    /// ```
    /// # runtime::run(async {
    /// let mut tasks = runtime::task::TaskSet::new();
    /// tasks.spawn(std::future::pending::<&str>());
    /// tasks.spawn(async { "quick" });
    /// assert_eq!(tasks.join_next().await.unwrap().unwrap(), "quick");
    /// tasks.abort_all();
    /// assert!(tasks.join_next().await.unwrap().is_err());
    /// assert!(tasks.join_next().await.is_none());
    /// # });
    /// ```
    pub async fn join_next(&mut self) -> Option<Result<T, JoinError>> {
        poll_fn(|cx| self.poll_join_next(cx)).await
    }

    /// The polling form of [`join_next`](Self::join_next), for hand-written
    /// futures: `Ready(None)` when the set is empty; `Pending` (and `cx` is
    /// woken when a task finishes) while every task is running.
    ///
    /// ```
    /// use std::future::poll_fn;
    /// # runtime::run(async {
    /// let mut tasks = runtime::task::TaskSet::new();
    /// tasks.spawn(async { 5 });
    /// let next = poll_fn(|cx| tasks.poll_join_next(cx)).await;
    /// assert_eq!(next.unwrap().unwrap(), 5);
    /// # });
    /// ```
    pub fn poll_join_next(&mut self, cx: &mut Context<'_>) -> Poll<Option<Result<T, JoinError>>> {
        self.set
            .poll_next(cx)
            .map(|next| next.map(|(_, result)| result))
    }

    /// A task that has finished, if there is one, without waiting: `None`
    /// when the set is empty or every task is still running. asyncio's
    /// `next((t for t in tasks if t.done()), None)` followed by
    /// `tasks.discard(t)`, without the scan.
    ///
    /// ```
    /// # runtime::run(async {
    /// let mut tasks = runtime::task::TaskSet::new();
    /// tasks.spawn(std::future::pending::<()>());
    /// assert!(tasks.try_join_next().is_none()); // still running
    /// tasks.abort_all();
    /// let result = loop {
    ///     if let Some(result) = tasks.try_join_next() {
    ///         break result;
    ///     }
    ///     runtime::yield_now().await;
    /// };
    /// assert!(result.unwrap_err().is_cancelled());
    /// # });
    /// ```
    pub fn try_join_next(&mut self) -> Option<Result<T, JoinError>> {
        let mut cx = Context::from_waker(Waker::noop());
        // Without a budget: a caller out of budget still gets what is done.
        // A task finished but not yet queued is reported by the next call.
        coop::with_unconstrained(|| match self.poll_join_next(&mut cx) {
            Poll::Ready(next) => next,
            Poll::Pending => None,
        })
    }

    /// Cancels every task and waits until each has stopped, discarding
    /// their results: the set is empty afterwards. asyncio's
    /// `for t in tasks: t.cancel()` then `await asyncio.gather(*tasks,
    /// return_exceptions=True)`.
    ///
    /// ```
    /// # runtime::run(async {
    /// let mut tasks = runtime::task::TaskSet::new();
    /// for _ in 0..3 {
    ///     tasks.spawn(std::future::pending::<()>());
    /// }
    /// tasks.shutdown().await;
    /// assert!(tasks.is_empty());
    /// # });
    /// ```
    pub async fn shutdown(&mut self) {
        self.abort_all();
        while self.join_next().await.is_some() {}
    }

    /// Largest capacity among the set's internal buffers (slots, queues).
    /// For tests that check a long-lived set's memory stays flat; not part
    /// of the API.
    #[doc(hidden)]
    pub fn capacity_probe(&self) -> usize {
        self.set.capacity()
    }
}

impl<T: Send + 'static> TaskSet<T> {
    /// Spawns a task on the current runtime, like [`spawn`](crate::spawn),
    /// and adds it to the set: `tasks.add(asyncio.create_task(coro))`.
    /// Returns the task's id. The task starts at once.
    ///
    /// # Panics
    /// Outside a runtime, like [`spawn`](crate::spawn).
    ///
    /// ```
    /// # runtime::run(async {
    /// let mut tasks = runtime::task::TaskSet::new();
    /// let id = tasks.spawn(async { runtime::task::current_id() });
    /// assert_eq!(tasks.join_next().await.unwrap().unwrap(), Some(id));
    /// # });
    /// ```
    #[track_caller]
    pub fn spawn<F>(&mut self, future: F) -> TaskId
    where
        F: Future<Output = T> + Send + 'static,
    {
        let handle = crate::spawn(future);
        let id = handle.id();
        self.set.push(handle);
        id
    }
}

impl<T> Default for TaskSet<T> {
    fn default() -> Self {
        TaskSet::new()
    }
}

/// Aborts the tasks still in the set (without waiting for them).
impl<T> Drop for TaskSet<T> {
    fn drop(&mut self) {
        self.abort_all();
    }
}

impl<T> fmt::Debug for TaskSet<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TaskSet").field("len", &self.len()).finish()
    }
}
