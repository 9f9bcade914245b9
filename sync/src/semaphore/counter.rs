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
//!   (FIFO, as the issue asks). Only the head ever holds assigned permits.
//! * A waiter dropped while queued unlinks itself and gives back what was
//!   assigned to it (to the next waiter); one dropped after completion owns
//!   its permits and releases them.
//! * `forgotten` counts permits whose guard was `forget`-ed: they are the
//!   only ones `BoundedSemaphore::release` may give back, which is what keeps
//!   a bounded semaphore at or below its initial count.

use core::pin::Pin;
use core::task::{Context, Poll};

use crate::error::ReleaseError;
use crate::loom::{AtomicBool, AtomicUsize, Mutex, MutexGuard, Ordering};
use crate::waiters::{Cancelled, DeferredPanic, MAX_PAYLOAD, WaitNode, WaiterList, WakeList};

/// `state` bit: the waiter list is not empty.
const QUEUED: usize = 1;

/// The most permits a semaphore can count (and the largest request).
pub(crate) const MAX_PERMITS: usize = usize::MAX >> 3;
const _: () = assert!(MAX_PERMITS <= MAX_PAYLOAD);

/// What [`Core::peek_one`] saw.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum One {
    /// The permit is available and nobody waits.
    Free,
    /// The permit is taken and nobody waits.
    Held,
    /// Somebody waits (the permit is taken, or being handed over).
    Queued,
}

/// The permit counter and its waiters.
#[derive(Debug)]
pub(crate) struct Core {
    /// `available << 1 | QUEUED`; see the module docs.
    state: AtomicUsize,
    /// Permits taken and `forget`-ed, not yet given back by `release_bounded`.
    forgotten: AtomicUsize,
    /// Set (under the list mutex, before the completing store) whenever
    /// permits are handed to a waiter, cleared by a `Lock` waiter once it
    /// sees its hand-off: while it is set, the lock's holder is a task that
    /// was woken and may not be running yet, so spinning for it is useless
    /// (see `lock/spin.rs`). A hint only: nothing relies on it for safety.
    handed: AtomicBool,
    waiting: Mutex<WaiterList>,
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
            forgotten: AtomicUsize::new(0),
            handed: AtomicBool::new(false),
            waiting: Mutex::new(WaiterList::new()),
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

    /// [`Self::try_acquire`]`(1)` for a counter of one permit (a `Lock`):
    /// a single CAS from "one available, nobody queued" to "none".
    #[inline]
    pub(crate) fn try_acquire_one(&self) -> bool {
        self.state
            .compare_exchange(1 << 1, 0, Ordering::Acquire, Ordering::Relaxed)
            .is_ok()
    }

    /// The state of a counter of one permit (a `Lock`), for a `lock` that
    /// spins before it queues: it may only keep trying while nobody queues.
    #[inline]
    pub(crate) fn peek_one(&self) -> One {
        match self.state.load(Ordering::Relaxed) {
            0 => One::Held,
            s if s & QUEUED != 0 => One::Queued,
            _ => One::Free,
        }
    }

    /// Whether the last hand-off has not been seen by its waiter yet (see
    /// the `handed` field).
    #[inline]
    pub(crate) fn handed(&self) -> bool {
        self.handed.load(Ordering::Relaxed)
    }

    /// A waiter saw its hand-off: it runs now (see the `handed` field).
    #[inline]
    pub(crate) fn clear_handed(&self) {
        if self.handed() {
            self.handed.store(false, Ordering::Relaxed);
        }
    }

    /// [`Self::release`]`(1)` for a counter of one permit (a `Lock`) whose
    /// permit is taken: a single CAS from "none available, nobody queued" to
    /// "one", else the hand-off to the waiters.
    #[inline]
    pub(crate) fn release_one(&self) {
        if self
            .state
            .compare_exchange(0, 1 << 1, Ordering::Release, Ordering::Relaxed)
            .is_err()
        {
            self.release(1);
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

    /// Records that a guard for `n` permits was forgotten.
    pub(crate) fn forget(&self, n: usize) {
        self.forgotten.fetch_add(n, Ordering::Relaxed);
    }

    /// Gives back one permit whose guard was forgotten; fails if there is
    /// none (every permit is free or held by a guard that will return it).
    pub(crate) fn release_bounded(&self) -> Result<(), ReleaseError> {
        let mut forgotten = self.forgotten.load(Ordering::Relaxed);
        loop {
            if forgotten == 0 {
                return Err(ReleaseError);
            }
            match self.forgotten.compare_exchange_weak(
                forgotten,
                forgotten - 1,
                Ordering::Relaxed,
                Ordering::Relaxed,
            ) {
                Ok(_) => break,
                Err(actual) => forgotten = actual,
            }
        }
        self.release(1);
        Ok(())
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
    fn assign<'a>(&'a self, mut waiting: MutexGuard<'a, WaiterList>, mut n: usize) {
        let mut wakers = WakeList::new();
        // A waker that panics (user code) must not end the loop early: the
        // permits not assigned yet would be lost (neither given to a waiter
        // nor counted), and the waiters after its batch never woken. Its
        // panic is resumed once everything is handed out.
        let mut panic = DeferredPanic::new();
        loop {
            while n > 0 && wakers.can_push() {
                let Some(needed) = waiting.front_payload() else {
                    break;
                };
                if needed <= n {
                    n -= needed;
                    self.handed.store(true, Ordering::Relaxed);
                    let waker = waiting.pop_front(0).expect("the head exists");
                    wakers.push(waker);
                } else {
                    waiting.set_front_payload(needed - n);
                    n = 0;
                }
            }
            if n == 0 || waiting.is_empty() {
                break;
            }
            // The batch is full and permits are left: wake it unlocked.
            drop(waiting);
            wakers.wake_all_deferring(&mut panic);
            waiting = self.waiting.lock();
        }
        if waiting.is_empty() {
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
        wakers.wake_all_deferring(&mut panic);
        panic.resume();
    }

    /// Polls an acquire of `needed` permits whose wait node is `node`.
    #[inline]
    pub(crate) fn poll_acquire(
        &self,
        node: Pin<&mut WaitNode>,
        needed: usize,
        cx: &mut Context<'_>,
    ) -> Poll<()> {
        if node.is_queued() {
            // SAFETY: every acquire future's node is only used with
            // `self.waiting` (here, in `queue`, and in `cancel_acquire`).
            return match unsafe { node.poll_completion(&self.waiting, |w| w, cx.waker()) } {
                Poll::Pending => Poll::Pending,
                // Completed: the permits were assigned to us.
                Poll::Ready(_) => Poll::Ready(()),
            };
        }
        if needed == 0 || self.try_acquire(needed) {
            return Poll::Ready(());
        }
        self.queue(node, needed, cx)
    }

    /// The slow half of [`Self::poll_acquire`] for a node that is not
    /// queued: takes what is available under the lock, and queues for the
    /// rest.
    #[inline(never)]
    #[track_caller]
    fn queue(&self, node: Pin<&mut WaitNode>, needed: usize, cx: &mut Context<'_>) -> Poll<()> {
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
        if taken == 0 {
            // The common case (others queued first, or nothing available).
            // A panic of the waker's clone in `push` loses nothing: a
            // `QUEUED` left set over an empty list is cleared by the next
            // release (`assign`).
            // SAFETY: as above: `self.waiting` is the node's one list.
            unsafe { node.push(&mut waiting, needed, cx.waker()) };
            return Poll::Pending;
        }
        // `push` clones the waker: user code, which may panic. The `taken`
        // permits are then in no node (this future is not queued, so its
        // drop gives nothing back): return them, or they are lost for good.
        let pushed = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            // SAFETY: as above: `self.waiting` is the node's one list.
            unsafe { node.push(&mut waiting, needed - taken, cx.waker()) };
        }));
        if let Err(panic) = pushed {
            // Hands them to the waiters, or counts them and clears the
            // `QUEUED` we may have set if nobody waits.
            self.assign(waiting, taken);
            std::panic::resume_unwind(panic);
        }
        Poll::Pending
    }

    /// The `Drop` of an acquire future: gives up the place in line, and
    /// passes on any permits assigned to it.
    #[inline]
    pub(crate) fn cancel_acquire(&self, node: Pin<&mut WaitNode>, needed: usize) {
        // Checked inline, so that the common drop (of a future that never
        // waited, or saw its completion) makes no call.
        if node.is_queued() {
            self.cancel_queued(node, needed);
        }
    }

    #[inline(never)]
    fn cancel_queued(&self, node: Pin<&mut WaitNode>, needed: usize) {
        // SAFETY: `self.waiting` is the node's one list (see `poll_acquire`).
        match unsafe { node.cancel(&self.waiting, |w| w) } {
            Cancelled::NotQueued => {}
            Cancelled::Removed(waiting, still_needed) => {
                let assigned = needed - still_needed;
                if assigned > 0 {
                    // Only the head holds assigned permits: pass them on.
                    self.assign(waiting, assigned);
                } else if waiting.is_empty() {
                    self.assign(waiting, 0);
                }
            }
            // Completed: the permits are ours; give them back.
            Cancelled::Completed(_) => self.release(needed),
        }
    }
}

#[cfg(all(test, not(loom)))]
mod tests {
    use crate::Semaphore;
    use crate::test_util::{Counter, poll};
    use std::sync::Arc;
    use std::task::Poll;

    #[test]
    fn partial_assignment_cancellation_and_batches() {
        let sem = Semaphore::new(1);
        let (counter, waker) = Counter::new();
        let mut big = Box::pin(sem.acquire_many(3));
        assert!(poll(big.as_mut(), &waker).is_pending()); // took 1, needs 2
        let mut small: Vec<_> = (0..40).map(|_| Box::pin(sem.acquire())).collect();
        for s in &mut small {
            assert!(poll(s.as_mut(), &waker).is_pending());
        }
        sem.add_permits(1); // big now has 2
        drop(big); // its 2 go to the first two small ones
        assert_eq!(counter.count(), 2);
        sem.add_permits(38); // more than one wake batch
        assert_eq!(counter.count(), 40);
        let permits: Vec<_> = small
            .iter_mut()
            .map(|s| match poll(s.as_mut(), &waker) {
                Poll::Ready(p) => p,
                Poll::Pending => panic!("not served"),
            })
            .collect();
        assert_eq!(sem.available_permits(), 0);
        drop(permits);
        assert_eq!(sem.available_permits(), 40);
    }

    /// A waker that panics in the first wake batch of a release does not
    /// cost the permits meant for later batches: they still reach the
    /// waiters behind it (or are counted as available).
    #[test]
    fn release_finishes_assigning_when_a_waker_panics() {
        let sem = Semaphore::new(0);
        let (counter, waker) = Counter::new();
        let (panics, panicking) = Counter::panicking();
        let mut first = Box::pin(sem.acquire());
        assert!(poll(first.as_mut(), &panicking).is_pending());
        let mut rest: Vec<_> = (0..40).map(|_| Box::pin(sem.acquire())).collect();
        for a in &mut rest {
            assert!(poll(a.as_mut(), &waker).is_pending());
        }
        let added = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| sem.add_permits(43)));
        assert!(added.is_err(), "the waker's panic reaches the caller");
        assert_eq!(panics.count(), 1);
        assert_eq!(counter.count(), 40);
        assert_eq!(sem.available_permits(), 2);
        let mut permits = Vec::new();
        for a in std::iter::once(&mut first).chain(&mut rest) {
            match poll(a.as_mut(), &waker) {
                Poll::Ready(p) => permits.push(p),
                Poll::Pending => panic!("not served"),
            }
        }
        drop(permits);
        assert_eq!(sem.available_permits(), 43);
    }

    /// An acquire that takes the permits available and then fails to queue
    /// because its waker's `clone` panics gives those permits back.
    #[test]
    fn acquire_gives_back_what_it_took_when_the_waker_clone_panics() {
        let sem = Semaphore::new(1);
        let waker = crate::test_util::clone_panics_waker();
        let mut big = Box::pin(sem.acquire_many(2));
        let polled = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            let _ = poll(big.as_mut(), &waker);
        }));
        assert!(polled.is_err(), "the clone's panic reaches the poller");
        drop(big);
        assert_eq!(sem.available_permits(), 1);
        assert!(sem.try_acquire().is_some());
    }

    /// An acquire that takes nothing and fails to queue (its waker's
    /// `clone` panics) leaves the semaphore usable: the `QUEUED` mark it set
    /// over an empty list is cleared by the next release.
    #[test]
    fn acquire_that_took_nothing_and_failed_to_queue_leaves_no_trace() {
        let sem = Semaphore::new(0);
        let waker = crate::test_util::clone_panics_waker();
        let mut one = Box::pin(sem.acquire());
        let polled = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            let _ = poll(one.as_mut(), &waker);
        }));
        assert!(polled.is_err(), "the clone's panic reaches the poller");
        drop(one);
        sem.release();
        assert_eq!(sem.available_permits(), 1);
        assert!(sem.try_acquire().is_some());
    }

    #[test]
    fn granted_but_dropped_returns_permits() {
        let sem = Arc::new(Semaphore::new(0));
        let (_, waker) = Counter::new();
        let mut owned = Box::pin(sem.clone().acquire_many_owned(2));
        assert!(poll(owned.as_mut(), &waker).is_pending());
        sem.add_permits(2);
        drop(owned);
        assert_eq!(sem.available_permits(), 2);
    }

    #[test]
    fn threads_never_exceed_the_count() {
        use std::sync::atomic::{AtomicUsize, Ordering};
        let sem = Arc::new(Semaphore::new(2));
        let inside = Arc::new(AtomicUsize::new(0));
        let threads: Vec<_> = (0..3)
            .map(|_| {
                let (sem, inside) = (sem.clone(), inside.clone());
                std::thread::spawn(move || {
                    for _ in 0..10 {
                        let _p = futures_lite::future::block_on(sem.acquire());
                        assert!(inside.fetch_add(1, Ordering::SeqCst) < 2);
                        inside.fetch_sub(1, Ordering::SeqCst);
                    }
                })
            })
            .collect();
        for t in threads {
            t.join().unwrap();
        }
        assert_eq!(sem.available_permits(), 2);
    }
}
