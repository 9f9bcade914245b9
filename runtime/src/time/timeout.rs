//! `timeout` and `timeout_at`: a deadline around any future.

use super::Instant;
use super::sleep::{Sleep, sleep_for, sleep_until_for};
use crate::task::coop;
use std::error::Error;
use std::fmt;
use std::future::{Future, IntoFuture};
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

/// Runs `future` with a time limit: asyncio's
/// `await asyncio.wait_for(aw, timeout)` (and `async with
/// asyncio.timeout(delay)`).
///
/// Gives `Ok(output)` if the future completes in time, `Err(Elapsed)` if
/// the deadline passes first; the future is then dropped, which cancels
/// it (asyncio cancels the task). A future that is ready at once gives
/// `Ok` even with a zero duration: it is polled before the deadline is
/// checked.
///
/// As with asyncio's `wait_for`, the time limit starts when the timeout is
/// first awaited (polled), not when `timeout` is called; more precisely,
/// when the inner future first returns `Pending`. Until then no timer
/// exists at all, so a timeout around a future that is ready at once costs
/// next to nothing.
///
/// # Panics
/// If the inner future has to wait and there is no runtime to time it
/// (polled outside a runtime).
///
/// ```
/// use runtime::time::{sleep, timeout};
/// use std::time::Duration;
///
/// # #[runtime::main(flavor = "current_thread", start_paused = true)] async fn main() {
/// let fast = timeout(Duration::from_secs(1), async { 42 }).await;
/// assert_eq!(fast, Ok(42));
///
/// let slow = timeout(Duration::from_secs(1), sleep(Duration::from_secs(60))).await;
/// assert!(slow.is_err()); // asyncio.TimeoutError
/// # }
/// ```
#[inline]
pub fn timeout<F: IntoFuture>(duration: Duration, future: F) -> Timeout<F::IntoFuture> {
    Timeout::new(future.into_future(), Limit::After(duration))
}

/// Like [`timeout`], with a deadline instead of a duration: asyncio's
/// `async with asyncio.timeout_at(when)`.
///
/// # Panics
/// If the inner future has to wait and there is no runtime to time it.
///
/// ```
/// use runtime::time::{Instant, sleep, timeout_at};
/// use std::time::Duration;
///
/// # #[runtime::main(flavor = "current_thread", start_paused = true)] async fn main() {
/// let deadline = Instant::now() + Duration::from_secs(5);
/// let first = timeout_at(deadline, sleep(Duration::from_secs(2))).await;
/// assert!(first.is_ok());
/// // The same deadline bounds the next step too.
/// let second = timeout_at(deadline, sleep(Duration::from_secs(10))).await;
/// assert!(second.is_err());
/// assert_eq!(Instant::now(), deadline);
/// # }
/// ```
#[inline]
pub fn timeout_at<F: IntoFuture>(deadline: Instant, future: F) -> Timeout<F::IntoFuture> {
    Timeout::new(future.into_future(), Limit::At(deadline))
}

/// The future returned by [`timeout`] and [`timeout_at`].
///
/// ```
/// use runtime::time::timeout;
/// use std::time::Duration;
///
/// # #[runtime::main(flavor = "current_thread")] async fn main() {
/// let guarded = timeout(Duration::from_secs(1), async { "inner" });
/// assert_eq!(guarded.await, Ok("inner"));
/// # }
/// ```
#[must_use = "futures do nothing unless you `.await` or poll them"]
#[derive(Debug)]
pub struct Timeout<F> {
    future: F,
    limit: Limit,
}

/// The time limit; its `Sleep` is created when the inner future first
/// returns `Pending`.
#[derive(Debug)]
enum Limit {
    After(Duration),
    At(Instant),
    Started(Sleep),
}

impl<F> Timeout<F> {
    fn new(future: F, limit: Limit) -> Timeout<F> {
        Timeout { future, limit }
    }

    /// The inner future.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")] async fn main() {
    /// let t = runtime::time::timeout(std::time::Duration::from_secs(1), std::future::ready(3));
    /// let _inner: &std::future::Ready<i32> = t.get_ref();
    /// # }
    /// ```
    pub fn get_ref(&self) -> &F {
        &self.future
    }

    /// The inner future, mutably.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")] async fn main() {
    /// let mut t = runtime::time::timeout(std::time::Duration::from_secs(1), std::future::ready(3));
    /// let _inner: &mut std::future::Ready<i32> = t.get_mut();
    /// # }
    /// ```
    pub fn get_mut(&mut self) -> &mut F {
        &mut self.future
    }

    /// Takes the inner future back, without its deadline.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")] async fn main() {
    /// let t = runtime::time::timeout(std::time::Duration::from_secs(1), std::future::ready(3));
    /// assert_eq!(t.into_inner().await, 3);
    /// # }
    /// ```
    pub fn into_inner(self) -> F {
        self.future
    }

    /// The deadline: for [`timeout_at`], the one given; for [`timeout`],
    /// the one its clock started (or, before the timeout started waiting,
    /// the one it would have if it started now).
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")] async fn main() {
    /// use runtime::time::{Instant, timeout_at};
    /// let at = Instant::now() + std::time::Duration::from_secs(1);
    /// assert_eq!(timeout_at(at, async {}).deadline(), at);
    /// # }
    /// ```
    pub fn deadline(&self) -> Instant {
        match self.limit {
            Limit::Started(ref sleep) => sleep.deadline(),
            Limit::At(at) => at,
            Limit::After(d) => {
                let now = Instant::now();
                now.checked_add(d)
                    .unwrap_or_else(|| Instant::from_std(crate::driver::time::far_future()))
            }
        }
    }
}

impl<F: Future> Future for Timeout<F> {
    type Output = Result<F::Output, Elapsed>;

    #[inline]
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        // SAFETY: `future` is structurally pinned: it is never moved out of
        // a pinned `Timeout` (`into_inner` and `get_mut` need it unpinned),
        // and `Timeout` has no `Drop` impl that could move it. The other
        // fields are `Unpin` and never pinned, so `&mut` to them is fine.
        let this = unsafe { self.get_unchecked_mut() };
        // SAFETY: see above; `this.future` stays where it is.
        let future = unsafe { Pin::new_unchecked(&mut this.future) };
        if let Poll::Ready(output) = future.poll(cx) {
            return Poll::Ready(Ok(output));
        }
        let sleep = match this.limit {
            Limit::Started(ref mut sleep) => sleep,
            Limit::After(d) => this.limit.start(sleep_for("timeout", d)),
            Limit::At(at) => this.limit.start(sleep_until_for("timeout_at", at)),
        };
        // If the inner future used up the task's budget, the deadline must
        // still be able to fire: check it outside the budget.
        let fired = if coop::has_budget_remaining() {
            Pin::new(sleep).poll(cx)
        } else {
            coop::with_unconstrained(|| Pin::new(sleep).poll(cx))
        };
        fired.map(|()| Err(Elapsed(())))
    }
}

impl Limit {
    fn start(&mut self, sleep: Sleep) -> &mut Sleep {
        *self = Limit::Started(sleep);
        match self {
            Limit::Started(sleep) => sleep,
            _ => unreachable!(),
        }
    }
}

/// The error of a [`timeout`] whose deadline passed: asyncio's
/// `TimeoutError`.
///
/// It converts into an `io::Error` of kind `TimedOut`, so `?` works in
/// functions that return `io::Result`.
///
/// ```
/// use runtime::time::timeout;
/// use std::time::Duration;
///
/// # #[runtime::main(flavor = "current_thread", start_paused = true)] async fn main() {
/// let err = timeout(Duration::ZERO, std::future::pending::<()>()).await.unwrap_err();
/// assert_eq!(err.to_string(), "deadline has elapsed");
/// let io: std::io::Error = err.into();
/// assert_eq!(io.kind(), std::io::ErrorKind::TimedOut);
/// # }
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Elapsed(());

impl fmt::Display for Elapsed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("deadline has elapsed")
    }
}

impl Error for Elapsed {}

impl From<Elapsed> for std::io::Error {
    fn from(elapsed: Elapsed) -> std::io::Error {
        std::io::Error::new(std::io::ErrorKind::TimedOut, elapsed)
    }
}
