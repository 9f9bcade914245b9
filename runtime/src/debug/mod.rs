//! Seeing inside the runtime: asyncio's debug mode and `all_tasks()`.
//!
//! * **Task dump** ([`Handle::dump`](crate::Handle::dump)): every alive
//!   task with its spawn location, state, what it waits on, poll count and
//!   age. The bookkeeping is always on; it costs a few words per task and a
//!   handful of instructions per spawn and poll (see `BENCHMARKS.md`).
//! * **Debug mode** ([`Builder::slow_poll_threshold`](crate::Builder::slow_poll_threshold),
//!   or `RUNTIME_DEBUG=1` for 100 ms): every poll longer than the threshold
//!   is reported (once; rarely twice, when it returns just as the watchdog
//!   reports it), with the task and where it was spawned — even while it
//!   is still stuck, by a watchdog thread — and a task that panics with
//!   nobody left to await it is reported too ("Task exception was never
//!   retrieved" in asyncio).
//! * **Metrics**: [`Handle::metrics`](crate::Handle::metrics).
//!
//! ```
//! use std::time::Duration;
//!
//! let rt = runtime::Builder::multi_thread()
//!     .slow_poll_threshold(Duration::from_millis(50))
//!     .build()
//!     .unwrap();
//! rt.block_on(async {
//!     let _waiting = runtime::spawn(std::future::pending::<()>());
//!     for task in runtime::Handle::current().dump() {
//!         println!("{task}");
//!     }
//! });
//! ```

mod dump;

pub use crate::scheduler::slow_poll::SlowPoll;
pub use crate::task::waiting::WaitingOn;
pub use dump::{TaskInfo, TaskState};
