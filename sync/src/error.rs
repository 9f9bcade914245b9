//! The errors of the crate: what asyncio raises, as values.
//!
//! | asyncio                          | here                              |
//! |----------------------------------|-----------------------------------|
//! | `QueueEmpty` from `get_nowait`   | [`TryGetError::is_empty`]         |
//! | `QueueFull` from `put_nowait`    | [`TryPutError::is_full`]          |
//! | `QueueShutDown` from `get`       | [`QueueShutDown`]                 |
//! | `QueueShutDown` from `put`       | [`PutError`] (gives the item back)|
//! | `ValueError` from `BoundedSemaphore.release` | [`ReleaseError`]      |
//!
//! The types are opaque: ask them with their methods rather than matching on
//! their representation.

use core::fmt;

/// `get().await` on a queue that was shut down and has no items left:
/// asyncio's `QueueShutDown`, raised by `Queue.get`.
///
/// # Examples
///
/// ```
/// use runtime_sync::{Queue, QueueShutDown};
/// # futures_lite::future::block_on(async {
/// let queue = Queue::<i32>::new(0);
/// queue.shutdown(false);
/// assert_eq!(queue.get().await, Err(QueueShutDown));
/// # });
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct QueueShutDown;

impl fmt::Display for QueueShutDown {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the queue was shut down and no items are left in it")
    }
}

impl std::error::Error for QueueShutDown {}

/// `get_nowait()` found nothing to return: the queue is empty
/// (asyncio's `QueueEmpty`) or shut down and drained (asyncio's
/// `QueueShutDown`).
///
/// # Examples
///
/// ```
/// use runtime_sync::Queue;
///
/// let queue = Queue::<i32>::new(0);
/// let err = queue.get_nowait().unwrap_err();
/// assert!(err.is_empty() && !err.is_shut_down());
///
/// queue.shutdown(false);
/// assert!(queue.get_nowait().unwrap_err().is_shut_down());
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct TryGetError {
    shut_down: bool,
}

impl TryGetError {
    pub(crate) const EMPTY: Self = Self { shut_down: false };
    pub(crate) const SHUT_DOWN: Self = Self { shut_down: true };

    /// The queue had no item to give (asyncio's `QueueEmpty`); it may get
    /// one later.
    ///
    /// ```
    /// let queue = runtime_sync::Queue::<u8>::new(0);
    /// assert!(queue.get_nowait().unwrap_err().is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        !self.shut_down
    }

    /// The queue was shut down and drained (asyncio's `QueueShutDown`); it
    /// will never give an item again.
    ///
    /// ```
    /// let queue = runtime_sync::Queue::<u8>::new(0);
    /// queue.shutdown(false);
    /// assert!(queue.get_nowait().unwrap_err().is_shut_down());
    /// ```
    pub fn is_shut_down(&self) -> bool {
        self.shut_down
    }
}

impl fmt::Debug for TryGetError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(if self.shut_down {
            "TryGetError(ShutDown)"
        } else {
            "TryGetError(Empty)"
        })
    }
}

impl fmt::Display for TryGetError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(if self.shut_down {
            "the queue was shut down and no items are left in it"
        } else {
            "the queue has no item available right now"
        })
    }
}

impl std::error::Error for TryGetError {}

/// `put(item).await` on a queue that was shut down (asyncio's
/// `QueueShutDown`, raised by `Queue.put`). The item was not added; take it
/// back with [`PutError::into_inner`].
///
/// # Examples
///
/// ```
/// use runtime_sync::Queue;
/// # futures_lite::future::block_on(async {
/// let queue = Queue::new(0);
/// queue.shutdown(false);
/// let err = queue.put("job").await.unwrap_err();
/// assert_eq!(err.into_inner(), "job");
/// # });
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct PutError<T> {
    item: T,
}

impl<T> PutError<T> {
    pub(crate) fn new(item: T) -> Self {
        Self { item }
    }

    /// The item that was not added (asyncio loses it with the exception;
    /// Rust gives it back).
    ///
    /// ```
    /// let queue = runtime_sync::Queue::new(0);
    /// queue.shutdown(true);
    /// # futures_lite::future::block_on(async {
    /// assert_eq!(queue.put(7).await.unwrap_err().into_inner(), 7);
    /// # });
    /// ```
    pub fn into_inner(self) -> T {
        self.item
    }
}

impl<T> fmt::Debug for PutError<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("PutError(ShutDown, ..)")
    }
}

impl<T> fmt::Display for PutError<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the queue was shut down, so the item was not added")
    }
}

impl<T> std::error::Error for PutError<T> {}

/// `put_nowait(item)` could not add the item: the queue is full (asyncio's
/// `QueueFull`) or shut down (asyncio's `QueueShutDown`). Take the item back
/// with [`TryPutError::into_inner`].
///
/// # Examples
///
/// ```
/// use runtime_sync::Queue;
///
/// let queue = Queue::new(1);
/// queue.put_nowait(1).unwrap();
/// let err = queue.put_nowait(2).unwrap_err();
/// assert!(err.is_full());
/// assert_eq!(err.into_inner(), 2);
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct TryPutError<T> {
    item: T,
    shut_down: bool,
}

impl<T> TryPutError<T> {
    pub(crate) fn full(item: T) -> Self {
        Self {
            item,
            shut_down: false,
        }
    }

    pub(crate) fn shut_down(item: T) -> Self {
        Self {
            item,
            shut_down: true,
        }
    }

    /// The queue was full (asyncio's `QueueFull`); it may have room later.
    ///
    /// ```
    /// let queue = runtime_sync::Queue::new(1);
    /// queue.put_nowait('a').unwrap();
    /// assert!(queue.put_nowait('b').unwrap_err().is_full());
    /// ```
    pub fn is_full(&self) -> bool {
        !self.shut_down
    }

    /// The queue was shut down (asyncio's `QueueShutDown`); it will never
    /// take an item again.
    ///
    /// ```
    /// let queue = runtime_sync::Queue::new(0);
    /// queue.shutdown(false);
    /// assert!(queue.put_nowait('a').unwrap_err().is_shut_down());
    /// ```
    pub fn is_shut_down(&self) -> bool {
        self.shut_down
    }

    /// The item that was not added (asyncio loses it with the exception;
    /// Rust gives it back).
    ///
    /// ```
    /// let queue = runtime_sync::Queue::new(0);
    /// queue.shutdown(false);
    /// assert_eq!(queue.put_nowait("x").unwrap_err().into_inner(), "x");
    /// ```
    pub fn into_inner(self) -> T {
        self.item
    }
}

impl<T> fmt::Debug for TryPutError<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(if self.shut_down {
            "TryPutError(ShutDown, ..)"
        } else {
            "TryPutError(Full, ..)"
        })
    }
}

impl<T> fmt::Display for TryPutError<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(if self.shut_down {
            "the queue was shut down, so the item was not added"
        } else {
            "the queue is full, so the item was not added"
        })
    }
}

impl<T> std::error::Error for TryPutError<T> {}

/// [`BoundedSemaphore::release`](crate::BoundedSemaphore::release) would
/// raise the permit count above its initial value: asyncio's `ValueError`
/// ("BoundedSemaphore released too many times").
///
/// # Examples
///
/// ```
/// use runtime_sync::{BoundedSemaphore, ReleaseError};
///
/// let sem = BoundedSemaphore::new(1);
/// assert_eq!(sem.release(), Err(ReleaseError));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ReleaseError;

impl fmt::Display for ReleaseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(
            "BoundedSemaphore released too many times: \
             the release would raise its permits above the initial count",
        )
    }
}

impl std::error::Error for ReleaseError {}
