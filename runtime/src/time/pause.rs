//! Test-time control of the clock: `pause`, `advance`, and auto-advance.

use super::sleep::current_handle;
use crate::scheduler;
use crate::scheduler::context;
use std::time::Duration;

/// Freezes the current runtime's clock, for tests: time then only moves
/// with [`advance`] and by **auto-advance**: whenever every task is idle
/// (nothing to run, no I/O ready, no `spawn_blocking` work running), the
/// clock jumps to the next timer's deadline at once. Timing-heavy tests
/// then run in microseconds, deterministically. asyncio has nothing like
/// it (its tests patch `loop.time`); `#[runtime::test(start_paused =
/// true)]` and [`Builder::start_paused`](crate::Builder::start_paused)
/// start a runtime paused.
///
/// # Panics
/// Outside a runtime, on a multi-thread runtime (auto-advance needs the one
/// thread that runs every task to know they are all idle), or if the clock
/// is already paused.
///
/// ```
/// use runtime::time::{Instant, pause, sleep};
/// use std::time::Duration;
///
/// # #[runtime::main(flavor = "current_thread")] async fn main() {
/// pause();
/// let real = std::time::Instant::now();
/// let start = Instant::now();
/// sleep(Duration::from_secs(24 * 3600)).await; // a day, auto-advanced
/// assert_eq!(start.elapsed(), Duration::from_secs(24 * 3600));
/// assert!(real.elapsed() < Duration::from_secs(60));
/// # }
/// ```
#[track_caller]
pub fn pause() {
    let handle = current_handle("pause");
    let scheduler::Handle::CurrentThread(rt) = &handle else {
        panic!(
            "runtime::time::pause() needs a current_thread runtime, but it was called on a \
             multi-thread one: auto-advance must know that every task is idle, which only the \
             single thread of a current_thread runtime can. Use \
             #[runtime::test(start_paused = true)] (current_thread by default) or \
             Builder::current_thread().start_paused(true)."
        );
    };
    if !rt.common.driver.time.pause() {
        panic!(
            "runtime::time::pause() was called, but the clock is already paused (by an earlier \
             pause() or by start_paused); call it once"
        );
    }
}

/// Moves the paused clock forward by `duration`, fires every timer that
/// became due (in deadline order), and yields so the woken tasks run
/// before this one continues. Timers due in between fire "at once": each
/// sees the new time. asyncio has nothing like it (tests there patch
/// `loop.time` or use a fake loop).
///
/// # Panics
/// When polled outside a runtime, or if the clock is not paused (see
/// [`pause`]).
///
/// ```
/// use runtime::time::{Instant, advance, sleep};
/// use std::time::Duration;
///
/// # #[runtime::main(flavor = "current_thread", start_paused = true)] async fn main() {
/// let timer = runtime::spawn(async {
///     sleep(Duration::from_secs(10)).await;
///     Instant::now()
/// });
/// runtime::yield_now().await; // let the task start its sleep
/// let start = Instant::now();
/// advance(Duration::from_secs(10)).await;
/// assert!(timer.is_finished());
/// assert_eq!(timer.await.unwrap(), start + Duration::from_secs(10));
/// # }
/// ```
pub async fn advance(duration: Duration) {
    let handle = current_handle("advance");
    let time = &handle.driver().time;
    if !time.is_paused() {
        panic!(
            "runtime::time::advance() needs a paused clock, but this runtime's clock runs in real \
             time: call runtime::time::pause() first, or start the runtime paused \
             (#[runtime::test(start_paused = true)], Builder::start_paused(true))"
        );
    }
    time.advance(duration);
    crate::yield_now().await;
}

/// Whether the calling thread's runtime has a paused clock (for
/// `Instant::now`).
pub(crate) fn paused_now() -> Option<std::time::Instant> {
    context::with_current(|h| {
        let time = &h.driver().time;
        time.is_paused().then(|| time.now())
    })
    .ok()
    .flatten()
}
