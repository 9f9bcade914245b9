//! `generate`: async generators, asyncio's `async def gen(): ... yield x`.

use crate::loom::Mutex;
use futures_core::Stream;
use std::fmt;
use std::future::{Future, poll_fn};
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Context, Poll};

/// A stream whose items are produced by an async closure: asyncio's async
/// generator (`async def numbers(): yield 1`), consumed with `async for`
/// (here `while let Some(x) = stream.next().await`).
///
/// The producer runs *inside* the consumer's `next()`: each
/// [`Yielder::yield_`] hands one item over and suspends the producer until
/// the consumer asks for the next one. That is back-pressure for free — the
/// producer never runs ahead of the consumer — and no task, channel or
/// buffer is involved. Dropping the stream drops the producer wherever it
/// is suspended (like closing a Python generator).
///
/// ```
/// use runtime::stream::{StreamExt, generate};
///
/// # runtime::run(async {
/// let countdown = generate(|mut y| async move {
///     for i in (1..=3).rev() {
///         y.yield_(i).await;
///     }
/// });
/// let items: Vec<u32> = countdown.collect().await;
/// assert_eq!(items, [3, 2, 1]);
/// # });
/// ```
pub fn generate<T, F, Fut>(producer: F) -> Generator<T, Fut>
where
    F: FnOnce(Yielder<T>) -> Fut,
    Fut: Future<Output = ()>,
{
    let slot = Arc::new(Slot {
        value: Mutex::new(None),
        in_poll: AtomicBool::new(false),
    });
    let future = producer(Yielder { slot: slot.clone() });
    Generator {
        slot,
        future: Some(Box::pin(future)),
    }
}

/// Like [`generate`], for producers that can fail: the closure returns a
/// `Result`, and an `Err` becomes the stream's last item. `?` works inside.
///
/// ```
/// use runtime::stream::{StreamExt, try_generate};
///
/// # runtime::run(async {
/// let lines = try_generate(|mut y| async move {
///     for text in ["1", "2", "x"] {
///         let n: u32 = text.parse()?;
///         y.yield_(n).await;
///     }
///     Ok(())
/// });
/// let all: Vec<Result<u32, std::num::ParseIntError>> = lines.collect().await;
/// assert_eq!(all.len(), 3);
/// assert!(all[2].is_err());
/// # });
/// ```
pub fn try_generate<T, E, F, Fut>(producer: F) -> Generator<Result<T, E>, impl Future<Output = ()>>
where
    F: FnOnce(TryYielder<T, E>) -> Fut,
    Fut: Future<Output = Result<(), E>>,
{
    generate(move |mut results: Yielder<Result<T, E>>| {
        let values = TryYielder {
            inner: Yielder {
                slot: results.slot.clone(),
            },
        };
        async move {
            if let Err(err) = producer(values).await {
                results.yield_(Err(err)).await;
            }
        }
    })
}

/// The handle a [`try_generate`] producer yields items with; each item
/// reaches the consumer as `Ok(item)`.
pub struct TryYielder<T, E> {
    inner: Yielder<Result<T, E>>,
}

impl<T, E> TryYielder<T, E> {
    /// Hands `Ok(value)` to the consumer and waits until it asks for the
    /// next item. See [`Yielder::yield_`].
    ///
    /// ```
    /// use runtime::stream::{StreamExt, try_generate};
    /// # runtime::run(async {
    /// let mut s = try_generate(|mut y| async move {
    ///     y.yield_(1).await;
    ///     Ok::<(), ()>(())
    /// });
    /// assert_eq!(s.next().await, Some(Ok(1)));
    /// # });
    /// ```
    pub async fn yield_(&mut self, value: T) {
        self.inner.yield_(Ok(value)).await;
    }
}

impl<T, E> fmt::Debug for TryYielder<T, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("TryYielder")
    }
}

/// The handle a generator's producer yields items with.
pub struct Yielder<T> {
    slot: Arc<Slot<T>>,
}

struct Slot<T> {
    value: Mutex<Option<T>>,
    /// Set while the generator polls its producer: yielding is only
    /// meaningful then.
    in_poll: AtomicBool,
}

impl<T> Yielder<T> {
    /// Hands `value` to the consumer and waits until it asks for the next
    /// item: Python's `yield value`.
    ///
    /// # Panics
    /// If awaited outside the generator's own producer future (for example
    /// after moving the `Yielder` into a spawned task): nobody would ever
    /// take the value.
    ///
    /// ```
    /// use runtime::stream::{StreamExt, generate};
    /// # runtime::run(async {
    /// let mut s = generate(|mut y| async move { y.yield_("hi").await });
    /// assert_eq!(s.next().await, Some("hi"));
    /// # });
    /// ```
    pub async fn yield_(&mut self, value: T) {
        assert!(
            self.slot.in_poll.load(Ordering::Acquire),
            "Yielder::yield_ was awaited outside its generator's producer future; \
             yield from the closure passed to runtime::stream::generate itself"
        );
        *self.slot.value.lock() = Some(value);
        let mut handed_over = false;
        poll_fn(|_| {
            if handed_over {
                Poll::Ready(())
            } else {
                // No waker is registered on purpose: the generator returns
                // the value now and polls us again on the next `next()`.
                handed_over = true;
                Poll::Pending
            }
        })
        .await
    }
}

impl<T> fmt::Debug for Yielder<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Yielder")
    }
}

/// The stream made by [`generate`]. `Unpin` (the producer is boxed), so
/// `next()` works on it directly.
#[must_use = "streams do nothing unless polled"]
pub struct Generator<T, Fut> {
    slot: Arc<Slot<T>>,
    /// `None` once the producer finished.
    future: Option<Pin<Box<Fut>>>,
}

impl<T, Fut: Future<Output = ()>> Stream for Generator<T, Fut> {
    type Item = T;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<T>> {
        let this = &mut *self;
        let Some(future) = this.future.as_mut() else {
            return Poll::Ready(None);
        };
        this.slot.in_poll.store(true, Ordering::Release);
        let polled = future.as_mut().poll(cx);
        this.slot.in_poll.store(false, Ordering::Release);
        let value = this.slot.value.lock().take();
        match (polled, value) {
            (_, Some(value)) => Poll::Ready(Some(value)),
            (Poll::Ready(()), None) => {
                this.future = None;
                Poll::Ready(None)
            }
            (Poll::Pending, None) => Poll::Pending,
        }
    }
}

impl<T, Fut> fmt::Debug for Generator<T, Fut> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Generator")
            .field("finished", &self.future.is_none())
            .finish()
    }
}
