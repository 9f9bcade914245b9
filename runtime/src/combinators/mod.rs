//! Composing tasks and futures the asyncio way: `gather`, `as_completed`,
//! `wait`, `TaskGroup`, and `JoinSet` for tasks that come and go.
//!
//! All of them run their futures concurrently *inside the awaiting task*
//! (spawn first to run them in parallel on several workers) and share one
//! engine, `FutureSet`, which polls only the futures that were woken.

mod as_completed;
mod future_set;
mod gather;
mod join_set;
mod maybe_done;
mod race;
mod ready_list;
mod task_group;
mod task_group_error;
mod wait;

pub use as_completed::{AsCompleted, as_completed};
pub use gather::{Gather, TryGather, gather, try_gather};
pub use join_set::JoinSet;
pub use maybe_done::{MaybeDone, TryMaybeDone};
pub use race::{Race, race};
pub use task_group::{Join, TaskGroup};
pub use task_group_error::TaskGroupError;
pub use wait::{ReturnWhen, Wait, WaitOutput, WaitTimeout, wait, wait_timeout};
