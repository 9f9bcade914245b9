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
        // SAFETY: only the `Done` variant is moved out of, and the output
        // is not pinned; `Future` is never moved.
        let this = unsafe { self.get_unchecked_mut() };
        match this {
            MaybeDone::Done(_) => match std::mem::replace(this, MaybeDone::Gone) {
                MaybeDone::Done(output) => Some(output),
                _ => unreachable!(),
            },
            _ => None,
        }
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

    /// Takes the `Ok` value, if there is one.
    pub fn take_output(self: Pin<&mut Self>) -> Option<T> {
        // SAFETY: as in `MaybeDone::take_output`.
        let this = unsafe { self.get_unchecked_mut() };
        match std::mem::replace(this, TryMaybeDone::Gone) {
            TryMaybeDone::Done(Ok(value)) => Some(value),
            TryMaybeDone::Future(_) | TryMaybeDone::Done(Err(_)) | TryMaybeDone::Gone => {
                unreachable!("TryMaybeDone::take_output before completion")
            }
        }
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
