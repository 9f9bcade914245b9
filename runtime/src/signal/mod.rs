//! Signals: asyncio's `loop.add_signal_handler(sig, callback)`, as a
//! future ([`ctrl_c`]) or a stream of deliveries ([`signal`]).
//!
//! | asyncio | runtime |
//! |---|---|
//! | `loop.add_signal_handler(signal.SIGTERM, cb)` | [`signal`]`(SignalKind::terminate())?` then `while sig.recv().await.is_some() { ... }` |
//! | `loop.add_signal_handler(signal.SIGINT, cb)`, once | [`ctrl_c`]`().await` |
//! | `loop.remove_signal_handler(sig)` | drop the [`Signal`] (the handler stays installed, see below) |
//!
//! ```
//! use runtime::signal::{SignalKind, signal};
//!
//! runtime::run(async {
//!     // loop.add_signal_handler(signal.SIGTERM, stop_event.set)
//!     let mut terminate = signal(SignalKind::terminate()).unwrap();
//!     // SAFETY: raise sends SIGTERM to this thread, as `kill` would; the
//!     // handler installed by `signal` catches it.
//!     unsafe { libc::raise(libc::SIGTERM) };
//!     terminate.recv().await;
//!     println!("SIGTERM: stop accepting, finish what is in flight, exit");
//! });
//! ```
//!
//! # Design
//!
//! A signal handler may only do async-signal-safe things, so it does two:
//! it sets its signal's `pending` flag and writes a byte into a
//! process-wide self-pipe (a non-blocking socket pair). Everything else
//! happens in tasks (`slot.rs` has the protocol and why no delivery is
//! lost):
//!
//! * Each runtime with a receiver registers its own duplicate of the
//!   pipe's read end with its reactor (`listener.rs`). A byte in the pipe
//!   is an edge for every such runtime.
//! * A receiver woken by that edge drains the pipe and *broadcasts*: each
//!   signal whose `pending` flag it swaps off gets its generation bumped
//!   and all its receivers, in every runtime, woken.
//! * A receiver (`receiver.rs`) reports a delivery when its signal's
//!   generation moved past the one it saw last, so it reports only
//!   deliveries after it was made, each receiver sees each one, and
//!   deliveries between two looks coalesce into one.
//!
//! Handlers are installed through `signal-hook-registry`, which chains them
//! with any other handler registered through it, once per signal and **for
//! the rest of the process**: listening for a signal replaces its default
//! action (terminating, for `SIGTERM` and `SIGINT`) for good, even after
//! the last receiver is dropped (as in tokio; asyncio restores it on
//! `remove_signal_handler`). Signals that cannot be caught (`SIGKILL`,
//! `SIGSTOP`) and fault signals (`SIGSEGV`, `SIGBUS`, `SIGILL`, `SIGFPE`,
//! `SIGTRAP`) are refused with an `InvalidInput` error.

mod ctrl_c;
mod kind;
mod listener;
mod receiver;
mod registry;
mod slot;
mod stream;

pub use ctrl_c::{CtrlC, ctrl_c};
pub use kind::SignalKind;
pub use stream::Signal;

use receiver::Receiver;
use std::io;

/// Starts listening for `kind`: a stream of its deliveries from now on.
/// asyncio's `loop.add_signal_handler(sig, callback)`.
///
/// The first call for a signal installs its handler, which replaces the
/// signal's default action for the rest of the process (see the [module
/// docs](self)). Deliveries before this call are not reported; every one
/// after it is (several between two `recv`s may be reported as one: see
/// [`Signal`]).
///
/// # Errors
/// * `InvalidInput` for a number that is not a signal, for `SIGKILL` and
///   `SIGSTOP` (no process can catch them) and for the fault signals
///   `SIGSEGV`, `SIGBUS`, `SIGILL`, `SIGFPE` and `SIGTRAP`;
/// * an error saying so outside a runtime (the runtime's reactor watches
///   for deliveries);
/// * the OS's error if the handler cannot be installed.
///
/// ```
/// use runtime::signal::{SignalKind, signal};
///
/// runtime::run(async {
///     // loop.add_signal_handler(signal.SIGUSR1, callback)
///     let mut usr1 = signal(SignalKind::user_defined1()).unwrap();
///     // SAFETY: raise sends SIGUSR1 to this thread; `signal` installed a
///     // handler for it.
///     unsafe { libc::raise(libc::SIGUSR1) };
///     assert_eq!(usr1.recv().await, Some(()));
///
///     let err = signal(SignalKind::from_raw(libc::SIGKILL)).unwrap_err();
///     assert_eq!(err.kind(), std::io::ErrorKind::InvalidInput);
/// });
/// ```
pub fn signal(kind: SignalKind) -> io::Result<Signal> {
    let signum = kind.check()?;
    Ok(Signal::new(Receiver::new(signum, "signal::signal")?))
}
