//! gather over tasks made at run time: "A minimalistic guide for
//! understanding asyncio in Python", *Schedule co-routines dynamically (in
//! one go)* (`asyncio_basic_8.py`).
//!
//! ```sh
//! cargo run --example gather_add_tasks
//! ```
//!
//! As `gather_add`, with a task per input (`runtime::spawn`): gathering
//! `JoinHandle`s gives each task's `Result` (an `Err` if it panicked or
//! was cancelled), in the order of the input. It prints:
//!
//! ```text
//! [5, 9, 10, 9]
//! ```

#[path = "guide/console.rs"]
pub mod console;
use console::Console;

// A co-routine.
async fn add(x: i64, y: i64) -> i64 {
    x + y
}

// Create a function to schedule tasks on the event loop,
// then print results.
pub async fn get_results(out: Console) {
    let inputs = [(2, 3), (4, 5), (5, 5), (7, 2)];

    // Create a task list.
    let tasks: Vec<_> = inputs
        .iter()
        .map(|&(x, y)| runtime::spawn(add(x, y)))
        .collect();
    let results = runtime::task::gather(tasks);

    let results: Vec<i64> = results
        .await
        .into_iter()
        .map(|r| r.expect("add failed"))
        .collect();
    out.print(format!("{results:?}")); // Prints [5, 9, 10, 9]
}

// asyncio runs every task on one thread; so does a current_thread runtime.
#[runtime::main(flavor = "current_thread")]
async fn main() {
    get_results(Console::stdout()).await; // asyncio.run(get_results())
}
