//! Concurrent fetches with tasks, about 3 s: "Asynchronous Programming with
//! Asyncio", *Creating Tasks for Concurrent Execution — Example: Concurrent
//! Execution Using Tasks*.
//!
//! ```sh
//! cargo run --example fetch_tasks
//! ```
//!
//! `asyncio.create_task` is `runtime::spawn`; awaiting a task gives a
//! `Result` (`Err` if the task panicked or was cancelled). Both fetches
//! sleep at the same time, so the program takes 3 s instead of the 6 s of
//! `fetch_sequential`. Timestamps count from 00:00:00 when the program
//! starts (Python prints the wall clock):
//!
//! ```text
//! Fetching data...
//! Fetching data...
//! Data retrieved.
//! Data retrieved.
//! Data one: {'input': 1, 'start_time': '00:00:00', 'end_time': '00:00:03'}
//! Data two: {'input': 2, 'start_time': '00:00:00', 'end_time': '00:00:03'}
//! ```

#[path = "guide/console.rs"]
pub mod console;
use console::Console;

#[path = "guide/fetch.rs"]
mod fetch;
use fetch::fetch_data;

/// `async def main()`.
pub async fn program(out: Console) {
    // Create asynchronous tasks.
    let task_one = runtime::spawn(fetch_data(out.clone(), 1));
    let task_two = runtime::spawn(fetch_data(out.clone(), 2));

    // Await the completion of both tasks.
    let data_one = task_one.await.expect("fetch_data(1) failed");
    let data_two = task_two.await.expect("fetch_data(2) failed");

    out.print(format!("Data one: {data_one}"));
    out.print(format!("Data two: {data_two}"));
}

// asyncio runs every task on one thread; so does a current_thread runtime.
#[runtime::main(flavor = "current_thread")]
async fn main() {
    program(Console::stdout()).await; // asyncio.run(main())
}
