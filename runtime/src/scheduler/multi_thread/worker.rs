//! The worker loop: run local work, steal, park.
//!
//! A worker thread owns its `Core` (run queue, LIFO slot, parker) and passes
//! it by value through the loop. While a task is polled, and while the
//! worker is parked, the core sits in the thread's `Context` instead, so a
//! wake from inside a task (or from the driver) can push straight to the
//! local queue without any synchronization.

use super::lifo::LifoSlot;
use super::park::Parker;
use super::queue::Local;
use super::{Handle, MAX_LIFO_POLLS};
use crate::scheduler::context;
use crate::scheduler::thread_hooks::ThreadHooks;
use crate::scheduler::{self, rand::FastRand};
use crate::task::{Notified, coop};
use std::cell::RefCell;
use std::sync::Arc;

type Task = Notified<Arc<Handle>>;

/// Rounds a searching worker that found nothing looks at the queues again
/// before it parks, each after [`SPIN_PAUSES`] spin-loop hints: about
/// fifteen microseconds in all (a `pause` is ~27 ns on the AMD EPYC this
/// was measured on, ~40 ns on recent Intel cores; a round's steal attempt
/// ~100 ns).
///
/// Work often arrives that soon (a task spawning in a loop, a burst of
/// wakes), and while a worker searches, whoever pushes sees a searcher and
/// wakes nobody. Without the spin, a worker that drains a spawner's queue
/// faster than it fills parks and is woken again thousands of times a
/// second, a syscall on each side (a task spawning 100k children caused
/// ~2,400 park/unpark pairs). With 8 hints a round that loop still saw
/// twice the context switches of 16; 32 saved nothing more. Bounded, so an
/// idle runtime still goes to sleep within microseconds. None under loom
/// (the models would explore every round).
const SPIN_ROUNDS: usize = if cfg!(loom) { 0 } else { 32 };
/// Spin-loop hints between two rounds of [`SPIN_ROUNDS`].
const SPIN_PAUSES: usize = 16;

/// A worker's scheduler context, reachable through the thread-local.
pub(crate) struct Context {
    index: usize,
    handle: Arc<Handle>,
    core: RefCell<Option<Box<Core>>>,
}

/// What a worker owns. (Its LIFO slot lives in the shared `Remote`, so a
/// thief can rescue the slot's task from a worker stuck in a blocking call;
/// see `lifo.rs`.)
pub(super) struct Core {
    index: usize,
    tick: u32,
    lifo_enabled: bool,
    run_queue: Local<Arc<Handle>>,
    is_searching: bool,
    is_shutdown: bool,
    /// `None` while the worker is parked (so wakes meanwhile do not try to
    /// wake other workers: the parked one handles them when it returns).
    park: Option<Parker>,
    rand: FastRand,
    stats: super::metrics::Stats,
}

/// The body of a worker thread.
pub(super) fn run(handle: Arc<Handle>, index: usize, core: Box<Core>, hooks: &ThreadHooks) {
    let current = scheduler::Handle::MultiThread(handle.clone());
    let _current = context::set_current(&current);
    hooks.thread_started();
    let _driving = context::enter_driving("a runtime worker");
    let cx = scheduler::Context::MultiThread(Context {
        index,
        handle,
        core: RefCell::new(None),
    });
    let scheduler::Context::MultiThread(worker) = &cx else {
        unreachable!()
    };
    let core = context::set_scheduler(&cx, || worker.run(core));
    worker.handle.return_core(core);
    hooks.thread_stopping();
}

impl Core {
    pub(super) fn new(index: usize, run_queue: Local<Arc<Handle>>, park: Parker) -> Box<Core> {
        Box::new(Core {
            index,
            tick: 0,
            lifo_enabled: true,
            run_queue,
            is_searching: false,
            is_shutdown: false,
            park: Some(park),
            rand: FastRand::new(),
            stats: super::metrics::Stats::new(),
        })
    }

    /// Drops every queued task reference (shutdown).
    pub(super) fn drain(&mut self, handle: &Handle) {
        drop(self.lifo(handle).take());
        while let Some(task) = self.run_queue.pop() {
            drop(task);
        }
    }

    fn lifo<'a>(&self, handle: &'a Handle) -> &'a LifoSlot<Arc<Handle>> {
        &handle.shared.remotes[self.index].lifo
    }

    fn next_local_task(&mut self, handle: &Handle) -> Option<Task> {
        self.lifo(handle).take().or_else(|| self.run_queue.pop())
    }

    fn next_task(&mut self, handle: &Handle) -> Option<Task> {
        if self
            .tick
            .is_multiple_of(handle.common.config.global_queue_interval)
        {
            // Fairness: remote work first once in a while.
            return handle
                .next_remote_task()
                .or_else(|| self.next_local_task(handle));
        }
        self.next_local_task(handle)
            .or_else(|| self.refill_from_injector(handle))
    }

    /// Takes a fair share of the injector's tasks into the local queue.
    fn refill_from_injector(&mut self, handle: &Handle) -> Option<Task> {
        let inject = &handle.shared.inject;
        if inject.is_empty() {
            return None;
        }
        let share = inject.len() / handle.num_workers() + 1;
        self.run_queue.refill_from(inject, share)
    }

    fn transition_to_searching(&mut self, handle: &Handle) -> bool {
        if !self.is_searching {
            self.is_searching = handle.shared.idle.transition_worker_to_searching();
        }
        self.is_searching
    }

    /// Steals from a random victim's queue, then the injector, and as a last
    /// resort takes a task out of another worker's LIFO slot.
    fn steal_work(&mut self, handle: &Handle, index: usize) -> Option<Task> {
        if !self.transition_to_searching(handle) {
            return None;
        }
        if let Some(task) = self.steal_from_queues(handle, index) {
            return Some(task);
        }
        self.steal_from_lifo_slots(handle, index)
    }

    /// A searcher that found nothing looks at the run queues and the
    /// injector a little longer before it sleeps (see [`SPIN_ROUNDS`]).
    /// LIFO slots are left alone: their owners run them next, and the
    /// rescue of a blocked owner's slot already happened in `steal_work`.
    fn spin_for_work(&mut self, handle: &Handle, index: usize) -> Option<Task> {
        if !self.is_searching {
            return None;
        }
        for _ in 0..SPIN_ROUNDS {
            for _ in 0..SPIN_PAUSES {
                crate::loom::spin_loop();
            }
            if let Some(task) = self.steal_from_queues(handle, index) {
                return Some(task);
            }
            if handle.is_shutdown() {
                return None;
            }
        }
        None
    }

    /// The victims' run queues, then the injector.
    fn steal_from_queues(&mut self, handle: &Handle, index: usize) -> Option<Task> {
        let remotes = &handle.shared.remotes;
        let n = remotes.len();
        let start = self.rand.below(n);
        for i in 0..n {
            let victim = (start + i) % n;
            if victim == index {
                continue;
            }
            let before = self.run_queue.len();
            if let Some(task) = self.run_queue.steal_from(&remotes[victim].steal) {
                let stolen = 1 + (self.run_queue.len() - before) as u64;
                self.stats.steal_operations += 1;
                self.stats.steals += stolen;
                crate::trace::worker_stole(index, victim, stolen);
                return Some(task);
            }
        }
        self.refill_from_injector(handle)
    }

    /// Another worker's LIFO slot: the last resort of a search.
    fn steal_from_lifo_slots(&mut self, handle: &Handle, index: usize) -> Option<Task> {
        let remotes = &handle.shared.remotes;
        let n = remotes.len();
        let start = self.rand.below(n);
        for i in 0..n {
            let victim = (start + i) % n;
            if victim == index {
                continue;
            }
            if let Some(task) = remotes[victim].lifo.take() {
                self.stats.steal_operations += 1;
                self.stats.steals += 1;
                crate::trace::worker_stole(index, victim, 1);
                return Some(task);
            }
        }
        None
    }

    /// More than one task is queued here while nobody else may know.
    fn should_notify_others(&self, handle: &Handle) -> bool {
        if self.is_searching {
            return false;
        }
        usize::from(self.lifo(handle).is_occupied()) + self.run_queue.len() > 1
    }

    fn has_local_work(&self, handle: &Handle) -> bool {
        self.lifo(handle).is_occupied() || !self.run_queue.is_empty()
    }

    /// Registers as sleeping; false when there is work or shutdown.
    fn transition_to_parked(&mut self, handle: &Handle, index: usize) -> bool {
        if self.has_local_work(handle) || self.is_shutdown {
            return false;
        }
        let was_last_searcher = handle
            .shared
            .idle
            .transition_worker_to_parked(index, self.is_searching);
        self.is_searching = false;
        if was_last_searcher {
            handle.notify_if_work_pending();
        }
        true
    }

    /// Decides whether a wake-up ends the sleep.
    fn transition_from_parked(&mut self, handle: &Handle, index: usize) -> bool {
        if self.has_local_work(handle) {
            // The driver handed us work while we slept. If we were still
            // registered as sleeping, nobody counted us as awake: do it.
            let was_registered = handle.shared.idle.unpark_worker_by_id(index);
            self.is_searching = !was_registered;
            return true;
        }
        if handle.shared.idle.is_parked(index) {
            // Not addressed to us (or spurious): sleep on.
            return false;
        }
        // `Idle::worker_to_notify` counted us as searching.
        self.is_searching = true;
        true
    }
}

impl Context {
    fn run(&self, mut core: Box<Core>) -> Box<Core> {
        core.stats.start_busy();
        while !core.is_shutdown {
            core.tick = core.tick.wrapping_add(1);
            core = self.maintenance(core);
            if let Some(task) = core.next_task(&self.handle) {
                core = self.run_task(task, core);
                continue;
            }
            if let Some(task) = core.steal_work(&self.handle, self.index) {
                core = self.run_task(task, core);
                continue;
            }
            if let Some(task) = core.spin_for_work(&self.handle, self.index) {
                core = self.run_task(task, core);
                continue;
            }
            core = self.park(core);
        }
        core.stats.end_busy();
        core.stats.submit(&self.handle.shared.metrics[self.index]);
        core
    }

    /// Every `event_interval` ticks: poll the driver without blocking and
    /// look at the shutdown flag.
    fn maintenance(&self, mut core: Box<Core>) -> Box<Core> {
        if core
            .tick
            .is_multiple_of(self.handle.common.config.event_interval)
        {
            core =
                self.with_core_parked(core, |park, handle| park.poll_driver(&handle.common.driver));
            core.stats.submit(&self.handle.shared.metrics[self.index]);
            core.is_shutdown |= self.handle.is_shutdown();
        }
        core
    }

    fn run_task(&self, task: Task, mut core: Box<Core>) -> Box<Core> {
        if core.is_searching {
            core.is_searching = false;
            if self.handle.shared.idle.transition_worker_from_searching() {
                // We were the last searcher and found work: there may be
                // more, so let another worker look.
                self.handle.notify_parked();
            }
        }
        core.lifo_enabled = true;
        core.stats.polls += 1;
        *self.core.borrow_mut() = Some(core);

        coop::budget(|| {
            self.run_one(task);
            let mut lifo_polls = 0;
            loop {
                let mut core = self.take_core();
                let Some(task) = core.lifo(&self.handle).take() else {
                    return core;
                };
                if !coop::has_budget_remaining() {
                    // The chain used up the budget: the slot task waits its
                    // turn at the back of the queue.
                    core.run_queue
                        .push_back_or_overflow(task, &self.handle.shared.inject);
                    return core;
                }
                lifo_polls += 1;
                if lifo_polls >= MAX_LIFO_POLLS {
                    core.lifo_enabled = false;
                }
                core.stats.polls += 1;
                *self.core.borrow_mut() = Some(core);
                self.run_one(task);
            }
        })
    }

    /// Polls one task, timing the poll in debug mode.
    fn run_one(&self, task: Task) {
        self.handle
            .common
            .run_task(self.index, task, |task| task.run());
    }

    fn park(&self, mut core: Box<Core>) -> Box<Core> {
        if core.transition_to_parked(&self.handle, self.index) {
            core.stats.end_busy();
            while !core.is_shutdown {
                core.stats.parks += 1;
                core.stats.submit(&self.handle.shared.metrics[self.index]);
                crate::trace::worker_parked(self.index);
                core = self.with_core_parked(core, |park, handle| park.park(&handle.common.driver));
                crate::trace::worker_unparked(self.index);
                core.is_shutdown |= self.handle.is_shutdown();
                if core.transition_from_parked(&self.handle, self.index) {
                    break;
                }
            }
            core.stats.start_busy();
        }
        core
    }

    /// Puts the core where wakes can reach it, runs `f` with the parker,
    /// takes the core back.
    fn with_core_parked(
        &self,
        mut core: Box<Core>,
        f: impl FnOnce(&mut Parker, &Handle),
    ) -> Box<Core> {
        let mut park = core.park.take().expect("worker parker missing");
        *self.core.borrow_mut() = Some(core);
        f(&mut park, &self.handle);
        let mut core = self.take_core();
        core.park = Some(park);
        if core.should_notify_others(&self.handle) {
            self.handle.notify_parked();
        }
        core
    }

    fn take_core(&self) -> Box<Core> {
        self.core
            .borrow_mut()
            .take()
            .expect("worker core missing: a task must not block_on or re-enter the worker")
    }

    /// Schedules from this worker's thread. Gives the task back if this
    /// worker cannot take it (the core is away).
    fn schedule_local(&self, task: Task, is_yield: bool) -> Option<Task> {
        let Ok(mut slot) = self.core.try_borrow_mut() else {
            return Some(task);
        };
        let Some(core) = slot.as_mut() else {
            return Some(task);
        };
        let inject = &self.handle.shared.inject;
        if is_yield || !core.lifo_enabled {
            core.run_queue.push_back_or_overflow(task, inject);
        } else if let Some(prev) = core.lifo(&self.handle).replace(task) {
            core.run_queue.push_back_or_overflow(prev, inject);
        }
        // A queue push and a LIFO fill alike wake a sleeping worker, unless
        // one is searching already (then this costs a fence and one load).
        // The slot's task is usually run by this worker as soon as the
        // current poll ends, and a searcher looks at other workers' slots
        // only after every queue; but if the current poll blocks this worker
        // (a long computation, a blocking call), the searcher is what rescues
        // the slot's task, so one must be awake. Hence the fence too: without
        // it the push (a `Release` store or an `AcqRel` swap) and the load of
        // the idle counters may be reordered (on x86 too, for the queue's
        // plain store), and the last searcher going to sleep may miss the
        // push while we miss its going to sleep. (While parked, the worker
        // notifies others itself when it returns.)
        let notify = core.park.is_some();
        drop(slot);
        if notify {
            self.handle.notify_parked_after_push();
        }
        None
    }
}

impl Handle {
    /// Schedules a woken or new task: to the local queue when called on one
    /// of this runtime's workers, else to the injector (waking a worker).
    pub(super) fn schedule_task(self: &Arc<Self>, task: Task, is_yield: bool) {
        let task = context::with_scheduler(|cx| match cx {
            Some(scheduler::Context::MultiThread(cx)) if Arc::ptr_eq(&cx.handle, self) => {
                cx.schedule_local(task, is_yield)
            }
            _ => Some(task),
        });
        if let Some(task) = task {
            // Pushes, fences and wakes a worker (or drains the injector
            // after shutdown).
            self.push_remote_task(task);
        }
    }
}

/// Loom models of the worker protocols (a child of this module so that they
/// drive the real `Core` and `Context`).
#[cfg(test)]
#[path = "loom_tests.rs"]
mod loom_tests;
