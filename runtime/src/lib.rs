//! A multi-threaded, work-stealing async runtime with Python asyncio's
//! programming model.
//!
//! If you know asyncio, you know this crate:
//!
//! | asyncio | runtime |
//! |---|---|
//! | `asyncio.run(main())` | [`run`]`(main())` or `#[runtime::main]` |
//! | `asyncio.create_task(coro)` | [`spawn`]`(fut)` → [`JoinHandle`](task::JoinHandle) |
//! | `await task` | `task.await` → `Result<T, JoinError>` |
//! | `task.cancel()` | [`JoinHandle::abort`](task::JoinHandle::abort) |
//! | `await asyncio.sleep(0)` | [`yield_now`]`().await` |
//! | `asyncio.to_thread(f)` | [`spawn_blocking`]`(f).await` |
//! | `asyncio.current_task()` | [`task::current_id`] |
//! | `loop.run_until_complete` | [`Runtime::block_on`] |
//! | `loop.run_forever()` / `loop.stop()` | [`Runtime::run_forever`] / [`Handle::stop`] |
//! | `await asyncio.sleep(d)` | [`time::sleep`]`(d).await` |
//! | `asyncio.wait_for(aw, t)` / `asyncio.timeout(t)` | [`time::timeout`]`(t, fut).await` |
//! | `asyncio.Lock`, `Semaphore`, `Event`, `Queue`... | [`sync`] |
//!
//! ```
//! #[runtime::main]
//! async fn main() {
//!     let mut tasks = Vec::new();
//!     for i in 0..10u64 {
//!         tasks.push(runtime::spawn(async move { i * i }));
//!     }
//!     let mut sum = 0;
//!     for task in tasks {
//!         sum += task.await.unwrap();
//!     }
//!     assert_eq!(sum, 285);
//! }
//! ```
//!
//! # The model
//!
//! A **task** is a future that the runtime polls to completion on its own,
//! like an asyncio task. The big difference from asyncio: by default tasks
//! run **in parallel** on a pool of worker threads, one per core, so a
//! spawned future must be `Send` and `'static`. For asyncio's exact model,
//! one thread running everything, build a
//! [`current_thread`](Builder::current_thread) runtime (there, `!Send`
//! futures can run via [`task::spawn_local`]).
//!
//! **Scheduling.** Each worker has a local run queue and a LIFO slot for the
//! task it just woke (so a message and its reply stay on one core, in
//! cache). Idle workers steal half the queue of a random busy one. Tasks
//! spawned from outside go through a global queue that every worker checks
//! regularly. A task that keeps finding its resources ready is made to yield
//! after a budget of about 128 operations, so no task starves the others;
//! a task that *blocks* (a long computation, `std::thread::sleep`, blocking
//! I/O) does stall its worker, which is what [`spawn_blocking`] is for.
//!
//! **Cancellation.** Dropping a `JoinHandle` detaches the task; [`abort`]
//! cancels it, which drops the future at its next `.await` point. Dropping
//! the [`Runtime`] cancels every task still alive, running its destructors.
//!
//! **Panics.** A panic inside a task is caught; it never takes down a
//! worker. Awaiting the task's handle gives a [`JoinError`](task::JoinError)
//! with `is_panic()`.
//!
//! # Cargo features
//!
//! All off by default.
//!
//! * `tracing`: task and worker events for `tracing` subscribers.
//! * `tokio-io`: tokio's `AsyncRead` / `AsyncWrite` on every stream type
//!   and half (`runtime::io::tokio_io`), for crates written against them
//!   (tokio-postgres's `connect_raw`, tokio-util codecs,
//!   tokio-tungstenite). The traits only: no tokio runtime is started.
//!
//! Crates hard-wired to tokio's *runtime* (reqwest, tonic, sqlx) run from
//! ours with the recipe in [`Builder::on_thread_start`]'s docs.
//!
//! [`abort`]: task::JoinHandle::abort

#![deny(unsafe_op_in_unsafe_fn)]
#![warn(missing_docs, missing_debug_implementations)]

mod blocking;
mod builder;
mod combinators;
pub mod debug;
mod driver;
pub mod fs;
mod handle;
#[cfg(all(feature = "hyper", not(any(loom, miri))))]
pub mod hyper;
pub mod io;
mod loom;
mod metrics;
#[cfg(not(any(loom, miri)))]
pub mod net;
#[cfg(not(any(loom, miri)))]
pub mod process;
mod runtime;
mod scheduler;
#[cfg(not(any(loom, miri)))]
pub mod signal;
// The per-signal protocol alone (the rest of `signal` needs the OS), for
// its loom models.
#[cfg(all(loom, test))]
#[path = "signal/slot.rs"]
mod signal_slot;
mod spawn;
pub mod stream;
mod sys;
pub mod task;
#[cfg(all(test, not(loom)))]
mod test_util;
pub mod time;
mod trace;
mod util;

pub use builder::Builder;
pub use debug::{SlowPoll, TaskInfo};
pub use handle::{EnterGuard, Handle, RuntimeFlavor};
pub use metrics::RuntimeMetrics;
pub use runtime::{Runtime, run};
pub use task::{spawn, spawn_blocking, yield_now};

pub use runtime_macros::{main, select, test};
pub use runtime_sync as sync;

/// Support for the macros; not public API.
#[doc(hidden)]
pub mod __private {
    pub use crate::combinators::{MaybeDone, TryMaybeDone};

    /// Where `select!` starts polling: a branch in `0..branches`, from a
    /// per-thread xorshift generator (fair enough for fairness; not for
    /// anything else).
    pub fn select_start(branches: usize) -> usize {
        use std::cell::Cell;
        thread_local! {
            static STATE: Cell<u32> = const { Cell::new(0) };
        }
        STATE.with(|state| {
            let mut x = state.get();
            if x == 0 {
                // Seeded per thread from the address of its state.
                x = (state as *const Cell<u32> as usize as u32) | 1;
            }
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            state.set(x);
            (x as usize) % branches
        })
    }

    /// Makes children spawned from now on wait through `SIGCHLD`, as on a
    /// system without pidfds: for the tests of that path.
    #[cfg(not(any(loom, miri)))]
    pub fn process_force_sigchld() {
        crate::process::force_sigchld();
    }
}
