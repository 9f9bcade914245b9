//! `Builder`: configures and starts a `Runtime`.

use crate::blocking::{self, BlockingPool};
use crate::debug::SlowPoll;
use crate::driver::Driver;
use crate::handle::Handle;
use crate::runtime::{Runtime, Scheduler};
use crate::scheduler::slow_poll::{DebugMode, SlowPollCallback, print_to_stderr};
use crate::scheduler::thread_hooks::ThreadHooks;
use crate::scheduler::{self, current_thread, multi_thread};
use std::fmt;
use std::io;
use std::sync::Arc;
use std::time::Duration;

// `on_thread_start` / `on_thread_stop`, and the recipe for tokio-bound
// crates in their docs.
mod hooks;

/// The environment variable that sets the default number of workers.
const WORKER_THREADS_ENV: &str = "RUNTIME_WORKER_THREADS";
/// The environment variable that turns debug mode on (asyncio's
/// `PYTHONASYNCIODEBUG`).
const DEBUG_ENV: &str = "RUNTIME_DEBUG";
/// Debug mode's threshold when turned on without one (asyncio's 100 ms).
const DEFAULT_SLOW_POLL: Duration = Duration::from_millis(100);

type ThreadNameFn = Arc<dyn Fn(usize) -> String + Send + Sync>;

/// Configures a [`Runtime`]: the event loop asyncio creates for you in
/// `asyncio.run`, or by hand with `asyncio.new_event_loop()`.
///
/// Two flavors:
/// * [`Builder::multi_thread`]: one worker thread per core that steal work
///   from each other; tasks run in parallel. What `runtime::run` and
///   `#[runtime::main]` use.
/// * [`Builder::current_thread`]: one event loop on the thread that calls
///   `block_on`, exactly asyncio's model; tasks may be `!Send`
///   ([`task::spawn_local`](crate::task::spawn_local)).
///
/// ```
/// let rt = runtime::Builder::multi_thread()
///     .worker_threads(2)
///     .thread_name("my-app")
///     .max_blocking_threads(16)
///     .build()
///     .unwrap();
/// assert_eq!(rt.block_on(async { 1 + 1 }), 2);
/// ```
pub struct Builder {
    kind: Kind,
    worker_threads: Option<usize>,
    worker_name: ThreadNameFn,
    blocking_name: ThreadNameFn,
    stack_size: Option<usize>,
    max_blocking_threads: usize,
    keep_alive: Duration,
    global_queue_interval: Option<u32>,
    event_interval: u32,
    slow_poll_threshold: Option<Duration>,
    on_slow_poll: Option<SlowPollCallback>,
    start_paused: bool,
    hooks: ThreadHooks,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    MultiThread,
    CurrentThread,
}

impl Builder {
    /// A multi-thread runtime: one worker per core (or
    /// `RUNTIME_WORKER_THREADS`), work stealing between them.
    ///
    /// ```
    /// let rt = runtime::Builder::multi_thread().build().unwrap();
    /// rt.block_on(async { println!("hello from a worker pool") });
    /// ```
    pub fn multi_thread() -> Builder {
        Builder::new(Kind::MultiThread)
    }

    /// A current_thread runtime: a single-threaded event loop driven by the
    /// thread that calls `block_on`, like asyncio's.
    ///
    /// ```
    /// let rt = runtime::Builder::current_thread().build().unwrap();
    /// let here = std::thread::current().id();
    /// let there = rt.block_on(async {
    ///     runtime::spawn(async { std::thread::current().id() }).await.unwrap()
    /// });
    /// assert_eq!(here, there);
    /// ```
    pub fn current_thread() -> Builder {
        Builder::new(Kind::CurrentThread)
    }

    fn new(kind: Kind) -> Builder {
        Builder {
            kind,
            worker_threads: None,
            worker_name: Arc::new(|i| format!("rt-worker-{i}")),
            blocking_name: Arc::new(|i| format!("rt-blocking-{i}")),
            stack_size: None,
            max_blocking_threads: 512,
            keep_alive: Duration::from_secs(10),
            global_queue_interval: None,
            event_interval: 61,
            slow_poll_threshold: None,
            on_slow_poll: None,
            start_paused: false,
            hooks: ThreadHooks::default(),
        }
    }

    /// Number of worker threads of a multi-thread runtime. Defaults to the
    /// number of cores, or to the `RUNTIME_WORKER_THREADS` environment
    /// variable. Ignored by `current_thread`.
    ///
    /// # Panics
    /// If `n` is 0.
    ///
    /// ```
    /// let rt = runtime::Builder::multi_thread().worker_threads(3).build().unwrap();
    /// assert_eq!(rt.handle().metrics().num_workers(), 3);
    /// ```
    #[track_caller]
    pub fn worker_threads(&mut self, n: usize) -> &mut Self {
        assert!(n > 0, "worker_threads must be at least 1");
        self.worker_threads = Some(n);
        self
    }

    /// Names every thread the runtime starts (workers and blocking
    /// threads). Defaults to `rt-worker-N` and `rt-blocking-N`.
    ///
    /// ```
    /// let rt = runtime::Builder::multi_thread().thread_name("app").build().unwrap();
    /// let name = rt.block_on(rt.spawn(async {
    ///     std::thread::current().name().map(str::to_owned)
    /// }));
    /// assert_eq!(name.unwrap().as_deref(), Some("app"));
    /// ```
    pub fn thread_name(&mut self, name: impl Into<String>) -> &mut Self {
        let name: Arc<str> = name.into().into();
        let blocking = name.clone();
        self.worker_name = Arc::new(move |_| name.to_string());
        self.blocking_name = Arc::new(move |_| blocking.to_string());
        self
    }

    /// Names threads with a function of their index (workers are numbered
    /// from 0; blocking threads too, separately).
    ///
    /// ```
    /// let rt = runtime::Builder::multi_thread()
    ///     .thread_name_fn(|i| format!("app-{i}"))
    ///     .build()
    ///     .unwrap();
    /// # drop(rt);
    /// ```
    pub fn thread_name_fn(
        &mut self,
        f: impl Fn(usize) -> String + Send + Sync + 'static,
    ) -> &mut Self {
        let f: ThreadNameFn = Arc::new(f);
        self.worker_name = f.clone();
        self.blocking_name = f;
        self
    }

    /// Stack size of the threads the runtime starts, in bytes (default:
    /// the platform's default for new threads, 2 MiB on Linux).
    ///
    /// ```
    /// let rt = runtime::Builder::multi_thread()
    ///     .thread_stack_size(4 * 1024 * 1024)
    ///     .build()
    ///     .unwrap();
    /// # drop(rt);
    /// ```
    pub fn thread_stack_size(&mut self, bytes: usize) -> &mut Self {
        self.stack_size = Some(bytes);
        self
    }

    /// The most threads the blocking pool (`spawn_blocking`) may run at once
    /// (default 512). Work beyond it waits in a queue. (A thread that is
    /// exiting and running its [`on_thread_stop`](Self::on_thread_stop)
    /// hook no longer counts: work spawned meanwhile may start a new thread,
    /// so for the length of a hook there can be one more thread than this.)
    ///
    /// # Panics
    /// If `n` is 0.
    ///
    /// ```
    /// let rt = runtime::Builder::multi_thread().max_blocking_threads(4).build().unwrap();
    /// # drop(rt);
    /// ```
    #[track_caller]
    pub fn max_blocking_threads(&mut self, n: usize) -> &mut Self {
        assert!(n > 0, "max_blocking_threads must be at least 1");
        self.max_blocking_threads = n;
        self
    }

    /// How long an idle blocking thread waits for work before it exits
    /// (default 10 s).
    ///
    /// ```
    /// use std::time::Duration;
    /// let rt = runtime::Builder::multi_thread()
    ///     .thread_keep_alive(Duration::from_millis(100))
    ///     .build()
    ///     .unwrap();
    /// # drop(rt);
    /// ```
    pub fn thread_keep_alive(&mut self, keep_alive: Duration) -> &mut Self {
        self.keep_alive = keep_alive;
        self
    }

    /// How many ticks a worker goes between first looks at the global queue
    /// (fairness for tasks spawned from outside). Default 61 (multi-thread)
    /// and 31 (current_thread).
    ///
    /// # Panics
    /// If `ticks` is 0.
    ///
    /// ```
    /// let rt = runtime::Builder::multi_thread().global_queue_interval(31).build().unwrap();
    /// # drop(rt);
    /// ```
    #[track_caller]
    pub fn global_queue_interval(&mut self, ticks: u32) -> &mut Self {
        assert!(ticks > 0, "global_queue_interval must be at least 1");
        self.global_queue_interval = Some(ticks);
        self
    }

    /// How many ticks a busy worker goes between non-blocking polls of the
    /// I/O driver (default 61).
    ///
    /// # Panics
    /// If `ticks` is 0.
    ///
    /// ```
    /// let rt = runtime::Builder::multi_thread().event_interval(31).build().unwrap();
    /// # drop(rt);
    /// ```
    #[track_caller]
    pub fn event_interval(&mut self, ticks: u32) -> &mut Self {
        assert!(ticks > 0, "event_interval must be at least 1");
        self.event_interval = ticks;
        self
    }

    /// Turns on debug mode: asyncio's `asyncio.run(main(), debug=True)` and
    /// `loop.slow_callback_duration`.
    ///
    /// A poll of a task that runs longer than `threshold` is reported once,
    /// with the task's id, where it was spawned and how long it ran; a poll
    /// that is *still* running after `threshold` is reported by a watchdog
    /// thread while it blocks its worker. A task that panics with nobody
    /// left to await it is reported on stderr. Reports go to stderr, one
    /// line each, unless [`on_slow_poll`](Self::on_slow_poll) says otherwise.
    /// Setting the environment variable `RUNTIME_DEBUG=1` (asyncio's
    /// `PYTHONASYNCIODEBUG`) turns debug mode on at 100 ms for runtimes that
    /// do not set a threshold. Outside debug mode none of this costs
    /// anything; in debug mode, thresholds of 20 ms and more are timed with
    /// the kernel's coarse clock (accurate to a few milliseconds), which
    /// makes debug mode cheap enough to leave on (see `BENCHMARKS.md`).
    ///
    /// ```
    /// use std::time::Duration;
    /// let rt = runtime::Builder::multi_thread()
    ///     .slow_poll_threshold(Duration::from_millis(100))
    ///     .build()
    ///     .unwrap();
    /// # drop(rt);
    /// ```
    pub fn slow_poll_threshold(&mut self, threshold: Duration) -> &mut Self {
        self.slow_poll_threshold = Some(threshold);
        self
    }

    /// Where debug mode's slow-poll reports go (default: one line on
    /// stderr). Turns debug mode on at 100 ms if no threshold was set. The
    /// callback runs on the worker that finished the slow poll, or on the
    /// watchdog thread for a poll that is still running; keep it short.
    ///
    /// ```
    /// let rt = runtime::Builder::current_thread()
    ///     .on_slow_poll(|slow| eprintln!("slow: {slow}"))
    ///     .build()
    ///     .unwrap();
    /// # drop(rt);
    /// ```
    pub fn on_slow_poll(
        &mut self,
        callback: impl Fn(&SlowPoll) + Send + Sync + 'static,
    ) -> &mut Self {
        self.on_slow_poll = Some(Arc::new(callback));
        self
    }

    /// The debug-mode state for `workers` workers, if debug mode is on.
    fn debug_mode(&self, workers: usize) -> Option<Arc<DebugMode>> {
        let from_env = || {
            std::env::var(DEBUG_ENV)
                .ok()
                .filter(|v| !v.is_empty() && v != "0")
                .map(|_| DEFAULT_SLOW_POLL)
        };
        let threshold = self
            .slow_poll_threshold
            .or_else(|| self.on_slow_poll.as_ref().map(|_| DEFAULT_SLOW_POLL))
            .or_else(from_env)?;
        let callback = self.on_slow_poll.clone().unwrap_or_else(print_to_stderr);
        Some(DebugMode::new(threshold, callback, workers))
    }

    /// Starts the runtime with its clock paused (current_thread only), for
    /// tests: time moves only with [`time::advance`](crate::time::advance)
    /// and, whenever every task is idle, jumps to the next timer's deadline
    /// (auto-advance). See [`time::pause`](crate::time::pause). What
    /// `#[runtime::test(start_paused = true)]` uses; asyncio has no
    /// equivalent.
    ///
    /// [`build`](Self::build) fails with `InvalidInput` if this is set on a
    /// multi-thread builder.
    ///
    /// ```
    /// use std::time::Duration;
    /// let rt = runtime::Builder::current_thread().start_paused(true).build().unwrap();
    /// let real = std::time::Instant::now();
    /// rt.block_on(async { runtime::time::sleep(Duration::from_secs(3600)).await }); // no real hour
    /// assert!(real.elapsed() < Duration::from_secs(60));
    ///
    /// let err = runtime::Builder::multi_thread().start_paused(true).build().unwrap_err();
    /// assert_eq!(err.kind(), std::io::ErrorKind::InvalidInput);
    /// ```
    pub fn start_paused(&mut self, paused: bool) -> &mut Self {
        self.start_paused = paused;
        self
    }

    /// Starts the runtime: asyncio's `asyncio.new_event_loop()`.
    ///
    /// Fails if the OS refuses a resource (the poller's file descriptors, a
    /// thread), if `RUNTIME_WORKER_THREADS` is set to something other than
    /// a positive number, or if a multi-thread runtime is asked to
    /// [`start_paused`](Self::start_paused).
    ///
    /// ```
    /// let rt = runtime::Builder::current_thread().build()?;
    /// rt.block_on(async {});
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn build(&mut self) -> io::Result<Runtime> {
        if self.start_paused && self.kind == Kind::MultiThread {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "start_paused(true) needs a current_thread runtime (Builder::current_thread()): \
                 a paused clock auto-advances when every task is idle, which only the single \
                 thread of a current_thread runtime can tell",
            ));
        }
        let (driver, driver_handle) = Driver::new()?;
        if self.start_paused {
            driver_handle.time.pause();
        }
        let blocking_pool = BlockingPool::new(blocking::Config {
            thread_name: self.blocking_name.clone(),
            stack_size: self.stack_size,
            max_threads: self.max_blocking_threads,
            keep_alive: self.keep_alive,
            hooks: self.hooks.clone(),
        });
        let spawner = blocking_pool.spawner().clone();
        let (scheduler, handle) = match self.kind {
            Kind::MultiThread => {
                let workers = match self.worker_threads {
                    Some(n) => n,
                    None => default_worker_threads()?,
                };
                let debug = self.debug_mode(workers);
                let config = scheduler::Config {
                    global_queue_interval: self.global_queue_interval.unwrap_or(61),
                    event_interval: self.event_interval,
                };
                let threads = multi_thread::ThreadConfig {
                    name: self.worker_name.clone(),
                    stack_size: self.stack_size,
                    hooks: self.hooks.clone(),
                };
                let (workers, handle) = multi_thread::MultiThread::launch(
                    workers,
                    driver,
                    driver_handle,
                    spawner,
                    config,
                    &threads,
                    debug.clone(),
                )?;
                if let Some(debug) = &debug {
                    debug.start_watchdog()?;
                }
                (
                    Scheduler::MultiThread(Some(workers)),
                    scheduler::Handle::MultiThread(handle),
                )
            }
            Kind::CurrentThread => {
                let config = scheduler::Config {
                    global_queue_interval: self.global_queue_interval.unwrap_or(31),
                    event_interval: self.event_interval,
                };
                let debug = self.debug_mode(1);
                let handle = current_thread::Handle::new(
                    driver,
                    driver_handle,
                    spawner,
                    config,
                    debug.clone(),
                );
                if let Some(debug) = &debug {
                    debug.start_watchdog()?;
                }
                (
                    Scheduler::CurrentThread,
                    scheduler::Handle::CurrentThread(handle),
                )
            }
        };
        Ok(Runtime::from_parts(
            Handle { inner: handle },
            scheduler,
            blocking_pool,
        ))
    }
}

/// One worker per core, unless the environment says otherwise.
fn default_worker_threads() -> io::Result<usize> {
    match std::env::var(WORKER_THREADS_ENV) {
        Ok(value) => match value.trim().parse::<usize>() {
            Ok(n) if n > 0 => Ok(n),
            _ => Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!(
                    "{WORKER_THREADS_ENV} must be a positive whole number of worker threads, \
                     but it is {value:?}; unset it to use one worker per core"
                ),
            )),
        },
        Err(_) => Ok(std::thread::available_parallelism().map_or(1, |n| n.get())),
    }
}

impl fmt::Debug for Builder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Builder")
            .field("kind", &self.kind)
            .field("worker_threads", &self.worker_threads)
            .field("thread_stack_size", &self.stack_size)
            .field("max_blocking_threads", &self.max_blocking_threads)
            .field("thread_keep_alive", &self.keep_alive)
            .field("global_queue_interval", &self.global_queue_interval)
            .field("event_interval", &self.event_interval)
            .field("slow_poll_threshold", &self.slow_poll_threshold)
            .field("start_paused", &self.start_paused)
            .field("on_thread_start", &self.hooks.start.is_some())
            .field("on_thread_stop", &self.hooks.stop.is_some())
            .finish_non_exhaustive()
    }
}
