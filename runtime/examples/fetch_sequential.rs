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

#[path = "guide/console.rs"]
pub mod console;
use console::Console;

#[path = "guide/fetch.rs"]
mod fetch;
use fetch::fetch_data;

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
