//! In-crate tests of the public time API that need to see inside the
//! wheel (entry counts, registration).

use super::{Instant, sleep, timeout};
use crate::Builder;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll, Waker};
use std::time::Duration;

fn scaled(n: usize) -> usize {
    if cfg!(miri) { (n / 1000).max(10) } else { n }
}

/// Polls once with a no-op waker.
fn poll_once<F: Future + Unpin>(f: &mut F) -> Poll<F::Output> {
    Pin::new(f).poll(&mut Context::from_waker(Waker::noop()))
}

/// A million sleeps created, registered (polled once) and dropped leave the
/// wheel empty and its slab at one slot. (Paused, so no sleep is already
/// due at its first poll however slow the machine: each one registers.)
#[test]
fn time_churn_leaves_the_wheel_empty_and_memory_flat() {
    let rt = Builder::current_thread()
        .start_paused(true)
        .build()
        .unwrap();
    let handle = rt.handle().inner.clone();
    rt.block_on(async {
        for i in 0..scaled(1_000_000) {
            let mut s = sleep(Duration::from_millis(1 + (i % 5000) as u64));
            assert!(poll_once(&mut s).is_pending());
            assert!(s.is_registered());
        }
    });
    let time = &handle.driver().time;
    assert_eq!(time.entries(), (0, 1));
    assert_eq!(time.timers_pending(), 0);
}

/// A sleep that is never polled never touches the wheel.
#[test]
fn time_unpolled_sleep_is_not_registered() {
    let rt = Builder::current_thread().build().unwrap();
    let handle = rt.handle().inner.clone();
    rt.block_on(async {
        let s = sleep(Duration::from_secs(1));
        assert!(!s.is_registered());
    });
    assert_eq!(handle.driver().time.timers_registered(), 0);
}

/// A timeout around a ready future registers no timer either.
#[test]
fn time_timeout_on_a_ready_future_registers_nothing() {
    let rt = Builder::current_thread().build().unwrap();
    let handle = rt.handle().inner.clone();
    let out = rt.block_on(async { timeout(Duration::from_secs(1), async { 5 }).await });
    assert_eq!(out, Ok(5));
    assert_eq!(handle.driver().time.timers_registered(), 0);
}

/// The counters the metrics will read.
#[test]
fn time_counters_count_registrations_and_fires() {
    let rt = Builder::current_thread()
        .start_paused(true)
        .build()
        .unwrap();
    let handle = rt.handle().inner.clone();
    rt.block_on(async {
        for _ in 0..3 {
            sleep(Duration::from_secs(1)).await;
        }
        let mut cancelled = sleep(Duration::from_secs(1));
        assert!(poll_once(&mut cancelled).is_pending());
    });
    let time = &handle.driver().time;
    assert_eq!(time.timers_registered(), 4);
    assert_eq!(time.timers_fired(), 3);
    assert_eq!(time.entries().0, 0);
}

/// `Duration::MAX` never fires, and is never registered: with a paused
/// clock, auto-advance does not jump to it.
#[test]
fn time_duration_max_never_fires() {
    let rt = Builder::current_thread()
        .start_paused(true)
        .build()
        .unwrap();
    rt.block_on(async {
        let start = Instant::now();
        let mut forever = sleep(Duration::MAX);
        assert!(poll_once(&mut forever).is_pending());
        assert!(!forever.is_registered());
        // Something else to wait for: auto-advance goes there, not to MAX.
        let out = timeout(Duration::from_secs(3600), &mut forever).await;
        assert!(out.is_err());
        assert_eq!(start.elapsed(), Duration::from_secs(3600));
        assert!(!forever.is_elapsed());
    });
}

/// The driver's last clock reading, which `sleep_until` and a sleep's
/// first poll use instead of reading the clock, is a lower bound of now,
/// and a deadline at or before it is served by a yield, not the wheel.
#[test]
fn time_sleep_until_a_deadline_the_driver_saw_pass_yields_without_the_wheel() {
    use super::sleep_until;
    let rt = Builder::current_thread().build().unwrap();
    let handle = rt.handle().inner.clone();
    rt.block_on(async {
        let time = &handle.driver().time;
        let before = Instant::now();
        // The driver reads the clock when it parks for this timer (after
        // `before` was taken) and when it fires it.
        sleep(Duration::from_millis(1)).await;
        let seen = time.recent_ns();
        assert!(seen > 0, "the driver recorded no clock reading");
        assert!(
            seen <= time.now_ns(),
            "the recorded reading is ahead of the clock"
        );
        let registered = time.timers_registered();
        let mut past = sleep_until(before);
        assert!(poll_once(&mut past).is_pending(), "yields once first");
        assert!(!past.is_registered());
        assert!(poll_once(&mut past).is_ready());
        assert_eq!(
            time.timers_registered(),
            registered,
            "the wheel was not used"
        );
    });
}

/// A sleep whose deadline passes between its creation and its first poll
/// (as the paused clock shows it) yields once at that poll instead of
/// registering; one still in the future registers.
#[test]
fn time_sleep_due_by_its_first_poll_yields_without_the_wheel() {
    use super::{advance, sleep_until};
    let rt = Builder::current_thread()
        .start_paused(true)
        .build()
        .unwrap();
    rt.block_on(async {
        let start = Instant::now();
        let mut due_by_then = sleep_until(start + Duration::from_secs(1));
        let mut later = sleep_until(start + Duration::from_secs(2));
        advance(Duration::from_secs(1)).await;
        assert!(poll_once(&mut due_by_then).is_pending());
        assert!(!due_by_then.is_registered());
        assert!(poll_once(&mut due_by_then).is_ready());
        assert!(poll_once(&mut later).is_pending());
        assert!(later.is_registered());
        later.await;
        assert_eq!(start.elapsed(), Duration::from_secs(2));
    });
}
