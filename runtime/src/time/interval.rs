//! `interval`: a periodic timer, with a policy for ticks it missed.

use super::Instant;
use super::sleep::{Sleep, sleep_until_for};
use crate::task::coop;
use std::future::poll_fn;
use std::pin::Pin;
use std::task::{Context, Poll, ready};
use std::time::Duration;

/// A timer that ticks every `period`, the first tick at once: what asyncio
/// code writes as `while True: ...; await asyncio.sleep(period)`, or a
/// `loop.call_later` callback that re-schedules itself, without the drift.
///
/// Ticks are scheduled at `start + n * period`, so time spent between
/// ticks does not push the later ones back. When a tick comes so late that
/// the next one is already due, the [`MissedTickBehavior`] decides what
/// happens (default: [`Burst`](MissedTickBehavior::Burst)).
///
/// # Panics
/// If `period` is zero, or outside a runtime.
///
/// ```
/// use runtime::time::{Instant, interval};
/// use std::time::Duration;
///
/// # #[runtime::main(flavor = "current_thread", start_paused = true)] async fn main() {
/// let start = Instant::now();
/// let mut every_second = interval(Duration::from_secs(1));
/// for n in 0..3u32 {
///     let at = every_second.tick().await;
///     assert_eq!(at, start + Duration::from_secs(n.into()));
/// }
/// # }
/// ```
#[track_caller]
pub fn interval(period: Duration) -> Interval {
    assert!(
        period > Duration::ZERO,
        "runtime::time::interval: the period must be non-zero"
    );
    let sleep = sleep_until_for("interval", Instant::now());
    Interval::new(sleep, period)
}

/// Like [`interval`], with the first tick at `start` instead of now:
/// asyncio's `loop.call_at(start, ...)` with a callback that re-schedules
/// itself every `period`.
///
/// # Panics
/// If `period` is zero, or outside a runtime.
///
/// ```
/// use runtime::time::{Instant, interval_at};
/// use std::time::Duration;
///
/// # #[runtime::main(flavor = "current_thread", start_paused = true)] async fn main() {
/// let start = Instant::now() + Duration::from_secs(5);
/// let mut ticks = interval_at(start, Duration::from_secs(1));
/// assert_eq!(ticks.tick().await, start);
/// assert_eq!(Instant::now(), start);
/// # }
/// ```
#[track_caller]
pub fn interval_at(start: Instant, period: Duration) -> Interval {
    assert!(
        period > Duration::ZERO,
        "runtime::time::interval_at: the period must be non-zero"
    );
    Interval::new(sleep_until_for("interval_at", start), period)
}

/// What an [`Interval`] does when a tick comes late enough that the next
/// one is already due (the task was busy, or the machine suspended).
/// asyncio has no such policy: a `while True: ...; await asyncio.sleep(p)`
/// loop behaves like `Delay`, with drift.
///
/// Say the period is 10 ms, ticks were due at 0, 10, 20..., and the tick
/// due at 10 is only taken at 35:
///
/// | policy | ticks after the late one |
/// |---|---|
/// | `Burst` | 20, 30 at once (catching up), then 40, 50... |
/// | `Delay` | 45, 55, 65... (one period after the late tick) |
/// | `Skip`  | 40, 50, 60... (the schedule, minus the missed ones) |
///
/// A tick that is late by less than a period is not a missed tick: all
/// three keep the schedule.
///
/// ```
/// use runtime::time::{MissedTickBehavior, interval};
/// use std::time::Duration;
///
/// # #[runtime::main(flavor = "current_thread", start_paused = true)] async fn main() {
/// let mut heartbeat = interval(Duration::from_secs(1));
/// heartbeat.set_missed_tick_behavior(MissedTickBehavior::Skip);
/// assert_eq!(heartbeat.missed_tick_behavior(), MissedTickBehavior::Skip);
/// # }
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum MissedTickBehavior {
    /// Take the missed ticks as fast as possible, then continue on the
    /// original schedule.
    #[default]
    Burst,
    /// Restart the schedule: the next tick is one period after the late one
    /// was taken.
    Delay,
    /// Drop the missed ticks: the next tick is the next one of the original
    /// schedule that is still in the future.
    Skip,
}

impl MissedTickBehavior {
    /// The tick after `tick`, which was taken at `now`.
    fn next(self, tick: Instant, now: Instant, period: Duration) -> Instant {
        let scheduled = tick + period;
        if now < scheduled {
            return scheduled; // not a missed tick
        }
        match self {
            MissedTickBehavior::Burst => scheduled,
            MissedTickBehavior::Delay => now + period,
            MissedTickBehavior::Skip => {
                let behind = now.duration_since(tick).as_nanos();
                let period_ns = period.as_nanos();
                let periods = behind / period_ns + 1;
                let ahead = periods * period_ns - behind;
                now + Duration::from_nanos(u64::try_from(ahead).unwrap_or(u64::MAX))
            }
        }
    }
}

/// The periodic timer returned by [`interval`] and [`interval_at`]. Ticks
/// with [`tick`](Interval::tick); it is also a
/// [`Stream`](futures_core::Stream) of tick instants.
///
/// Each tick spends one unit of the task's cooperative budget, so a
/// bursting interval cannot starve the other tasks.
///
/// ```
/// use futures_core::Stream;
/// use runtime::time::interval;
/// use std::pin::Pin;
/// use std::time::Duration;
///
/// # #[runtime::main(flavor = "current_thread", start_paused = true)] async fn main() {
/// let mut ticks = interval(Duration::from_millis(100));
/// // As a stream (asyncio: `async for` over an async generator).
/// let first = std::future::poll_fn(|cx| Pin::new(&mut ticks).poll_next(cx)).await;
/// assert!(first.is_some());
/// # }
/// ```
#[derive(Debug)]
pub struct Interval {
    sleep: Sleep,
    period: Duration,
    missed: MissedTickBehavior,
}

impl Interval {
    fn new(sleep: Sleep, period: Duration) -> Interval {
        Interval {
            sleep,
            period,
            missed: MissedTickBehavior::default(),
        }
    }

    /// Waits for the next tick and returns the instant it was scheduled
    /// for.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread", start_paused = true)] async fn main() {
    /// use runtime::time::{Instant, interval};
    /// use std::time::Duration;
    /// let mut ticks = interval(Duration::from_secs(1));
    /// let first = ticks.tick().await; // at once
    /// let second = ticks.tick().await; // one second later
    /// assert_eq!(second - first, Duration::from_secs(1));
    /// # }
    /// ```
    pub async fn tick(&mut self) -> Instant {
        poll_fn(|cx| self.poll_tick(cx)).await
    }

    /// Polls for the next tick (the building block of [`tick`](Self::tick)
    /// and of the `Stream` implementation).
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread", start_paused = true)] async fn main() {
    /// use runtime::time::interval;
    /// use std::time::Duration;
    /// let mut ticks = interval(Duration::from_secs(1));
    /// let at = std::future::poll_fn(|cx| ticks.poll_tick(cx)).await;
    /// assert!(at <= runtime::time::Instant::now());
    /// # }
    /// ```
    pub fn poll_tick(&mut self, cx: &mut Context<'_>) -> Poll<Instant> {
        let due = self.sleep.deadline_ns() <= self.sleep.handle().driver().time.now_ns();
        if due {
            // Due already (the first tick, or a burst): no yield, but the
            // budget still bounds a burst.
            let coop = ready!(coop::poll_proceed(cx));
            coop.made_progress();
        } else {
            ready!(Pin::new(&mut self.sleep).poll(cx));
        }
        let tick = self.sleep.deadline();
        let now = Instant::from_std(self.sleep.handle().driver().time.now());
        let next = self.missed.next(tick, now, self.period);
        Pin::new(&mut self.sleep).reset(next);
        Poll::Ready(tick)
    }

    /// Restarts the schedule: the next tick is one period from now.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread", start_paused = true)] async fn main() {
    /// use runtime::time::{Instant, interval};
    /// use std::time::Duration;
    /// let mut ticks = interval(Duration::from_secs(1));
    /// ticks.tick().await;
    /// runtime::time::sleep(Duration::from_millis(300)).await;
    /// ticks.reset();
    /// let now = Instant::now();
    /// assert_eq!(ticks.tick().await, now + Duration::from_secs(1));
    /// # }
    /// ```
    pub fn reset(&mut self) {
        let now = Instant::from_std(self.sleep.handle().driver().time.now());
        Pin::new(&mut self.sleep).reset(now + self.period);
    }

    /// The policy for missed ticks.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")] async fn main() {
    /// use runtime::time::{MissedTickBehavior, interval};
    /// let ticks = interval(std::time::Duration::from_secs(1));
    /// assert_eq!(ticks.missed_tick_behavior(), MissedTickBehavior::Burst);
    /// # }
    /// ```
    pub fn missed_tick_behavior(&self) -> MissedTickBehavior {
        self.missed
    }

    /// Sets the policy for missed ticks.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")] async fn main() {
    /// use runtime::time::{MissedTickBehavior, interval};
    /// let mut ticks = interval(std::time::Duration::from_secs(1));
    /// ticks.set_missed_tick_behavior(MissedTickBehavior::Delay);
    /// # }
    /// ```
    pub fn set_missed_tick_behavior(&mut self, behavior: MissedTickBehavior) {
        self.missed = behavior;
    }

    /// The period.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")] async fn main() {
    /// use std::time::Duration;
    /// let ticks = runtime::time::interval(Duration::from_secs(3));
    /// assert_eq!(ticks.period(), Duration::from_secs(3));
    /// # }
    /// ```
    pub fn period(&self) -> Duration {
        self.period
    }
}

impl futures_core::Stream for Interval {
    type Item = Instant;

    /// Never ends: every item is a tick.
    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Instant>> {
        self.get_mut().poll_tick(cx).map(Some)
    }
}
