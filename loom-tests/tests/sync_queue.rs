//! loom models of the queues: no item lost or duplicated between a
//! producer and a consumer on a bounded queue, a getter dropped while an
//! item is handed to it, and shutdown waking a blocked getter.
#![cfg(loom)]

use std::sync::Arc;
use std::task::Poll;

use loom::thread;
use loom_tests::{Counter, block_on, poll};
use runtime_sync::{Queue, QueueShutDown};

/// A producer puts 2 items through a queue of size 1 while the consumer
/// gets them: both wait for each other at some point; items arrive once,
/// in order.
#[test]
fn loom_queue_no_item_lost_or_duplicated() {
    loom::model(|| {
        let queue = Arc::new(Queue::new(1));
        let producer = {
            let queue = queue.clone();
            thread::spawn(move || {
                block_on(async {
                    queue.put(1).await.unwrap();
                    queue.put(2).await.unwrap();
                })
            })
        };
        let got = block_on(async { [queue.get().await.unwrap(), queue.get().await.unwrap()] });
        producer.join().unwrap();
        assert_eq!(got, [1, 2]);
        assert!(queue.empty());
    });
}

/// A getter is dropped while a put hands it the item: the item reaches
/// the second getter either way.
#[test]
fn loom_queue_cancel_get_races_put() {
    loom::model(|| {
        let queue = Arc::new(Queue::new(0));
        let (_, waker) = Counter::new();
        let (second_wakes, second_waker) = Counter::new();
        let mut first = Box::pin(queue.get());
        let mut second = Box::pin(queue.get());
        assert!(poll(first.as_mut(), &waker).is_pending());
        assert!(poll(second.as_mut(), &second_waker).is_pending());
        let producer = {
            let queue = queue.clone();
            thread::spawn(move || queue.put_nowait(7).unwrap())
        };
        drop(first);
        producer.join().unwrap();
        assert_eq!(second_wakes.count(), 1, "the item's wake-up was lost");
        assert_eq!(poll(second.as_mut(), &second_waker), Poll::Ready(Ok(7)));
    });
}

/// Shutdown on one thread while a getter blocks on another: the getter
/// wakes and fails.
#[test]
fn loom_queue_shutdown_wakes_blocked_getter() {
    loom::model(|| {
        let queue = Arc::new(Queue::<u8>::new(0));
        let getter = {
            let queue = queue.clone();
            thread::spawn(move || block_on(queue.get()))
        };
        queue.shutdown(false);
        assert_eq!(getter.join().unwrap(), Err(QueueShutDown));
    });
}

/// A putter is dropped while a get frees the slot it would be handed: the
/// slot reaches the second putter either way.
#[test]
fn loom_queue_cancel_put_races_get() {
    loom::model(|| {
        let queue = Arc::new(Queue::new(1));
        queue.put_nowait(0).unwrap();
        let (_, waker) = Counter::new();
        let (second_wakes, second_waker) = Counter::new();
        let mut first = Box::pin(queue.put(1));
        let mut second = Box::pin(queue.put(2));
        assert!(poll(first.as_mut(), &waker).is_pending());
        assert!(poll(second.as_mut(), &second_waker).is_pending());
        let consumer = {
            let queue = queue.clone();
            thread::spawn(move || queue.get_nowait().unwrap())
        };
        drop(first);
        assert_eq!(consumer.join().unwrap(), 0);
        assert_eq!(second_wakes.count(), 1, "the slot's wake-up was lost");
        assert!(matches!(
            poll(second.as_mut(), &second_waker),
            Poll::Ready(Ok(()))
        ));
        assert_eq!(queue.get_nowait(), Ok(2));
    });
}

/// Two producers, one consumer, a queue of one: three items in, three
/// out, none twice.
#[test]
fn loom_queue_two_producers() {
    loom::model(|| {
        let queue = Arc::new(Queue::new(1));
        let producers: Vec<_> = [10, 20]
            .into_iter()
            .map(|item| {
                let queue = queue.clone();
                thread::spawn(move || block_on(queue.put(item)).unwrap())
            })
            .collect();
        let mut got = block_on(async { [queue.get().await.unwrap(), queue.get().await.unwrap()] });
        for p in producers {
            p.join().unwrap();
        }
        got.sort();
        assert_eq!(got, [10, 20]);
    });
}
