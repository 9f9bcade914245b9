//! `Runtime`: the event loop, and `run`, asyncio's `asyncio.run`.

use crate::blocking::BlockingPool;
use crate::handle::{EnterGuard, Handle};
use crate::scheduler::{self, multi_thread};
use crate::task::JoinHandle;
use std::fmt;
use std::future::Future;
use std::io;
use std::time::Duration;

/// The event loop: asyncio's `loop` object.
///
/// It owns the worker threads (or, for `current_thread`, the loop state),
/// the I/O and timer driver and the blocking pool. Dropping it shuts it down:
/// the workers stop, every task that has not finished is dropped on the spot
/// (its destructors run, and awaiting its `JoinHandle` gives a cancelled
/// `JoinError`), and the threads are joined. That is asyncio's
/// `loop.close()`, which cancels what is still pending. A runtime dropped
/// inside async code (in a task or a `block_on`) does not wait for its
/// threads, like [`shutdown_background`](Self::shutdown_background), so it
/// cannot stall the thread that drops it.
///
/// ```
/// let rt = runtime::Runtime::new()?;                 // asyncio.new_event_loop()
/// let task = rt.spawn(async { 6 * 7 });              // loop.create_task(...)
/// let answer = rt.block_on(task).unwrap();           // loop.run_until_complete(...)
/// assert_eq!(answer, 42);
/// drop(rt);                                          // loop.close()
/// # Ok::<(), std::io::Error>(())
/// ```
pub struct Runtime {
    handle: Handle,
    scheduler: Scheduler,
    blocking_pool: BlockingPool,
}

/// The scheduler-specific part a runtime owns.
pub(crate) enum Scheduler {
    /// `None` once shut down.
    MultiThread(Option<multi_thread::MultiThread>),
    CurrentThread,
}

impl Runtime {
    pub(crate) fn from_parts(
        handle: Handle,
        scheduler: Scheduler,
        blocking_pool: BlockingPool,
    ) -> Runtime {
        Runtime {
            handle,
            scheduler,
            blocking_pool,
        }
    }

    /// A multi-thread runtime with default settings: one worker per core.
    /// See [`Builder`](crate::Builder) for the others.
    ///
    /// ```
    /// let rt = runtime::Runtime::new().unwrap();
    /// assert_eq!(rt.block_on(async { "done" }), "done");
    /// ```
    pub fn new() -> io::Result<Runtime> {
        crate::Builder::multi_thread().build()
    }

    /// Runs `future` to completion on the current thread and returns its
    /// output: asyncio's `loop.run_until_complete(coro)`.
    ///
    /// On a multi-thread runtime the future is polled on the calling thread
    /// while spawned tasks run on the workers. On a current_thread runtime
    /// the calling thread also runs every task, interleaved with `future`.
    ///
    /// # Panics
    /// If called from a thread that already drives this or another runtime
    /// (inside a task, or inside another `block_on`): blocking there would
    /// stall the tasks that thread drives. Use `.await` instead, or call it
    /// from `spawn_blocking`.
    ///
    /// ```
    /// let rt = runtime::Runtime::new().unwrap();
    /// let sum = rt.block_on(async {
    ///     let a = runtime::spawn(async { 1 });
    ///     let b = runtime::spawn(async { 2 });
    ///     a.await.unwrap() + b.await.unwrap()
    /// });
    /// assert_eq!(sum, 3);
    /// ```
    #[track_caller]
    pub fn block_on<F: Future>(&self, future: F) -> F::Output {
        self.handle.block_on(future)
    }

    /// Spawns a task: asyncio's `loop.create_task(coro)`. Works from any
    /// thread; on a current_thread runtime the task runs once some thread
    /// drives the loop (`block_on` or `run_forever`).
    ///
    /// ```
    /// let rt = runtime::Runtime::new().unwrap();
    /// let task = rt.spawn(async { "ran on a worker" });
    /// assert_eq!(rt.block_on(task).unwrap(), "ran on a worker");
    /// ```
    #[track_caller]
    pub fn spawn<F>(&self, future: F) -> JoinHandle<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        self.handle.spawn(future)
    }

    /// Runs a blocking closure on the blocking pool: asyncio's
    /// `loop.run_in_executor(None, f)`.
    ///
    /// ```
    /// let rt = runtime::Runtime::new().unwrap();
    /// let task = rt.spawn_blocking(|| std::fs::metadata(".").is_ok());
    /// assert!(rt.block_on(task).unwrap());
    /// ```
    #[track_caller]
    pub fn spawn_blocking<F, R>(&self, f: F) -> JoinHandle<R>
    where
        F: FnOnce() -> R + Send + 'static,
        R: Send + 'static,
    {
        self.handle.spawn_blocking(f)
    }

    /// A handle to this runtime, to spawn onto it or stop it from anywhere.
    ///
    /// ```
    /// let rt = runtime::Runtime::new().unwrap();
    /// let handle = rt.handle().clone();
    /// std::thread::spawn(move || handle.spawn(async {})).join().unwrap();
    /// ```
    pub fn handle(&self) -> &Handle {
        &self.handle
    }

    /// Makes this runtime the current one on this thread until the guard
    /// is dropped, so `runtime::spawn` works outside `block_on`.
    ///
    /// ```
    /// let rt = runtime::Runtime::new().unwrap();
    /// let _guard = rt.enter();
    /// let task = runtime::spawn(async { 1 });
    /// assert_eq!(rt.block_on(task).unwrap(), 1);
    /// ```
    pub fn enter(&self) -> EnterGuard<'_> {
        self.handle.enter()
    }

    /// Runs the loop until [`Handle::stop`] is called: asyncio's
    /// `loop.run_forever()`. Tasks run meanwhile (on a current_thread
    /// runtime, on this thread). A `stop()` that came before gives one turn
    /// of the loop and returns, as in asyncio; each `stop()` ends one
    /// `run_forever`.
    ///
    /// ```
    /// let rt = runtime::Builder::current_thread().build().unwrap();
    /// let handle = rt.handle().clone();
    /// rt.spawn(async move {
    ///     println!("working...");
    ///     handle.stop();                                  // loop.stop()
    /// });
    /// rt.run_forever();                                   // returns after stop()
    /// ```
    #[track_caller]
    pub fn run_forever(&self) {
        let stop = &self.handle.inner.common().stop;
        self.block_on(stop.wait());
    }

    /// Shuts the runtime down, waiting at most `timeout` for workers and
    /// blocking threads: asyncio's `loop.close()` with a deadline.
    ///
    /// Unfinished tasks are cancelled as on drop. A worker stuck in a
    /// blocking call, or a blocking task still running after `timeout`, is
    /// left behind (its thread is detached) instead of hanging the caller.
    ///
    /// ```
    /// use std::time::Duration;
    /// let rt = runtime::Runtime::new().unwrap();
    /// rt.spawn_blocking(|| std::thread::sleep(Duration::from_secs(3)));
    /// rt.shutdown_timeout(Duration::from_millis(50)); // returns after ~50 ms
    /// ```
    pub fn shutdown_timeout(mut self, timeout: Duration) {
        let start = std::time::Instant::now();
        self.shutdown_scheduler(Some(timeout));
        let left = timeout.saturating_sub(start.elapsed());
        self.blocking_pool.shutdown(Some(left));
    }

    /// Shuts down without waiting for workers or blocking threads (for use
    /// where blocking is not allowed, such as inside another runtime).
    ///
    /// ```
    /// let rt = runtime::Runtime::new().unwrap();
    /// rt.shutdown_background();
    /// ```
    pub fn shutdown_background(self) {
        self.shutdown_timeout(Duration::ZERO);
    }

    fn shutdown_scheduler(&mut self, timeout: Option<Duration>) {
        match (&mut self.scheduler, &self.handle.inner) {
            (Scheduler::MultiThread(workers), scheduler::Handle::MultiThread(handle)) => {
                if let Some(workers) = workers.take() {
                    workers.shutdown(handle, timeout);
                }
            }
            (Scheduler::CurrentThread, scheduler::Handle::CurrentThread(handle)) => {
                handle.shutdown();
            }
            _ => unreachable!("runtime and handle flavors differ"),
        }
    }
}

impl Drop for Runtime {
    fn drop(&mut self) {
        // Dropped inside async code (a task, or block_on's future): waiting
        // for threads here would stall the tasks this thread drives (and a
        // runtime dropped on one of its own workers would wait for itself).
        // Shut down without waiting instead, as `shutdown_background` does.
        let wait = if crate::scheduler::context::is_driving() {
            Some(Duration::ZERO)
        } else {
            None
        };
        self.shutdown_scheduler(wait);
        self.blocking_pool.shutdown(wait);
    }
}

impl fmt::Debug for Runtime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Runtime")
            .field("flavor", &self.handle.flavor())
            .finish_non_exhaustive()
    }
}

/// Runs `future` on a new multi-thread runtime, then shuts the runtime down:
/// asyncio's `asyncio.run(main())`.
///
/// Tasks still running when `future` completes are cancelled, as asyncio
/// cancels the tasks left when `main()` returns.
///
/// # Panics
/// If the runtime cannot start (the OS refused threads or file
/// descriptors), or if called inside a runtime.
///
/// ```
/// async fn main_async() -> u32 {
///     let task = runtime::spawn(async { 41 });
///     task.await.unwrap() + 1
/// }
///
/// assert_eq!(runtime::run(main_async()), 42);
/// ```
#[track_caller]
pub fn run<F: Future>(future: F) -> F::Output {
    let rt = match Runtime::new() {
        Ok(rt) => rt,
        Err(err) => panic!("runtime::run could not start the runtime: {err}"),
    };
    rt.block_on(future)
}
