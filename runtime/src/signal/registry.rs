//! The process-wide half of signal handling: the self-pipe, one slot per
//! signal number, the handlers, and the broadcast that turns a handler's
//! flag into a generation and wakes the slot's receivers.
//!
//! # The protocol of a slot
//!
//! * The handler (async-signal-safe code only) stores `pending = true`,
//!   then writes a byte into the pipe.
//! * A drain (`listener.rs`) reads the pipe until it is empty, then calls
//!   [`Globals::broadcast`]: every slot whose `pending` it swaps off gets
//!   its `generation` bumped, and the slot's wakers are woken.
//! * A receiver registers its waker in the slot, *then* reads the
//!   generation. A broadcast bumps the generation, *then* takes the waker
//!   lock: whichever order the two run in, the receiver either sees the new
//!   generation or is woken (the mutex orders them).
//!
//! No delivery after a receiver exists is lost: a handler that stores
//! `pending` after a broadcast swapped it off also writes its byte after
//! that broadcast's drain emptied the pipe, so the byte makes a new edge
//! and a new drain. Deliveries between two broadcasts are counted once:
//! signals coalesce, as the kernel itself coalesces a standard signal that
//! is already pending.

use crate::loom::Mutex;
use std::collections::HashMap;
use std::io;
use std::os::fd::{AsRawFd, RawFd};
use std::os::unix::net::UnixStream;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::task::Waker;

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
    next_waiter: AtomicU64,
}

/// One signal number.
pub(super) struct Slot {
    installed: OnceLock<Result<(), (io::ErrorKind, String)>>,
    /// Set by the handler, swapped off by a broadcast.
    pending: AtomicBool,
    /// Deliveries seen by broadcasts so far (coalesced).
    generation: AtomicU64,
    /// The wakers of this signal's receivers, by receiver id.
    waiters: Mutex<HashMap<u64, Waker>>,
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
        sender.set_nonblocking(true)?;
        receiver.set_nonblocking(true)?;
        Ok(Globals {
            sender,
            receiver,
            slots: (0..SLOTS)
                .map(|_| Slot {
                    installed: OnceLock::new(),
                    pending: AtomicBool::new(false),
                    generation: AtomicU64::new(0),
                    waiters: Mutex::new(HashMap::new()),
                })
                .collect(),
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
        slot.installed
            .get_or_init(|| {
                let action = move || {
                    slot.pending.store(true, Ordering::SeqCst);
                    // SAFETY: `send` is async-signal-safe; `fd` is the
                    // sender, which lives in a static for the rest of the
                    // process. A full pipe (EAGAIN) is fine: a wake-up is
                    // already queued and `pending` is set.
                    unsafe {
                        libc::send(
                            fd,
                            [1u8].as_ptr().cast(),
                            1,
                            libc::MSG_DONTWAIT | send_flags(),
                        );
                    }
                };
                // SAFETY: the action only stores to an atomic and calls
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
            if slot.pending.swap(false, Ordering::SeqCst) {
                slot.generation.fetch_add(1, Ordering::SeqCst);
                let wakers: Vec<Waker> = slot.waiters.lock().values().cloned().collect();
                for waker in wakers {
                    waker.wake();
                }
            }
        }
    }
}

impl Slot {
    /// The deliveries counted so far.
    pub(super) fn generation(&self) -> u64 {
        self.generation.load(Ordering::SeqCst)
    }

    /// Registers (or refreshes) receiver `id`'s waker.
    pub(super) fn register(&self, id: u64, waker: &Waker) {
        self.waiters
            .lock()
            .entry(id)
            .and_modify(|w| w.clone_from(waker))
            .or_insert_with(|| waker.clone());
    }

    /// Forgets receiver `id`.
    pub(super) fn unregister(&self, id: u64) {
        self.waiters.lock().remove(&id);
    }
}

/// `MSG_NOSIGNAL` where the OS has it (a full or closed pipe must never
/// raise `SIGPIPE` from inside a handler); macOS has `SO_NOSIGPIPE`
/// instead, and the pipe never closes anyway (both ends live in a static).
#[cfg(not(target_vendor = "apple"))]
fn send_flags() -> libc::c_int {
    libc::MSG_NOSIGNAL
}

#[cfg(target_vendor = "apple")]
fn send_flags() -> libc::c_int {
    0
}
