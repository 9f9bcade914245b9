//! The multi-thread, work-stealing scheduler.
//!
//! One worker thread per core (by default). Each worker owns:
//! * a **LIFO slot** holding the task most recently woken by the task it is
//!   running: in message passing (task A sends to B and waits for the
//!   answer) B runs next, while A's data is still in cache. At most
//!   [`MAX_LIFO_POLLS`] slot tasks run in a row, sharing one cooperative
//!   budget, so two tasks ping-ponging cannot starve the rest of the queue;
//! * a **local run queue** (crossbeam-deque, FIFO, bounded: see `queue.rs`)
//!   that other workers steal from.
//!
//! Tasks spawned or woken from outside the workers go to the global
//! **injector**. A worker looks there when its own queue is empty, and first
//! every `global_queue_interval` ticks so that remote work is not starved by
//! a busy local queue.
//!
//! A worker with nothing to do **searches**: it steals about half the tasks
//! of a random victim, then looks at the injector. At most half the workers
//! search at once, and a sleeping worker is woken for new work only when
//! nobody is searching (`idle.rs`), because waking a thread is the most
//! expensive thing a scheduler does. A searcher that finds nothing keeps
//! looking at the queues for about fifteen microseconds (`worker.rs`,
//! `SPIN_ROUNDS`): work often arrives that soon, and meanwhile pushers see
//! a searcher and wake nobody. A worker that still finds nothing **parks**
//! (`park.rs`): in the I/O driver if no other worker is in it, else on its
//! own condvar; wake-ups prefer condvar sleepers, which are cheaper to wake
//! and leave the driver's owner watching for I/O.
//!
//! Shutdown: `begin_shutdown` sets a flag and wakes every worker; each
//! finishes the poll it is in, sees the flag and hands its core back. Then
//! `finalize_shutdown` cancels every task still alive (the owned-tasks list
//! drops each future exactly once), drops queued task references and shuts
//! the driver down.

// crossbeam-deque, or under loom a model of it on loom types (see there).
#[cfg(not(loom))]
use crossbeam_deque as deque;
#[cfg(loom)]
#[path = "deque_loom.rs"]
mod deque;
mod idle;
mod lifo;
mod metrics;
pub(crate) mod park;
mod queue;
mod worker;

pub(crate) use metrics::WorkerMetrics;
pub(crate) use worker::Context;

use self::deque::{Injector, Stealer};
use self::idle::Idle;
use self::park::{Parker, Unparker};
use self::worker::Core;
use crate::blocking;
use crate::driver::{self, Driver};
use crate::loom::{AtomicBool, Mutex, Ordering, fence};
use crate::scheduler::slow_poll::DebugMode;
use crate::scheduler::thread_hooks::ThreadHooks;
use crate::scheduler::{Common, Config};
use crate::task::{self, JoinHandle, Notified, TaskMeta};
use crossbeam_utils::CachePadded;
use std::future::Future;
use std::io;
use std::sync::Arc;

/// Slot tasks run in a row before the slot is bypassed for this tick.
const MAX_LIFO_POLLS: usize = 3;

/// The shared state of a multi-thread runtime; tasks hold an `Arc` of it.
pub(crate) struct Handle {
    pub(crate) common: Common,
    shared: Shared,
}

struct Shared {
    remotes: Box<[CachePadded<Remote>]>,
    inject: Injector<Notified<Arc<Handle>>>,
    /// Set by `finalize_shutdown` before its last drain of `inject`; see
    /// `push_remote_task`.
    inject_closed: AtomicBool,
    idle: Idle,
    /// Cores of workers that have exited, for `finalize_shutdown`.
    cores: Mutex<ReturnedCores>,
    park: crate::loom::Arc<park::Shared>,
    metrics: Box<[CachePadded<WorkerMetrics>]>,
}

/// What each worker exposes to the others.
struct Remote {
    steal: Stealer<Notified<Arc<Handle>>>,
    lifo: lifo::LifoSlot<Arc<Handle>>,
    unpark: Unparker,
}

struct ReturnedCores {
    // Cores travel between threads as `Box<Core>` everywhere else.
    #[allow(clippy::vec_box)]
    cores: Vec<Box<Core>>,
    finalized: bool,
}

/// The workers' threads; owned by the `Runtime`.
pub(crate) struct MultiThread {
    threads: Vec<std::thread::JoinHandle<()>>,
}

/// How to start worker threads.
pub(crate) struct ThreadConfig {
    pub(crate) name: Arc<dyn Fn(usize) -> String + Send + Sync>,
    pub(crate) stack_size: Option<usize>,
    /// `Builder::on_thread_start` / `on_thread_stop`.
    pub(crate) hooks: ThreadHooks,
}

impl MultiThread {
    /// Builds the scheduler and starts `workers` threads.
    pub(crate) fn launch(
        workers: usize,
        driver: Driver,
        driver_handle: driver::Handle,
        blocking: blocking::Spawner,
        config: Config,
        threads: &ThreadConfig,
        debug: Option<Arc<DebugMode>>,
    ) -> io::Result<(MultiThread, Arc<Handle>)> {
        let (handle, cores) = Handle::new(workers, driver, driver_handle, blocking, config, debug);

        let mut started = Vec::with_capacity(workers);
        for (index, core) in cores.into_iter().enumerate() {
            let mut builder = std::thread::Builder::new().name((threads.name)(index));
            if let Some(size) = threads.stack_size {
                builder = builder.stack_size(size);
            }
            let worker_handle = handle.clone();
            let hooks = threads.hooks.clone();
            match builder.spawn(move || worker::run(worker_handle, index, core, &hooks)) {
                Ok(thread) => started.push(thread),
                Err(err) => {
                    let partial = MultiThread { threads: started };
                    partial.shutdown(&handle, None);
                    return Err(io::Error::new(
                        err.kind(),
                        format!("failed to start runtime worker thread {index}: {err}"),
                    ));
                }
            }
        }
        Ok((MultiThread { threads: started }, handle))
    }

    /// Stops the workers, waiting at most `timeout` for them (a worker stuck
    /// in a blocking poll is then left behind, detached), and cancels every
    /// task still alive.
    pub(crate) fn shutdown(self, handle: &Arc<Handle>, timeout: Option<std::time::Duration>) {
        handle.begin_shutdown();
        let deadline = timeout.map(|t| std::time::Instant::now() + t);
        for thread in self.threads {
            match deadline {
                None => {
                    let _ = thread.join();
                }
                Some(deadline) => {
                    while !thread.is_finished() && std::time::Instant::now() < deadline {
                        std::thread::sleep(std::time::Duration::from_micros(200));
                    }
                    if thread.is_finished() {
                        let _ = thread.join();
                    }
                }
            }
        }
        handle.finalize_shutdown();
        handle.common.stop_debug();
    }
}

impl Handle {
    /// The shared state and one core per worker: what `launch` starts its
    /// threads on (and what the loom models drive directly).
    // Cores travel between threads as `Box<Core>` everywhere else.
    #[allow(clippy::vec_box)]
    fn new(
        workers: usize,
        driver: Driver,
        driver_handle: driver::Handle,
        blocking: blocking::Spawner,
        config: Config,
        debug: Option<Arc<DebugMode>>,
    ) -> (Arc<Handle>, Vec<Box<Core>>) {
        assert!(
            workers > 0,
            "a multi-thread runtime needs at least one worker"
        );
        let park = park::Shared::new(driver);
        let mut cores = Vec::with_capacity(workers);
        let mut remotes = Vec::with_capacity(workers);
        for _ in 0..workers {
            let parker = Parker::new(park.clone());
            let run_queue = queue::Local::new();
            remotes.push(CachePadded::new(Remote {
                steal: run_queue.stealer(),
                lifo: lifo::LifoSlot::new(),
                unpark: parker.unparker(),
            }));
            cores.push(Core::new(cores.len(), run_queue, parker));
        }
        let handle = Arc::new(Handle {
            common: Common::new(driver_handle, blocking, config, debug, workers),
            shared: Shared {
                remotes: remotes.into_boxed_slice(),
                inject: Injector::new(),
                inject_closed: AtomicBool::new(false),
                idle: Idle::new(workers),
                cores: Mutex::new(ReturnedCores {
                    cores: Vec::with_capacity(workers),
                    finalized: false,
                }),
                park,
                metrics: (0..workers)
                    .map(|_| CachePadded::new(WorkerMetrics::default()))
                    .collect(),
            },
        });
        (handle, cores)
    }

    /// Spawns a task onto this runtime.
    #[inline]
    pub(crate) fn spawn<F>(self: &Arc<Self>, future: F, meta: TaskMeta) -> JoinHandle<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        let (join, notified) = self.common.owned.bind(future, self.clone(), meta);
        if let Some(notified) = notified {
            self.schedule_task(notified, false);
        }
        join
    }

    /// Sets the shutdown flag and wakes every worker.
    pub(crate) fn begin_shutdown(&self) {
        if !self.common.close() {
            return;
        }
        for remote in self.shared.remotes.iter() {
            remote.unpark.unpark(&self.common.driver);
        }
    }

    pub(crate) fn is_shutdown(&self) -> bool {
        self.common.is_closed()
    }

    /// Cancels every task still alive and releases what the workers left.
    /// Runs once the workers are gone (or given up on).
    fn finalize_shutdown(self: &Arc<Self>) {
        let current = crate::scheduler::Handle::MultiThread(self.clone());
        let _enter = crate::scheduler::context::set_current(&current);
        self.common.owned.close_and_shutdown_all();
        let cores = {
            let mut returned = self.shared.cores.lock();
            returned.finalized = true;
            std::mem::take(&mut returned.cores)
        };
        for mut core in cores {
            core.drain(self);
        }
        // From now on a push to the injector drains it itself (see
        // `push_remote_task`); the fence pairs with the pusher's.
        self.shared.inject_closed.store(true, Ordering::SeqCst);
        fence(Ordering::SeqCst);
        self.drain_injector();
        self.shared
            .park
            .with_driver(|driver| driver.shutdown(&self.common.driver));
    }

    /// A worker is exiting: hand its core over, or drop its queue now if
    /// shutdown already finished without it (it was stuck).
    fn return_core(&self, mut core: Box<Core>) {
        let mut returned = self.shared.cores.lock();
        if returned.finalized {
            drop(returned);
            core.drain(self);
            // A stuck worker's queue may have overflowed into the injector
            // after `finalize_shutdown` drained it.
            self.drain_injector();
        } else {
            returned.cores.push(core);
        }
    }

    /// Wakes a sleeping worker if nobody is searching for work.
    fn notify_parked(&self) {
        let remotes = &self.shared.remotes;
        let prefer = |worker: usize| !remotes[worker].unpark.is_parked_on_driver();
        if let Some(worker) = self.shared.idle.worker_to_notify(prefer) {
            self.shared.metrics[worker].inc_unpark();
            remotes[worker].unpark.unpark(&self.common.driver);
        }
    }

    /// After a push a sleeping worker may have to pick up: wakes one if
    /// nobody is searching. The fence orders the push before reading the
    /// idle counters, pairing with the one in `notify_if_work_pending`: of
    /// the pusher and the last searcher going to sleep, at least one sees
    /// the other (a store-buffering handshake). That holds for a push to the
    /// injector and, as much, for one to the pushing worker's own run queue
    /// or LIFO slot: that worker is awake, but the task it polls may block
    /// it, and then only a searcher can take the task (see
    /// `Context::schedule_local`; loom models in `loom_tests.rs`).
    fn notify_parked_after_push(&self) {
        fence(Ordering::SeqCst);
        self.notify_parked();
    }

    /// Wakes a worker if any queue holds work (the last searcher's check
    /// before it sleeps; see `notify_parked_after_push`).
    fn notify_if_work_pending(&self) {
        fence(Ordering::SeqCst);
        let pending = self
            .shared
            .remotes
            .iter()
            .any(|r| !r.steal.is_empty() || r.lifo.is_occupied())
            || !self.shared.inject.is_empty();
        if pending {
            self.notify_parked();
        }
    }

    fn next_remote_task(&self) -> Option<Notified<Arc<Handle>>> {
        loop {
            match self.shared.inject.steal() {
                deque::Steal::Success(task) => return Some(task),
                deque::Steal::Empty => return None,
                deque::Steal::Retry => crate::loom::spin_loop(),
            }
        }
    }

    /// Drops every task reference left in the injector (shutdown).
    fn drain_injector(&self) {
        while let Some(task) = self.next_remote_task() {
            drop(task);
        }
    }

    /// Pushes a task from outside the workers and wakes one if need be.
    ///
    /// A spawn or a wake from a foreign thread decides to push while the
    /// runtime is open (`bind` found the task list open, or the task was
    /// idle), and pushes later: `finalize_shutdown` may cancel the task and
    /// drain the injector in between. The reference pushed after that drain
    /// was never dropped, and as the task's cell holds this `Handle`, which
    /// holds the injector, the cell, the handle and the driver (its
    /// descriptors) leaked in a cycle. So after the push, a fence, then a
    /// look at `inject_closed`: `finalize_shutdown` sets it, fences, then
    /// drains (a store-buffering handshake): either that drain sees the
    /// push or the pusher sees the flag and drains itself. (Everything in
    /// the injector by then belongs to a task shutdown already completed:
    /// dropping it only drops a reference.) The fence is the one
    /// `notify_parked_after_push` needs anyway. Model:
    /// `loom_remote_spawn_races_with_finalize_shutdown`.
    pub(super) fn push_remote_task(&self, task: Notified<Arc<Handle>>) {
        self.shared.inject.push(task);
        fence(Ordering::SeqCst);
        if self.shared.inject_closed.load(Ordering::SeqCst) {
            self.drain_injector();
            return;
        }
        self.notify_parked();
    }

    pub(crate) fn num_workers(&self) -> usize {
        self.shared.remotes.len()
    }

    pub(crate) fn global_queue_depth(&self) -> usize {
        self.shared.inject.len()
    }

    pub(crate) fn worker_local_queue_depth(&self, worker: usize) -> usize {
        self.shared.remotes[worker].steal.len()
    }

    pub(crate) fn worker_metrics(&self, worker: usize) -> &WorkerMetrics {
        &self.shared.metrics[worker]
    }
}

impl task::Schedule for Arc<Handle> {
    fn release(&self, task: &task::Task<Self>) -> Option<task::Task<Self>> {
        self.common.owned.remove(task)
    }

    fn schedule(&self, task: Notified<Self>) {
        self.schedule_task(task, false);
    }

    fn yield_now(&self, task: Notified<Self>) {
        self.schedule_task(task, true);
    }

    fn unretrieved_panic(&self, task: &task::core::Header) {
        self.common.unretrieved_panic(task);
    }
}
