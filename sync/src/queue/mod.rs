//! [`Queue`], [`LifoQueue`] and [`PriorityQueue`]: asyncio's queues.
//!
//! The three share one implementation (`chan.rs`) and differ only in the
//! buffer that orders the items (`buffer.rs`). The public types are stamped
//! out by the `queue_type!` macro below so each gets its own docs.

mod buffer;
mod chan;
mod futures;

use std::fmt;

use self::buffer::{Fifo, Lifo, Priority};
use self::chan::Chan;
pub use self::futures::{GetFuture, JoinFuture, PutFuture, QueueStream};
use crate::error::{TryGetError, TryPutError};

macro_rules! queue_type {
    (
        $(#[$attr:meta])*
        $name:ident<T $(: $bound:ident)?> = $buffer:ident, $twin:literal;
    ) => {
        $(#[$attr])*
        pub struct $name<T $(: $bound)?> {
            chan: Chan<$buffer<T>>,
        }

        impl<T $(: $bound)?> $name<T> {
            #[doc = concat!("A queue holding at most `maxsize` items (0: no limit): asyncio's `", $twin, "(maxsize)`.")]
            ///
            /// ```
            #[doc = concat!("let queue = runtime_sync::", stringify!($name), "::<i32>::new(10);")]
            /// assert_eq!(queue.maxsize(), 10);
            /// assert!(queue.empty());
            /// ```
            pub fn new(maxsize: usize) -> Self {
                Self { chan: Chan::new(maxsize) }
            }

            /// The most items the queue holds (0: no limit): asyncio's
            /// `maxsize`.
            ///
            /// ```
            #[doc = concat!("let queue = runtime_sync::", stringify!($name), "::<i32>::new(0);")]
            /// assert_eq!(queue.maxsize(), 0);
            /// ```
            pub fn maxsize(&self) -> usize {
                self.chan.maxsize()
            }

            /// Adds `item`, waiting while the queue is full: asyncio's
            /// `await queue.put(item)`.
            ///
            /// Putters waiting for room are served in order. Cancel-safe:
            /// dropping the future drops the item and leaves the line
            /// (handing a slot set aside for it to the next putter).
            ///
            /// # Errors
            ///
            /// [`PutError`](crate::PutError), with the item, if the queue is
            /// shut down (asyncio's `QueueShutDown`), also while waiting.
            ///
            /// ```
            /// # futures_lite::future::block_on(async {
            #[doc = concat!("let queue = runtime_sync::", stringify!($name), "::new(1);")]
            /// queue.put(1).await.unwrap();
            /// assert!(queue.full());
            /// # });
            /// ```
            pub fn put(&self, item: T) -> PutFuture<'_, T> {
                PutFuture::new(&self.chan, item)
            }

            /// Removes and returns an item, waiting while the queue is
            /// empty: asyncio's `await queue.get()`.
            ///
            /// Getters waiting for an item are served in order. Cancel-safe:
            /// dropping the future leaves the line, and an item already set
            /// aside for it goes to the next getter (or back to the queue).
            ///
            /// # Errors
            ///
            /// [`QueueShutDown`](crate::QueueShutDown) once the queue is shut
            /// down and has no items left for this getter.
            ///
            /// ```
            /// # futures_lite::future::block_on(async {
            #[doc = concat!("let queue = runtime_sync::", stringify!($name), "::new(0);")]
            /// queue.put(5).await.unwrap();
            /// assert_eq!(queue.get().await, Ok(5));
            /// # });
            /// ```
            pub fn get(&self) -> GetFuture<'_, T> {
                GetFuture::new(&self.chan)
            }

            /// Adds `item` without waiting: asyncio's `put_nowait`.
            ///
            /// # Errors
            ///
            /// [`TryPutError`](crate::TryPutError), with the item: the queue
            /// is full (asyncio's `QueueFull`; also when putters already
            /// wait for room) or shut down (`QueueShutDown`).
            ///
            /// ```
            #[doc = concat!("let queue = runtime_sync::", stringify!($name), "::new(1);")]
            /// queue.put_nowait(1).unwrap();
            /// assert!(queue.put_nowait(2).unwrap_err().is_full());
            /// ```
            pub fn put_nowait(&self, item: T) -> Result<(), TryPutError<T>> {
                self.chan.put_nowait(item)
            }

            /// Removes and returns an item without waiting: asyncio's
            /// `get_nowait`.
            ///
            /// # Errors
            ///
            /// [`TryGetError`](crate::TryGetError): no item is available
            /// (asyncio's `QueueEmpty`; items already set aside for waiting
            /// getters are not available) or the queue is shut down and
            /// drained (`QueueShutDown`).
            ///
            /// ```
            #[doc = concat!("let queue = runtime_sync::", stringify!($name), "::new(0);")]
            /// assert!(queue.get_nowait().unwrap_err().is_empty());
            /// queue.put_nowait(3).unwrap();
            /// assert_eq!(queue.get_nowait(), Ok(3));
            /// ```
            pub fn get_nowait(&self) -> Result<T, TryGetError> {
                self.chan.get_nowait()
            }

            /// Marks one item taken with `get` as processed: asyncio's
            /// `task_done()`. When every item put has been marked, `join`
            /// returns.
            ///
            /// # Panics
            ///
            /// If called more times than items were put (asyncio's
            /// `ValueError`).
            ///
            /// ```
            #[doc = concat!("let queue = runtime_sync::", stringify!($name), "::new(0);")]
            /// queue.put_nowait(1).unwrap();
            /// let item = queue.get_nowait().unwrap();
            /// // ... process item ...
            /// queue.task_done();
            /// ```
            #[track_caller]
            pub fn task_done(&self) {
                self.chan.task_done();
            }

            /// Waits until every item put has been marked done with
            /// `task_done` (or dropped by `shutdown(true)`): asyncio's
            /// `await queue.join()`.
            ///
            /// ```
            /// # futures_lite::future::block_on(async {
            #[doc = concat!("let queue = runtime_sync::", stringify!($name), "::new(0);")]
            /// queue.join().await; // nothing unfinished: returns at once
            /// queue.put_nowait(1).unwrap();
            /// queue.get().await.unwrap();
            /// queue.task_done();
            /// queue.join().await;
            /// # });
            /// ```
            pub fn join(&self) -> JoinFuture<'_, T> {
                JoinFuture::new(&self.chan)
            }

            /// The number of items in the queue: asyncio's `qsize()`.
            ///
            /// ```
            #[doc = concat!("let queue = runtime_sync::", stringify!($name), "::new(0);")]
            /// queue.put_nowait(1).unwrap();
            /// assert_eq!(queue.qsize(), 1);
            /// ```
            pub fn qsize(&self) -> usize {
                self.chan.qsize()
            }

            /// Whether the queue holds no item: asyncio's `empty()`.
            ///
            /// ```
            #[doc = concat!("let queue = runtime_sync::", stringify!($name), "::<u8>::new(0);")]
            /// assert!(queue.empty());
            /// ```
            pub fn empty(&self) -> bool {
                self.qsize() == 0
            }

            /// Whether the queue holds `maxsize` items (never, if
            /// unbounded): asyncio's `full()`.
            ///
            /// ```
            #[doc = concat!("let queue = runtime_sync::", stringify!($name), "::new(1);")]
            /// queue.put_nowait(1).unwrap();
            /// assert!(queue.full());
            /// ```
            pub fn full(&self) -> bool {
                let maxsize = self.maxsize();
                maxsize > 0 && self.qsize() >= maxsize
            }

            /// Shuts the queue down: asyncio 3.13's `shutdown(immediate)`.
            ///
            /// From now on `put` and `put_nowait` fail; `get` returns the
            /// items left, then fails; every waiting getter and putter
            /// wakes up to find that out. With `immediate`, the items left
            /// are dropped right away, each counting as done for `join`,
            /// which returns if nothing else is unfinished.
            ///
            /// ```
            /// # futures_lite::future::block_on(async {
            #[doc = concat!("let queue = runtime_sync::", stringify!($name), "::new(0);")]
            /// queue.put_nowait(1).unwrap();
            /// queue.shutdown(false);
            /// assert!(queue.put_nowait(2).unwrap_err().is_shut_down());
            /// assert_eq!(queue.get().await, Ok(1)); // drains...
            /// assert!(queue.get().await.is_err()); // ...then fails
            /// # });
            /// ```
            pub fn shutdown(&self, immediate: bool) {
                self.chan.shutdown(immediate);
            }

            /// The items as a [`Stream`](futures_core::Stream), which ends
            /// when the queue is shut down and drained: asyncio's
            /// `while True: await queue.get()` loop.
            ///
            /// ```
            /// use futures_lite::StreamExt;
            /// # futures_lite::future::block_on(async {
            #[doc = concat!("let queue = runtime_sync::", stringify!($name), "::new(0);")]
            /// queue.put_nowait(1).unwrap();
            /// let mut items = queue.stream();
            /// assert_eq!(items.next().await, Some(1));
            /// # });
            /// ```
            pub fn stream(&self) -> QueueStream<'_, T> {
                QueueStream::new(&self.chan)
            }
        }

        impl<T $(: $bound)?> Default for $name<T> {
            /// An unbounded queue.
            ///
            /// ```
            #[doc = concat!("let queue: runtime_sync::", stringify!($name), "<u8> = Default::default();")]
            /// assert_eq!(queue.maxsize(), 0);
            /// ```
            fn default() -> Self {
                Self::new(0)
            }
        }

        impl<T $(: $bound)?> fmt::Debug for $name<T> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.debug_struct(stringify!($name))
                    .field("maxsize", &self.maxsize())
                    .field("qsize", &self.qsize())
                    .finish_non_exhaustive()
            }
        }
    };
}

queue_type! {
    /// A first-in, first-out queue for passing items between tasks:
    /// asyncio's `Queue`.
    ///
    /// Bounded (`maxsize > 0`: `put` waits while it is full) or not
    /// (`maxsize == 0`). Waiting getters and putters are served in order
    /// and are cancel-safe. `task_done` + `join` track unfinished work;
    /// `shutdown` ends it (asyncio 3.13). Share it between tasks with an
    /// `Arc`.
    ///
    /// # Examples
    ///
    /// A producer and a consumer, with `None` as the "no more work" sentinel:
    ///
    /// ```
    /// use std::sync::Arc;
    /// use runtime_sync::Queue;
    /// # futures_lite::future::block_on(async {
    /// let queue = Arc::new(Queue::new(2));
    /// let producer = {
    ///     let queue = queue.clone();
    ///     std::thread::spawn(move || futures_lite::future::block_on(async {
    ///         for n in 1..=5 {
    ///             queue.put(Some(n)).await.unwrap();
    ///         }
    ///         queue.put(None).await.unwrap();
    ///     }))
    /// };
    /// let mut sum = 0;
    /// while let Some(n) = queue.get().await.unwrap() {
    ///     sum += n;
    ///     queue.task_done();
    /// }
    /// queue.task_done(); // for the sentinel
    /// queue.join().await;
    /// assert_eq!(sum, 15);
    /// # producer.join().unwrap();
    /// # });
    /// ```
    Queue<T> = Fifo, "Queue";
}

queue_type! {
    /// A last-in, first-out queue (a stack): asyncio's `LifoQueue`.
    ///
    /// Same methods and guarantees as [`Queue`]; only the order differs.
    ///
    /// # Examples
    ///
    /// ```
    /// use runtime_sync::LifoQueue;
    ///
    /// let stack = LifoQueue::new(0);
    /// for n in 1..=3 {
    ///     stack.put_nowait(n).unwrap();
    /// }
    /// assert_eq!(stack.get_nowait(), Ok(3));
    /// assert_eq!(stack.get_nowait(), Ok(2));
    /// ```
    LifoQueue<T> = Lifo, "LifoQueue";
}

queue_type! {
    /// A queue that hands out the smallest item first: asyncio's
    /// `PriorityQueue` (a `heapq` min-heap). Use tuples such as
    /// `(priority, data)` as items; wrap in `std::cmp::Reverse` for
    /// largest first.
    ///
    /// Same methods and guarantees as [`Queue`]; only the order differs.
    ///
    /// # Examples
    ///
    /// ```
    /// use runtime_sync::PriorityQueue;
    ///
    /// let jobs = PriorityQueue::new(0);
    /// jobs.put_nowait((2, "later")).unwrap();
    /// jobs.put_nowait((1, "first")).unwrap();
    /// jobs.put_nowait((3, "last")).unwrap();
    /// assert_eq!(jobs.get_nowait(), Ok((1, "first")));
    /// assert_eq!(jobs.get_nowait(), Ok((2, "later")));
    /// ```
    PriorityQueue<T: Ord> = Priority, "PriorityQueue";
}
