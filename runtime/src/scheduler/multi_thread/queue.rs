//! A worker's local run queue: a crossbeam-deque `Worker` in FIFO mode,
//! kept bounded.
//!
//! crossbeam's deque grows its ring buffer when full and shrinks it when a
//! quarter full, each time allocating and retiring the old buffer through
//! epoch-based reclamation. A queue that swings between empty and thousands
//! of tasks (a task spawning 100k children) would pay that again and again.
//! So the queue is held at [`CAPACITY`]: pushing into a full queue first
//! moves the older half to the global injector, where idle workers take
//! them in batches. The buffer then never grows past `CAPACITY` slots and
//! reaches its steady size after a couple of resizes.

use super::deque::{Injector, Steal, Stealer, Worker};
use crate::task::Notified;

/// Tasks a local queue holds before it overflows into the injector.
#[cfg(not(loom))]
pub(super) const CAPACITY: usize = 256;
/// Small under loom, so the models reach the overflow path.
#[cfg(loom)]
pub(super) const CAPACITY: usize = 4;

/// The owner's end.
pub(super) struct Local<S: 'static> {
    worker: Worker<Notified<S>>,
}

impl<S: 'static> Local<S> {
    pub(super) fn new() -> Local<S> {
        Local {
            worker: Worker::new_fifo(),
        }
    }

    pub(super) fn stealer(&self) -> Stealer<Notified<S>> {
        self.worker.stealer()
    }

    /// Pushes to the back, spilling the older half into `inject` when full.
    pub(super) fn push_back_or_overflow(&self, task: Notified<S>, inject: &Injector<Notified<S>>) {
        if self.worker.len() >= CAPACITY {
            for _ in 0..CAPACITY / 2 {
                match self.worker.pop() {
                    Some(old) => inject.push(old),
                    None => break,
                }
            }
        }
        self.worker.push(task);
    }

    pub(super) fn pop(&self) -> Option<Notified<S>> {
        self.worker.pop()
    }

    pub(super) fn len(&self) -> usize {
        self.worker.len()
    }

    pub(super) fn is_empty(&self) -> bool {
        self.worker.is_empty()
    }

    /// Takes up to `limit` tasks from `inject` into this queue, returning
    /// one of them to run now.
    pub(super) fn refill_from(
        &self,
        inject: &Injector<Notified<S>>,
        limit: usize,
    ) -> Option<Notified<S>> {
        let room = CAPACITY.saturating_sub(self.worker.len()).max(1);
        retry(|| inject.steal_batch_with_limit_and_pop(&self.worker, limit.min(room)))
    }

    /// Steals about half of `victim`'s tasks into this queue, returning one
    /// of them to run now.
    pub(super) fn steal_from(&self, victim: &Stealer<Notified<S>>) -> Option<Notified<S>> {
        let room = (CAPACITY / 2).saturating_sub(self.worker.len()).max(1);
        retry(|| victim.steal_batch_with_limit_and_pop(&self.worker, room))
    }
}

/// Repeats a steal that lost a race until it gives an answer.
fn retry<T>(mut steal: impl FnMut() -> Steal<T>) -> Option<T> {
    loop {
        match steal() {
            Steal::Success(task) => return Some(task),
            Steal::Empty => return None,
            Steal::Retry => crate::loom::spin_loop(),
        }
    }
}
