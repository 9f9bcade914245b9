//! Two tasks, gathered: "The Art of Concurrency: When and How to Use
//! AsyncIO in Python", *Core Concepts of AsyncIO — Tasks and Futures*.
//!
//! ```sh
//! cargo run --example create_task_gather
//! ```
//!
//! `asyncio.create_task(fetch_data())` is `runtime::spawn(fetch_data())`;
//! `await asyncio.gather(task1, task2)` is `runtime::task::gather` over the
//! two `JoinHandle`s, which gives each task's result (an `Err` if it
//! panicked or was cancelled) in the order given. Both tasks sleep at the
//! same time: 1 s in all. Prints the list as Python does:
//!
//! ```text
//! ['some data', 'some data']
//! ```

use runtime::time::sleep;
use std::time::Duration;

#[path = "guide/console.rs"]
pub mod console;
use console::Console;

async fn fetch_data() -> &'static str {
    sleep(Duration::from_secs(1)).await;
    "some data"
}

/// `async def main()`.
pub async fn program(out: Console) {
    let task1 = runtime::spawn(fetch_data());
    let task2 = runtime::spawn(fetch_data());

    // Wait for both tasks to finish.
    let results = runtime::task::gather([task1, task2]).await;
    let results: Vec<String> = results
        .into_iter()
        .map(|result| format!("'{}'", result.expect("fetch_data failed")))
        .collect();
    out.print(format!("[{}]", results.join(", "))); // print(results)
}

// asyncio runs every task on one thread; so does a current_thread runtime.
#[runtime::main(flavor = "current_thread")]
async fn main() {
    program(Console::stdout()).await; // asyncio.run(main())
}
