//! gather with an error: "Asynchronous Programming with Asyncio", *Handling
//! Exceptions in Asynchronous Code — Example: Exception Handling with
//! asyncio.gather*.
//!
//! ```sh
//! cargo run --example gather_error
//! ```
//!
//! A raised `ValueError` becomes an `Err(ValueError)` value, and
//! `asyncio.gather` that raises the first exception is
//! `runtime::task::try_gather`: it returns the first `Err` at once and drops
//! (cancels) the other futures, so the program ends right away, as the
//! Python one does (its `asyncio.run` cancels the two sleeping coroutines).
//!
//! The guide's sample output shows three `Fetching data...` lines, but its
//! `fetch_data_with_error` prints nothing; the Python program prints only
//! the last line, and so does this port:
//!
//! ```text
//! Caught an exception: Simulated error for input 2
//! ```

use runtime::time::sleep;
use std::fmt;
use std::time::Duration;

#[path = "guide/console.rs"]
pub mod console;
use console::Console;

/// Python's `ValueError`, as a value.
#[derive(Debug)]
struct ValueError(String);

impl fmt::Display for ValueError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ValueError {}

async fn fetch_data_with_error(input_data: u32) -> Result<String, ValueError> {
    if input_data == 2 {
        return Err(ValueError("Simulated error for input 2".into()));
    }
    sleep(Duration::from_secs(2)).await;
    Ok(format!("Data for input {input_data}"))
}

/// `async def main()`.
pub async fn program(out: Console) {
    let tasks = vec![
        fetch_data_with_error(1),
        fetch_data_with_error(2),
        fetch_data_with_error(3),
    ];

    match runtime::task::try_gather(tasks).await {
        Err(e) => out.print(format!("Caught an exception: {e}")),
        Ok(results) => {
            for (idx, result) in results.iter().enumerate() {
                out.print(format!("Data {}: {result}", idx + 1));
            }
        }
    }
}

// asyncio runs every task on one thread; so does a current_thread runtime.
#[runtime::main(flavor = "current_thread")]
async fn main() {
    program(Console::stdout()).await; // asyncio.run(main())
}
