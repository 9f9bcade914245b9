//! Waking in batches, with the lock dropped: [`WakeList`] and
//! [`complete_before`], the "wake everybody who is waiting now" of
//! `Event::set`, `Condition::notify` and a barrier's release.
//!
//! Wakers run arbitrary code (a task may be dropped, and its futures may
//! take the very lock being released), so they are never woken with a list's
//! mutex held: they are gathered into a fixed-size [`WakeList`] and woken
//! once the guard is dropped, batch after batch.

use core::task::Waker;

use super::{Ticket, WaiterList};
use crate::loom::{Mutex, MutexGuard};

/// A batch of wakers to wake once the lock is dropped.
pub(crate) struct WakeList {
    wakers: [Option<Waker>; WakeList::CAPACITY],
    len: usize,
}

impl WakeList {
    /// Wakers gathered per batch before the lock is dropped to wake them.
    #[cfg(not(loom))]
    pub(crate) const CAPACITY: usize = 32;
    /// Small under loom, so models reach the batch boundary.
    #[cfg(loom)]
    pub(crate) const CAPACITY: usize = 2;

    pub(crate) fn new() -> Self {
        Self {
            wakers: [const { None }; Self::CAPACITY],
            len: 0,
        }
    }

    pub(crate) fn can_push(&self) -> bool {
        self.len < Self::CAPACITY
    }

    pub(crate) fn push(&mut self, waker: Waker) {
        debug_assert!(self.can_push(), "WakeList is full");
        self.wakers[self.len] = Some(waker);
        self.len += 1;
    }

    /// Wakes every gathered waker (call it without the lock held).
    pub(crate) fn wake_all(&mut self) {
        for slot in &mut self.wakers[..self.len] {
            if let Some(waker) = slot.take() {
                waker.wake();
            }
        }
        self.len = 0;
    }
}

impl Drop for WakeList {
    fn drop(&mut self) {
        // Wakers gathered and not woken (a panic in between) must still be
        // woken, or their tasks would hang.
        self.wake_all();
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
        wakers.wake_all();
        if !more {
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
}
