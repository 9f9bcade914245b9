//! What the two schedulers share, written once: each flavor's `Handle`
//! embeds a `Common` by value (no extra pointer on the hot paths), and
//! `scheduler::Handle::common` reaches it whatever the flavor.
//!
//! A `Common` holds the runtime's driver and blocking-pool handles, the
//! `stop` signal of `run_forever`, the debug mode, the settings from the
//! `Builder`, the owned-task list (every live task: what shutdown cancels
//! and what the task dump reads) and the shutdown flag. The run queues,
//! the parking and the wake-up policy stay with each flavor.

use super::slow_poll::DebugMode;
use crate::blocking;
use crate::driver;
use crate::loom::{AtomicBool, Mutex, Ordering};
use crate::task::{self, Notified, Schedule};
use std::future::Future;
use std::sync::Arc;
use std::sync::atomic;
use std::task::{Context as TaskContext, Poll, Waker};

/// Scheduler settings from the `Builder`.
#[derive(Clone, Debug)]
pub(crate) struct Config {
    pub(crate) global_queue_interval: u32,
    pub(crate) event_interval: u32,
}

/// The part of a scheduler's shared state that does not depend on the
/// flavor.
pub(crate) struct Common {
    pub(crate) driver: driver::Handle,
    pub(crate) blocking: blocking::Spawner,
    pub(crate) stop: StopSignal,
    /// Debug mode, when on.
    pub(crate) debug: Option<Arc<DebugMode>>,
    pub(crate) config: Config,
    /// Every live task of the runtime.
    pub(crate) owned: task::list::OwnedTasks,
    /// Set once by shutdown.
    closed: AtomicBool,
}

impl Common {
    /// `workers`: how many threads spawn at once (sizes the task list's
    /// shards).
    pub(crate) fn new(
        driver: driver::Handle,
        blocking: blocking::Spawner,
        config: Config,
        debug: Option<Arc<DebugMode>>,
        workers: usize,
    ) -> Common {
        Common {
            driver,
            blocking,
            stop: StopSignal::new(),
            debug,
            config,
            owned: task::list::OwnedTasks::new(workers),
            closed: AtomicBool::new(false),
        }
    }

    /// Sets the shutdown flag; true for the call that set it.
    pub(crate) fn close(&self) -> bool {
        !self.closed.swap(true, Ordering::AcqRel)
    }

    pub(crate) fn is_closed(&self) -> bool {
        self.closed.load(Ordering::Acquire)
    }

    /// Runs `task` through `run` (which polls it), timing the poll in
    /// debug mode on the tracker of `worker`.
    #[inline]
    pub(crate) fn run_task<S: Schedule>(
        &self,
        worker: usize,
        task: Notified<S>,
        run: impl FnOnce(Notified<S>),
    ) {
        match self.debug.as_deref() {
            None => run(task),
            Some(debug) => {
                let tracker = debug.tracker(worker);
                let token = debug.begin(tracker, task.id(), task.location());
                run(task);
                debug.end(tracker, token);
            }
        }
    }

    /// `Schedule::unretrieved_panic` of both flavors: reported in debug
    /// mode only.
    pub(crate) fn unretrieved_panic(&self, task: &task::core::Header) {
        if self.debug.is_some() {
            eprintln!(
                "runtime (debug mode): task {} (spawned at {}) panicked and its result was never \
                 retrieved (its JoinHandle was dropped)",
                task.id(),
                task.location()
            );
        }
    }

    /// Stops the debug mode's watchdog, if any (the last step of shutdown).
    pub(crate) fn stop_debug(&self) {
        if let Some(debug) = &self.debug {
            debug.stop();
        }
    }

    /// Calls `f` with every alive task (for the task dump, which the debug
    /// module builds).
    pub(crate) fn for_each_task(&self, f: impl FnMut(&task::core::Header)) {
        self.owned.for_each(f);
    }

    pub(crate) fn num_alive_tasks(&self) -> usize {
        self.owned.len()
    }

    pub(crate) fn spawned_tasks_count(&self) -> usize {
        self.owned.spawned()
    }
}

/// `Handle::stop` / `Runtime::run_forever`: a flag and the waker of the
/// `run_forever` call waiting for it.
pub(crate) struct StopSignal {
    stopped: atomic::AtomicBool,
    /// A `run_forever` is under way.
    running: atomic::AtomicBool,
    waker: Mutex<Option<Waker>>,
}

impl StopSignal {
    pub(crate) fn new() -> StopSignal {
        StopSignal {
            stopped: atomic::AtomicBool::new(false),
            running: atomic::AtomicBool::new(false),
            waker: Mutex::new(None),
        }
    }

    pub(crate) fn stop(&self) {
        self.stopped.store(true, atomic::Ordering::SeqCst);
        if let Some(waker) = self.waker.lock().take() {
            waker.wake();
        }
    }

    /// Resolves once `stop` has been called (consuming that call), after
    /// giving the loop one turn first, as asyncio's `run_forever` runs one
    /// iteration when `stop()` came before it.
    ///
    /// # Panics
    /// If another `run_forever` of the same runtime is under way (asyncio:
    /// "This event loop is already running").
    #[track_caller]
    pub(crate) fn wait(&self) -> impl Future<Output = ()> + '_ {
        assert!(
            !self.running.swap(true, atomic::Ordering::SeqCst),
            "run_forever was called while another run_forever of the same runtime is running \
             (asyncio: \"This event loop is already running\"); call stop() first"
        );
        struct Running<'a>(&'a atomic::AtomicBool);
        impl Drop for Running<'_> {
            fn drop(&mut self) {
                self.0.store(false, atomic::Ordering::SeqCst);
            }
        }
        let running = Running(&self.running);
        let mut turned = false;
        std::future::poll_fn(move |cx: &mut TaskContext<'_>| {
            let _running = &running;
            if !turned {
                turned = true;
                cx.waker().wake_by_ref();
                return Poll::Pending;
            }
            *self.waker.lock() = Some(cx.waker().clone());
            if self.stopped.swap(false, atomic::Ordering::SeqCst) {
                self.waker.lock().take();
                return Poll::Ready(());
            }
            Poll::Pending
        })
    }
}
