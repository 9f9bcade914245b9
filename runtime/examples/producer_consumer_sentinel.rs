//! Producer and consumer with a sentinel: "Asynchronous Programming with
//! Asyncio", *Further Learning — 4. Asynchronous Task Management with
//! asyncio.Queue — Example: Producer-Consumer Model*.
//!
//! ```sh
//! cargo run --example producer_consumer_sentinel
//! ```
//!
//! `asyncio.Queue()` is `runtime::sync::Queue::new(0)` (0: unbounded),
//! shared through an `Arc`; the `None` sentinel is `Option::None`. The
//! producer makes an item a second, the consumer takes 2 s per item, so
//! the queue fills up and the consumer finishes at 10 s:
//!
//! ```text
//! Produced item-0
//! Consumed item-0
//! Produced item-1
//! Consumed item-1
//! Produced item-2
//! Produced item-3
//! Consumed item-2
//! Produced item-4
//! Consumed item-3
//! Consumed item-4
//! ```
//!
//! At 2 s and 4 s both tasks wake at once; the consumer, whose sleep began
//! first, runs first, as in Python (where its timer is due a little
//! earlier).

use runtime::sync::Queue;
use runtime::time::sleep;
use std::sync::Arc;
use std::time::Duration;

#[path = "guide/console.rs"]
pub mod console;
use console::Console;

async fn producer(out: Console, queue: Arc<Queue<Option<String>>>, n: u32) {
    for i in 0..n {
        let item = format!("item-{i}");
        queue
            .put(Some(item.clone()))
            .await
            .expect("the queue is never shut down");
        out.print(format!("Produced {item}"));
        sleep(Duration::from_secs(1)).await;
    }
    // Sentinel to signal completion.
    queue.put(None).await.expect("the queue is never shut down");
}

async fn consumer(out: Console, queue: Arc<Queue<Option<String>>>) {
    loop {
        let Some(item) = queue.get().await.expect("the queue is never shut down") else {
            break;
        };
        out.print(format!("Consumed {item}"));
        sleep(Duration::from_secs(2)).await;
    }
}

/// `async def main()`.
pub async fn program(out: Console) {
    let queue = Arc::new(Queue::new(0));
    let producer_task = runtime::spawn(producer(out.clone(), queue.clone(), 5));
    let consumer_task = runtime::spawn(consumer(out.clone(), queue.clone()));
    let (produced, consumed) = runtime::gather!(producer_task, consumer_task).await;
    produced.expect("producer failed");
    consumed.expect("consumer failed");
}

// asyncio runs every task on one thread; so does a current_thread runtime.
#[runtime::main(flavor = "current_thread")]
async fn main() {
    program(Console::stdout()).await; // asyncio.run(main())
}
