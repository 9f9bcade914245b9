//! `wait`: asyncio's `asyncio.wait`, returning (done, pending).

use super::future_set::FutureSet;
use crate::task::{JoinError, JoinHandle};
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

/// When [`wait`] returns: asyncio's `return_when` argument.
///
/// ```
/// use runtime::task::ReturnWhen;
/// assert_ne!(ReturnWhen::FirstCompleted, ReturnWhen::AllCompleted);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ReturnWhen {
    /// As soon as any task finishes (`asyncio.FIRST_COMPLETED`).
    FirstCompleted,
    /// As soon as any task panics or is cancelled, or all finish
    /// (`asyncio.FIRST_EXCEPTION`).
    FirstException,
    /// When every task has finished (`asyncio.ALL_COMPLETED`).
    AllCompleted,
}

/// Waits for tasks until `return_when` says so, then gives the results of
/// those that finished and the handles of those still running: asyncio's
/// `done, pending = await asyncio.wait(tasks, return_when=...)`.
///
/// Both lists keep the order of the input. The pending tasks are not
/// cancelled: await them later, pass them to `wait` again, or `abort` them.
/// Every task that is finished when `wait` returns is in `done`, not only
/// the one that triggered the return. With no handles, returns two empty
/// lists at once (asyncio raises `ValueError`).
///
/// ```
/// use runtime::task::{wait, ReturnWhen};
///
/// # runtime::run(async {
/// let quick = runtime::spawn(async { 1 });
/// let stuck = runtime::spawn(std::future::pending::<i32>());
/// let (done, pending) = wait(vec![quick, stuck], ReturnWhen::FirstCompleted).await;
/// assert_eq!(done.len(), 1);
/// assert_eq!(*done[0].as_ref().unwrap(), 1);
/// assert_eq!(pending.len(), 1);
/// pending[0].abort();
/// # });
/// ```
pub fn wait<T>(handles: Vec<JoinHandle<T>>, return_when: ReturnWhen) -> Wait<T> {
    let set = FutureSet::new(handles);
    let done = (0..set.len()).map(|_| None).collect();
    Wait {
        set,
        done,
        return_when,
    }
}

/// Like [`wait`], but returns at the latest after `timeout` with what is
/// done by then: asyncio's `asyncio.wait(tasks, timeout=..., return_when=...)`.
/// The tasks still running are returned in `pending`, not cancelled.
///
/// # Panics
/// Outside a runtime (it needs the runtime's timer).
///
/// ```
/// use runtime::task::{wait_timeout, ReturnWhen};
/// use std::time::Duration;
///
/// # runtime::run(async {
/// let quick = runtime::spawn(async { "quick" });
/// let slow = runtime::spawn(async {
///     runtime::time::sleep(Duration::from_secs(3600)).await;
///     "slow"
/// });
/// let (done, pending) =
///     wait_timeout(vec![quick, slow], ReturnWhen::AllCompleted, Duration::from_millis(20)).await;
/// assert_eq!(done.len(), 1);
/// pending[0].abort();
/// # });
/// ```
#[track_caller]
pub fn wait_timeout<T>(
    handles: Vec<JoinHandle<T>>,
    return_when: ReturnWhen,
    timeout: Duration,
) -> WaitTimeout<T> {
    WaitTimeout {
        wait: wait(handles, return_when),
        deadline: crate::time::sleep(timeout),
    }
}

/// The future of [`wait_timeout`].
#[must_use = "futures do nothing unless awaited"]
pub struct WaitTimeout<T> {
    wait: Wait<T>,
    deadline: crate::time::Sleep,
}

impl<T> Future for WaitTimeout<T> {
    type Output = WaitOutput<T>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<WaitOutput<T>> {
        let this = &mut *self;
        if let Poll::Ready(out) = Pin::new(&mut this.wait).poll(cx) {
            return Poll::Ready(out);
        }
        match Pin::new(&mut this.deadline).poll(cx) {
            Poll::Ready(()) => Poll::Ready(this.wait.finish(cx)),
            Poll::Pending => Poll::Pending,
        }
    }
}

impl<T> fmt::Debug for WaitTimeout<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WaitTimeout")
            .field("wait", &self.wait)
            .finish()
    }
}

/// The future of [`wait`].
#[must_use = "futures do nothing unless awaited"]
pub struct Wait<T> {
    set: FutureSet<JoinHandle<T>>,
    done: Vec<Option<Result<T, JoinError>>>,
    return_when: ReturnWhen,
}

/// What `wait` returns: the finished results and the pending handles.
pub type WaitOutput<T> = (Vec<Result<T, JoinError>>, Vec<JoinHandle<T>>);

impl<T> Wait<T> {
    /// Splits into (done, pending), collecting every finished handle.
    fn finish(&mut self, cx: &mut Context<'_>) -> WaitOutput<T> {
        let mut pending = Vec::new();
        for (index, mut handle) in self.set.take_pending() {
            if handle.is_finished() {
                // Complete: the output is there. (The cooperative budget may
                // still say "later"; then it stays pending.)
                if let Poll::Ready(result) = Pin::new(&mut handle).poll(cx) {
                    self.done[index] = Some(result);
                    continue;
                }
            }
            pending.push(handle);
        }
        let done = std::mem::take(&mut self.done)
            .into_iter()
            .flatten()
            .collect();
        (done, pending)
    }
}

// Results are never pinned.
impl<T> Unpin for Wait<T> {}

impl<T> Future for Wait<T> {
    type Output = WaitOutput<T>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<WaitOutput<T>> {
        let this = &mut *self;
        loop {
            match this.set.poll_next(cx) {
                Poll::Ready(Some((index, result))) => {
                    let failed = result.is_err();
                    this.done[index] = Some(result);
                    let stop = match this.return_when {
                        ReturnWhen::FirstCompleted => true,
                        ReturnWhen::FirstException => failed,
                        ReturnWhen::AllCompleted => false,
                    };
                    if stop {
                        return Poll::Ready(this.finish(cx));
                    }
                }
                Poll::Ready(None) => return Poll::Ready(this.finish(cx)),
                Poll::Pending => return Poll::Pending,
            }
        }
    }
}

impl<T> fmt::Debug for Wait<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Wait")
            .field("set", &self.set)
            .field("return_when", &self.return_when)
            .finish()
    }
}
