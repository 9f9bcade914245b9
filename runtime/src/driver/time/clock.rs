//! The runtime's clock: real time, or a paused clock that only moves when
//! told to (`time::pause`, `time::advance`, auto-advance).
//!
//! Times inside the driver are `u64` nanoseconds since the clock's `base`
//! (the `std::time::Instant` at which the runtime was built). 2^64 ns is
//! 584 years: a deadline that far away saturates to [`NEVER`], which no
//! clock reading ever reaches.

use crate::loom::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// The deadline of a timer that never fires.
pub(crate) const NEVER: u64 = u64::MAX;

/// How many clocks are paused, process-wide. While none is,
/// `time::Instant::now` skips looking up the current runtime: every clock
/// then reads real time. (A plain std atomic: it is an optimization
/// hint, not part of any protocol loom should check.)
static PAUSED_CLOCKS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

/// True if some runtime in the process has a paused clock.
pub(crate) fn any_paused() -> bool {
    PAUSED_CLOCKS.load(std::sync::atomic::Ordering::Relaxed) > 0
}

pub(crate) struct Clock {
    base: Instant,
    /// Set by the one `pause` that goes ahead; see [`Clock::pause`].
    pause_claimed: AtomicBool,
    paused: AtomicBool,
    /// The paused clock's reading, in ns since `base` (meaningful while
    /// `paused`).
    frozen: AtomicU64,
    /// While positive, auto-advance waits: `spawn_blocking` work is running
    /// and may still wake a task (see `time::pause`).
    inhibit: AtomicUsize,
    /// Set by each release of an inhibition, consumed by the driver's
    /// owner: see [`Clock::take_released`].
    released: AtomicBool,
}

impl Clock {
    pub(crate) fn new() -> Clock {
        Clock {
            base: Instant::now(),
            pause_claimed: AtomicBool::new(false),
            paused: AtomicBool::new(false),
            frozen: AtomicU64::new(0),
            inhibit: AtomicUsize::new(0),
            released: AtomicBool::new(false),
        }
    }

    /// Now, in ns since `base`.
    pub(crate) fn now_ns(&self) -> u64 {
        if self.is_paused() {
            self.frozen.load(Ordering::Acquire)
        } else {
            saturating_ns(self.base.elapsed())
        }
    }

    /// Now, as an `Instant`.
    pub(crate) fn now(&self) -> Instant {
        if self.is_paused() {
            self.ns_to_instant(self.frozen.load(Ordering::Acquire))
        } else {
            Instant::now()
        }
    }

    pub(crate) fn is_paused(&self) -> bool {
        self.paused.load(Ordering::Acquire)
    }

    /// Freezes the clock at the current real time. False if it was already
    /// paused.
    ///
    /// Of two racing calls exactly one goes ahead (the claim is one swap):
    /// checking `paused` and then setting it let both write `frozen` (the
    /// loser's write could land after the winner's `advance`) and count
    /// the clock twice in `PAUSED_CLOCKS`, which `Drop` lowers once.
    pub(crate) fn pause(&self) -> bool {
        if self.pause_claimed.swap(true, Ordering::AcqRel) {
            return false;
        }
        self.frozen
            .store(saturating_ns(self.base.elapsed()), Ordering::Release);
        self.paused.store(true, Ordering::Release);
        PAUSED_CLOCKS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        true
    }

    /// Moves the paused clock forward by `by`.
    pub(crate) fn advance(&self, by: Duration) {
        let by = saturating_ns(by);
        let mut now = self.frozen.load(Ordering::Acquire);
        loop {
            let to = now.saturating_add(by).min(NEVER - 1);
            match self
                .frozen
                .compare_exchange(now, to, Ordering::AcqRel, Ordering::Acquire)
            {
                Ok(_) => return,
                Err(actual) => now = actual,
            }
        }
    }

    /// Moves the paused clock forward to `to` (never backward).
    pub(crate) fn advance_to(&self, to: u64) {
        self.frozen.fetch_max(to.min(NEVER - 1), Ordering::AcqRel);
    }

    /// Converts an instant to a deadline: saturating at 0 for the past and
    /// at [`NEVER`] for the far future.
    pub(crate) fn instant_to_ns(&self, instant: Instant) -> u64 {
        saturating_ns(instant.saturating_duration_since(self.base))
    }

    pub(crate) fn ns_to_instant(&self, ns: u64) -> Instant {
        let offset = Duration::from_nanos(ns);
        self.base.checked_add(offset).unwrap_or_else(far_future)
    }

    pub(crate) fn inhibit_auto_advance(&self) {
        self.inhibit.fetch_add(1, Ordering::AcqRel);
    }

    /// True when the count dropped to zero.
    pub(crate) fn allow_auto_advance(&self) -> bool {
        // Before the decrement, so that whoever reads the count it leaves
        // also reads this (see `take_released`).
        self.released.store(true, Ordering::Release);
        self.inhibit.fetch_sub(1, Ordering::AcqRel) == 1
    }

    /// True (once) if an inhibition was released since the last call.
    ///
    /// The work an inhibition stands for wakes its task *before* it
    /// releases. A scheduler that looked for work, found none, and only
    /// then reaches `park_timeout` may read the count the release left
    /// (zero) without having seen the task it woke: auto-advancing then
    /// moves the clock past that task's timeouts before it runs. Call
    /// after `can_auto_advance` said yes: reading the count the release
    /// left synchronizes with it, so this reads its flag.
    pub(crate) fn take_released(&self) -> bool {
        self.released.swap(false, Ordering::AcqRel)
    }

    pub(crate) fn can_auto_advance(&self) -> bool {
        self.inhibit.load(Ordering::Acquire) == 0
    }
}

impl Drop for Clock {
    fn drop(&mut self) {
        if self.is_paused() {
            PAUSED_CLOCKS.fetch_sub(1, std::sync::atomic::Ordering::Relaxed);
        }
    }
}

pub(crate) fn saturating_ns(d: Duration) -> u64 {
    u64::try_from(d.as_nanos()).unwrap_or(NEVER)
}

/// An instant later than any deadline that can fire: 600 years from now,
/// past the 584 years [`NEVER`] stands for (or the latest instant this
/// platform can represent, if that is less).
pub(crate) fn far_future() -> Instant {
    let now = Instant::now();
    let mut years = 600u64;
    loop {
        if let Some(t) = now.checked_add(Duration::from_secs(years * 365 * 86_400)) {
            return t;
        }
        years /= 2;
        if years == 0 {
            return now;
        }
    }
}

#[cfg(all(test, loom))]
mod loom_tests {
    use super::Clock;
    use crate::loom::{Arc, thread};

    /// Two threads pause the same clock: exactly one pause goes ahead, so
    /// `frozen` is written once and the clock counted once in
    /// `PAUSED_CLOCKS`.
    ///
    /// Broken variant that fails: `pause` checking `is_paused` and then
    /// setting `paused` (both threads pass the check).
    #[test]
    fn loom_racing_pauses_one_goes_ahead() {
        crate::loom::model(|| {
            let clock = Arc::new(Clock::new());
            let other = {
                let clock = clock.clone();
                thread::spawn(move || clock.pause())
            };
            let here = clock.pause();
            let there = other.join().unwrap();
            assert!(here != there, "exactly one pause went ahead");
            assert!(clock.is_paused());
        });
    }
}
