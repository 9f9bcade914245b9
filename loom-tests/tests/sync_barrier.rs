//! loom model of `Barrier`: two generations, one leader each, nobody runs
//! ahead into the next generation.
#![cfg(loom)]

use std::sync::Arc;

use loom::sync::atomic::{AtomicUsize, Ordering};
use loom::thread;
use loom_tests::block_on;
use runtime_sync::Barrier;

#[test]
fn loom_barrier_generations() {
    loom::model(|| {
        let barrier = Arc::new(Barrier::new(2));
        let arrived = Arc::new([AtomicUsize::new(0), AtomicUsize::new(0)]);
        let party = {
            let (barrier, arrived) = (barrier.clone(), arrived.clone());
            move || {
                let mut leaders = 0;
                for round in 0..2 {
                    arrived[round].fetch_add(1, Ordering::SeqCst);
                    let result = block_on(barrier.wait());
                    assert_eq!(arrived[round].load(Ordering::SeqCst), 2, "passed too early");
                    leaders += usize::from(result.is_leader());
                }
                leaders
            }
        };
        let other = thread::spawn(party.clone());
        let leaders = party() + other.join().unwrap();
        assert_eq!(leaders, 2, "one leader per generation");
    });
}

/// The leader releases three waiters in two batches (the wake batch holds
/// 2 under loom) while the last of them is dropped before it is completed:
/// the dropped waiter must not withdraw from the *next* generation.
#[test]
fn loom_barrier_drop_during_batched_release() {
    use loom_tests::{Counter, poll};

    loom::model(|| {
        let barrier = Arc::new(Barrier::new(4));
        let (_, waker) = Counter::new();
        let mut waits: Vec<_> = (0..3).map(|_| Box::pin(barrier.wait())).collect();
        for w in &mut waits {
            assert!(poll(w.as_mut(), &waker).is_pending());
        }
        let fourth = {
            let barrier = barrier.clone();
            thread::spawn(move || block_on(barrier.wait()))
        };
        drop(waits.pop());
        // If the drop came first, the round needs one more party: arrive
        // (if the round was released meanwhile, this arrives in the next
        // one, and withdraws again when dropped after the join).
        let mut extra = Box::pin(barrier.wait());
        let _ = poll(extra.as_mut(), &waker);
        fourth.join().unwrap();
        drop(extra);
        assert_eq!(barrier.n_waiting(), 0, "the next generation starts empty");
    });
}
