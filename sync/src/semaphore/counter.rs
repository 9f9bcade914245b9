//! The permit counter shared by [`Semaphore`](super::Semaphore) and
//! [`BoundedSemaphore`](super::BoundedSemaphore).
//!
//! # Protocol
//!
//! `state` is `available << 1 | QUEUED`. `QUEUED` says the waiter list is not
//! empty; it only changes under the list mutex. While it is set, `available`
//! is 0: every permit that comes back is *assigned* to the waiters, head
//! first, instead of being counted.
//!
//! * `try_acquire(n)` is one CAS that takes `n` if `QUEUED` is clear and at
//!   least `n` are available; with `QUEUED` set it fails, so nobody overtakes
//!   a waiter.
//! * A release with `QUEUED` clear is one CAS adding to `available`; with
//!   `QUEUED` set it takes the mutex and assigns (see `assign`).
//! * An acquire that cannot be served takes the mutex and, in one CAS, takes
//!   what is available and sets `QUEUED`; then it links its node with
//!   payload "permits still needed".
//! * `assign` gives permits to the head only: it lowers the head's payload,
//!   and completes the head when it reaches 0. So a large request at the head
//!   collects permits until it is served, and small requests behind it wait
//!   (FIFO, as the issue asks). Only the head ever holds assigned permits:
//!   their count is `Waiting::head_assigned`.
//! * A waiter dropped while queued unlinks itself and gives back what was
//!   assigned to it (to the next waiter); one dropped after completion owns
//!   its permits and releases them.

use core::task::{Context, Poll};

use crate::error::ReleaseError;
use crate::loom::{AtomicUsize, Mutex, MutexGuard, Ordering};
use crate::waiters::{MAX_PAYLOAD, Waiter, WaiterList, WakeList, poll_completion};

/// `state` bit: the waiter list is not empty.
const QUEUED: usize = 1;

/// The most permits a semaphore can count (and the largest request).
pub(crate) const MAX_PERMITS: usize = usize::MAX >> 3;
const _: () = assert!(MAX_PERMITS <= MAX_PAYLOAD);

/// The permit counter and its waiters.
#[derive(Debug)]
pub(crate) struct Core {
    /// `available << 1 | QUEUED`; see the module docs.
    state: AtomicUsize,
    waiting: Mutex<Waiting>,
}

/// The slow-path state, under the mutex.
#[derive(Debug)]
struct Waiting {
    list: WaiterList,
    /// Permits assigned to the head waiter so far (0 if the list is empty).
    head_assigned: usize,
}

impl Core {
    #[track_caller]
    pub(crate) fn new(permits: usize) -> Self {
        assert!(
            permits <= MAX_PERMITS,
            "a semaphore holds at most Semaphore::MAX_PERMITS ({MAX_PERMITS}) permits, \
             not {permits}: ask for fewer"
        );
        Self {
            state: AtomicUsize::new(permits << 1),
            waiting: Mutex::new(Waiting {
                list: WaiterList::new(),
                head_assigned: 0,
            }),
        }
    }

    pub(crate) fn available(&self) -> usize {
        self.state.load(Ordering::Relaxed) >> 1
    }

    /// Takes `n` permits if nobody waits and enough are available.
    #[inline]
    pub(crate) fn try_acquire(&self, n: usize) -> bool {
        let mut state = self.state.load(Ordering::Relaxed);
        loop {
            if state & QUEUED != 0 || state >> 1 < n {
                return false;
            }
            match self.state.compare_exchange_weak(
                state,
                state - (n << 1),
                Ordering::Acquire,
                Ordering::Relaxed,
            ) {
                Ok(_) => return true,
                Err(actual) => state = actual,
            }
        }
    }

    /// Gives `n` permits back (to the waiters first).
    #[inline]
    #[track_caller]
    pub(crate) fn release(&self, n: usize) {
        if n == 0 {
            return;
        }
        let mut state = self.state.load(Ordering::Relaxed);
        while state & QUEUED == 0 {
            let new = Self::added(state, n);
            match self
                .state
                .compare_exchange_weak(state, new, Ordering::Release, Ordering::Relaxed)
            {
                Ok(_) => return,
                Err(actual) => state = actual,
            }
        }
        self.release_slow(n);
    }

    #[cold]
    #[track_caller]
    fn release_slow(&self, n: usize) {
        let waiting = self.waiting.lock();
        self.assign(waiting, n);
    }

    /// Gives one permit back unless that would make more than `bound`
    /// permits free (counting those assigned to the head waiter).
    pub(crate) fn release_bounded(&self, bound: usize) -> Result<(), ReleaseError> {
        loop {
            let mut state = self.state.load(Ordering::Relaxed);
            while state & QUEUED == 0 {
                if state >> 1 >= bound {
                    return Err(ReleaseError);
                }
                match self.state.compare_exchange_weak(
                    state,
                    state + 2,
                    Ordering::Release,
                    Ordering::Relaxed,
                ) {
                    Ok(_) => return Ok(()),
                    Err(actual) => state = actual,
                }
            }
            let waiting = self.waiting.lock();
            if self.state.load(Ordering::Relaxed) & QUEUED == 0 {
                // The list emptied meanwhile: back to the CAS loop.
                continue;
            }
            // `QUEUED` is set, so nothing is available and only holders of
            // the mutex change `state`: the free permits are the head's.
            if waiting.head_assigned >= bound {
                return Err(ReleaseError);
            }
            self.assign(waiting, 1);
            return Ok(());
        }
    }

    /// `state` plus `n` permits, or a panic that says what overflowed.
    #[track_caller]
    fn added(state: usize, n: usize) -> usize {
        match (state >> 1).checked_add(n) {
            Some(total) if total <= MAX_PERMITS => state + (n << 1),
            _ => panic!(
                "adding {n} permits would overflow the semaphore (at most \
                 Semaphore::MAX_PERMITS = {MAX_PERMITS}): release only permits you acquired"
            ),
        }
    }

    /// Assigns `n` permits to the waiters, head first, and counts what is
    /// left as available (clearing `QUEUED` if nobody waits any more). Wakes
    /// the completed waiters with the lock dropped, in batches.
    #[track_caller]
    fn assign<'a>(&'a self, mut waiting: MutexGuard<'a, Waiting>, mut n: usize) {
        let mut wakers = WakeList::new();
        loop {
            while n > 0 && wakers.can_push() {
                let Some(needed) = waiting.list.front_payload() else {
                    break;
                };
                if needed <= n {
                    n -= needed;
                    waiting.head_assigned = 0;
                    let waker = waiting.list.pop_front(0).expect("the head exists");
                    wakers.push(waker);
                } else {
                    waiting.list.set_front_payload(needed - n);
                    waiting.head_assigned += n;
                    n = 0;
                }
            }
            if n == 0 || waiting.list.is_empty() {
                break;
            }
            // The batch is full and permits are left: wake it unlocked.
            drop(waiting);
            wakers.wake_all();
            waiting = self.waiting.lock();
        }
        if waiting.list.is_empty() {
            // Nobody waits: count the rest as available and clear `QUEUED`.
            // Fast-path acquirers may race with us now that it may be clear,
            // hence the CAS loop.
            let mut state = self.state.load(Ordering::Relaxed);
            loop {
                let new = Self::added(state & !QUEUED, n);
                match self.state.compare_exchange_weak(
                    state,
                    new,
                    Ordering::Release,
                    Ordering::Relaxed,
                ) {
                    Ok(_) => break,
                    Err(actual) => state = actual,
                }
            }
        }
        drop(waiting);
        wakers.wake_all();
    }

    /// Polls an acquire of `needed` permits whose node is `node`; `queued`
    /// is the future's "node was pushed and not yet seen completed" flag.
    pub(crate) fn poll_acquire(
        &self,
        node: &Waiter,
        needed: usize,
        queued: &mut bool,
        cx: &mut Context<'_>,
    ) -> Poll<()> {
        if *queued {
            // SAFETY: the node was pushed on this list (below), and is in it
            // or in no list.
            if unsafe { poll_completion(node, &self.waiting, |w| &mut w.list, cx.waker()) }
                .is_none()
            {
                return Poll::Pending;
            }
            *queued = false;
            return Poll::Ready(());
        }
        if needed == 0 || self.try_acquire(needed) {
            return Poll::Ready(());
        }
        assert!(
            needed <= MAX_PERMITS,
            "cannot acquire {needed} permits: a semaphore holds at most \
             Semaphore::MAX_PERMITS ({MAX_PERMITS})"
        );
        let mut waiting = self.waiting.lock();
        let mut state = self.state.load(Ordering::Relaxed);
        let taken = loop {
            if state & QUEUED != 0 {
                break 0;
            }
            let available = state >> 1;
            let (new, taken) = if available >= needed {
                (state - (needed << 1), needed)
            } else {
                // Take all there is and queue for the rest.
                (QUEUED, available)
            };
            match self
                .state
                .compare_exchange_weak(state, new, Ordering::Acquire, Ordering::Relaxed)
            {
                Ok(_) => break taken,
                Err(actual) => state = actual,
            }
        };
        if taken == needed {
            return Poll::Ready(());
        }
        if waiting.list.is_empty() {
            waiting.head_assigned = taken;
        }
        // SAFETY: the node is in no list (`queued` is false); it is pinned in
        // the acquire future, whose `Drop` calls `cancel_acquire`, which
        // unlinks it under this lock.
        unsafe { waiting.list.push_back(node, needed - taken, cx.waker()) };
        *queued = true;
        Poll::Pending
    }

    /// The `Drop` of an acquire future whose node was pushed: gives up the
    /// place in line, and returns any permits assigned to it.
    pub(crate) fn cancel_acquire(&self, node: &Waiter, needed: usize) {
        if node.completion().is_none() {
            let mut waiting = self.waiting.lock();
            // SAFETY: the node is in this list or in no list.
            if unsafe { waiting.list.remove(node) } {
                let still_needed = node
                    .completion_locked(&waiting.list)
                    .expect("a removed node is not linked");
                let assigned = needed - still_needed;
                if assigned > 0 {
                    // Only the head holds assigned permits: pass them on.
                    waiting.head_assigned = 0;
                    self.assign(waiting, assigned);
                } else if waiting.list.is_empty() {
                    self.assign(waiting, 0);
                }
                return;
            }
        }
        // Completed: the permits are ours; give them back.
        self.release(needed);
    }
}
