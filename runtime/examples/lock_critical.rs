//! A critical section under a lock: "The Art of Concurrency: When and How
//! to Use AsyncIO in Python", *Synchronization Primitives — Locks and
//! Semaphores*.
//!
//! ```sh
//! cargo run --example lock_critical
//! ```
//!
//! `async with lock:` is `let _guard = lock.lock().await;`, released when
//! the guard is dropped at the end of its block. `asyncio.Lock` guards no
//! data; `runtime::sync::Lock<T>` holds the data it protects, here `()`.
//! Only one task is in the critical section at a time, so the program
//! takes 2 s:
//!
//! ```text
//! Task A waiting for lock
//! Task A acquired lock
//! Task B waiting for lock
//! Task A released lock
//! Task B acquired lock
//! Task B released lock
//! ```

use runtime::sync::Lock;
use runtime::time::sleep;
use std::sync::Arc;
use std::time::Duration;

#[path = "guide/console.rs"]
pub mod console;
use console::Console;

async fn critical_section(out: Console, lock: Arc<Lock<()>>, name: &str) {
    out.print(format!("{name} waiting for lock"));
    {
        let _guard = lock.lock().await;
        out.print(format!("{name} acquired lock"));
        sleep(Duration::from_secs(1)).await;
    }
    out.print(format!("{name} released lock"));
}

/// `async def main()`.
pub async fn program(out: Console) {
    let lock = Arc::new(Lock::new(()));
    let tasks = vec![
        runtime::spawn(critical_section(out.clone(), lock.clone(), "Task A")),
        runtime::spawn(critical_section(out.clone(), lock.clone(), "Task B")),
    ];
    for result in runtime::task::gather(tasks).await {
        result.expect("a task failed");
    }
}

// asyncio runs every task on one thread; so does a current_thread runtime.
#[runtime::main(flavor = "current_thread")]
async fn main() {
    program(Console::stdout()).await; // asyncio.run(main())
}
