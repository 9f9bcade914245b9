//! `loop.run_until_complete`: "A minimalistic guide for understanding
//! asyncio in Python", *Basics of asyncio* (`asyncio_basic_2.py`).
//!
//! ```sh
//! cargo run --example run_until_complete
//! ```
//!
//! `asyncio.get_event_loop()` is a `runtime::Runtime` (a current_thread
//! one: asyncio's single-threaded loop), and `loop.run_until_complete(coro)`
//! is `Runtime::block_on(future)`: start the loop, run the future to
//! completion, stop the loop, and return the future's value. It prints:
//!
//! ```text
//! 7
//! ```

use runtime::Runtime;

#[path = "guide/console.rs"]
pub mod console;
use console::Console;

// A co-routine.
async fn add(x: i64, y: i64) -> i64 {
    x + y
}

/// The program, on the event loop `main` made.
pub fn program(out: Console, event_loop: &Runtime) {
    // Pass the co-routine to the loop.
    let result = event_loop.block_on(add(3, 4));
    out.print(result); // Prints 7
}

fn main() {
    // An event loop.
    let event_loop = runtime::Builder::current_thread()
        .build()
        .expect("start the event loop");
    program(Console::stdout(), &event_loop);
}
