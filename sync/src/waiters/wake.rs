//! Waking in batches, with the lock dropped: [`WakeList`] and
//! [`complete_before`], the "wake everybody who is waiting now" of
//! `Event::set`, `Condition::notify` and a barrier's release.
//!
//! Wakers run arbitrary code (a task may be dropped, and its futures may
//! take the very lock being released), so they are never woken with a list's
//! mutex held: they are gathered into a fixed-size [`WakeList`] and woken
//! once the guard is dropped, batch after batch.

use core::mem::MaybeUninit;
use core::task::Waker;
use std::any::Any;
use std::panic::{AssertUnwindSafe, catch_unwind, resume_unwind};

use super::{Ticket, WaiterList};
use crate::loom::{Mutex, MutexGuard};

/// A batch of wakers to wake once the lock is dropped.
///
/// The slots are uninitialised storage: creating a list writes two words
/// and dropping an empty one reads them (a hand-off to one waiter, the
/// common case, used to initialise and then scan all 32 slots).
///
/// # Invariants
///
/// `woken <= len <= CAPACITY`; exactly the slots `woken..len` hold a waker
/// (gathered, not woken yet).
pub(crate) struct WakeList {
    wakers: [MaybeUninit<Waker>; WakeList::CAPACITY],
    /// Slots before this one were woken (their wakers moved out).
    woken: usize,
    /// Slots before this one were filled.
    len: usize,
}

impl WakeList {
    /// Wakers gathered per batch before the lock is dropped to wake them.
    #[cfg(not(loom))]
    pub(crate) const CAPACITY: usize = 32;
    /// Small under loom, so models reach the batch boundary.
    #[cfg(loom)]
    pub(crate) const CAPACITY: usize = 2;

    #[inline]
    pub(crate) fn new() -> Self {
        Self {
            wakers: [const { MaybeUninit::uninit() }; Self::CAPACITY],
            woken: 0,
            len: 0,
        }
    }

    #[inline]
    pub(crate) fn can_push(&self) -> bool {
        self.len < Self::CAPACITY
    }

    /// Adds a waker to the batch.
    ///
    /// # Panics
    ///
    /// If the batch is full (check [`Self::can_push`] first).
    #[inline]
    pub(crate) fn push(&mut self, waker: Waker) {
        assert!(self.can_push(), "WakeList is full: wake the batch first");
        self.wakers[self.len].write(waker);
        self.len += 1;
    }

    /// Wakes every gathered waker (call it without the lock held), in the
    /// order they were pushed.
    #[inline]
    pub(crate) fn wake_all(&mut self) {
        while self.woken < self.len {
            let slot = &self.wakers[self.woken];
            // Counted as woken before it runs: if `wake` panics, the drop
            // goes on with the next one and never reads this slot again.
            self.woken += 1;
            // SAFETY: `woken - 1 < len`, so the slot holds a waker
            // (invariant), which is moved out exactly once: `woken` has
            // moved past it.
            let waker = unsafe { slot.assume_init_read() };
            waker.wake();
        }
        self.woken = 0;
        self.len = 0;
    }

    /// [`Self::wake_all`] for a loop that must finish its work even if a
    /// waker panics: every gathered waker is woken, the first panic is kept
    /// in `panic` (for [`DeferredPanic::resume`] once the loop is done) and
    /// later ones are dropped, so none unwinds out of here.
    pub(crate) fn wake_all_deferring(&mut self, panic: &mut DeferredPanic) {
        // Each panic moves `woken` past the waker that raised it, so this
        // ends: the next round goes on with the waker after it.
        while panic.catch(|| self.wake_all()).is_none() {}
    }
}

impl Drop for WakeList {
    fn drop(&mut self) {
        // Wakers gathered and not woken (a panic in between) must still be
        // woken, or their tasks would hang.
        self.wake_all();
    }
}

/// A panic caught in a loop that wakes batches, held until the loop has
/// woken everybody it owes a wake-up, then resumed (so the caller still sees
/// it). Only the first panic is kept.
///
/// Without this, a panicking waker in one batch (user code: a foreign
/// executor's waker may panic) would unwind out of the loop and leave the
/// later batches unwoken, or a count half-updated, for other tasks.
pub(crate) struct DeferredPanic(Option<Box<dyn Any + Send>>);

impl DeferredPanic {
    #[inline]
    pub(crate) fn new() -> Self {
        Self(None)
    }

    /// Runs `f`; `None` if it panicked (the first such panic is kept).
    pub(crate) fn catch<R>(&mut self, f: impl FnOnce() -> R) -> Option<R> {
        match catch_unwind(AssertUnwindSafe(f)) {
            Ok(value) => Some(value),
            Err(payload) => {
                self.0.get_or_insert(payload);
                None
            }
        }
    }

    /// Resumes the kept panic, if any.
    #[inline]
    pub(crate) fn resume(self) {
        if let Some(payload) = self.0 {
            resume_unwind(payload);
        }
    }
}

/// Completes with `code` up to `max` nodes of a list, head first, among
/// those linked before `limit` (a [`WaiterList::next_ticket`] taken earlier),
/// and wakes them in batches with the lock dropped in between.
///
/// The list is `list(&mut state)` where `state` is what `mutex` guards;
/// `guard` is that mutex, already locked. Returns how many were completed.
pub(crate) fn complete_before<'a, S>(
    mutex: &'a Mutex<S>,
    mut guard: MutexGuard<'a, S>,
    list: impl Fn(&mut S) -> &mut WaiterList,
    limit: Ticket,
    code: usize,
    max: usize,
) -> usize {
    let mut wakers = WakeList::new();
    let mut completed = 0;
    // A waker that panics must not stop the loop: the nodes of later batches
    // are still linked, and nothing else would complete them (an `Event`
    // stays set, so no later `set` would). Its panic is resumed at the end.
    let mut panic = DeferredPanic::new();
    loop {
        while completed < max && wakers.can_push() {
            match list(&mut guard).pop_front_before(limit, code) {
                Some(waker) => {
                    wakers.push(waker);
                    completed += 1;
                }
                None => break,
            }
        }
        // More may be left only if we stopped because the batch was full.
        let more = !wakers.can_push() && completed < max;
        drop(guard);
        wakers.wake_all_deferring(&mut panic);
        if !more {
            panic.resume();
            return completed;
        }
        guard = mutex.lock();
    }
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;
    use crate::test_util::Counter;
    use crate::waiters::Waiter;

    /// Pushes every node of `nodes` with payload = its index.
    fn push_all(list: &mut WaiterList, nodes: &[Waiter], waker: &Waker) {
        for (i, node) in nodes.iter().enumerate() {
            // SAFETY: fresh nodes, living (unmoved) in `nodes` until after the
            // list is emptied in each test.
            unsafe { list.push_back(node, i, waker) };
        }
    }

    #[test]
    fn complete_before_wakes_in_batches() {
        let (counter, waker) = Counter::new();
        let nodes: Vec<Waiter> = (0..(WakeList::CAPACITY * 2 + 3))
            .map(|_| Waiter::new())
            .collect();
        let mutex = Mutex::new(WaiterList::new());
        push_all(&mut mutex.lock(), &nodes, &waker);
        let guard = mutex.lock();
        let limit = guard.next_ticket();
        let n = complete_before(&mutex, guard, |l| l, limit, 0, usize::MAX);
        assert_eq!(n, nodes.len());
        assert_eq!(counter.count(), nodes.len());
        assert!(mutex.lock().is_empty());
        // `max` is honoured.
        push_all(&mut mutex.lock(), &nodes[..5], &waker);
        let guard = mutex.lock();
        let limit = guard.next_ticket();
        assert_eq!(complete_before(&mutex, guard, |l| l, limit, 0, 2), 2);
        let mut list = mutex.lock();
        while list.pop_front(0).is_some() {}
    }

    #[test]
    fn wake_list_is_reusable_and_wakes_the_rest_after_a_panic() {
        let (counter, waker) = Counter::new();
        let mut list = WakeList::new();
        while list.can_push() {
            list.push(waker.clone());
        }
        list.wake_all();
        assert_eq!(counter.count(), WakeList::CAPACITY);
        // Reused after `wake_all`; dropping it wakes what it still holds.
        list.push(waker.clone());
        list.push(waker.clone());
        drop(list);
        assert_eq!(counter.count(), WakeList::CAPACITY + 2);
        // A panicking waker: the ones after it are still woken (by the
        // drop during unwinding), each exactly once.
        let (panics, panicking) = Counter::panicking();
        let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            let mut list = WakeList::new();
            list.push(waker.clone());
            list.push(panicking.clone());
            list.push(waker.clone());
            list.wake_all();
        }));
        assert!(result.is_err());
        assert_eq!(panics.count(), 1);
        assert_eq!(counter.count(), WakeList::CAPACITY + 4);
    }
}
