//! Producer and consumer with `task_done` and `join`: "The Art of
//! Concurrency: When and How to Use AsyncIO in Python", *Synchronization
//! Primitives — Queues*.
//!
//! ```sh
//! cargo run --example producer_consumer_join
//! ```
//!
//! The producer waits a random fraction of a second before each of ten
//! random items; the consumer marks each item done (`task_done`). `main`
//! waits for the producer, then for the queue to be processed
//! (`queue.join()`), then cancels the consumer, which is stuck in `get()`:
//! `consumer_task.cancel()` is `consumer_task.abort()`. Each item is
//! consumed as soon as it is produced:
//!
//! ```text
//! Produced 17
//! Consumed 17
//! Produced 85
//! Consumed 85
//! ...
//! ```
//!
//! Python's `random` is `guide/random.rs` (seedable, so the tests replay a
//! run); the numbers differ from run to run, as in Python.

use runtime::sync::Queue;
use runtime::time::sleep;
use std::sync::Arc;
use std::time::Duration;

#[path = "guide/console.rs"]
pub mod console;
use console::Console;

#[path = "guide/random.rs"]
pub mod random;
use random::Random;

async fn producer(out: Console, random: Random, queue: Arc<Queue<u64>>, n: u32) {
    for _ in 0..n {
        sleep(Duration::from_secs_f64(random.random())).await;
        let item = random.randint(0, 100);
        queue.put(item).await.expect("the queue is never shut down");
        out.print(format!("Produced {item}"));
    }
}

async fn consumer(out: Console, queue: Arc<Queue<u64>>) {
    loop {
        let item = queue.get().await.expect("the queue is never shut down");
        out.print(format!("Consumed {item}"));
        queue.task_done();
    }
}

/// `async def main()`, with the random number generator to use.
pub async fn program(out: Console, random: Random) {
    let queue = Arc::new(Queue::new(0));
    let producer_task = runtime::spawn(producer(out.clone(), random, queue.clone(), 10));
    let consumer_task = runtime::spawn(consumer(out.clone(), queue.clone()));

    producer_task.await.expect("the producer failed");
    queue.join().await;
    consumer_task.abort();
}

// asyncio runs every task on one thread; so does a current_thread runtime.
#[runtime::main(flavor = "current_thread")]
async fn main() {
    program(Console::stdout(), Random::new()).await; // asyncio.run(main())
}
