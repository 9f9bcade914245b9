//! A cheap, coarse monotonic clock for bookkeeping (task ages in the task
//! dump), where `Instant::now()` would cost too much on every spawn.
//!
//! On Linux, `CLOCK_MONOTONIC_COARSE` is read from the vDSO without a
//! syscall, in about 8 ns here (27 ns for `Instant::now()`), with a
//! resolution of one scheduler tick (1–4 ms); elsewhere it is `Instant`
//! (see `crate::sys`). Good for "this task is 3.2 s old", not for timers.

use std::time::Duration;

/// Nanoseconds on the coarse monotonic clock (`crate::sys`).
pub(crate) fn now_nanos() -> u64 {
    crate::sys::coarse_now_nanos()
}

/// Time since `then` (a `now_nanos` reading), saturating at zero.
pub(crate) fn since(then: u64) -> Duration {
    Duration::from_nanos(now_nanos().saturating_sub(then))
}

#[cfg(all(test, not(loom)))]
mod tests {
    #[test]
    fn never_goes_backwards() {
        let a = super::now_nanos();
        std::thread::sleep(std::time::Duration::from_millis(10));
        let b = super::now_nanos();
        assert!(b >= a);
        assert!(super::since(a) >= std::time::Duration::from_millis(4));
    }
}
