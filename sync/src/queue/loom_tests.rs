//! loom models of the queue's fast-path protocol (see `chan.rs` and
//! `ring.rs`): the ring itself, "push, then look for waiters" against
//! "announce, then look again" in both directions, and an immediate
//! shutdown racing a fast put. A lost wake-up shows up as a loom deadlock
//! (the waiting thread parks and nobody unparks it).

use std::future::Future;
use std::pin::pin;
use std::sync::Arc;
use std::task::{Context, Poll, Wake, Waker};

use loom::thread;

use super::ring::Ring;
use crate::Queue;

struct Unpark(thread::Thread);

impl Wake for Unpark {
    fn wake(self: Arc<Self>) {
        self.0.unpark();
    }
}

/// Runs `future` on this loom thread, parking while it waits.
fn block_on<F: Future>(future: F) -> F::Output {
    let waker = Waker::from(Arc::new(Unpark(thread::current())));
    let mut cx = Context::from_waker(&waker);
    let mut future = pin!(future);
    loop {
        if let Poll::Ready(output) = future.as_mut().poll(&mut cx) {
            return output;
        }
        thread::park();
    }
}

/// Two pushers and a popper on a ring of one slot, each trying once:
/// every item pushed comes out exactly once, and a full ring says so
/// instead of overwriting.
#[test]
fn loom_ring_two_pushers_one_slot() {
    loom::model(|| {
        let ring = Arc::new(Ring::new(1));
        let pushers: Vec<_> = [1, 2]
            .into_iter()
            .map(|n| {
                let ring = ring.clone();
                thread::spawn(move || ring.push(n).is_ok().then_some(n))
            })
            .collect();
        let popped = ring.pop().map(|(n, _)| n);
        let pushed: Vec<_> = pushers
            .into_iter()
            .filter_map(|p| p.join().unwrap())
            .collect();
        assert!(!pushed.is_empty(), "the empty ring refused both");
        let left = ring.pop().map(|(n, _)| n);
        assert!(ring.pop().is_none());
        assert_eq!(ring.len(), 0);
        let mut out: Vec<_> = popped.into_iter().chain(left).collect();
        out.sort_unstable();
        let mut pushed = pushed;
        pushed.sort_unstable();
        assert_eq!(out, pushed, "items lost or duplicated");
    });
}

/// A getter starts waiting on an empty queue while a fast `put_nowait`
/// pushes: the getter either finds the item when it looks again, or the
/// putter sees it waiting and wakes it.
#[test]
fn loom_queue_fast_put_wakes_announced_getter() {
    loom::model(|| {
        let queue = Arc::new(Queue::new(2));
        let getter = {
            let queue = queue.clone();
            thread::spawn(move || block_on(queue.get()))
        };
        queue.put_nowait(7).unwrap();
        assert_eq!(getter.join().unwrap(), Ok(7));
        assert!(queue.empty());
    });
}

/// A putter starts waiting on a full queue while a fast `get_nowait` frees
/// the slot: the putter either finds the room when it looks again, or the
/// getter sees it waiting and wakes it.
#[test]
fn loom_queue_fast_get_wakes_announced_putter() {
    loom::model(|| {
        let queue = Arc::new(Queue::new(1));
        queue.put_nowait(1).unwrap();
        let putter = {
            let queue = queue.clone();
            thread::spawn(move || block_on(queue.put(2)).unwrap())
        };
        assert_eq!(queue.get_nowait(), Ok(1));
        putter.join().unwrap();
        assert_eq!(queue.get_nowait(), Ok(2));
    });
}

/// An immediate shutdown races a fast put: if the put succeeded, its item
/// was dropped by the shutdown all the same, and `join` is not held up.
#[test]
fn loom_queue_immediate_shutdown_races_fast_put() {
    loom::model(|| {
        let queue = Arc::new(Queue::new(2));
        let putter = {
            let queue = queue.clone();
            thread::spawn(move || queue.put_nowait(1).is_ok())
        };
        queue.shutdown(true);
        let _ = putter.join().unwrap();
        assert_eq!(queue.qsize(), 0, "an item survived an immediate shutdown");
        assert!(queue.get_nowait().unwrap_err().is_shut_down());
        let mut join = pin!(queue.join());
        let waker = Waker::noop();
        assert!(
            join.as_mut()
                .poll(&mut Context::from_waker(waker))
                .is_ready()
        );
    });
}

/// A getter waits; a fast getter (here the main thread) that read the
/// flags before it started waiting may take the item that is then reserved
/// for it: the waiting getter waits again, first in line, and gets the
/// next item.
#[test]
fn loom_queue_stolen_reservation_waits_again() {
    loom::model(|| {
        let queue = Arc::new(Queue::new(2));
        let waiter = {
            let queue = queue.clone();
            thread::spawn(move || block_on(queue.get()))
        };
        let putter = {
            let queue = queue.clone();
            thread::spawn(move || queue.put_nowait(1).unwrap())
        };
        let raced = queue.get_nowait().ok();
        putter.join().unwrap();
        if raced.is_some() {
            queue.put_nowait(2).unwrap();
        }
        let waited = waiter.join().unwrap();
        assert_eq!(waited, Ok(if raced.is_some() { 2 } else { 1 }));
        assert!(queue.empty());
    });
}
