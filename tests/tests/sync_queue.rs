//! `Queue`, `LifoQueue`, `PriorityQueue`: the asyncio guide scenarios,
//! `task_done`/`join`, 3.13 `shutdown`, cancellation at every point, FIFO
//! fairness of waiting getters and putters, and multi-threaded stress.

use std::collections::HashSet;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::task::Poll;

use runtime::sync::{LifoQueue, PriorityQueue, Queue, QueueShutDown};
use tests::{CountingWaker, Pool, block_on, on_threads, poll_once, run_local, yield_now};

#[test]
fn producer_consumer_with_a_none_sentinel() {
    let queue = Queue::new(3);
    let mut got = Vec::new();
    let producer = async {
        for n in 0..20 {
            queue.put(Some(n)).await.unwrap();
        }
        queue.put(None).await.unwrap();
    };
    let consumer = async {
        while let Some(n) = queue.get().await.unwrap() {
            got.push(n);
            queue.task_done();
        }
        queue.task_done();
    };
    let tasks: Vec<std::pin::Pin<Box<dyn std::future::Future<Output = ()>>>> =
        vec![Box::pin(producer), Box::pin(consumer)];
    run_local(tasks);
    assert_eq!(got, (0..20).collect::<Vec<_>>());
    assert!(queue.empty());
    block_on(queue.join());
}

#[test]
fn join_returns_after_every_task_done() {
    let queue = Queue::new(0);
    for n in 0..3 {
        queue.put_nowait(n).unwrap();
    }
    let (wakes, waker) = CountingWaker::new();
    let mut join = Box::pin(queue.join());
    assert!(poll_once(join.as_mut(), &waker).is_pending());
    for _ in 0..3 {
        queue.get_nowait().unwrap();
    }
    queue.task_done();
    queue.task_done();
    assert_eq!(wakes.count(), 0, "one item is still unfinished");
    queue.task_done();
    assert_eq!(wakes.count(), 1);
    assert!(poll_once(join.as_mut(), &waker).is_ready());
}

#[test]
fn workers_and_join_like_the_asyncio_guide() {
    // asyncio's Queue example: 3 workers consume a queue of jobs; the main
    // task awaits queue.join(), then shuts the workers down.
    let queue = Queue::new(0);
    let done = AtomicUsize::new(0);
    for n in 0..30 {
        queue.put_nowait(n).unwrap();
    }
    let worker = || async {
        while let Ok(_job) = queue.get().await {
            yield_now().await;
            done.fetch_add(1, Ordering::SeqCst);
            queue.task_done();
        }
    };
    let main = async {
        queue.join().await;
        assert_eq!(done.load(Ordering::SeqCst), 30);
        queue.shutdown(false);
    };
    let tasks: Vec<std::pin::Pin<Box<dyn std::future::Future<Output = ()>>>> = vec![
        Box::pin(worker()),
        Box::pin(worker()),
        Box::pin(worker()),
        Box::pin(main),
    ];
    run_local(tasks);
}

#[test]
#[should_panic(expected = "task_done() called more times than items were put")]
fn extra_task_done_panics_naming_the_mistake() {
    let queue = Queue::new(0);
    queue.put_nowait(1).unwrap();
    queue.get_nowait().unwrap();
    queue.task_done();
    queue.task_done();
}

#[test]
fn priority_queue_gives_smallest_first() {
    let queue = PriorityQueue::new(0);
    for n in [5, 1, 4, 2, 3, 1] {
        queue.put_nowait((n, format!("job {n}"))).unwrap();
    }
    let order: Vec<_> = std::iter::from_fn(|| queue.get_nowait().ok())
        .map(|(n, _)| n)
        .collect();
    assert_eq!(order, [1, 1, 2, 3, 4, 5]);
}

#[test]
fn lifo_queue_gives_last_first() {
    let queue = LifoQueue::new(0);
    for n in 0..5 {
        queue.put_nowait(n).unwrap();
    }
    let order: Vec<_> = std::iter::from_fn(|| queue.get_nowait().ok()).collect();
    assert_eq!(order, [4, 3, 2, 1, 0]);
}

#[test]
fn nowait_errors_full_and_empty_and_sizes() {
    let queue = Queue::new(2);
    assert!(queue.empty() && !queue.full());
    assert!(queue.get_nowait().unwrap_err().is_empty());
    queue.put_nowait('a').unwrap();
    queue.put_nowait('b').unwrap();
    assert!(queue.full());
    assert_eq!(queue.qsize(), 2);
    let err = queue.put_nowait('c').unwrap_err();
    assert!(err.is_full());
    assert_eq!(err.into_inner(), 'c');
    assert_eq!(queue.get_nowait(), Ok('a'));
    let unbounded = Queue::new(0);
    for n in 0..1000 {
        unbounded.put_nowait(n).unwrap();
    }
    assert!(!unbounded.full());
}

#[test]
fn waiting_getters_are_served_in_order_and_newcomers_do_not_barge() {
    let queue = Queue::new(0);
    let (_, waker) = CountingWaker::new();
    let mut getters: Vec<_> = (0..3).map(|_| Box::pin(queue.get())).collect();
    for g in &mut getters {
        assert!(poll_once(g.as_mut(), &waker).is_pending());
    }
    queue.put_nowait(10).unwrap();
    // Reserved for the first getter: a newcomer finds nothing.
    assert!(queue.get_nowait().unwrap_err().is_empty());
    assert_eq!(queue.qsize(), 1);
    queue.put_nowait(11).unwrap();
    queue.put_nowait(12).unwrap();
    let got: Vec<_> = getters
        .iter_mut()
        .map(|g| match poll_once(g.as_mut(), &waker) {
            Poll::Ready(item) => item.unwrap(),
            Poll::Pending => panic!("getter not served"),
        })
        .collect();
    assert_eq!(got, [10, 11, 12]);
}

#[test]
fn waiting_putters_are_served_in_order() {
    let queue = Queue::new(1);
    queue.put_nowait(0).unwrap();
    let (_, waker) = CountingWaker::new();
    let mut putters: Vec<_> = (1..=3).map(|n| Box::pin(queue.put(n))).collect();
    for p in &mut putters {
        assert!(poll_once(p.as_mut(), &waker).is_pending());
    }
    let mut got = Vec::new();
    for p in &mut putters {
        got.push(queue.get_nowait().unwrap());
        // The freed slot is reserved for the head putter.
        assert!(queue.put_nowait(99).unwrap_err().is_full());
        assert!(matches!(poll_once(p.as_mut(), &waker), Poll::Ready(Ok(()))));
    }
    got.push(queue.get_nowait().unwrap());
    assert_eq!(got, [0, 1, 2, 3]);
}

#[test]
fn shutdown_while_getters_and_putters_wait() {
    let full = Queue::new(1);
    full.put_nowait("kept").unwrap();
    let empty = Queue::<&str>::new(1);
    let (put_wakes, put_waker) = CountingWaker::new();
    let (get_wakes, get_waker) = CountingWaker::new();
    let mut putter = Box::pin(full.put("rejected"));
    let mut getter = Box::pin(empty.get());
    assert!(poll_once(putter.as_mut(), &put_waker).is_pending());
    assert!(poll_once(getter.as_mut(), &get_waker).is_pending());
    full.shutdown(false);
    empty.shutdown(false);
    assert_eq!(
        (put_wakes.count(), get_wakes.count()),
        (1, 1),
        "every blocked caller wakes"
    );
    let Poll::Ready(Err(err)) = poll_once(putter.as_mut(), &put_waker) else {
        panic!()
    };
    assert_eq!(err.into_inner(), "rejected");
    assert_eq!(
        poll_once(getter.as_mut(), &get_waker),
        Poll::Ready(Err(QueueShutDown))
    );
    // Gets drain what is left, then fail; puts fail at once.
    assert!(full.put_nowait("late").unwrap_err().is_shut_down());
    assert_eq!(block_on(full.get()), Ok("kept"));
    assert_eq!(block_on(full.get()), Err(QueueShutDown));
    assert!(full.get_nowait().unwrap_err().is_shut_down());
}

#[test]
fn immediate_shutdown_drops_items_and_releases_join() {
    struct Counted(Arc<AtomicUsize>);
    impl Drop for Counted {
        fn drop(&mut self) {
            self.0.fetch_add(1, Ordering::SeqCst);
        }
    }
    let drops = Arc::new(AtomicUsize::new(0));
    let queue = Queue::new(0);
    for _ in 0..3 {
        queue.put_nowait(Counted(drops.clone())).unwrap();
    }
    let taken = queue.get_nowait().unwrap(); // taken, not task_done
    let (wakes, waker) = CountingWaker::new();
    let mut join = Box::pin(queue.join());
    assert!(poll_once(join.as_mut(), &waker).is_pending());
    queue.shutdown(true);
    assert_eq!(drops.load(Ordering::SeqCst), 2, "what was left is dropped");
    assert!(queue.empty());
    assert_eq!(wakes.count(), 0, "the taken item is still unfinished");
    queue.task_done();
    assert_eq!(wakes.count(), 1);
    assert!(poll_once(join.as_mut(), &waker).is_ready());
    drop(taken);
}

#[test]
fn immediate_shutdown_voids_reservations_of_woken_getters() {
    let queue = Queue::new(0);
    let (_, waker) = CountingWaker::new();
    let mut getter = Box::pin(queue.get());
    assert!(poll_once(getter.as_mut(), &waker).is_pending());
    queue.put_nowait(1).unwrap(); // reserved for `getter`
    queue.shutdown(true); // ...and dropped
    assert_eq!(
        poll_once(getter.as_mut(), &waker),
        Poll::Ready(Err(QueueShutDown))
    );
    block_on(queue.join());
}

#[test]
fn cancel_get_at_every_point_loses_no_item() {
    let queue = Queue::new(0);
    let (_, waker) = CountingWaker::new();
    drop(queue.get()); // never polled

    let mut queued = Box::pin(queue.get());
    assert!(poll_once(queued.as_mut(), &waker).is_pending());
    drop(queued); // while queued
    queue.put_nowait(1).unwrap();
    assert_eq!(queue.get_nowait(), Ok(1), "nobody reserved it");

    let (a_wakes, a) = CountingWaker::new();
    let (b_wakes, b) = CountingWaker::new();
    let mut ga = Box::pin(queue.get());
    let mut gb = Box::pin(queue.get());
    assert!(poll_once(ga.as_mut(), &a).is_pending());
    assert!(poll_once(gb.as_mut(), &b).is_pending());
    queue.put_nowait(2).unwrap();
    assert_eq!((a_wakes.count(), b_wakes.count()), (1, 0));
    drop(ga); // granted but not polled: the item passes to `gb`
    assert_eq!(b_wakes.count(), 1);
    assert_eq!(poll_once(gb.as_mut(), &b), Poll::Ready(Ok(2)));

    let mut gc = Box::pin(queue.get());
    assert!(poll_once(gc.as_mut(), &a).is_pending());
    queue.put_nowait(3).unwrap();
    drop(gc); // granted, nobody else waits: back to the queue
    assert_eq!(queue.get_nowait(), Ok(3));
}

#[test]
fn cancel_put_at_every_point_loses_no_slot() {
    let queue = Queue::new(1);
    let (_, waker) = CountingWaker::new();
    queue.put_nowait(0).unwrap();
    drop(queue.put(1)); // never polled

    let mut queued = Box::pin(queue.put(2));
    assert!(poll_once(queued.as_mut(), &waker).is_pending());
    drop(queued); // while queued

    let (a_wakes, a) = CountingWaker::new();
    let (b_wakes, b) = CountingWaker::new();
    let mut pa = Box::pin(queue.put(3));
    let mut pb = Box::pin(queue.put(4));
    assert!(poll_once(pa.as_mut(), &a).is_pending());
    assert!(poll_once(pb.as_mut(), &b).is_pending());
    assert_eq!(queue.get_nowait(), Ok(0));
    assert_eq!((a_wakes.count(), b_wakes.count()), (1, 0));
    drop(pa); // granted but not polled: the slot passes to `pb`
    assert_eq!(b_wakes.count(), 1);
    assert!(matches!(poll_once(pb.as_mut(), &b), Poll::Ready(Ok(()))));
    assert_eq!(queue.get_nowait(), Ok(4));

    queue.put_nowait(5).unwrap();
    let mut pc = Box::pin(queue.put(6));
    assert!(poll_once(pc.as_mut(), &a).is_pending());
    assert_eq!(queue.get_nowait(), Ok(5));
    drop(pc); // granted, nobody else waits: the slot is free again
    queue.put_nowait(7).unwrap();
    assert_eq!(queue.get_nowait(), Ok(7));
}

#[test]
fn cancel_join_while_waiting() {
    let queue = Queue::new(0);
    queue.put_nowait(()).unwrap();
    let (_, waker) = CountingWaker::new();
    let mut join = Box::pin(queue.join());
    assert!(poll_once(join.as_mut(), &waker).is_pending());
    drop(join);
    queue.get_nowait().unwrap();
    queue.task_done();
    block_on(queue.join());
}

#[test]
fn stream_ends_after_shutdown_and_drain() {
    use futures_lite::StreamExt;
    let queue = Queue::new(0);
    for n in 0..5 {
        queue.put_nowait(n).unwrap();
    }
    queue.shutdown(false);
    let items: Vec<i32> = block_on(queue.stream().collect());
    assert_eq!(items, [0, 1, 2, 3, 4]);
}

#[test]
#[cfg_attr(miri, ignore = "too slow under Miri")]
fn stress_mpmc_no_item_lost_or_duplicated() {
    const PRODUCERS: usize = 4;
    const CONSUMERS: usize = 4;
    const PER: usize = 5_000;
    let queue = Arc::new(Queue::new(16));
    let seen = Arc::new(std::sync::Mutex::new(HashSet::new()));
    let pool = Pool::new();
    for p in 0..PRODUCERS {
        let queue = queue.clone();
        pool.spawn(async move {
            for i in 0..PER {
                queue.put(p * PER + i).await.unwrap();
            }
        });
    }
    for _ in 0..CONSUMERS {
        let (queue, seen) = (queue.clone(), seen.clone());
        pool.spawn(async move {
            for _ in 0..PER {
                let item = queue.get().await.unwrap();
                assert!(seen.lock().unwrap().insert(item), "{item} twice");
                queue.task_done();
            }
        });
    }
    pool.run(4);
    assert_eq!(seen.lock().unwrap().len(), PRODUCERS * PER);
    assert!(queue.empty());
}

#[test]
#[cfg_attr(miri, ignore = "too slow under Miri")]
fn stress_os_threads_with_cancelled_gets_and_puts() {
    // Half the threads put PER distinct items each, the other half get until
    // the queue is shut down (by the last producer). A third of the
    // operations are polled once and dropped: a dropped put is retried, a
    // dropped get just leaves the line. Every item must come out once.
    const THREADS: usize = 8;
    const PRODUCERS: usize = THREADS / 2;
    const PER: usize = 3_000;
    let queue = Arc::new(Queue::new(4));
    let finished = Arc::new(AtomicUsize::new(0));
    let seen = Arc::new(std::sync::Mutex::new(HashSet::new()));
    {
        let (queue, finished, seen) = (queue.clone(), finished.clone(), seen.clone());
        on_threads(THREADS, move |t| {
            let (queue, finished, seen) = (queue.clone(), finished.clone(), seen.clone());
            async move {
                let (_, waker) = CountingWaker::new();
                if t % 2 == 0 {
                    for i in 0..PER {
                        let item = t * PER + i;
                        if (i + t) % 3 == 0 {
                            let mut f = Box::pin(queue.put(item));
                            if let Poll::Ready(r) = poll_once(f.as_mut(), &waker) {
                                r.unwrap();
                                continue;
                            }
                        }
                        queue.put(item).await.unwrap();
                    }
                    if finished.fetch_add(1, Ordering::SeqCst) + 1 == PRODUCERS {
                        queue.shutdown(false);
                    }
                } else {
                    for i in 0.. {
                        let item = if (i + t) % 3 == 0 {
                            match poll_once(Box::pin(queue.get()).as_mut(), &waker) {
                                Poll::Ready(r) => r,
                                Poll::Pending => continue,
                            }
                        } else {
                            queue.get().await
                        };
                        let Ok(item) = item else { break };
                        assert!(seen.lock().unwrap().insert(item), "{item} came out twice");
                    }
                }
            }
        });
    }
    assert_eq!(
        seen.lock().unwrap().len(),
        PRODUCERS * PER,
        "items were lost"
    );
    assert!(queue.empty());
}
