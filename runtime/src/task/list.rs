//! `OwnedTasks`: every live task of a scheduler, so shutdown can cancel the
//! ones no queue holds (a task waiting forever is in no run queue).
//!
//! The list is intrusive (the links live in each task's header) and sharded
//! by task id, each shard behind its own small lock, so spawning on many
//! workers at once rarely contends. The list holds one reference per task,
//! released when the task completes and removes itself (`remove`), or when
//! shutdown pops it (`close_and_shutdown_all`).
//!
//! Once closed, the list accepts no task: `bind` shuts a new task down at
//! once, so nothing spawned during or after shutdown is lost or leaked: its
//! `JoinHandle` reports it cancelled.

use super::core::{Header, Pointers};
use super::raw::RawTask;
use super::{JoinHandle, Notified, Schedule, Task};
use crate::loom::{AtomicBool, Mutex, MutexGuard, Ordering};
use crossbeam_utils::CachePadded;
use std::future::Future;
use std::ptr::NonNull;

/// Not generic over the scheduler type: the list only links headers, and
/// the methods that hand out typed tasks (`bind`, `remove`) take the type
/// from their arguments. So every scheduler's list has the same type, and
/// code shared by several schedulers can own one.
pub(crate) struct OwnedTasks {
    shards: Box<[CachePadded<Mutex<Shard>>]>,
    mask: usize,
    closed: AtomicBool,
}

/// One shard: a doubly-linked list of task headers.
struct Shard {
    head: Option<NonNull<Header>>,
    tail: Option<NonNull<Header>>,
    len: usize,
    /// Tasks ever bound into this shard (metrics): counted under the lock
    /// `bind` holds anyway, rather than with one more atomic operation on a
    /// counter every spawning thread shares.
    spawned: usize,
}

// SAFETY: the raw pointers in a shard are only followed under its lock, and
// the tasks they point to are `Send` per the spawn functions' bounds.
unsafe impl Send for Shard {}

impl OwnedTasks {
    /// A list with about `4 × workers` shards (a power of two).
    pub(crate) fn new(workers: usize) -> OwnedTasks {
        // Under loom task ids (from a process-wide counter) differ between
        // model iterations; one shard keeps the model deterministic.
        let n = if cfg!(loom) {
            1
        } else {
            (workers.max(1) * 4).next_power_of_two().min(1 << 12)
        };
        let shards = (0..n)
            .map(|_| {
                CachePadded::new(Mutex::new(Shard {
                    head: None,
                    tail: None,
                    len: 0,
                    spawned: 0,
                }))
            })
            .collect();
        OwnedTasks {
            shards,
            mask: n - 1,
            closed: AtomicBool::new(false),
        }
    }

    fn shard(&self, header: &Header) -> MutexGuard<'_, Shard> {
        self.shards[header.id.as_u64() as usize & self.mask].lock()
    }

    /// Creates a task for `future` and adds it to the list. Returns the
    /// `JoinHandle` and the `Notified` to schedule, or no `Notified` if the
    /// list is closed (the task was shut down: its handle reports it
    /// cancelled).
    pub(crate) fn bind<S: Schedule, F>(
        &self,
        future: F,
        scheduler: S,
        meta: super::TaskMeta,
    ) -> (JoinHandle<F::Output>, Option<Notified<S>>)
    where
        F: Future + 'static,
    {
        // Three references: the list's, the handle's, the `Notified`'s.
        let raw = RawTask::new(future, scheduler, meta, 3);
        let join = JoinHandle::new(raw);
        let notified: Notified<S> = Notified(Task::from_raw(raw));
        let task: Task<S> = Task::from_raw(raw);
        let mut shard = self.shard(raw.header());
        if self.closed.load(Ordering::Acquire) {
            drop(shard);
            drop(notified);
            task.shutdown();
            return (join, None);
        }
        shard.push_front(task.into_raw());
        shard.spawned += 1;
        drop(shard);
        crate::trace::task_spawned(meta.id.as_u64(), meta.location);
        (join, Some(notified))
    }

    /// Removes a completing task; gives back the list's reference if the
    /// task was still in the list.
    pub(crate) fn remove<S: Schedule>(&self, task: &Task<S>) -> Option<Task<S>> {
        let header = task.raw.header();
        let mut shard = self.shard(header);
        // SAFETY: we hold the shard lock of this task.
        unsafe { shard.remove(task.raw.header_ptr()) }.map(Task::from_raw)
    }

    /// Closes the list and cancels every task in it. Tasks that are running
    /// right now are cancelled when their poll returns.
    pub(crate) fn close_and_shutdown_all(&self) {
        self.closed.store(true, Ordering::Release);
        for shard in self.shards.iter() {
            loop {
                // Pop under the lock, shut down outside it: shutting a task
                // down completes it, which calls `remove` and takes the lock.
                let task = shard.lock().pop_back();
                match task {
                    // SAFETY: the list's reference, which unlinking the
                    // task handed to us.
                    Some(task) => unsafe { task.shutdown() },
                    None => break,
                }
            }
        }
    }

    /// Closes the list and forgets every task in it without dropping its
    /// future: for `!Send` tasks when shutdown happens on a thread other
    /// than theirs, where dropping them would be unsound.
    pub(crate) fn close_and_leak_all(&self) {
        self.closed.store(true, Ordering::Release);
        for shard in self.shards.iter() {
            // The list's reference of each popped task is leaked on purpose.
            while shard.lock().pop_back().is_some() {}
        }
    }

    /// Calls `f` with each task in the list (shard by shard, each under its
    /// lock: keep `f` short).
    pub(crate) fn for_each(&self, mut f: impl FnMut(&Header)) {
        for shard in self.shards.iter() {
            let shard = shard.lock();
            let mut next = shard.head;
            while let Some(ptr) = next {
                // SAFETY: tasks in the list are alive (the list holds a
                // reference) and their links are guarded by the shard lock
                // we hold.
                let header = unsafe { ptr.as_ref() };
                f(header);
                // SAFETY: as above.
                next = unsafe { header.owned.with(|p| (*p).next) };
            }
        }
    }

    /// Number of tasks alive in the list.
    pub(crate) fn len(&self) -> usize {
        self.shards.iter().map(|s| s.lock().len).sum()
    }

    /// Number of tasks ever bound.
    pub(crate) fn spawned(&self) -> usize {
        self.shards.iter().map(|s| s.lock().spawned).sum()
    }
}

impl Shard {
    /// Links a task in; the list takes over the reference `task` carries.
    fn push_front(&mut self, task: RawTask) {
        let ptr = task.header_ptr();
        // SAFETY: the task is not in any list and we hold the shard lock, so
        // its links are ours.
        unsafe {
            ptr.as_ref().owned.with_mut(|p| {
                *p = Pointers {
                    prev: None,
                    next: self.head,
                }
            });
            if let Some(head) = self.head {
                head.as_ref().owned.with_mut(|p| (*p).prev = Some(ptr));
            }
        }
        self.head = Some(ptr);
        if self.tail.is_none() {
            self.tail = Some(ptr);
        }
        self.len += 1;
    }

    fn pop_back(&mut self) -> Option<RawTask> {
        let tail = self.tail?;
        // SAFETY: `tail` is in this list and we hold its lock.
        unsafe { self.remove(tail) }
    }

    /// Unlinks `ptr` if it is in this list.
    ///
    /// # Safety
    /// The caller holds this shard's lock, and `ptr` is a live task that
    /// belongs to this shard (by id) or to no list.
    unsafe fn remove(&mut self, ptr: NonNull<Header>) -> Option<RawTask> {
        // SAFETY: links of tasks of this shard are guarded by its lock.
        let (prev, next) = unsafe { ptr.as_ref().owned.with(|p| ((*p).prev, (*p).next)) };
        if prev.is_none() && self.head != Some(ptr) {
            // Popped by shutdown already (or never added).
            return None;
        }
        // SAFETY: neighbours are in this list, guarded by the same lock.
        unsafe {
            match prev {
                Some(prev) => prev.as_ref().owned.with_mut(|p| (*p).next = next),
                None => self.head = next,
            }
            match next {
                Some(next) => next.as_ref().owned.with_mut(|p| (*p).prev = prev),
                None => self.tail = prev,
            }
            ptr.as_ref().owned.with_mut(|p| {
                *p = Pointers {
                    prev: None,
                    next: None,
                }
            });
        }
        self.len -= 1;
        // SAFETY: the list's reference is handed to the caller.
        Some(unsafe { RawTask::from_raw(ptr) })
    }
}
