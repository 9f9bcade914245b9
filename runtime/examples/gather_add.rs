//! gather over coroutines made at run time: "A minimalistic guide for
//! understanding asyncio in Python", *Schedule co-routines dynamically (in
//! one go)* (`asyncio_basic_7.py`).
//!
//! ```sh
//! cargo run --example gather_add
//! ```
//!
//! `asyncio.gather(*cors)` over a list is `runtime::task::gather(cors)`
//! over any iterator of futures: they run concurrently inside this task,
//! and the results come back in the order of the input. Rust futures are
//! lazy: they start when the gather is awaited (Python's start at the next
//! turn of the loop). It prints:
//!
//! ```text
//! [5, 9, 10, 9]
//! ```

#[path = "guide/console.rs"]
pub mod console;
use console::Console;

// A co-routine.
async fn add(x: i64, y: i64) -> i64 {
    x + y
}

// Create a function to schedule co-routines on the event loop,
// then print results.
pub async fn get_results(out: Console) {
    let inputs = [(2, 3), (4, 5), (5, 5), (7, 2)];

    // Create a co-routine list.
    let cors: Vec<_> = inputs.iter().map(|&(x, y)| add(x, y)).collect();
    let results = runtime::task::gather(cors);

    out.print(format!("{:?}", results.await)); // Prints [5, 9, 10, 9]
}

// asyncio runs every task on one thread; so does a current_thread runtime.
#[runtime::main(flavor = "current_thread")]
async fn main() {
    get_results(Console::stdout()).await; // asyncio.run(get_results())
}
