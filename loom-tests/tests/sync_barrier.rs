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
