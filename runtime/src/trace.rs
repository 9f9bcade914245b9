//! Events for `tracing` subscribers: task spawn / poll / complete, worker
//! park / unpark / steal.
//!
//! Behind the `tracing` cargo feature, off by default; without it every
//! function here is an empty `#[inline(always)]` function and the calls
//! compile to nothing. Events use targets `runtime::task` and
//! `runtime::worker` at `TRACE` level (a completion that panicked is a
//! `WARN`), with the task id and spawn location as fields.
//!
//! A leaf: it takes plain numbers (task ids as `u64`), so the task core can
//! emit events without this module depending back on it.

#[cfg(feature = "tracing")]
mod imp {
    use std::panic::Location;

    pub(crate) fn task_spawned(id: u64, location: &Location<'_>) {
        tracing::trace!(target: "runtime::task", task_id = id, %location, "spawn");
    }

    pub(crate) fn task_polled(id: u64, ready: bool) {
        tracing::trace!(target: "runtime::task", task_id = id, ready, "poll");
    }

    pub(crate) fn task_completed(id: u64, outcome: impl FnOnce() -> Outcome) {
        match outcome() {
            Outcome::Panicked => {
                tracing::warn!(target: "runtime::task", task_id = id, "task panicked")
            }
            Outcome::Ok => {
                tracing::trace!(target: "runtime::task", task_id = id, "complete")
            }
            Outcome::Cancelled => {
                tracing::trace!(target: "runtime::task", task_id = id, "cancelled")
            }
        }
    }

    pub(crate) fn worker_parked(worker: usize) {
        tracing::trace!(target: "runtime::worker", worker, "park");
    }

    pub(crate) fn worker_unparked(worker: usize) {
        tracing::trace!(target: "runtime::worker", worker, "unpark");
    }

    pub(crate) fn worker_stole(worker: usize, victim: usize, tasks: u64) {
        tracing::trace!(target: "runtime::worker", worker, victim, tasks, "steal");
    }

    /// How a task ended.
    #[derive(Clone, Copy, Debug)]
    pub(crate) enum Outcome {
        Ok,
        Panicked,
        Cancelled,
    }
}

#[cfg(not(feature = "tracing"))]
#[allow(unused_variables)]
mod imp {
    use std::panic::Location;

    #[inline(always)]
    pub(crate) fn task_spawned(id: u64, location: &Location<'_>) {}

    #[inline(always)]
    pub(crate) fn task_polled(id: u64, ready: bool) {}

    #[inline(always)]
    pub(crate) fn task_completed(id: u64, outcome: impl FnOnce() -> Outcome) {}

    #[inline(always)]
    pub(crate) fn worker_parked(worker: usize) {}

    #[inline(always)]
    pub(crate) fn worker_unparked(worker: usize) {}

    #[inline(always)]
    pub(crate) fn worker_stole(worker: usize, victim: usize, tasks: u64) {}

    /// How a task ended.
    #[derive(Clone, Copy, Debug)]
    pub(crate) enum Outcome {
        Ok,
        Panicked,
        Cancelled,
    }
}

pub(crate) use imp::*;

#[cfg(all(test, feature = "tracing", not(loom)))]
#[path = "trace_tests.rs"]
mod tests;
