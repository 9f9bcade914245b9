//! `TaskGroup`: structured concurrency, asyncio's `asyncio.TaskGroup`.

use super::future_set::FutureSet;
use super::task_group_error::{Failure, TaskGroupError};
use crate::loom::Mutex;
use crate::task::{JoinHandle, TaskId};
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
                    this.failure = Some(TaskGroupError::new(id_failed, failure));
                    // The first failure cancels the rest; keep polling until
                    // they have all stopped.
                    this.set.for_each_pending(|handle| handle.abort());
                }
                Some(first) => {
                    // Cancellations caused by the first failure are not
                    // failures of their own.
                    let caused_by_us = matches!(&failure, Failure::Join(e) if e.is_cancelled());
                    if !caused_by_us {
                        first.push_other(TaskGroupError::new(id_failed, failure));
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

/// Concurrency models of cancellation racing completion in a group: the
/// real `TaskGroup`, `Join` and task code, the tasks run by a mock
/// scheduler (the group's own `spawn` needs a runtime, which loom cannot
/// run). Under `--cfg loom` every interleaving is explored; otherwise each
/// model runs once on real threads.
#[cfg(test)]
mod models {
    use super::TaskGroup;
    use crate::loom::{Arc, AtomicUsize, Mutex, Ordering, thread};
    use crate::task::mock::{Counted, Mock, bind, mock};
    use crate::task::{JoinHandle, TaskId};
    use std::future::{Future, poll_fn};
    use std::pin::Pin;
    use std::task::{Context, Poll, Waker};

    /// What the test keeps of a gated task.
    struct Probe {
        id: TaskId,
        gate: Arc<Mutex<(bool, Option<Waker>)>>,
        /// Drops of the task's future.
        future_drops: Arc<AtomicUsize>,
        /// Drops of the task's `Ok` output.
        output_drops: Arc<AtomicUsize>,
    }

    impl Probe {
        /// Opens the gate and wakes the task, as a resource would.
        fn open(&self) {
            let waker = {
                let mut gate = self.gate.lock();
                gate.0 = true;
                gate.1.take()
            };
            if let Some(waker) = waker {
                waker.wake();
            }
        }
    }

    /// A task whose future is pending until its gate opens, then gives `Ok`
    /// (a counted value) or `Err(error)`. Scheduled, not yet run.
    fn spawn_gated(
        sched: &Arc<Mock>,
        error: Option<u8>,
    ) -> (JoinHandle<Result<Counted, u8>>, Probe) {
        let gate = Arc::new(Mutex::new((false, None::<Waker>)));
        let future_drops = Arc::new(AtomicUsize::new(0));
        let output_drops = Arc::new(AtomicUsize::new(0));
        let future = {
            let gate = gate.clone();
            let dropped = Counted(future_drops.clone());
            let output_drops = output_drops.clone();
            poll_fn(move |cx| {
                let _dropped = &dropped;
                let mut gate = gate.lock();
                if !gate.0 {
                    gate.1 = Some(cx.waker().clone());
                    return Poll::Pending;
                }
                Poll::Ready(match error {
                    Some(error) => Err(error),
                    None => Ok(Counted(output_drops.clone())),
                })
            })
        };
        let (join, notified) = bind(sched, future);
        sched.push(notified);
        let probe = Probe {
            id: join.id(),
            gate,
            future_drops,
            output_drops,
        };
        (join, probe)
    }

    fn group_of(handles: Vec<JoinHandle<Result<Counted, u8>>>) -> TaskGroup<Counted, u8> {
        TaskGroup {
            tasks: Mutex::new(handles),
        }
    }

    /// Awaits the group. Whatever a poll of the join queued (its aborts
    /// schedule the tasks) is run before the joining thread parks; the
    /// worker runs what its own wake queued.
    fn join(
        sched: &Arc<Mock>,
        group: TaskGroup<Counted, u8>,
    ) -> Result<Vec<Counted>, super::TaskGroupError<u8>> {
        let mut join = group.join();
        crate::loom::block_on(poll_fn(|cx: &mut Context<'_>| {
            loop {
                sched.run_queue();
                if let Poll::Ready(result) = Pin::new(&mut join).poll(cx) {
                    return Poll::Ready(result);
                }
                if sched.queue.lock().is_empty() {
                    return Poll::Pending;
                }
            }
        }))
    }

    /// Every task was freed: only the test's `Arc<Mock>` is left.
    fn assert_freed(sched: &Arc<Mock>, probes: &[&Probe]) {
        for probe in probes {
            drop(probe.gate.lock().1.take());
        }
        sched.queue.lock().clear();
        assert_eq!(Arc::strong_count(sched), 1, "a task reference leaked");
    }

    /// Outcomes seen over all the interleavings of a model (plain `std`
    /// atomics: they outlive loom's executions).
    static ABORT_ALL_OUTCOMES: [std::sync::atomic::AtomicUsize; 2] = [
        std::sync::atomic::AtomicUsize::new(0),
        std::sync::atomic::AtomicUsize::new(0),
    ];

    /// `abort_all` while the group's one task is completing on a worker:
    /// `join` gives either the task's value or its cancellation, never
    /// neither (a lost result or a lost wake-up: loom would report the
    /// joining thread blocked forever) and never both; the future is
    /// dropped once, the value (if made) once, and no task reference leaks.
    /// Under loom both outcomes occur.
    ///
    /// Fails on the broken variant of `Join::poll` that takes every
    /// cancellation for one the group caused itself (the `caused_by_us`
    /// skip applied before any failure, too): when the abort wins, the
    /// task's result is dropped on the floor and `join` panics on the
    /// missing value ("TaskGroup join polled after completion").
    #[test]
    fn loom_abort_all_races_with_completion() {
        crate::loom::model(|| {
            let sched = mock();
            let (handle, probe) = spawn_gated(&sched, None);
            sched.run_queue(); // first poll: pending at the gate
            let group = group_of(vec![handle]);
            let probe = std::sync::Arc::new(probe);
            let worker = {
                let (sched, probe) = (sched.clone(), probe.clone());
                thread::spawn(move || {
                    probe.open();
                    sched.run_queue();
                })
            };
            group.abort_all();
            let result = join(&sched, group);
            worker.join().unwrap();
            match result {
                Ok(values) => {
                    assert_eq!(values.len(), 1, "the value is not lost");
                    assert_eq!(probe.output_drops.load(Ordering::SeqCst), 0);
                    drop(values);
                    assert_eq!(probe.output_drops.load(Ordering::SeqCst), 1);
                    ABORT_ALL_OUTCOMES[0].fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                }
                Err(error) => {
                    assert!(error.is_cancelled(), "{error:?}");
                    assert_eq!(error.task_id(), probe.id);
                    assert!(error.others().is_empty());
                    assert_eq!(
                        probe.output_drops.load(Ordering::SeqCst),
                        0,
                        "a cancelled task made no value"
                    );
                    ABORT_ALL_OUTCOMES[1].fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                }
            }
            assert_eq!(probe.future_drops.load(Ordering::SeqCst), 1);
            assert_freed(&sched, &[&probe]);
        });
        if cfg!(loom) {
            let [ok, cancelled] = ABORT_ALL_OUTCOMES
                .each_ref()
                .map(|n| n.load(std::sync::atomic::Ordering::Relaxed));
            assert!(ok > 0 && cancelled > 0, "ok: {ok}, cancelled: {cancelled}");
        }
    }

    /// Outcomes for the sibling of the failing task (see below).
    static SIBLING_OUTCOMES: [std::sync::atomic::AtomicUsize; 2] = [
        std::sync::atomic::AtomicUsize::new(0),
        std::sync::atomic::AtomicUsize::new(0),
    ];

    /// One task fails, so `join` cancels its sibling, which is completing
    /// on a worker at that moment: `join` reports the first failure alone
    /// (the sibling's cancellation, if the abort won, is the group's doing,
    /// not a failure of its own), the sibling's value (if it won) is
    /// dropped exactly once, and no task reference leaks. Under loom both
    /// outcomes for the sibling occur.
    ///
    /// Fails on the broken variant of `Join::poll` without the
    /// `caused_by_us` filter: when the abort wins, the sibling's
    /// cancellation shows up in `others()`.
    #[test]
    fn loom_first_failure_cancels_a_sibling_that_is_completing() {
        crate::loom::model(|| {
            let sched = mock();
            let (failing, first) = spawn_gated(&sched, Some(7));
            let (sibling, second) = spawn_gated(&sched, None);
            first.open(); // fails on its first poll
            sched.run_queue(); // `first` fails, `second` waits at its gate
            let group = group_of(vec![failing, sibling]);
            let second = std::sync::Arc::new(second);
            let worker = {
                let (sched, second) = (sched.clone(), second.clone());
                thread::spawn(move || {
                    second.open();
                    sched.run_queue();
                })
            };
            let error = join(&sched, group).expect_err("the group failed");
            worker.join().unwrap();
            assert_eq!(error.task_id(), first.id);
            assert_eq!(error.error(), Some(&7));
            assert!(
                error.others().is_empty(),
                "the sibling's cancellation is not a failure: {error:?}"
            );
            let sibling_values = second.output_drops.load(Ordering::SeqCst);
            assert!(sibling_values <= 1, "the sibling's value dropped once");
            SIBLING_OUTCOMES[sibling_values].fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            assert_eq!(first.future_drops.load(Ordering::SeqCst), 1);
            assert_eq!(second.future_drops.load(Ordering::SeqCst), 1);
            assert_freed(&sched, &[&first, &second]);
        });
        if cfg!(loom) {
            let [cancelled, completed] = SIBLING_OUTCOMES
                .each_ref()
                .map(|n| n.load(std::sync::atomic::Ordering::Relaxed));
            assert!(
                cancelled > 0 && completed > 0,
                "cancelled: {cancelled}, completed: {completed}"
            );
        }
    }
}
