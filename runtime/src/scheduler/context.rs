//! The thread-local runtime context.
//!
//! Each thread knows:
//! * which runtime it has entered (`current`): set on worker threads, in
//!   `block_on`, on blocking-pool threads and by `Runtime::enter`; this is
//!   what `spawn` and `Handle::current` use;
//! * whether it is *driving* tasks (`driving`): a worker thread, or a thread
//!   inside `block_on`. Blocking there would stall the tasks it drives, so a
//!   nested `block_on` panics instead of deadlocking;
//! * the scheduler-specific state of the thread driving tasks (`scheduler`),
//!   so a wake from inside a task can go to the local run queue.
//!
//! (The task being polled and its budget are the task core's business:
//! `task/current.rs`.) All fields are plain cells: only the owning thread
//! touches them.

use crate::scheduler;
use crate::util::scoped::Scoped;
use std::cell::{Cell, RefCell};
use std::fmt;

struct Context {
    current: RefCell<Option<scheduler::Handle>>,
    driving: Cell<bool>,
    scheduler: Scoped<scheduler::Context>,
}

thread_local! {
    static CONTEXT: Context = const {
        Context {
            current: RefCell::new(None),
            driving: Cell::new(false),
            scheduler: Scoped::new(),
        }
    };
}

/// Why there is no current runtime.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum NoRuntime {
    /// The thread is not inside any runtime.
    Missing,
    /// The thread is exiting and its thread-locals are gone.
    ThreadLocalDestroyed,
}

impl fmt::Display for NoRuntime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NoRuntime::Missing => f.write_str(
                "called outside of a runtime: no runtime is running on this thread. Call it from \
                 inside runtime::run, #[runtime::main], Runtime::block_on, a task or \
                 spawn_blocking; from other threads, use a Handle obtained from the runtime \
                 (Runtime::handle) or enter it with Runtime::enter",
            ),
            NoRuntime::ThreadLocalDestroyed => f.write_str(
                "called while this thread was exiting (its thread-local runtime context is \
                 already destroyed); use a Handle obtained earlier",
            ),
        }
    }
}

/// Runs `f` with the runtime this thread has entered.
///
/// As in [`with_scheduler`], `f` (for `spawn`, the closure holding the
/// future) is called outside the thread-local's closure.
#[inline]
pub(crate) fn with_current<R>(f: impl FnOnce(&scheduler::Handle) -> R) -> Result<R, NoRuntime> {
    let Ok(current) = CONTEXT.try_with(|cx| &raw const cx.current) else {
        return Err(NoRuntime::ThreadLocalDestroyed);
    };
    // SAFETY: the thread-local was alive just now, and is torn down only
    // when this thread exits, one destructor after another: not while this
    // call, on this thread, runs.
    let current = unsafe { &*current }.borrow();
    match current.as_ref() {
        Some(handle) => Ok(f(handle)),
        None => Err(NoRuntime::Missing),
    }
}

/// Makes `handle` the current runtime until the guard drops.
pub(crate) fn set_current(handle: &scheduler::Handle) -> SetCurrentGuard {
    let prev = CONTEXT.with(|cx| cx.current.replace(Some(handle.clone())));
    SetCurrentGuard {
        prev,
        _not_send: std::marker::PhantomData,
    }
}

/// Restores the previous current runtime on drop.
pub(crate) struct SetCurrentGuard {
    prev: Option<scheduler::Handle>,
    _not_send: std::marker::PhantomData<*const ()>,
}

impl Drop for SetCurrentGuard {
    fn drop(&mut self) {
        let prev = self.prev.take();
        // Dropping the replaced handle outside the borrow: it may be the
        // last reference to a runtime, whose drop may touch the context.
        let replaced = CONTEXT.try_with(|cx| cx.current.replace(prev));
        drop(replaced);
    }
}

/// Marks this thread as driving tasks (a worker, or inside `block_on`).
///
/// # Panics
/// If it already is: blocking a thread that drives tasks stalls them and
/// can deadlock.
#[track_caller]
pub(crate) fn enter_driving(what: &str) -> DrivingGuard {
    let already = CONTEXT.with(|cx| cx.driving.replace(true));
    if already {
        panic!(
            "{what} was called from a thread that is already driving a runtime's tasks (a worker \
             thread, or inside another block_on). Blocking here would stall every task this \
             thread drives and can deadlock the runtime. Use `.await` instead, or move the \
             blocking code to runtime::spawn_blocking (whose threads may block_on)."
        );
    }
    DrivingGuard {
        _not_send: std::marker::PhantomData,
    }
}

/// Clears the driving mark on drop.
pub(crate) struct DrivingGuard {
    _not_send: std::marker::PhantomData<*const ()>,
}

impl Drop for DrivingGuard {
    fn drop(&mut self) {
        let _ = CONTEXT.try_with(|cx| cx.driving.set(false));
    }
}

/// True on a thread that drives tasks (a worker, or inside `block_on`).
pub(crate) fn is_driving() -> bool {
    CONTEXT.try_with(|cx| cx.driving.get()).unwrap_or(false)
}

/// Runs `f` with `scheduler` as this thread's scheduler context.
pub(crate) fn set_scheduler<R>(scheduler: &scheduler::Context, f: impl FnOnce() -> R) -> R {
    CONTEXT.with(|cx| cx.scheduler.set(scheduler, f))
}

/// Runs `f` with this thread's scheduler context, if it drives a scheduler.
///
/// Only the pointer is read inside the thread-local's closure and `f` is
/// called outside it: `f` (the caller's closure, with the task it
/// schedules) then stays in registers instead of being moved through the
/// stack into an `Option` first, which cost a store-forwarding stall on
/// every wake-up.
#[inline]
pub(crate) fn with_scheduler<R>(f: impl FnOnce(Option<&scheduler::Context>) -> R) -> R {
    // The thread is exiting when the thread-local is gone: it drives
    // nothing any more.
    let ptr = CONTEXT
        .try_with(|cx| cx.scheduler.as_ptr())
        .unwrap_or(std::ptr::null());
    // SAFETY: a non-null pointer is the value of the innermost
    // `set_scheduler` on this thread, which is still running (we are inside
    // its closure) and keeps the value borrowed until it returns; `f` runs
    // on this thread before we return, so within that scope. A nested
    // `set_scheduler` inside `f` shadows the slot but not the value.
    f(unsafe { ptr.as_ref() })
}
