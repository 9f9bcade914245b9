//! Unit tests of `ScheduledIo` (readiness word, waiters, wake batches).

use super::*;
use std::sync::Arc;
use std::sync::atomic::AtomicUsize as StdUsize;
use std::task::Wake;

struct Count(StdUsize);
impl Wake for Count {
    fn wake(self: Arc<Self>) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }
}

#[test]
fn edge_wakes_the_waiting_reader_only() {
    let io = ScheduledIo::new();
    let reader = Arc::new(Count(StdUsize::new(0)));
    let writer = Arc::new(Count(StdUsize::new(0)));
    let (rw, ww) = (Waker::from(reader.clone()), Waker::from(writer.clone()));
    assert!(
        io.poll_readiness(&mut Context::from_waker(&rw), Direction::Read)
            .is_pending()
    );
    assert!(
        io.poll_readiness(&mut Context::from_waker(&ww), Direction::Write)
            .is_pending()
    );
    io.set_readiness(READABLE);
    assert_eq!(reader.0.load(Ordering::SeqCst), 1);
    assert_eq!(writer.0.load(Ordering::SeqCst), 0);
    assert!(
        io.poll_readiness(&mut Context::from_waker(&rw), Direction::Read)
            .is_ready()
    );
}

#[test]
fn a_newer_edge_survives_a_stale_clear() {
    let io = ScheduledIo::new();
    io.set_readiness(READABLE);
    let waker = Waker::noop();
    let Poll::Ready(seen) = io.poll_readiness(&mut Context::from_waker(waker), Direction::Read)
    else {
        panic!("readable")
    };
    io.set_readiness(READABLE); // arrives while the syscall runs
    io.clear_readiness(seen, Direction::Read); // the syscall's WouldBlock
    assert!(
        io.poll_readiness(&mut Context::from_waker(waker), Direction::Read)
            .is_ready()
    );
    let Poll::Ready(seen) = io.poll_readiness(&mut Context::from_waker(waker), Direction::Read)
    else {
        panic!("readable")
    };
    io.clear_readiness(seen, Direction::Read);
    assert!(
        io.poll_readiness(&mut Context::from_waker(waker), Direction::Read)
            .is_pending()
    );
}

/// Regression: the tick was 8 bits, so 256 edges between an
/// operation's readiness check and its `WouldBlock` brought it back to
/// the value the operation saw, and the stale clear erased the newest
/// readiness (ABA), leaving the task waiting for an edge that had
/// already come.
#[test]
fn a_stale_clear_after_256_edges_keeps_the_newer_readiness() {
    let io = ScheduledIo::new();
    io.set_readiness(READABLE);
    let waker = Waker::noop();
    let Poll::Ready(seen) = io.poll_readiness(&mut Context::from_waker(waker), Direction::Read)
    else {
        panic!("readable")
    };
    for _ in 0..256 {
        io.set_readiness(READABLE); // other tasks' edges on a shared socket
    }
    io.clear_readiness(seen, Direction::Read); // the stale WouldBlock
    assert!(
        io.poll_readiness(&mut Context::from_waker(waker), Direction::Read)
            .is_ready(),
        "a clear with a tick 256 edges old erased the newer readiness"
    );
}

struct Panics;
impl Wake for Panics {
    fn wake(self: Arc<Self>) {
        panic!("a user waker panics");
    }
}

/// Regression: the driver took a batch of wakers and woke them in a
/// loop; a waker that panicked unwound out of the loop and the rest of
/// the batch were dropped unwoken (and the panic reached the worker).
#[test]
fn a_panicking_waker_does_not_stop_the_rest_of_its_batch() {
    let io = ScheduledIo::new();
    let a = Arc::new(Count(StdUsize::new(0)));
    let b = Arc::new(Count(StdUsize::new(0)));
    // The panicking waker between two others, so that whatever order the
    // batch is woken in, one of them comes after it.
    for waker in [
        Waker::from(a.clone()),
        Waker::from(Arc::new(Panics)),
        Waker::from(b.clone()),
    ] {
        assert!(
            io.poll_readiness(&mut Context::from_waker(&waker), Direction::Read)
                .is_pending()
        );
    }
    let dispatched =
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| io.set_readiness(READABLE)));
    assert_eq!(a.0.load(Ordering::SeqCst), 1, "first waiter not woken");
    assert_eq!(b.0.load(Ordering::SeqCst), 1, "last waiter not woken");
    assert!(
        dispatched.is_ok(),
        "a user waker's panic escaped the driver's dispatch"
    );
}

/// The tick wraps within its bits, and a clear with the tick from
/// before the wrap is still stale.
#[test]
fn the_tick_wraps_within_its_bits() {
    let io = ScheduledIo::new();
    io.readiness.store(TICK_MASK | READABLE, Ordering::SeqCst); // the last tick
    let waker = Waker::noop();
    let Poll::Ready(seen) = io.poll_readiness(&mut Context::from_waker(waker), Direction::Read)
    else {
        panic!("readable")
    };
    io.set_readiness(WRITABLE);
    assert_eq!(
        io.readiness.load(Ordering::SeqCst),
        READABLE | WRITABLE,
        "tick 0, bits kept"
    );
    io.clear_readiness(seen, Direction::Read);
    assert!(
        io.poll_readiness(&mut Context::from_waker(waker), Direction::Read)
            .is_ready()
    );
}

/// A future's waiter that registered interest and is dropped leaves no
/// waker behind; re-polls keep one waker in one slot; slots are reused.
#[test]
fn a_dropped_waiter_leaves_no_waker_behind() {
    let io = ScheduledIo::new();
    let task = Arc::new(Count(StdUsize::new(0)));
    let waker = Waker::from(task.clone());
    let mut waiter = io.waiter(Direction::Read);
    for _ in 0..3 {
        assert!(
            waiter
                .poll_readiness(&mut Context::from_waker(&waker))
                .is_pending()
        );
    }
    assert_eq!(
        Arc::strong_count(&task),
        3,
        "ours, `waker`, one in the slot"
    );
    let mut other = io.waiter(Direction::Read);
    assert!(
        other
            .poll_readiness(&mut Context::from_waker(Waker::noop()))
            .is_pending()
    );
    drop(waiter);
    assert_eq!(
        Arc::strong_count(&task),
        2,
        "the dropped waiter's waker was kept"
    );
    let mut again = io.waiter(Direction::Read);
    assert!(
        again
            .poll_readiness(&mut Context::from_waker(&waker))
            .is_pending()
    );
    assert_eq!(
        io.waiters.lock().reader.slots.len(),
        2,
        "the free slot is reused"
    );
    io.set_readiness(READABLE);
    assert_eq!(task.0.load(Ordering::SeqCst), 1);
    assert_eq!(Arc::strong_count(&task), 2, "woken, so no longer held");
    drop((again, other));
}

/// A waiter polled with a new waker (the future moved to another task)
/// replaces the old one.
#[test]
fn a_waiter_polled_with_a_new_waker_keeps_only_the_new_one() {
    let io = ScheduledIo::new();
    let (a, b) = (
        Arc::new(Count(StdUsize::new(0))),
        Arc::new(Count(StdUsize::new(0))),
    );
    let mut waiter = io.waiter(Direction::Write);
    for task in [&a, &b] {
        let waker = Waker::from((*task).clone());
        assert!(
            waiter
                .poll_readiness(&mut Context::from_waker(&waker))
                .is_pending()
        );
    }
    assert_eq!(Arc::strong_count(&a), 1);
    io.set_readiness(WRITABLE);
    assert_eq!(a.0.load(Ordering::SeqCst), 0);
    assert_eq!(b.0.load(Ordering::SeqCst), 1);
    assert!(
        waiter
            .poll_readiness(&mut Context::from_waker(Waker::noop()))
            .is_ready()
    );
}

/// More waiters than one batch holds, of both kinds: all are woken.
#[test]
fn an_edge_wakes_waiters_beyond_one_batch() {
    let io = ScheduledIo::new();
    let mut waiters: Vec<_> = (0..40).map(|_| io.waiter(Direction::Read)).collect();
    let tasks: Vec<_> = (0..40).map(|_| Arc::new(Count(StdUsize::new(0)))).collect();
    for (waiter, task) in waiters.iter_mut().zip(&tasks) {
        let waker = Waker::from(task.clone());
        assert!(
            waiter
                .poll_readiness(&mut Context::from_waker(&waker))
                .is_pending()
        );
        assert!(
            io.poll_readiness(&mut Context::from_waker(&waker), Direction::Read)
                .is_pending()
        );
    }
    io.set_readiness(READ_CLOSED);
    for task in &tasks {
        assert_eq!(task.0.load(Ordering::SeqCst), 2);
        assert_eq!(Arc::strong_count(task), 1);
    }
}

#[test]
fn closed_and_shutdown_are_never_cleared() {
    let io = ScheduledIo::new();
    io.set_readiness(READ_CLOSED);
    let waker = Waker::noop();
    let Poll::Ready(seen) = io.poll_readiness(&mut Context::from_waker(waker), Direction::Read)
    else {
        panic!("closed is ready")
    };
    io.clear_readiness(seen, Direction::Read);
    assert!(
        io.poll_readiness(&mut Context::from_waker(waker), Direction::Read)
            .is_ready()
    );
    io.shutdown();
    let Poll::Ready(seen) = io.poll_readiness(&mut Context::from_waker(waker), Direction::Write)
    else {
        panic!("shutdown is ready")
    };
    assert!(seen.is_shutdown());
}

#[test]
fn several_waiters_in_one_direction_all_wake() {
    let io = ScheduledIo::new();
    let a = Arc::new(Count(StdUsize::new(0)));
    let b = Arc::new(Count(StdUsize::new(0)));
    let (aw, bw) = (Waker::from(a.clone()), Waker::from(b.clone()));
    assert!(
        io.poll_readiness(&mut Context::from_waker(&aw), Direction::Read)
            .is_pending()
    );
    assert!(
        io.poll_readiness(&mut Context::from_waker(&aw), Direction::Read)
            .is_pending()
    );
    assert!(
        io.poll_readiness(&mut Context::from_waker(&bw), Direction::Read)
            .is_pending()
    );
    io.set_readiness(READABLE);
    if cfg!(miri) {
        // Miri gives one vtable several addresses, so `will_wake` may
        // not recognise a clone: the dedup is best effort there.
        assert!(a.0.load(Ordering::SeqCst) >= 1);
    } else {
        assert_eq!(
            a.0.load(Ordering::SeqCst),
            1,
            "registered once despite two polls"
        );
    }
    assert_eq!(b.0.load(Ordering::SeqCst), 1);
}
