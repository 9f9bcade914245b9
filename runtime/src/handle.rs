//! `Handle`: a cloneable reference to a runtime, usable from any thread.

use crate::metrics::RuntimeMetrics;
use crate::scheduler::context;
use crate::scheduler::{self, park_thread};
use crate::task::{JoinHandle, TaskMeta};
use std::fmt;
use std::future::Future;
use std::marker::PhantomData;

/// A handle to a runtime: what asyncio code reaches with
/// `asyncio.get_running_loop()`.
///
/// Cheap to clone, `Send + Sync`: keep one in a struct or move it to another
/// thread to spawn tasks onto the runtime, run a future on it, or stop its
/// `run_forever`.
///
/// ```
/// let rt = runtime::Runtime::new().unwrap();
/// let handle = rt.handle().clone();
/// let task = std::thread::spawn(move || handle.spawn(async { 5 }))
///     .join()
///     .unwrap();
/// assert_eq!(rt.block_on(task).unwrap(), 5);
/// ```
#[derive(Clone)]
pub struct Handle {
    pub(crate) inner: scheduler::Handle,
}

/// Which scheduler a runtime uses.
///
/// ```
/// let rt = runtime::Builder::current_thread().build().unwrap();
/// assert_eq!(rt.handle().flavor(), runtime::RuntimeFlavor::CurrentThread);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum RuntimeFlavor {
    /// Work-stealing worker threads.
    MultiThread,
    /// One event loop on the thread that calls `block_on`.
    CurrentThread,
}

impl Handle {
    /// The runtime of the calling thread: asyncio's
    /// `asyncio.get_running_loop()`.
    ///
    /// # Panics
    /// Outside a runtime (not in a task, `block_on`, `spawn_blocking` or
    /// under `Runtime::enter`). Use [`try_current`](Self::try_current) to
    /// check instead.
    ///
    /// ```
    /// let rt = runtime::Runtime::new().unwrap();
    /// rt.block_on(async {
    ///     let handle = runtime::Handle::current();
    ///     handle.spawn(async { println!("spawned through the handle") });
    /// });
    /// ```
    #[track_caller]
    pub fn current() -> Handle {
        match context::with_current(Clone::clone) {
            Ok(inner) => Handle { inner },
            Err(missing) => panic!("Handle::current() {missing}"),
        }
    }

    /// The runtime of the calling thread, or `None` outside one.
    ///
    /// ```
    /// assert!(runtime::Handle::try_current().is_none());
    /// let rt = runtime::Runtime::new().unwrap();
    /// rt.block_on(async { assert!(runtime::Handle::try_current().is_some()) });
    /// ```
    pub fn try_current() -> Option<Handle> {
        context::with_current(Clone::clone)
            .ok()
            .map(|inner| Handle { inner })
    }

    /// Spawns a task onto this runtime from any thread: asyncio's
    /// `loop.create_task` (or `asyncio.run_coroutine_threadsafe` from another
    /// thread).
    ///
    /// ```
    /// let rt = runtime::Runtime::new().unwrap();
    /// let task = rt.handle().spawn(async { 1 });
    /// assert_eq!(rt.block_on(task).unwrap(), 1);
    /// ```
    #[track_caller]
    pub fn spawn<F>(&self, future: F) -> JoinHandle<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        self.inner.spawn(future, TaskMeta::here())
    }

    /// Runs a blocking closure on this runtime's blocking pool: asyncio's
    /// `loop.run_in_executor(None, f)`.
    ///
    /// ```
    /// let rt = runtime::Runtime::new().unwrap();
    /// let task = rt.handle().spawn_blocking(|| 2 + 2);
    /// assert_eq!(rt.block_on(task).unwrap(), 4);
    /// ```
    #[track_caller]
    pub fn spawn_blocking<F, R>(&self, f: F) -> JoinHandle<R>
    where
        F: FnOnce() -> R + Send + 'static,
        R: Send + 'static,
    {
        self.inner.spawn_blocking(f, TaskMeta::here())
    }

    /// Runs `future` to completion on the calling thread with this runtime
    /// current: asyncio's `loop.run_until_complete`. See
    /// [`Runtime::block_on`](crate::Runtime::block_on).
    ///
    /// # Panics
    /// If called from a thread that drives a runtime (a worker, or inside
    /// another `block_on`).
    ///
    /// ```
    /// let rt = runtime::Runtime::new().unwrap();
    /// let handle = rt.handle().clone();
    /// let out = std::thread::spawn(move || handle.block_on(async { 7 })).join().unwrap();
    /// assert_eq!(out, 7);
    /// ```
    #[track_caller]
    pub fn block_on<F: Future>(&self, future: F) -> F::Output {
        match &self.inner {
            scheduler::Handle::MultiThread(_) => {
                let _driving = context::enter_driving("block_on");
                let _current = context::set_current(&self.inner);
                park_thread::block_on(future)
            }
            scheduler::Handle::CurrentThread(handle) => handle.block_on(future),
        }
    }

    /// Ends the current (or next) [`Runtime::run_forever`](crate::Runtime::run_forever):
    /// asyncio's `loop.stop()`. Callable from any thread or task.
    ///
    /// ```
    /// let rt = runtime::Runtime::new().unwrap();
    /// let handle = rt.handle().clone();
    /// rt.spawn(async move { handle.stop() });
    /// rt.run_forever();
    /// ```
    pub fn stop(&self) {
        self.inner.common().stop.stop();
    }

    /// Makes this runtime current on this thread until the guard drops.
    ///
    /// ```
    /// let rt = runtime::Runtime::new().unwrap();
    /// let handle = rt.handle().clone();
    /// std::thread::spawn(move || {
    ///     let _guard = handle.enter();
    ///     drop(runtime::spawn(async {}));
    /// })
    /// .join()
    /// .unwrap();
    /// ```
    pub fn enter(&self) -> EnterGuard<'_> {
        EnterGuard {
            _guard: context::set_current(&self.inner),
            _handle: PhantomData,
        }
    }

    /// Which scheduler this runtime uses.
    ///
    /// ```
    /// let rt = runtime::Runtime::new().unwrap();
    /// assert_eq!(rt.handle().flavor(), runtime::RuntimeFlavor::MultiThread);
    /// ```
    pub fn flavor(&self) -> RuntimeFlavor {
        match self.inner {
            scheduler::Handle::MultiThread(_) => RuntimeFlavor::MultiThread,
            scheduler::Handle::CurrentThread(_) => RuntimeFlavor::CurrentThread,
        }
    }

    /// Every task alive on this runtime, with where it was spawned, its
    /// state, what it waits on, its poll count and its age: asyncio's
    /// `asyncio.all_tasks()`. Blocking closures (`spawn_blocking`) are not
    /// listed. Reading the dump briefly locks each shard of the task list;
    /// it never stops a worker.
    ///
    /// ```
    /// let rt = runtime::Runtime::new().unwrap();
    /// let waiting = rt.spawn(std::future::pending::<()>());
    /// let dump = rt.handle().dump();
    /// assert_eq!(dump.len(), 1);
    /// assert_eq!(dump[0].id(), waiting.id());
    /// ```
    pub fn dump(&self) -> Vec<crate::debug::TaskInfo> {
        let mut tasks = Vec::new();
        self.inner
            .common()
            .for_each_task(|header| tasks.push(crate::debug::TaskInfo::from_header(header)));
        tasks
    }

    /// A snapshot of the runtime's counters. Reading them never stops a
    /// worker.
    ///
    /// ```
    /// let rt = runtime::Builder::multi_thread().worker_threads(2).build().unwrap();
    /// let metrics = rt.handle().metrics();
    /// assert_eq!(metrics.num_workers(), 2);
    /// ```
    pub fn metrics(&self) -> RuntimeMetrics {
        RuntimeMetrics::new(self.inner.clone())
    }
}

impl fmt::Debug for Handle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Handle")
            .field("flavor", &self.flavor())
            .finish_non_exhaustive()
    }
}

/// Keeps a runtime current on this thread; see [`Handle::enter`].
///
/// ```
/// let rt = runtime::Runtime::new().unwrap();
/// let guard = rt.enter();
/// assert!(runtime::Handle::try_current().is_some());
/// drop(guard);
/// assert!(runtime::Handle::try_current().is_none());
/// ```
#[must_use = "the runtime stops being current when the guard is dropped"]
pub struct EnterGuard<'a> {
    _guard: context::SetCurrentGuard,
    _handle: PhantomData<&'a Handle>,
}

impl fmt::Debug for EnterGuard<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("EnterGuard")
    }
}
