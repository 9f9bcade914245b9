//! loom models of `ScheduledIo`'s readiness protocol (also run once, on
//! real threads, without loom).

use super::*;
use crate::loom::{Arc, thread};
use std::future::poll_fn;
use std::task::Wake;

struct Count(AtomicUsize);
impl Wake for Count {
    fn wake(self: std::sync::Arc<Self>) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }
}

/// The task waits in `waiter` if given, else in the `polled` list.
fn wait_readable(
    io: &ScheduledIo,
    waiter: Option<&mut IoWaiter<'_>>,
) -> impl Future<Output = ReadyEvent> {
    let mut waiter = waiter;
    poll_fn(move |cx| match waiter.as_deref_mut() {
        Some(waiter) => waiter.poll_readiness(cx),
        None => io.poll_readiness(cx, Direction::Read),
    })
}

/// A driver thread delivers a byte: the kernel queues it (`data`), then
/// the edge is reported (`set_readiness`). Meanwhile the task, which
/// starts with readiness left over from an earlier edge, waits for
/// readiness, tries the "syscall" (takes the byte if there is one) and on
/// `WouldBlock` clears with the tick it saw and waits again, until it
/// has the byte.
///
/// No lost wake-up: if the task ever waits with the edge already
/// dispatched and its readiness gone, it blocks forever and loom reports
/// a deadlock. A stale clear never erases newer readiness: at the end
/// `READABLE` is still set, because the only clear that may follow the
/// driver's edge is one based on an older tick.
///
/// Checked to fail (loom: "deadlock"), with the task waiting in the
/// `polled` list and in a slot alike, with either of these broken
/// variants:
/// * `clear_readiness` ignoring the tick (its `fetch_update` closure
///   returning `Some(curr & !clear)` always): the clear that follows the
///   edge erases it;
/// * `poll_readiness` / `IoWaiter::poll_readiness` returning `Pending`
///   right after registering, without the re-check under the lock: the
///   edge dispatched between the first look and the registration wakes
///   nobody.
///
/// (The 8-bit tick's ABA needs 256 edges, beyond a model; the unit test
/// `a_stale_clear_after_256_edges_keeps_the_newer_readiness` covers it.)
fn edge_during_wouldblock(in_slot: bool) {
    crate::loom::model(move || {
        let io = Arc::new(ScheduledIo::new());
        // The socket's receive queue. A mutex, as in the kernel (and
        // because loom mis-models a plain store racing an RMW on one
        // atomic: tokio-rs/loom#254).
        let data = Arc::new(Mutex::new(false));
        io.set_readiness(READABLE);
        let driver = {
            let (io, data) = (io.clone(), data.clone());
            thread::spawn(move || {
                *data.lock() = true;
                io.set_readiness(READABLE);
            })
        };
        crate::loom::block_on(async {
            let mut waiter = io.waiter(Direction::Read);
            loop {
                let event = wait_readable(&io, in_slot.then_some(&mut waiter)).await;
                if std::mem::take(&mut *data.lock()) {
                    break;
                }
                io.clear_readiness(event, Direction::Read); // WouldBlock
            }
        });
        driver.join().unwrap();
        assert_ne!(
            io.readiness.load(Ordering::SeqCst) & READABLE,
            0,
            "a stale clear erased the newer readiness"
        );
    });
}

#[test]
fn loom_edge_during_wouldblock_polled() {
    edge_during_wouldblock(false);
}

#[test]
fn loom_edge_during_wouldblock_in_slot() {
    edge_during_wouldblock(true);
}

/// A TCP read that drained the socket clears the readiness at once (the
/// kernel's `TCP_INQ` hint, `Registration::poll_read_io`), racing with the
/// edge of the next byte. The task starts with one byte queued and the
/// readiness of its edge; the driver thread queues a second byte and
/// reports its edge. The task reads (takes what is queued), then asks
/// whether the queue is empty — a separate step, as in the kernel, where
/// the hint is computed after the socket lock is released — and if so
/// clears with the tick it saw; a read that finds nothing is a
/// `WouldBlock` and clears as well. It must end with both bytes: a clear
/// that erased the second edge would leave it waiting forever (loom:
/// "deadlock").
///
/// Checked to fail ("deadlock") with `clear_readiness` ignoring the tick.
fn drained_read_racing_an_edge(in_slot: bool) {
    crate::loom::model(move || {
        let io = Arc::new(ScheduledIo::new());
        // Bytes in the socket's receive queue.
        let queued = Arc::new(Mutex::new(1usize));
        io.set_readiness(READABLE);
        let driver = {
            let (io, queued) = (io.clone(), queued.clone());
            thread::spawn(move || {
                *queued.lock() += 1;
                io.set_readiness(READABLE);
            })
        };
        crate::loom::block_on(async {
            let mut waiter = io.waiter(Direction::Read);
            let mut got = 0;
            while got < 2 {
                let event = wait_readable(&io, in_slot.then_some(&mut waiter)).await;
                let n = std::mem::take(&mut *queued.lock());
                let drained = *queued.lock() == 0;
                got += n;
                if n == 0 || drained {
                    io.clear_readiness(event, Direction::Read);
                }
            }
        });
        driver.join().unwrap();
    });
}

#[test]
fn loom_drained_read_racing_an_edge_polled() {
    drained_read_racing_an_edge(false);
}

#[test]
fn loom_drained_read_racing_an_edge_in_slot() {
    drained_read_racing_an_edge(true);
}

/// One edge, two tasks waiting for it, one in each kind of waiter: both
/// are woken (or see the readiness), whatever the interleaving.
#[test]
fn loom_one_edge_wakes_both_kinds_of_waiter() {
    crate::loom::model(|| {
        let io = Arc::new(ScheduledIo::new());
        let other = {
            let io = io.clone();
            thread::spawn(move || {
                crate::loom::block_on(wait_readable(&io, None));
            })
        };
        let driver = {
            let io = io.clone();
            thread::spawn(move || io.set_readiness(READABLE))
        };
        crate::loom::block_on(async {
            let mut waiter = io.waiter(Direction::Read);
            wait_readable(&io, Some(&mut waiter)).await;
        });
        other.join().unwrap();
        driver.join().unwrap();
    });
}

/// A waiting future dropped while the driver dispatches an edge to it:
/// its waker is woken at most once and not kept (the driver took and
/// woke it, or the drop released it), and its slot is free again.
///
/// Checked to fail ("slot not freed") with `IoWaiter::drop` doing
/// nothing. (The waker alone cannot show it here: the edge then wakes
/// and drops it; `a_dropped_waiter_leaves_no_waker_behind` covers a
/// drop with no edge.)
#[test]
fn loom_drop_racing_edge() {
    crate::loom::model(|| {
        let io = Arc::new(ScheduledIo::new());
        let count = std::sync::Arc::new(Count(AtomicUsize::new(0)));
        let mut waiter = io.waiter(Direction::Read);
        {
            let waker = Waker::from(count.clone());
            assert!(
                waiter
                    .poll_readiness(&mut Context::from_waker(&waker))
                    .is_pending()
            );
        }
        let driver = {
            let io = io.clone();
            thread::spawn(move || io.set_readiness(READABLE))
        };
        drop(waiter);
        driver.join().unwrap();
        assert!(count.0.load(Ordering::SeqCst) <= 1);
        assert_eq!(std::sync::Arc::strong_count(&count), 1, "waker kept");
        let waiters = io.waiters.lock();
        assert_eq!(waiters.reader.free, 0, "slot not freed");
        assert!(waiters.reader.polled.is_empty());
    });
}
