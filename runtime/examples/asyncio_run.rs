//! `asyncio.run`: "A minimalistic guide for understanding asyncio in
//! Python", *Using asyncio.run* (`asyncio_basic_5.py`).
//!
//! ```sh
//! cargo run --example asyncio_run
//! ```
//!
//! `asyncio.run(get_results())` is `runtime::run(get_results())`: it makes
//! a runtime, runs the future to completion and shuts the runtime down, so
//! there is no loop to create, stop or close by hand (compare
//! `run_forever_stop`). `runtime::run` makes the default multi-thread
//! runtime; `#[runtime::main]` on an `async fn main` does the same. It
//! prints:
//!
//! ```text
//! 7 10
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
    let result1 = add(3, 4).await;
    let result2 = add(5, 5).await;
    out.print(format!("{result1} {result2}")); // Prints 7 10
}

fn main() {
    runtime::run(async { get_results(Console::stdout()).await });
}
