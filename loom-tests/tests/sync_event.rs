//! loom models of `Event`: `set` wakes a waiter on another thread, and a
//! dropped waiter does not swallow the wake-up of another.
#![cfg(loom)]

use std::sync::Arc;

use loom::thread;
use loom_tests::{Counter, block_on, poll};
use runtime_sync::Event;

/// A waiter on another thread is woken by `set` (loom reports a deadlock
/// if the wake-up is lost between its check and its sleep).
#[test]
fn loom_event_set_wakes_waiter() {
    loom::model(|| {
        let event = Arc::new(Event::new());
        let waiter = {
            let event = event.clone();
            thread::spawn(move || block_on(event.wait()))
        };
        event.set();
        waiter.join().unwrap();
        assert!(event.is_set());
    });
}

/// One waiter is dropped while `set` runs on another thread: the other
/// waiter is woken regardless.
#[test]
fn loom_event_cancel_races_set() {
    loom::model(|| {
        let event = Arc::new(Event::new());
        let (_, waker) = Counter::new();
        let (kept_wakes, kept_waker) = Counter::new();
        let mut dropped = Box::pin(event.wait());
        let mut kept = Box::pin(event.wait());
        assert!(poll(dropped.as_mut(), &waker).is_pending());
        assert!(poll(kept.as_mut(), &kept_waker).is_pending());
        let setter = {
            let event = event.clone();
            thread::spawn(move || event.set())
        };
        drop(dropped);
        setter.join().unwrap();
        assert_eq!(kept_wakes.count(), 1);
        assert!(poll(kept.as_mut(), &kept_waker).is_ready());
    });
}

/// A waiter in line when another thread runs `set` then `clear` returns:
/// the `set` resolved it, the `clear` cannot take that back (asyncio too).
/// It is first polled with one waker, then blocked on with another.
#[test]
fn loom_event_set_clear_vs_wait() {
    loom::model(|| {
        let event = Arc::new(Event::new());
        let (_, waker) = Counter::new();
        let mut wait = Box::pin(event.wait());
        assert!(poll(wait.as_mut(), &waker).is_pending());
        let setter = {
            let event = event.clone();
            thread::spawn(move || {
                event.set();
                event.clear();
            })
        };
        block_on(wait.as_mut());
        setter.join().unwrap();
        assert!(!event.is_set());
    });
}
