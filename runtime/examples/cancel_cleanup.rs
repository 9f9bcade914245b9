//! Cleaning up when cancelled, `asyncio.CancelledError`: "The Art of
//! Concurrency: When and How to Use AsyncIO in Python", *Error Handling and
//! Debugging* and *Practical Tips* ("Properly handle
//! asyncio.CancelledError in tasks to clean up resources"). The guide shows
//! no program; this is one in its style:
//!
//! ```python
//! async def worker(name):
//!     print(f"{name}: started")
//!     try:
//!         while True:
//!             await asyncio.sleep(1)
//!             print(f"{name}: working")
//!     except asyncio.CancelledError:
//!         print(f"{name}: cleaning up")
//!         raise
//!
//! async def main():
//!     task = asyncio.create_task(worker("worker"))
//!     await asyncio.sleep(2.5)
//!     task.cancel()
//!     try:
//!         await task
//!     except asyncio.CancelledError:
//!         print("main: worker was cancelled")
//! ```
//!
//! ```sh
//! cargo run --example cancel_cleanup
//! ```
//!
//! `task.cancel()` is `JoinHandle::abort()`. There is no exception for the
//! task to catch: its future is dropped where it waits, so the cleanup goes
//! in a `Drop` impl of a value the task holds (a guard), which runs then.
//! (It would also run if the worker returned; the loop here never does.)
//! Awaiting the handle gives a `JoinError` whose `is_cancelled()` is true,
//! asyncio's `CancelledError` in `main`. It prints:
//!
//! ```text
//! worker: started
//! worker: working
//! worker: working
//! worker: cleaning up
//! main: worker was cancelled
//! ```

use runtime::time::sleep;
use std::time::Duration;

#[path = "guide/console.rs"]
pub mod console;
use console::Console;

/// What the `except asyncio.CancelledError:` block does, run on drop.
struct CleanUp {
    out: Console,
    name: &'static str,
}

impl Drop for CleanUp {
    fn drop(&mut self) {
        self.out.print(format!("{}: cleaning up", self.name));
    }
}

async fn worker(out: Console, name: &'static str) {
    out.print(format!("{name}: started"));
    let _cleanup = CleanUp {
        out: out.clone(),
        name,
    };
    loop {
        sleep(Duration::from_secs(1)).await;
        out.print(format!("{name}: working"));
    }
}

/// `async def main()`.
pub async fn program(out: Console) {
    let task = runtime::spawn(worker(out.clone(), "worker"));
    sleep(Duration::from_millis(2500)).await;
    task.abort();
    match task.await {
        Err(error) if error.is_cancelled() => out.print("main: worker was cancelled"),
        Err(error) => out.print(format!("main: worker failed: {error}")),
        Ok(()) => out.print("main: worker finished"),
    }
}

// asyncio runs every task on one thread; so does a current_thread runtime.
#[runtime::main(flavor = "current_thread")]
async fn main() {
    program(Console::stdout()).await; // asyncio.run(main())
}
