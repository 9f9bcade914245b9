//! `gather`: asyncio's `asyncio.gather`, for a fixed set of futures of
//! different types (the `gather!` and `try_gather!` macros) and for any
//! number of futures of one type (`task::gather`, `task::try_gather`).

use super::future_set::FutureSet;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

/// Waits for several futures at once, inside the current task, and gives
/// all their outputs as a tuple: asyncio's `await asyncio.gather(a, b, c)`.
///
/// The futures run concurrently (interleaved at their `.await` points) in
/// the task that awaits `gather!`, not as separate tasks: they may borrow
/// local variables, and they run on one worker. To run them in parallel on
/// several workers, [`spawn`](crate::spawn) them and gather the
/// `JoinHandle`s. The futures are created where `gather!` is written and
/// polled once it is awaited.
///
/// ```
/// use std::time::Duration;
///
/// async fn fetch(n: u64) -> u64 {
///     runtime::yield_now().await;
///     n * 10
/// }
///
/// # runtime::run(async {
/// let (a, b, c) = runtime::gather!(fetch(1), fetch(2), async { "three" }).await;
/// assert_eq!((a, b, c), (10, 20, "three"));
/// # });
/// ```
#[macro_export]
macro_rules! gather {
    ($($future:expr),+ $(,)?) => {
        $crate::__gather_impl!(@collect gather [] $($future,)+)
    };
}

/// Like [`gather!`], for futures that return `Result`s with one error type:
/// the first `Err` is returned at once (the other futures are dropped,
/// which cancels them: asyncio's `gather` raises the first exception).
///
/// ```
/// async fn parse(s: &str) -> Result<u32, std::num::ParseIntError> {
///     s.parse()
/// }
///
/// # runtime::run(async {
/// let ok = runtime::try_gather!(parse("1"), parse("2")).await;
/// assert_eq!(ok, Ok((1, 2)));
/// let err = runtime::try_gather!(parse("1"), parse("x")).await;
/// assert!(err.is_err());
/// # });
/// ```
#[macro_export]
macro_rules! try_gather {
    ($($future:expr),+ $(,)?) => {
        $crate::__gather_impl!(@collect try_gather [] $($future,)+)
    };
}

/// The machinery behind `gather!` and `try_gather!`. Each recursive step
/// writes a new `fut` identifier; macro hygiene keeps them all distinct, so
/// every future gets its own binding without counting.
#[doc(hidden)]
#[macro_export]
macro_rules! __gather_impl {
    (@collect $kind:ident [$($acc:tt)*] $head:expr, $($tail:expr,)*) => {
        $crate::__gather_impl!(@collect $kind [$($acc)* (fut $head)] $($tail,)*)
    };
    (@collect gather [$(($name:ident $future:expr))+]) => {{
        $( let $name = $crate::__private::MaybeDone::new($future); )+
        async move {
            $( let mut $name = ::core::pin::pin!($name); )+
            ::core::future::poll_fn(move |cx| {
                let mut done = true;
                $(
                    done &= ::core::future::Future::poll($name.as_mut(), cx).is_ready();
                )+
                if !done {
                    return ::core::task::Poll::Pending;
                }
                ::core::task::Poll::Ready(($(
                    $name.as_mut().take_output().expect("gather! output taken twice"),
                )+))
            })
            .await
        }
    }};
    (@collect try_gather [$(($name:ident $future:expr))+]) => {{
        $( let $name = $crate::__private::TryMaybeDone::new($future); )+
        async move {
            $( let mut $name = ::core::pin::pin!($name); )+
            ::core::future::poll_fn(move |cx| {
                let mut done = true;
                $(
                    match $name.as_mut().poll_try(cx) {
                        ::core::task::Poll::Ready(::core::result::Result::Ok(())) => {}
                        ::core::task::Poll::Ready(::core::result::Result::Err(err)) => {
                            return ::core::task::Poll::Ready(::core::result::Result::Err(err));
                        }
                        ::core::task::Poll::Pending => done = false,
                    }
                )+
                if !done {
                    return ::core::task::Poll::Pending;
                }
                ::core::task::Poll::Ready(::core::result::Result::Ok(($(
                    $name.as_mut().take_output().expect("try_gather! output taken twice"),
                )+)))
            })
            .await
        }
    }};
}

/// Waits for every future of an iterator and gives their outputs **in the
/// order of the input** (not the order they finished in): asyncio's
/// `await asyncio.gather(*coros)`.
///
/// The futures run concurrently inside the awaiting task; only those that
/// were woken are polled again, so gathering many is cheap. Gathering
/// `JoinHandle`s waits for spawned tasks, which run in parallel; each
/// output is then a `Result<T, JoinError>`, and a failed task does not
/// stop the others. Dropping the `Gather` drops the futures: for
/// `JoinHandle`s that *detaches* the tasks, which keep running, as tasks
/// given to asyncio's `gather` keep running after a sibling failed. To
/// cancel a set of tasks together, use [`TaskGroup`](crate::task::TaskGroup).
///
/// ```
/// # runtime::run(async {
/// let tasks: Vec<_> = (1..=5u64).map(|i| runtime::spawn(async move { i * i })).collect();
/// let squares: Vec<u64> = runtime::task::gather(tasks)
///     .await
///     .into_iter()
///     .map(Result::unwrap)
///     .collect();
/// assert_eq!(squares, [1, 4, 9, 16, 25]);
/// # });
/// ```
pub fn gather<I>(futures: I) -> Gather<I::Item>
where
    I: IntoIterator,
    I::Item: Future,
{
    let set = FutureSet::new(futures);
    let results = (0..set.len()).map(|_| None).collect();
    Gather { set, results }
}

/// The future of [`gather`].
#[must_use = "futures do nothing unless awaited"]
pub struct Gather<F: Future> {
    set: FutureSet<F>,
    results: Vec<Option<F::Output>>,
}

// Children are pinned by `FutureSet` itself; outputs are never pinned.
impl<F: Future> Unpin for Gather<F> {}

impl<F: Future> Future for Gather<F> {
    type Output = Vec<F::Output>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Vec<F::Output>> {
        let this = &mut *self;
        loop {
            match this.set.poll_next(cx) {
                Poll::Ready(Some((index, output))) => this.results[index] = Some(output),
                Poll::Ready(None) => {
                    let results = std::mem::take(&mut this.results);
                    return Poll::Ready(
                        results
                            .into_iter()
                            .map(|r| r.expect("gather polled after completion"))
                            .collect(),
                    );
                }
                Poll::Pending => return Poll::Pending,
            }
        }
    }
}

impl<F: Future> fmt::Debug for Gather<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Gather").field("set", &self.set).finish()
    }
}

/// Like [`gather`], for futures returning `Result`s: `Ok` with every value
/// in input order, or the first `Err` as soon as it happens (asyncio's
/// `gather` without `return_exceptions`). The other futures are dropped
/// then; `JoinHandle`s among them detach (the tasks keep running).
///
/// ```
/// # runtime::run(async {
/// let inputs = ["1", "2", "three"];
/// let parsed = runtime::task::try_gather(inputs.iter().map(|s| async move { s.parse::<u32>() })).await;
/// assert!(parsed.is_err());
/// # });
/// ```
pub fn try_gather<I, T, E>(futures: I) -> TryGather<I::Item, T>
where
    I: IntoIterator,
    I::Item: Future<Output = Result<T, E>>,
{
    let set = FutureSet::new(futures);
    let results = (0..set.len()).map(|_| None).collect();
    TryGather { set, results }
}

/// The future of [`try_gather`].
#[must_use = "futures do nothing unless awaited"]
pub struct TryGather<F: Future, T> {
    set: FutureSet<F>,
    results: Vec<Option<T>>,
}

// Children are pinned by `FutureSet` itself; values are never pinned.
impl<F: Future, T> Unpin for TryGather<F, T> {}

impl<F, T, E> Future for TryGather<F, T>
where
    F: Future<Output = Result<T, E>>,
{
    type Output = Result<Vec<T>, E>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        // `FutureSet` keeps its children in place wherever it moves, so
        // these futures are `Unpin`.
        let this = &mut *self;
        loop {
            match this.set.poll_next(cx) {
                Poll::Ready(Some((index, Ok(value)))) => this.results[index] = Some(value),
                Poll::Ready(Some((_, Err(err)))) => {
                    // The children left are not polled again: their wakers
                    // (which may live on) need not wake us any more.
                    this.set.release_parent();
                    return Poll::Ready(Err(err));
                }
                Poll::Ready(None) => {
                    let results = std::mem::take(&mut this.results);
                    return Poll::Ready(Ok(results
                        .into_iter()
                        .map(|r| r.expect("try_gather polled after completion"))
                        .collect()));
                }
                Poll::Pending => return Poll::Pending,
            }
        }
    }
}

impl<F: Future, T> fmt::Debug for TryGather<F, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TryGather").field("set", &self.set).finish()
    }
}
