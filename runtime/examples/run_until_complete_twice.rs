//! `run_until_complete`, twice: "A minimalistic guide for understanding
//! asyncio in Python", *Schedule multiple co-routines (in different
//! loops)* (`asyncio_basic_3.py`).
//!
//! ```sh
//! cargo run --example run_until_complete_twice
//! ```
//!
//! Each `block_on` starts the loop, runs one future and stops the loop, so
//! the two additions run one after the other, like two plain function
//! calls. It prints:
//!
//! ```text
//! 7
//! 10
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
    // Execute two co-routines.
    let result1 = event_loop.block_on(add(3, 4));
    let result2 = event_loop.block_on(add(5, 5));

    out.print(result1); // Prints 7
    out.print(result2); // Prints 10
}

fn main() {
    // An event loop.
    let event_loop = runtime::Builder::current_thread()
        .build()
        .expect("start the event loop");
    program(Console::stdout(), &event_loop);
}
