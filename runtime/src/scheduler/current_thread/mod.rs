//! The current_thread scheduler: asyncio's own model, a single-threaded
//! event loop.
//!
//! Every task runs on the thread that calls `block_on` (or `run_forever`),
//! interleaved with that call's own future. Tasks may therefore be `!Send`
//! (`task::spawn_local`). Wakes from the loop's own thread push to a plain
//! `VecDeque`; wakes from other threads go through a mutex-protected remote
//! queue and wake the loop out of the driver.
//!
//! Only one thread drives the loop at a time: it takes the `Core` (run
//! queue and driver) for the duration of its `block_on`. A second thread
//! calling `block_on` meanwhile polls its own future on its own thread and
//! takes the core over when the first one returns it.
//!
//! Tasks spawned with `spawn_local` may only ever run on the thread that
//! spawned them: once there are any, `block_on` from another thread panics,
//! and a shutdown on another thread leaks unfinished tasks rather than drop
//! `!Send` futures on the wrong thread.

mod core;

pub(crate) use self::core::Context;

use self::core::Core;
use crate::blocking;
use crate::driver::{self, Driver};
use crate::loom::{AtomicBool, AtomicUsize, Mutex, Ordering, fence};
use crate::scheduler::context;
use crate::scheduler::slow_poll::DebugMode;
use crate::scheduler::{self, Common, Config, park_thread};
use crate::task::{self, JoinHandle, Notified, TaskMeta};
use std::collections::VecDeque;
use std::future::Future;
use std::pin::pin;
use std::sync::Arc;
use std::task::{Poll, Wake, Waker};
use std::thread::ThreadId;

/// The shared state of a current_thread runtime; tasks hold an `Arc` of it.
pub(crate) struct Handle {
    pub(crate) common: Common,
    shared: Shared,
    /// The core, while no thread drives the loop.
    core: Mutex<Option<Box<Core>>>,
    /// Threads waiting in `block_on` for the core.
    core_waiters: Mutex<Vec<Waker>>,
    /// The thread that spawned `!Send` tasks, if any did.
    local_owner: Mutex<Option<ThreadId>>,
}

struct Shared {
    /// Tasks scheduled from other threads; `None` once shutdown released
    /// the queue: a later push drops its task instead (see
    /// `schedule_task`).
    remote: Mutex<Option<VecDeque<Notified<Arc<Handle>>>>>,
    remote_len: AtomicUsize,
    /// `block_on`'s own future was woken.
    woken: AtomicBool,
    /// The driving thread is blocked in the driver.
    parked: AtomicBool,
    polls: crate::loom::AtomicU64,
}

impl Handle {
    pub(crate) fn new(
        driver: Driver,
        driver_handle: driver::Handle,
        blocking: blocking::Spawner,
        config: Config,
        debug: Option<Arc<DebugMode>>,
    ) -> Arc<Handle> {
        Arc::new(Handle {
            common: Common::new(driver_handle, blocking, config, debug, 1),
            shared: Shared {
                remote: Mutex::new(Some(VecDeque::new())),
                remote_len: AtomicUsize::new(0),
                woken: AtomicBool::new(false),
                parked: AtomicBool::new(false),
                polls: crate::loom::AtomicU64::new(0),
            },
            core: Mutex::new(Some(Core::new(driver))),
            core_waiters: Mutex::new(Vec::new()),
            local_owner: Mutex::new(None),
        })
    }

    pub(crate) fn spawn<F>(self: &Arc<Self>, future: F, meta: TaskMeta) -> JoinHandle<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        self.bind(future, meta)
    }

    /// Binds any future; `spawn` and `spawn_local` check `Send`-ness.
    fn bind<F>(self: &Arc<Self>, future: F, meta: TaskMeta) -> JoinHandle<F::Output>
    where
        F: Future + 'static,
    {
        let (join, notified) = self.common.owned.bind(future, self.clone(), meta);
        if let Some(notified) = notified {
            self.schedule_task(notified);
        }
        join
    }

    /// Runs `future` to completion on this thread, driving the loop.
    #[track_caller]
    pub(crate) fn block_on<F: Future>(self: &Arc<Self>, future: F) -> F::Output {
        let _driving = context::enter_driving("block_on");
        let current = scheduler::Handle::CurrentThread(self.clone());
        let _current = context::set_current(&current);
        let mut future = pin!(future);
        let (park, waker) = park_thread::current();
        loop {
            if let Some(core) = self.take_core() {
                return Context::drive(self, core, future.as_mut());
            }
            // Another thread drives the loop: poll our future here and wait
            // for it, or for the core to come back.
            {
                let mut waiters = self.core_waiters.lock();
                if !waiters.iter().any(|w| w.will_wake(&waker)) {
                    waiters.push(waker.clone());
                }
            }
            // The core may have come back before we registered.
            if let Some(core) = self.take_core() {
                return Context::drive(self, core, future.as_mut());
            }
            let mut cx = std::task::Context::from_waker(&waker);
            if let Poll::Ready(output) = future.as_mut().poll(&mut cx) {
                return output;
            }
            park.park();
        }
    }

    #[track_caller]
    fn take_core(&self) -> Option<Box<Core>> {
        let mut slot = self.core.lock();
        let core = slot.take()?;
        let owner = *self.local_owner.lock();
        if let Some(owner) = owner
            && owner != std::thread::current().id()
        {
            *slot = Some(core);
            drop(slot);
            panic!(
                "block_on was called on thread {:?}, but this current_thread runtime has \
                     tasks from spawn_local, which only run on the thread that spawned them \
                     ({owner:?}). Call block_on from that thread.",
                std::thread::current().id()
            );
        }
        Some(core)
    }

    /// Gives the core back after a `block_on` and lets waiting threads
    /// take it over.
    ///
    /// The shutdown flag is read under the core's lock: `shutdown` sets the
    /// flag, then looks for the core under that lock and, if the core is
    /// away, leaves its queues to whoever gives it back. Read before the
    /// lock, a shutdown could fall between the read and the store: neither
    /// side would release the queued tasks and the driver (model:
    /// `loom_shutdown_races_with_the_core_coming_back`). The release itself
    /// runs with the lock dropped, since dropping tasks runs their code.
    fn return_core(&self, core: Box<Core>) {
        let mut slot = self.core.lock();
        let core = if self.common.is_closed() {
            drop(slot);
            let core = self.release_queues(core);
            slot = self.core.lock();
            core
        } else {
            core
        };
        *slot = Some(core);
        drop(slot);
        let waiters = std::mem::take(&mut *self.core_waiters.lock());
        for waker in waiters {
            waker.wake();
        }
    }

    /// Schedules a woken or new task: locally when on the loop's thread,
    /// else through the remote queue.
    fn schedule_task(self: &Arc<Self>, task: Notified<Arc<Handle>>) {
        let task = context::with_scheduler(|cx| match cx {
            Some(scheduler::Context::CurrentThread(cx)) if cx.is_for(self) => cx.push_local(task),
            _ => Some(task),
        });
        if let Some(task) = task {
            let mut remote = self.shared.remote.lock();
            // A spawn or a wake from another thread decides to push while
            // the runtime is open (`bind` found the task list open, or the
            // task was idle) and pushes later: shutdown may cancel the task
            // and release the queues in between. A reference pushed after
            // that release was never dropped, and as the task's cell holds
            // this `Handle`, which holds the queue, the cell, the handle and
            // the driver (its descriptors) leaked in a cycle. The queue is
            // taken under this lock by `release_queues`, which runs once the
            // runtime is closed; a task pushed after it is one shutdown
            // cancels (or leaks, for `spawn_local` tasks shut down from
            // another thread) through the owned list, so only this
            // reference is ours to drop (model:
            // `loom_remote_spawn_races_with_shutdown`).
            let Some(queue) = remote.as_mut() else {
                drop(remote);
                drop(task);
                return;
            };
            queue.push_back(task);
            self.shared.remote_len.store(queue.len(), Ordering::SeqCst);
            drop(remote);
            self.unpark_if_parked();
        }
    }

    fn pop_remote(&self) -> Option<Notified<Arc<Handle>>> {
        if self.shared.remote_len.load(Ordering::Acquire) == 0 {
            return None;
        }
        let mut remote = self.shared.remote.lock();
        let queue = remote.as_mut()?;
        let task = queue.pop_front();
        self.shared.remote_len.store(queue.len(), Ordering::Release);
        task
    }

    /// The main future's waker fired.
    fn wake_main(&self) {
        self.shared.woken.store(true, Ordering::SeqCst);
        self.unpark_if_parked();
    }

    fn reset_woken(&self) -> bool {
        self.shared.woken.swap(false, Ordering::AcqRel)
    }

    /// After publishing work (a remote push, `woken`): wakes the loop if it
    /// is blocked in the driver. The fence pairs with the one in
    /// `Context::park`.
    fn unpark_if_parked(&self) {
        fence(Ordering::SeqCst);
        if self.shared.parked.load(Ordering::SeqCst) {
            self.common.driver.unpark();
        }
    }

    /// Something is ready to run without waiting.
    fn has_remote_work(&self) -> bool {
        self.shared.woken.load(Ordering::SeqCst)
            || self.shared.remote_len.load(Ordering::SeqCst) > 0
    }

    /// Shuts the loop down: every task still alive is cancelled (or, if
    /// `spawn_local` tasks belong to another thread, leaked), queued
    /// references are dropped and the driver is released.
    pub(crate) fn shutdown(self: &Arc<Self>) {
        if !self.common.close() {
            return;
        }
        let current = scheduler::Handle::CurrentThread(self.clone());
        let _enter = context::set_current(&current);
        let owner = *self.local_owner.lock();
        match owner {
            Some(owner) if owner != std::thread::current().id() => {
                self.common.owned.close_and_leak_all();
            }
            _ => self.common.owned.close_and_shutdown_all(),
        }
        let core = self.core.lock().take();
        match core {
            Some(core) => {
                let core = self.release_queues(core);
                *self.core.lock() = Some(core);
            }
            // Another thread drives the loop; it releases the queues when it
            // gives the core back.
            None => self.common.driver.unpark(),
        }
        self.common.stop_debug();
    }

    fn release_queues(&self, mut core: Box<Core>) -> Box<Core> {
        core.drain();
        // Taken under the lock, so that no push lands after this drain
        // (see `schedule_task`); the references are dropped unlocked.
        let remote = {
            let mut remote = self.shared.remote.lock();
            self.shared.remote_len.store(0, Ordering::Release);
            remote.take()
        };
        drop(remote);
        core.shutdown_driver(&self.common.driver);
        core
    }

    pub(crate) fn global_queue_depth(&self) -> usize {
        self.shared.remote_len.load(Ordering::Relaxed)
    }

    pub(crate) fn poll_count(&self) -> u64 {
        self.shared.polls.load(Ordering::Relaxed)
    }
}

/// The main future's waker: wakes the loop (allocation-free, it is the
/// runtime's own `Arc`).
struct MainWaker(Arc<Handle>);

impl Wake for MainWaker {
    fn wake(self: Arc<Self>) {
        self.0.wake_main();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        self.0.wake_main();
    }
}

impl task::Schedule for Arc<Handle> {
    fn release(&self, task: &task::Task<Self>) -> Option<task::Task<Self>> {
        self.common.owned.remove(task)
    }

    fn schedule(&self, task: Notified<Self>) {
        self.schedule_task(task);
    }

    fn unretrieved_panic(&self, task: &task::core::Header) {
        self.common.unretrieved_panic(task);
    }
}

/// `spawn_local` support.
impl Handle {
    pub(crate) fn spawn_local<F>(
        self: &Arc<Self>,
        future: F,
        meta: TaskMeta,
    ) -> JoinHandle<F::Output>
    where
        F: Future + 'static,
        F::Output: 'static,
    {
        let me = std::thread::current().id();
        let mut owner = self.local_owner.lock();
        match *owner {
            None => *owner = Some(me),
            Some(owner) => debug_assert_eq!(owner, me, "spawn_local on a foreign thread"),
        }
        drop(owner);
        self.bind(future, meta)
    }
}
