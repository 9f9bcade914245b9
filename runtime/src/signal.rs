//! Signals: asyncio's `loop.add_signal_handler(signal.SIGINT, ...)`, as a
//! future to await.
//!
//! # Design
//!
//! A signal handler may only do async-signal-safe things, so it does two:
//! it sets a per-signal `pending` flag and writes a byte into a process-wide
//! self-pipe (a non-blocking socket pair). Everything else happens in tasks:
//!
//! * Each runtime that has a waiter registers its own duplicate of the
//!   pipe's read end with its reactor (a `PollEvented`, shared by all the
//!   waiters of that runtime and dropped with the last of them). A byte in
//!   the pipe is an edge for every such runtime.
//! * A waiter woken by that edge drains the pipe and *broadcasts*: each
//!   signal whose `pending` flag it swaps off gets its generation bumped
//!   and all its waiters, in every runtime, woken. Whoever drains first
//!   does the work for everybody; the others find the pipe empty.
//! * A waiter completes when its signal's generation moved past the one it
//!   saw when it was created, so it reports only signals that arrived after
//!   [`ctrl_c`] was called, and every waiter sees each signal.
//!
//! Handlers are installed through `signal-hook-registry`, which chains them
//! with any other handler registered through it, once per signal and for
//! the rest of the process.

use crate::driver::io::{Direction, PollEvented};
use crate::loom::Mutex;
use crate::scheduler::context;
use std::collections::HashMap;
use std::fmt;
use std::future::Future;
use std::io::{self, Read};
use std::os::fd::{AsRawFd, RawFd};
use std::os::unix::net::UnixStream;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, OnceLock, Weak};
use std::task::{Context, Poll, Waker};

/// Completes on the next Ctrl-C (`SIGINT`) after this call: asyncio's
/// `loop.add_signal_handler(signal.SIGINT, callback)`, awaited once.
///
/// The first call installs a `SIGINT` handler for the rest of the process.
/// **That replaces the default behaviour of terminating the process on
/// Ctrl-C**, from then on and even when nobody awaits `ctrl_c()` any more
/// (as in tokio, and as asyncio does while a handler is installed): the
/// program decides what Ctrl-C does. Any number of tasks, in any number of
/// runtimes, may wait at the same time; each sees each Ctrl-C.
///
/// # Errors
/// If called outside a runtime, or if the handler or its pipe cannot be
/// set up.
///
/// ```
/// runtime::run(async {
///     let ctrl_c = runtime::signal::ctrl_c();      // listening from here on
///     // SAFETY: raise sends SIGINT to this thread, as pressing Ctrl-C
///     // would; the handler installed above catches it.
///     unsafe { libc::raise(libc::SIGINT) };
///     ctrl_c.await.unwrap();
///     println!("shutting down gracefully");
/// });
/// ```
pub fn ctrl_c() -> CtrlC {
    CtrlC {
        waiter: Waiter::new(libc::SIGINT),
    }
}

/// The future of [`ctrl_c`]: resolves on the next `SIGINT` after its
/// creation.
///
/// ```
/// runtime::run(async {
///     let ctrl_c: runtime::signal::CtrlC = runtime::signal::ctrl_c();
///     drop(ctrl_c); // not waiting after all
/// });
/// ```
#[must_use = "futures do nothing unless polled"]
pub struct CtrlC {
    waiter: Result<Waiter, Option<io::Error>>,
}

impl Future for CtrlC {
    type Output = io::Result<()>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match &mut self.waiter {
            Ok(waiter) => waiter.poll_signal(cx),
            Err(err) => Poll::Ready(Err(err
                .take()
                .unwrap_or_else(|| io::Error::other("CtrlC polled after completion")))),
        }
    }
}

impl fmt::Debug for CtrlC {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CtrlC").finish_non_exhaustive()
    }
}

/// Process-wide: the self-pipe and one slot per signal.
struct Globals {
    /// The handler writes here.
    sender: UnixStream,
    /// Each runtime's listener reads a duplicate of this.
    receiver: UnixStream,
    slots: Vec<Slot>,
    /// Per-runtime listeners, by the address of the runtime's driver. A
    /// live listener keeps its runtime (and so that address) alive.
    listeners: Mutex<Vec<(usize, Weak<Listener>)>>,
    next_waiter: AtomicU64,
}

/// Signal numbers with a slot (1..=31 on Linux: the standard signals).
const NSIG: usize = 32;

struct Slot {
    installed: OnceLock<Result<(), (io::ErrorKind, String)>>,
    /// Set by the handler, swapped off by a broadcast.
    pending: AtomicBool,
    /// Signals delivered so far.
    generation: AtomicU64,
    waiters: Mutex<HashMap<u64, Waker>>,
}

fn globals() -> io::Result<&'static Globals> {
    static GLOBALS: OnceLock<Result<Globals, (io::ErrorKind, String)>> = OnceLock::new();
    GLOBALS
        .get_or_init(|| {
            let make = || -> io::Result<Globals> {
                let (sender, receiver) = UnixStream::pair()?;
                crate::sys::adopt_socket(&sender)?;
                crate::sys::adopt_socket(&receiver)?;
                Ok(Globals {
                    sender,
                    receiver,
                    slots: (0..NSIG)
                        .map(|_| Slot {
                            installed: OnceLock::new(),
                            pending: AtomicBool::new(false),
                            generation: AtomicU64::new(0),
                            waiters: Mutex::new(HashMap::new()),
                        })
                        .collect(),
                    listeners: Mutex::new(Vec::new()),
                    next_waiter: AtomicU64::new(0),
                })
            };
            make().map_err(|err| (err.kind(), err.to_string()))
        })
        .as_ref()
        .map_err(|(kind, msg)| io::Error::new(*kind, format!("signal pipe: {msg}")))
}

impl Globals {
    /// Installs the handler for `signum`, once per process.
    fn install(&'static self, signum: i32) -> io::Result<&'static Slot> {
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
                            libc::MSG_DONTWAIT | crate::sys::SEND_FLAGS,
                        );
                    }
                };
                // SAFETY: the action only stores to an atomic and calls
                // `send`, both async-signal-safe; it allocates nothing and
                // takes no lock.
                unsafe { signal_hook_registry::register(signum, action) }
                    .map(drop)
                    .map_err(|err| (err.kind(), err.to_string()))
            })
            .as_ref()
            .map_err(|(kind, msg)| {
                io::Error::new(*kind, format!("installing a signal handler: {msg}"))
            })?;
        Ok(slot)
    }

    /// Turns pending signals into generations and wakes their waiters.
    fn broadcast(&self) {
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

    /// The listener of the current runtime, registering one if needed.
    fn listener(&'static self) -> io::Result<Arc<Listener>> {
        let key = context::with_current(|handle| handle.driver() as *const _ as usize)
            .map_err(|missing| io::Error::other(format!("signal::ctrl_c was {missing}")))?;
        let mut listeners = self.listeners.lock();
        listeners.retain(|(_, weak)| weak.strong_count() > 0);
        if let Some(listener) = listeners
            .iter()
            .find(|(k, _)| *k == key)
            .and_then(|(_, weak)| weak.upgrade())
        {
            return Ok(listener);
        }
        let listener = Arc::new(Listener {
            io: crate::net::register(self.receiver.try_clone()?)?,
        });
        listeners.push((key, Arc::downgrade(&listener)));
        Ok(listener)
    }
}

/// One runtime's registration of the self-pipe.
struct Listener {
    io: PollEvented<UnixStream>,
}

impl Listener {
    /// Drains the pipe whenever it is readable and broadcasts; `Pending`
    /// with the task registered for the next byte, or the reactor's error.
    fn poll_drain(&self, cx: &mut Context<'_>, globals: &Globals) -> Poll<io::Error> {
        let result = self.io.poll_io(cx, Direction::Read, |mut pipe| {
            let mut buf = [0u8; 64];
            loop {
                match pipe.read(&mut buf) {
                    Ok(0) => return Err(io::Error::other("the signal pipe closed")),
                    Ok(_) => continue,
                    Err(err) if err.kind() == io::ErrorKind::Interrupted => continue,
                    Err(err) if err.kind() == io::ErrorKind::WouldBlock => {
                        globals.broadcast();
                        return Err(err);
                    }
                    Err(err) => return Err(err),
                }
            }
        });
        match result {
            Poll::Pending | Poll::Ready(Ok(())) => Poll::Pending,
            Poll::Ready(Err(err)) => Poll::Ready(err),
        }
    }
}

/// One awaited signal.
struct Waiter {
    globals: &'static Globals,
    slot: &'static Slot,
    listener: Arc<Listener>,
    id: u64,
    /// The generation when created: signals up to it are not ours.
    seen: u64,
}

impl Waiter {
    fn new(signum: i32) -> Result<Waiter, Option<io::Error>> {
        let make = || -> io::Result<Waiter> {
            let globals = globals()?;
            // The runtime first: outside one, fail without installing a
            // handler that would leave Ctrl-C ignored.
            let listener = globals.listener()?;
            let slot = globals.install(signum)?;
            // Signals that came before this call are not ours: account for
            // them before taking the snapshot.
            globals.broadcast();
            Ok(Waiter {
                globals,
                slot,
                listener,
                id: globals.next_waiter.fetch_add(1, Ordering::Relaxed),
                seen: slot.generation.load(Ordering::SeqCst),
            })
        };
        make().map_err(Some)
    }

    fn poll_signal(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        // Register first, then look: a broadcast in between finds us.
        self.slot
            .waiters
            .lock()
            .entry(self.id)
            .and_modify(|w| w.clone_from(cx.waker()))
            .or_insert_with(|| cx.waker().clone());
        if let Poll::Ready(err) = self.listener.poll_drain(cx, self.globals) {
            return Poll::Ready(Err(err));
        }
        if self.slot.generation.load(Ordering::SeqCst) != self.seen {
            self.seen = self.slot.generation.load(Ordering::SeqCst);
            return Poll::Ready(Ok(()));
        }
        Poll::Pending
    }
}

impl Drop for Waiter {
    fn drop(&mut self) {
        self.slot.waiters.lock().remove(&self.id);
    }
}
