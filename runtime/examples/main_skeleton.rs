//! The entry point, empty: "Asynchronous Programming with Asyncio", *Step 2:
//! Set Up the Main Entry Point*.
//!
//! ```sh
//! cargo run --example main_skeleton
//! ```
//!
//! `async def main(): pass` run with `asyncio.run(main())` is an
//! `async fn main` with `#[runtime::main]`, which builds the runtime, runs
//! `main` to completion and shuts the runtime down. It prints nothing.

#[path = "guide/console.rs"]
pub mod console;
use console::Console;

/// `async def main()`: your asynchronous code will go here.
pub async fn program(_out: Console) {}

// asyncio runs every task on one thread; so does a current_thread runtime.
#[runtime::main(flavor = "current_thread")]
async fn main() {
    program(Console::stdout()).await; // asyncio.run(main())
}
