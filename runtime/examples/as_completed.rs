//! Results as they are ready: "A minimalistic guide for understanding
//! asyncio in Python", *Schedule co-routines dynamically (as items are
//! ready)* (`asyncio_basic_9.py`).
//!
//! ```sh
//! cargo run --example as_completed
//! ```
//!
//! `for cor in asyncio.as_completed(cors): print(await cor)` is
//! `let mut done = runtime::task::as_completed(cors);` and
//! `while let Some(result) = done.next().await`: each result as soon as
//! its future finishes, earliest first. Here all four finish at once; as
//! the guide warns, their order is then not something to rely on. It
//! prints the four sums, one per line, e.g.:
//!
//! ```text
//! 5
//! 9
//! 10
//! 9
//! ```

#[path = "guide/console.rs"]
pub mod console;
use console::Console;

// A co-routine.
async fn add(x: i64, y: i64) -> i64 {
    x + y
}

// Create a function to schedule co-routines on the event loop,
// then print results.
pub async fn get_results(out: Console) {
    let inputs = [(2, 3), (4, 5), (5, 5), (7, 2)];
    // Create a co-routine list.
    let cors = inputs.iter().map(|&(x, y)| add(x, y));

    // Prints results of co-routines as they are ready.
    // Beware of non-deterministic output: the order can change based on
    // which co-routine finishes first.
    let mut done = runtime::task::as_completed(cors);
    while let Some(result) = done.next().await {
        out.print(result);
    }
}

// asyncio runs every task on one thread; so does a current_thread runtime.
#[runtime::main(flavor = "current_thread")]
async fn main() {
    get_results(Console::stdout()).await; // asyncio.run(get_results())
}
