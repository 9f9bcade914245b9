//! The free spawn functions, which use the runtime of the calling thread
//! (API level: they look up the thread's scheduler, then hand the future
//! to the task core). Re-exported from `runtime::task` and the crate root.

use crate::scheduler;
use crate::scheduler::context;
use crate::task::{self, JoinHandle, TaskId, TaskMeta};
use std::future::Future;

/// Runs `future` as a new task on the current runtime: asyncio's
/// `asyncio.create_task(coro)`.
///
/// The task starts at once, in parallel with the caller, possibly on another
/// worker thread; await the returned [`JoinHandle`] for its output. Dropping
/// the handle detaches the task (it keeps running); `abort()` cancels it.
///
/// # Panics
/// When called outside a runtime (not inside `runtime::run`,
/// `#[runtime::main]`, `Runtime::block_on`, a task or `spawn_blocking`).
/// Use [`Handle::spawn`](crate::Handle::spawn) from other threads.
///
/// ```
/// #[runtime::main]
/// async fn main() {
///     let task = runtime::spawn(async { "hello from a task" });
///     println!("{}", task.await.unwrap());
/// }
/// ```
#[track_caller]
#[inline]
pub fn spawn<F>(future: F) -> JoinHandle<F::Output>
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    let meta = TaskMeta::here();
    match context::with_current(|handle| handle.spawn(future, meta)) {
        Ok(join) => join,
        Err(missing) => panic!("runtime::spawn {missing}"),
    }
}

/// Runs a blocking closure on the runtime's blocking thread pool:
/// asyncio's `asyncio.to_thread(f)` / `loop.run_in_executor(None, f)`.
///
/// Workers must never block (a blocked worker stalls every task queued on
/// it); blocking I/O, `std::thread::sleep`, heavy CPU work and blocking
/// locks go here instead. The pool grows up to
/// [`Builder::max_blocking_threads`](crate::Builder::max_blocking_threads)
/// and idle threads exit after a keep-alive. A closure that has started
/// cannot be cancelled: `abort()` only cancels one still in the queue.
///
/// # Panics
/// When called outside a runtime, like [`spawn`].
///
/// ```
/// #[runtime::main]
/// async fn main() {
///     let sum = runtime::spawn_blocking(|| (1..=100u64).sum::<u64>()).await.unwrap();
///     assert_eq!(sum, 5050);
/// }
/// ```
#[track_caller]
pub fn spawn_blocking<F, R>(f: F) -> JoinHandle<R>
where
    F: FnOnce() -> R + Send + 'static,
    R: Send + 'static,
{
    let meta = TaskMeta::here();
    match context::with_current(|handle| handle.spawn_blocking(f, meta)) {
        Ok(join) => join,
        Err(missing) => panic!("runtime::spawn_blocking {missing}"),
    }
}

/// Runs a `!Send` future as a task on the current `current_thread` runtime.
///
/// asyncio's tasks all live on one thread, so they may hold anything;
/// `spawn_local` gives the same freedom (an `Rc`, a `RefCell` borrowed
/// across an `.await`) on the single-threaded flavor. The task only ever
/// runs on the thread that drives the runtime.
///
/// # Panics
/// Unless called from a task or `block_on` of a `current_thread` runtime, on
/// the thread that drives it (the multi-thread scheduler moves tasks between
/// threads, which a `!Send` future forbids).
///
/// ```
/// use std::rc::Rc;
///
/// #[runtime::main(flavor = "current_thread")]
/// async fn main() {
///     let shared = Rc::new(5);
///     let copy = shared.clone();
///     let task = runtime::task::spawn_local(async move { *copy * 2 });
///     assert_eq!(task.await.unwrap(), 10);
///     assert_eq!(Rc::strong_count(&shared), 1);
/// }
/// ```
#[track_caller]
pub fn spawn_local<F>(future: F) -> JoinHandle<F::Output>
where
    F: Future + 'static,
    F::Output: 'static,
{
    let meta = TaskMeta::here();
    let spawned = context::with_scheduler(|cx| match cx {
        Some(scheduler::Context::CurrentThread(cx)) => Some(cx.spawn_local(future, meta)),
        _ => None,
    });
    match spawned {
        Some(join) => join,
        None => panic!(
            "runtime::task::spawn_local called outside of a current_thread runtime: it must be \
             called from a task or block_on of a runtime built with Builder::current_thread() \
             (or #[runtime::main(flavor = \"current_thread\")]), on the thread that drives it. \
             The multi-thread scheduler moves tasks between threads, which a !Send future forbids; \
             use runtime::spawn for Send futures"
        ),
    }
}

/// The id of the task that is running on this thread: asyncio's
/// `asyncio.current_task()`. `None` outside a task (in `block_on`'s own
/// future, or on a thread that is not running a task).
///
/// ```
/// let rt = runtime::Runtime::new().unwrap();
/// rt.block_on(async {
///     assert_eq!(runtime::task::current_id(), None); // block_on's own future
///     let task = runtime::spawn(async { runtime::task::current_id() });
///     let id = task.id();
///     assert_eq!(task.await.unwrap(), Some(id));
/// });
/// ```
pub fn current_id() -> Option<TaskId> {
    task::current::task_id()
}
