//! `race`: the first of many futures to finish; the rest are dropped.

use super::future_set::FutureSet;
use std::fmt;
use std::future::{Future, IntoFuture};
use std::pin::Pin;
use std::task::{Context, Poll};

/// Runs the futures concurrently in the current task and returns the
/// output of the first to finish, with its position in the input; **the
/// others are dropped, which cancels them** (asyncio's
/// `asyncio.wait(coros, return_when=FIRST_COMPLETED)` followed by
/// cancelling the pending ones; like [`wait`](super::wait), but over any
/// futures, not only tasks, and with the losers cancelled).
///
/// A future woken is polled; the others are not, so racing thousands of
/// futures costs only what wakes. For a fixed set of differently typed
/// futures, see [`select!`](crate::select).
///
/// # Panics
/// When awaited with no future at all (there would be no winner): check
/// for an empty input first.
///
/// ```
/// use std::time::Duration;
/// use runtime::time::sleep;
///
/// # runtime::run(async {
/// let mirrors = [30u64, 10, 20].map(|ms| async move {
///     sleep(Duration::from_millis(ms)).await;
///     ms
/// });
/// let (index, fastest) = runtime::task::race(mirrors).await;
/// assert_eq!((index, fastest), (1, 10));
/// # });
/// ```
pub fn race<I>(futures: I) -> Race<<I::Item as IntoFuture>::IntoFuture>
where
    I: IntoIterator,
    I::Item: IntoFuture,
{
    Race {
        set: Some(FutureSet::new(
            futures.into_iter().map(IntoFuture::into_future),
        )),
    }
}

/// The future of [`race`].
#[must_use = "futures do nothing unless you `.await` or poll them"]
pub struct Race<F> {
    /// `None` once the race is over (the losers are dropped then).
    set: Option<FutureSet<F>>,
}

impl<F: Future> Future for Race<F> {
    type Output = (usize, F::Output);

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let set = self.set.as_mut().expect("Race polled after it completed");
        match set.poll_next(cx) {
            Poll::Ready(Some(won)) => {
                // The losers are cancelled now, not when `Race` is dropped.
                self.set = None;
                Poll::Ready(won)
            }
            Poll::Ready(None) => {
                panic!("task::race needs at least one future; it was given none")
            }
            Poll::Pending => Poll::Pending,
        }
    }
}

impl<F> fmt::Debug for Race<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Race")
            .field("finished", &self.set.is_none())
            .finish()
    }
}
