//! `ReadyList`: which children of a parent future were woken, and the
//! parent's waker. The engine under `FutureSet` (gather, wait,
//! as_completed, TaskGroup) and `JoinSet`.
//!
//! Each child gets its own waker (an [`EntryWaker`] with the child's
//! *key*). Waking it queues the key, once (a `queued` flag per child), and
//! wakes the parent; the parent then polls only the children whose keys it
//! took. That is what makes polling `n` children `O(woken)` instead of
//! `O(n)` per wake-up.
//!
//! # The protocol
//!
//! The parent *registers its waker and takes the queued keys in one
//! critical section* ([`ReadyList::take`]); a child waker *queues its key
//! and reads the parent's waker in one critical section* (the same mutex).
//! So a wake is either queued before the parent took the keys (the parent
//! sees the key) or after (the child sees the parent's waker and wakes
//! it): never lost. The parent clears a child's `queued` flag *before* it
//! polls the child ([`EntryWaker::clear`]), so a wake during or right after
//! that poll queues the key again. The clear is a swap, like the wake: a
//! plain store would let a wake that lands during the poll read the old
//! flag while the poll reads the child's state from before the wake (a
//! store-buffering outcome; see `EntryWaker::clear`). The parent's waker is woken outside the
//! lock (a waker may run any code).
//!
//! Keys are the owner's business. A child waker may outlive its child (a
//! resource can keep it), so an owner that reuses keys must tell a stale
//! key from a live one; `JoinSet` puts a generation in its keys, and a
//! stale key costs at most one skipped entry. A fresh `EntryWaker` is made
//! for every child, so a stale waker's `queued` flag is never the new
//! child's.
//!
//! # The parent's waker
//!
//! Child wakers hold the list, which holds the parent task's waker (a
//! reference to the parent task). The owner lets go of it when it no longer
//! polls ([`ReadyList::release_parent`]), so a stray child waker does not
//! keep a finished parent task alive.

use crate::loom::{AtomicBool, Mutex, Ordering};
use std::sync::Arc;
use std::task::{Wake, Waker};

/// The queue of woken children and the parent's waker.
#[derive(Debug, Default)]
pub(crate) struct ReadyList {
    inner: Mutex<Inner>,
}

#[derive(Debug, Default)]
struct Inner {
    /// Keys of the children woken since the parent last took them.
    keys: Vec<u64>,
    /// The parent's waker, while it polls.
    parent: Option<Waker>,
}

/// The waker of one child.
#[derive(Debug)]
pub(crate) struct EntryWaker {
    key: u64,
    /// Set while the key is queued (or about to be polled).
    queued: AtomicBool,
    list: Arc<ReadyList>,
}

impl ReadyList {
    pub(crate) fn new() -> Arc<ReadyList> {
        Arc::new(ReadyList::default())
    }

    /// A waker for a new child with `key`. The child starts queued: the
    /// parent polls it once without a wake (its first poll).
    pub(crate) fn entry(self: &Arc<Self>, key: u64) -> (Arc<EntryWaker>, Waker) {
        self.inner.lock().keys.push(key);
        self.entry_queued_by_caller(key)
    }

    /// A waker for a new child with `key`, marked queued, whose key the
    /// caller queues itself ([`queue_all`](Self::queue_all)) before the
    /// child can be woken: one lock for a whole batch of children.
    pub(crate) fn entry_queued_by_caller(self: &Arc<Self>, key: u64) -> (Arc<EntryWaker>, Waker) {
        let state = Arc::new(EntryWaker {
            key,
            queued: AtomicBool::new(true),
            list: self.clone(),
        });
        let waker = Waker::from(state.clone());
        (state, waker)
    }

    /// Queues the keys of children made with
    /// [`entry_queued_by_caller`](Self::entry_queued_by_caller).
    pub(crate) fn queue_all(&self, keys: impl IntoIterator<Item = u64>) {
        self.inner.lock().keys.extend(keys);
    }

    /// Registers `parent` as the waker to wake, and moves the queued keys
    /// (in wake order) to the end of `batch`, in one critical section (see
    /// "The protocol").
    pub(crate) fn take(&self, parent: &Waker, batch: &mut Vec<u64>) {
        let replaced = {
            let mut inner = self.inner.lock();
            if batch.is_empty() {
                std::mem::swap(batch, &mut inner.keys);
            } else {
                batch.append(&mut inner.keys);
            }
            if inner.parent.as_ref().is_some_and(|w| w.will_wake(parent)) {
                None
            } else {
                inner.parent.replace(parent.clone())
            }
        };
        // Dropped after the lock is released: a waker's drop may run any code.
        drop(replaced);
    }

    /// Forgets the parent's waker, until the next [`take`](Self::take).
    pub(crate) fn release_parent(&self) {
        // Dropped after the lock is released: a waker's drop may run any code.
        let parent = self.inner.lock().parent.take();
        drop(parent);
    }

    /// Whether a parent waker is registered (for tests).
    #[cfg(test)]
    pub(crate) fn has_parent(&self) -> bool {
        self.inner.lock().parent.is_some()
    }

    /// How many keys are queued (for tests).
    #[cfg(test)]
    pub(crate) fn queued_len(&self) -> usize {
        self.inner.lock().keys.len()
    }
}

/// The keys a parent took from its [`ReadyList`] and has not polled yet,
/// in wake order.
///
/// One poll of the parent polls at most the keys left from its last poll
/// and one take of new ones, so a child that wakes itself at once
/// (cooperative yield) cannot keep the parent spinning: it is polled again
/// on the parent's next poll.
#[derive(Debug, Default)]
pub(crate) struct Batch {
    keys: Vec<u64>,
    next: usize,
}

impl Batch {
    /// Starts a poll of the parent: takes the queued keys (registering
    /// `parent`) if none are left from the last poll. Returns whether it
    /// took; if not, call [`refill`](Self::refill) when the leftovers run
    /// out, before the parent returns `Pending`.
    pub(crate) fn begin(&mut self, list: &ReadyList, parent: &Waker) -> bool {
        if self.next < self.keys.len() {
            return false;
        }
        self.refill(list, parent);
        true
    }

    /// Drops the keys polled so far and takes the queued ones (registering
    /// `parent`).
    pub(crate) fn refill(&mut self, list: &ReadyList, parent: &Waker) {
        self.keys.drain(..self.next);
        self.next = 0;
        list.take(parent, &mut self.keys);
    }

    /// The next key to poll.
    pub(crate) fn next_key(&mut self) -> Option<u64> {
        let key = *self.keys.get(self.next)?;
        self.next += 1;
        Some(key)
    }

    /// Gives back the key [`next_key`](Self::next_key) just returned, to be
    /// polled first next time.
    pub(crate) fn put_back(&mut self) {
        self.next -= 1;
    }
}

impl EntryWaker {
    /// Marks the child as not queued: call right *before* polling it, so a
    /// wake during the poll queues it again.
    ///
    /// A swap, not a store: this is one side of a store-buffering
    /// handshake. The parent writes `queued` and then reads the child's
    /// state (in the poll); a waker writes that state and then reads
    /// `queued` (its swap). With a plain store, the waker's swap may read
    /// the `true` from before the clear (and queue nothing) while the
    /// poll reads the child's state from before the wake (and returns
    /// `Pending`): the finished child is stranded. That happens on x86
    /// too (the store waits in the store buffer while the poll's loads
    /// run), for any child whose re-poll only loads, e.g. a `JoinHandle`
    /// already holding this waker (`Harness::can_read_output`), inside a
    /// child that also awaits something else. Two read-modify-writes of
    /// `queued` cannot both miss each other: if the waker's swap comes
    /// first, this one reads it (or a later swap) and synchronizes with
    /// it, so the poll sees the state the waker wrote; if this one comes
    /// first, the waker's swap reads `false` and queues the key. (As
    /// `FuturesUnordered` does: its poll swaps the flag off.) Model:
    /// `loom_child_repolled_by_a_load_sees_a_concurrent_completion`.
    pub(crate) fn clear(&self) {
        self.queued.swap(false, Ordering::AcqRel);
    }
}

impl Wake for EntryWaker {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        if self.queued.swap(true, Ordering::AcqRel) {
            return; // queued already
        }
        let parent = {
            let mut inner = self.list.inner.lock();
            inner.keys.push(self.key);
            inner.parent.clone()
        };
        if let Some(parent) = parent {
            parent.wake();
        }
    }
}
