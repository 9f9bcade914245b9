//! The task core's contract with schedulers: the `Schedule` trait a
//! scheduler implements, and the `Task` / `Notified` references it holds.
//!
//! # How a task works inside
//!
//! Each spawned task is **one heap allocation** (`core::Cell`) holding a
//! header, the scheduler handle and the future, later its output. Everything
//! that refers to a task — the owned-tasks list, a run-queue entry
//! (`Notified`), each `Waker`, the `JoinHandle` — is a pointer to that cell
//! holding one unit of its reference count. Wakers point straight at the
//! cell, so waking allocates nothing.
//!
//! One atomic word (`state::State`) drives the task: lifecycle bits
//! (`RUNNING`, `COMPLETE`), `NOTIFIED`, `CANCELLED`, the join bits and the
//! reference count, all changed together by compare-and-swap. The rules that
//! make this sound:
//!
//! 1. **The future belongs to whoever set `RUNNING`.** A worker sets it when
//!    it takes the task from a queue (`transition_to_running`); shutdown sets
//!    it to drop an idle task's future. Nobody else touches the stage until
//!    the owner clears `RUNNING` (idle) or sets `COMPLETE`.
//! 2. **At most one `Notified` exists.** A wake sets `NOTIFIED`; only the
//!    wake that flips it from clear to set on an idle task makes a
//!    `Notified` and schedules it. A wake during a poll only sets the bit,
//!    and the poller re-queues the task when the poll ends, so a task never
//!    runs on two workers at once and a wake is never lost.
//! 3. **Cancellation is a request.** `abort()` sets `CANCELLED` (and
//!    schedules an idle task); the future is dropped by whoever owns it next,
//!    on a worker. Abort after completion does nothing.
//! 4. **After `COMPLETE`, the output belongs to the `JoinHandle`** if there
//!    still is one (`JOIN_INTEREST`), else to the completing worker, which
//!    drops it. The `JOIN_WAKER` bit hands the join waker slot back and forth
//!    (see `state.rs`).
//! 5. **The cell is freed when the count reaches zero**, by whichever holder
//!    dropped the last reference.
//! 6. **Whoever calls `Schedule::schedule` holds a reference of its own
//!    until the call returns.** The scheduler handle it is called on lives
//!    in the task's cell, and the moment the task is queued another worker
//!    may run it to completion; so a wake adds a reference for the queue
//!    and drops the waker's (or the poller's) only afterwards.
//!
//! A panic while polling is caught on the worker: the future is dropped and
//! the panic becomes the task's [`JoinError`]; the worker goes on.

use super::core::Header;
use super::raw::RawTask;
use super::{JoinError, JoinHandle, TaskId, TaskMeta};
use std::any::Any;
use std::fmt;
use std::future::Future;
use std::marker::PhantomData;
use std::mem::ManuallyDrop;

/// The result of awaiting a task.
pub(crate) type Result<T> = std::result::Result<T, JoinError>;

/// What a scheduler must provide to the tasks it runs.
pub(crate) trait Schedule: Sync + Sized + 'static {
    /// The task completed: remove it from the owned-tasks list. Returns the
    /// list's reference if the task was still in it.
    fn release(&self, task: &Task<Self>) -> Option<Task<Self>>;

    /// Run the task soon.
    ///
    /// `self` is often the handle stored in `task`'s own cell. Callers keep
    /// a reference of their own to the task until this returns, so the
    /// scheduler may go on using `self` after it queued `task`, even though
    /// another worker may by then have run the task to completion.
    fn schedule(&self, task: Notified<Self>);

    /// Run the task after the others that are ready (it woke itself during
    /// its own poll, e.g. `yield_now`). The same guarantee as `schedule`.
    fn yield_now(&self, task: Notified<Self>) {
        self.schedule(task);
    }

    /// The task is done for good: its output is stored (or dropped) and
    /// its `JoinHandle` woken. (The blocking pool lets a paused clock
    /// auto-advance again here, not earlier: see `time::pause`.)
    fn completed(&self) {}

    /// A panic that no `JoinHandle` can report: in a task's destructor
    /// after it produced its output, or in a waker.
    fn unhandled_panic(&self, _id: TaskId, _payload: &(dyn Any + Send)) {}

    /// A task panicked and its `JoinHandle` was dropped, so nobody will
    /// ever see the panic (asyncio: "Task exception was never retrieved").
    fn unretrieved_panic(&self, _task: &Header) {}
}

/// A task reference held by the owned-tasks list.
pub(crate) struct Task<S: 'static> {
    pub(in crate::task) raw: RawTask,
    _scheduler: PhantomData<S>,
}

/// A task reference held by a run queue: the permission to poll the task
/// once. Dropping it without running it just releases the reference.
pub(crate) struct Notified<S: 'static>(pub(in crate::task) Task<S>);

// SAFETY: a `Task` is a counted pointer into a cell whose shared parts are
// atomic; futures that are not `Send` only get tasks through `spawn_local`,
// whose scheduler never lets the task leave its thread.
unsafe impl<S> Send for Task<S> {}
// SAFETY: as above.
unsafe impl<S> Sync for Task<S> {}

impl<S: 'static> Task<S> {
    /// Wraps a reference the caller owns.
    pub(crate) fn from_raw(raw: RawTask) -> Task<S> {
        Task {
            raw,
            _scheduler: PhantomData,
        }
    }

    /// Gives up the wrapper without releasing its reference.
    pub(crate) fn into_raw(self) -> RawTask {
        ManuallyDrop::new(self).raw
    }

    pub(crate) fn header(&self) -> &Header {
        self.raw.header()
    }

    pub(crate) fn id(&self) -> TaskId {
        self.header().id()
    }

    /// Cancels the task at shutdown; consumes this reference.
    pub(crate) fn shutdown(self) {
        // SAFETY: this wrapper's reference is given up here.
        unsafe { self.into_raw().shutdown() };
    }
}

impl<S: 'static> Drop for Task<S> {
    fn drop(&mut self) {
        // SAFETY: this wrapper owns the reference it drops.
        unsafe { self.raw.drop_reference() };
    }
}

impl<S: 'static> Notified<S> {
    /// # Safety
    /// The caller transfers one reference made for a `Notified` (the task's
    /// `NOTIFIED` bit is set on its behalf).
    pub(crate) unsafe fn from_raw(raw: RawTask) -> Notified<S> {
        Notified(Task::from_raw(raw))
    }

    /// Polls the task once, consuming this reference.
    pub(crate) fn run(self) {
        // SAFETY: a `Notified` owns a notified reference, given up here.
        unsafe { self.0.into_raw().poll() };
    }

    pub(crate) fn id(&self) -> TaskId {
        self.0.id()
    }

    pub(crate) fn location(&self) -> &'static std::panic::Location<'static> {
        self.0.header().location()
    }

    /// Gives up the wrapper for a raw pointer that carries its reference
    /// (for lock-free slots).
    pub(crate) fn into_ptr(self) -> std::ptr::NonNull<()> {
        self.0.into_raw().header_ptr().cast()
    }

    /// # Safety
    /// `ptr` came from `Notified::<S>::into_ptr` and is used only once.
    pub(crate) unsafe fn from_ptr(ptr: std::ptr::NonNull<()>) -> Notified<S> {
        // SAFETY: per the caller, a live task whose `Notified` reference
        // this pointer carries.
        unsafe { Notified::from_raw(RawTask::from_raw(ptr.cast())) }
    }

    /// Cancels the task without running it (shutdown of a queue that is
    /// the task's only owner); consumes this reference.
    pub(crate) fn shutdown(self) {
        self.0.shutdown();
    }
}

impl<S: 'static> fmt::Debug for Notified<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Notified({})", self.id())
    }
}

/// Creates a task that is in no owned list (blocking tasks): two references,
/// the `JoinHandle`'s and the `Notified`'s.
pub(crate) fn unowned<F, S>(
    future: F,
    scheduler: S,
    meta: TaskMeta,
) -> (Notified<S>, JoinHandle<F::Output>)
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
    S: Schedule,
{
    let raw = RawTask::new(future, scheduler, meta, 2);
    // SAFETY: one of the two references is the `Notified`'s, and the task
    // starts with NOTIFIED set.
    let notified = unsafe { Notified::from_raw(raw) };
    (notified, JoinHandle::new(raw))
}
