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
/// # Panics
/// If called outside a runtime.
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
#[track_caller]
pub fn timeout<F: IntoFuture>(duration: Duration, future: F) -> Timeout<F::IntoFuture> {
    Timeout::new(future.into_future(), sleep_for("timeout", duration))
}

/// Like [`timeout`], with a deadline instead of a duration: asyncio's
/// `async with asyncio.timeout_at(when)`.
///
/// # Panics
/// If called outside a runtime.
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
#[track_caller]
pub fn timeout_at<F: IntoFuture>(deadline: Instant, future: F) -> Timeout<F::IntoFuture> {
    Timeout::new(
        future.into_future(),
        sleep_until_for("timeout_at", deadline),
    )
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
    sleep: Sleep,
}

impl<F> Timeout<F> {
    fn new(future: F, sleep: Sleep) -> Timeout<F> {
        Timeout { future, sleep }
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

    /// The deadline.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")] async fn main() {
    /// use runtime::time::{Instant, timeout_at};
    /// let at = Instant::now() + std::time::Duration::from_secs(1);
    /// assert_eq!(timeout_at(at, async {}).deadline(), at);
    /// # }
    /// ```
    pub fn deadline(&self) -> Instant {
        self.sleep.deadline()
    }
}

impl<F: Future> Future for Timeout<F> {
    type Output = Result<F::Output, Elapsed>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        // SAFETY: `future` is structurally pinned: it is never moved out of
        // a pinned `Timeout` (`into_inner` and `get_mut` need it unpinned),
        // and `Timeout` has no `Drop` impl that could move it. `sleep` is
        // `Unpin`, so handing out `&mut` to it is fine.
        let (future, sleep) = unsafe {
            let this = self.get_unchecked_mut();
            (Pin::new_unchecked(&mut this.future), &mut this.sleep)
        };
        let had_budget = coop::has_budget_remaining();
        if let Poll::Ready(output) = future.poll(cx) {
            return Poll::Ready(Ok(output));
        }
        // If the inner future used up the budget, the deadline must still
        // be able to fire: check it outside the budget.
        let fired = if had_budget && !coop::has_budget_remaining() {
            coop::with_unconstrained(|| Pin::new(sleep).poll(cx))
        } else {
            Pin::new(sleep).poll(cx)
        };
        fired.map(|()| Err(Elapsed(())))
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
