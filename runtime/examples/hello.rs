//! The demo: tasks on a multi-thread runtime, asyncio style.
//!
//! `cargo run --release --example hello`

use std::time::Instant;

async fn square(i: u64) -> u64 {
    // Give the other tasks a turn, like `await asyncio.sleep(0)`.
    runtime::yield_now().await;
    i * i
}

#[runtime::main]
async fn main() {
    let start = Instant::now();
    let tasks: Vec<_> = (0..100_000u64).map(|i| runtime::spawn(square(i))).collect();
    let mut total = 0u64;
    for task in tasks {
        total += task.await.unwrap();
    }
    println!(
        "100000 tasks on {} workers: sum of squares {total} in {:?}",
        runtime::Handle::current().metrics().num_workers(),
        start.elapsed()
    );

    let answer = runtime::spawn_blocking(|| {
        // Blocking work goes to the blocking pool (asyncio.to_thread).
        std::thread::sleep(std::time::Duration::from_millis(10));
        42
    })
    .await
    .unwrap();
    println!("spawn_blocking answered {answer}");

    let failed = runtime::spawn(async { panic!("a task failed") }).await;
    println!(
        "a panicking task gives an error, not a crash: {}",
        failed.unwrap_err()
    );
}
