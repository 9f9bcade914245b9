//! Bounded, adaptive spinning before a `lock` queues.
//!
//! # Why
//!
//! A `lock` that finds the lock taken queues, and from then on every unlock
//! *hands* the lock to the head waiter (FIFO). A hand-off costs a task
//! switch: the waiter has to be woken and polled, and meanwhile the lock
//! stays taken, so every newcomer queues too and the next unlock hands off
//! again. Once one waiter queues, tasks that take the lock in a loop settle
//! into this convoy, one task switch per acquisition, for as long as they
//! keep coming (measured: 8 tasks × 50k lock/unlock on 2 workers took 2 ms
//! without a convoy and 60–100 ms with one).
//!
//! Most critical sections are a few nanoseconds, run by a task on another
//! worker. So before queuing, `lock` first waits a little *without* queuing:
//! it spins (with exponential backoff, as crossbeam's `Backoff` does) while
//! the lock is held and nobody is queued, and takes the lock if it comes
//! free. A spinner is not a waiter: it takes the lock only when nobody is
//! queued, exactly like the uncontended path, so it overtakes no one and the
//! FIFO contract is unchanged. Once anybody queues, spinners stop and queue
//! behind.
//!
//! # Bounds
//!
//! Spinning is useless when the holder is not running: a task that holds
//! the guard across an `.await`, a holder on the spinner's own worker, or a
//! holder that was just *handed* the lock and waits to be polled. So:
//!
//! * no spinning at all while the last hand-off has not been seen by its
//!   waiter (`Core::handed`): the holder may not be running yet;
//! * at most `limit` backoff steps (`MAX_STEPS` is about 20 µs of `pause`
//!   on a current x86 core), after which the task queues;
//! * `limit` adapts per lock: each spin that gives up halves it (down to
//!   one step, a few dozen nanoseconds), each spin that gets the lock
//!   raises it by one. A lock whose holders sleep while holding it soon
//!   costs almost nothing to spin on; one with short critical sections keeps
//!   spinning.
//!
//! The limit is a hint shared without synchronization (relaxed loads and
//! stores; a lost update only changes how long somebody spins).

use crate::loom::{AtomicUsize, Ordering, spin_loop};
use crate::semaphore::{Core, One};

/// The spin policy of one lock: its current step limit.
#[derive(Debug)]
pub(super) struct Spin {
    /// Backoff steps the next spinner may take, `1..=MAX_STEPS`.
    limit: AtomicUsize,
}

/// Steps of a full spin. Step `s` pauses `2^min(s, SHIFT)` times, then
/// looks at the lock: 16 steps are 703 pauses.
#[cfg(not(loom))]
const MAX_STEPS: usize = 16;
/// Under loom, enough steps to both give up and succeed.
#[cfg(loom)]
const MAX_STEPS: usize = 2;

/// The backoff stops growing after `2^SHIFT` pauses per step.
const SHIFT: usize = 6;

impl Spin {
    pub(super) fn new() -> Self {
        Self {
            limit: AtomicUsize::new(MAX_STEPS),
        }
    }

    /// Spins while the lock is held by a holder that may be running and
    /// nobody is queued; takes the lock if it comes free meanwhile.
    /// `false`: give up, and queue.
    #[inline(never)]
    pub(super) fn lock(&self, core: &Core) -> bool {
        let limit = self.limit.load(Ordering::Relaxed);
        for step in 0..limit {
            if core.handed() {
                return false;
            }
            for _ in 0..1u32 << step.min(SHIFT) {
                spin_loop();
            }
            match core.peek_one() {
                One::Free => {
                    if core.try_acquire_one() {
                        if limit < MAX_STEPS {
                            self.limit.store(limit + 1, Ordering::Relaxed);
                        }
                        return true;
                    }
                }
                One::Held => {}
                One::Queued => return false,
            }
        }
        self.limit.store((limit / 2).max(1), Ordering::Relaxed);
        false
    }

    /// The current step limit (for tests).
    #[cfg(test)]
    pub(super) fn limit(&self) -> usize {
        self.limit.load(Ordering::Relaxed)
    }
}
