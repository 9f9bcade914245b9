//! `Signal`: every delivery of one signal, as a stream.

use super::receiver::Receiver;
use futures_core::Stream;
use std::fmt;
use std::pin::Pin;
use std::task::{Context, Poll};

/// The deliveries of one signal, from [`signal`](super::signal): what
/// asyncio's `loop.add_signal_handler(sig, callback)` calls `callback`
/// for, as a stream to loop over.
///
/// * **Nothing after creation is lost.** Every delivery that arrives after
///   the `Signal` was made is reported, whether or not a task was waiting
///   at that moment.
/// * **Deliveries coalesce.** Several deliveries between two
///   [`recv`](Self::recv)s may be reported as one (as the kernel itself
///   merges a standard signal that is already pending, and as tokio's
///   streams do): a `Some(())` means "at least one since the last".
/// * Each `Signal` sees each delivery: any number of them, for the same
///   signal, in any number of runtimes.
/// * [`recv`](Self::recv) returns `None` once the runtime the `Signal` was
///   made in has shut down (its reactor, which watches for deliveries, is
///   gone), and from then on.
///
/// It is also a [`Stream`] of `()`, so `StreamExt`'s combinators apply.
///
/// ```
/// use runtime::signal::{SignalKind, signal};
/// use runtime::stream::StreamExt;
///
/// runtime::run(async {
///     let mut usr1 = signal(SignalKind::user_defined1()).unwrap();
///     // SAFETY: raise sends SIGUSR1 to this thread; the handler installed
///     // by `signal` catches it.
///     unsafe { libc::raise(libc::SIGUSR1) };
///     assert_eq!(usr1.next().await, Some(()));       // StreamExt::next
/// });
/// ```
#[must_use = "streams do nothing unless polled"]
pub struct Signal {
    receiver: Receiver,
    /// `recv` returned `None`: the runtime is gone.
    closed: bool,
}

impl Signal {
    pub(super) fn new(receiver: Receiver) -> Signal {
        Signal {
            receiver,
            closed: false,
        }
    }

    /// Waits for the next delivery: `Some(())` (for one or more deliveries
    /// since the last `recv`), or `None` once the `Signal`'s runtime has
    /// shut down. Cancel-safe: dropping the future loses no delivery, the
    /// next `recv` reports it.
    ///
    /// asyncio's callback of `loop.add_signal_handler`, awaited:
    ///
    /// ```
    /// use runtime::signal::{SignalKind, signal};
    ///
    /// runtime::run(async {
    ///     let mut hangup = signal(SignalKind::hangup()).unwrap();
    ///     for _ in 0..3 {
    ///         // SAFETY: raise sends SIGHUP to this thread; `signal`
    ///         // installed a handler for it.
    ///         unsafe { libc::raise(libc::SIGHUP) };
    ///         hangup.recv().await.unwrap();
    ///         println!("reloading the configuration");
    ///     }
    /// });
    /// ```
    pub async fn recv(&mut self) -> Option<()> {
        std::future::poll_fn(|cx| self.poll_recv(cx)).await
    }

    /// [`recv`](Self::recv) as a poll function, for hand-written futures.
    /// On `Pending`, the task is woken by the next delivery.
    ///
    /// ```
    /// use runtime::signal::{SignalKind, signal};
    /// use std::task::Poll;
    ///
    /// runtime::run(async {
    ///     let mut usr2 = signal(SignalKind::user_defined2()).unwrap();
    ///     let first = std::future::poll_fn(|cx| Poll::Ready(usr2.poll_recv(cx))).await;
    ///     assert!(first.is_pending());                 // nothing delivered yet
    /// });
    /// ```
    pub fn poll_recv(&mut self, cx: &mut Context<'_>) -> Poll<Option<()>> {
        if self.closed {
            return Poll::Ready(None);
        }
        match self.receiver.poll_recv(cx) {
            Poll::Ready(Ok(())) => Poll::Ready(Some(())),
            Poll::Ready(Err(_)) => {
                self.closed = true;
                Poll::Ready(None)
            }
            Poll::Pending => Poll::Pending,
        }
    }
}

impl Stream for Signal {
    type Item = ();

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<()>> {
        self.get_mut().poll_recv(cx)
    }
}

impl fmt::Debug for Signal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Signal")
            .field("closed", &self.closed)
            .finish_non_exhaustive()
    }
}
