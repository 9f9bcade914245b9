//! asyncio's synchronization primitives for any executor.
#![deny(unsafe_op_in_unsafe_fn)]

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
