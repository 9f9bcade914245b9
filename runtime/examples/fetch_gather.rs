//! Gathering three fetches, about 3 s: "Asynchronous Programming with
//! Asyncio", *Using asyncio.gather for Multiple Coroutines*.
//!
//! ```sh
//! cargo run --example fetch_gather
//! ```
//!
//! `asyncio.gather(*tasks)` over a list of coroutines is
//! `runtime::task::gather(tasks)`: the futures run concurrently inside the
//! awaiting task and the results come back in the order of the input.
//!
//! The guide's sample output leaves out the three `Data retrieved.` lines
//! that its `fetch_data` prints; the Python program prints them, and so
//! does this port. Timestamps count from 00:00:00 when the program starts
//! (Python prints the wall clock):
//!
//! ```text
//! Fetching data...
//! Fetching data...
//! Fetching data...
//! Data retrieved.
//! Data retrieved.
//! Data retrieved.
//! Data 1: {'input': 1, 'start_time': '00:00:00', 'end_time': '00:00:03'}
//! Data 2: {'input': 2, 'start_time': '00:00:00', 'end_time': '00:00:03'}
//! Data 3: {'input': 3, 'start_time': '00:00:00', 'end_time': '00:00:03'}
//! ```

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
    let tasks = vec![
        fetch_data(out.clone(), 1),
        fetch_data(out.clone(), 2),
        fetch_data(out.clone(), 3),
    ];

    // Gather results concurrently.
    let results = runtime::task::gather(tasks).await;

    for (idx, result) in results.iter().enumerate() {
        out.print(format!("Data {}: {result}", idx + 1));
    }
}

// asyncio runs every task on one thread; so does a current_thread runtime.
#[runtime::main(flavor = "current_thread")]
async fn main() {
    program(Console::stdout()).await; // asyncio.run(main())
}
