//! A cheap, coarse monotonic clock for bookkeeping (task ages in the task
//! dump), where `Instant::now()` would cost too much on every spawn.
//!
//! On Linux, `CLOCK_MONOTONIC_COARSE` is read from the vDSO without a
//! syscall, in about 8 ns here (27 ns for `Instant::now()`), with a
//! resolution of one scheduler tick (1–4 ms); elsewhere it is `Instant`
//! (see `crate::sys`). Good for "this task is 3.2 s old", not for timers.

use std::time::Duration;

/// Nanoseconds on the coarse monotonic clock (`crate::sys`).
#[inline]
pub(crate) fn now_nanos() -> u64 {
    crate::sys::coarse_now_nanos()
}

/// Milliseconds on the coarse clock, wrapping every 2^32 ms (49.7 days):
/// half the size of a `now_nanos` reading, for a timestamp stored in every
/// task (see `task/core.rs`). Only differences of two readings mean
/// anything, and only below the wrap.
#[inline]
pub(crate) fn now_millis_u32() -> u32 {
    // Truncation is the point: readings are compared with wrapping_sub.
    (now_nanos() / 1_000_000) as u32
}

/// Time since `then` (a `now_millis_u32` reading), correct for spans under
/// 49.7 days (beyond, it is the span modulo 2^32 ms).
pub(crate) fn since_millis_u32(then: u32) -> Duration {
    Duration::from_millis(u64::from(now_millis_u32().wrapping_sub(then)))
}

#[cfg(all(test, not(loom)))]
mod tests {
    #[test]
    fn never_goes_backwards() {
        let a = super::now_nanos();
        std::thread::sleep(std::time::Duration::from_millis(10));
        let b = super::now_nanos();
        assert!(b >= a);
        assert!(
            b - a >= 4_000_000,
            "slept 10 ms, the clock moved {} ns",
            b - a
        );
    }

    #[test]
    fn millis_spans_survive_the_wrap() {
        // What `since_millis_u32` computes for a reading taken just before
        // the counter wrapped.
        let then = u32::MAX - 5;
        assert_eq!(10u32.wrapping_sub(then), 16);
        let a = super::now_millis_u32();
        std::thread::sleep(std::time::Duration::from_millis(10));
        let age = super::since_millis_u32(a);
        assert!(age >= std::time::Duration::from_millis(4), "{age:?}");
        assert!(age < std::time::Duration::from_secs(3600), "{age:?}");
    }
}
