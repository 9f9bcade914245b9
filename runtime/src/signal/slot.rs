//! `Slot`: one signal number's deliveries, as the handler flags them and
//! receivers count them.
//!
//! # Protocol
//!
//! * The handler calls [`Slot::deliver`] (an atomic store, which is
//!   async-signal-safe), then writes a byte into the self-pipe
//!   (`registry.rs`).
//! * A drain reads the pipe empty, then calls [`Slot::broadcast`]: if it
//!   swaps `pending` off, it bumps `generation`, then wakes the slot's
//!   receivers (taking the waker lock).
//! * A receiver [`register`](Slot::register)s its waker under that lock,
//!   *then* reads `generation`. Either the bump came first (the receiver
//!   sees it) or the broadcast takes the lock after the registration (and
//!   wakes it): no wake-up is lost.
//!
//! No delivery after a receiver exists is lost: a `deliver` that follows a
//! broadcast's swap is followed by its byte, which the broadcast's drain
//! (done before the swap) cannot have consumed, so it makes a new edge and
//! a new drain. Deliveries between two broadcasts count once: signals
//! coalesce, as the kernel itself merges a standard signal already
//! pending.
//!
//! The loom models in `slot_loom.rs` check both claims on this code.

use crate::loom::{AtomicBool, AtomicU64, Mutex, Ordering};
use std::collections::HashMap;
use std::task::Waker;

/// One signal number.
#[derive(Default)]
pub(crate) struct Slot {
    /// Set by the handler, swapped off by a broadcast.
    pending: AtomicBool,
    /// Deliveries seen by broadcasts so far (coalesced).
    generation: AtomicU64,
    /// The wakers of this signal's receivers, by receiver id.
    waiters: Mutex<HashMap<u64, Waker>>,
}

impl Slot {
    /// The handler's half: flags a delivery. Async-signal-safe (a
    /// lock-free atomic operation).
    ///
    /// A swap rather than a store: as cheap, and loom mis-models a plain
    /// store racing the broadcast's swap (tokio-rs/loom#254).
    pub(crate) fn deliver(&self) {
        self.pending.swap(true, Ordering::SeqCst);
    }

    /// A drain's half, after the pipe was read empty: counts the flagged
    /// delivery, if any, and wakes every receiver.
    pub(crate) fn broadcast(&self) {
        if self.pending.swap(false, Ordering::SeqCst) {
            self.generation.fetch_add(1, Ordering::SeqCst);
            let wakers: Vec<Waker> = self.waiters.lock().values().cloned().collect();
            for waker in wakers {
                // A receiver polled by another executor has that executor's
                // waker, which may panic. Unwinding from here would cost the
                // receivers after it (and the signals after this one in the
                // registry's broadcast) their wake-up, and fail the task
                // that happened to drain the pipe. Contained instead, as in
                // the reactor's dispatch: the panic hook has reported it.
                crate::util::contain::wake(waker);
            }
        }
    }

    /// The deliveries counted so far.
    pub(crate) fn generation(&self) -> u64 {
        self.generation.load(Ordering::SeqCst)
    }

    /// Registers (or refreshes) receiver `id`'s waker. Call before reading
    /// [`generation`](Self::generation).
    pub(crate) fn register(&self, id: u64, waker: &Waker) {
        self.waiters
            .lock()
            .entry(id)
            .and_modify(|w| w.clone_from(waker))
            .or_insert_with(|| waker.clone());
    }

    /// Forgets receiver `id`.
    pub(crate) fn unregister(&self, id: u64) {
        self.waiters.lock().remove(&id);
    }
}

#[cfg(test)]
#[path = "slot_loom.rs"]
mod loom_tests;
