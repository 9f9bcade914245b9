//! The process-wide half of signal handling: the self-pipe, one slot per
//! signal number, the handlers, and the broadcast that turns a handler's
//! flag into a generation and wakes the slot's receivers.
//!
//! The per-signal protocol (the handler's flag, the generation, the
//! wakers) is in `slot.rs`, with its loom models.

use super::slot::Slot;
use std::io;
use std::os::fd::{AsRawFd, RawFd};
use std::os::unix::net::UnixStream;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};

/// Slots for signal numbers `1..SLOTS`: the standard signals and the
/// real-time ones on every supported OS (Linux stops at 64, FreeBSD at
/// 128). A number the OS does not have fails when its handler is
/// installed.
pub(super) const SLOTS: usize = 129;

/// Process-wide: the self-pipe and one slot per signal.
pub(super) struct Globals {
    /// The handler writes here.
    sender: UnixStream,
    /// Each runtime's listener reads a duplicate of this.
    pub(super) receiver: UnixStream,
    slots: Vec<Slot>,
    /// Per signal: whether its handler is installed (or why it could not
    /// be).
    installed: Vec<OnceLock<Result<(), (io::ErrorKind, String)>>>,
    next_waiter: AtomicU64,
}

/// The process's `Globals`, made on first use.
pub(super) fn globals() -> io::Result<&'static Globals> {
    static GLOBALS: OnceLock<Result<Globals, (io::ErrorKind, String)>> = OnceLock::new();
    GLOBALS
        .get_or_init(|| Globals::new().map_err(|err| (err.kind(), err.to_string())))
        .as_ref()
        .map_err(|(kind, msg)| io::Error::new(*kind, format!("signal pipe: {msg}")))
}

impl Globals {
    fn new() -> io::Result<Globals> {
        let (sender, receiver) = UnixStream::pair()?;
        crate::sys::adopt_socket(&sender)?;
        crate::sys::adopt_socket(&receiver)?;
        Ok(Globals {
            sender,
            receiver,
            slots: (0..SLOTS).map(|_| Slot::default()).collect(),
            installed: (0..SLOTS).map(|_| OnceLock::new()).collect(),
            next_waiter: AtomicU64::new(0),
        })
    }

    /// A fresh receiver id.
    pub(super) fn next_id(&self) -> u64 {
        self.next_waiter.fetch_add(1, Ordering::Relaxed)
    }

    /// Installs the handler for `signum` (already checked to be in range
    /// and catchable), once per process.
    pub(super) fn install(&'static self, signum: i32) -> io::Result<&'static Slot> {
        let slot = &self.slots[signum as usize];
        let fd: RawFd = self.sender.as_raw_fd();
        self.installed[signum as usize]
            .get_or_init(|| {
                let action = move || {
                    slot.deliver();
                    // SAFETY: `send` is async-signal-safe; `fd` is the
                    // sender, which lives in a static for the rest of the
                    // process. A full pipe (EAGAIN) is fine: a wake-up is
                    // already queued and `pending` is set.
                    unsafe {
                        libc::send(
                            fd,
                            [1u8].as_ptr().cast(),
                            1,
                            libc::MSG_DONTWAIT | crate::sys::SEND_FLAGS,
                        );
                    }
                };
                // SAFETY: the action only stores to an atomic (`deliver`) and calls
                // `send`, both async-signal-safe; it allocates nothing and
                // takes no lock. `signum` is not in signal-hook-registry's
                // FORBIDDEN list (checked by `SignalKind`'s caller), so
                // `register` does not panic.
                unsafe { signal_hook_registry::register(signum, action) }
                    .map(drop)
                    .map_err(|err| (err.kind(), err.to_string()))
            })
            .as_ref()
            .map_err(|(kind, msg)| {
                io::Error::new(
                    *kind,
                    format!("installing a handler for signal {signum}: {msg}"),
                )
            })?;
        Ok(slot)
    }

    /// Turns pending signals into generations and wakes their receivers.
    pub(super) fn broadcast(&self) {
        for slot in &self.slots {
            slot.broadcast();
        }
    }
}
