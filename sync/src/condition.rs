//! [`Condition`]: asyncio's `Condition`, for any [`Lock`].
//!
//! # Protocol
//!
//! `wait(guard)` is a small state machine: on its first poll it links its
//! node in the condition's list *while still holding the lock*, then drops
//! the guard. A `notify` can only act on state the notifier changed under
//! the lock, so a notify meant for this waiter finds the node already
//! linked: no wake-up is lost between unlocking and sleeping. Once
//! completed by a `notify`, it re-takes the lock with an ordinary
//! [`LockFuture`] and returns the guard.
//!
//! A wait dropped after its notification but before it returned (still in
//! line, or re-taking the lock) passes one notification to the next waiter,
//! as asyncio 3.13 does: a condition variable may wake spuriously, but must
//! not swallow a `notify`.

use core::fmt;
use core::future::Future;
use core::pin::Pin;
use core::task::{Context, Poll};

use pin_project_lite::pin_project;

use crate::lock::{Lock, LockFuture, LockGuard};
use crate::loom::Mutex;
use crate::waiters::{Cancelled, WaitNode, WaiterList, complete_before};

/// Lets tasks wait, with a [`Lock`] released, until another task notifies
/// them: asyncio's `Condition`.
///
/// Unlike asyncio's, it is not bound to one lock: [`wait`](Condition::wait)
/// takes the [`LockGuard`] of any `Lock`, releases it while waiting, and
/// gives it back re-locked. Use one lock per condition, and call `notify`
/// after changing the protected state under that lock (asyncio requires the
/// lock for `notify`; here it is what makes the change visible to the
/// waiter).
///
/// # Examples
///
/// ```
/// use std::sync::Arc;
/// use runtime_sync::{Condition, Lock};
/// # futures_lite::future::block_on(async {
/// let ready = Arc::new((Lock::new(false), Condition::new()));
/// let notifier = {
///     let ready = ready.clone();
///     std::thread::spawn(move || {
///         futures_lite::future::block_on(async {
///             let (lock, cond) = &*ready;
///             *lock.lock().await = true;
///             cond.notify_all();
///         })
///     })
/// };
/// let (lock, cond) = &*ready;
/// let guard = cond.wait_for(lock.lock().await, |ready| *ready).await;
/// assert!(*guard);
/// # drop(guard);
/// # notifier.join().unwrap();
/// # });
/// ```
pub struct Condition {
    waiters: Mutex<WaiterList>,
}

impl Condition {
    /// A new condition with nobody waiting: asyncio's `Condition()`.
    ///
    /// ```
    /// let cond = runtime_sync::Condition::new();
    /// cond.notify_all(); // nobody to wake: does nothing
    /// ```
    pub fn new() -> Self {
        Self {
            waiters: Mutex::new(WaiterList::new()),
        }
    }

    /// Releases the lock held by `guard`, waits for a `notify`, re-takes
    /// the lock and returns its guard: asyncio's `await cond.wait()`.
    ///
    /// Like every condition variable it may return without the state having
    /// changed (another task ran first): check in a loop, or use
    /// [`wait_for`](Condition::wait_for).
    ///
    /// Cancel-safe: dropping the future while it waits leaves the line
    /// (the lock stays released); dropping it after it was notified passes
    /// the notification to the next waiter.
    ///
    /// ```
    /// use std::sync::Arc;
    /// use runtime_sync::{Condition, Lock};
    /// # futures_lite::future::block_on(async {
    /// let shared = Arc::new((Lock::new(Vec::new()), Condition::new()));
    /// let producer = {
    ///     let shared = shared.clone();
    ///     std::thread::spawn(move || futures_lite::future::block_on(async {
    ///         let (lock, cond) = &*shared;
    ///         lock.lock().await.push("item");
    ///         cond.notify(1);
    ///     }))
    /// };
    /// let (lock, cond) = &*shared;
    /// let mut items = lock.lock().await;
    /// while items.is_empty() {
    ///     items = cond.wait(items).await;
    /// }
    /// assert_eq!(items.pop(), Some("item"));
    /// # drop(items);
    /// # producer.join().unwrap();
    /// # });
    /// ```
    pub fn wait<'c, 'l, T>(&'c self, guard: LockGuard<'l, T>) -> ConditionWait<'c, 'l, T> {
        ConditionWait {
            cond: self,
            node: WaitNode::new(),
            state: WaitState::Start { guard },
        }
    }

    /// Waits until `predicate` holds for the locked value, and returns the
    /// guard: asyncio's `await cond.wait_for(predicate)`. The predicate is
    /// checked first, then after each notification, always under the lock.
    ///
    /// ```
    /// use std::sync::Arc;
    /// use runtime_sync::{Condition, Lock};
    /// # futures_lite::future::block_on(async {
    /// let shared = Arc::new((Lock::new(0), Condition::new()));
    /// let counter = {
    ///     let shared = shared.clone();
    ///     std::thread::spawn(move || futures_lite::future::block_on(async {
    ///         let (lock, cond) = &*shared;
    ///         for _ in 0..3 {
    ///             *lock.lock().await += 1;
    ///             cond.notify_all();
    ///         }
    ///     }))
    /// };
    /// let (lock, cond) = &*shared;
    /// let count = cond.wait_for(lock.lock().await, |n| *n == 3).await;
    /// assert_eq!(*count, 3);
    /// # drop(count);
    /// # counter.join().unwrap();
    /// # });
    /// ```
    pub async fn wait_for<'l, T, F>(
        &self,
        mut guard: LockGuard<'l, T>,
        mut predicate: F,
    ) -> LockGuard<'l, T>
    where
        F: FnMut(&T) -> bool,
    {
        while !predicate(&guard) {
            guard = self.wait(guard).await;
        }
        guard
    }

    /// Wakes up to `n` of the tasks waiting now, longest-waiting first:
    /// asyncio's `Condition.notify(n)`. A notification with nobody waiting
    /// is lost, as in asyncio.
    ///
    /// ```
    /// let cond = runtime_sync::Condition::new();
    /// cond.notify(1); // nobody waits: nothing happens
    /// ```
    pub fn notify(&self, n: usize) {
        if n == 0 {
            return;
        }
        let waiters = self.waiters.lock();
        let limit = waiters.next_ticket();
        complete_before(&self.waiters, waiters, |list| list, limit, 0, n);
    }

    /// Wakes every task waiting now: asyncio's `Condition.notify_all()`.
    ///
    /// ```
    /// let cond = runtime_sync::Condition::new();
    /// cond.notify_all();
    /// ```
    pub fn notify_all(&self) {
        self.notify(usize::MAX);
    }
}

impl Default for Condition {
    /// ```
    /// let cond: runtime_sync::Condition = Default::default();
    /// # let _ = cond;
    /// ```
    fn default() -> Self {
        Self::new()
    }
}

impl fmt::Debug for Condition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Condition").finish_non_exhaustive()
    }
}

pin_project! {
    /// The future of [`Condition::wait`]; resolves to the re-locked guard.
    /// asyncio's `cond.wait()` coroutine.
    ///
    /// ```
    /// use runtime_sync::{Condition, Lock};
    /// # futures_lite::future::block_on(async {
    /// let (lock, cond) = (Lock::new(()), Condition::new());
    /// let wait = cond.wait(lock.lock().await); // holds the lock until polled
    /// # drop(wait);
    /// # });
    /// ```
    #[must_use = "futures do nothing unless you `.await` or poll them"]
    pub struct ConditionWait<'c, 'l, T> {
        cond: &'c Condition,
        // Our place in `cond.waiters`.
        #[pin]
        node: WaitNode,
        #[pin]
        state: WaitState<'l, T>,
    }

    impl<'c, 'l, T> PinnedDrop for ConditionWait<'c, 'l, T> {
        fn drop(this: Pin<&mut Self>) {
            let this = this.project();
            match this.state.project() {
                WaitStateProj::Start { .. } | WaitStateProj::Done => {}
                WaitStateProj::Waiting { .. } => {
                    // SAFETY: `cond.waiters` is the node's one list (see
                    // `poll`).
                    let cancelled = unsafe { this.node.cancel(&this.cond.waiters, |l| l) };
                    if let Cancelled::Completed(_) = cancelled {
                        // Notified but never returned: pass the notification on.
                        this.cond.notify(1);
                    }
                }
                // Notified, dropped while re-taking the lock: pass it on too.
                // The `LockFuture` gives up (or passes on) the lock itself.
                WaitStateProj::Relocking { .. } => this.cond.notify(1),
            }
        }
    }
}

pin_project! {
    #[project = WaitStateProj]
    enum WaitState<'l, T> {
        // Not polled yet: still holding the lock.
        Start { guard: LockGuard<'l, T> },
        // Node linked in the condition's list; lock released.
        Waiting { lock: &'l Lock<T> },
        // Notified; re-taking the lock.
        Relocking {
            #[pin]
            relock: LockFuture<'l, T>,
        },
        // The guard was returned.
        Done,
    }
}

impl<'l, T> Future for ConditionWait<'_, 'l, T> {
    type Output = LockGuard<'l, T>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let mut this = self.project();
        let cond: &Condition = this.cond;
        loop {
            match this.state.as_mut().project() {
                WaitStateProj::Start { guard } => {
                    let lock = guard.lock_ref();
                    {
                        let mut waiters = cond.waiters.lock();
                        // SAFETY: this node is only ever used with
                        // `cond.waiters` (here, below, and in `drop`).
                        unsafe { this.node.as_mut().push(&mut waiters, 0, cx.waker()) };
                    }
                    // Only now release the lock (by dropping the guard).
                    this.state.set(WaitState::Waiting { lock });
                    return Poll::Pending;
                }
                WaitStateProj::Waiting { lock } => {
                    let lock: &'l Lock<T> = lock;
                    // SAFETY: as above.
                    let completion = unsafe {
                        this.node
                            .as_mut()
                            .poll_completion(&cond.waiters, |l| l, cx.waker())
                    };
                    if completion.is_pending() {
                        return Poll::Pending;
                    }
                    this.state.set(WaitState::Relocking {
                        relock: lock.lock(),
                    });
                }
                WaitStateProj::Relocking { relock } => {
                    let guard = core::task::ready!(relock.poll(cx));
                    this.state.set(WaitState::Done);
                    return Poll::Ready(guard);
                }
                WaitStateProj::Done => panic!("ConditionWait polled after it returned the guard"),
            }
        }
    }
}

impl<T> fmt::Debug for ConditionWait<'_, '_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = match self.state {
            WaitState::Start { .. } => "start",
            WaitState::Waiting { .. } => "waiting",
            WaitState::Relocking { .. } => "relocking",
            WaitState::Done => "done",
        };
        f.debug_struct("ConditionWait")
            .field("state", &state)
            .finish_non_exhaustive()
    }
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;
    use crate::test_util::{Counter, poll};

    #[test]
    fn wait_notify_relock_and_pass_on() {
        let lock = Lock::new(0);
        let cond = Condition::new();
        let (a_count, a) = Counter::new();
        let (b_count, b) = Counter::new();
        let mut wa = Box::pin(cond.wait(lock.try_lock().unwrap()));
        assert!(poll(wa.as_mut(), &a).is_pending());
        let mut wb = Box::pin(cond.wait(lock.try_lock().unwrap()));
        assert!(poll(wb.as_mut(), &b).is_pending());
        let guard = lock.try_lock().unwrap();
        cond.notify(1);
        assert_eq!(a_count.count(), 1);
        assert!(poll(wa.as_mut(), &a).is_pending()); // relocking
        drop(wa); // passes the notification to `b`
        assert_eq!(b_count.count(), 1);
        drop(guard);
        let Poll::Ready(mut g) = poll(wb.as_mut(), &b) else {
            panic!()
        };
        *g += 1;
        drop(g);
        assert!(!lock.is_locked());
    }

    #[test]
    fn wait_for_across_threads() {
        let shared = std::sync::Arc::new((Lock::new(false), Condition::new()));
        let setter = {
            let shared = shared.clone();
            std::thread::spawn(move || {
                futures_lite::future::block_on(async {
                    *shared.0.lock().await = true;
                    shared.1.notify_all();
                })
            })
        };
        let (lock, cond) = &*shared;
        let g = futures_lite::future::block_on(async {
            cond.wait_for(lock.lock().await, |v| *v).await
        });
        assert!(*g);
        drop(g);
        setter.join().unwrap();
    }
}
