//! `JoinHandle`: the awaitable side of a spawned task.

use super::coop;
use super::error::JoinError;
use super::id::TaskId;
use super::raw::RawTask;
use std::fmt;
use std::future::Future;
use std::marker::PhantomData;
use std::pin::Pin;
use std::task::{Context, Poll};

/// An owned permission to await a spawned task: asyncio's `Task`.
///
/// Awaiting it gives `Ok(output)`, or a [`JoinError`] if the task was
/// cancelled or panicked. Dropping it *detaches* the task, which keeps
/// running; it never cancels it (asyncio keeps a task running after its last
/// reference is gone too, if less reliably). Cancel with [`abort`](Self::abort).
///
/// ```
/// let rt = runtime::Runtime::new().unwrap();
/// rt.block_on(async {
///     let task = runtime::spawn(async { 6 * 7 });   // asyncio.create_task(...)
///     assert_eq!(task.await.unwrap(), 42);          // await task
/// });
/// ```
pub struct JoinHandle<T> {
    raw: RawTask,
    _output: PhantomData<T>,
}

// SAFETY: the handle only ever moves a `T` out of the task, so it may cross
// threads when `T: Send`; all shared state is behind the atomic state word.
unsafe impl<T: Send> Send for JoinHandle<T> {}
// SAFETY: `&JoinHandle` only allows `abort`, `is_finished` and `id`, which
// touch nothing but atomics.
unsafe impl<T: Send> Sync for JoinHandle<T> {}

impl<T> Unpin for JoinHandle<T> {}

impl<T> JoinHandle<T> {
    /// Takes over the join reference the task was created with.
    pub(super) fn new(raw: RawTask) -> JoinHandle<T> {
        JoinHandle {
            raw,
            _output: PhantomData,
        }
    }

    /// Cancels the task: asyncio's `Task.cancel()`.
    ///
    /// The future is dropped on a worker at the task's next scheduling point
    /// (at once if it is idle, after the current poll if it is running), and
    /// awaiting the handle then gives a [`JoinError`] with
    /// [`is_cancelled`](JoinError::is_cancelled). A task that completes
    /// before the cancellation takes effect keeps its output: abort may lose
    /// the race to completion. Aborting twice, or after completion, does
    /// nothing.
    ///
    /// ```
    /// let rt = runtime::Runtime::new().unwrap();
    /// rt.block_on(async {
    ///     let task = runtime::spawn(std::future::pending::<()>());
    ///     task.abort();
    ///     assert!(task.await.unwrap_err().is_cancelled());
    /// });
    /// ```
    pub fn abort(&self) {
        self.raw.remote_abort();
    }

    /// True when the task has finished (completed, panicked or been
    /// cancelled): asyncio's `Task.done()`. Never blocks.
    ///
    /// ```
    /// let rt = runtime::Runtime::new().unwrap();
    /// rt.block_on(async {
    ///     let task = runtime::spawn(async {});
    ///     while !task.is_finished() {
    ///         runtime::yield_now().await;
    ///     }
    ///     assert!(task.await.is_ok());
    /// });
    /// ```
    pub fn is_finished(&self) -> bool {
        self.raw.header().state.load().is_complete()
    }

    /// The task's id.
    ///
    /// ```
    /// let rt = runtime::Runtime::new().unwrap();
    /// let a = rt.spawn(async {});
    /// let b = rt.spawn(async {});
    /// assert_ne!(a.id(), b.id());
    /// ```
    pub fn id(&self) -> TaskId {
        self.raw.header().id()
    }
}

impl<T> Future for JoinHandle<T> {
    type Output = Result<T, JoinError>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let coop = std::task::ready!(coop::poll_proceed(cx));
        let mut output: Poll<Result<T, JoinError>> = Poll::Pending;
        // SAFETY: `output` has the task's output type (the handle was made
        // with it), and the handle holds the join interest.
        unsafe {
            self.raw
                .try_read_output((&raw mut output).cast::<()>(), cx.waker())
        };
        if output.is_ready() {
            coop.made_progress();
        } else {
            super::waiting::set(super::WaitingOn::Task(self.id()));
        }
        output
    }
}

impl<T> Drop for JoinHandle<T> {
    fn drop(&mut self) {
        // SAFETY: this is the task's JoinHandle, and its reference goes
        // with it.
        unsafe { self.raw.drop_join_handle() };
    }
}

impl<T> fmt::Debug for JoinHandle<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("JoinHandle")
            .field("id", &self.id())
            .field("finished", &self.is_finished())
            .finish()
    }
}
