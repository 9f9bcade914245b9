//! asyncio's synchronization primitives, for any executor.
//!
//! This crate is `runtime::sync`. It gives Rust tasks the primitives of
//! Python's `asyncio` (3.13), with their semantics:
//!
//! | asyncio                    | here                                        |
//! |----------------------------|---------------------------------------------|
//! | `Lock`                     | [`Lock<T>`] (holds the data it protects)    |
//! | `Semaphore`                | [`Semaphore`]                               |
//! | `BoundedSemaphore`         | [`BoundedSemaphore`]                        |
//! | `Event`                    | [`Event`]                                   |
//! | `Condition`                | [`Condition`] (works with any [`Lock`])     |
//! | `Queue`, `PriorityQueue`, `LifoQueue` | [`Queue`], [`PriorityQueue`], [`LifoQueue`] |
//! | `Barrier`                  | [`Barrier`]                                 |
//! | `QueueEmpty`, `QueueFull`, `QueueShutDown`, `ValueError` | [`TryGetError`], [`TryPutError`], [`QueueShutDown`], [`PutError`], [`ReleaseError`] |
//!
//! ```
//! use std::sync::Arc;
//! use runtime_sync::{Lock, Queue};
//! # futures_lite::future::block_on(async {
//! let total = Arc::new(Lock::new(0));
//! let jobs = Arc::new(Queue::new(10));
//! jobs.put(5).await.unwrap();
//! *total.lock().await += jobs.get().await.unwrap();
//! jobs.task_done();
//! jobs.join().await;
//! assert_eq!(*total.lock().await, 5);
//! # });
//! ```
//!
//! # Any executor
//!
//! Nothing here knows about a runtime: waiting futures only store the
//! [`Waker`](std::task::Waker) of the task that polls them and wake it when
//! they can make progress. So every primitive works under `runtime`, under
//! tokio or smol, with `futures::executor::block_on`, or across plain
//! threads. All methods take `&self`; share a primitive between tasks with
//! an [`Arc`](std::sync::Arc). The types are `Send` and `Sync` wherever the
//! matching std types are (a `Lock<T>` or `Queue<T>` needs `T: Send`).
//!
//! # FIFO fairness
//!
//! Every wait is first come, first served. A task that starts waiting for a
//! lock, a permit, an item, or room in a queue is served before every task
//! that starts waiting after it, and a newcomer never overtakes a waiter:
//! when a lock is released with tasks waiting, it is *handed* to the first
//! of them (and stays locked meanwhile); when permits come back they go to
//! the first waiter, even one that asked for several (smaller requests
//! behind it wait); an item put into a queue with getters waiting is set
//! aside for the first of them. This is asyncio's behaviour, and it rules
//! out starvation.
//!
//! # Cancellation safety
//!
//! In Rust a task is cancelled by dropping its future, at any `.await`.
//! Every waiting future here can be dropped at any point without losing
//! anything: a dropped `lock()` that had already been handed the lock hands
//! it to the next waiter; a dropped `acquire()` returns the permits it had
//! been given; a dropped `get()` passes the item set aside for it to the
//! next getter (or leaves it in the queue); a dropped `put()` passes on its
//! reserved slot; a dropped [`Condition::wait`] that had been notified
//! passes the notification on (as asyncio 3.13 does); a dropped
//! [`Barrier::wait`] withdraws its arrival. Dropping a guard or a permit
//! releases it, like leaving an `async with` block.
//!
//! # Cost
//!
//! Waiting allocates nothing: each waiting future embeds its node of an
//! intrusive FIFO list (`waiters.rs` explains the protocol and why it is
//! sound). Uncontended paths are a single atomic operation for `Lock` and
//! `Semaphore`; waiter lists are guarded by a small mutex that is never held
//! while a waker runs. The one busy-wait is bounded: a `lock` that finds the
//! lock held by a task that may be running (and nobody queued) spins briefly
//! before it queues, since a hand-off costs a task switch (`lock/spin.rs`
//! explains the bounds; spinning overtakes no waiter).
//!
//! # Correctness checks
//!
//! The crate's atomics, cells and mutexes come from one facade (`loom.rs`),
//! so the same code runs under the [loom](https://docs.rs/loom) model
//! checker (`loom-tests/`). The unsafe code is also run under Miri.
#![deny(unsafe_op_in_unsafe_fn)]
#![warn(missing_docs)]

mod barrier;
mod condition;
mod error;
mod event;
mod lock;
mod loom;
mod queue;
mod semaphore;
#[cfg(all(test, not(loom)))]
mod test_util;
mod waiters;

pub use barrier::{Barrier, BarrierWait, BarrierWaitResult};
pub use condition::{Condition, ConditionWait};
pub use error::{PutError, QueueShutDown, ReleaseError, TryGetError, TryPutError};
pub use event::{Event, EventWait};
pub use lock::{Lock, LockFuture, LockGuard, OwnedLockFuture, OwnedLockGuard};
pub use queue::{GetFuture, JoinFuture, LifoQueue, PriorityQueue, PutFuture, Queue, QueueStream};
pub use semaphore::{
    AcquireFuture, AcquireOwnedFuture, BoundedSemaphore, OwnedSemaphorePermit, Semaphore,
    SemaphorePermit,
};

/// Compile-time checks that the types are `Send`/`Sync` where std's
/// equivalents are (`Mutex<T>`, `MutexGuard`, `mpsc`), and `!Unpin` futures
/// stay usable through `Pin`.
const _: () = {
    const fn send<T: Send>() {}
    const fn sync<T: Sync>() {}
    const fn send_sync<T: Send + Sync>() {}

    // Shared between tasks: Send + Sync (with `T: Send` for containers).
    send_sync::<Lock<std::cell::Cell<u8>>>();
    send_sync::<Semaphore>();
    send_sync::<BoundedSemaphore>();
    send_sync::<Event>();
    send_sync::<Condition>();
    send_sync::<Barrier>();
    send_sync::<Queue<std::cell::Cell<u8>>>();
    send_sync::<LifoQueue<std::cell::Cell<u8>>>();
    send_sync::<PriorityQueue<u8>>();

    // Guards and permits move across `.await`s into multi-threaded tasks.
    send_sync::<LockGuard<'static, u8>>();
    send::<LockGuard<'static, std::cell::Cell<u8>>>();
    send_sync::<OwnedLockGuard<u8>>();
    send_sync::<SemaphorePermit<'static>>();
    send_sync::<OwnedSemaphorePermit>();

    // Every future is Send + Sync (for `T: Send`), so tasks awaiting them
    // can be spawned on a multi-threaded runtime.
    send_sync::<LockFuture<'static, std::cell::Cell<u8>>>();
    send_sync::<OwnedLockFuture<std::cell::Cell<u8>>>();
    send_sync::<AcquireFuture<'static>>();
    send_sync::<AcquireOwnedFuture>();
    send_sync::<EventWait<'static>>();
    send_sync::<ConditionWait<'static, 'static, u8>>();
    send::<ConditionWait<'static, 'static, std::cell::Cell<u8>>>();
    send_sync::<BarrierWait<'static>>();
    send_sync::<GetFuture<'static, std::cell::Cell<u8>>>();
    send_sync::<PutFuture<'static, std::cell::Cell<u8>>>();
    send_sync::<JoinFuture<'static, std::cell::Cell<u8>>>();
    send_sync::<QueueStream<'static, std::cell::Cell<u8>>>();

    // Errors can go into `Box<dyn Error + Send + Sync>`.
    send_sync::<PutError<u8>>();
    send_sync::<TryPutError<u8>>();
    send_sync::<TryGetError>();
    send_sync::<QueueShutDown>();
    send_sync::<ReleaseError>();
    sync::<BarrierWaitResult>();
};

/// The negative side: what must *not* be `Sync`/`Send`.
///
/// A guard hands out `&T`, so sharing it needs `T: Sync`:
///
/// ```compile_fail
/// fn sync<T: Sync>() {}
/// sync::<runtime_sync::LockGuard<'static, std::cell::Cell<u8>>>();
/// ```
///
/// A lock moves its value between threads, so it needs `T: Send`:
///
/// ```compile_fail
/// fn send<T: Send>() {}
/// send::<runtime_sync::Lock<std::rc::Rc<u8>>>();
/// ```
///
/// and so does a queue:
///
/// ```compile_fail
/// fn sync<T: Sync>() {}
/// sync::<runtime_sync::Queue<std::rc::Rc<u8>>>();
/// ```
///
/// A queue future carrying a `!Send` item is not `Send`:
///
/// ```compile_fail
/// fn send<T: Send>() {}
/// send::<runtime_sync::PutFuture<'static, std::rc::Rc<u8>>>();
/// ```
#[cfg(doctest)]
pub struct AutoTraitsNegative;
