//! loom models of `Slot`'s protocol (also run once, on real threads,
//! without loom).

use super::Slot;
use crate::loom::{Arc, Mutex, thread};
use std::future::poll_fn;
use std::task::Poll;

/// A receiver made before a delivery, waiting while another thread
/// delivers and broadcasts (as the handler and a drain do), is either
/// ready at once or woken: if the wake-up could be lost, the receiver
/// would block forever and loom would report a deadlock.
///
/// Checked to fail (loom: "deadlock") with `broadcast` waking the
/// receivers *before* bumping the generation: the woken receiver looks
/// too early, waits again, and the bump wakes nobody.
#[test]
fn loom_a_waiting_receiver_sees_or_is_woken_by_a_delivery() {
    crate::loom::model(|| {
        let slot = Arc::new(Slot::default());
        let seen = slot.generation();
        let deliverer = {
            let slot = slot.clone();
            thread::spawn(move || {
                slot.deliver();
                slot.broadcast();
            })
        };
        crate::loom::block_on(poll_fn(|cx| {
            slot.register(0, cx.waker());
            if slot.generation() != seen {
                Poll::Ready(())
            } else {
                Poll::Pending
            }
        }));
        slot.unregister(0);
        deliverer.join().unwrap();
        assert_eq!(slot.generation(), seen + 1);
    });
}

/// The handler (flag, then a byte into the pipe) racing a drain (read the
/// pipe empty, then broadcast): whatever the interleaving, when both are
/// done the delivery is either counted or its byte is still in the pipe,
/// so the drain that byte triggers counts it. Counted exactly once.
#[test]
fn loom_a_delivery_racing_a_drain_is_counted_once() {
    crate::loom::model(|| {
        let slot = Arc::new(Slot::default());
        // The pipe's bytes. A mutex, as in the kernel.
        let pipe = Arc::new(Mutex::new(0usize));
        let handler = {
            let (slot, pipe) = (slot.clone(), pipe.clone());
            thread::spawn(move || {
                slot.deliver();
                *pipe.lock() += 1;
            })
        };
        let drain = |slot: &Slot, pipe: &Mutex<usize>| {
            *pipe.lock() = 0;
            slot.broadcast();
        };
        drain(&slot, &pipe);
        handler.join().unwrap();
        let counted = slot.generation();
        assert!(
            counted == 1 || *pipe.lock() > 0,
            "the delivery is neither counted nor announced by a byte"
        );
        // The edge of a byte left in the pipe makes another drain.
        if *pipe.lock() > 0 {
            drain(&slot, &pipe);
        }
        assert_eq!(slot.generation(), 1);
    });
}

/// Not a model: a receiver whose waker panics (one polled by another
/// executor) costs neither the other receivers their wake-up nor the
/// drainer a panic (the drain runs in some other receiver's poll, or in
/// `Receiver::new`): the panic is contained, as in the reactor's dispatch.
#[cfg(not(loom))]
#[test]
fn a_panicking_receiver_waker_is_contained() {
    use crate::test_util::WakeCount;

    let slot = Slot::default();
    let (_, panicking) = WakeCount::panicking();
    let (count, waker) = WakeCount::new();
    slot.register(0, &panicking);
    for id in 1..=8 {
        slot.register(id, &waker);
    }
    slot.deliver();
    let broadcast = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| slot.broadcast()));
    assert!(broadcast.is_ok(), "the waker's panic escaped the broadcast");
    assert_eq!(count.count(), 8);
    assert_eq!(slot.generation(), 1);
}
