//! The task's one atomic state word.
//!
//! ```text
//!  63 ............................ 6   5          4           3            2        1         0
//! [        reference count         ][CANCELLED][JOIN_WAKER][JOIN_INTEREST][NOTIFIED][COMPLETE][RUNNING]
//! ```
//!
//! * `RUNNING`: someone owns the future (polling it, or cancelling it). Only
//!   the owner of this bit touches the task's stage while the task is not
//!   complete.
//! * `COMPLETE`: the output (or the `JoinError`) is stored; the future is
//!   gone. Set once, never cleared. From then on the stage belongs to the
//!   `JoinHandle` (if `JOIN_INTEREST`) or to whoever drops the last reference.
//! * `NOTIFIED`: the task has been woken and there is exactly one `Notified`
//!   reference for it in some run queue, or it will be re-queued when the
//!   current poll ends (woken while `RUNNING`).
//! * `JOIN_INTEREST`: a `JoinHandle` exists. Cleared when it is dropped.
//! * `JOIN_WAKER`: the join waker slot holds a waker that the task will wake
//!   on completion. While this bit is clear and the task is not complete, the
//!   `JoinHandle` alone may write the slot; while it is set, nobody writes it.
//!   After completion the completing task wakes the waker, then clears the
//!   bit (`unset_join_waker_after_complete`): from then on the slot belongs
//!   to the `JoinHandle`, which empties it when dropped. A handle dropped
//!   while the bit is still set clears `JOIN_INTEREST` instead
//!   (`unset_join_interested_after_complete`), and then, if the bit was
//!   still set, the completing task empties the slot after waking. So a join waker
//!   never outlives the handle and the completion by long: kept until the
//!   cell is freed, wakers would hold whole chains of finished tasks alive,
//!   and the last free would recurse down the chain (a stack overflow for a
//!   few thousand nested awaits).
//! * `CANCELLED`: `abort()` or shutdown asked the task to stop; the future is
//!   dropped at the task's next scheduling point.
//! * reference count: every `Task`, `Notified`, `Waker` and `JoinHandle`
//!   holds one. The memory is freed when it reaches zero.
//!
//! Every transition is a compare-and-swap loop over a [`Snapshot`] and returns
//! a `#[must_use]` enum that says what the caller must do next.

use crate::loom::{AtomicUsize, Ordering};
use std::fmt;

const RUNNING: usize = 1 << 0;
const COMPLETE: usize = 1 << 1;
const NOTIFIED: usize = 1 << 2;
const JOIN_INTEREST: usize = 1 << 3;
const JOIN_WAKER: usize = 1 << 4;
const CANCELLED: usize = 1 << 5;
const LIFECYCLE_MASK: usize = RUNNING | COMPLETE;
const FLAG_BITS: u32 = 6;
const REF_ONE: usize = 1 << FLAG_BITS;
/// Past this many references something leaks wakers in a loop; abort as
/// `Arc` does rather than risk a wrap to zero.
const REF_MAX: usize = usize::MAX >> (FLAG_BITS + 1);

/// The atomic state word of a task.
pub(super) struct State {
    val: AtomicUsize,
}

/// A copy of the state word, with named accessors.
#[derive(Copy, Clone, PartialEq, Eq)]
pub(crate) struct Snapshot(usize);

/// What `transition_to_running` tells the poller.
#[must_use]
pub(super) enum TransitionToRunning {
    /// The poller owns the future: poll it.
    Success,
    /// The poller owns the future, and the task was cancelled: drop it.
    Cancelled,
    /// The task was running or complete already; the caller's reference was
    /// released.
    Failed,
    /// As `Failed`, and that was the last reference: free the task.
    Dealloc,
}

/// What `transition_to_idle` tells the poller.
#[must_use]
pub(super) enum TransitionToIdle {
    /// The task is idle; the poller's reference was released.
    Ok,
    /// The task was woken while it ran: the transition added a reference
    /// for the `Notified` the caller must now schedule. The poller keeps its
    /// own until the scheduler has returned (it may use its handle, which
    /// lives in the task's cell, after the task is queued and another worker
    /// ran and freed it otherwise; and the `&self` it is called with must
    /// stay valid for the whole call), then drops it.
    OkNotified,
    /// As `Ok`, and that was the last reference: free the task.
    OkDealloc,
    /// The task was cancelled while it ran; the poller still owns the future
    /// and must drop it.
    Cancelled,
}

/// What a wake tells the waker.
#[must_use]
pub(super) enum TransitionToNotified {
    /// Nothing to do.
    DoNothing,
    /// Schedule the task with the `Notified` reference the transition made.
    /// A wake by value then drops the waker's reference, only once the
    /// scheduler has returned: the scheduler's handle lives in the task's
    /// cell, and once queued the task may run and be freed on another
    /// worker before `schedule` returns.
    Submit,
    /// The waker's reference was the last one: free the task.
    Dealloc,
}

impl State {
    /// A new task: one reference for the owned-tasks list, one for the
    /// `JoinHandle`, one for the `Notified` that is about to be scheduled.
    /// `refs` lets tasks that are not in a list (blocking tasks) start with two.
    pub(super) fn new(refs: usize) -> State {
        State {
            val: AtomicUsize::new((refs * REF_ONE) | JOIN_INTEREST | NOTIFIED),
        }
    }

    pub(super) fn load(&self) -> Snapshot {
        Snapshot(self.val.load(Ordering::Acquire))
    }

    /// Claims the future for a poll. The caller holds a `Notified` reference.
    pub(super) fn transition_to_running(&self) -> TransitionToRunning {
        self.fetch_update_action(|mut s| {
            debug_assert!(s.is_notified(), "task polled without being notified");
            if !s.is_idle() {
                // Shutdown claimed the task, or it is complete: our reference
                // was a stale queue entry.
                s.ref_dec();
                let action = if s.ref_count() == 0 {
                    TransitionToRunning::Dealloc
                } else {
                    TransitionToRunning::Failed
                };
                return (action, Some(s));
            }
            s.set_running();
            s.unset_notified();
            let action = if s.is_cancelled() {
                TransitionToRunning::Cancelled
            } else {
                TransitionToRunning::Success
            };
            (action, Some(s))
        })
    }

    /// Ends a poll that returned `Pending`.
    pub(super) fn transition_to_idle(&self) -> TransitionToIdle {
        self.fetch_update_action(|mut s| {
            debug_assert!(s.is_running());
            if s.is_cancelled() {
                return (TransitionToIdle::Cancelled, None);
            }
            s.unset_running();
            let action = if s.is_notified() {
                // A new reference for the `Notified`; the poller drops its
                // own after scheduling (see `TransitionToIdle::OkNotified`).
                s.ref_inc();
                TransitionToIdle::OkNotified
            } else {
                s.ref_dec();
                if s.ref_count() == 0 {
                    TransitionToIdle::OkDealloc
                } else {
                    TransitionToIdle::Ok
                }
            };
            (action, Some(s))
        })
    }

    /// Marks the task complete. The caller owns `RUNNING`. Returns the state
    /// just before the transition (its join bits decide who drops the output
    /// and whether to wake the `JoinHandle`).
    pub(super) fn transition_to_complete(&self) -> Snapshot {
        const DELTA: usize = RUNNING | COMPLETE;
        let prev = Snapshot(self.val.fetch_xor(DELTA, Ordering::AcqRel));
        debug_assert!(prev.is_running());
        debug_assert!(!prev.is_complete());
        prev
    }

    /// Marks a task complete whose `JoinHandle` is gone, dropping `count`
    /// references in the same atomic step; true when the task must be freed.
    /// The caller owns `RUNNING`, saw `JOIN_INTEREST` clear (it never comes
    /// back), and has already dropped the output and emptied the join waker
    /// slot: nobody reads the stage of a detached task, and once the
    /// references are gone another holder may free the cell.
    pub(super) fn transition_to_complete_and_terminal(&self, count: usize) -> bool {
        // RUNNING (bit 0) is set and COMPLETE (bit 1) clear, so adding
        // RUNNING clears the one and sets the other; the references go in
        // the same subtraction.
        const _: () = assert!(COMPLETE == 2 * RUNNING);
        let delta = count * REF_ONE - RUNNING;
        let prev = Snapshot(self.val.fetch_sub(delta, Ordering::AcqRel));
        debug_assert!(prev.is_running());
        debug_assert!(!prev.is_complete());
        debug_assert!(!prev.is_join_interested());
        prev.released_last(count)
    }

    /// Drops `count` references after completion; true when the task must be
    /// freed.
    pub(super) fn transition_to_terminal(&self, count: usize) -> bool {
        let prev = Snapshot(self.val.fetch_sub(count * REF_ONE, Ordering::AcqRel));
        prev.released_last(count)
    }

    /// A wake that consumes the waker's reference (`Waker::wake`).
    pub(super) fn transition_to_notified_by_val(&self) -> TransitionToNotified {
        self.fetch_update_action(|mut s| {
            let action;
            if s.is_running() {
                // The poller re-queues the task when it finishes this poll.
                s.set_notified();
                s.ref_dec();
                debug_assert!(s.ref_count() > 0, "the poller holds a reference");
                action = TransitionToNotified::DoNothing;
            } else if s.is_complete() || s.is_notified() {
                s.ref_dec();
                action = if s.ref_count() == 0 {
                    TransitionToNotified::Dealloc
                } else {
                    TransitionToNotified::DoNothing
                };
            } else {
                // A new reference for the `Notified`; the waker's is dropped
                // after `schedule` returns (see `TransitionToNotified::Submit`).
                s.set_notified();
                s.ref_inc();
                action = TransitionToNotified::Submit;
            }
            (action, Some(s))
        })
    }

    /// A wake that keeps the waker (`Waker::wake_by_ref`).
    pub(super) fn transition_to_notified_by_ref(&self) -> TransitionToNotified {
        self.fetch_update_action(|mut s| {
            if s.is_complete() || s.is_notified() {
                (TransitionToNotified::DoNothing, None)
            } else if s.is_running() {
                s.set_notified();
                (TransitionToNotified::DoNothing, Some(s))
            } else {
                s.set_notified();
                s.ref_inc();
                (TransitionToNotified::Submit, Some(s))
            }
        })
    }

    /// `abort()`: marks the task cancelled. True when the caller must
    /// schedule the task (with the new `Notified` reference this made) so a
    /// worker drops its future.
    pub(super) fn transition_to_notified_and_cancel(&self) -> bool {
        self.fetch_update_action(|mut s| {
            if s.is_cancelled() || s.is_complete() {
                (false, None)
            } else if s.is_running() {
                // The poller sees CANCELLED when the poll ends.
                s.set_notified();
                s.set_cancelled();
                (false, Some(s))
            } else if s.is_notified() {
                // The queued `Notified` sees CANCELLED when it is run.
                s.set_cancelled();
                (false, Some(s))
            } else {
                s.set_cancelled();
                s.set_notified();
                s.ref_inc();
                (true, Some(s))
            }
        })
    }

    /// Shutdown: marks the task cancelled and, if it is idle, claims the
    /// future (sets `RUNNING`) so the caller can drop it. True when claimed.
    pub(super) fn transition_to_shutdown(&self) -> bool {
        let mut claimed = false;
        let _ = self.fetch_update(|mut s| {
            claimed = s.is_idle();
            if claimed {
                s.set_running();
            }
            s.set_cancelled();
            Some(s)
        });
        claimed
    }

    /// Sets `JOIN_WAKER`; fails (returning the state) if the task completed.
    pub(super) fn set_join_waker(&self) -> Result<Snapshot, Snapshot> {
        self.fetch_update(|mut s| {
            debug_assert!(s.is_join_interested());
            debug_assert!(!s.is_join_waker_set());
            if s.is_complete() {
                return None;
            }
            s.set_join_waker();
            Some(s)
        })
    }

    /// Clears `JOIN_WAKER` so the `JoinHandle` may replace the waker; fails
    /// if the task completed.
    pub(super) fn unset_join_waker(&self) -> Result<Snapshot, Snapshot> {
        self.fetch_update(|mut s| {
            debug_assert!(s.is_join_interested());
            debug_assert!(s.is_join_waker_set());
            if s.is_complete() {
                return None;
            }
            s.unset_join_waker();
            Some(s)
        })
    }

    /// The `JoinHandle` is dropped before completion: clears
    /// `JOIN_INTEREST` and drops the handle's reference, in one step.
    /// Returns true when that was the last reference (it never is while
    /// whoever will complete the task holds one; checked all the same).
    /// Fails, changing nothing, if the task completed: the handle must then
    /// drop the output, and its reference, itself.
    pub(super) fn unset_join_interested_and_ref_dec(&self) -> Result<bool, Snapshot> {
        self.fetch_update(|mut s| {
            debug_assert!(s.is_join_interested());
            if s.is_complete() {
                return None;
            }
            s.unset_join_interested();
            assert!(s.ref_count() >= 1, "task reference count underflow");
            s.ref_dec();
            Some(s)
        })
        .map(|s| s.ref_count() == 0)
    }

    /// The completing task has woken the join waker: clears `JOIN_WAKER`
    /// and returns the new state. If it shows no `JOIN_INTEREST`, the
    /// handle is gone and the caller must empty the slot.
    pub(super) fn unset_join_waker_after_complete(&self) -> Snapshot {
        let prev = Snapshot(self.val.fetch_and(!JOIN_WAKER, Ordering::AcqRel));
        debug_assert!(prev.is_complete());
        debug_assert!(prev.is_join_waker_set());
        Snapshot(prev.0 & !JOIN_WAKER)
    }

    /// The `JoinHandle` is dropped after completion while `JOIN_WAKER` was
    /// still set (the completing task is waking it): clears `JOIN_INTEREST`
    /// and returns the state before. If it shows `JOIN_WAKER` clear, the
    /// completing task is done with the slot and the caller must empty it;
    /// if set, the completing task will (it sees no `JOIN_INTEREST`).
    pub(super) fn unset_join_interested_after_complete(&self) -> Snapshot {
        let prev = Snapshot(self.val.fetch_and(!JOIN_INTEREST, Ordering::AcqRel));
        debug_assert!(prev.is_complete());
        debug_assert!(prev.is_join_interested());
        prev
    }

    /// Adds a reference (a cloned waker, a new `Notified`).
    pub(super) fn ref_inc(&self) {
        let prev = self.val.fetch_add(REF_ONE, Ordering::Relaxed);
        if prev >> FLAG_BITS > REF_MAX {
            // Like `Arc`: a count this large means references are leaked in a
            // loop, and wrapping would free memory still in use.
            std::process::abort();
        }
    }

    /// Drops a reference; true when it was the last.
    pub(super) fn ref_dec(&self) -> bool {
        let prev = Snapshot(self.val.fetch_sub(REF_ONE, Ordering::AcqRel));
        assert!(prev.ref_count() >= 1, "task reference count underflow");
        prev.ref_count() == 1
    }

    /// CAS loop: `f` returns the new state, or `None` to stop with an error.
    fn fetch_update(
        &self,
        mut f: impl FnMut(Snapshot) -> Option<Snapshot>,
    ) -> Result<Snapshot, Snapshot> {
        let mut curr = self.load();
        loop {
            let Some(next) = f(curr) else {
                return Err(curr);
            };
            match self
                .val
                .compare_exchange(curr.0, next.0, Ordering::AcqRel, Ordering::Acquire)
            {
                Ok(_) => return Ok(next),
                Err(actual) => curr = Snapshot(actual),
            }
        }
    }

    /// CAS loop: `f` returns an action and the new state (`None`: keep the
    /// state as it is and just return the action).
    fn fetch_update_action<T>(&self, mut f: impl FnMut(Snapshot) -> (T, Option<Snapshot>)) -> T {
        let mut curr = self.load();
        loop {
            let (output, next) = f(curr);
            let Some(next) = next else {
                return output;
            };
            match self
                .val
                .compare_exchange(curr.0, next.0, Ordering::AcqRel, Ordering::Acquire)
            {
                Ok(_) => return output,
                Err(actual) => curr = Snapshot(actual),
            }
        }
    }
}

impl Snapshot {
    /// After a subtraction of `count` references from this (previous)
    /// state: whether those were the last ones. Panics on an underflow,
    /// which would be a reference-counting bug.
    fn released_last(self, count: usize) -> bool {
        assert!(
            self.ref_count() >= count,
            "task reference count underflow: {} < {}",
            self.ref_count(),
            count
        );
        self.ref_count() == count
    }

    /// Neither running nor complete.
    pub(crate) fn is_idle(self) -> bool {
        self.0 & LIFECYCLE_MASK == 0
    }
    pub(crate) fn is_running(self) -> bool {
        self.0 & RUNNING == RUNNING
    }
    pub(crate) fn is_complete(self) -> bool {
        self.0 & COMPLETE == COMPLETE
    }
    pub(crate) fn is_notified(self) -> bool {
        self.0 & NOTIFIED == NOTIFIED
    }
    pub(crate) fn is_cancelled(self) -> bool {
        self.0 & CANCELLED == CANCELLED
    }
    pub(crate) fn is_join_interested(self) -> bool {
        self.0 & JOIN_INTEREST == JOIN_INTEREST
    }
    pub(crate) fn is_join_waker_set(self) -> bool {
        self.0 & JOIN_WAKER == JOIN_WAKER
    }
    pub(crate) fn ref_count(self) -> usize {
        self.0 >> FLAG_BITS
    }

    fn set_running(&mut self) {
        self.0 |= RUNNING;
    }
    fn unset_running(&mut self) {
        self.0 &= !RUNNING;
    }
    fn set_notified(&mut self) {
        self.0 |= NOTIFIED;
    }
    fn unset_notified(&mut self) {
        self.0 &= !NOTIFIED;
    }
    fn set_cancelled(&mut self) {
        self.0 |= CANCELLED;
    }
    fn set_join_waker(&mut self) {
        self.0 |= JOIN_WAKER;
    }
    fn unset_join_waker(&mut self) {
        self.0 &= !JOIN_WAKER;
    }
    fn unset_join_interested(&mut self) {
        self.0 &= !JOIN_INTEREST;
    }
    fn ref_inc(&mut self) {
        self.0 += REF_ONE;
    }
    fn ref_dec(&mut self) {
        debug_assert!(self.ref_count() > 0);
        self.0 -= REF_ONE;
    }
}

impl fmt::Debug for Snapshot {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Snapshot")
            .field("running", &self.is_running())
            .field("complete", &self.is_complete())
            .field("notified", &self.is_notified())
            .field("cancelled", &self.is_cancelled())
            .field("join_interested", &self.is_join_interested())
            .field("join_waker_set", &self.is_join_waker_set())
            .field("ref_count", &self.ref_count())
            .finish()
    }
}

impl fmt::Debug for State {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.load().fmt(f)
    }
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;

    #[test]
    fn new_task_is_notified_with_join_interest() {
        let s = State::new(3).load();
        assert!(s.is_notified() && s.is_join_interested() && s.is_idle());
        assert!(!s.is_join_waker_set() && !s.is_cancelled());
        assert_eq!(s.ref_count(), 3);
    }

    #[test]
    fn poll_then_idle_releases_the_pollers_reference() {
        let state = State::new(3);
        assert!(matches!(
            state.transition_to_running(),
            TransitionToRunning::Success
        ));
        assert!(state.load().is_running() && !state.load().is_notified());
        assert!(matches!(state.transition_to_idle(), TransitionToIdle::Ok));
        assert_eq!(state.load().ref_count(), 2);
        assert!(state.load().is_idle());
    }

    #[test]
    fn wake_while_running_requeues_after_the_poll() {
        let state = State::new(3);
        let _ = state.transition_to_running();
        state.ref_inc(); // a waker clone
        assert!(matches!(
            state.transition_to_notified_by_val(),
            TransitionToNotified::DoNothing
        ));
        assert!(matches!(
            state.transition_to_idle(),
            TransitionToIdle::OkNotified
        ));
        // The list's, the handle's, the new `Notified`'s, and the poller's,
        // which it drops once the scheduler returned.
        assert_eq!(state.load().ref_count(), 4);
        assert!(state.load().is_notified());
        assert!(state.load().is_idle());
        assert!(!state.ref_dec());
    }

    #[test]
    fn dropping_the_handle_early_drops_its_reference_with_the_interest() {
        let state = State::new(3);
        assert_eq!(state.unset_join_interested_and_ref_dec(), Ok(false));
        assert_eq!(state.load().ref_count(), 2);
        assert!(!state.load().is_join_interested());
    }

    #[test]
    fn a_detached_task_completes_and_drops_its_references_at_once() {
        let state = State::new(3);
        let _ = state.transition_to_running();
        state.ref_inc(); // a waker clone that outlives the task
        assert_eq!(state.unset_join_interested_and_ref_dec(), Ok(false));
        // The list's and the poller's go together; the waker's is left.
        assert!(!state.transition_to_complete_and_terminal(2));
        let s = state.load();
        assert!(s.is_complete() && !s.is_running() && !s.is_join_interested());
        assert_eq!(s.ref_count(), 1);
        assert!(state.ref_dec());
    }

    #[test]
    fn completing_a_detached_task_frees_it_with_the_last_references() {
        let state = State::new(3);
        let _ = state.transition_to_running();
        assert!(!state.transition_to_notified_and_cancel()); // abort while running
        assert_eq!(state.unset_join_interested_and_ref_dec(), Ok(false));
        assert!(state.transition_to_complete_and_terminal(2));
        // Other flags are left alone.
        assert!(state.load().is_cancelled());
    }

    #[test]
    fn wake_by_val_keeps_the_wakers_reference_through_schedule() {
        let state = State::new(3);
        let _ = state.transition_to_running();
        let _ = state.transition_to_idle(); // 2 left: list, handle
        state.ref_inc(); // a waker clone
        assert!(matches!(
            state.transition_to_notified_by_val(),
            TransitionToNotified::Submit
        ));
        // The queue's new reference and the waker's, dropped after schedule.
        assert_eq!(state.load().ref_count(), 4);
        assert!(!state.ref_dec());
    }

    #[test]
    fn wake_idle_task_submits_once() {
        let state = State::new(3);
        let _ = state.transition_to_running();
        let _ = state.transition_to_idle();
        assert!(matches!(
            state.transition_to_notified_by_ref(),
            TransitionToNotified::Submit
        ));
        assert!(matches!(
            state.transition_to_notified_by_ref(),
            TransitionToNotified::DoNothing
        ));
        assert_eq!(state.load().ref_count(), 3);
    }

    #[test]
    fn abort_idle_task_schedules_it_cancelled() {
        let state = State::new(3);
        let _ = state.transition_to_running();
        let _ = state.transition_to_idle();
        assert!(state.transition_to_notified_and_cancel());
        assert!(!state.transition_to_notified_and_cancel());
        assert!(matches!(
            state.transition_to_running(),
            TransitionToRunning::Cancelled
        ));
    }

    #[test]
    fn abort_while_running_is_seen_at_idle() {
        let state = State::new(3);
        let _ = state.transition_to_running();
        assert!(!state.transition_to_notified_and_cancel());
        assert!(matches!(
            state.transition_to_idle(),
            TransitionToIdle::Cancelled
        ));
        assert!(state.load().is_running());
    }

    #[test]
    fn shutdown_claims_only_idle_tasks() {
        let state = State::new(3);
        let _ = state.transition_to_running();
        assert!(!state.transition_to_shutdown());
        let other = State::new(3);
        assert!(other.transition_to_shutdown());
        // The queued `Notified` of a claimed task fails to run.
        assert!(matches!(
            other.transition_to_running(),
            TransitionToRunning::Failed
        ));
    }

    #[test]
    fn join_waker_cannot_be_set_after_completion() {
        let state = State::new(3);
        let _ = state.transition_to_running();
        let prev = state.transition_to_complete();
        assert!(prev.is_join_interested());
        assert!(state.set_join_waker().is_err());
        assert!(state.unset_join_interested_and_ref_dec().is_err());
        assert_eq!(state.load().ref_count(), 3, "a failed drop changes nothing");
        assert!(!state.transition_to_terminal(1));
        assert!(!state.transition_to_terminal(1));
        assert!(state.transition_to_terminal(1));
    }
}
