//! `Instant`: a point in time on the runtime's clock.

use std::fmt;
use std::ops::{Add, AddAssign, Sub, SubAssign};
use std::time::Duration;

/// A point in time, as measured by the runtime's clock: asyncio's
/// `loop.time()`, as a type.
///
/// It is a `std::time::Instant` that follows the runtime's *paused* clock:
/// inside a runtime whose clock is paused ([`pause`](super::pause), or
/// `start_paused`), [`Instant::now`] returns the paused time, which only
/// moves with [`advance`](super::advance) and auto-advance. Elsewhere it is
/// `std::time::Instant::now()`. Convert freely with
/// [`from_std`](Instant::from_std) / [`into_std`](Instant::into_std).
///
/// ```
/// use runtime::time::Instant;
/// use std::time::Duration;
///
/// # #[runtime::main(flavor = "current_thread")] async fn main() {
/// let start = Instant::now();                     // loop.time()
/// runtime::time::sleep(Duration::from_millis(5)).await;
/// assert!(start.elapsed() >= Duration::from_millis(5));
/// assert!(Instant::now() >= start + Duration::from_millis(5));
/// # }
/// ```
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Instant {
    std: std::time::Instant,
}

impl Instant {
    /// Now, on the current runtime's clock (paused or not); real time
    /// outside a runtime. asyncio's `loop.time()`.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread", start_paused = true)] async fn main() {
    /// use runtime::time::Instant;
    /// use std::time::Duration;
    /// let before = Instant::now();
    /// runtime::time::advance(Duration::from_secs(60)).await; // paused clock
    /// assert_eq!(Instant::now() - before, Duration::from_secs(60));
    /// # }
    /// ```
    pub fn now() -> Instant {
        Instant::from_std(crate::time::clock_now())
    }

    /// Wraps a `std::time::Instant`.
    ///
    /// ```
    /// let std_now = std::time::Instant::now();
    /// let now = runtime::time::Instant::from_std(std_now);
    /// assert_eq!(now.into_std(), std_now);
    /// ```
    pub fn from_std(std: std::time::Instant) -> Instant {
        Instant { std }
    }

    /// The `std::time::Instant` inside.
    ///
    /// ```
    /// let now = runtime::time::Instant::now();
    /// let std: std::time::Instant = now.into_std();
    /// assert_eq!(runtime::time::Instant::from_std(std), now);
    /// ```
    pub fn into_std(self) -> std::time::Instant {
        self.std
    }

    /// Time from `earlier` to `self`; zero if `earlier` is later (asyncio:
    /// the difference of two `loop.time()` readings).
    ///
    /// ```
    /// use runtime::time::Instant;
    /// use std::time::Duration;
    /// let a = Instant::now();
    /// let b = a + Duration::from_secs(2);
    /// assert_eq!(b.duration_since(a), Duration::from_secs(2));
    /// assert_eq!(a.duration_since(b), Duration::ZERO);
    /// ```
    pub fn duration_since(&self, earlier: Instant) -> Duration {
        self.std.saturating_duration_since(earlier.std)
    }

    /// Time from `earlier` to `self`, or `None` if `earlier` is later.
    ///
    /// ```
    /// use runtime::time::Instant;
    /// use std::time::Duration;
    /// let a = Instant::now();
    /// let b = a + Duration::from_secs(2);
    /// assert_eq!(b.checked_duration_since(a), Some(Duration::from_secs(2)));
    /// assert_eq!(a.checked_duration_since(b), None);
    /// ```
    pub fn checked_duration_since(&self, earlier: Instant) -> Option<Duration> {
        self.std.checked_duration_since(earlier.std)
    }

    /// Time from `earlier` to `self`; zero if `earlier` is later.
    ///
    /// ```
    /// use runtime::time::Instant;
    /// let a = Instant::now();
    /// assert_eq!(a.saturating_duration_since(a), std::time::Duration::ZERO);
    /// ```
    pub fn saturating_duration_since(&self, earlier: Instant) -> Duration {
        self.std.saturating_duration_since(earlier.std)
    }

    /// Time since `self`, on the runtime's clock.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread", start_paused = true)] async fn main() {
    /// use runtime::time::Instant;
    /// use std::time::Duration;
    /// let start = Instant::now();
    /// runtime::time::sleep(Duration::from_secs(3600)).await; // no real waiting
    /// assert_eq!(start.elapsed(), Duration::from_secs(3600));
    /// # }
    /// ```
    pub fn elapsed(&self) -> Duration {
        Instant::now().duration_since(*self)
    }

    /// `self + duration`, or `None` on overflow.
    ///
    /// ```
    /// use runtime::time::Instant;
    /// use std::time::Duration;
    /// let now = Instant::now();
    /// assert!(now.checked_add(Duration::from_secs(1)).is_some());
    /// assert!(now.checked_add(Duration::MAX).is_none());
    /// ```
    pub fn checked_add(&self, duration: Duration) -> Option<Instant> {
        self.std.checked_add(duration).map(Instant::from_std)
    }

    /// `self - duration`, or `None` on underflow.
    ///
    /// ```
    /// use runtime::time::Instant;
    /// use std::time::Duration;
    /// let now = Instant::now();
    /// assert!(now.checked_sub(Duration::MAX).is_none());
    /// ```
    pub fn checked_sub(&self, duration: Duration) -> Option<Instant> {
        self.std.checked_sub(duration).map(Instant::from_std)
    }
}

impl From<std::time::Instant> for Instant {
    fn from(std: std::time::Instant) -> Instant {
        Instant::from_std(std)
    }
}

impl From<Instant> for std::time::Instant {
    fn from(instant: Instant) -> std::time::Instant {
        instant.into_std()
    }
}

impl Add<Duration> for Instant {
    type Output = Instant;

    /// # Panics
    /// On overflow; see [`Instant::checked_add`].
    fn add(self, rhs: Duration) -> Instant {
        Instant::from_std(self.std + rhs)
    }
}

impl AddAssign<Duration> for Instant {
    fn add_assign(&mut self, rhs: Duration) {
        *self = *self + rhs;
    }
}

impl Sub<Duration> for Instant {
    type Output = Instant;

    fn sub(self, rhs: Duration) -> Instant {
        Instant::from_std(self.std - rhs)
    }
}

impl SubAssign<Duration> for Instant {
    fn sub_assign(&mut self, rhs: Duration) {
        *self = *self - rhs;
    }
}

impl Sub<Instant> for Instant {
    type Output = Duration;

    /// Saturates at zero, like [`Instant::duration_since`].
    fn sub(self, rhs: Instant) -> Duration {
        self.duration_since(rhs)
    }
}

impl fmt::Debug for Instant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.std.fmt(f)
    }
}
