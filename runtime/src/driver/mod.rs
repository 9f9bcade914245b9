//! The driver: what a parked worker blocks in.
//!
//! One driver per runtime (never a process-global one): an I/O reactor
//! built around one `polling::Poller` (`io/`) and the timers (`time/`). At
//! any time at most one thread owns the [`Driver`] (the multi-thread
//! scheduler keeps it behind a try-lock: the first worker to park takes it,
//! the others park on a condition variable); any thread may use the
//! [`Handle`] to register I/O sources, start timers, or wake the owner.
//!
//! Schedulers call it in two ways:
//! * [`Driver::park`]: an idle worker blocks in `Poller::wait` until an I/O
//!   event, a wake-up ([`Handle::unpark`]) or the next timer deadline, then
//!   dispatches the readiness and fires the due timers;
//! * [`Driver::poll`]: a busy worker, every few dozen tasks, collects
//!   readiness without blocking (only if any source is registered: the
//!   poll costs several syscalls) and fires due timers, so CPU-heavy tasks
//!   starve neither I/O nor timers.

#[cfg(not(any(loom, miri)))]
pub(crate) mod io;
#[cfg(any(loom, miri))]
#[path = "io_mock.rs"]
pub(crate) mod io;
pub(crate) mod time;

use std::time::Duration;

/// The blocking half: only one thread uses it at a time.
pub(crate) struct Driver {
    io: io::Driver,
}

/// The shared half.
pub(crate) struct Handle {
    pub(crate) io: io::Handle,
    pub(crate) time: time::Handle,
}

/// Whatever owns a runtime's driver (its scheduler). Resources registered
/// with the driver (`io::Registration`) hold one, so the driver outlives
/// them; the driver knows its owner only through this trait, and whoever
/// registers a resource hands it in (the API level looks up the current
/// runtime, never the driver).
pub(crate) trait Owner: Send + Sync + 'static {
    fn driver(&self) -> &Handle;
}

/// A counted reference to a driver's owner (a clone of the scheduler's own
/// `Arc`, so no allocation of its own).
pub(crate) type OwnerRef = std::sync::Arc<dyn Owner>;

impl Driver {
    pub(crate) fn new() -> std::io::Result<(Driver, Handle)> {
        let (io, io_handle) = io::Driver::new()?;
        let handle = Handle {
            io: io_handle,
            time: time::Handle::new(),
        };
        Ok((Driver { io }, handle))
    }

    /// Blocks until woken, an I/O event arrives, `timeout` passes or the
    /// next timer is due; then dispatches readiness and fires timers.
    ///
    /// With the clock paused (a current_thread runtime with nothing to
    /// run), it does not block for a timer: it polls I/O, and if nothing
    /// came in, moves the clock to the next deadline (auto-advance).
    pub(crate) fn park(&mut self, handle: &Handle, timeout: Option<Duration>) {
        match handle.time.park_timeout(timeout) {
            time::Park::Timeout(timeout) => {
                self.io.park(&handle.io, timeout);
            }
            time::Park::AutoAdvance(deadline) => {
                if self.io.park(&handle.io, Some(Duration::ZERO)) == 0 {
                    handle.time.advance_to(deadline);
                }
            }
        }
        handle.time.process();
    }

    /// Collects readiness and fires due timers without blocking.
    pub(crate) fn poll(&mut self, handle: &Handle) {
        if handle.io.has_sources() {
            self.io.park(&handle.io, Some(Duration::ZERO));
        }
        handle.time.process();
    }

    /// Releases every resource still registered; called once, when the
    /// runtime shuts down, after the workers stopped.
    pub(crate) fn shutdown(&mut self, handle: &Handle) {
        handle.io.shutdown();
        handle.time.shutdown();
    }
}

impl Handle {
    /// Wakes the thread parked in the driver, or makes its next park
    /// return at once.
    pub(crate) fn unpark(&self) {
        self.io.unpark();
    }
}
