//! What this thread is running: the task being polled and its cooperative
//! budget. The task core sets them around every poll (and every drop of a
//! future); resources read them (`coop`, the `WaitingOn` record,
//! `current_id`). Plain thread-local cells: only the owning thread touches
//! them.

use super::TaskId;
use super::coop::Budget;
use super::core::Header;
use crate::util::scoped::Scoped;
use std::cell::Cell;

struct Current {
    /// The task being polled on this thread.
    task: Scoped<Header>,
    budget: Cell<Budget>,
}

thread_local! {
    static CURRENT: Current = const {
        Current {
            task: Scoped::new(),
            budget: Cell::new(Budget::unconstrained()),
        }
    };
}

// `Current` has no destructor, so its thread-local is never torn down while
// the thread runs: `with` cannot fail (no "thread exiting" case to handle),
// and the storage stays valid until the thread is gone.
const _: () = assert!(!std::mem::needs_drop::<Current>());

/// Runs `f` (a poll, or the drop of a future) with `task` as the current
/// task.
///
/// `f` runs outside the thread-local's closure: only the address of the
/// slot is taken inside it. Moving `f` into that closure (and its result
/// back out, wrapped in the thread-local's own `Result`) went through the
/// stack with mismatched store and load widths, a store-forwarding stall on
/// every poll.
#[inline]
pub(crate) fn enter<R>(task: &Header, f: impl FnOnce() -> R) -> R {
    let slot = CURRENT.with(|cx| &raw const cx.task);
    // SAFETY: the thread-local has no destructor (asserted above), so its
    // storage outlives this call, which runs on the owning thread; the
    // pointer is not kept past it.
    unsafe { &*slot }.set(task, f)
}

/// Runs `f` with the header of the task being polled on this thread.
pub(crate) fn with_task<R>(f: impl FnOnce(&Header) -> R) -> Option<R> {
    CURRENT
        .try_with(|cx| cx.task.with(|task| task.map(f)))
        .ok()
        .flatten()
}

/// The id of the task being polled on this thread.
pub(crate) fn task_id() -> Option<TaskId> {
    with_task(Header::id)
}

/// The current poll's budget (`None` when the thread-locals are gone).
pub(crate) fn budget() -> Option<Budget> {
    CURRENT.try_with(|cx| cx.budget.get()).ok()
}

pub(crate) fn set_budget(budget: Budget) {
    let _ = CURRENT.try_with(|cx| cx.budget.set(budget));
}

/// Sets the budget, returning the previous one.
pub(crate) fn replace_budget(budget: Budget) -> Option<Budget> {
    CURRENT.try_with(|cx| cx.budget.replace(budget)).ok()
}
