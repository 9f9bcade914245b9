//! `sleep`, `sleep_until` and the `Sleep` future.

use super::Instant;
use crate::driver::time::{EntryState, Key, NEVER, far_future};
use crate::scheduler;
use crate::scheduler::context;
use crate::task::coop;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll, ready};
use std::time::Duration;

/// Waits until `duration` has passed: asyncio's `await asyncio.sleep(delay)`.
///
/// The timer starts when `sleep` is called, not when the future is first
/// polled. It never completes early, and on an idle machine it completes
/// within a few tens of microseconds of its deadline.
/// `sleep(Duration::ZERO)` yields to the other tasks once and completes,
/// like `asyncio.sleep(0)`. A duration too long to represent (such as
/// `Duration::MAX`) never completes.
///
/// # Panics
/// If called outside a runtime (a task, `block_on`, `spawn_blocking` or
/// under `Runtime::enter`): the timer needs a runtime to fire it.
///
/// ```
/// use std::time::Duration;
///
/// # #[runtime::main(flavor = "current_thread")] async fn main() {
/// let start = std::time::Instant::now();
/// runtime::time::sleep(Duration::from_millis(10)).await; // await asyncio.sleep(0.01)
/// assert!(start.elapsed() >= Duration::from_millis(10));
/// # }
/// ```
#[track_caller]
pub fn sleep(duration: Duration) -> Sleep {
    sleep_for("sleep", duration)
}

/// `sleep`, for the public function `what`.
#[track_caller]
pub(crate) fn sleep_for(what: &str, duration: Duration) -> Sleep {
    let handle = current_handle(what);
    let time = &handle.driver().time;
    let deadline = time.now().checked_add(duration).unwrap_or_else(far_future);
    let deadline_ns = time.instant_to_ns(deadline);
    Sleep::new(
        handle,
        Instant::from_std(deadline),
        deadline_ns,
        duration.is_zero(),
    )
}

/// `sleep_until`, for the public function `what`.
#[track_caller]
pub(crate) fn sleep_until_for(what: &str, deadline: Instant) -> Sleep {
    let handle = current_handle(what);
    let time = &handle.driver().time;
    let deadline_ns = time.instant_to_ns(deadline.into_std());
    let due = deadline_ns <= time.now_ns();
    Sleep::new(handle, deadline, deadline_ns, due)
}

/// [`sleep_until`] itself: tells a due deadline by the driver's last clock
/// reading instead of reading the clock, so making a sleep for a future
/// deadline (the common case: a task spawning many timers) costs no clock
/// read. A deadline that passed since the driver last looked is registered
/// and fires at the driver's next turn, as one that passes between the
/// sleep's creation and its first poll always did.
#[track_caller]
fn sleep_until_recent(what: &str, deadline: Instant) -> Sleep {
    let handle = current_handle(what);
    let time = &handle.driver().time;
    let deadline_ns = time.instant_to_ns(deadline.into_std());
    let due = deadline_ns <= time.recent_ns();
    Sleep::new(handle, deadline, deadline_ns, due)
}

/// Waits until `deadline`: asyncio's `loop.call_at`, as a future (or
/// `asyncio.sleep(when - loop.time())`). A deadline in the past completes
/// after one yield; one that passed only since the runtime last read its
/// clock (it reads it each time it looks at its timers), at the runtime's
/// next look, which is as soon as it has nothing else to run. (Telling a
/// passed deadline by that reading spares a clock read per sleep.)
///
/// # Panics
/// If called outside a runtime.
///
/// ```
/// use runtime::time::{Instant, sleep_until};
/// use std::time::Duration;
///
/// # #[runtime::main(flavor = "current_thread")] async fn main() {
/// let deadline = Instant::now() + Duration::from_millis(10);
/// sleep_until(deadline).await;
/// assert!(Instant::now() >= deadline);
/// # }
/// ```
#[track_caller]
pub fn sleep_until(deadline: Instant) -> Sleep {
    sleep_until_recent("sleep_until", deadline)
}

#[track_caller]
pub(crate) fn current_handle(what: &str) -> scheduler::Handle {
    match context::with_current(Clone::clone) {
        Ok(handle) => handle,
        Err(missing) => panic!("runtime::time::{what}() {missing}"),
    }
}

/// The future returned by [`sleep`] and [`sleep_until`]: completes at its
/// deadline. asyncio's `asyncio.sleep(...)` coroutine, with a
/// [`reset`](Sleep::reset) that moves the deadline (asyncio's
/// `Timeout.reschedule`).
///
/// `Sleep` is `Send + Sync + Unpin`: unlike tokio's, it can be awaited
/// through `&mut` without pinning it first (the timer entry lives in the
/// runtime's wheel, not inside the future). The timer is registered at the
/// first poll and removed when the `Sleep` is dropped, so a dropped sleep
/// costs nothing afterwards.
///
/// Completing spends one unit of the task's cooperative budget.
///
/// ```
/// use runtime::time::{Instant, sleep};
/// use std::pin::Pin;
/// use std::time::Duration;
///
/// # #[runtime::main(flavor = "current_thread", start_paused = true)] async fn main() {
/// let start = Instant::now();
/// let mut timer = sleep(Duration::from_secs(10));
/// // Changed our mind: wake up after 2 s instead.
/// Pin::new(&mut timer).reset(start + Duration::from_secs(2));
/// (&mut timer).await;
/// assert_eq!(start.elapsed(), Duration::from_secs(2));
/// assert!(timer.is_elapsed());
/// # }
/// ```
#[must_use = "futures do nothing unless you `.await` or poll them"]
pub struct Sleep {
    handle: scheduler::Handle,
    deadline: Instant,
    /// `deadline` on the runtime's clock, in ns ([`NEVER`] if it is too far
    /// away to ever fire).
    deadline_ns: u64,
    state: State,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum State {
    /// Not registered with the wheel (yet, or again after a reset).
    Idle,
    /// Not registered, and already due when created or reset: the first
    /// poll yields once and the next completes, without the wheel.
    Due,
    /// Found already due at its first poll; woke its task to yield once.
    Yielded,
    Registered(Key),
    Done,
}

const _: () = {
    const fn assert_auto_traits<T: Send + Sync + Unpin>() {}
    assert_auto_traits::<Sleep>();
};

impl Sleep {
    /// `due`: the deadline had passed when the sleep was made. The first
    /// poll also skips the wheel for a deadline the driver has since seen
    /// pass (its last clock reading, a load); one that passed unseen is
    /// registered and fires at the driver's next turn, which saves a clock
    /// read per sleep.
    fn new(handle: scheduler::Handle, deadline: Instant, deadline_ns: u64, due: bool) -> Sleep {
        Sleep {
            handle,
            deadline,
            deadline_ns,
            state: if due { State::Due } else { State::Idle },
        }
    }

    /// The instant at which this sleep completes.
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread")] async fn main() {
    /// use runtime::time::{Instant, sleep_until};
    /// use std::time::Duration;
    /// let at = Instant::now() + Duration::from_secs(1);
    /// assert_eq!(sleep_until(at).deadline(), at);
    /// # }
    /// ```
    pub fn deadline(&self) -> Instant {
        self.deadline
    }

    /// True once the deadline has passed (whether or not the sleep was
    /// polled since).
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread", start_paused = true)] async fn main() {
    /// use std::time::Duration;
    /// let timer = runtime::time::sleep(Duration::from_secs(5));
    /// assert!(!timer.is_elapsed());
    /// runtime::time::advance(Duration::from_secs(5)).await;
    /// assert!(timer.is_elapsed());
    /// # }
    /// ```
    pub fn is_elapsed(&self) -> bool {
        self.state == State::Done || self.deadline_ns <= self.handle.driver().time.now_ns()
    }

    /// Moves the deadline, whether or not the sleep already completed (it
    /// then runs again): asyncio's `Timeout.reschedule(when)`.
    ///
    /// A sleep that is waiting (polled, and `Pending`) keeps the waker of
    /// its last poll, even once its timer has fired and until a poll
    /// observes that: the task is woken at the new deadline without
    /// polling the sleep in between (say it was woken by the fire and
    /// moved the deadline instead). A sleep with no waker to keep must be
    /// polled after the reset to be woken: one never polled, one that
    /// completed, one that was already due at its first poll (it woke its
    /// task at once instead of registering), and one whose deadline was
    /// too far away to ever fire when polled, or was reset to such a
    /// deadline (which releases the timer).
    ///
    /// ```
    /// # #[runtime::main(flavor = "current_thread", start_paused = true)] async fn main() {
    /// use runtime::time::{Instant, sleep};
    /// use std::time::Duration;
    /// let mut timer = Box::pin(sleep(Duration::from_secs(1)));
    /// timer.as_mut().await;
    /// let again = Instant::now() + Duration::from_secs(1);
    /// timer.as_mut().reset(again); // one more second
    /// timer.as_mut().await;
    /// assert_eq!(Instant::now(), again);
    /// # }
    /// ```
    pub fn reset(self: Pin<&mut Self>, deadline: Instant) {
        let this = self.get_mut();
        let time = &this.handle.driver().time;
        this.deadline = deadline;
        this.deadline_ns = time.instant_to_ns(deadline.into_std());
        this.state = match this.state {
            State::Registered(key) if this.deadline_ns == NEVER => {
                time.remove(key);
                State::Idle
            }
            State::Registered(key) => match time.reset(key, this.deadline_ns) {
                Some(registered) => {
                    if registered.unpark {
                        this.handle.driver().unpark();
                    }
                    State::Registered(key)
                }
                None => State::Idle,
            },
            _ if this.deadline_ns <= time.now_ns() => State::Due,
            _ => State::Idle,
        };
    }

    /// The poll, without the cooperative budget.
    fn poll_deadline(&mut self, cx: &mut Context<'_>) -> Poll<()> {
        let time = &self.handle.driver().time;
        let done = match self.state {
            State::Done | State::Yielded => true,
            // Already due (when made, or by now as far as the driver has
            // seen: a load, not a clock read): yield once, as
            // asyncio.sleep(0) does, so a loop of zero sleeps cannot starve
            // the other tasks; the wheel is not involved.
            State::Due => return self.yield_once(cx),
            State::Idle if self.deadline_ns <= time.recent_ns() => return self.yield_once(cx),
            State::Idle if self.deadline_ns == NEVER => false,
            State::Idle => {
                let registered = time.register(self.deadline_ns, cx.waker());
                self.state = State::Registered(registered.key);
                if registered.unpark {
                    self.handle.driver().unpark();
                }
                false
            }
            State::Registered(key) => match time.poll_entry(key, cx.waker()) {
                EntryState::Pending => false,
                EntryState::Fired | EntryState::Expired | EntryState::Gone => true,
            },
        };
        if done {
            self.state = State::Done;
            Poll::Ready(())
        } else {
            crate::task::waiting::set(crate::task::WaitingOn::Timer);
            Poll::Pending
        }
    }

    /// Completes at the next poll, after waking the task to yield once.
    fn yield_once(&mut self, cx: &mut Context<'_>) -> Poll<()> {
        cx.waker().wake_by_ref();
        self.state = State::Yielded;
        Poll::Pending
    }

    /// The runtime this sleep belongs to.
    pub(crate) fn handle(&self) -> &scheduler::Handle {
        &self.handle
    }

    pub(crate) fn deadline_ns(&self) -> u64 {
        self.deadline_ns
    }

    /// True while the timer is registered in the wheel (for tests).
    #[cfg(all(test, not(loom)))]
    pub(crate) fn is_registered(&self) -> bool {
        matches!(self.state, State::Registered(_))
    }
}

impl Future for Sleep {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let this = self.get_mut();
        let coop = ready!(coop::poll_proceed(cx));
        ready!(this.poll_deadline(cx));
        coop.made_progress();
        Poll::Ready(())
    }
}

impl Drop for Sleep {
    #[inline]
    fn drop(&mut self) {
        if let State::Registered(key) = self.state {
            self.handle.driver().time.remove(key);
        }
    }
}

impl fmt::Debug for Sleep {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Sleep")
            .field("deadline", &self.deadline)
            .field("state", &self.state)
            .finish_non_exhaustive()
    }
}
