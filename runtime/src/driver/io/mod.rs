//! The I/O reactor: one `polling::Poller` per runtime.
//!
//! # Registration and keys
//!
//! A source (socket, pipe) is registered once, when it is created, with
//! interest in both reading and writing, and stays registered until it is
//! dropped. Its key is `generation << 32 | slot`: the slot indexes a
//! registry of [`ScheduledIo`] (readiness + wakers), and the generation is
//! bumped each time the slot is freed. An event that was already dequeued
//! when its source was dropped and its slot reused carries the old
//! generation and is ignored, so it can never wake the wrong task.
//!
//! # Why edge-triggered
//!
//! `polling` offers oneshot, level and edge modes. Oneshot disarms a source
//! after each event, so every wait costs an extra `epoll_ctl` to re-arm it;
//! level-triggered reports a readable socket on *every* `epoll_wait` until
//! someone drains it, which wakes the driver again and again while a task is
//! still busy with the data. Edge-triggered reports each transition once and
//! needs no re-arming: one `epoll_ctl` per source for its whole life, and a
//! wait returns only for news. The price is that an edge must never be lost:
//! readiness is remembered in `ScheduledIo` until an operation actually gets
//! `WouldBlock` (or the OS says the source is spent: a short write, a TCP
//! read that drained the socket, see `registration.rs`), and clearing it is
//! conditional on no newer edge having arrived (the tick, see
//! `scheduled_io.rs`).
//!
//! # Who waits
//!
//! The thread that owns the `Driver` blocks in `Poller::wait` (see
//! `driver/mod.rs`); events are turned into readiness bits and wakes after
//! the registry lock is released. A waker that panics is caught there, the
//! others are still woken, and the driver goes on (`scheduled_io.rs`, "A
//! waker that panics"). Deregistration happens in `Drop`, before the file
//! descriptor is closed (see `PollEvented`).

mod poll_evented;
mod registration;
mod scheduled_io;

pub(crate) use poll_evented::PollEvented;
pub(crate) use registration::Registration;
pub(crate) use scheduled_io::{Direction, ReadyEvent};

use crate::io::Interest;

use crate::loom::{AtomicU64, AtomicUsize, Mutex, Ordering};
use polling::{Event, Events, PollMode, Poller};
use scheduled_io::{ERROR, READ_CLOSED, READABLE, ScheduledIo, WRITABLE, WRITE_CLOSED};
use std::io;
use std::os::fd::{AsRawFd, BorrowedFd};
use std::sync::Arc;
use std::time::Duration;

/// The blocking half, owned by whoever parks in it.
pub(crate) struct Driver {
    events: Events,
    /// Readiness found in the last wait, handed out after the registry lock
    /// is released. Kept to reuse its allocation.
    dispatch: Vec<(Arc<ScheduledIo>, usize)>,
}

/// The shared half.
pub(crate) struct Handle {
    poller: Poller,
    registry: Mutex<Registry>,
    /// Live registrations: a busy worker skips the non-blocking poll (four
    /// syscalls in `polling`) when there are none.
    registered: AtomicUsize,
    /// Readiness events dispatched, for metrics.
    events: AtomicU64,
}

#[derive(Default)]
struct Registry {
    slots: Vec<Slot>,
    free: Vec<u32>,
    is_shutdown: bool,
}

struct Slot {
    generation: u32,
    io: Option<Arc<ScheduledIo>>,
}

/// The `polling` key of a registration.
fn key(slot: u32, generation: u32) -> usize {
    ((generation as usize) << 32) | slot as usize
}

/// The generation wraps below 2^31 so no key ever equals `polling`'s
/// reserved notification key (`usize::MAX`).
const GENERATION_MASK: u32 = (1 << 31) - 1;

pub(crate) fn shutdown_error() -> io::Error {
    io::Error::other(RuntimeGone)
}

/// Whether `err` is [`shutdown_error`]'s: the resource can never work again.
#[cfg_attr(not(feature = "hyper"), allow(dead_code))]
pub(crate) fn is_shutdown_error(err: &io::Error) -> bool {
    err.get_ref().is_some_and(|inner| inner.is::<RuntimeGone>())
}

/// The error inside [`shutdown_error`], so that it can be recognised.
#[derive(Debug)]
struct RuntimeGone;

impl std::fmt::Display for RuntimeGone {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("the runtime that owns this I/O resource has shut down")
    }
}

impl std::error::Error for RuntimeGone {}

impl Driver {
    pub(crate) fn new() -> io::Result<(Driver, Handle)> {
        let poller = Poller::new()?;
        let driver = Driver {
            events: Events::new(),
            dispatch: Vec::new(),
        };
        let handle = Handle {
            poller,
            registry: Mutex::new(Registry::default()),
            registered: AtomicUsize::new(0),
            events: AtomicU64::new(0),
        };
        Ok((driver, handle))
    }

    /// Blocks until an event, a wake-up, or the timeout; dispatches what
    /// arrived. Returns the number of readiness events dispatched.
    pub(crate) fn park(&mut self, handle: &Handle, timeout: Option<Duration>) -> usize {
        self.events.clear();
        match handle.poller.wait(&mut self.events, timeout) {
            Ok(_) => {}
            Err(err) if err.kind() == io::ErrorKind::Interrupted => {}
            // epoll_wait only fails on a bad fd or a bad buffer, i.e. a bug
            // in this crate or in polling.
            Err(err) => panic!("the runtime's I/O driver failed to poll: {err}"),
        }
        if self.events.is_empty() {
            return 0;
        }
        {
            let registry = handle.registry.lock();
            for event in self.events.iter() {
                let slot = event.key & 0xffff_ffff;
                let generation = (event.key >> 32) as u32;
                let Some(Slot {
                    generation: current,
                    io: Some(io),
                }) = registry.slots.get(slot)
                else {
                    continue;
                };
                if *current != generation {
                    continue; // the source was dropped and the slot reused
                }
                self.dispatch.push((io.clone(), readiness_bits(&event)));
            }
        }
        let n = self.dispatch.len();
        for (io, bits) in self.dispatch.drain(..) {
            io.set_readiness(bits);
        }
        handle.events.fetch_add(n as u64, Ordering::Relaxed);
        n
    }
}

fn readiness_bits(event: &Event) -> usize {
    let mut bits = 0;
    if event.readable {
        bits |= READABLE;
    }
    if event.writable {
        bits |= WRITABLE;
    }
    if event.is_interrupt() {
        // EPOLLHUP: both directions are done.
        bits |= READ_CLOSED | WRITE_CLOSED;
    }
    if event.is_err() == Some(true) {
        bits |= ERROR;
    }
    bits
}

impl Handle {
    /// Registers `fd` for readiness in the directions of `interest` (both,
    /// for every socket), edge-triggered.
    ///
    /// The caller must call [`deregister`](Self::deregister) before closing
    /// the descriptor (`PollEvented` does, in `Drop`).
    pub(crate) fn register(
        &self,
        fd: BorrowedFd<'_>,
        interest: Interest,
    ) -> io::Result<(usize, Arc<ScheduledIo>)> {
        let mut registry = self.registry.lock();
        if registry.is_shutdown {
            return Err(shutdown_error());
        }
        let io = Arc::new(ScheduledIo::new());
        let slot = match registry.free.pop() {
            Some(slot) => slot,
            None => {
                let slot = u32::try_from(registry.slots.len())
                    .map_err(|_| io::Error::other("too many I/O sources registered"))?;
                registry.slots.push(Slot {
                    generation: 0,
                    io: None,
                });
                slot
            }
        };
        let generation = registry.slots[slot as usize].generation;
        let key = key(slot, generation);
        // SAFETY: `PollEvented` (the only caller) deregisters the source in
        // its `Drop`, before the descriptor it owns is closed.
        let added = unsafe {
            self.poller.add_with_mode(
                fd.as_raw_fd(),
                Event::new(key, interest.is_readable(), interest.is_writable()),
                PollMode::Edge,
            )
        };
        if let Err(err) = added {
            registry.free.push(slot);
            return Err(err);
        }
        registry.slots[slot as usize].io = Some(io.clone());
        self.registered.fetch_add(1, Ordering::Relaxed);
        Ok((key, io))
    }

    /// Removes a registration; the descriptor must still be open.
    pub(crate) fn deregister(&self, fd: BorrowedFd<'_>, key: usize) -> io::Result<()> {
        let deleted = self.poller.delete(fd);
        let mut registry = self.registry.lock();
        let slot = key & 0xffff_ffff;
        if let Some(entry) = registry.slots.get_mut(slot)
            && entry.io.is_some()
            && entry.generation == (key >> 32) as u32
        {
            entry.io = None;
            entry.generation = entry.generation.wrapping_add(1) & GENERATION_MASK;
            registry.free.push(slot as u32);
            self.registered.fetch_sub(1, Ordering::Relaxed);
        }
        // After shutdown the poller may be gone already; nothing to undo.
        if registry.is_shutdown {
            Ok(())
        } else {
            deleted
        }
    }

    /// True when some source is registered.
    pub(crate) fn has_sources(&self) -> bool {
        self.registered.load(Ordering::Relaxed) > 0
    }

    /// Wakes the thread blocked in `Driver::park`.
    pub(crate) fn unpark(&self) {
        // `notify` only fails if the eventfd write fails, which cannot
        // happen for a counter this far from overflow.
        let _ = self.poller.notify();
    }

    /// Readiness events dispatched so far.
    #[allow(dead_code)] // for `RuntimeMetrics`, which does not report it yet
    pub(crate) fn events_dispatched(&self) -> u64 {
        self.events.load(Ordering::Relaxed)
    }

    /// The runtime shuts down: every pending and future operation on a
    /// registered source fails with an error saying so.
    pub(crate) fn shutdown(&self) {
        let ios: Vec<Arc<ScheduledIo>> = {
            let mut registry = self.registry.lock();
            registry.is_shutdown = true;
            registry.slots.iter().filter_map(|s| s.io.clone()).collect()
        };
        for io in ios {
            io.shutdown();
        }
    }
}

#[cfg(test)]
mod tests;
