//! Logging a task's error: "The Art of Concurrency: When and How to Use
//! AsyncIO in Python", *Error Handling and Debugging*.
//!
//! ```sh
//! cargo run --example task_error_logging
//! ```
//!
//! A raised `ValueError` is an `Err(ValueError)` the task returns. Awaiting
//! the task gives `Result<Result<(), ValueError>, JoinError>`: the outer
//! `Err` would be a panic or a cancellation (asyncio raises those through
//! `await task` too), the inner one is the `except ValueError` case, which
//! is logged after 1 s on stderr, in the format of
//! `logging.basicConfig`:
//!
//! ```text
//! ERROR:root:Caught an exception in main
//! ValueError: Something went wrong!
//! ```
//!
//! Differences: Python's `logging.exception` also prints the traceback
//! (Rust errors carry none), and with `level=DEBUG` asyncio itself logs
//! `DEBUG:asyncio:Using selector: EpollSelector` first (this runtime logs
//! nothing). A task that panics with nobody awaiting it is reported by the
//! runtime on stderr, as asyncio reports "Task exception was never
//! retrieved".

use runtime::time::sleep;
use std::fmt;
use std::time::Duration;

#[path = "guide/console.rs"]
pub mod console;
use console::Console;

/// Python's `ValueError`, as a value.
struct ValueError(String);

impl fmt::Display for ValueError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for ValueError {
    /// As the last line of a Python traceback.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ValueError: {}", self.0)
    }
}

impl std::error::Error for ValueError {}

/// `logging.exception(message)` with `logging.basicConfig`'s format.
fn log_exception(out: &Console, message: &str, error: &dyn fmt::Debug) {
    out.eprint(format!("ERROR:root:{message}"));
    out.eprint(format!("{error:?}"));
}

async fn error_prone() -> Result<(), ValueError> {
    sleep(Duration::from_secs(1)).await;
    Err(ValueError("Something went wrong!".into()))
}

/// `async def main()`.
pub async fn program(out: Console) {
    let task = runtime::spawn(error_prone());
    if let Err(e) = task.await.expect("error_prone panicked") {
        log_exception(&out, "Caught an exception in main", &e);
    }
}

// asyncio runs every task on one thread; so does a current_thread runtime.
#[runtime::main(flavor = "current_thread")]
async fn main() {
    program(Console::stdout()).await; // asyncio.run(main())
}
