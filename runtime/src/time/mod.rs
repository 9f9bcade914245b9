//! Time: sleeping, deadlines, periodic ticks, and a clock tests can pause.
//!
//! | asyncio | runtime::time |
//! |---|---|
//! | `await asyncio.sleep(delay)` | [`sleep`]`(duration).await` |
//! | `await asyncio.sleep(0)` | [`sleep`]`(Duration::ZERO).await` (or [`yield_now`](crate::yield_now)) |
//! | `loop.call_at(when, ...)` | [`sleep_until`]`(deadline).await` |
//! | `loop.call_later` re-scheduling itself | [`interval`]`(period)` / [`Interval::tick`] |
//! | `asyncio.wait_for(aw, timeout)`, `asyncio.timeout(delay)` | [`timeout`]`(duration, fut).await` |
//! | `asyncio.timeout_at(when)` | [`timeout_at`]`(deadline, fut).await` |
//! | `TimeoutError` | [`Elapsed`] |
//! | `loop.time()` | [`Instant::now`] |
//! | `Timeout.reschedule(when)` | [`Sleep::reset`] |
//! | (none; tests patch `loop.time`) | [`pause`], [`advance`], `start_paused` |
//!
//! ```
//! use runtime::time::{interval, sleep, timeout};
//! use std::time::Duration;
//!
//! # #[runtime::main(flavor = "current_thread", start_paused = true)] async fn main() {
//! sleep(Duration::from_millis(100)).await;
//!
//! let answer = timeout(Duration::from_secs(1), async { 42 }).await;
//! assert_eq!(answer, Ok(42));
//!
//! let mut ticks = interval(Duration::from_secs(1));
//! for _ in 0..3 {
//!     ticks.tick().await;
//! }
//! # }
//! ```
//!
//! # How timers work
//!
//! Each runtime has one clock and one hierarchical timing wheel, fired by
//! whichever worker owns the driver (the one that went idle first, or a
//! busy one between tasks). A parked driver sleeps until the exact
//! earliest deadline (not the next millisecond, as tokio does), so on an
//! idle machine a timer fires within tens of microseconds of its deadline,
//! and never before it. Registering, re-arming and cancelling a timer are
//! O(1); dropping a [`Sleep`] removes its timer.
//!
//! # Testing with a paused clock
//!
//! On a current_thread runtime, [`pause`] (or `start_paused = true`)
//! freezes the clock: it then moves only when [`advance`] moves it, or
//! when every task is idle, in which case it jumps straight to the next
//! deadline (auto-advance). A test that sleeps for an hour then takes
//! microseconds, and always sees the same timings.
//!
//! ```
//! #[runtime::test(start_paused = true)]
//! async fn retries_back_off() {
//!     let start = runtime::time::Instant::now();
//!     for attempt in 0..5u32 {
//!         runtime::time::sleep(std::time::Duration::from_secs(2u64.pow(attempt))).await;
//!     }
//!     assert_eq!(start.elapsed().as_secs(), 1 + 2 + 4 + 8 + 16);
//! }
//! # fn main() {}
//! ```

mod instant;
mod interval;
mod pause;
mod sleep;
mod timeout;

pub use instant::Instant;
pub use interval::{Interval, MissedTickBehavior, interval, interval_at};
pub use pause::{advance, pause};
pub use sleep::{Sleep, sleep, sleep_until};
pub use timeout::{Elapsed, Timeout, timeout, timeout_at};

/// Now, on the current runtime's clock (real time unless it is paused).
pub(crate) fn clock_now() -> std::time::Instant {
    if crate::driver::time::any_paused()
        && let Some(now) = pause::paused_now()
    {
        return now;
    }
    std::time::Instant::now()
}

#[cfg(all(test, not(loom)))]
mod tests;
