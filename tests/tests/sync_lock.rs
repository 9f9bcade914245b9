//! `Lock`: asyncio's Lock scenarios, FIFO hand-off, cancellation at every
//! point, and a multi-threaded stress test.

use std::pin::pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use runtime::sync::Lock;
use tests::{CountingWaker, Pool, block_on, on_threads, poll_once, run_local, yield_now};

#[test]
fn two_tasks_compete_for_a_lock() {
    // asyncio guide: two tasks increment a shared counter under a lock,
    // yielding inside the critical section so they really interleave.
    let lock = Lock::new(Vec::new());
    let inside = AtomicUsize::new(0);
    let task = |name: &'static str| {
        let (lock, inside) = (&lock, &inside);
        async move {
            for _ in 0..100 {
                let mut log = lock.lock().await;
                assert_eq!(
                    inside.fetch_add(1, Ordering::SeqCst),
                    0,
                    "two holders at once"
                );
                yield_now().await;
                log.push(name);
                inside.fetch_sub(1, Ordering::SeqCst);
            }
        }
    };
    run_local([task("a"), task("b")]);
    let log = lock.into_inner();
    assert_eq!(log.len(), 200);
    // Strict FIFO hand-off: while both compete, they alternate.
    assert!(
        log.windows(2).filter(|w| w[0] == w[1]).count() <= 1,
        "{log:?}"
    );
}

#[test]
fn try_lock_and_is_locked() {
    let lock = Lock::new(1);
    assert!(!lock.is_locked());
    let guard = lock.try_lock().expect("free");
    assert!(lock.is_locked());
    assert!(lock.try_lock().is_none());
    drop(guard);
    assert!(!lock.is_locked());
    assert_eq!(*lock.try_lock().unwrap(), 1);
}

#[test]
fn waiters_are_served_in_order_and_newcomers_do_not_barge() {
    let lock = Lock::new(Vec::new());
    let guard = lock.try_lock().unwrap();
    let (_, waker) = CountingWaker::new();
    let mut futures: Vec<_> = (0..5).map(|_| Box::pin(lock.lock())).collect();
    for f in &mut futures {
        assert!(poll_once(f.as_mut(), &waker).is_pending());
    }
    drop(guard);
    // The lock now belongs to the first waiter: a newcomer must not get it.
    assert!(lock.try_lock().is_none());
    let mut order = Vec::new();
    for (i, f) in futures.iter_mut().enumerate() {
        let std::task::Poll::Ready(mut g) = poll_once(f.as_mut(), &waker) else {
            panic!("waiter {i} was not handed the lock");
        };
        g.push(i);
        order.push(i);
        drop(g);
    }
    assert_eq!(order, [0, 1, 2, 3, 4]);
    assert!(!lock.is_locked());
}

#[test]
fn cancel_before_first_poll_changes_nothing() {
    let lock = Lock::new(());
    let guard = lock.try_lock().unwrap();
    drop(lock.lock());
    drop(guard);
    assert!(!lock.is_locked());
}

#[test]
fn cancel_while_queued_leaves_the_line() {
    let lock = Lock::new(());
    let guard = lock.try_lock().unwrap();
    let (first_wakes, first_waker) = CountingWaker::new();
    let (second_wakes, second_waker) = CountingWaker::new();
    let mut first = Box::pin(lock.lock());
    let mut second = Box::pin(lock.lock());
    assert!(poll_once(first.as_mut(), &first_waker).is_pending());
    assert!(poll_once(second.as_mut(), &second_waker).is_pending());
    drop(first);
    drop(guard);
    assert_eq!(first_wakes.count(), 0);
    assert_eq!(
        second_wakes.count(),
        1,
        "the unlock must go to the remaining waiter"
    );
    assert!(poll_once(second.as_mut(), &second_waker).is_ready());
}

#[test]
fn cancel_after_hand_off_passes_the_lock_on() {
    let lock = Lock::new(0);
    let guard = lock.try_lock().unwrap();
    let (first_wakes, first_waker) = CountingWaker::new();
    let (second_wakes, second_waker) = CountingWaker::new();
    let mut first = Box::pin(lock.lock());
    let mut second = Box::pin(lock.lock());
    assert!(poll_once(first.as_mut(), &first_waker).is_pending());
    assert!(poll_once(second.as_mut(), &second_waker).is_pending());
    drop(guard); // hands the lock to `first`...
    assert_eq!(first_wakes.count(), 1);
    drop(first); // ...which never takes it: it must go to `second`.
    assert_eq!(second_wakes.count(), 1);
    let std::task::Poll::Ready(mut g) = poll_once(second.as_mut(), &second_waker) else {
        panic!("the lock was lost with the dropped waiter");
    };
    *g += 1;
    drop(g);
    assert!(!lock.is_locked());
}

#[test]
fn cancel_last_waiter_after_hand_off_unlocks() {
    let lock = Lock::new(());
    let guard = lock.try_lock().unwrap();
    let (_, waker) = CountingWaker::new();
    let mut only = Box::pin(lock.lock());
    assert!(poll_once(only.as_mut(), &waker).is_pending());
    drop(guard);
    assert!(lock.is_locked(), "handed to the waiter");
    drop(only);
    assert!(!lock.is_locked());
    assert!(lock.try_lock().is_some());
}

#[test]
fn repoll_with_a_new_waker_uses_it() {
    let lock = Lock::new(());
    let guard = lock.try_lock().unwrap();
    let (old_wakes, old_waker) = CountingWaker::new();
    let (new_wakes, new_waker) = CountingWaker::new();
    let mut f = pin!(lock.lock());
    assert!(poll_once(f.as_mut(), &old_waker).is_pending());
    assert!(poll_once(f.as_mut(), &new_waker).is_pending());
    drop(guard);
    assert_eq!((old_wakes.count(), new_wakes.count()), (0, 1));
    assert!(poll_once(f.as_mut(), &new_waker).is_ready());
}

#[test]
#[cfg_attr(miri, ignore = "too slow under Miri")]
fn stress_many_tasks_on_a_thread_pool() {
    let lock = Arc::new(Lock::new(0u64));
    let pool = Pool::new();
    for _ in 0..32 {
        let lock = lock.clone();
        pool.spawn(async move {
            for i in 0..500 {
                let mut g = lock.lock().await;
                *g += 1;
                if i % 7 == 0 {
                    yield_now().await;
                }
            }
        });
    }
    pool.run(4);
    assert_eq!(*block_on(lock.lock()), 32 * 500);
}

#[test]
#[cfg_attr(miri, ignore = "too slow under Miri")]
fn stress_many_os_threads_with_cancellations() {
    let lock = Arc::new(Lock::new(0u64));
    let total: u64 = {
        let lock = lock.clone();
        on_threads(8, move |t| {
            let lock = lock.clone();
            async move {
                let (_, waker) = CountingWaker::new();
                let mut done = 0;
                for i in 0..2_000 {
                    if (i + t) % 5 == 0 {
                        // Start waiting, then give up.
                        let mut f = Box::pin(lock.lock());
                        if let std::task::Poll::Ready(mut g) = poll_once(f.as_mut(), &waker) {
                            *g += 1;
                            done += 1;
                        }
                    } else {
                        *lock.lock().await += 1;
                        done += 1;
                    }
                }
                done
            }
        })
        .into_iter()
        .sum()
    };
    assert_eq!(*block_on(lock.lock()), total);
    assert!(!lock.is_locked());
}
