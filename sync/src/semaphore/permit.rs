//! Permits: the RAII side of acquiring, and the futures that produce them.

use core::fmt;
use core::future::Future;
use core::pin::Pin;
use core::task::{Context, Poll};
use std::sync::Arc;

use super::counter::Core;
use pin_project_lite::pin_project;

use crate::waiters::WaitNode;

/// What an owned permit keeps alive: a `Semaphore` or a `BoundedSemaphore`.
pub(crate) trait HasCore: Send + Sync {
    fn core(&self) -> &Core;
}

/// Permits taken from a semaphore; they go back when this is dropped (the
/// end of asyncio's `async with sem:` block, or `sem.release()`).
///
/// ```
/// use runtime_sync::Semaphore;
/// # futures_lite::future::block_on(async {
/// let sem = Semaphore::new(2);
/// let permit = sem.acquire().await;
/// assert_eq!(sem.available_permits(), 1);
/// drop(permit);
/// assert_eq!(sem.available_permits(), 2);
/// # });
/// ```
#[must_use = "the permits are released as soon as this is dropped"]
pub struct SemaphorePermit<'a> {
    core: &'a Core,
    permits: usize,
}

impl<'a> SemaphorePermit<'a> {
    pub(crate) fn new(core: &'a Core, permits: usize) -> Self {
        Self { core, permits }
    }

    /// Keeps the permits taken for good (they are not released on drop):
    /// asyncio's `await sem.acquire()` without a matching `release()`.
    ///
    /// ```
    /// let sem = runtime_sync::Semaphore::new(1);
    /// sem.try_acquire().unwrap().forget();
    /// assert_eq!(sem.available_permits(), 0);
    /// sem.release(); // asyncio's release(): give it back by hand
    /// assert_eq!(sem.available_permits(), 1);
    /// ```
    pub fn forget(mut self) {
        self.core.forget(self.permits);
        self.permits = 0;
    }

    /// How many permits this holds (asyncio counts nothing per caller: each
    /// `acquire()` is one).
    ///
    /// ```
    /// let sem = runtime_sync::Semaphore::new(5);
    /// assert_eq!(sem.try_acquire_many(3).unwrap().num_permits(), 3);
    /// ```
    pub fn num_permits(&self) -> usize {
        self.permits
    }
}

impl Drop for SemaphorePermit<'_> {
    fn drop(&mut self) {
        self.core.release(self.permits);
    }
}

impl fmt::Debug for SemaphorePermit<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SemaphorePermit")
            .field("permits", &self.permits)
            .finish()
    }
}

/// Permits taken from a semaphore in an `Arc`, so they can outlive the
/// borrow (move them into a spawned task). Released when dropped: asyncio's
/// `release()` called from whichever task ends up holding it.
///
/// ```
/// use std::sync::Arc;
/// use runtime_sync::Semaphore;
/// # futures_lite::future::block_on(async {
/// let sem = Arc::new(Semaphore::new(1));
/// let permit = sem.clone().acquire_owned().await;
/// std::thread::spawn(move || drop(permit)).join().unwrap();
/// assert_eq!(sem.available_permits(), 1);
/// # });
/// ```
#[must_use = "the permits are released as soon as this is dropped"]
pub struct OwnedSemaphorePermit {
    sem: Arc<dyn HasCore>,
    permits: usize,
}

impl OwnedSemaphorePermit {
    pub(crate) fn new(sem: Arc<dyn HasCore>, permits: usize) -> Self {
        Self { sem, permits }
    }

    /// Keeps the permits taken for good (they are not released on drop):
    /// asyncio's `await sem.acquire()` without a matching `release()`.
    ///
    /// ```
    /// use std::sync::Arc;
    /// let sem = Arc::new(runtime_sync::Semaphore::new(1));
    /// sem.clone().try_acquire_owned().unwrap().forget();
    /// assert_eq!(sem.available_permits(), 0);
    /// ```
    pub fn forget(mut self) {
        self.sem.core().forget(self.permits);
        self.permits = 0;
    }

    /// How many permits this holds (asyncio counts nothing per caller).
    ///
    /// ```
    /// use std::sync::Arc;
    /// let sem = Arc::new(runtime_sync::Semaphore::new(3));
    /// assert_eq!(sem.try_acquire_many_owned(2).unwrap().num_permits(), 2);
    /// ```
    pub fn num_permits(&self) -> usize {
        self.permits
    }
}

impl Drop for OwnedSemaphorePermit {
    fn drop(&mut self) {
        self.sem.core().release(self.permits);
    }
}

impl fmt::Debug for OwnedSemaphorePermit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OwnedSemaphorePermit")
            .field("permits", &self.permits)
            .finish()
    }
}

pin_project! {
    /// The future of `acquire` / `acquire_many`; resolves to a
    /// [`SemaphorePermit`]. asyncio's `sem.acquire()` coroutine.
    ///
    /// Dropping it before it resolves gives up its place in line and hands any
    /// permits already set aside for it to the next waiter.
    ///
    /// ```
    /// use runtime_sync::Semaphore;
    /// # futures_lite::future::block_on(async {
    /// let sem = Semaphore::new(1);
    /// let future = sem.acquire(); // nothing happens until polled
    /// let _permit = future.await;
    /// # });
    /// ```
    #[must_use = "futures do nothing unless you `.await` or poll them"]
    pub struct AcquireFuture<'a> {
        core: &'a Core,
        // Our place in the waiter list.
        #[pin]
        node: WaitNode,
        needed: usize,
    }

    impl PinnedDrop for AcquireFuture<'_> {
        fn drop(this: Pin<&mut Self>) {
            let this = this.project();
            this.core.cancel_acquire(this.node, *this.needed);
        }
    }
}

impl<'a> AcquireFuture<'a> {
    pub(crate) fn new(core: &'a Core, needed: usize) -> Self {
        Self {
            core,
            node: WaitNode::new(),
            needed,
        }
    }
}

impl<'a> Future for AcquireFuture<'a> {
    type Output = SemaphorePermit<'a>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.project();
        let core: &'a Core = this.core;
        core.poll_acquire(this.node, *this.needed, cx)
            .map(|()| SemaphorePermit::new(core, *this.needed))
    }
}

impl fmt::Debug for AcquireFuture<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AcquireFuture")
            .field("needed", &self.needed)
            .field("queued", &self.node.is_queued())
            .finish_non_exhaustive()
    }
}

pin_project! {
    /// The future of `acquire_owned` / `acquire_many_owned`; resolves to an
    /// [`OwnedSemaphorePermit`]. Cancel-safe like [`AcquireFuture`]; asyncio's
    /// `sem.acquire()` coroutine.
    ///
    /// ```
    /// use std::sync::Arc;
    /// use runtime_sync::Semaphore;
    /// # futures_lite::future::block_on(async {
    /// let sem = Arc::new(Semaphore::new(1));
    /// let permit = sem.acquire_owned().await;
    /// assert_eq!(permit.num_permits(), 1);
    /// # });
    /// ```
    #[must_use = "futures do nothing unless you `.await` or poll them"]
    pub struct AcquireOwnedFuture {
        // `None` once the permit was handed out.
        sem: Option<Arc<dyn HasCore>>,
        #[pin]
        node: WaitNode,
        needed: usize,
    }

    impl PinnedDrop for AcquireOwnedFuture {
        fn drop(this: Pin<&mut Self>) {
            let this = this.project();
            if let Some(sem) = this.sem {
                sem.core().cancel_acquire(this.node, *this.needed);
            }
        }
    }
}

impl AcquireOwnedFuture {
    pub(crate) fn new(sem: Arc<dyn HasCore>, needed: usize) -> Self {
        Self {
            sem: Some(sem),
            node: WaitNode::new(),
            needed,
        }
    }
}

impl Future for AcquireOwnedFuture {
    type Output = OwnedSemaphorePermit;

    #[track_caller]
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.project();
        let sem = this
            .sem
            .as_ref()
            .expect("AcquireOwnedFuture polled after it returned its permit");
        match sem.core().poll_acquire(this.node, *this.needed, cx) {
            Poll::Ready(()) => {
                let sem = this.sem.take().expect("checked above");
                Poll::Ready(OwnedSemaphorePermit::new(sem, *this.needed))
            }
            Poll::Pending => Poll::Pending,
        }
    }
}

impl fmt::Debug for AcquireOwnedFuture {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AcquireOwnedFuture")
            .field("needed", &self.needed)
            .field("queued", &self.node.is_queued())
            .finish_non_exhaustive()
    }
}
