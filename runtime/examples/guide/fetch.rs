//! The `fetch_data` coroutine the three fetch programs share ("Asynchronous
//! Programming with Asyncio": sequential, tasks, gather): it prints, sleeps
//! 3 s (a stand-in for the network) and returns a dict of its timestamps.
//!
//! Included by the examples with `#[path = "guide/fetch.rs"] mod fetch;`,
//! after `#[path = "guide/console.rs"] pub mod console;`.

use super::console::Console;
use runtime::time::sleep;
use std::fmt;
use std::time::Duration;

/// The dict `fetch_data` returns; `Display` prints it as Python does.
pub struct Data {
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

pub async fn fetch_data(out: Console, input_data: u32) -> Data {
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
