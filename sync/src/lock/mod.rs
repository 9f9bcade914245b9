//! [`Lock`]: asyncio's `Lock`, holding the data it protects.
//!
//! # Protocol
//!
//! A `Lock` is a semaphore with one permit: it is built on the semaphore's
//! permit counter ([`Core`]), whose hand-off gives exactly asyncio's
//! semantics, and adds only the protected value.
//!
//! * Holding the lock is holding the permit: `is_locked` is "no permit
//!   available".
//! * Uncontended `lock`/`try_lock` is one CAS "1 available, nobody queued"
//!   → "0 available"; uncontended unlock is the reverse CAS. No mutex is
//!   touched. (These two are [`Core::try_acquire_one`] and
//!   [`Core::release_one`], the one-permit cases of the general operations.)
//! * A `lock` that finds the lock taken first spins for a bounded, adaptive
//!   while, as long as nobody is queued and the holder was not just handed
//!   the lock (`spin.rs`): most critical sections are nanoseconds long, on
//!   another worker, and a hand-off costs a task switch. A spinner takes the
//!   lock only when nobody is queued, like the uncontended path, so it
//!   overtakes no waiter.
//! * Then it queues on the counter's waiter list (setting its `QUEUED` bit,
//!   which keeps newcomers out).
//! * An unlock that finds `QUEUED` *hands the permit over* to the head
//!   waiter: it stays taken, and the head is completed and woken. A
//!   newcomer sees no permit and queues behind, so the lock is FIFO-fair
//!   exactly like asyncio's (whose `acquire` does not barge past a woken
//!   waiter either).
//! * A waiter dropped while queued unlinks itself (clearing `QUEUED` if it
//!   was the last); one dropped after it was handed the lock owns it, so it
//!   unlocks, which hands the lock to the next waiter.

mod owned;
mod spin;

use core::fmt;
use core::future::Future;
use core::marker::PhantomData;
use core::ops::{Deref, DerefMut};
use core::pin::Pin;
use core::task::{Context, Poll};
use std::sync::Arc;

use pin_project_lite::pin_project;

pub use self::owned::{OwnedLockFuture, OwnedLockGuard};
use self::spin::Spin;
use crate::loom::UnsafeCell;
use crate::semaphore::Core;
use crate::waiters::WaitNode;

/// An async mutual-exclusion lock around a value: asyncio's `Lock`.
///
/// `lock().await` waits until the lock is free and returns a [`LockGuard`]
/// that derefs to the value and unlocks when dropped (asyncio's
/// `async with lock:`). Waiters get the lock in the order they asked for it,
/// and a newcomer never overtakes a waiter.
///
/// The lock is not tied to any executor: it only uses the task's `Waker`.
/// Share it between tasks with an `Arc`.
///
/// # Examples
///
/// ```
/// use std::sync::Arc;
/// use runtime_sync::Lock;
/// # futures_lite::future::block_on(async {
/// let lock = Arc::new(Lock::new(0));
/// {
///     let mut guard = lock.lock().await;
///     *guard += 1;
/// } // unlocked here
/// assert_eq!(*lock.lock().await, 1);
/// # });
/// ```
pub struct Lock<T> {
    /// A permit counter with one permit, and the futures waiting for it in
    /// arrival order; see the module docs.
    core: Core,
    /// How long a `lock` may spin before it queues (`spin.rs`).
    spin: Spin,
    /// The protected value: accessed only by the holder of the lock.
    value: UnsafeCell<T>,
}

// SAFETY: the lock hands the value out to one holder at a time, possibly on
// another thread, so `T: Send` is needed and enough (as for `std::Mutex`).
unsafe impl<T: Send> Send for Lock<T> {}
// SAFETY: as above: `&Lock<T>` only gives exclusive, serialized access.
unsafe impl<T: Send> Sync for Lock<T> {}

impl<T> Lock<T> {
    /// A new, unlocked lock around `value`: asyncio's `Lock()`.
    ///
    /// ```
    /// let lock = runtime_sync::Lock::new(vec![1, 2]);
    /// assert!(!lock.is_locked());
    /// ```
    pub fn new(value: T) -> Self {
        Self {
            core: Core::new(1),
            spin: Spin::new(),
            value: UnsafeCell::new(value),
        }
    }

    /// Waits for the lock and returns a guard: asyncio's
    /// `await lock.acquire()` / `async with lock:`.
    ///
    /// Fair: waiters get the lock in the order they started waiting.
    /// Cancel-safe: dropping the future gives up the place in line, and if
    /// the lock had already been handed to it, hands it on to the next one.
    ///
    /// ```
    /// use runtime_sync::Lock;
    /// # futures_lite::future::block_on(async {
    /// let lock = Lock::new(String::new());
    /// lock.lock().await.push_str("hello");
    /// assert_eq!(*lock.lock().await, "hello");
    /// # });
    /// ```
    pub fn lock(&self) -> LockFuture<'_, T> {
        LockFuture {
            lock: self,
            node: WaitNode::new(),
        }
    }

    /// Takes the lock if it is free and nobody waits for it: the
    /// non-blocking half of asyncio's `acquire`.
    ///
    /// ```
    /// let lock = runtime_sync::Lock::new(1);
    /// let guard = lock.try_lock().unwrap();
    /// assert!(lock.try_lock().is_none());
    /// drop(guard);
    /// assert!(lock.try_lock().is_some());
    /// ```
    pub fn try_lock(&self) -> Option<LockGuard<'_, T>> {
        self.try_lock_fast().then(|| LockGuard::new(self))
    }

    /// [`Lock::lock`] for an `Arc<Lock>`: the guard keeps the lock alive,
    /// so it can move into another task or thread (asyncio's
    /// `await lock.acquire()` released from another task).
    ///
    /// ```
    /// use std::sync::Arc;
    /// use runtime_sync::Lock;
    /// # futures_lite::future::block_on(async {
    /// let lock = Arc::new(Lock::new(0));
    /// let mut guard = lock.clone().lock_owned().await;
    /// std::thread::spawn(move || *guard += 1).join().unwrap();
    /// assert_eq!(*lock.lock().await, 1);
    /// # });
    /// ```
    pub fn lock_owned(self: Arc<Self>) -> OwnedLockFuture<T> {
        OwnedLockFuture::new(self)
    }

    /// [`Lock::try_lock`] for an `Arc<Lock>`: the non-blocking half of
    /// asyncio's `acquire`.
    ///
    /// ```
    /// use std::sync::Arc;
    /// let lock = Arc::new(runtime_sync::Lock::new(()));
    /// let guard = lock.clone().try_lock_owned().unwrap();
    /// assert!(lock.clone().try_lock_owned().is_none());
    /// # drop(guard);
    /// ```
    pub fn try_lock_owned(self: Arc<Self>) -> Option<OwnedLockGuard<T>> {
        self.try_lock_fast().then(|| OwnedLockGuard::new(self))
    }

    /// Whether the lock is held: asyncio's `Lock.locked()`.
    ///
    /// ```
    /// let lock = runtime_sync::Lock::new(());
    /// let guard = lock.try_lock();
    /// assert!(lock.is_locked());
    /// drop(guard);
    /// assert!(!lock.is_locked());
    /// ```
    pub fn is_locked(&self) -> bool {
        self.core.available() == 0
    }

    /// The value, through exclusive access: no locking needed. (asyncio's
    /// lock holds no value; this is the Rust side of the same idea.)
    ///
    /// ```
    /// let mut lock = runtime_sync::Lock::new(1);
    /// *lock.get_mut() += 1;
    /// assert_eq!(lock.into_inner(), 2);
    /// ```
    pub fn get_mut(&mut self) -> &mut T {
        self.value.get_mut()
    }

    /// Consumes the lock and returns the value (no asyncio twin: asyncio's
    /// lock holds no value).
    ///
    /// ```
    /// let lock = runtime_sync::Lock::new("data");
    /// assert_eq!(lock.into_inner(), "data");
    /// ```
    pub fn into_inner(self) -> T {
        self.value.into_inner()
    }

    #[inline]
    fn try_lock_fast(&self) -> bool {
        self.core.try_acquire_one()
    }

    /// Releases the lock, handing it to the head waiter if there is one.
    #[inline]
    fn unlock(&self) {
        self.core.release_one();
    }

    /// Polls a lock future whose wait node is `node`.
    #[inline]
    fn poll_lock(&self, node: Pin<&mut WaitNode>, cx: &mut Context<'_>) -> Poll<()> {
        // The uncontended case in one CAS; the rest is a semaphore acquire.
        if !node.is_queued() {
            if self.try_lock_fast() || self.spin.lock(&self.core) {
                return Poll::Ready(());
            }
            return self.core.poll_acquire(node, 1, cx);
        }
        let poll = self.core.poll_acquire(node, 1, cx);
        if poll.is_ready() {
            // We were handed the lock and run now: spinning for us is
            // worth it again.
            self.core.clear_handed();
        }
        poll
    }

    /// The `Drop` of a lock future: leaves the line, or passes on the lock
    /// if it was already handed over.
    #[inline]
    fn cancel_lock(&self, node: Pin<&mut WaitNode>) {
        self.core.cancel_acquire(node, 1);
    }

    /// A pointer to the value, for a guard.
    fn value_ptr(&self) -> *mut T {
        self.value.with_mut(|ptr| ptr)
    }
}

impl<T: Default> Default for Lock<T> {
    /// ```
    /// let lock: runtime_sync::Lock<u32> = Default::default();
    /// assert_eq!(lock.into_inner(), 0);
    /// ```
    fn default() -> Self {
        Self::new(T::default())
    }
}

impl<T> From<T> for Lock<T> {
    /// ```
    /// let lock = runtime_sync::Lock::from(5);
    /// assert_eq!(lock.into_inner(), 5);
    /// ```
    fn from(value: T) -> Self {
        Self::new(value)
    }
}

impl<T: fmt::Debug> fmt::Debug for Lock<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_struct("Lock");
        match self.try_lock() {
            Some(guard) => d.field("value", &&*guard),
            None => d.field("value", &format_args!("<locked>")),
        };
        d.finish()
    }
}

pin_project! {
    /// The future of [`Lock::lock`]; resolves to a [`LockGuard`]. asyncio's
    /// `lock.acquire()` coroutine.
    ///
    /// Dropping it before it resolves gives up its place in line (and passes
    /// the lock on if it had already been handed to it).
    ///
    /// ```
    /// use runtime_sync::Lock;
    /// # futures_lite::future::block_on(async {
    /// let lock = Lock::new(0);
    /// let future = lock.lock(); // nothing happens until polled
    /// *future.await += 1;
    /// # });
    /// ```
    #[must_use = "futures do nothing unless you `.await` or poll them"]
    pub struct LockFuture<'a, T> {
        lock: &'a Lock<T>,
        // Our place in line.
        #[pin]
        node: WaitNode,
    }

    impl<'a, T> PinnedDrop for LockFuture<'a, T> {
        fn drop(this: Pin<&mut Self>) {
            let this = this.project();
            this.lock.cancel_lock(this.node);
        }
    }
}

impl<'a, T> Future for LockFuture<'a, T> {
    type Output = LockGuard<'a, T>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.project();
        let lock: &'a Lock<T> = this.lock;
        lock.poll_lock(this.node, cx).map(|()| LockGuard::new(lock))
    }
}

impl<T> fmt::Debug for LockFuture<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LockFuture")
            .field("queued", &self.node.is_queued())
            .finish_non_exhaustive()
    }
}

/// Holds a [`Lock`]: derefs to the value, unlocks when dropped (the end of
/// asyncio's `async with lock:` block, or `lock.release()`).
///
/// ```
/// use runtime_sync::Lock;
/// # futures_lite::future::block_on(async {
/// let lock = Lock::new(vec![]);
/// let mut guard = lock.lock().await;
/// guard.push(1);
/// drop(guard); // asyncio's lock.release()
/// assert!(!lock.is_locked());
/// # });
/// ```
#[must_use = "the lock is released as soon as the guard is dropped"]
pub struct LockGuard<'a, T> {
    lock: &'a Lock<T>,
    /// `Send`/`Sync` like `&mut T`: the guard is `Sync` only if `T: Sync`.
    _marker: PhantomData<&'a mut T>,
}

impl<'a, T> LockGuard<'a, T> {
    fn new(lock: &'a Lock<T>) -> Self {
        Self {
            lock,
            _marker: PhantomData,
        }
    }

    /// The lock this guard holds (for `Condition::wait`).
    pub(crate) fn lock_ref(&self) -> &'a Lock<T> {
        self.lock
    }
}

impl<T> Deref for LockGuard<'_, T> {
    type Target = T;

    fn deref(&self) -> &T {
        // SAFETY: the guard holds the lock, so nobody else accesses the
        // value while this borrow of the guard lives.
        unsafe { &*self.lock.value_ptr() }
    }
}

impl<T> DerefMut for LockGuard<'_, T> {
    fn deref_mut(&mut self) -> &mut T {
        // SAFETY: as for `deref`, and `&mut self` makes this borrow unique.
        unsafe { &mut *self.lock.value_ptr() }
    }
}

impl<T> Drop for LockGuard<'_, T> {
    fn drop(&mut self) {
        self.lock.unlock();
    }
}

impl<T: fmt::Debug> fmt::Debug for LockGuard<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&**self, f)
    }
}

impl<T: fmt::Display> fmt::Display for LockGuard<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&**self, f)
    }
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;
    use crate::test_util::{Counter, poll};
    use std::sync::Arc;

    #[test]
    fn hand_off_in_order_and_cancellation() {
        let lock = Lock::new(0);
        let (_, waker) = Counter::new();
        let guard = lock.try_lock().unwrap();
        let mut a = Box::pin(lock.lock());
        let mut b = Box::pin(lock.lock());
        let mut c = Box::pin(lock.lock());
        assert!(poll(a.as_mut(), &waker).is_pending());
        assert!(poll(b.as_mut(), &waker).is_pending());
        assert!(poll(c.as_mut(), &waker).is_pending());
        drop(b); // queued
        drop(guard); // hands to `a`
        drop(a); // granted, never taken: hands to `c`
        let Poll::Ready(mut g) = poll(c.as_mut(), &waker) else {
            panic!("lost the lock")
        };
        *g += 1;
        drop(g);
        drop(c);
        assert_eq!(lock.into_inner(), 1);
    }

    #[test]
    fn spinning_gives_up_adapts_and_skips_a_handed_holder() {
        let lock = Lock::new(());
        let (_, waker) = Counter::new();
        let max = lock.spin.limit();
        let guard = lock.try_lock().unwrap();
        // Held by this very thread: the spin cannot succeed, gives up,
        // queues, and halves the next spin.
        let mut a = Box::pin(lock.lock());
        assert!(poll(a.as_mut(), &waker).is_pending());
        assert_eq!(lock.spin.limit(), max / 2);
        drop(guard); // handed to `a`, which has not run yet
        // A newcomer neither spins for `a` (the limit is untouched) nor
        // overtakes it.
        let mut b = Box::pin(lock.lock());
        assert!(poll(b.as_mut(), &waker).is_pending());
        assert_eq!(lock.spin.limit(), max / 2);
        let Poll::Ready(g) = poll(a.as_mut(), &waker) else {
            panic!("the hand-off to `a` was lost")
        };
        assert!(!lock.core.handed(), "`a` runs: spinning is worth it again");
        // Now a newcomer spins (and gives up again: `g` is ours).
        drop(b); // leaves the line, so a newcomer may spin
        let mut c = Box::pin(lock.lock());
        assert!(poll(c.as_mut(), &waker).is_pending());
        assert_eq!(lock.spin.limit(), max / 4);
        drop(g);
        assert!(poll(c.as_mut(), &waker).is_ready());
    }

    #[test]
    fn threads_increment_under_the_lock() {
        let lock = Arc::new(Lock::new(0));
        let threads: Vec<_> = (0..3)
            .map(|_| {
                let lock = lock.clone();
                std::thread::spawn(move || {
                    for _ in 0..20 {
                        *futures_lite::future::block_on(lock.lock()) += 1;
                    }
                })
            })
            .collect();
        for t in threads {
            t.join().unwrap();
        }
        assert_eq!(*lock.try_lock().unwrap(), 60);
    }
}
