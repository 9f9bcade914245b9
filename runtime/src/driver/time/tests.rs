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

/// `Sleep::reset` racing the fire of its timer, with no poll of the sleep
/// in between (the task moves the deadline without looking at the sleep):
/// whichever goes first, the task is woken once the new deadline comes. If
/// the reset goes first, the entry moves and the first advance fires
/// nothing; if the fire goes first, it wakes the task for the old deadline
/// and the reset re-arms the fired entry, which must still hold the waker.
///
/// Checked to fail (the "not woken at the new deadline" assertion, in the
/// interleavings where the fire goes first) with the fire *taking* the
/// entry's waker instead of waking a clone, i.e. `Wheel::poll` doing
/// `fired.extend(entry.waker.take())` in place of
/// `fired.extend(clone_waker(&mut entry.waker))`: the code before this
/// model, under which a reset fired timer woke nobody.
#[test]
fn loom_reset_racing_fire() {
    crate::loom::model(|| {
        let handle = Arc::new(Handle::new());
        assert!(handle.pause());
        let start = handle.now_ns();
        let (count, waker) = counting();
        let key = handle.register(start + 1, &waker).key;
        // A `Sleep` keeps only its key: the waker lives in the entry.
        drop(waker);
        let driver = {
            let handle = handle.clone();
            thread::spawn(move || handle.advance(std::time::Duration::from_nanos(1)))
        };
        let reset = handle
            .reset(key, start + 2)
            .expect("the entry is not released");
        assert!(!reset.unpark, "no owner is parked");
        driver.join().unwrap();
        // 1 if the fire went first (woken for the old deadline), else 0.
        let before = count.0.load(Ordering::SeqCst);
        assert!(before <= 1);
        handle.advance(std::time::Duration::from_nanos(1)); // the new deadline
        assert_eq!(
            count.0.load(Ordering::SeqCst),
            before + 1,
            "not woken at the new deadline"
        );
        let (_, other) = counting();
        assert_eq!(handle.poll_entry(key, &other), EntryState::Fired);
        assert_eq!(handle.entries().0, 0);
        assert_eq!(handle.timers_pending(), 0);
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

/// A waker that panics when woken.
#[cfg(not(loom))]
struct PanicWaker;

#[cfg(not(loom))]
impl Wake for PanicWaker {
    fn wake(self: std::sync::Arc<Self>) {
        panic!("deliberate: a waker that panics (driver::time test)");
    }
}

/// Not a model: timers firing in one batch, the first two with wakers that
/// panic. The rest of the batch is still woken (their entries are already
/// marked fired: nothing else would wake them), and the panics do not
/// escape `process` (it runs in a worker's park).
#[cfg(not(loom))]
#[test]
fn panicking_wakers_do_not_cost_the_rest_of_their_batch() {
    let handle = Handle::new();
    let bad = Waker::from(std::sync::Arc::new(PanicWaker));
    // Due at once, registered first: the head of the batch.
    let _ = handle.register(0, &bad);
    let _ = handle.register(0, &bad);
    let counters: Vec<_> = (0..3)
        .map(|_| {
            let (count, waker) = counting();
            let _ = handle.register(0, &waker);
            count
        })
        .collect();
    let processed = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| handle.process()));
    let woken: Vec<usize> = counters
        .iter()
        .map(|c| c.0.load(Ordering::SeqCst))
        .collect();
    assert_eq!(
        woken,
        [1, 1, 1],
        "wakers after the panicking ones were lost"
    );
    assert!(processed.is_ok(), "a waker's panic escaped the driver");
    assert_eq!(handle.timers_fired(), 5);
    assert_eq!(handle.timers_pending(), 0);
}

/// Not a model: at shutdown a timer that fired (its entry, not yet
/// released, still holds the waker in case of a reset) is released without
/// being woken again; one that had not fired is woken.
#[cfg(not(loom))]
#[test]
fn shutdown_wakes_only_timers_that_had_not_fired() {
    let (mut driver, handle) = Driver::new().unwrap();
    let (fired, fired_waker) = counting();
    let (pending, pending_waker) = counting();
    let _ = handle.time.register(0, &fired_waker);
    let _ = handle.time.register(super::NEVER - 1, &pending_waker);
    handle.time.process();
    assert_eq!(fired.0.load(Ordering::SeqCst), 1);
    driver.shutdown(&handle);
    assert_eq!(fired.0.load(Ordering::SeqCst), 1, "woken again at shutdown");
    assert_eq!(pending.0.load(Ordering::SeqCst), 1);
    assert_eq!(handle.time.entries().0, 0);
}

/// Not a model: a waker whose clone panics when the driver clones it to
/// fire its timer. The panic is contained and the timer still fires: the
/// entry hands its own waker over.
#[cfg(not(loom))]
#[test]
fn a_waker_whose_clone_panics_still_fires() {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::task::{RawWaker, RawWakerVTable};

    static CLONES: AtomicUsize = AtomicUsize::new(0);
    static WAKES: AtomicUsize = AtomicUsize::new(0);
    const VTABLE: RawWakerVTable = RawWakerVTable::new(clone, wake, wake, noop);
    fn clone(_: *const ()) -> RawWaker {
        // The first clone is the registration's; the second, the fire's.
        if CLONES.fetch_add(1, Ordering::SeqCst) == 1 {
            panic!("deliberate: a waker clone that panics (driver::time test)");
        }
        RawWaker::new(std::ptr::null(), &VTABLE)
    }
    fn wake(_: *const ()) {
        WAKES.fetch_add(1, Ordering::SeqCst);
    }
    fn noop(_: *const ()) {}

    // SAFETY: the vtable's functions ignore the data pointer (null) and
    // only touch atomics, so they are sound to call from any thread, any
    // number of times.
    let waker = unsafe { Waker::from_raw(RawWaker::new(std::ptr::null(), &VTABLE)) };
    let handle = Handle::new();
    let key = handle.register(0, &waker).key;
    let processed = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| handle.process()));
    assert!(processed.is_ok(), "the clone's panic escaped the driver");
    assert_eq!(WAKES.load(Ordering::SeqCst), 1, "the timer did not fire");
    assert_eq!(handle.poll_entry(key, &waker), EntryState::Fired);
    assert_eq!(handle.entries().0, 0);
}

/// Not a model: at shutdown, a fired timer's waker (kept by its entry)
/// whose drop panics. The timers that had not fired are still woken (their
/// tasks, perhaps on another executor, would otherwise wait forever), and
/// the panic does not escape the driver's shutdown.
#[cfg(not(loom))]
#[test]
fn shutdown_wakes_pending_timers_when_a_released_waker_drop_panics() {
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::task::{RawWaker, RawWakerVTable};

    static ARMED: AtomicBool = AtomicBool::new(false);
    const VTABLE: RawWakerVTable = RawWakerVTable::new(clone, noop, noop, drop_waker);
    fn clone(_: *const ()) -> RawWaker {
        RawWaker::new(std::ptr::null(), &VTABLE)
    }
    fn noop(_: *const ()) {}
    fn drop_waker(_: *const ()) {
        if ARMED.swap(false, Ordering::SeqCst) {
            panic!("deliberate: a waker drop that panics (driver::time test)");
        }
    }

    // SAFETY: the vtable's functions ignore the data pointer (null) and
    // only touch an atomic, so they are sound to call from any thread.
    let bad = unsafe { Waker::from_raw(RawWaker::new(std::ptr::null(), &VTABLE)) };
    let handle = Handle::new();
    let _ = handle.register(0, &bad);
    handle.process(); // fired: the entry keeps its waker until released
    let (pending, waker) = counting();
    let _ = handle.register(super::NEVER - 1, &waker);
    ARMED.store(true, Ordering::SeqCst);
    let shut = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| handle.shutdown()));
    assert!(
        !ARMED.load(Ordering::SeqCst),
        "the fired timer's waker was not dropped"
    );
    assert_eq!(
        pending.0.load(Ordering::SeqCst),
        1,
        "the pending timer was not woken"
    );
    assert!(shut.is_ok(), "the drop's panic escaped the driver");
}
