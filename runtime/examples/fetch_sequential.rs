//! Sequential fetches, about 6 s: "Asynchronous Programming with Asyncio",
//! *Using the Asynchronous Function — Example: Sequential Execution*.
//!
//! ```sh
//! cargo run --example fetch_sequential
//! ```
//!
//! `main` awaits `fetch_data(1)`, then `fetch_data(2)`; each sleeps 3 s, so
//! the second starts when the first has ended. Prints what the Python
//! program prints, except that the timestamps count from 00:00:00 when the
//! program starts (Python prints the wall clock), so the 6 s show:
//!
//! ```text
//! Fetching data...
//! Data retrieved.
//! Fetching data...
//! Data retrieved.
//! Data one: {'input': 1, 'start_time': '00:00:00', 'end_time': '00:00:03'}
//! Data two: {'input': 2, 'start_time': '00:00:03', 'end_time': '00:00:06'}
//! ```
//!
//! Compare `fetch_tasks` (the same fetches as tasks, about 3 s).

use runtime::time::sleep;
use std::fmt;
use std::time::Duration;

#[path = "guide/console.rs"]
pub mod console;
use console::Console;

/// The dict `fetch_data` returns; `Display` prints it as Python does.
struct Data {
    input: u32,
    start_time: String,
    end_time: String,
}

impl fmt::Display for Data {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{{'input': {}, 'start_time': '{}', 'end_time': '{}'}}",
            self.input, self.start_time, self.end_time
        )
    }
}

async fn fetch_data(out: Console, input_data: u32) -> Data {
    out.print("Fetching data...");
    let start_time = out.clock();
    // Simulate an asynchronous task using asyncio.sleep.
    sleep(Duration::from_secs(3)).await;
    let end_time = out.clock();
    out.print("Data retrieved.");
    Data {
        input: input_data,
        start_time,
        end_time,
    }
}

/// `async def main()`.
pub async fn program(out: Console) {
    let data_one = fetch_data(out.clone(), 1).await;
    let data_two = fetch_data(out.clone(), 2).await;

    out.print(format!("Data one: {data_one}"));
    out.print(format!("Data two: {data_two}"));
}

// asyncio runs every task on one thread; so does a current_thread runtime.
#[runtime::main(flavor = "current_thread")]
async fn main() {
    program(Console::stdout()).await; // asyncio.run(main())
}
