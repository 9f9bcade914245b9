//! [`BoundedSemaphore`]: a semaphore whose count never exceeds its start.

use std::fmt;
use std::sync::Arc;

use super::counter::Core;
use super::permit::HasCore;
use super::{AcquireFuture, AcquireOwnedFuture, OwnedSemaphorePermit, SemaphorePermit};
use crate::error::ReleaseError;

/// A [`Semaphore`](crate::Semaphore) whose [`release`](Self::release)
/// refuses to raise the count above the initial value: asyncio's
/// `BoundedSemaphore`, where that `release()` raises `ValueError`.
///
/// Everything else works as in `Semaphore`: FIFO-fair, cancel-safe, RAII
/// permits. It has no `add_permits`: the bound is the point.
///
/// # Examples
///
/// ```
/// use runtime_sync::BoundedSemaphore;
/// # futures_lite::future::block_on(async {
/// let sem = BoundedSemaphore::new(1);
/// sem.acquire().await.forget(); // asyncio: await sem.acquire()
/// assert!(sem.release().is_ok()); // asyncio: sem.release()
/// assert!(sem.release().is_err()); // one release too many: ValueError
/// # });
/// ```
pub struct BoundedSemaphore {
    core: Core,
    bound: usize,
}

impl BoundedSemaphore {
    /// A bounded semaphore with `permits` permits, which is also the most it
    /// will ever count: asyncio's `BoundedSemaphore(value)`.
    ///
    /// # Panics
    ///
    /// If `permits` is above [`Semaphore::MAX_PERMITS`](crate::Semaphore::MAX_PERMITS).
    ///
    /// ```
    /// let sem = runtime_sync::BoundedSemaphore::new(2);
    /// assert_eq!(sem.available_permits(), 2);
    /// ```
    #[track_caller]
    pub fn new(permits: usize) -> Self {
        Self {
            core: Core::new(permits),
            bound: permits,
        }
    }

    /// Waits for one permit: asyncio's `await sem.acquire()`. Fair and
    /// cancel-safe like [`Semaphore::acquire`](crate::Semaphore::acquire).
    ///
    /// ```
    /// # futures_lite::future::block_on(async {
    /// let sem = runtime_sync::BoundedSemaphore::new(1);
    /// let permit = sem.acquire().await;
    /// assert_eq!(sem.available_permits(), 0);
    /// # drop(permit);
    /// # });
    /// ```
    pub fn acquire(&self) -> AcquireFuture<'_> {
        AcquireFuture::new(&self.core, 1)
    }

    /// Waits for `n` permits at once (asyncio has no such call: `n`
    /// `acquire()`s made as one, fairly).
    ///
    /// ```
    /// # futures_lite::future::block_on(async {
    /// let sem = runtime_sync::BoundedSemaphore::new(3);
    /// assert_eq!(sem.acquire_many(2).await.num_permits(), 2);
    /// # });
    /// ```
    pub fn acquire_many(&self, n: usize) -> AcquireFuture<'_> {
        AcquireFuture::new(&self.core, n)
    }

    /// Takes a permit if one is free and nobody waits: asyncio's `acquire()`
    /// when `locked()` is false.
    ///
    /// ```
    /// let sem = runtime_sync::BoundedSemaphore::new(1);
    /// let permit = sem.try_acquire();
    /// assert!(permit.is_some() && sem.try_acquire().is_none());
    /// ```
    pub fn try_acquire(&self) -> Option<SemaphorePermit<'_>> {
        self.try_acquire_many(1)
    }

    /// Takes `n` permits if they are free and nobody waits (`n` of asyncio's
    /// non-waiting `acquire()`s, all or none).
    ///
    /// ```
    /// let sem = runtime_sync::BoundedSemaphore::new(2);
    /// assert!(sem.try_acquire_many(2).is_some());
    /// ```
    pub fn try_acquire_many(&self, n: usize) -> Option<SemaphorePermit<'_>> {
        self.core
            .try_acquire(n)
            .then(|| SemaphorePermit::new(&self.core, n))
    }

    /// Waits for a permit that keeps the semaphore alive: asyncio's
    /// `await sem.acquire()` when the `release()` happens in another task.
    ///
    /// ```
    /// use std::sync::Arc;
    /// # futures_lite::future::block_on(async {
    /// let sem = Arc::new(runtime_sync::BoundedSemaphore::new(1));
    /// let permit = sem.clone().acquire_owned().await;
    /// std::thread::spawn(move || drop(permit)).join().unwrap();
    /// assert_eq!(sem.available_permits(), 1);
    /// # });
    /// ```
    pub fn acquire_owned(self: Arc<Self>) -> AcquireOwnedFuture {
        self.acquire_many_owned(1)
    }

    /// Waits for `n` permits that keep the semaphore alive (no asyncio twin;
    /// see `acquire_many`).
    ///
    /// ```
    /// use std::sync::Arc;
    /// # futures_lite::future::block_on(async {
    /// let sem = Arc::new(runtime_sync::BoundedSemaphore::new(2));
    /// assert_eq!(sem.acquire_many_owned(2).await.num_permits(), 2);
    /// # });
    /// ```
    pub fn acquire_many_owned(self: Arc<Self>, n: usize) -> AcquireOwnedFuture {
        AcquireOwnedFuture::new(self, n)
    }

    /// Takes a permit that keeps the semaphore alive, if one is free:
    /// asyncio's `acquire()` when `locked()` is false.
    ///
    /// ```
    /// use std::sync::Arc;
    /// let sem = Arc::new(runtime_sync::BoundedSemaphore::new(1));
    /// assert!(sem.try_acquire_owned().is_some());
    /// ```
    pub fn try_acquire_owned(self: Arc<Self>) -> Option<OwnedSemaphorePermit> {
        if self.core.try_acquire(1) {
            Some(OwnedSemaphorePermit::new(self, 1))
        } else {
            None
        }
    }

    /// Gives one permit back without a guard: asyncio's `release()`, the
    /// other half of an `acquire` whose permit was
    /// [`forget`](crate::SemaphorePermit::forget)-ed.
    ///
    /// # Errors
    ///
    /// [`ReleaseError`] if no forgotten permit is left to give back: the
    /// count would go above the initial value (asyncio's `ValueError`).
    /// Nothing changes then. Permits still held by a guard do not count:
    /// their guard gives them back.
    ///
    /// ```
    /// let sem = runtime_sync::BoundedSemaphore::new(1);
    /// sem.try_acquire().unwrap().forget();
    /// sem.release().unwrap();
    /// assert!(sem.release().is_err());
    /// ```
    pub fn release(&self) -> Result<(), ReleaseError> {
        self.core.release_bounded()
    }

    /// Permits free right now (0 while anybody waits): asyncio's private
    /// `_value`, made public.
    ///
    /// ```
    /// let sem = runtime_sync::BoundedSemaphore::new(2);
    /// assert_eq!(sem.available_permits(), 2);
    /// ```
    pub fn available_permits(&self) -> usize {
        self.core.available()
    }

    /// Whether an `acquire` would wait: asyncio's `locked()`.
    ///
    /// ```
    /// let sem = runtime_sync::BoundedSemaphore::new(0);
    /// assert!(sem.is_locked());
    /// ```
    pub fn is_locked(&self) -> bool {
        self.core.available() == 0
    }
}

impl HasCore for BoundedSemaphore {
    fn core(&self) -> &Core {
        &self.core
    }
}

impl fmt::Debug for BoundedSemaphore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BoundedSemaphore")
            .field("available_permits", &self.available_permits())
            .field("bound", &self.bound)
            .finish()
    }
}
