//! [`Semaphore`] and [`BoundedSemaphore`]: asyncio's semaphores, with
//! RAII permits.

mod bounded;
mod counter;
mod permit;

use std::fmt;
use std::sync::Arc;

pub use self::bounded::BoundedSemaphore;
use self::counter::MAX_PERMITS;
pub(crate) use self::counter::{Core, One};
use self::permit::HasCore;
pub use self::permit::{AcquireFuture, AcquireOwnedFuture, OwnedSemaphorePermit, SemaphorePermit};

/// A counter of permits that tasks acquire and release: asyncio's
/// `Semaphore`.
///
/// `acquire().await` waits for a permit and returns a [`SemaphorePermit`]
/// that gives it back when dropped (asyncio's `async with sem:`). Waiters are
/// served strictly in order: a request for many permits at the head of the
/// line is not overtaken by smaller ones behind it, and a newcomer never
/// overtakes a waiter.
///
/// [`Semaphore::release`] is asyncio's `release()`: one permit back without
/// a guard (pair it with [`SemaphorePermit::forget`]). It may raise the count
/// above the initial value; use [`BoundedSemaphore`] to forbid that.
///
/// # Examples
///
/// At most 2 tasks in the section at once:
///
/// ```
/// use std::sync::Arc;
/// use runtime_sync::Semaphore;
/// # futures_lite::future::block_on(async {
/// let sem = Arc::new(Semaphore::new(2));
/// let a = sem.acquire().await;
/// let b = sem.acquire().await;
/// assert!(sem.try_acquire().is_none()); // a third one would wait
/// drop(a);
/// assert!(sem.try_acquire().is_some());
/// # drop(b);
/// # });
/// ```
pub struct Semaphore {
    core: Core,
}

impl Semaphore {
    /// The most permits a semaphore can hold, and the largest request
    /// (asyncio's counter is unbounded; ours is a machine word).
    ///
    /// ```
    /// assert!(runtime_sync::Semaphore::MAX_PERMITS >= u32::MAX as usize);
    /// ```
    pub const MAX_PERMITS: usize = MAX_PERMITS;

    /// A semaphore with `permits` permits: asyncio's `Semaphore(value)`.
    ///
    /// # Panics
    ///
    /// If `permits` is above [`Semaphore::MAX_PERMITS`].
    ///
    /// ```
    /// let sem = runtime_sync::Semaphore::new(3);
    /// assert_eq!(sem.available_permits(), 3);
    /// ```
    #[track_caller]
    pub fn new(permits: usize) -> Self {
        Self {
            core: Core::new(permits),
        }
    }

    /// Waits for one permit: asyncio's `await sem.acquire()` /
    /// `async with sem:`.
    ///
    /// Fair: waiters are served in the order they started waiting.
    /// Cancel-safe: dropping the future gives up its place and loses no
    /// permit.
    ///
    /// ```
    /// # futures_lite::future::block_on(async {
    /// let sem = runtime_sync::Semaphore::new(1);
    /// let permit = sem.acquire().await;
    /// assert_eq!(sem.available_permits(), 0);
    /// # drop(permit);
    /// # });
    /// ```
    pub fn acquire(&self) -> AcquireFuture<'_> {
        AcquireFuture::new(&self.core, 1)
    }

    /// Waits for `n` permits at once (all or nothing for the caller; the
    /// request keeps its place at the head while permits accumulate). asyncio
    /// has no such call; it is `n` `acquire()`s made as one, fairly.
    ///
    /// # Panics
    ///
    /// When polled, if `n` is above [`Semaphore::MAX_PERMITS`].
    ///
    /// ```
    /// # futures_lite::future::block_on(async {
    /// let sem = runtime_sync::Semaphore::new(5);
    /// let permit = sem.acquire_many(3).await;
    /// assert_eq!(permit.num_permits(), 3);
    /// assert_eq!(sem.available_permits(), 2);
    /// # });
    /// ```
    pub fn acquire_many(&self, n: usize) -> AcquireFuture<'_> {
        AcquireFuture::new(&self.core, n)
    }

    /// Takes a permit if one is free and nobody waits: asyncio's
    /// `acquire()` when `locked()` is false.
    ///
    /// ```
    /// let sem = runtime_sync::Semaphore::new(1);
    /// let permit = sem.try_acquire().unwrap();
    /// assert!(sem.try_acquire().is_none());
    /// # drop(permit);
    /// ```
    pub fn try_acquire(&self) -> Option<SemaphorePermit<'_>> {
        self.try_acquire_many(1)
    }

    /// Takes `n` permits if they are free and nobody waits (`n` of asyncio's
    /// non-waiting `acquire()`s, all or none).
    ///
    /// ```
    /// let sem = runtime_sync::Semaphore::new(2);
    /// assert!(sem.try_acquire_many(3).is_none());
    /// assert!(sem.try_acquire_many(2).is_some());
    /// ```
    pub fn try_acquire_many(&self, n: usize) -> Option<SemaphorePermit<'_>> {
        self.core
            .try_acquire(n)
            .then(|| SemaphorePermit::new(&self.core, n))
    }

    /// Waits for a permit that keeps the semaphore alive, for moving into
    /// another task: asyncio's `await sem.acquire()` when the `release()`
    /// happens in another task.
    ///
    /// ```
    /// use std::sync::Arc;
    /// # futures_lite::future::block_on(async {
    /// let sem = Arc::new(runtime_sync::Semaphore::new(1));
    /// let permit = sem.clone().acquire_owned().await;
    /// let worker = std::thread::spawn(move || {
    ///     // ... work while holding the permit ...
    ///     drop(permit);
    /// });
    /// worker.join().unwrap();
    /// assert_eq!(sem.available_permits(), 1);
    /// # });
    /// ```
    pub fn acquire_owned(self: Arc<Self>) -> AcquireOwnedFuture {
        self.acquire_many_owned(1)
    }

    /// [`Semaphore::acquire_many`] for an `Arc<Semaphore>` (no asyncio twin;
    /// see `acquire_many`).
    ///
    /// ```
    /// use std::sync::Arc;
    /// # futures_lite::future::block_on(async {
    /// let sem = Arc::new(runtime_sync::Semaphore::new(4));
    /// let permit = sem.clone().acquire_many_owned(4).await;
    /// assert_eq!(sem.available_permits(), 0);
    /// # drop(permit);
    /// # });
    /// ```
    pub fn acquire_many_owned(self: Arc<Self>, n: usize) -> AcquireOwnedFuture {
        AcquireOwnedFuture::new(self, n)
    }

    /// [`Semaphore::try_acquire`] for an `Arc<Semaphore>`: asyncio's
    /// `acquire()` when `locked()` is false.
    ///
    /// ```
    /// use std::sync::Arc;
    /// let sem = Arc::new(runtime_sync::Semaphore::new(1));
    /// let permit = sem.clone().try_acquire_owned().unwrap();
    /// assert!(sem.clone().try_acquire_owned().is_none());
    /// # drop(permit);
    /// ```
    pub fn try_acquire_owned(self: Arc<Self>) -> Option<OwnedSemaphorePermit> {
        self.try_acquire_many_owned(1)
    }

    /// [`Semaphore::try_acquire_many`] for an `Arc<Semaphore>` (no asyncio
    /// twin; see `try_acquire_many`).
    ///
    /// ```
    /// use std::sync::Arc;
    /// let sem = Arc::new(runtime_sync::Semaphore::new(3));
    /// assert!(sem.clone().try_acquire_many_owned(3).is_some());
    /// ```
    pub fn try_acquire_many_owned(self: Arc<Self>, n: usize) -> Option<OwnedSemaphorePermit> {
        if self.core.try_acquire(n) {
            Some(OwnedSemaphorePermit::new(self, n))
        } else {
            None
        }
    }

    /// Adds `n` permits (served to waiters first): asyncio's `release()`
    /// called `n` times.
    ///
    /// # Panics
    ///
    /// If the count would go above [`Semaphore::MAX_PERMITS`].
    ///
    /// ```
    /// let sem = runtime_sync::Semaphore::new(0);
    /// sem.add_permits(2);
    /// assert_eq!(sem.available_permits(), 2);
    /// ```
    #[track_caller]
    pub fn add_permits(&self, n: usize) {
        self.core.release(n);
    }

    /// Gives one permit back without a guard: asyncio's `release()`. Pair
    /// it with [`SemaphorePermit::forget`] (asyncio-style manual
    /// acquire/release); dropping a permit already releases it.
    ///
    /// # Panics
    ///
    /// If the count would go above [`Semaphore::MAX_PERMITS`].
    ///
    /// ```
    /// # futures_lite::future::block_on(async {
    /// let sem = runtime_sync::Semaphore::new(1);
    /// sem.acquire().await.forget(); // asyncio: await sem.acquire()
    /// assert!(sem.is_locked());
    /// sem.release();                // asyncio: sem.release()
    /// assert!(!sem.is_locked());
    /// # });
    /// ```
    #[track_caller]
    pub fn release(&self) {
        self.core.release(1);
    }

    /// Permits free right now (0 while anybody waits): asyncio's private
    /// `_value`, made public.
    ///
    /// ```
    /// let sem = runtime_sync::Semaphore::new(2);
    /// let _p = sem.try_acquire();
    /// assert_eq!(sem.available_permits(), 1);
    /// ```
    pub fn available_permits(&self) -> usize {
        self.core.available()
    }

    /// Whether an `acquire` would wait: asyncio's `Semaphore.locked()`.
    ///
    /// ```
    /// let sem = runtime_sync::Semaphore::new(1);
    /// assert!(!sem.is_locked());
    /// let _p = sem.try_acquire();
    /// assert!(sem.is_locked());
    /// ```
    pub fn is_locked(&self) -> bool {
        self.core.available() == 0
    }
}

impl HasCore for Semaphore {
    fn core(&self) -> &Core {
        &self.core
    }
}

impl fmt::Debug for Semaphore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Semaphore")
            .field("available_permits", &self.available_permits())
            .finish()
    }
}
