//! Concurrency models of the timer protocol. Under `--cfg loom` they are
//! model-checked (every interleaving); otherwise they run once, as plain
//! tests and under Miri.

use super::{EntryState, Handle};
use crate::driver::{self, Driver};
use crate::loom::{Arc, AtomicUsize, Ordering, thread};
use std::task::{Wake, Waker};

/// Counts its wakes.
struct CountWaker(AtomicUsize);

impl Wake for CountWaker {
    fn wake(self: std::sync::Arc<Self>) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }

    fn wake_by_ref(self: &std::sync::Arc<Self>) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }
}

fn counting() -> (std::sync::Arc<CountWaker>, Waker) {
    let count = std::sync::Arc::new(CountWaker(AtomicUsize::new(0)));
    (count.clone(), Waker::from(count))
}

/// A `Sleep` dropped while the driver fires it: the entry is released
/// exactly once, nothing is left in the wheel, the task is woken at most
/// once.
#[test]
fn loom_cancel_racing_fire() {
    crate::loom::model(|| {
        let handle = Arc::new(Handle::new());
        let (count, waker) = counting();
        // Deadline 0 ns: already due, so `process` fires it.
        let key = handle.register(0, &waker).key;
        drop(waker);
        let driver = {
            let handle = handle.clone();
            thread::spawn(move || handle.process())
        };
        handle.remove(key);
        driver.join().unwrap();
        assert_eq!(handle.entries(), (0, 1));
        assert_eq!(handle.timers_pending(), 0);
        assert!(count.0.load(Ordering::SeqCst) <= 1);
    });
}

/// A `Sleep` polled (storing a new waker) while the driver fires it: the
/// poll sees it fired or due, or the fire wakes the new waker. Never
/// neither, never both.
#[test]
fn loom_poll_racing_fire() {
    crate::loom::model(|| {
        let handle = Arc::new(Handle::new());
        // A paused clock, so the poll may see the timer due or not.
        assert!(handle.pause());
        let (first, first_waker) = counting();
        let (second, second_waker) = counting();
        let key = handle.register(handle.now_ns() + 1, &first_waker).key;
        let driver = {
            let handle = handle.clone();
            thread::spawn(move || handle.advance(std::time::Duration::from_nanos(1)))
        };
        let state = handle.poll_entry(key, &second_waker);
        driver.join().unwrap();
        let (a, b) = (
            first.0.load(Ordering::SeqCst),
            second.0.load(Ordering::SeqCst),
        );
        match state {
            EntryState::Pending => {
                assert_eq!(
                    (a, b),
                    (0, 1),
                    "a pending poll's waker must be the one woken"
                );
                assert_eq!(handle.poll_entry(key, &second_waker), EntryState::Fired);
            }
            EntryState::Fired => assert_eq!((a, b), (1, 0)),
            // The poll saw it due before the driver fired it.
            EntryState::Expired => assert_eq!((a, b), (0, 0)),
            EntryState::Gone => panic!("entry vanished"),
        }
        assert_eq!(handle.entries().0, 0);
    });
}

/// A timer registered while the driver's owner goes to sleep: it is never
/// slept through. If the registration lost the wake-up, the owner would
/// block forever and loom would report a deadlock.
#[test]
fn loom_registration_racing_driver_park() {
    crate::loom::model(|| {
        let (mut driver, handle) = Driver::new().unwrap();
        let handle: Arc<driver::Handle> = Arc::new(handle);
        let (count, waker) = counting();
        let registrar = {
            let handle = handle.clone();
            thread::spawn(move || {
                // Due at once: the owner must not block past it.
                let registered = handle.time.register(0, &waker);
                if registered.unpark {
                    handle.unpark();
                }
            })
        };
        while count.0.load(Ordering::SeqCst) == 0 {
            driver.park(&handle, None);
        }
        registrar.join().unwrap();
        assert_eq!(handle.time.timers_fired(), 1);
    });
}

/// Two registrations race a sleeping owner: the earlier deadline wakes it
/// once; the owner then recomputes its timeout with both.
#[test]
fn loom_two_registrations_one_wakeup() {
    crate::loom::model(|| {
        let (mut driver, handle) = Driver::new().unwrap();
        let handle: Arc<driver::Handle> = Arc::new(handle);
        let (count, waker) = counting();
        let registrars: Vec<_> = (0..2)
            .map(|_| {
                let handle = handle.clone();
                let waker = waker.clone();
                thread::spawn(move || {
                    let registered = handle.time.register(0, &waker);
                    if registered.unpark {
                        handle.unpark();
                    }
                })
            })
            .collect();
        while count.0.load(Ordering::SeqCst) < 2 {
            driver.park(&handle, None);
        }
        for r in registrars {
            r.join().unwrap();
        }
    });
}

/// Not a model: the paused clock's auto-advance through the driver.
#[cfg(not(loom))]
#[test]
fn paused_driver_auto_advances_to_the_next_deadline() {
    let (mut driver, handle) = Driver::new().unwrap();
    assert!(handle.time.pause());
    let start = handle.time.now_ns();
    let (count, waker) = counting();
    let deadline = start + 3_600_000_000_000; // an hour
    let key = handle.time.register(deadline, &waker).key;
    driver.park(&handle, None);
    assert_eq!(count.0.load(Ordering::SeqCst), 1);
    assert_eq!(handle.time.now_ns(), deadline);
    assert_eq!(handle.time.poll_entry(key, &waker), EntryState::Fired);
}

/// Not a model: shutdown releases every timer and wakes its task.
#[cfg(not(loom))]
#[test]
fn shutdown_releases_every_timer() {
    let (mut driver, handle) = Driver::new().unwrap();
    let (count, waker) = counting();
    let key = handle.time.register(super::NEVER - 1, &waker).key;
    let _ = handle.time.register(u64::MAX / 2, &waker);
    driver.shutdown(&handle);
    assert_eq!(count.0.load(Ordering::SeqCst), 2);
    assert_eq!(handle.time.entries().0, 0);
    let polled = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        handle.time.poll_entry(key, &waker)
    }));
    assert!(polled.is_err());
}
