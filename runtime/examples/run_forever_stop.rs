//! `loop.run_forever` and `loop.stop`: "A minimalistic guide for
//! understanding asyncio in Python", *Schedule multiple co-routines (in
//! same loop)* (`asyncio_basic_4.py`).
//!
//! ```sh
//! cargo run --example run_forever_stop
//! ```
//!
//! `loop.create_task(coro)` is `Runtime::spawn`, `loop.run_forever()` is
//! `Runtime::run_forever()`, and the task ends it with `Handle::stop()`
//! (asyncio's `loop.stop()`; a `Handle` is the part of the loop a task can
//! hold). `loop.close()` is dropping the runtime, which happens in Rust on
//! every way out, as `finally:` ensures in Python. It prints:
//!
//! ```text
//! 7 10
//! ```

use runtime::{Handle, Runtime};

#[path = "guide/console.rs"]
pub mod console;
use console::Console;

// A co-routine.
async fn add(x: i64, y: i64) -> i64 {
    x + y
}

// Create a function to schedule co-routines on the event loop,
// then print results and stop the loop.
async fn get_results(out: Console, event_loop: Handle) {
    let result1 = add(3, 4).await;
    let result2 = add(5, 5).await;
    out.print(format!("{result1} {result2}")); // Prints 7 10
    event_loop.stop();
}

/// The program, on the event loop `main` made; closes it.
pub fn program(out: Console, event_loop: Runtime) {
    event_loop.spawn(get_results(out, event_loop.handle().clone()));

    // Blocking call interrupted by loop.stop().
    event_loop.run_forever();
    drop(event_loop); // finally: loop.close()
}

fn main() {
    // An event loop.
    let event_loop = runtime::Builder::current_thread()
        .build()
        .expect("start the event loop");
    program(Console::stdout(), event_loop);
}
