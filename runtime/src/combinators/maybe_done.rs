//! `MaybeDone`: a future and, once it finished, its output (for `gather!`).

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

/// A future that keeps its output until taken.
///
/// Structurally pinned: the inner future is pinned when the `MaybeDone`
/// is; the output is not (it is only ever moved out whole).
#[derive(Debug)]
pub enum MaybeDone<F: Future> {
    /// Still running.
    Future(F),
    /// Finished; the output waits to be taken.
    Done(F::Output),
    /// The output was taken.
    Gone,
}

impl<F: Future> MaybeDone<F> {
    /// Wraps a future.
    pub fn new(future: F) -> MaybeDone<F> {
        MaybeDone::Future(future)
    }

    /// Takes the output, if the future finished and nobody took it yet.
    pub fn take_output(self: Pin<&mut Self>) -> Option<F::Output> {
        // SAFETY: `this` is overwritten (moved out of) only once it is known
        // to hold `Done`, which holds no future and whose output is not
        // pinned; a `Future` is left untouched where it is pinned.
        let this = unsafe { self.get_unchecked_mut() };
        if !matches!(this, MaybeDone::Done(_)) {
            return None;
        }
        let MaybeDone::Done(output) = std::mem::replace(this, MaybeDone::Gone) else {
            unreachable!("checked just above")
        };
        Some(output)
    }
}

impl<F: Future> Future for MaybeDone<F> {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        // SAFETY: the inner future is never moved out of a pinned
        // `MaybeDone`: it is polled in place and replaced (dropped in
        // place by assignment) only after it completed.
        let this = unsafe { self.get_unchecked_mut() };
        let output = match this {
            // SAFETY: structural pinning of the `Future` variant.
            MaybeDone::Future(future) => match unsafe { Pin::new_unchecked(future) }.poll(cx) {
                Poll::Ready(output) => output,
                Poll::Pending => return Poll::Pending,
            },
            _ => return Poll::Ready(()),
        };
        *this = MaybeDone::Done(output);
        Poll::Ready(())
    }
}

/// `MaybeDone` for `Result` futures: an `Err` is handed out at once.
#[derive(Debug)]
pub enum TryMaybeDone<F: Future> {
    /// Still running.
    Future(F),
    /// Finished with `Ok`; the value waits to be taken.
    Done(F::Output),
    /// The value was taken, or the future failed.
    Gone,
}

impl<F, T, E> TryMaybeDone<F>
where
    F: Future<Output = Result<T, E>>,
{
    /// Wraps a future.
    pub fn new(future: F) -> TryMaybeDone<F> {
        TryMaybeDone::Future(future)
    }

    /// Takes the `Ok` value, if there is one: `None` while the future is
    /// still running (it stays pinned where it is) and once the value was
    /// taken or the future failed.
    pub fn take_output(self: Pin<&mut Self>) -> Option<T> {
        // SAFETY: as in `MaybeDone::take_output`: the variant is checked
        // before anything is moved, and only `Done` is ever replaced
        // (replacing first would move a running, pinned future out).
        let this = unsafe { self.get_unchecked_mut() };
        if !matches!(this, TryMaybeDone::Done(_)) {
            return None;
        }
        let TryMaybeDone::Done(output) = std::mem::replace(this, TryMaybeDone::Gone) else {
            unreachable!("checked just above")
        };
        // `poll_try` never stores an `Err` (it hands it out at once).
        output.ok()
    }

    /// Polls; `Ready(Err(e))` as soon as the future fails.
    pub fn poll_try(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Result<(), E>> {
        // SAFETY: as in `MaybeDone::poll`.
        let this = unsafe { self.get_unchecked_mut() };
        let output = match this {
            // SAFETY: structural pinning of the `Future` variant.
            TryMaybeDone::Future(future) => match unsafe { Pin::new_unchecked(future) }.poll(cx) {
                Poll::Ready(output) => output,
                Poll::Pending => return Poll::Pending,
            },
            _ => return Poll::Ready(Ok(())),
        };
        match output {
            Ok(value) => {
                *this = TryMaybeDone::Done(Ok(value));
                Poll::Ready(Ok(()))
            }
            Err(err) => {
                *this = TryMaybeDone::Gone;
                Poll::Ready(Err(err))
            }
        }
    }
}
