//! Timing a coroutine: "The Art of Concurrency: When and How to Use
//! AsyncIO in Python", *Advanced Patterns — Performance Profiling*.
//!
//! ```sh
//! cargo run --example profile_duration
//! ```
//!
//! The guide shows `do_work` alone; this port runs it from `main`.
//! `time.perf_counter()` is `runtime::time::Instant::now()` (asyncio's
//! `loop.time()`), which reads the runtime's clock, so the measurement is
//! also exact on a paused clock in tests:
//!
//! ```text
//! Duration: 2.00 seconds
//! ```

use runtime::time::{Instant, sleep};
use std::time::Duration;

#[path = "guide/console.rs"]
pub mod console;
use console::Console;

async fn do_work(out: &Console) {
    let start = Instant::now();
    sleep(Duration::from_secs(2)).await;
    let end = Instant::now();
    out.print(format!(
        "Duration: {:.2} seconds",
        (end - start).as_secs_f64()
    ));
}

/// `async def main(): await do_work()`.
pub async fn program(out: Console) {
    do_work(&out).await;
}

// asyncio runs every task on one thread; so does a current_thread runtime.
#[runtime::main(flavor = "current_thread")]
async fn main() {
    program(Console::stdout()).await; // asyncio.run(main())
}
