//! Hello, then World!: "The Art of Concurrency: When and How to Use AsyncIO
//! in Python", *Getting Started with AsyncIO*.
//!
//! ```sh
//! cargo run --example greet
//! ```
//!
//! `greet` prints, sleeps 1 s without blocking the loop
//! (`runtime::time::sleep`), and prints again:
//!
//! ```text
//! Hello
//! World!
//! ```

use runtime::time::sleep;
use std::time::Duration;

#[path = "guide/console.rs"]
pub mod console;
use console::Console;

async fn greet(out: &Console) {
    out.print("Hello");
    sleep(Duration::from_secs(1)).await;
    out.print("World!");
}

/// `async def main()`.
pub async fn program(out: Console) {
    greet(&out).await;
}

// asyncio runs every task on one thread; so does a current_thread runtime.
#[runtime::main(flavor = "current_thread")]
async fn main() {
    program(Console::stdout()).await; // asyncio.run(main())
}
