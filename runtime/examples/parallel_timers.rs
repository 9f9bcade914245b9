//! Parallel timers of 2, 5 and 10 s: "The Art of Concurrency: When and How
//! to Use AsyncIO in Python", *Basic AsyncIO Examples — Parallel Timers*.
//!
//! ```sh
//! cargo run --example parallel_timers
//! ```
//!
//! Three tasks start at once, each awaiting its own sleep; the program
//! ends with the longest, after 10 s (not 17):
//!
//! ```text
//! Timer Short started for 2 seconds.
//! Timer Medium started for 5 seconds.
//! Timer Long started for 10 seconds.
//! Timer Short ended.
//! Timer Medium ended.
//! Timer Long ended.
//! ```

use runtime::time::sleep;
use std::time::Duration;

#[path = "guide/console.rs"]
pub mod console;
use console::Console;

async fn timer(out: Console, name: &str, duration: u64) {
    out.print(format!("Timer {name} started for {duration} seconds."));
    sleep(Duration::from_secs(duration)).await;
    out.print(format!("Timer {name} ended."));
}

/// `async def main()`.
pub async fn program(out: Console) {
    // Launch multiple timers simultaneously.
    let tasks = vec![
        runtime::spawn(timer(out.clone(), "Short", 2)),
        runtime::spawn(timer(out.clone(), "Medium", 5)),
        runtime::spawn(timer(out.clone(), "Long", 10)),
    ];
    for result in runtime::task::gather(tasks).await {
        result.expect("a timer failed");
    }
}

// asyncio runs every task on one thread; so does a current_thread runtime.
#[runtime::main(flavor = "current_thread")]
async fn main() {
    program(Console::stdout()).await; // asyncio.run(main())
}
