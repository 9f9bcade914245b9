//! The `Arc` flavour of locking: [`Lock::lock_owned`] and its guard.

use core::fmt;
use core::future::Future;
use core::ops::{Deref, DerefMut};
use core::pin::Pin;
use core::task::{Context, Poll};
use std::sync::Arc;

use pin_project_lite::pin_project;

use super::Lock;
use crate::waiters::WaitNode;

pin_project! {
    /// The future of [`Lock::lock_owned`]; resolves to an [`OwnedLockGuard`].
    /// Fair and cancel-safe like [`LockFuture`](super::LockFuture); asyncio's
    /// `lock.acquire()` coroutine.
    ///
    /// ```
    /// use std::sync::Arc;
    /// # futures_lite::future::block_on(async {
    /// let lock = Arc::new(runtime_sync::Lock::new(1));
    /// let guard = lock.lock_owned().await;
    /// assert_eq!(*guard, 1);
    /// # });
    /// ```
    #[must_use = "futures do nothing unless you `.await` or poll them"]
    pub struct OwnedLockFuture<T> {
        // `None` once the guard was handed out.
        lock: Option<Arc<Lock<T>>>,
        #[pin]
        node: WaitNode,
    }

    impl<T> PinnedDrop for OwnedLockFuture<T> {
        fn drop(this: Pin<&mut Self>) {
            let this = this.project();
            if let Some(lock) = this.lock {
                lock.cancel_lock(this.node);
            }
        }
    }
}

impl<T> OwnedLockFuture<T> {
    pub(super) fn new(lock: Arc<Lock<T>>) -> Self {
        Self {
            lock: Some(lock),
            node: WaitNode::new(),
        }
    }
}

impl<T> Future for OwnedLockFuture<T> {
    type Output = OwnedLockGuard<T>;

    #[track_caller]
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.project();
        let lock = this
            .lock
            .as_ref()
            .expect("OwnedLockFuture polled after it returned its guard");
        match lock.poll_lock(this.node, cx) {
            Poll::Ready(()) => {
                let lock = this.lock.take().expect("checked above");
                Poll::Ready(OwnedLockGuard::new(lock))
            }
            Poll::Pending => Poll::Pending,
        }
    }
}

impl<T> fmt::Debug for OwnedLockFuture<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OwnedLockFuture")
            .field("queued", &self.node.is_queued())
            .finish_non_exhaustive()
    }
}

/// Holds a [`Lock`] in an `Arc`; derefs to the value and unlocks when
/// dropped. Unlike [`LockGuard`](super::LockGuard) it borrows nothing, so it
/// can be moved into another task: asyncio's lock released by a task other
/// than the one that acquired it.
///
/// ```
/// use std::sync::Arc;
/// # futures_lite::future::block_on(async {
/// let lock = Arc::new(runtime_sync::Lock::new(vec![1]));
/// let mut guard = lock.clone().lock_owned().await;
/// guard.push(2);
/// drop(guard);
/// assert_eq!(*lock.lock().await, [1, 2]);
/// # });
/// ```
#[must_use = "the lock is released as soon as the guard is dropped"]
pub struct OwnedLockGuard<T> {
    lock: Arc<Lock<T>>,
}

// SAFETY: like `LockGuard`: moving the guard moves access to `T` (`T: Send`);
// the `Arc<Lock<T>>` itself is `Send + Sync` when `T: Send`.
unsafe impl<T: Send> Send for OwnedLockGuard<T> {}
// SAFETY: `&OwnedLockGuard` gives `&T`, so `T: Sync` too.
unsafe impl<T: Send + Sync> Sync for OwnedLockGuard<T> {}

impl<T> OwnedLockGuard<T> {
    pub(super) fn new(lock: Arc<Lock<T>>) -> Self {
        Self { lock }
    }
}

impl<T> Deref for OwnedLockGuard<T> {
    type Target = T;

    fn deref(&self) -> &T {
        // SAFETY: the guard holds the lock, so nobody else accesses the
        // value while this borrow of the guard lives.
        unsafe { &*self.lock.value_ptr() }
    }
}

impl<T> DerefMut for OwnedLockGuard<T> {
    fn deref_mut(&mut self) -> &mut T {
        // SAFETY: as for `deref`, and `&mut self` makes this borrow unique.
        unsafe { &mut *self.lock.value_ptr() }
    }
}

impl<T> Drop for OwnedLockGuard<T> {
    fn drop(&mut self) {
        self.lock.unlock();
    }
}

impl<T: fmt::Debug> fmt::Debug for OwnedLockGuard<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&**self, f)
    }
}
