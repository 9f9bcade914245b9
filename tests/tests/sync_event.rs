//! `Event`: wake-all, clear, cancellation, and threads.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use runtime::sync::Event;
use tests::{CountingWaker, Pool, on_threads, poll_once, run_local};

#[test]
fn set_wakes_every_waiter() {
    let event = Event::new();
    let woken = AtomicUsize::new(0);
    let waiters = (0..50).map(|_| {
        let (event, woken) = (&event, &woken);
        Box::pin(async move {
            event.wait().await;
            woken.fetch_add(1, Ordering::SeqCst);
        }) as std::pin::Pin<Box<dyn std::future::Future<Output = ()>>>
    });
    let setter = Box::pin(async {
        // Runs after every waiter got in line (tasks start in order).
        assert_eq!(woken.load(Ordering::SeqCst), 0);
        event.set();
    });
    run_local(waiters.chain(std::iter::once(setter as _)));
    assert_eq!(woken.load(Ordering::SeqCst), 50);
}

#[test]
fn set_wakes_every_polled_waiter_once() {
    let event = Event::new();
    let mut waiters = Vec::new();
    for _ in 0..100 {
        let (wakes, waker) = CountingWaker::new();
        let mut f = Box::pin(event.wait());
        assert!(poll_once(f.as_mut(), &waker).is_pending());
        waiters.push((f, wakes, waker));
    }
    event.set();
    event.set(); // already set: nothing more
    for (f, wakes, waker) in &mut waiters {
        assert_eq!(wakes.count(), 1);
        assert!(poll_once(f.as_mut(), waker).is_ready());
    }
}

#[test]
fn woken_waiters_return_even_if_cleared_before_they_run() {
    let event = Event::new();
    let (_, waker) = CountingWaker::new();
    let mut f = Box::pin(event.wait());
    assert!(poll_once(f.as_mut(), &waker).is_pending());
    event.set();
    event.clear();
    assert!(!event.is_set());
    assert!(
        poll_once(f.as_mut(), &waker).is_ready(),
        "asyncio: set() resolved it"
    );
    // A new waiter after the clear waits again.
    let mut g = Box::pin(event.wait());
    assert!(poll_once(g.as_mut(), &waker).is_pending());
}

#[test]
fn wait_on_a_set_event_returns_at_once() {
    let event = Event::new();
    event.set();
    let (_, waker) = CountingWaker::new();
    assert!(poll_once(std::pin::pin!(event.wait()), &waker).is_ready());
}

#[test]
fn cancelled_waiters_do_not_disturb_the_others() {
    let event = Event::new();
    let (a_wakes, a) = CountingWaker::new();
    let (b_wakes, b) = CountingWaker::new();
    let (c_wakes, c) = CountingWaker::new();
    let mut fa = Box::pin(event.wait());
    let mut fb = Box::pin(event.wait());
    let mut fc = Box::pin(event.wait());
    assert!(poll_once(fa.as_mut(), &a).is_pending());
    assert!(poll_once(fb.as_mut(), &b).is_pending());
    assert!(poll_once(fc.as_mut(), &c).is_pending());
    drop(fb); // while queued
    event.set();
    drop(fa); // completed but not polled: nothing to pass on
    assert_eq!(
        (a_wakes.count(), b_wakes.count(), c_wakes.count()),
        (1, 0, 1)
    );
    assert!(poll_once(fc.as_mut(), &c).is_ready());
}

#[test]
fn event_fan_out_on_a_thread_pool() {
    // One setter, many waiters, several rounds (set, then clear once all
    // have seen it).
    let go = Arc::new(Event::new());
    let seen = Arc::new(AtomicUsize::new(0));
    let pool = Pool::new();
    for _ in 0..64 {
        let (go, seen) = (go.clone(), seen.clone());
        pool.spawn(async move {
            go.wait().await;
            seen.fetch_add(1, Ordering::SeqCst);
        });
    }
    {
        let go = go.clone();
        pool.spawn(async move { go.set() });
    }
    pool.run(4);
    assert_eq!(seen.load(Ordering::SeqCst), 64);
}

#[test]
fn set_from_another_os_thread() {
    for _ in 0..50 {
        let event = Arc::new(Event::new());
        let results = {
            let event = event.clone();
            on_threads(5, move |i| {
                let event = event.clone();
                async move {
                    if i == 0 {
                        event.set();
                    } else {
                        event.wait().await;
                    }
                    i
                }
            })
        };
        assert_eq!(results, [0, 1, 2, 3, 4]);
    }
}
