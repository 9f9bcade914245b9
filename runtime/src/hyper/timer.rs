//! [`Timer`]: hyper's `rt::Timer` on this runtime's clock and timer wheel.

use crate::time::{Instant, Sleep};
use std::pin::Pin;
use std::time::Duration;

/// hyper's timeouts (HTTP/1 header read timeout, HTTP/2 keep-alive pings)
/// on this runtime's timer wheel: hyper's `rt::Timer`, the part
/// `loop.call_later` plays for asyncio's own protocols.
///
/// Its clock is the runtime's ([`Instant::now`]): under a paused clock
/// ([`time::pause`](crate::time::pause), `start_paused`) hyper's timeouts
/// follow the paused time, like every other sleep. Its sleeps are
/// [`time::Sleep`](crate::time::Sleep)s, and hyper's `reset` moves their
/// deadline in place (no new timer). Creating a sleep panics outside a
/// runtime, as [`time::sleep`](crate::time::sleep) does.
///
/// [`serve`](super::serve) gives it to hyper itself; a hand-built hyper
/// connection gets it with its builder's `.timer(Timer)`.
///
/// ```
/// use hyper::rt::Timer as _;
/// use runtime::hyper::Timer;
/// use runtime::time::Instant;
/// use std::time::Duration;
///
/// # #[runtime::main(flavor = "current_thread", start_paused = true)] async fn main() {
/// let start = Instant::now();
/// let mut sleep = Timer.sleep(Duration::from_secs(30));
/// // hyper moves a deadline with reset: the same timer, not a new one.
/// Timer.reset(&mut sleep, (start + Duration::from_secs(5)).into_std());
/// sleep.await;                                  // on the paused clock
/// assert_eq!(start.elapsed(), Duration::from_secs(5));
/// assert_eq!(Timer.now(), Instant::now().into_std());
/// # }
/// ```
#[derive(Clone, Copy, Debug, Default)]
pub struct Timer;

impl ::hyper::rt::Timer for Timer {
    #[track_caller]
    fn sleep(&self, duration: Duration) -> Pin<Box<dyn ::hyper::rt::Sleep>> {
        Box::pin(crate::time::sleep(duration))
    }

    #[track_caller]
    fn sleep_until(&self, deadline: std::time::Instant) -> Pin<Box<dyn ::hyper::rt::Sleep>> {
        Box::pin(crate::time::sleep_until(Instant::from_std(deadline)))
    }

    /// The runtime's clock, so that hyper's deadlines (`now() + timeout`)
    /// are on the same clock as the sleeps (paused or not).
    fn now(&self) -> std::time::Instant {
        Instant::now().into_std()
    }

    fn reset(
        &self,
        sleep: &mut Pin<Box<dyn ::hyper::rt::Sleep>>,
        new_deadline: std::time::Instant,
    ) {
        match sleep.as_mut().downcast_mut_pin::<Sleep>() {
            Some(ours) => ours.reset(Instant::from_std(new_deadline)),
            None => *sleep = self.sleep_until(new_deadline),
        }
    }
}

/// Our `Sleep` is `Send + Sync` and a `Future<Output = ()>`: hyper can hold
/// it as its own sleep, and `Timer::reset` finds it again by downcasting.
impl ::hyper::rt::Sleep for Sleep {}
