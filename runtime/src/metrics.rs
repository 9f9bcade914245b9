//! `RuntimeMetrics`: a snapshot of the runtime's counters.

use crate::loom::Ordering;
use crate::scheduler;
use std::time::Duration;

/// A snapshot of a runtime's counters, taken by
/// [`Handle::metrics`](crate::Handle::metrics).
///
/// Counters are kept per worker in cache-padded slots that only their worker
/// writes; taking a snapshot reads them without stopping anyone, so the
/// numbers of different workers may be a few microseconds apart. Worker
/// counters are published when the worker parks and every few dozen
/// scheduling ticks, so a busy worker's numbers trail slightly.
///
/// asyncio has no equivalent beyond `len(asyncio.all_tasks())`.
///
/// ```
/// let rt = runtime::Builder::multi_thread().worker_threads(2).build().unwrap();
/// rt.block_on(async {
///     for _ in 0..10 {
///         runtime::spawn(async {}).await.unwrap();
///     }
/// });
/// let m = rt.handle().metrics();
/// assert_eq!(m.num_workers(), 2);
/// assert_eq!(m.spawned_tasks_count(), 10);
/// assert_eq!(m.num_alive_tasks(), 0);
/// ```
#[derive(Clone, Debug)]
pub struct RuntimeMetrics {
    num_alive_tasks: usize,
    spawned_tasks_count: u64,
    global_queue_depth: usize,
    workers: Vec<WorkerSnapshot>,
    num_blocking_threads: usize,
    num_idle_blocking_threads: usize,
    io_readiness_count: u64,
    timers_registered: u64,
    timers_fired: u64,
}

#[derive(Clone, Debug, Default)]
struct WorkerSnapshot {
    polls: u64,
    steals: u64,
    steal_operations: u64,
    parks: u64,
    unparks: u64,
    busy: Duration,
    local_queue_depth: usize,
}

impl RuntimeMetrics {
    pub(crate) fn new(handle: scheduler::Handle) -> RuntimeMetrics {
        let common = handle.common();
        let (num_blocking_threads, num_idle_blocking_threads) = (
            common.blocking.num_threads(),
            common.blocking.num_idle_threads(),
        );
        let io_readiness_count = common.driver.io.events_dispatched();
        let timers_registered = common.driver.time.timers_registered();
        let timers_fired = common.driver.time.timers_fired();
        let num_alive_tasks = common.num_alive_tasks();
        let spawned_tasks_count = common.spawned_tasks_count() as u64;
        let (global_queue_depth, workers) = match &handle {
            scheduler::Handle::MultiThread(h) => (
                h.global_queue_depth(),
                (0..h.num_workers())
                    .map(|i| {
                        let w = h.worker_metrics(i);
                        WorkerSnapshot {
                            polls: w.polls.load(Ordering::Relaxed),
                            steals: w.steals.load(Ordering::Relaxed),
                            steal_operations: w.steal_operations.load(Ordering::Relaxed),
                            parks: w.parks.load(Ordering::Relaxed),
                            unparks: w.unparks.load(Ordering::Relaxed),
                            busy: Duration::from_nanos(w.busy_nanos.load(Ordering::Relaxed)),
                            local_queue_depth: h.worker_local_queue_depth(i),
                        }
                    })
                    .collect(),
            ),
            scheduler::Handle::CurrentThread(h) => (
                h.global_queue_depth(),
                vec![WorkerSnapshot {
                    polls: h.poll_count(),
                    ..WorkerSnapshot::default()
                }],
            ),
        };
        RuntimeMetrics {
            num_alive_tasks,
            spawned_tasks_count,
            global_queue_depth,
            workers,
            num_blocking_threads,
            num_idle_blocking_threads,
            io_readiness_count,
            timers_registered,
            timers_fired,
        }
    }

    /// Number of worker threads (1 for current_thread).
    ///
    /// ```
    /// let rt = runtime::Builder::current_thread().build().unwrap();
    /// assert_eq!(rt.handle().metrics().num_workers(), 1);
    /// ```
    pub fn num_workers(&self) -> usize {
        self.workers.len()
    }

    /// Tasks spawned and not yet finished (not counting blocking tasks).
    ///
    /// ```
    /// let rt = runtime::Runtime::new().unwrap();
    /// let task = rt.spawn(std::future::pending::<()>());
    /// assert_eq!(rt.handle().metrics().num_alive_tasks(), 1);
    /// task.abort();
    /// let _ = rt.block_on(task);
    /// assert_eq!(rt.handle().metrics().num_alive_tasks(), 0);
    /// ```
    pub fn num_alive_tasks(&self) -> usize {
        self.num_alive_tasks
    }

    /// Tasks spawned since the runtime started (not counting blocking
    /// tasks).
    ///
    /// ```
    /// let rt = runtime::Runtime::new().unwrap();
    /// rt.block_on(rt.spawn(async {})).unwrap();
    /// assert_eq!(rt.handle().metrics().spawned_tasks_count(), 1);
    /// ```
    pub fn spawned_tasks_count(&self) -> u64 {
        self.spawned_tasks_count
    }

    /// Tasks waiting in the global (injection) queue.
    ///
    /// ```
    /// let rt = runtime::Runtime::new().unwrap();
    /// let _depth = rt.handle().metrics().global_queue_depth();
    /// ```
    pub fn global_queue_depth(&self) -> usize {
        self.global_queue_depth
    }

    /// Task polls, all workers together.
    ///
    /// ```
    /// let rt = runtime::Builder::current_thread().build().unwrap();
    /// rt.block_on(async { runtime::spawn(async {}).await.unwrap() });
    /// assert!(rt.handle().metrics().poll_count() >= 1);
    /// ```
    pub fn poll_count(&self) -> u64 {
        self.workers.iter().map(|w| w.polls).sum()
    }

    /// Tasks stolen from other workers, all workers together.
    ///
    /// ```
    /// let rt = runtime::Runtime::new().unwrap();
    /// let _stolen = rt.handle().metrics().steal_count();
    /// ```
    pub fn steal_count(&self) -> u64 {
        self.workers.iter().map(|w| w.steals).sum()
    }

    /// Successful steal operations (each takes a batch of tasks).
    ///
    /// ```
    /// let rt = runtime::Runtime::new().unwrap();
    /// let m = rt.handle().metrics();
    /// assert!(m.steal_operations() <= m.steal_count());
    /// ```
    pub fn steal_operations(&self) -> u64 {
        self.workers.iter().map(|w| w.steal_operations).sum()
    }

    /// Times a worker went to sleep, all workers together.
    ///
    /// ```
    /// let rt = runtime::Runtime::new().unwrap();
    /// let _parks = rt.handle().metrics().park_count();
    /// ```
    pub fn park_count(&self) -> u64 {
        self.workers.iter().map(|w| w.parks).sum()
    }

    /// Times a sleeping worker was woken for new work, all workers together.
    ///
    /// ```
    /// let rt = runtime::Runtime::new().unwrap();
    /// let _unparks = rt.handle().metrics().unpark_count();
    /// ```
    pub fn unpark_count(&self) -> u64 {
        self.workers.iter().map(|w| w.unparks).sum()
    }

    /// Task polls by worker `worker`.
    ///
    /// # Panics
    /// If `worker >= num_workers()`.
    ///
    /// ```
    /// let rt = runtime::Builder::multi_thread().worker_threads(2).build().unwrap();
    /// let m = rt.handle().metrics();
    /// assert_eq!(m.worker_poll_count(0) + m.worker_poll_count(1), m.poll_count());
    /// ```
    pub fn worker_poll_count(&self, worker: usize) -> u64 {
        self.worker(worker).polls
    }

    /// Tasks stolen by worker `worker`.
    ///
    /// # Panics
    /// If `worker >= num_workers()`.
    ///
    /// ```
    /// let rt = runtime::Builder::multi_thread().worker_threads(2).build().unwrap();
    /// let _ = rt.handle().metrics().worker_steal_count(1);
    /// ```
    pub fn worker_steal_count(&self, worker: usize) -> u64 {
        self.worker(worker).steals
    }

    /// Times worker `worker` went to sleep.
    ///
    /// # Panics
    /// If `worker >= num_workers()`.
    ///
    /// ```
    /// let rt = runtime::Builder::multi_thread().worker_threads(2).build().unwrap();
    /// let _ = rt.handle().metrics().worker_park_count(0);
    /// ```
    pub fn worker_park_count(&self, worker: usize) -> u64 {
        self.worker(worker).parks
    }

    /// Tasks queued in worker `worker`'s local run queue.
    ///
    /// # Panics
    /// If `worker >= num_workers()`.
    ///
    /// ```
    /// let rt = runtime::Builder::multi_thread().worker_threads(2).build().unwrap();
    /// let _ = rt.handle().metrics().worker_local_queue_depth(0);
    /// ```
    pub fn worker_local_queue_depth(&self, worker: usize) -> usize {
        self.worker(worker).local_queue_depth
    }

    /// Time worker `worker` spent not parked (running tasks or searching).
    ///
    /// # Panics
    /// If `worker >= num_workers()`.
    ///
    /// ```
    /// let rt = runtime::Builder::multi_thread().worker_threads(2).build().unwrap();
    /// let _ = rt.handle().metrics().worker_busy_duration(0);
    /// ```
    pub fn worker_busy_duration(&self, worker: usize) -> Duration {
        self.worker(worker).busy
    }

    /// Threads in the blocking pool (busy and idle).
    ///
    /// ```
    /// let rt = runtime::Runtime::new().unwrap();
    /// rt.block_on(rt.spawn_blocking(|| ())).unwrap();
    /// assert!(rt.handle().metrics().num_blocking_threads() >= 1);
    /// ```
    pub fn num_blocking_threads(&self) -> usize {
        self.num_blocking_threads
    }

    /// Threads in the blocking pool waiting for work.
    ///
    /// ```
    /// let rt = runtime::Runtime::new().unwrap();
    /// let m = rt.handle().metrics();
    /// assert!(m.num_idle_blocking_threads() <= m.num_blocking_threads());
    /// ```
    pub fn num_idle_blocking_threads(&self) -> usize {
        self.num_idle_blocking_threads
    }

    /// Readiness events the I/O driver received from the OS (each wakes
    /// the tasks reading or writing one socket).
    ///
    /// ```
    /// let rt = runtime::Runtime::new().unwrap();
    /// let _events = rt.handle().metrics().io_readiness_count();
    /// ```
    pub fn io_readiness_count(&self) -> u64 {
        self.io_readiness_count
    }

    /// Timers registered with the timer wheel (a `sleep` counts when it is
    /// first polled and not already due).
    ///
    /// ```
    /// let rt = runtime::Builder::current_thread().start_paused(true).build().unwrap();
    /// rt.block_on(async { runtime::time::sleep(std::time::Duration::from_secs(1)).await });
    /// assert_eq!(rt.handle().metrics().timers_registered(), 1);
    /// ```
    pub fn timers_registered(&self) -> u64 {
        self.timers_registered
    }

    /// Timers that fired (reached their deadline; cancelled ones do not
    /// count).
    ///
    /// ```
    /// let rt = runtime::Builder::current_thread().start_paused(true).build().unwrap();
    /// rt.block_on(async { runtime::time::sleep(std::time::Duration::from_secs(1)).await });
    /// assert_eq!(rt.handle().metrics().timers_fired(), 1);
    /// ```
    pub fn timers_fired(&self) -> u64 {
        self.timers_fired
    }

    #[track_caller]
    fn worker(&self, worker: usize) -> &WorkerSnapshot {
        self.workers.get(worker).unwrap_or_else(|| {
            panic!(
                "worker index {worker} out of range: the runtime has {} workers",
                self.workers.len()
            )
        })
    }
}
