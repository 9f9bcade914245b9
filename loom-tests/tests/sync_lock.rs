//! loom models of `Lock`: mutual exclusion, FIFO hand-off, and a waiter
//! dropped while the lock is being handed to it.
#![cfg(loom)]

use loom::cell::UnsafeCell;
use loom::sync::Arc;
use loom::thread;
use loom_tests::{Counter, block_on, poll};
use runtime_sync::Lock;

/// Two threads increment through the lock; loom checks every access to the
/// cell is ordered (no data race) and no increment is lost.
#[test]
fn loom_lock_mutual_exclusion() {
    loom::model(|| {
        let lock = Arc::new(Lock::new(UnsafeCell::new(0usize)));
        let other = {
            let lock = lock.clone();
            thread::spawn(move || {
                let guard = block_on(lock.lock());
                // SAFETY: the guard gives exclusive access to the cell.
                guard.with_mut(|n| unsafe { *n += 1 });
            })
        };
        {
            let guard = block_on(lock.lock());
            // SAFETY: as above.
            guard.with_mut(|n| unsafe { *n += 1 });
        }
        other.join().unwrap();
        let guard = lock.try_lock().expect("both guards dropped");
        // SAFETY: as above.
        assert_eq!(guard.with(|n| unsafe { *n }), 2);
    });
}

/// A waiter queued before the unlock gets the lock: a racing `try_lock`
/// never barges in, and the waiter is woken.
#[test]
fn loom_lock_fifo_hand_off() {
    loom::model(|| {
        let lock = Arc::new(Lock::new(()));
        let guard = lock.try_lock().unwrap();
        let (wakes, waker) = Counter::new();
        let mut waiter = Box::pin(lock.lock());
        assert!(poll(waiter.as_mut(), &waker).is_pending());
        let newcomer = {
            let lock = lock.clone();
            thread::spawn(move || lock.try_lock().is_some())
        };
        drop(guard);
        assert!(
            !newcomer.join().unwrap(),
            "a newcomer overtook a queued waiter"
        );
        assert_eq!(wakes.count(), 1);
        assert!(poll(waiter.as_mut(), &waker).is_ready());
    });
}

/// The waiter is dropped while the holder unlocks (hand-off) concurrently:
/// either way the lock ends up free, and a second waiter gets it.
#[test]
fn loom_lock_cancel_races_unlock() {
    loom::model(|| {
        let lock = std::sync::Arc::new(Lock::new(()));
        let guard = lock.clone().try_lock_owned().unwrap();
        let (_, waker) = Counter::new();
        let (second_wakes, second_waker) = Counter::new();
        let mut first = Box::pin(lock.lock());
        let mut second = Box::pin(lock.lock());
        assert!(poll(first.as_mut(), &waker).is_pending());
        assert!(poll(second.as_mut(), &second_waker).is_pending());
        let unlocker = thread::spawn(move || drop(guard));
        drop(first);
        unlocker.join().unwrap();
        assert_eq!(second_wakes.count(), 1, "the hand-off was lost");
        assert!(poll(second.as_mut(), &second_waker).is_ready());
        drop(second);
        assert!(!lock.is_locked());
    });
}

/// Three threads through the lock, one of them giving up after its first
/// poll: no lost hand-off, every access ordered.
#[test]
fn loom_lock_three_threads_one_cancels() {
    loom::model(|| {
        let lock = Arc::new(Lock::new(UnsafeCell::new(0usize)));
        let add = |lock: Arc<Lock<UnsafeCell<usize>>>| {
            move || {
                let guard = block_on(lock.lock());
                // SAFETY: the guard gives exclusive access to the cell.
                guard.with_mut(|n| unsafe { *n += 1 });
            }
        };
        let a = thread::spawn(add(lock.clone()));
        let quitter = {
            let lock = lock.clone();
            thread::spawn(move || {
                let (_, waker) = Counter::new();
                let mut f = Box::pin(lock.lock());
                if let std::task::Poll::Ready(guard) = poll(f.as_mut(), &waker) {
                    // SAFETY: as above.
                    guard.with_mut(|n| unsafe { *n += 1 });
                    return 1;
                }
                0
            })
        };
        add(lock.clone())();
        a.join().unwrap();
        let quitter_added = quitter.join().unwrap();
        let guard = lock.try_lock().expect("everybody is done");
        // SAFETY: as above.
        assert_eq!(guard.with(|n| unsafe { *n }), 2 + quitter_added);
    });
}
