//! One deadline for several steps, `asyncio.timeout_at`: the guides use
//! `asyncio.wait_for` (see `wait_for_fallback`) and name timeouts among the
//! reasons to cancel; Python 3.11's `asyncio.timeout_at` puts one deadline
//! around a whole block. A program in the style of "A minimalistic guide
//! for understanding asyncio in Python":
//!
//! ```python
//! async def add(x, y):
//!     await asyncio.sleep(1)
//!     return x + y
//!
//! async def main():
//!     inputs = [(3, 4), (5, 5), (2, 3), (7, 2)]
//!     results = []
//!     loop = asyncio.get_running_loop()
//!     try:
//!         async with asyncio.timeout_at(loop.time() + 2.5):
//!             for x, y in inputs:
//!                 s = await add(x, y)
//!                 print(f"{x} + {y} = {s}")
//!                 results.append(s)
//!         print(f"all done: {results}")
//!     except TimeoutError:
//!         print(f"deadline passed after {len(results)} of {len(inputs)} sums: {results}")
//! ```
//!
//! ```sh
//! cargo run --example timeout_deadline
//! ```
//!
//! `async with asyncio.timeout_at(when):` is
//! `runtime::time::timeout_at(when, async { ... })`, with
//! `runtime::time::Instant::now()` as `loop.time()`; when the deadline
//! passes, the block is dropped wherever it waits (the third `add`, here),
//! as asyncio cancels it. The sums done by then are kept:
//!
//! ```text
//! 3 + 4 = 7
//! 5 + 5 = 10
//! deadline passed after 2 of 4 sums: [7, 10]
//! ```

use runtime::time::{Instant, sleep, timeout_at};
use std::time::Duration;

#[path = "guide/console.rs"]
pub mod console;
use console::Console;

async fn add(x: i64, y: i64) -> i64 {
    sleep(Duration::from_secs(1)).await;
    x + y
}

/// `async def main()`.
pub async fn program(out: Console) {
    let inputs = [(3, 4), (5, 5), (2, 3), (7, 2)];
    let mut results = Vec::new();
    let deadline = Instant::now() + Duration::from_millis(2500);

    let block = async {
        for &(x, y) in &inputs {
            let s = add(x, y).await;
            out.print(format!("{x} + {y} = {s}"));
            results.push(s);
        }
    };
    let outcome = timeout_at(deadline, block).await;

    match outcome {
        Ok(()) => out.print(format!("all done: {results:?}")),
        Err(_elapsed) => out.print(format!(
            "deadline passed after {} of {} sums: {results:?}",
            results.len(),
            inputs.len()
        )),
    }
}

// asyncio runs every task on one thread; so does a current_thread runtime.
#[runtime::main(flavor = "current_thread")]
async fn main() {
    program(Console::stdout()).await; // asyncio.run(main())
}
