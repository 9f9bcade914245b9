//! An async iterator type: "The Art of Concurrency: When and How to Use
//! AsyncIO in Python", *Advanced Patterns — Async Context Managers and
//! Iterators* (`AsyncIterator` with `__aiter__` and `__anext__`).
//!
//! ```sh
//! cargo run --example async_iterator
//! ```
//!
//! A class with `__anext__` is a type implementing `Stream`: `poll_next`
//! is `__anext__`, `Ready(None)` is `raise StopAsyncIteration`, and the
//! `await asyncio.sleep(0.1)` inside it is a `Sleep` the type keeps
//! between polls. (`runtime::stream::generate`, as in `async_generator`,
//! writes the same without a type.) Five items, 0.1 s apart:
//!
//! ```text
//! 1
//! 2
//! 3
//! 4
//! 5
//! ```

use runtime::stream::{Stream, StreamExt};
use runtime::time::{Sleep, sleep};
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll, ready};
use std::time::Duration;

#[path = "guide/console.rs"]
pub mod console;
use console::Console;

struct AsyncIterator {
    limit: u32,
    count: u32,
    /// The `asyncio.sleep(0.1)` in progress, if any.
    delay: Option<Pin<Box<Sleep>>>,
}

impl AsyncIterator {
    fn new(limit: u32) -> AsyncIterator {
        AsyncIterator {
            limit,
            count: 0,
            delay: None,
        }
    }
}

impl Stream for AsyncIterator {
    type Item = u32;

    /// `__anext__`.
    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<u32>> {
        if self.count >= self.limit {
            return Poll::Ready(None); // raise StopAsyncIteration
        }
        let delay = self
            .delay
            .get_or_insert_with(|| Box::pin(sleep(Duration::from_millis(100))));
        ready!(delay.as_mut().poll(cx));
        self.delay = None;
        self.count += 1;
        Poll::Ready(Some(self.count))
    }
}

/// `async def main()`.
pub async fn program(out: Console) {
    let mut items = AsyncIterator::new(5);
    while let Some(item) = items.next().await {
        out.print(item);
    }
}

// asyncio runs every task on one thread; so does a current_thread runtime.
#[runtime::main(flavor = "current_thread")]
async fn main() {
    program(Console::stdout()).await; // asyncio.run(main())
}
