//! Tasks: asyncio's `create_task`, `Task`, `to_thread`, `current_task`.
//!
//! A task is a future the runtime drives to completion on its own, in
//! parallel with other tasks. [`spawn`](crate::spawn) starts one and returns
//! its [`JoinHandle`]; awaiting the handle gives the output.
//!
//! ```
//! #[runtime::main(worker_threads = 2)]
//! async fn main() {
//!     let a = runtime::spawn(async { 1 });
//!     let b = runtime::spawn(async { 2 });
//!     assert_eq!(a.await.unwrap() + b.await.unwrap(), 3);
//! }
//! ```
//!
//! # Layout
//!
//! This file is the public face of tasks: the spawn functions (in
//! `crate::spawn`, which know about schedulers) and the combinators are
//! re-exported here. The files under `task/` are the task core: one
//! allocation per task, its state machine, wakers and join handles. The
//! core knows nothing of schedulers beyond the `Schedule` trait a scheduler
//! implements (see `task/schedule.rs` for how a task works inside).

pub(crate) mod coop;
pub(crate) mod core;
pub(crate) mod current;
mod error;
mod harness;
mod id;
mod join;
pub(crate) mod list;
mod raw;
mod schedule;
pub(crate) mod state;
pub(crate) mod waiting;
mod waker;
mod yield_now;

#[cfg(test)]
pub(crate) mod mock;
#[cfg(test)]
mod tests;

pub use crate::combinators::{
    AsCompleted, Gather, Join, JoinSet, Race, ReturnWhen, TaskGroup, TaskGroupError, TryGather,
    Wait, WaitOutput, WaitTimeout, as_completed, gather, race, try_gather, wait, wait_timeout,
};
pub use crate::spawn::{current_id, spawn, spawn_blocking, spawn_local};
pub use coop::{Unconstrained, consume_budget, unconstrained};
pub use error::JoinError;
pub use id::TaskId;
pub(crate) use id::TaskMeta;
pub use join::JoinHandle;
pub use yield_now::yield_now;

pub(crate) use schedule::{Notified, Result, Schedule, Task, unowned};
pub(crate) use waiting::WaitingOn;
