//! Cooperative scheduling budget.
//!
//! A task that keeps finding its resources ready (a socket with data, a
//! finished `JoinHandle`, a timer in the past) would never return `Pending`
//! and would starve every other task on its worker. So each poll of a task
//! gets a budget of [`BUDGET`] operations; every runtime resource spends one
//! unit when it makes progress, and once the budget is spent resources answer
//! `Pending` (after waking the task) until the task has yielded to the
//! scheduler. Code outside a task (block_on's own future, blocking threads)
//! runs unconstrained.

use super::current;
use std::cell::Cell;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

/// Operations a task may complete in one poll before it is made to yield.
pub(crate) const BUDGET: u8 = 128;

/// What is left of the current poll's budget; `None` is unconstrained.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Budget(Option<u8>);

impl Budget {
    pub(crate) const fn initial() -> Budget {
        Budget(Some(BUDGET))
    }

    pub(crate) const fn unconstrained() -> Budget {
        Budget(None)
    }

    fn has_remaining(self) -> bool {
        self.0 != Some(0)
    }
}

/// Runs `f` (one poll of a task) with a fresh budget.
pub(crate) fn budget<R>(f: impl FnOnce() -> R) -> R {
    with_budget(Budget::initial(), f)
}

/// Runs `f` without a budget.
pub(crate) fn with_unconstrained<R>(f: impl FnOnce() -> R) -> R {
    with_budget(Budget::unconstrained(), f)
}

fn with_budget<R>(budget: Budget, f: impl FnOnce() -> R) -> R {
    struct Reset(Option<Budget>);
    impl Drop for Reset {
        fn drop(&mut self) {
            if let Some(prev) = self.0 {
                current::set_budget(prev);
            }
        }
    }
    let _reset = Reset(current::replace_budget(budget));
    f()
}

/// True while the current poll has budget left (or runs unconstrained).
pub(crate) fn has_budget_remaining() -> bool {
    current::budget().is_none_or(Budget::has_remaining)
}

/// Spends one unit of budget for an operation that is about to make
/// progress. `Pending` (with the task woken, so it runs again after others)
/// when the budget is spent. If the operation then turns out not to make
/// progress, dropping the returned guard refunds the unit.
pub(crate) fn poll_proceed(cx: &mut Context<'_>) -> Poll<RestoreOnPending> {
    let Some(current) = current::budget() else {
        return Poll::Ready(RestoreOnPending(Cell::new(Budget::unconstrained())));
    };
    match current.0 {
        None => Poll::Ready(RestoreOnPending(Cell::new(Budget::unconstrained()))),
        Some(0) => {
            cx.waker().wake_by_ref();
            Poll::Pending
        }
        Some(n) => {
            current::set_budget(Budget(Some(n - 1)));
            Poll::Ready(RestoreOnPending(Cell::new(current)))
        }
    }
}

/// Refunds a budget unit on drop unless [`made_progress`](Self::made_progress)
/// was called.
pub(crate) struct RestoreOnPending(Cell<Budget>);

impl RestoreOnPending {
    pub(crate) fn made_progress(&self) {
        self.0.set(Budget::unconstrained());
    }
}

impl Drop for RestoreOnPending {
    fn drop(&mut self) {
        let budget = self.0.get();
        if budget != Budget::unconstrained() {
            current::set_budget(budget);
        }
    }
}

/// Spends one unit of the task's cooperative budget, yielding to the
/// scheduler when it is used up.
///
/// Runtime resources (sockets, timers, join handles) do this on their own.
/// Call it in a loop that makes progress without touching any of them, so
/// the loop still lets other tasks run, and far less often than
/// [`yield_now`](crate::yield_now) would. asyncio has no budget; the nearest
/// idiom is an occasional `await asyncio.sleep(0)`.
///
/// ```
/// let rt = runtime::Runtime::new().unwrap();
/// rt.block_on(rt.spawn(async {
///     let mut sum = 0u64;
///     for i in 0..100_000u64 {
///         sum += i;
///         runtime::task::consume_budget().await; // yields every ~128 steps
///     }
///     assert_eq!(sum, 4_999_950_000);
/// }))
/// .unwrap();
/// ```
pub async fn consume_budget() {
    let mut status = Poll::Pending;
    std::future::poll_fn(move |cx| {
        if status.is_ready() {
            return status;
        }
        status = poll_proceed(cx).map(|restore| restore.made_progress());
        status
    })
    .await
}

/// Runs `future` outside the cooperative budget: runtime resources inside it
/// never force it to yield.
///
/// Use it sparingly, for a future that must not be interrupted (it can then
/// starve the other tasks of its worker).
///
/// ```
/// let rt = runtime::Runtime::new().unwrap();
/// let out = rt.block_on(runtime::task::unconstrained(async { 7 }));
/// assert_eq!(out, 7);
/// ```
pub fn unconstrained<F: Future>(future: F) -> Unconstrained<F> {
    Unconstrained { future }
}

/// The future returned by [`unconstrained`].
#[derive(Debug)]
#[must_use = "futures do nothing unless polled"]
pub struct Unconstrained<F> {
    future: F,
}

impl<F: Future> Future for Unconstrained<F> {
    type Output = F::Output;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        // SAFETY: structural pinning of the only field; we never move it.
        let future = unsafe { self.map_unchecked_mut(|this| &mut this.future) };
        with_unconstrained(|| future.poll(cx))
    }
}
