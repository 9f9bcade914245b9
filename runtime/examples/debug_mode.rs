//! Debug mode, the task dump and metrics: asyncio's `debug=True` and
//! `asyncio.all_tasks()`.
//!
//! `cargo run --release --example debug_mode`
//!
//! A task that blocks its worker with `std::thread::sleep` (instead of an
//! async sleep) is caught by debug mode *while it is still blocking*; the
//! task dump shows every alive task and what it waits on; the metrics count
//! what the workers did.

use std::time::Duration;

fn main() {
    let rt = runtime::Builder::multi_thread()
        .worker_threads(2)
        // asyncio: loop.slow_callback_duration = 0.05 (RUNTIME_DEBUG=1 gives 100 ms)
        .slow_poll_threshold(Duration::from_millis(50))
        .build()
        .unwrap();

    rt.block_on(async {
        // A well-behaved task waiting on another.
        let forever = runtime::spawn(std::future::pending::<()>());
        let _waiter = runtime::spawn(forever);

        // A badly-behaved one: blocks a worker thread for 300 ms.
        let blocker = runtime::spawn(async {
            std::thread::sleep(Duration::from_millis(300));
        });

        // Look at every task while the blocker blocks.
        runtime::spawn_blocking(|| std::thread::sleep(Duration::from_millis(100)))
            .await
            .unwrap();
        println!("task dump (asyncio.all_tasks()):");
        for task in runtime::Handle::current().dump() {
            println!("  {task}");
        }

        blocker.await.unwrap();

        // A task that panics with nobody awaiting it is reported too.
        std::panic::set_hook(Box::new(|_| {})); // keep the output to the report
        drop(runtime::spawn(async {
            panic!("nobody will see this result")
        }));
        runtime::spawn_blocking(|| std::thread::sleep(Duration::from_millis(50)))
            .await
            .unwrap();
    });

    let m = rt.handle().metrics();
    println!(
        "metrics: {} workers, {} tasks spawned, {} alive, {} polls, {} steals, {} parks",
        m.num_workers(),
        m.spawned_tasks_count(),
        m.num_alive_tasks(),
        m.poll_count(),
        m.steal_count(),
        m.park_count()
    );
}
