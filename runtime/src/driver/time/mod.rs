//! Timers: where the hierarchical timer wheel plugs into the driver.
//!
//! The driver asks the time handle how long it may block
//! (`park_timeout`) and lets it fire what is due after every wake-up
//! (`process`). No timer can be registered yet: the wheel and the public
//! `runtime::time` API build on this seam.

use std::time::Duration;

/// The runtime's clock and timers.
pub(crate) struct Handle {
    _private: (),
}

impl Handle {
    pub(crate) fn new() -> Handle {
        Handle { _private: () }
    }

    /// How long the driver may block: `timeout`, shortened to the next
    /// timer's deadline.
    pub(crate) fn park_timeout(&self, timeout: Option<Duration>) -> Option<Duration> {
        timeout
    }

    /// Fires the timers that are due.
    pub(crate) fn process(&self) {}

    /// The runtime shuts down.
    pub(crate) fn shutdown(&self) {}
}
