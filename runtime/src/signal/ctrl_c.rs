//! `ctrl_c`: the next `SIGINT`, as one future.

use super::receiver::Receiver;
use std::fmt;
use std::future::Future;
use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};

/// Completes on the next Ctrl-C (`SIGINT`) after this call: asyncio's
/// `loop.add_signal_handler(signal.SIGINT, callback)`, awaited once.
///
/// The first call installs a `SIGINT` handler for the rest of the process.
/// **That replaces the default behaviour of terminating the process on
/// Ctrl-C**, from then on and even when nobody awaits `ctrl_c()` any more
/// (as in tokio, and as asyncio does while a handler is installed): the
/// program decides what Ctrl-C does. Any number of tasks, in any number of
/// runtimes, may wait at the same time; each sees each Ctrl-C. For every
/// Ctrl-C, not just the next one, use
/// [`signal`](super::signal)`(SignalKind::interrupt())`.
///
/// # Errors
/// If called outside a runtime, if the handler or its pipe cannot be set
/// up, or if the runtime shuts down while waiting.
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
        receiver: Receiver::new(libc::SIGINT, "signal::ctrl_c").map_err(Some),
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
    /// The receiver, or the error making it failed with (taken when
    /// reported).
    receiver: Result<Receiver, Option<io::Error>>,
}

impl Future for CtrlC {
    type Output = io::Result<()>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match &mut self.receiver {
            Ok(receiver) => receiver.poll_recv(cx),
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
