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

/// A `lock` that spins before queuing (`lock/spin.rs`) while a waiter is
/// already queued: the spinner sees the queue and never overtakes it, even
/// when the unlock races with its spin.
#[test]
fn loom_lock_spinner_does_not_overtake_a_waiter() {
    loom::model(|| {
        let lock = Arc::new(Lock::new(()));
        let guard = lock.try_lock().unwrap();
        let (wakes, waker) = Counter::new();
        let mut waiter = Box::pin(lock.lock());
        assert!(poll(waiter.as_mut(), &waker).is_pending());
        let spinner = {
            let lock = lock.clone();
            thread::spawn(move || {
                let (_, waker) = Counter::new();
                let mut f = Box::pin(lock.lock());
                // Queued behind the waiter at best: dropping it leaves the
                // line (or passes the lock on, were it handed over).
                poll(f.as_mut(), &waker).is_ready()
            })
        };
        drop(guard);
        assert!(
            !spinner.join().unwrap(),
            "a spinner overtook a queued waiter"
        );
        assert_eq!(wakes.count(), 1);
        assert!(poll(waiter.as_mut(), &waker).is_ready());
    });
}

/// The holder unlocks while another thread spins for the lock: the spinner
/// either takes it while spinning or queues and is handed it, and is woken
/// exactly when it queued; its access to the value is ordered after the
/// holder's.
#[test]
fn loom_lock_unlock_races_spinner() {
    loom::model(|| {
        let lock = Arc::new(Lock::new(UnsafeCell::new(0usize)));
        let guard = lock.try_lock().unwrap();
        let spinner = {
            let lock = lock.clone();
            thread::spawn(move || {
                let (wakes, waker) = Counter::new();
                let mut f = Box::pin(lock.lock());
                let (guard, queued) = match poll(f.as_mut(), &waker) {
                    std::task::Poll::Ready(guard) => (guard, false),
                    std::task::Poll::Pending => {
                        // Queued: the unlock hands the lock over and wakes us.
                        while wakes.count() == 0 {
                            thread::yield_now();
                        }
                        let std::task::Poll::Ready(guard) = poll(f.as_mut(), &waker) else {
                            panic!("woken without the lock");
                        };
                        (guard, true)
                    }
                };
                // SAFETY: the guard gives exclusive access to the cell.
                guard.with_mut(|n| unsafe { *n += 1 });
                (queued, wakes.count())
            })
        };
        // SAFETY: as above.
        guard.with_mut(|n| unsafe { *n += 1 });
        drop(guard);
        let (queued, wakes) = spinner.join().unwrap();
        assert_eq!(wakes, usize::from(queued), "woken only if it queued");
        let guard = lock.try_lock().expect("everybody is done");
        // SAFETY: as above.
        assert_eq!(guard.with(|n| unsafe { *n }), 2);
    });
}
