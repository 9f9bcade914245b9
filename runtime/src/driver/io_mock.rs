//! Under loom and Miri the reactor is a flag and a condition variable:
//! loom checks the parking protocol around it, not the OS, and Miri cannot
//! run `polling` (it has no `timerfd`). Nothing can be registered.

use crate::loom::{Condvar, Mutex};
use std::io;
use std::time::Duration;

/// The real reactor's readiness protocol (tick, set, clear, poll, waiter
/// slots) is plain atomics and a mutex: compiled here for its loom models
/// and its unit tests under Miri.
#[cfg(test)]
#[allow(dead_code)] // only its tests use it here
#[path = "io/scheduled_io.rs"]
mod scheduled_io;

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

    /// Blocks until `unpark` or the timeout. Returns the number of I/O
    /// events dispatched: always 0.
    pub(crate) fn park(&mut self, handle: &Handle, timeout: Option<Duration>) -> usize {
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
        0
    }
}

impl Handle {
    pub(crate) fn unpark(&self) {
        *self.notified.lock() = true;
        self.condvar.notify_one();
    }

    pub(crate) fn has_sources(&self) -> bool {
        false
    }

    pub(crate) fn events_dispatched(&self) -> u64 {
        0
    }

    pub(crate) fn shutdown(&self) {}
}
