//! `asyncio.wait` with `FIRST_EXCEPTION`: "A minimalistic guide for
//! understanding asyncio in Python", *Final words*: "asyncio.wait lets the
//! developer stop executing a batch of coroutines when there is at least
//! one exception". The guide shows no program; this is one in its style:
//!
//! ```python
//! async def add(x, y, delay):
//!     await asyncio.sleep(delay)
//!     if x < 0 or y < 0:
//!         raise ValueError(f"negative input: {x} + {y}")
//!     return x + y
//!
//! async def main():
//!     inputs = [(2, 3, 1), (-1, 5, 2), (7, 2, 3), (4, 4, 4)]
//!     tasks = [asyncio.create_task(add(x, y, d)) for x, y, d in inputs]
//!     done, pending = await asyncio.wait(tasks, return_when=asyncio.FIRST_EXCEPTION)
//!     print(f"{len(done)} done, {len(pending)} pending")
//!     for task in (t for t in tasks if t in done):
//!         if task.exception():
//!             print(f"exception: {task.exception()}")
//!         else:
//!             print(f"result: {task.result()}")
//!     for task in pending:
//!         task.cancel()
//!     await asyncio.wait(pending)
//!     print(f"cancelled {sum(t.cancelled() for t in pending)} pending tasks")
//! ```
//!
//! ```sh
//! cargo run --example wait_first_exception
//! ```
//!
//! `asyncio.wait` is `runtime::task::wait(handles, ReturnWhen::...)`,
//! giving `(done, pending)`: the results of the finished tasks and the
//! handles of the others, both in input order. The exception that escapes a
//! task is a panic here: `ReturnWhen::FirstException` returns at the first
//! task that panicked (or was cancelled). An `Err` a task *returns* is a
//! result like any other; to stop a batch at the first `Err`, use
//! `runtime::task::TaskGroup` instead. After 2 s:
//!
//! ```text
//! 2 done, 2 pending
//! result: 5
//! exception: negative input: -1 + 5
//! cancelled 2 pending tasks
//! ```

use runtime::task::{JoinError, ReturnWhen, wait};
use runtime::time::sleep;
use std::time::Duration;

#[path = "guide/console.rs"]
pub mod console;
use console::Console;

async fn add(x: i64, y: i64, delay: u64) -> i64 {
    sleep(Duration::from_secs(delay)).await;
    if x < 0 || y < 0 {
        panic!("negative input: {x} + {y}"); // raise ValueError(...)
    }
    x + y
}

/// The message of a task's panic (its exception).
fn exception(error: JoinError) -> String {
    let panic = error.into_panic();
    match (panic.downcast_ref::<String>(), panic.downcast_ref::<&str>()) {
        (Some(message), _) => message.clone(),
        (None, Some(message)) => message.to_string(),
        (None, None) => "a panic without a message".to_string(),
    }
}

/// `async def main()`.
pub async fn program(out: Console) {
    let inputs = [(2, 3, 1), (-1, 5, 2), (7, 2, 3), (4, 4, 4)];
    let tasks = inputs
        .iter()
        .map(|&(x, y, d)| runtime::spawn(add(x, y, d)))
        .collect();

    let (done, pending) = wait(tasks, ReturnWhen::FirstException).await;
    out.print(format!("{} done, {} pending", done.len(), pending.len()));
    for result in done {
        match result {
            Ok(sum) => out.print(format!("result: {sum}")),
            Err(error) if error.is_panic() => out.print(format!("exception: {}", exception(error))),
            Err(error) => out.print(format!("cancelled: {error}")),
        }
    }

    for task in &pending {
        task.abort();
    }
    let (stopped, _) = wait(pending, ReturnWhen::AllCompleted).await;
    let cancelled = stopped
        .iter()
        .filter(|r| r.as_ref().is_err_and(JoinError::is_cancelled));
    out.print(format!("cancelled {} pending tasks", cancelled.count()));
}

// asyncio runs every task on one thread; so does a current_thread runtime.
#[runtime::main(flavor = "current_thread")]
async fn main() {
    // The panic is this program's exception, printed by `program`: keep
    // the default hook from printing it too.
    std::panic::set_hook(Box::new(|_| {}));
    program(Console::stdout()).await; // asyncio.run(main())
}
