//! An async generator and `async for`: "Asynchronous Programming with
//! Asyncio", *Asynchronous Iterators and Generators — Example: Asynchronous
//! Data Streaming*.
//!
//! ```sh
//! cargo run --example async_generator
//! ```
//!
//! `async def async_generator(): ... yield i` is
//! `runtime::stream::generate(|mut y| async move { ... y.yield_(i).await })`,
//! and `async for number in async_generator()` is
//! `while let Some(number) = numbers.next().await`. The generator runs only
//! when the loop asks for the next number, as in Python. One number a
//! second, 5 s in all:
//!
//! ```text
//! Received number: 0
//! Received number: 1
//! Received number: 2
//! Received number: 3
//! Received number: 4
//! ```

use runtime::stream::{Stream, StreamExt, generate};
use runtime::time::sleep;
use std::time::Duration;

#[path = "guide/console.rs"]
pub mod console;
use console::Console;

fn async_generator() -> impl Stream<Item = u32> + Unpin {
    generate(|mut y| async move {
        for i in 0..5 {
            sleep(Duration::from_secs(1)).await;
            y.yield_(i).await;
        }
    })
}

/// `async def main()`.
pub async fn program(out: Console) {
    let mut numbers = async_generator();
    while let Some(number) = numbers.next().await {
        out.print(format!("Received number: {number}"));
    }
}

// asyncio runs every task on one thread; so does a current_thread runtime.
#[runtime::main(flavor = "current_thread")]
async fn main() {
    program(Console::stdout()).await; // asyncio.run(main())
}
