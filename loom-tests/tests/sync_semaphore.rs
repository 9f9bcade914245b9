//! loom models of `Semaphore`: permits never exceed the count, FIFO for a
//! large request, and a waiter dropped concurrently with a release.
#![cfg(loom)]

use std::sync::Arc;
use std::task::Poll;

use loom::sync::atomic::{AtomicUsize, Ordering};
use loom::thread;
use loom_tests::{Counter, block_on, poll};
use runtime_sync::Semaphore;

/// Two threads contend for one permit; never two holders at once.
#[test]
fn loom_semaphore_permits_never_exceed_the_count() {
    loom::model(|| {
        let sem = Arc::new(Semaphore::new(1));
        let inside = Arc::new(AtomicUsize::new(0));
        let worker = {
            let (sem, inside) = (sem.clone(), inside.clone());
            move || {
                let _permit = block_on(sem.acquire());
                assert_eq!(inside.fetch_add(1, Ordering::SeqCst), 0, "two holders");
                inside.fetch_sub(1, Ordering::SeqCst);
            }
        };
        let other = thread::spawn(worker.clone());
        worker();
        other.join().unwrap();
        assert_eq!(sem.available_permits(), 1);
    });
}

/// A request for 2 queued first keeps its place: with a release of 1
/// racing a newcomer's `try_acquire`, the newcomer never gets a permit,
/// and a second release completes the big request.
#[test]
fn loom_semaphore_fifo_large_request_first() {
    loom::model(|| {
        let sem = Arc::new(Semaphore::new(0));
        let (wakes, waker) = Counter::new();
        let mut big = Box::pin(sem.acquire_many(2));
        assert!(poll(big.as_mut(), &waker).is_pending());
        let newcomer = {
            let sem = sem.clone();
            thread::spawn(move || sem.try_acquire().map(|p| p.forget()).is_some())
        };
        sem.add_permits(1);
        assert!(!newcomer.join().unwrap(), "a newcomer overtook the head");
        assert_eq!(wakes.count(), 0);
        sem.add_permits(1);
        assert_eq!(wakes.count(), 1);
        assert!(poll(big.as_mut(), &waker).is_ready());
    });
}

/// A waiter dropped while a permit is released to it: the permit reaches
/// the next waiter either way (no lost wake-up, no lost permit).
#[test]
fn loom_semaphore_cancel_races_release() {
    loom::model(|| {
        let sem = Arc::new(Semaphore::new(0));
        let (_, waker) = Counter::new();
        let (second_wakes, second_waker) = Counter::new();
        let mut first = Box::pin(sem.acquire());
        let mut second = Box::pin(sem.acquire());
        assert!(poll(first.as_mut(), &waker).is_pending());
        assert!(poll(second.as_mut(), &second_waker).is_pending());
        let releaser = {
            let sem = sem.clone();
            thread::spawn(move || sem.add_permits(1))
        };
        drop(first);
        releaser.join().unwrap();
        assert_eq!(second_wakes.count(), 1, "the permit was lost");
        assert!(poll(second.as_mut(), &second_waker).is_ready());
        assert_eq!(sem.available_permits(), 1);
    });
}

/// The head holds a partial assignment and is dropped on one thread while
/// permits are released on another: every permit ends up with the second
/// waiter or back in the semaphore.
#[test]
fn loom_semaphore_partial_head_cancel_races_release() {
    loom::model(|| {
        let sem = Arc::new(Semaphore::new(1));
        let (_, waker) = Counter::new();
        let (small_wakes, small_waker) = Counter::new();
        let mut big = Box::pin(sem.acquire_many(3)); // takes 1, needs 2
        let mut small = Box::pin(sem.acquire());
        assert!(poll(big.as_mut(), &waker).is_pending());
        assert!(poll(small.as_mut(), &small_waker).is_pending());
        let releaser = {
            let sem = sem.clone();
            thread::spawn(move || sem.add_permits(1))
        };
        drop(big);
        releaser.join().unwrap();
        assert_eq!(small_wakes.count(), 1);
        let Poll::Ready(permit) = poll(small.as_mut(), &small_waker) else {
            panic!("small not served")
        };
        assert_eq!(sem.available_permits(), 1);
        drop(permit);
        assert_eq!(sem.available_permits(), 2);
    });
}
