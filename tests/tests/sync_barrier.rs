//! `Barrier`: one leader per generation, reuse, cancellation.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::task::Poll;

use runtime::sync::Barrier;
use tests::{CountingWaker, Pool, poll_once, run_local};

#[test]
fn exactly_one_leader_per_generation_and_reusable() {
    let barrier = Barrier::new(4);
    let leaders = AtomicUsize::new(0);
    let rounds = 10;
    let tasks = (0..4).map(|_| {
        let (barrier, leaders) = (&barrier, &leaders);
        async move {
            for _ in 0..rounds {
                if barrier.wait().await.is_leader() {
                    leaders.fetch_add(1, Ordering::SeqCst);
                }
            }
        }
    });
    run_local(tasks);
    assert_eq!(leaders.load(Ordering::SeqCst), rounds);
}

#[test]
fn nobody_passes_before_everybody_arrived() {
    let barrier = Barrier::new(3);
    let (_, waker) = CountingWaker::new();
    let mut a = Box::pin(barrier.wait());
    let mut b = Box::pin(barrier.wait());
    assert!(poll_once(a.as_mut(), &waker).is_pending());
    assert!(poll_once(b.as_mut(), &waker).is_pending());
    assert_eq!(barrier.n_waiting(), 2);
    assert!(poll_once(a.as_mut(), &waker).is_pending());
    let Poll::Ready(c) = poll_once(std::pin::pin!(barrier.wait()), &waker) else {
        panic!()
    };
    assert!(c.is_leader());
    assert_eq!(barrier.n_waiting(), 0);
    let Poll::Ready(ra) = poll_once(a.as_mut(), &waker) else {
        panic!()
    };
    let Poll::Ready(rb) = poll_once(b.as_mut(), &waker) else {
        panic!()
    };
    assert!(!ra.is_leader() && !rb.is_leader());
}

#[test]
fn dropped_waiter_takes_its_arrival_back() {
    let barrier = Barrier::new(2);
    let (_, waker) = CountingWaker::new();
    let mut a = Box::pin(barrier.wait());
    assert!(poll_once(a.as_mut(), &waker).is_pending());
    drop(a);
    assert_eq!(barrier.n_waiting(), 0);
    let (b_wakes, b_waker) = CountingWaker::new();
    let mut b = Box::pin(barrier.wait());
    assert!(
        poll_once(b.as_mut(), &b_waker).is_pending(),
        "still needs two"
    );
    let Poll::Ready(c) = poll_once(std::pin::pin!(barrier.wait()), &waker) else {
        panic!()
    };
    assert!(c.is_leader());
    assert_eq!(b_wakes.count(), 1);
    assert!(poll_once(b.as_mut(), &b_waker).is_ready());
}

#[test]
fn dropped_after_release_changes_nothing() {
    let barrier = Barrier::new(2);
    let (_, waker) = CountingWaker::new();
    let mut a = Box::pin(barrier.wait());
    assert!(poll_once(a.as_mut(), &waker).is_pending());
    assert!(poll_once(std::pin::pin!(barrier.wait()), &waker).is_ready());
    drop(a); // released but not polled
    assert_eq!(barrier.n_waiting(), 0);
    let mut next = Box::pin(barrier.wait());
    assert!(poll_once(next.as_mut(), &waker).is_pending());
    assert_eq!(barrier.n_waiting(), 1);
}

#[test]
fn generations_on_a_thread_pool() {
    const PARTIES: usize = 8;
    const ROUNDS: usize = 200;
    let barrier = Arc::new(Barrier::new(PARTIES));
    let leaders = Arc::new(AtomicUsize::new(0));
    // `arrivals[r]` counts tasks that reached round r: nobody may start
    // round r+1 before all PARTIES reached round r.
    let arrivals: Arc<Vec<AtomicUsize>> =
        Arc::new((0..ROUNDS).map(|_| AtomicUsize::new(0)).collect());
    let pool = Pool::new();
    for _ in 0..PARTIES {
        let (barrier, leaders, arrivals) = (barrier.clone(), leaders.clone(), arrivals.clone());
        pool.spawn(async move {
            for round in 0..ROUNDS {
                arrivals[round].fetch_add(1, Ordering::SeqCst);
                let result = barrier.wait().await;
                assert_eq!(arrivals[round].load(Ordering::SeqCst), PARTIES);
                if result.is_leader() {
                    leaders.fetch_add(1, Ordering::SeqCst);
                }
            }
        });
    }
    pool.run(4);
    assert_eq!(leaders.load(Ordering::SeqCst), ROUNDS);
}

#[test]
#[should_panic(expected = "at least one party")]
fn zero_parties_is_refused() {
    let _ = Barrier::new(0);
}
