//! Loom models of the multi-thread scheduler's atomic protocols, on the real
//! code: the `Handle` as `launch` builds it (idle accounting, parkers, the
//! LIFO slots, the run queues and the injector), workers running the real
//! `Context::run` loop, tasks from the real task core.
//!
//! What differs from a running runtime, and why:
//! * A worker here is `Context::run` on a loom thread, without the
//!   thread-local context `worker::run` sets up: loom runs all its threads
//!   on one OS thread, so a thread-local would be shared by every model
//!   thread (a remote wake would see the worker's context and push to its
//!   local queue). Without it every schedule from outside a `Context` method
//!   takes the remote path, as it does from a foreign thread.
//! * The run queues and the injector are `deque_loom.rs`, crossbeam-deque's
//!   API on a loom mutex, its lengths published with crossbeam's orderings:
//!   crossbeam's own atomics are `std`'s, which loom neither explores nor
//!   lets carry a task's causality from pusher to popper. The models check
//!   the scheduler's protocols around the queues, not crossbeam.
//! * `event_interval` is huge, so a worker polls the driver and looks at the
//!   shutdown flag only when it parks: fewer steps to explore, and a task
//!   that never runs leaves its worker asleep for good, which loom reports
//!   as a deadlock.
//! * At most one worker parks in each model. With two, loom 0.7 reports a
//!   false deadlock: a worker preempted inside `try_lock` of the driver is
//!   marked blocked when the other one takes the driver, and stays so while
//!   that one sleeps in it, though a real `try_lock` would fail and let it
//!   park on its condvar (tokio-rs/loom#376).
//!
//! Each model fails on a deliberately broken variant of the code, named in
//! its comment (checked by hand when the model was written).

use super::super::Handle;
use super::{Context, Core};
use crate::blocking::{self, BlockingPool};
use crate::driver::Driver;
use crate::loom::{Arc, AtomicUsize, Condvar, Mutex, Ordering, thread};
use crate::scheduler::Config;
use crate::task::{JoinHandle, TaskMeta};
use std::cell::RefCell;
use std::future::Future;
use std::time::Duration;

/// A runtime of `workers` workers, built as `launch` builds it, minus the
/// threads: the model drives the cores. The pool only has to outlive the
/// model (nothing spawns blocking work).
#[allow(clippy::vec_box)] // as `Handle::new` gives them
fn runtime(workers: usize) -> (std::sync::Arc<Handle>, Vec<Box<Core>>, BlockingPool) {
    let (driver, driver_handle) = Driver::new().unwrap();
    let pool = BlockingPool::new(blocking::Config {
        thread_name: std::sync::Arc::new(|i| format!("blocking-{i}")),
        stack_size: None,
        max_threads: 1,
        keep_alive: Duration::from_secs(1),
        hooks: Default::default(),
    });
    let config = Config {
        global_queue_interval: 1_000_000,
        event_interval: 1_000_000,
    };
    let (handle, cores) = Handle::new(
        workers,
        driver,
        driver_handle,
        pool.spawner().clone(),
        config,
        None,
    );
    (handle, cores, pool)
}

/// Starts a worker: the real loop, until shutdown; then the core goes back
/// to the handle, as in `worker::run`.
fn start_worker(
    handle: &std::sync::Arc<Handle>,
    index: usize,
    core: Box<Core>,
) -> thread::JoinHandle<()> {
    let handle = handle.clone();
    thread::spawn(move || {
        let cx = Context {
            index,
            handle: handle.clone(),
            core: RefCell::new(None),
        };
        let core = cx.run(core);
        handle.return_core(core);
    })
}

/// A worker's context with its core in place, as while it polls a task:
/// what a task running on that worker schedules through.
fn polling(handle: &std::sync::Arc<Handle>, index: usize, core: Box<Core>) -> Context {
    Context {
        index,
        handle: handle.clone(),
        core: RefCell::new(Some(core)),
    }
}

/// Creates a task (bound to the runtime, not yet scheduled) and gives its
/// first `Notified`: what `spawn` makes before it schedules.
fn task<F>(handle: &std::sync::Arc<Handle>, future: F) -> (JoinHandle<F::Output>, super::Task)
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    let (join, notified) = handle
        .common
        .owned
        .bind(future, handle.clone(), TaskMeta::here());
    (join, notified.expect("the runtime is open"))
}

/// Counts how often its task ran, and how often its future was dropped.
#[derive(Clone, Default)]
struct Tally {
    runs: Arc<AtomicUsize>,
    drops: Arc<AtomicUsize>,
}

impl Tally {
    /// A future that counts one run (and its own drop) and completes.
    fn future(&self) -> impl Future<Output = ()> + Send + 'static {
        struct CountDrop(Arc<AtomicUsize>);
        impl Drop for CountDrop {
            fn drop(&mut self) {
                self.0.fetch_add(1, Ordering::Relaxed);
            }
        }
        let runs = self.runs.clone();
        let dropped = CountDrop(self.drops.clone());
        async move {
            let _dropped = dropped;
            runs.fetch_add(1, Ordering::Relaxed);
        }
    }

    fn runs(&self) -> usize {
        self.runs.load(Ordering::SeqCst)
    }

    fn drops(&self) -> usize {
        self.drops.load(Ordering::SeqCst)
    }
}

/// Set once, waited for by a thread that must not spin (loom would explore
/// every spin).
#[derive(Default)]
struct Latch {
    set: Mutex<bool>,
    condvar: Condvar,
}

impl Latch {
    fn set(&self) {
        *self.set.lock() = true;
        self.condvar.notify_all();
    }

    fn wait(&self) {
        let mut set = self.set.lock();
        while !*set {
            set = self.condvar.wait(set);
        }
    }
}

/// A task spawned from outside the workers (injector push, then
/// `notify_parked_after_push`) while the only worker searches, finds
/// nothing and goes to sleep as the last searcher (`transition_to_parked`,
/// then `notify_if_work_pending`): over every interleaving the task runs,
/// once, and is freed at shutdown. If it were stranded the worker would
/// sleep for good and loom would report the deadlock; the task shuts the
/// runtime down, which is what lets the worker return.
///
/// Broken variants that fail: drop the `SeqCst` fence in
/// `Handle::push_remote_task` (the remote push's copy of the one in
/// `notify_parked_after_push`; the pusher may read the idle counters
/// from before the worker's decrement while the worker's look at the
/// injector misses the push); drop the last searcher's re-check
/// (`handle.notify_if_work_pending()` in `Core::transition_to_parked`).
#[test]
fn loom_remote_spawn_races_with_the_last_searcher_parking() {
    crate::loom::model(|| {
        let (handle, mut cores, _pool) = runtime(1);
        let tally = Tally::default();
        let worker = start_worker(&handle, 0, cores.pop().unwrap());

        let spawner = {
            let (handle, tally) = (handle.clone(), tally.clone());
            thread::spawn(move || {
                let shutdown = handle.clone();
                let run = tally.future();
                handle.spawn(
                    async move {
                        run.await;
                        shutdown.begin_shutdown();
                    },
                    TaskMeta::here(),
                )
            })
        };

        let join = spawner.join().unwrap();
        worker.join().unwrap();
        assert_eq!(tally.runs(), 1, "the remotely spawned task ran once");
        drop(join);
        handle.finalize_shutdown();
        assert_eq!(tally.drops(), 1, "the future was dropped once");
        assert_eq!(handle.common.num_alive_tasks(), 0);
    });
}

/// Worker 0 polls a task that schedules another one, then blocks until
/// that one has run (a long computation, a blocking call), while worker 1
/// searches and goes to sleep. Only worker 1 can run the new task: it must
/// be woken if need be, and find the task where worker 0 put it (its LIFO
/// slot, or with `is_yield` its run queue). A lost wake-up leaves both stuck,
/// which loom reports as a deadlock.
fn rescue_from_a_blocked_worker(is_yield: bool) {
    crate::loom::model(move || {
        let (handle, mut cores, _pool) = runtime(2);
        let thief = start_worker(&handle, 1, cores.pop().unwrap());
        let owner = polling(&handle, 0, cores.pop().unwrap());

        let ran = Arc::new(Latch::default());
        let (join, notified) = {
            let (ran, shutdown) = (ran.clone(), handle.clone());
            task(&handle, async move {
                ran.set();
                shutdown.begin_shutdown();
            })
        };
        // The task worker 0 polls schedules it (a spawn or a wake fills the
        // slot; a yield goes to the run queue) ...
        assert!(owner.schedule_local(notified, is_yield).is_none());
        // ... and blocks until it has run.
        ran.wait();

        thief.join().unwrap();
        handle.return_core(owner.take_core());
        drop(join);
        handle.finalize_shutdown();
        assert_eq!(handle.common.num_alive_tasks(), 0);
    });
}

/// `rescue_from_a_blocked_worker` through the LIFO slot: filling the slot
/// wakes the sleeping worker (b4b8352), which takes the task out of the
/// slot.
///
/// Broken variants that fail: revert b4b8352 (no notify when the schedule
/// filled an empty slot); drop the `SeqCst` fence before `notify_parked` in
/// `schedule_local` (the code before this model: the slot's `AcqRel` swap
/// and the load of the idle counters may be reordered against the last
/// searcher's decrement-fence-look, each missing the other).
#[test]
fn loom_lifo_fill_wakes_a_sleeping_worker_to_rescue_it() {
    rescue_from_a_blocked_worker(false);
}

/// `rescue_from_a_blocked_worker` through the run queue: the push wakes the
/// sleeping worker, which steals the task.
///
/// Broken variant that fails: drop the `SeqCst` fence before
/// `notify_parked` in `schedule_local` (as above, with crossbeam's `Release`
/// store of the queue's back index in place of the swap: on x86 too, a
/// plain store followed by a plain load).
#[test]
fn loom_local_queue_push_wakes_a_sleeping_worker_to_rescue_it() {
    rescue_from_a_blocked_worker(true);
}

/// The LIFO hand-off against a thief: worker 0's slot holds task 1 when a
/// task it polls wakes task 2, which takes the slot and moves task 1 to the
/// run queue; then worker 0 runs its local work. Meanwhile worker 1 steals
/// (run queue, injector, then worker 0's slot) and runs what it got, and its
/// own queue. Every task runs exactly once, nothing is left queued, and each
/// future is dropped exactly once after shutdown.
///
/// Broken variants that fail: `LifoSlot::take` as a load then a store
/// instead of one swap (both workers take the same task: it runs twice, or
/// the task core catches the double reference); `schedule_local` forgetting
/// the displaced task instead of queueing it (task 1 never runs).
#[test]
fn loom_lifo_replace_and_take_race_with_a_thief() {
    crate::loom::model(|| {
        let (handle, mut cores, _pool) = runtime(2);
        let thief_core = cores.pop().unwrap();
        let owner = polling(&handle, 0, cores.pop().unwrap());
        let tallies = [Tally::default(), Tally::default()];
        let (join1, task1) = task(&handle, tallies[0].future());
        let (join2, task2) = task(&handle, tallies[1].future());
        // Task 1 is in worker 0's slot, as if woken by the task it polls.
        assert!(handle.shared.remotes[0].lifo.replace(task1).is_none());

        let thief = {
            let handle = handle.clone();
            thread::spawn(move || {
                let cx = polling(&handle, 1, thief_core);
                let mut core = cx.take_core();
                while let Some(task) = core
                    .next_local_task(&handle)
                    .or_else(|| core.steal_work(&handle, 1))
                {
                    core = cx.run_task(task, core);
                }
                core
            })
        };

        // The task worker 0 polls wakes task 2.
        assert!(owner.schedule_local(task2, false).is_none());
        // That poll returns; worker 0 runs its local work.
        let mut core = owner.take_core();
        while let Some(task) = core.next_local_task(&handle) {
            core = owner.run_task(task, core);
        }
        let thief_core = thief.join().unwrap();

        for (i, tally) in tallies.iter().enumerate() {
            assert_eq!(tally.runs(), 1, "task {} ran exactly once", i + 1);
        }
        assert!(!core.has_local_work(&handle));
        assert!(!thief_core.has_local_work(&handle));
        assert!(handle.shared.inject.is_empty());

        handle.return_core(core);
        handle.return_core(thief_core);
        drop((join1, join2));
        handle.finalize_shutdown();
        for tally in &tallies {
            assert_eq!(tally.drops(), 1, "each future was dropped once");
        }
        assert_eq!(handle.common.num_alive_tasks(), 0);
    });
}

/// A task spawned from a foreign thread while the runtime finalizes its
/// shutdown (the workers are gone, their cores back): `bind` may find the
/// list open, then `finalize_shutdown` cancel the task and drain the
/// injector, and only then the spawner push its `Notified`. Over every
/// interleaving the injector ends empty: a reference left there is never
/// dropped, and since the task's cell holds the runtime's `Handle`, which
/// holds the injector, the cell, the handle and the driver's descriptors
/// leak (a reference cycle).
///
/// Broken variant that fails: `schedule_task` not looking at
/// `inject_closed` after its push (the code before this model).
#[test]
fn loom_remote_spawn_races_with_finalize_shutdown() {
    crate::loom::model(|| {
        let (handle, cores, _pool) = runtime(1);
        for core in cores {
            handle.return_core(core);
        }
        handle.begin_shutdown();
        let spawner = {
            let handle = handle.clone();
            thread::spawn(move || handle.spawn(async {}, TaskMeta::here()))
        };
        handle.finalize_shutdown();
        let join = spawner.join().unwrap();
        assert!(
            handle.shared.inject.is_empty(),
            "a Notified was left in the injector after shutdown"
        );
        assert_eq!(handle.common.num_alive_tasks(), 0);
        drop(join);
    });
}
