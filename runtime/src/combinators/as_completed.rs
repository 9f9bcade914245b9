//! `as_completed`: asyncio's `asyncio.as_completed`.

use super::future_set::FutureSet;
use futures_core::Stream;
use std::fmt;
use std::future::{Future, poll_fn};
use std::pin::Pin;
use std::task::{Context, Poll};

/// The outputs of several futures as they finish, earliest first:
/// asyncio's `for coro in asyncio.as_completed(aws): result = await coro`.
///
/// Returns a [`Stream`]; read it with [`AsCompleted::next`] (or any
/// `StreamExt`). The futures run concurrently inside the task reading the
/// stream; pass `JoinHandle`s to wait for spawned tasks, which run in
/// parallel. Dropping the stream drops the futures that have not finished
/// (for `JoinHandle`s: the tasks keep running, detached).
///
/// ```
/// # runtime::run(async {
/// let fast = runtime::spawn(async { "fast" });
/// let slow = runtime::spawn(async {
///     for _ in 0..100 {
///         runtime::yield_now().await;
///     }
///     "slow"
/// });
/// let mut done = runtime::task::as_completed([slow, fast]);
/// let mut order = Vec::new();
/// while let Some(result) = done.next().await {
///     order.push(result.unwrap());
/// }
/// assert_eq!(order.len(), 2);
/// # });
/// ```
pub fn as_completed<I>(futures: I) -> AsCompleted<I::Item>
where
    I: IntoIterator,
    I::Item: Future,
{
    AsCompleted {
        set: FutureSet::new(futures),
    }
}

/// The stream of [`as_completed`].
#[must_use = "streams do nothing unless polled"]
pub struct AsCompleted<F: Future> {
    set: FutureSet<F>,
}

impl<F: Future> AsCompleted<F> {
    /// The next output to become available; `None` when all are out.
    ///
    /// ```
    /// # runtime::run(async {
    /// let mut s = runtime::task::as_completed([async { 1 }]);
    /// assert_eq!(s.next().await, Some(1));
    /// assert_eq!(s.next().await, None);
    /// # });
    /// ```
    pub async fn next(&mut self) -> Option<F::Output> {
        poll_fn(|cx| Pin::new(&mut *self).poll_next(cx)).await
    }

    /// How many futures have not finished yet.
    ///
    /// ```
    /// let s = runtime::task::as_completed([std::future::ready(1), std::future::ready(2)]);
    /// assert_eq!(s.remaining(), 2);
    /// ```
    pub fn remaining(&self) -> usize {
        self.set.pending()
    }
}

impl<F: Future> Stream for AsCompleted<F> {
    type Item = F::Output;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<F::Output>> {
        self.set
            .poll_next(cx)
            .map(|next| next.map(|(_, output)| output))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.set.pending(), Some(self.set.pending()))
    }
}

impl<F: Future> fmt::Debug for AsCompleted<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AsCompleted")
            .field("set", &self.set)
            .finish()
    }
}
