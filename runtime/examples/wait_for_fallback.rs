//! A deadline with a fallback value: "A minimalistic guide for
//! understanding asyncio in Python", *Schedule co-routines with a time
//! deadline* (`asyncio_basic_10.py`).
//!
//! ```sh
//! cargo run --example wait_for_fallback
//! ```
//!
//! `add` takes a random 1 to 4 s. `asyncio.wait_for(coro, timeout=3)` is
//! `runtime::time::timeout(3 s, future)`: `Ok(sum)` if it is done in time,
//! `Err(Elapsed)` (asyncio's `TimeoutError`) otherwise, and then the future
//! is dropped, which cancels it, as asyncio cancels the coroutine. It
//! prints `7` after 1 or 2 s, or `fallback payload` after 3 s.
//!
//! One difference, at the exact tie: when `add` takes exactly 3 s, Python
//! prints the fallback (its timeout was armed before the sleep inside
//! `add`, so it fires first), and this port prints `7`: `timeout` polls the
//! future before it checks the deadline, and its limit starts when the
//! future first waits, so a future done right at the deadline wins.
//!
//! Python's `random` is `guide/random.rs` (seedable, so the tests can try
//! every delay).

use runtime::time::{sleep, timeout};
use std::time::Duration;

#[path = "guide/console.rs"]
pub mod console;
use console::Console;

#[path = "guide/random.rs"]
pub mod random;
use random::Random;

// A co-routine.
async fn add(random: &Random, x: i64, y: i64) -> i64 {
    // The function can do work between 1 second to 5 seconds.
    sleep(Duration::from_secs(random.randrange(1, 5))).await;
    x + y
}

// Create a function to schedule co-routines on the event loop,
// then print results.
pub async fn get_results(out: Console, random: Random) {
    // Wait for 3 seconds for the co-routine to execute.
    let result = match timeout(Duration::from_secs(3), add(&random, 3, 4)).await {
        Ok(sum) => sum.to_string(),
        Err(_elapsed) => "fallback payload".to_string(),
    };
    out.print(result);
}

// asyncio runs every task on one thread; so does a current_thread runtime.
#[runtime::main(flavor = "current_thread")]
async fn main() {
    get_results(Console::stdout(), Random::new()).await; // asyncio.run(get_results())
}
