//! `Condition`: producer/consumer, notify(n), notify_all, wait_for, and a
//! notification passed on when its waiter is dropped.

use std::collections::VecDeque;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::task::Poll;

use runtime::sync::{Condition, Lock};
use tests::{CountingWaker, Pool, block_on, poll_once, run_local, yield_now};

#[test]
fn producer_consumer() {
    // asyncio guide: consumers wait on the condition for items a producer
    // appends under the lock.
    let shared = (Lock::new(VecDeque::new()), Condition::new());
    let consumed = AtomicUsize::new(0);
    let consumer = || {
        let (shared, consumed) = (&shared, &consumed);
        Box::pin(async move {
            let (lock, cond) = shared;
            loop {
                let mut items = cond.wait_for(lock.lock().await, |q| !q.is_empty()).await;
                match items.pop_front().unwrap() {
                    None => return, // sentinel: one per consumer
                    Some(_) => consumed.fetch_add(1, Ordering::SeqCst),
                };
            }
        }) as std::pin::Pin<Box<dyn std::future::Future<Output = ()>>>
    };
    let producer = Box::pin(async {
        let (lock, cond) = &shared;
        for n in 0..100 {
            lock.lock().await.push_back(Some(n));
            cond.notify(1);
            if n % 10 == 0 {
                yield_now().await;
            }
        }
        let mut items = lock.lock().await;
        items.extend([None, None, None]);
        drop(items);
        cond.notify_all();
    });
    run_local([consumer(), consumer(), consumer(), producer]);
    assert_eq!(consumed.load(Ordering::SeqCst), 100);
}

#[test]
fn wait_releases_the_lock_and_retakes_it() {
    let lock = Lock::new(0);
    let cond = Condition::new();
    let (wakes, waker) = CountingWaker::new();
    let mut wait = Box::pin(cond.wait(block_on(lock.lock())));
    assert!(lock.is_locked(), "the future holds the guard until polled");
    assert!(poll_once(wait.as_mut(), &waker).is_pending());
    assert!(!lock.is_locked(), "released while waiting");
    let mut guard = lock.try_lock().unwrap();
    *guard = 7;
    cond.notify(1);
    assert_eq!(wakes.count(), 1);
    // Notified, but the lock is still held: waits for it.
    assert!(poll_once(wait.as_mut(), &waker).is_pending());
    drop(guard);
    assert_eq!(wakes.count(), 2);
    let Poll::Ready(guard) = poll_once(wait.as_mut(), &waker) else {
        panic!()
    };
    assert_eq!(*guard, 7);
}

#[test]
fn notify_n_wakes_the_n_longest_waiting() {
    let lock = Lock::new(());
    let cond = Condition::new();
    let mut waits = Vec::new();
    for _ in 0..5 {
        let (wakes, waker) = CountingWaker::new();
        let mut w = Box::pin(cond.wait(lock.try_lock().unwrap()));
        assert!(poll_once(w.as_mut(), &waker).is_pending());
        waits.push((w, wakes));
    }
    cond.notify(2);
    let counts: Vec<_> = waits.iter().map(|(_, w)| w.count()).collect();
    assert_eq!(counts, [1, 1, 0, 0, 0]);
    cond.notify_all();
    let counts: Vec<_> = waits.iter().map(|(_, w)| w.count()).collect();
    assert_eq!(counts, [1, 1, 1, 1, 1]);
    cond.notify(1); // nobody waits now: lost, as in asyncio
}

#[test]
fn notify_without_waiters_is_not_remembered() {
    let lock = Lock::new(());
    let cond = Condition::new();
    cond.notify_all();
    let (wakes, waker) = CountingWaker::new();
    let mut w = Box::pin(cond.wait(lock.try_lock().unwrap()));
    assert!(poll_once(w.as_mut(), &waker).is_pending());
    assert_eq!(wakes.count(), 0);
}

#[test]
fn dropped_notified_waiter_passes_the_notification_on() {
    let lock = Lock::new(());
    let cond = Condition::new();
    let (a_wakes, a) = CountingWaker::new();
    let (b_wakes, b) = CountingWaker::new();
    let mut wa = Box::pin(cond.wait(lock.try_lock().unwrap()));
    assert!(poll_once(wa.as_mut(), &a).is_pending());
    let mut wb = Box::pin(cond.wait(lock.try_lock().unwrap()));
    assert!(poll_once(wb.as_mut(), &b).is_pending());
    cond.notify(1);
    assert_eq!((a_wakes.count(), b_wakes.count()), (1, 0));
    drop(wa); // notified, never returned: `b` must get the notification
    assert_eq!(b_wakes.count(), 1);
    assert!(poll_once(wb.as_mut(), &b).is_ready());
}

#[test]
fn dropped_while_relocking_passes_the_notification_on() {
    let lock = Lock::new(());
    let cond = Condition::new();
    let (_, a) = CountingWaker::new();
    let (b_wakes, b) = CountingWaker::new();
    let mut wa = Box::pin(cond.wait(lock.try_lock().unwrap()));
    assert!(poll_once(wa.as_mut(), &a).is_pending());
    let mut wb = Box::pin(cond.wait(lock.try_lock().unwrap()));
    assert!(poll_once(wb.as_mut(), &b).is_pending());
    let guard = lock.try_lock().unwrap();
    cond.notify(1);
    assert!(
        poll_once(wa.as_mut(), &a).is_pending(),
        "waits for the lock"
    );
    drop(wa);
    assert_eq!(b_wakes.count(), 1);
    drop(guard);
    assert!(poll_once(wb.as_mut(), &b).is_ready());
    assert!(!lock.is_locked());
}

#[test]
fn dropped_queued_waiter_leaves_quietly() {
    let lock = Lock::new(());
    let cond = Condition::new();
    let (_, a) = CountingWaker::new();
    let (b_wakes, b) = CountingWaker::new();
    let mut wa = Box::pin(cond.wait(lock.try_lock().unwrap()));
    assert!(poll_once(wa.as_mut(), &a).is_pending());
    let mut wb = Box::pin(cond.wait(lock.try_lock().unwrap()));
    assert!(poll_once(wb.as_mut(), &b).is_pending());
    drop(wa);
    assert_eq!(b_wakes.count(), 0);
    drop(cond.wait(lock.try_lock().unwrap())); // never polled: unlocks
    assert!(!lock.is_locked());
    cond.notify(1);
    assert_eq!(b_wakes.count(), 1);
}

#[test]
fn counter_with_wait_for_on_a_thread_pool() {
    let shared = Arc::new((Lock::new(0usize), Condition::new()));
    let pool = Pool::new();
    // Each waiter waits for its own turn number; the incrementer bumps the
    // counter and notifies everybody.
    for turn in 1..=20 {
        let shared = shared.clone();
        pool.spawn(async move {
            let (lock, cond) = &*shared;
            let guard = cond.wait_for(lock.lock().await, |n| *n >= turn).await;
            assert!(*guard >= turn);
        });
    }
    {
        let shared = shared.clone();
        pool.spawn(async move {
            let (lock, cond) = &*shared;
            for _ in 0..20 {
                *lock.lock().await += 1;
                cond.notify_all();
                yield_now().await;
            }
        });
    }
    pool.run(3);
    assert_eq!(*block_on(shared.0.lock()), 20);
}
