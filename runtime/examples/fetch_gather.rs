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

#[path = "guide/console.rs"]
pub mod console;
use console::Console;

#[path = "guide/fetch.rs"]
mod fetch;
use fetch::fetch_data;

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
