//! `Receiver`: what [`ctrl_c`](super::ctrl_c) and [`Signal`](super::Signal)
//! wait with: one signal's slot, the runtime's listener, and the generation
//! seen last.

use super::listener::Listener;
use super::registry::{Globals, globals};
use super::slot::Slot;
use std::io;
use std::sync::Arc;
use std::task::{Context, Poll};

/// Waits for deliveries of one signal.
///
/// Invariant: `seen` is at most the slot's generation; every delivery
/// counted after `seen` is reported by the next `poll_recv`.
pub(super) struct Receiver {
    globals: &'static Globals,
    slot: &'static Slot,
    listener: Arc<Listener>,
    id: u64,
    /// The generation reported last (or current at creation): deliveries up
    /// to it are not ours.
    seen: u64,
}

impl Receiver {
    /// Starts listening for `signum` (in range and catchable), installing
    /// its handler on first use. `what` names the caller for errors.
    pub(super) fn new(signum: i32, what: &str) -> io::Result<Receiver> {
        let globals = globals()?;
        // The runtime first: outside one, fail without installing a
        // handler that would leave the signal's default action disabled.
        let listener = Listener::current(globals, what)?;
        let slot = globals.install(signum)?;
        // Deliveries that came before this call are not ours: account for
        // them before taking the snapshot.
        globals.broadcast();
        Ok(Receiver {
            globals,
            slot,
            listener,
            id: globals.next_id(),
            seen: slot.generation(),
        })
    }

    /// `Ready(Ok(()))` once a delivery newer than the last one reported
    /// was counted (several may have been, coalesced into this one);
    /// `Ready(Err)` once the runtime this receiver was made in has shut
    /// down and nothing newer is left to report.
    pub(super) fn poll_recv(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        // Register first, then look: a broadcast in between finds us.
        self.slot.register(self.id, cx.waker());
        let drained = self.listener.poll_drain(cx, self.globals);
        let generation = self.slot.generation();
        if generation != self.seen {
            self.seen = generation;
            return Poll::Ready(Ok(()));
        }
        match drained {
            Poll::Ready(err) => Poll::Ready(Err(err)),
            Poll::Pending => Poll::Pending,
        }
    }
}

impl Drop for Receiver {
    fn drop(&mut self) {
        self.slot.unregister(self.id);
    }
}
