//! The event loop of the current_thread scheduler.

use super::{Handle, MainWaker};
use crate::driver::{self, Driver};
use crate::loom::{Ordering, fence};
use crate::scheduler;
use crate::scheduler::context;
use crate::task::{Notified, coop};
use std::cell::RefCell;
use std::collections::VecDeque;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Poll, Waker};
use std::time::Duration;

type Task = Notified<Arc<Handle>>;

/// The run queue and the driver; owned by the thread driving the loop.
pub(crate) struct Core {
    tasks: VecDeque<Task>,
    tick: u32,
    /// `None` while the loop is blocked in it.
    driver: Option<Driver>,
}

/// The loop's scheduler context, reachable through the thread-local.
pub(crate) struct Context {
    handle: Arc<Handle>,
    core: RefCell<Option<Box<Core>>>,
}

impl Core {
    pub(super) fn new(driver: Driver) -> Box<Core> {
        Box::new(Core {
            tasks: VecDeque::with_capacity(64),
            tick: 0,
            driver: Some(driver),
        })
    }

    /// Drops every queued task reference (shutdown).
    pub(super) fn drain(&mut self) {
        while let Some(task) = self.tasks.pop_front() {
            drop(task);
        }
    }

    pub(super) fn shutdown_driver(&mut self, handle: &driver::Handle) {
        if let Some(driver) = self.driver.as_mut() {
            driver.shutdown(handle);
        }
    }
}

impl Context {
    pub(super) fn is_for(&self, handle: &Arc<Handle>) -> bool {
        Arc::ptr_eq(&self.handle, handle)
    }

    /// Pushes to the local queue; gives the task back if the core is away.
    pub(super) fn push_local(&self, task: Task) -> Option<Task> {
        let Ok(mut slot) = self.core.try_borrow_mut() else {
            return Some(task);
        };
        match slot.as_mut() {
            Some(core) => {
                core.tasks.push_back(task);
                None
            }
            None => Some(task),
        }
    }

    /// `spawn_local` from inside the loop.
    pub(crate) fn spawn_local<F>(
        &self,
        future: F,
        meta: crate::task::TaskMeta,
    ) -> crate::task::JoinHandle<F::Output>
    where
        F: Future + 'static,
        F::Output: 'static,
    {
        self.handle.spawn_local(future, meta)
    }

    /// Drives the loop until `future` completes; gives the core back after.
    pub(super) fn drive<F: Future>(
        handle: &Arc<Handle>,
        core: Box<Core>,
        future: Pin<&mut F>,
    ) -> F::Output {
        let cx = scheduler::Context::CurrentThread(Context {
            handle: handle.clone(),
            core: RefCell::new(Some(core)),
        });
        let scheduler::Context::CurrentThread(this) = &cx else {
            unreachable!()
        };

        /// Returns the core even if the main future panics.
        struct GiveBack<'a>(&'a Context);
        impl Drop for GiveBack<'_> {
            fn drop(&mut self) {
                if let Some(core) = self.0.core.borrow_mut().take() {
                    self.0.handle.return_core(core);
                }
            }
        }

        let _give_back = GiveBack(this);
        context::set_scheduler(&cx, || this.run_until(future))
    }

    fn run_until<F: Future>(&self, mut future: Pin<&mut F>) -> F::Output {
        let handle = &self.handle;
        let waker = Waker::from(Arc::new(MainWaker(handle.clone())));
        let mut cx = std::task::Context::from_waker(&waker);
        handle.shared.woken.store(true, Ordering::SeqCst);
        // Turns that went back to the main future without checking the
        // driver (see below).
        let mut turns_without_driver = 0;
        'outer: loop {
            if handle.reset_woken()
                && let Poll::Ready(output) = coop::budget(|| future.as_mut().poll(&mut cx))
            {
                return output;
            }
            for _ in 0..handle.common.config.event_interval {
                let Some(task) = self.next_task() else {
                    // Nothing runnable: block until something happens,
                    // unless the main future is waiting to be polled. A
                    // main future that keeps waking itself (a `yield_now`
                    // loop) still gets I/O and timers checked once in a
                    // while, as a busy task does: otherwise nothing it
                    // waits for could ever happen.
                    if !handle.shared.woken.load(Ordering::SeqCst) {
                        self.park(None);
                        turns_without_driver = 0;
                    } else if turns_without_driver >= handle.common.config.event_interval {
                        self.park(Some(Duration::ZERO));
                        turns_without_driver = 0;
                    } else {
                        turns_without_driver += 1;
                    }
                    continue 'outer;
                };
                handle.shared.polls.fetch_add(1, Ordering::Relaxed);
                handle
                    .common
                    .run_task(0, task, |task| coop::budget(|| task.run()));
            }
            // A busy loop still checks for I/O once in a while.
            self.park(Some(Duration::ZERO));
            turns_without_driver = 0;
        }
    }

    fn next_task(&self) -> Option<Task> {
        let handle = &self.handle;
        let mut slot = self.core.borrow_mut();
        let core = slot.as_mut().expect("current_thread core missing");
        core.tick = core.tick.wrapping_add(1);
        if core
            .tick
            .is_multiple_of(handle.common.config.global_queue_interval)
        {
            handle.pop_remote().or_else(|| core.tasks.pop_front())
        } else {
            core.tasks.pop_front().or_else(|| handle.pop_remote())
        }
    }

    /// Blocks in the driver (or polls it, with a zero timeout). The core
    /// stays reachable so the driver's wakes land in the local queue.
    fn park(&self, timeout: Option<Duration>) {
        let handle = &self.handle;
        let mut driver = {
            let mut slot = self.core.borrow_mut();
            let core = slot.as_mut().expect("current_thread core missing");
            core.driver.take().expect("current_thread driver missing")
        };
        if timeout == Some(Duration::ZERO) {
            driver.poll(&handle.common.driver);
        } else {
            // A store-buffering handshake with `Handle::unpark_if_parked`:
            // publish `parked`, fence, then look for work; a waker publishes
            // its work, fences, then reads `parked`. Of the two, at least one
            // sees the other. (`SeqCst` accesses alone close it in the C++
            // model too; the fences make it explicit, and checkable by loom,
            // which models `SeqCst` fences fully but `SeqCst` loads weaker:
            // see `loom_tests.rs`.)
            handle.shared.parked.store(true, Ordering::SeqCst);
            fence(Ordering::SeqCst);
            let local_work = self
                .core
                .borrow()
                .as_ref()
                .is_some_and(|core| !core.tasks.is_empty());
            if !local_work && !handle.has_remote_work() {
                driver.park(&handle.common.driver, timeout);
            }
            handle.shared.parked.store(false, Ordering::SeqCst);
        }
        let mut slot = self.core.borrow_mut();
        slot.as_mut().expect("current_thread core missing").driver = Some(driver);
    }
}

/// Loom models of the loop's park/wake handshake (a child of this module so
/// that they drive the real `Context`).
#[cfg(test)]
#[path = "loom_tests.rs"]
mod loom_tests;
