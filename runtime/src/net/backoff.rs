//! Accept backoff: what keeps an accept loop from spinning when the process
//! is out of file descriptors.
//!
//! When `accept` fails with EMFILE, ENFILE, ENOBUFS or ENOMEM, the pending
//! connection stays queued in the kernel and the listener stays readable, so
//! a server loop that logs the error and calls `accept` again would retry at
//! once, forever, at 100% CPU. So after such an error, the listener's next
//! accept first sleeps: 5 ms, doubling with each consecutive failure up to
//! 1 s, and back to nothing after a success. Every task waiting in `accept`
//! on that listener is woken when the pause ends.

use crate::loom::Mutex;
use crate::time::Sleep;
use std::future::Future;
use std::io;
use std::pin::Pin;
use std::task::{Context, Poll, Waker};
use std::time::Duration;

const FIRST: Duration = Duration::from_millis(5);
const MAX: Duration = Duration::from_secs(1);

/// Per-listener backoff state.
#[derive(Default)]
pub(crate) struct AcceptBackoff {
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    /// The pause under way, if any.
    pause: Option<Sleep>,
    /// Other tasks waiting for the pause to end.
    waiters: Vec<Waker>,
    /// The next pause's length (zero: no failure since the last success).
    next: Duration,
}

/// Errors that mean "out of a resource, try again later", not "this
/// connection failed".
fn is_exhaustion(err: &io::Error) -> bool {
    matches!(
        err.raw_os_error(),
        Some(libc::EMFILE | libc::ENFILE | libc::ENOBUFS | libc::ENOMEM)
    )
}

impl AcceptBackoff {
    /// Ready to try `accept`: no pause, or the pause ended.
    pub(crate) fn poll_ready(&self, cx: &mut Context<'_>) -> Poll<()> {
        let mut state = self.state.lock();
        let Some(pause) = state.pause.as_mut() else {
            return Poll::Ready(());
        };
        if Pin::new(pause).poll(cx).is_pending() {
            if !state.waiters.iter().any(|w| w.will_wake(cx.waker())) {
                state.waiters.push(cx.waker().clone());
            }
            return Poll::Pending;
        }
        state.pause = None;
        let waiters = std::mem::take(&mut state.waiters);
        drop(state);
        for waker in waiters {
            // Another task's waker (a foreign executor's may panic): its
            // panic must neither cost the waiters after it their wake-up
            // (nothing else wakes them: the pause is over) nor fail this
            // task's accept. Contained, as in the reactor's dispatch.
            crate::util::contain::wake(waker);
        }
        Poll::Ready(())
    }

    /// Looks at an accept's outcome: a resource-exhaustion error starts the
    /// next pause; a success ends the backoff.
    pub(crate) fn observe<T>(&self, result: &io::Result<T>) {
        match result {
            Ok(_) => {
                let mut state = self.state.lock();
                if !state.next.is_zero() {
                    state.next = Duration::ZERO;
                }
            }
            Err(err) if is_exhaustion(err) => {
                let mut state = self.state.lock();
                let pause = if state.next.is_zero() {
                    FIRST
                } else {
                    state.next
                };
                state.next = (pause * 2).min(MAX);
                state.pause = Some(crate::time::sleep(pause));
            }
            Err(_) => {}
        }
    }
}

impl std::fmt::Debug for AcceptBackoff {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let state = self.state.lock();
        f.debug_struct("AcceptBackoff")
            .field("paused", &state.pause.is_some())
            .field("next", &state.next)
            .finish()
    }
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::task::Wake;

    struct Count(AtomicUsize);
    impl Wake for Count {
        fn wake(self: Arc<Self>) {
            self.0.fetch_add(1, Ordering::SeqCst);
        }
    }

    struct Panics;
    impl Wake for Panics {
        fn wake(self: Arc<Self>) {
            panic!("deliberate: an accept waiter's waker that panics (backoff test)");
        }
    }

    /// The pause ends with two tasks waiting in `accept`, the first with a
    /// waker that panics (a foreign executor's): the second is still woken
    /// (nothing else would wake it), and the panic does not hit the task
    /// that saw the pause end.
    #[test]
    fn a_waiter_whose_waker_panics_costs_the_others_nothing() {
        let rt = crate::Builder::current_thread()
            .start_paused(true)
            .build()
            .unwrap();
        rt.block_on(async {
            let backoff = AcceptBackoff::default();
            backoff.observe::<()>(&Err(io::Error::from_raw_os_error(libc::EMFILE)));
            let bad = Waker::from(Arc::new(Panics));
            let count = Arc::new(Count(AtomicUsize::new(0)));
            let good = Waker::from(count.clone());
            assert!(
                backoff
                    .poll_ready(&mut Context::from_waker(&bad))
                    .is_pending()
            );
            assert!(
                backoff
                    .poll_ready(&mut Context::from_waker(&good))
                    .is_pending()
            );
            crate::time::sleep(FIRST * 2).await;
            let before = count.0.load(Ordering::SeqCst);
            let ended = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                backoff.poll_ready(&mut Context::from_waker(Waker::noop()))
            }));
            assert!(
                matches!(ended, Ok(Poll::Ready(()))),
                "the waker's panic reached the poller"
            );
            assert_eq!(
                count.0.load(Ordering::SeqCst),
                before + 1,
                "the other waiter was not woken"
            );
        });
    }
}
