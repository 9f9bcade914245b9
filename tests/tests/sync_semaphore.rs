//! `Semaphore` and `BoundedSemaphore`: the asyncio guide scenario, FIFO
//! fairness for large requests, cancellation at every point, stress.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::task::Poll;

use runtime::sync::{BoundedSemaphore, ReleaseError, Semaphore};
use tests::{CountingWaker, Pool, block_on, on_threads, poll_once, run_local, yield_now};

#[test]
fn semaphore_of_3_lets_exactly_3_of_10_tasks_in() {
    let sem = Semaphore::new(3);
    let inside = AtomicUsize::new(0);
    let max = AtomicUsize::new(0);
    let tasks = (0..10).map(|_| {
        let (sem, inside, max) = (&sem, &inside, &max);
        async move {
            let _permit = sem.acquire().await;
            let now = inside.fetch_add(1, Ordering::SeqCst) + 1;
            max.fetch_max(now, Ordering::SeqCst);
            // Stay inside across a few scheduling rounds.
            for _ in 0..3 {
                yield_now().await;
            }
            inside.fetch_sub(1, Ordering::SeqCst);
        }
    });
    run_local(tasks);
    assert_eq!(max.load(Ordering::SeqCst), 3);
    assert_eq!(sem.available_permits(), 3);
}

#[test]
fn semaphore_of_3_on_a_thread_pool() {
    let sem = Arc::new(Semaphore::new(3));
    let inside = Arc::new(AtomicUsize::new(0));
    let max = Arc::new(AtomicUsize::new(0));
    let pool = Pool::new();
    for _ in 0..10 {
        let (sem, inside, max) = (sem.clone(), inside.clone(), max.clone());
        pool.spawn(async move {
            for _ in 0..50 {
                let _permit = sem.acquire().await;
                let now = inside.fetch_add(1, Ordering::SeqCst) + 1;
                max.fetch_max(now, Ordering::SeqCst);
                yield_now().await;
                inside.fetch_sub(1, Ordering::SeqCst);
            }
        });
    }
    pool.run(4);
    // With 10 tasks yielding while holding a permit, all 3 get used (on a
    // single thread too: the scheduling, not the timing, guarantees it).
    assert_eq!(max.load(Ordering::SeqCst), 3);
    assert_eq!(sem.available_permits(), 3);
}

#[test]
fn try_acquire_add_permits_release() {
    let sem = Semaphore::new(1);
    let p = sem.try_acquire().unwrap();
    assert!(sem.try_acquire().is_none());
    assert!(sem.is_locked());
    sem.add_permits(2);
    assert_eq!(sem.available_permits(), 2);
    drop(p);
    assert_eq!(sem.available_permits(), 3);
    sem.try_acquire_many(3).unwrap().forget();
    assert_eq!(sem.available_permits(), 0);
    sem.release();
    assert_eq!(sem.available_permits(), 1);
}

#[test]
fn large_request_at_the_head_is_not_overtaken() {
    let sem = Semaphore::new(2);
    let (big_wakes, big_waker) = CountingWaker::new();
    let (small_wakes, small_waker) = CountingWaker::new();
    let mut big = Box::pin(sem.acquire_many(5));
    let mut small = Box::pin(sem.acquire());
    assert!(poll_once(big.as_mut(), &big_waker).is_pending());
    assert!(poll_once(small.as_mut(), &small_waker).is_pending());
    // The big request took the 2 free permits and waits for 3 more.
    assert_eq!(sem.available_permits(), 0);
    assert!(sem.try_acquire().is_none(), "a newcomer must not overtake");
    sem.add_permits(2);
    assert_eq!((big_wakes.count(), small_wakes.count()), (0, 0));
    sem.add_permits(2); // 5 reached: big is served, 1 left goes to small
    assert_eq!((big_wakes.count(), small_wakes.count()), (1, 1));
    let Poll::Ready(big_permit) = poll_once(big.as_mut(), &big_waker) else {
        panic!()
    };
    assert_eq!(big_permit.num_permits(), 5);
    assert!(poll_once(small.as_mut(), &small_waker).is_ready());
}

#[test]
fn cancelled_head_hands_its_partial_permits_on() {
    let sem = Semaphore::new(2);
    let (_, waker) = CountingWaker::new();
    let (small_wakes, small_waker) = CountingWaker::new();
    let mut big = Box::pin(sem.acquire_many(5));
    let mut small = Box::pin(sem.acquire());
    assert!(poll_once(big.as_mut(), &waker).is_pending());
    assert!(poll_once(small.as_mut(), &small_waker).is_pending());
    drop(big); // its 2 assigned permits go to `small`, 1 stays over
    assert_eq!(small_wakes.count(), 1);
    let Poll::Ready(permit) = poll_once(small.as_mut(), &small_waker) else {
        panic!()
    };
    assert_eq!(sem.available_permits(), 1);
    drop(permit);
    assert_eq!(sem.available_permits(), 2);
}

#[test]
fn cancel_at_every_point_loses_no_permit() {
    // Not polled, queued, completed-but-not-polled, and after Ready.
    let sem = Semaphore::new(1);
    let (_, waker) = CountingWaker::new();

    drop(sem.acquire()); // never polled
    assert_eq!(sem.available_permits(), 1);

    let held = sem.try_acquire().unwrap();
    let mut queued = Box::pin(sem.acquire());
    assert!(poll_once(queued.as_mut(), &waker).is_pending());
    drop(queued); // queued
    drop(held);
    assert_eq!(sem.available_permits(), 1);

    let held = sem.try_acquire().unwrap();
    let (granted_wakes, granted_waker) = CountingWaker::new();
    let (next_wakes, next_waker) = CountingWaker::new();
    let mut granted = Box::pin(sem.acquire());
    let mut next = Box::pin(sem.acquire());
    assert!(poll_once(granted.as_mut(), &granted_waker).is_pending());
    assert!(poll_once(next.as_mut(), &next_waker).is_pending());
    drop(held);
    assert_eq!(granted_wakes.count(), 1);
    drop(granted); // completed but not polled: the permit passes on
    assert_eq!(next_wakes.count(), 1);
    let Poll::Ready(permit) = poll_once(next.as_mut(), &next_waker) else {
        panic!()
    };
    drop(permit); // after Ready
    assert_eq!(sem.available_permits(), 1);
}

#[test]
fn owned_permits_and_futures() {
    let sem = Arc::new(Semaphore::new(1));
    let permit = block_on(sem.clone().acquire_owned());
    let (wakes, waker) = CountingWaker::new();
    let mut waiting = Box::pin(sem.clone().acquire_owned());
    assert!(poll_once(waiting.as_mut(), &waker).is_pending());
    std::thread::spawn(move || drop(permit)).join().unwrap();
    assert_eq!(wakes.count(), 1);
    let Poll::Ready(p) = poll_once(waiting.as_mut(), &waker) else {
        panic!()
    };
    assert_eq!(p.num_permits(), 1);
    drop(p);
    assert!(sem.clone().try_acquire_owned().is_some());
}

#[test]
fn bounded_release_above_initial_count_is_an_error() {
    let sem = BoundedSemaphore::new(2);
    assert_eq!(sem.release(), Err(ReleaseError));
    let p = sem.try_acquire().unwrap();
    p.forget();
    assert_eq!(sem.release(), Ok(()));
    assert_eq!(sem.release(), Err(ReleaseError));
    assert_eq!(sem.available_permits(), 2);
    assert!(ReleaseError.to_string().contains("released too many times"));
}

#[test]
fn bounded_release_only_gives_back_forgotten_permits() {
    let sem = BoundedSemaphore::new(2);
    let held = sem.try_acquire().unwrap(); // held by a guard: not releasable
    assert_eq!(sem.release(), Err(ReleaseError));
    sem.try_acquire().unwrap().forget();
    let (wakes, waker) = CountingWaker::new();
    let mut waiting = Box::pin(sem.acquire());
    assert!(poll_once(waiting.as_mut(), &waker).is_pending());
    assert_eq!(sem.release(), Ok(())); // the forgotten one, to the waiter
    assert_eq!(wakes.count(), 1);
    assert_eq!(sem.release(), Err(ReleaseError));
    let Poll::Ready(permit) = poll_once(waiting.as_mut(), &waker) else {
        panic!()
    };
    drop((permit, held));
    assert_eq!(sem.available_permits(), 2);
    assert_eq!(sem.release(), Err(ReleaseError));
}

#[test]
#[cfg_attr(miri, ignore = "too slow under Miri")]
fn stress_many_os_threads_with_cancellations() {
    const PERMITS: usize = 3;
    let sem = Arc::new(Semaphore::new(PERMITS));
    let inside = Arc::new(AtomicUsize::new(0));
    {
        let (sem, inside) = (sem.clone(), inside.clone());
        on_threads(8, move |t| {
            let (sem, inside) = (sem.clone(), inside.clone());
            async move {
                let (_, waker) = CountingWaker::new();
                for i in 0..2_000usize {
                    let n = 1 + (i + t) % 2;
                    if (i + t) % 4 == 0 {
                        let mut f = Box::pin(sem.acquire_many(n));
                        let _ = poll_once(f.as_mut(), &waker);
                    } else {
                        let _p = sem.acquire_many(n).await;
                        let now = inside.fetch_add(n, Ordering::SeqCst) + n;
                        assert!(now <= PERMITS, "{now} permits in use");
                        inside.fetch_sub(n, Ordering::SeqCst);
                    }
                }
            }
        });
    }
    assert_eq!(sem.available_permits(), PERMITS);
}
