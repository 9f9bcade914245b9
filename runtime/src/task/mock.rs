//! The mock scheduler of the task core's models (`task/tests.rs`) and of
//! the combinators' models: a queue the test runs by hand, and a handle
//! per task that knows when its cell is freed, so a scheduler that used its
//! handle after the task was freed fails the model (see `Sched::schedule`).

use super::list::OwnedTasks;
use super::{JoinHandle, Notified, Schedule, Task};
use crate::loom::{Arc, AtomicBool, AtomicUsize, Condvar, Mutex, Ordering};
use std::collections::VecDeque;
use std::future::Future;

pub(crate) struct Mock {
    pub(crate) queue: Mutex<VecDeque<Notified<Sched>>>,
    /// Signalled on every push (`run_next_blocking`).
    pushed: Condvar,
    pub(crate) owned: OwnedTasks,
    /// `schedule` calls that finished; read through `self` after queueing.
    pub(crate) scheduled: AtomicUsize,
}

/// The scheduler handle each task's cell holds, as the runtime's
/// `Arc<Handle>` is. It knows when its cell is freed, so the mock can check
/// that nobody uses a handle whose cell is gone.
pub(crate) struct Sched {
    mock: Arc<Mock>,
    freed: Arc<AtomicBool>,
}

impl Drop for Sched {
    fn drop(&mut self) {
        self.freed.store(true, Ordering::SeqCst);
    }
}

impl Schedule for Sched {
    fn release(&self, task: &Task<Self>) -> Option<Task<Self>> {
        self.mock.owned.remove(task)
    }

    /// Like the real schedulers (a remote push, then waking a parked
    /// worker through `self`), this goes on using `self` after the task is
    /// queued, when another thread may already have run it to completion.
    /// The task core must keep the cell alive until `schedule` returns;
    /// a model in which the cell was freed in that window fails here.
    fn schedule(&self, task: Notified<Self>) {
        let freed = self.freed.clone();
        self.mock.queue.lock().push_back(task);
        self.mock.pushed.notify_one();
        assert!(
            !freed.load(Ordering::SeqCst),
            "use after free: the task's cell was freed while its scheduler \
             handle was still in use by schedule()"
        );
        self.mock.scheduled.fetch_add(1, Ordering::SeqCst);
    }
}

pub(crate) fn mock() -> Arc<Mock> {
    Arc::new(Mock {
        queue: Mutex::new(VecDeque::new()),
        pushed: Condvar::new(),
        owned: OwnedTasks::new(1),
        scheduled: AtomicUsize::new(0),
    })
}

/// Binds `future` to `mock`, as `spawn` binds to a runtime.
pub(crate) fn bind<F>(mock: &Arc<Mock>, future: F) -> (JoinHandle<F::Output>, Notified<Sched>)
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    let handle = Sched {
        mock: mock.clone(),
        freed: Arc::new(AtomicBool::new(false)),
    };
    let (join, notified) = mock.owned.bind(future, handle, super::TaskMeta::here());
    (join, notified.expect("the mock's list is open"))
}

impl Mock {
    /// Queues a new task's first `Notified` (the spawner's own handle, not
    /// the one in the cell, as `spawn` does).
    pub(crate) fn push(&self, task: Notified<Sched>) {
        self.queue.lock().push_back(task);
    }

    /// Waits for a task to be queued and runs it. (Blocking rather than
    /// spinning lets loom run this thread the moment a push lands, so it
    /// explores the runner racing ahead of the pusher.)
    pub(crate) fn run_next_blocking(&self) {
        let mut queue = self.queue.lock();
        let task = loop {
            match queue.pop_front() {
                Some(task) => break task,
                None => queue = self.pushed.wait(queue),
            }
        };
        drop(queue);
        task.run();
    }

    /// Runs queued tasks until the queue is empty.
    pub(crate) fn run_queue(&self) {
        loop {
            let task = self.queue.lock().pop_front();
            match task {
                Some(task) => task.run(),
                None => return,
            }
        }
    }
}

/// Counts drops of whatever it is attached to.
#[derive(Debug)]
pub(crate) struct Counted(pub(crate) Arc<AtomicUsize>);

impl Drop for Counted {
    fn drop(&mut self) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }
}
