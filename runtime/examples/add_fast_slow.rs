//! A fast and a slow task: "A minimalistic guide for understanding asyncio
//! in Python", *Understanding concurrency via asyncio*
//! (`asyncio_basic_6.py`).
//!
//! ```sh
//! cargo run --example add_fast_slow
//! ```
//!
//! Two tasks (`runtime::spawn`) sleep 5 s and 3 s at the same time, so both
//! results are ready after 5 s instead of the 8 s of a sequential program:
//!
//! ```text
//! starting slow add
//! starting fast add
//! result ready for fast add
//! result ready for slow add
//! 7 10
//! ```

use runtime::time::sleep;
use std::time::Duration;

#[path = "guide/console.rs"]
pub mod console;
use console::Console;

// A fast co-routine.
async fn add_fast(out: Console, x: i64, y: i64) -> i64 {
    out.print("starting fast add");
    sleep(Duration::from_secs(3)).await; // Mimic some network delay
    out.print("result ready for fast add");
    x + y
}

// A slow co-routine.
async fn add_slow(out: Console, x: i64, y: i64) -> i64 {
    out.print("starting slow add");
    sleep(Duration::from_secs(5)).await; // Mimic some network delay
    out.print("result ready for slow add");
    x + y
}

// Create a function to schedule co-routines.
pub async fn get_results(out: Console) {
    let task1 = runtime::spawn(add_slow(out.clone(), 3, 4));
    let task2 = runtime::spawn(add_fast(out.clone(), 5, 5));

    let (result1, result2) = (task1.await.unwrap(), task2.await.unwrap());
    out.print(format!("{result1} {result2}")); // Prints 7 10
}

// asyncio runs every task on one thread; so does a current_thread runtime.
#[runtime::main(flavor = "current_thread")]
async fn main() {
    get_results(Console::stdout()).await; // asyncio.run(get_results())
}
