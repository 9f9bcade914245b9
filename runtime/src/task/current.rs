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

/// Runs `f` (a poll, or the drop of a future) with `task` as the current
/// task. (While the thread exits and its thread-locals are gone, `f` runs
/// without one.)
pub(crate) fn enter<R>(task: &Header, f: impl FnOnce() -> R) -> R {
    let mut f = Some(f);
    let entered = CURRENT.try_with(|cx| {
        let f = f.take().expect("taken once");
        cx.task.set(task, f)
    });
    match entered {
        Ok(out) => out,
        Err(_) => (f.take().expect("not taken when the thread-local is gone"))(),
    }
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
