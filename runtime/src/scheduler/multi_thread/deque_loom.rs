//! Under loom, the part of crossbeam-deque's API the scheduler uses, on loom
//! types.
//!
//! crossbeam-deque's atomics are `std`'s: loom neither sees them nor lets a
//! task handed through them carry its causality (a worker that pops a task
//! another thread pushed would "race" with the pusher's writes to the task).
//! Here each queue is a loom mutex around a `VecDeque`, plus its length
//! published in a loom atomic with the orderings crossbeam publishes its
//! indexes with, so the models see what the scheduler may see:
//!
//! * `Worker::push` publishes with a `Release` store (crossbeam: `back`),
//!   pops and steals with `SeqCst` (crossbeam: `front` is a `SeqCst` RMW);
//! * a `Stealer` looks with a `SeqCst` fence then an `Acquire` load, and a
//!   steal that sees nothing there gives up (crossbeam: `back` after the
//!   fence), so a thief may miss a push that has not reached it;
//! * the injector's push and its emptiness checks are `SeqCst` (crossbeam: a
//!   `SeqCst` CAS of `tail`, `SeqCst` loads).
//!
//! Batch sizes follow crossbeam's: a stealer takes `1 + min((len - 1) / 2,
//! limit - 1)`, the injector `min((len + 1) / 2, limit)`, the first of them
//! to run now and the rest pushed to the thief's queue.

use crate::loom::{Arc, AtomicUsize, Mutex, Ordering, fence};
use std::collections::VecDeque;

/// crossbeam's `Steal` (this model never needs to retry).
#[allow(dead_code)] // `Retry` is matched, never made
pub(crate) enum Steal<T> {
    Empty,
    Success(T),
    Retry,
}

struct Queue<T> {
    items: Mutex<VecDeque<T>>,
    /// `items.len()`, stored under the lock after every change.
    len: AtomicUsize,
}

impl<T> Queue<T> {
    fn new() -> Queue<T> {
        Queue {
            items: Mutex::new(VecDeque::new()),
            len: AtomicUsize::new(0),
        }
    }

    /// Takes up to `count` tasks from the front; `None` when empty.
    fn take_front(&self, count: impl FnOnce(usize) -> usize) -> Option<VecDeque<T>> {
        let mut items = self.items.lock();
        if items.is_empty() {
            return None;
        }
        let n = count(items.len()).clamp(1, items.len());
        let rest = items.split_off(n);
        let taken = std::mem::replace(&mut *items, rest);
        self.len.store(items.len(), Ordering::SeqCst);
        Some(taken)
    }

    /// Runs the first of `batch` now and queues the rest on `dest`.
    fn hand_over(mut batch: VecDeque<T>, dest: &Worker<T>) -> Steal<T> {
        let first = batch.pop_front().expect("a batch is never empty");
        for task in batch {
            dest.push(task);
        }
        Steal::Success(first)
    }
}

/// The owner's end of a FIFO run queue.
pub(crate) struct Worker<T> {
    queue: Arc<Queue<T>>,
}

/// The thieves' end.
pub(crate) struct Stealer<T> {
    queue: Arc<Queue<T>>,
}

/// The global queue.
pub(crate) struct Injector<T> {
    queue: Queue<T>,
}

impl<T> Worker<T> {
    pub(crate) fn new_fifo() -> Worker<T> {
        Worker {
            queue: Arc::new(Queue::new()),
        }
    }

    pub(crate) fn stealer(&self) -> Stealer<T> {
        Stealer {
            queue: self.queue.clone(),
        }
    }

    pub(crate) fn push(&self, task: T) {
        let mut items = self.queue.items.lock();
        items.push_back(task);
        self.queue.len.store(items.len(), Ordering::Release);
    }

    pub(crate) fn pop(&self) -> Option<T> {
        let mut items = self.queue.items.lock();
        let task = items.pop_front();
        self.queue.len.store(items.len(), Ordering::SeqCst);
        task
    }

    pub(crate) fn len(&self) -> usize {
        self.queue.len.load(Ordering::Relaxed)
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl<T> Stealer<T> {
    pub(crate) fn len(&self) -> usize {
        fence(Ordering::SeqCst);
        self.queue.len.load(Ordering::Acquire)
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub(crate) fn steal_batch_with_limit_and_pop(
        &self,
        dest: &Worker<T>,
        limit: usize,
    ) -> Steal<T> {
        assert!(limit > 0);
        if self.is_empty() {
            return Steal::Empty;
        }
        match self
            .queue
            .take_front(|len| 1 + ((len - 1) / 2).min(limit - 1))
        {
            Some(batch) => Queue::hand_over(batch, dest),
            None => Steal::Empty,
        }
    }
}

impl<T> Injector<T> {
    pub(crate) fn new() -> Injector<T> {
        Injector {
            queue: Queue::new(),
        }
    }

    pub(crate) fn push(&self, task: T) {
        let mut items = self.queue.items.lock();
        items.push_back(task);
        self.queue.len.store(items.len(), Ordering::SeqCst);
    }

    pub(crate) fn steal(&self) -> Steal<T> {
        if self.is_empty() {
            return Steal::Empty;
        }
        match self.queue.take_front(|_| 1) {
            Some(mut batch) => Steal::Success(batch.pop_front().expect("one task")),
            None => Steal::Empty,
        }
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub(crate) fn len(&self) -> usize {
        self.queue.len.load(Ordering::SeqCst)
    }

    pub(crate) fn steal_batch_with_limit_and_pop(
        &self,
        dest: &Worker<T>,
        limit: usize,
    ) -> Steal<T> {
        assert!(limit > 0);
        if self.is_empty() {
            return Steal::Empty;
        }
        match self.queue.take_front(|len| len.div_ceil(2).min(limit)) {
            Some(batch) => Queue::hand_over(batch, dest),
            None => Steal::Empty,
        }
    }
}
