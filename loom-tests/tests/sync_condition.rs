//! loom models of `Condition`: wait vs notify race (no lost wake-up
//! between releasing the lock and sleeping), and a notification passed on
//! when the notified waiter is dropped concurrently.
#![cfg(loom)]

use std::sync::Arc;

use loom::thread;
use loom_tests::{Counter, block_on, poll};
use runtime_sync::{Condition, Lock};

/// The waiter checks the flag under the lock and waits; the notifier sets
/// it under the lock and notifies. Whatever the interleaving, the waiter
/// returns (loom reports a deadlock otherwise).
#[test]
fn loom_condition_wait_vs_notify() {
    loom::model(|| {
        let shared = Arc::new((Lock::new(false), Condition::new()));
        let notifier = {
            let shared = shared.clone();
            thread::spawn(move || {
                let (lock, cond) = &*shared;
                *block_on(lock.lock()) = true;
                cond.notify(1);
            })
        };
        let (lock, cond) = &*shared;
        let guard = block_on(async { cond.wait_for(lock.lock().await, |ready| *ready).await });
        assert!(*guard);
        drop(guard);
        notifier.join().unwrap();
    });
}

/// `notify(1)` races with dropping the first waiter: the second waiter is
/// woken either way (directly, or by the pass-on).
#[test]
fn loom_condition_cancel_passes_notify_on() {
    loom::model(|| {
        let lock = Lock::new(());
        let cond = Arc::new(Condition::new());
        let (_, waker) = Counter::new();
        let (second_wakes, second_waker) = Counter::new();
        let mut first = Box::pin(cond.wait(lock.try_lock().unwrap()));
        assert!(poll(first.as_mut(), &waker).is_pending());
        let mut second = Box::pin(cond.wait(lock.try_lock().unwrap()));
        assert!(poll(second.as_mut(), &second_waker).is_pending());
        let notifier = {
            let cond = cond.clone();
            thread::spawn(move || cond.notify(1))
        };
        drop(first);
        notifier.join().unwrap();
        assert_eq!(second_wakes.count(), 1, "the notification was lost");
        assert!(poll(second.as_mut(), &second_waker).is_ready());
    });
}

/// `notify_all` reaches waiters on two threads that race with it.
#[test]
fn loom_condition_notify_all_two_waiters() {
    loom::model(|| {
        let shared = Arc::new((Lock::new(0usize), Condition::new()));
        let waiters: Vec<_> = (0..2)
            .map(|_| {
                let shared = shared.clone();
                thread::spawn(move || {
                    let (lock, cond) = &*shared;
                    block_on(async { drop(cond.wait_for(lock.lock().await, |n| *n > 0).await) });
                })
            })
            .collect();
        let (lock, cond) = &*shared;
        *block_on(lock.lock()) += 1;
        cond.notify_all();
        for w in waiters {
            w.join().unwrap();
        }
    });
}
