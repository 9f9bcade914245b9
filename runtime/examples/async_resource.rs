//! An async context manager: "The Art of Concurrency: When and How to Use
//! AsyncIO in Python", *Advanced Patterns — Async Context Managers and
//! Iterators* (`AsyncResource` with `__aenter__` and `__aexit__`).
//!
//! ```sh
//! cargo run --example async_resource
//! ```
//!
//! Rust has no `async with` and no async `Drop`, so the block is a closure:
//! `async_with(AsyncResource, async |resource| { ... })` awaits
//! `__aenter__` (getting the resource takes 1 s), runs the block, then
//! awaits `__aexit__` (releasing it takes 1 s): 2 s in all, as in Python.
//! Errors are values here, so a block returning `Err` still gets its
//! `__aexit__`. If the task is *cancelled* inside the block, though, no
//! `__aexit__` can be awaited: cleanup that must happen then belongs in a
//! `Drop` impl (see `cancel_cleanup`). It prints:
//!
//! ```text
//! Using: my resource
//! ```

use runtime::time::sleep;
use std::time::Duration;

#[path = "guide/console.rs"]
pub mod console;
use console::Console;

struct AsyncResource;

impl AsyncResource {
    /// `__aenter__`: acquire the resource.
    async fn aenter(&mut self) -> String {
        self.get_resource().await
    }

    /// `__aexit__`: release it.
    async fn aexit(&mut self, resource: String) {
        self.release_resource(resource).await;
    }

    async fn get_resource(&self) -> String {
        sleep(Duration::from_secs(1)).await;
        "my resource".to_string()
    }

    async fn release_resource(&self, _resource: String) {
        sleep(Duration::from_secs(1)).await;
    }
}

/// `async with manager as resource: block`.
async fn async_with<R>(mut manager: AsyncResource, block: impl AsyncFnOnce(&str) -> R) -> R {
    let resource = manager.aenter().await;
    let result = block(&resource).await;
    manager.aexit(resource).await;
    result
}

/// `async def main()`.
pub async fn program(out: Console) {
    async_with(AsyncResource, async |resource| {
        out.print(format!("Using: {resource}"));
    })
    .await;
}

// asyncio runs every task on one thread; so does a current_thread runtime.
#[runtime::main(flavor = "current_thread")]
async fn main() {
    program(Console::stdout()).await; // asyncio.run(main())
}
