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
//!
//! The pause is one `Sleep`, which keeps one waker: not the waker of the
//! task that polled it last (that task's `accept` may be cancelled, and
//! then nobody would poll the pause again to wake the others: they would
//! wait forever), but [`Waiters`] as a waker, which wakes every task
//! waiting in the pause.

use crate::loom::Mutex;
use crate::time::Sleep;
use std::future::Future;
use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll, Wake, Waker};
use std::time::Duration;

const FIRST: Duration = Duration::from_millis(5);
const MAX: Duration = Duration::from_secs(1);

/// Per-listener backoff state.
#[derive(Default)]
pub(crate) struct AcceptBackoff {
    state: Mutex<State>,
    /// The tasks waiting for the pause to end; as a waker, what the
    /// pause's `Sleep` wakes.
    waiters: Arc<Waiters>,
}

#[derive(Default)]
struct State {
    /// The pause under way, if any.
    pause: Option<Sleep>,
    /// The next pause's length (zero: no failure since the last success).
    next: Duration,
}

/// The wakers of the tasks waiting for the pause to end, woken all at once
/// by the pause's `Sleep` (from the timer driver) or by the first task that
/// sees the pause over.
#[derive(Default)]
struct Waiters(Mutex<Vec<Waker>>);

impl Waiters {
    fn register(&self, waker: &Waker) {
        let mut waiters = self.0.lock();
        if !waiters.iter().any(|w| w.will_wake(waker)) {
            waiters.push(waker.clone());
        }
    }

    fn wake_all(&self) {
        let waiters = std::mem::take(&mut *self.0.lock());
        for waker in waiters {
            // Another task's waker (a foreign executor's may panic): its
            // panic must neither cost the waiters after it their wake-up
            // (nothing else wakes them: the pause is over) nor fail the
            // task or the timer driver running this. Contained, as in the
            // reactor's dispatch.
            crate::util::contain::wake(waker);
        }
    }
}

impl Wake for Waiters {
    fn wake(self: Arc<Self>) {
        self.wake_all();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        self.wake_all();
    }
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
        // Registered before the pause is polled, so that a pause ending in
        // between still finds this task. The pause is polled with the
        // waiters' waker, not ours: with ours it would wake only the task
        // that polled it last, and if that task's accept was cancelled the
        // other waiters would never be woken (see the module docs).
        self.waiters.register(cx.waker());
        let fanout = Waker::from(self.waiters.clone());
        if Pin::new(pause)
            .poll(&mut Context::from_waker(&fanout))
            .is_pending()
        {
            return Poll::Pending;
        }
        state.pause = None;
        drop(state);
        self.waiters.wake_all();
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
                let replaced = state.pause.replace(crate::time::sleep(pause));
                drop(state);
                if replaced.is_some() {
                    // Tasks waiting in the pause just replaced (a task that
                    // was already past it failed its own accept) would be
                    // woken by that pause's timer, which is gone with it,
                    // and the new one is not registered with the timer
                    // until it is polled: wake them to wait in the new one.
                    drop(replaced);
                    self.waiters.wake_all();
                }
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
    use crate::test_util::WakeCount;

    /// Runs `test` on a paused current_thread runtime (sleeps there move
    /// the clock at once).
    fn paused(test: impl Future<Output = ()>) {
        let rt = crate::Builder::current_thread()
            .start_paused(true)
            .build()
            .unwrap();
        rt.block_on(test);
    }

    /// An accept failed with `EMFILE`: the backoff pauses.
    fn emfile(backoff: &AcceptBackoff) {
        backoff.observe::<()>(&Err(io::Error::from_raw_os_error(libc::EMFILE)));
    }

    /// A task's accept waits in the pause.
    fn wait(backoff: &AcceptBackoff, waker: &Waker) {
        assert!(
            backoff
                .poll_ready(&mut Context::from_waker(waker))
                .is_pending()
        );
    }

    /// The pause ends with two tasks waiting in `accept`, the first with a
    /// waker that panics (a foreign executor's): the second is still woken
    /// (nothing else would wake it), and the panic does not hit the task
    /// that saw the pause end.
    #[test]
    fn a_waiter_whose_waker_panics_costs_the_others_nothing() {
        paused(async {
            let backoff = AcceptBackoff::default();
            emfile(&backoff);
            let (_, bad) = WakeCount::panicking();
            let (count, good) = WakeCount::new();
            wait(&backoff, &bad);
            wait(&backoff, &good);
            crate::time::sleep(FIRST * 2).await;
            let ended = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                backoff.poll_ready(&mut Context::from_waker(Waker::noop()))
            }));
            assert!(
                matches!(ended, Ok(Poll::Ready(()))),
                "the waker's panic reached the poller"
            );
            // Woken once: by the pause's end (the timer driver), past the
            // panicking waker; the poll that saw the pause over had nobody
            // left to wake.
            assert_eq!(count.count(), 1, "the other waiter was not woken");
        });
    }

    /// A task waits in a pause; an accept that was already past the pause
    /// fails too and starts a new pause, replacing the first. The waiting
    /// task must still be woken: the first pause's timer went with it, and
    /// the new pause, never polled, was registered with no timer.
    #[test]
    fn a_waiter_of_a_replaced_pause_is_woken() {
        paused(async {
            let backoff = AcceptBackoff::default();
            emfile(&backoff);
            let (count, waker) = WakeCount::new();
            wait(&backoff, &waker);
            // Another task's accept, started before the pause, fails.
            emfile(&backoff);
            crate::time::sleep(MAX * 2).await;
            assert!(
                count.count() >= 1,
                "the task waiting in the replaced pause was never woken"
            );
        });
    }

    /// Two tasks wait in the pause; the one that polled it last gives up
    /// (its accept is cancelled) and never polls again. The pause's end
    /// must still wake the other: it used to wake only the last poller's
    /// waker, and the other task waited forever.
    #[test]
    fn the_pause_wakes_every_waiter_when_the_last_poller_is_gone() {
        paused(async {
            let backoff = AcceptBackoff::default();
            emfile(&backoff);
            let (first, first_waker) = WakeCount::new();
            let (_last, last_waker) = WakeCount::new();
            wait(&backoff, &first_waker);
            wait(&backoff, &last_waker);
            // `last` is cancelled: nobody polls the backoff again.
            crate::time::sleep(FIRST * 2).await;
            assert_eq!(
                first.count(),
                1,
                "the pause ended and the remaining waiter was not woken"
            );
        });
    }
}
