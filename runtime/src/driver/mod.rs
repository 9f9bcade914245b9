//! The driver: what a parked worker blocks in.
//!
//! One driver per runtime (never a process-global one), built around one
//! `polling::Poller`. At any time at most one thread owns the [`Driver`]
//! (the multi-thread scheduler keeps it behind a try-lock: the first worker
//! to park takes it, the others park on a condition variable); any thread
//! may use the [`Handle`] to wake the owner (`unpark`).
//!
//! `Driver::park` is the seam where the I/O reactor and the timer wheel plug
//! in: it blocks in `Poller::wait` until an I/O event, a wake-up from
//! `Handle::unpark`, or the timeout; then it dispatches what it received.
//! Schedulers call it in two ways:
//! * `park(handle, None)`: an idle worker blocks until there is something
//!   to do;
//! * `park(handle, Some(Duration::ZERO))`: a busy worker polls for readiness
//!   without blocking, every few dozen ticks, so CPU-heavy tasks do not
//!   starve I/O.

#[cfg(not(any(loom, miri)))]
mod imp {
    use std::io;
    use std::time::Duration;

    /// The blocking half: only one thread uses it at a time.
    pub(crate) struct Driver {
        events: polling::Events,
    }

    /// The shared half: wakes the driver's owner.
    pub(crate) struct Handle {
        poller: polling::Poller,
    }

    impl Driver {
        pub(crate) fn new() -> io::Result<(Driver, Handle)> {
            let poller = polling::Poller::new()?;
            let driver = Driver {
                events: polling::Events::new(),
            };
            Ok((driver, Handle { poller }))
        }

        /// Blocks until woken, an event arrives, or `timeout` passes.
        pub(crate) fn park(&mut self, handle: &Handle, timeout: Option<Duration>) {
            self.events.clear();
            match handle.poller.wait(&mut self.events, timeout) {
                Ok(_) => {}
                Err(err) if err.kind() == io::ErrorKind::Interrupted => {}
                // epoll_wait only fails on a bad fd or a bad buffer, i.e. a
                // bug in this crate or in polling.
                Err(err) => panic!("the runtime's I/O driver failed to poll: {err}"),
            }
        }

        /// Releases every resource still registered; called once, when the
        /// runtime shuts down.
        pub(crate) fn shutdown(&mut self, _handle: &Handle) {}
    }

    impl Handle {
        /// Wakes the thread parked in the driver, or makes its next park
        /// return at once.
        pub(crate) fn unpark(&self) {
            // `notify` only fails if the eventfd write fails, which cannot
            // happen for a counter this far from overflow.
            let _ = self.poller.notify();
        }
    }
}

#[cfg(any(loom, miri))]
mod imp {
    //! Under loom and Miri the driver is a flag and a condition variable:
    //! loom checks the parking protocol around it, not the OS, and Miri
    //! cannot run `polling` (it has no `timerfd`).
    use crate::loom::{Condvar, Mutex};
    use std::io;
    use std::time::Duration;

    pub(crate) struct Driver {
        _private: (),
    }

    pub(crate) struct Handle {
        notified: Mutex<bool>,
        condvar: Condvar,
    }

    impl Driver {
        pub(crate) fn new() -> io::Result<(Driver, Handle)> {
            let handle = Handle {
                notified: Mutex::new(false),
                condvar: Condvar::new(),
            };
            Ok((Driver { _private: () }, handle))
        }

        pub(crate) fn park(&mut self, handle: &Handle, timeout: Option<Duration>) {
            let mut notified = handle.notified.lock();
            match timeout {
                Some(Duration::ZERO) => {}
                Some(timeout) => {
                    if !*notified {
                        notified = handle.condvar.wait_timeout(notified, timeout).0;
                    }
                }
                None => {
                    while !*notified {
                        notified = handle.condvar.wait(notified);
                    }
                }
            }
            *notified = false;
        }

        pub(crate) fn shutdown(&mut self, _handle: &Handle) {}
    }

    impl Handle {
        pub(crate) fn unpark(&self) {
            *self.notified.lock() = true;
            self.condvar.notify_one();
        }
    }
}

pub(crate) use imp::{Driver, Handle};
