//! An async number generator: "Asynchronous Programming with Asyncio",
//! *Further Learning — 3. Implementing Asynchronous Generators*.
//!
//! ```sh
//! cargo run --example async_number_generator
//! ```
//!
//! The same generator as `async_generator`, under another name:
//! `runtime::stream::generate` is Python's async generator, and a
//! `while let Some(..) = s.next().await` loop is `async for`. One number a
//! second, 5 s in all:
//!
//! ```text
//! Generated number: 0
//! Generated number: 1
//! Generated number: 2
//! Generated number: 3
//! Generated number: 4
//! ```

use runtime::stream::{Stream, StreamExt, generate};
use runtime::time::sleep;
use std::time::Duration;

#[path = "guide/console.rs"]
pub mod console;
use console::Console;

fn async_number_generator() -> impl Stream<Item = u32> + Unpin {
    generate(|mut y| async move {
        for i in 0..5 {
            sleep(Duration::from_secs(1)).await;
            y.yield_(i).await;
        }
    })
}

/// `async def main()`.
pub async fn program(out: Console) {
    let mut numbers = async_number_generator();
    while let Some(number) = numbers.next().await {
        out.print(format!("Generated number: {number}"));
    }
}

// asyncio runs every task on one thread; so does a current_thread runtime.
#[runtime::main(flavor = "current_thread")]
async fn main() {
    program(Console::stdout()).await; // asyncio.run(main())
}
