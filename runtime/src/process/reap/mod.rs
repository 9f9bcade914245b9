//! `Reaper`: waits for one child to exit and reaps it, without a thread.
//!
//! Two ways to learn that a child exited, both through the reactor:
//!
//! * **pidfd** (Linux 5.3+, `pidfd.rs`): a descriptor for the process that
//!   turns readable when it exits. It is registered with the reactor of
//!   the runtime that spawned the child; once readable, `waitpid(pid,
//!   WNOHANG)` (std's `try_wait`) reaps it. One descriptor per live child,
//!   no signal handler.
//! * **`SIGCHLD`** (other systems, or a kernel without `pidfd_open`): a
//!   [`Signal`] stream for `SIGCHLD`, made *before* the first `try_wait`.
//!   Every `SIGCHLD` wakes every waiting child, which tries `waitpid` on
//!   its own pid. The stream loses no delivery made after its creation,
//!   so a child that exits after the first `try_wait` always causes a
//!   wake-up; deliveries coalesce, which is harmless since each wake-up
//!   checks with `waitpid`. The cost is a wake-up of every waiter per
//!   exit (as tokio's reaper), fine for the tens of children a program
//!   usually waits on at once.
//!
//! Only the waiting uses the runtime: `try_wait` and `kill` are plain
//! syscalls that work anywhere.

#[cfg(target_os = "linux")]
mod pidfd;
#[cfg(not(target_os = "linux"))]
#[path = "no_pidfd.rs"]
mod pidfd;

use crate::driver::io::{Direction, PollEvented};
use crate::scheduler;
use crate::signal::{Signal, SignalKind};
use std::io;
use std::os::fd::OwnedFd;
use std::process::ExitStatus;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Context, Poll, ready};

/// Whether to try pidfds: cleared for good when `pidfd_open` is missing,
/// and by the tests of the `SIGCHLD` path.
static USE_PIDFD: AtomicBool = AtomicBool::new(true);

/// Makes every child spawned from now on wait through `SIGCHLD`, as on a
/// system without pidfds (for tests of that path).
pub(crate) fn force_sigchld() {
    USE_PIDFD.store(false, Ordering::Relaxed);
}

/// One child, until reaped.
///
/// Invariant: once `status` is `Some`, the child has been reaped (its pid
/// may belong to another process by now): no signal is sent to it any
/// more.
pub(crate) struct Reaper {
    child: std::process::Child,
    status: Option<ExitStatus>,
    watch: Watch,
    /// The runtime that spawned the child: an orphan is waited for there.
    pub(super) handle: scheduler::Handle,
}

enum Watch {
    /// Readable once the child exited.
    Pidfd(PollEvented<OwnedFd>),
    /// Made at the first wait, before the first `try_wait`.
    Sigchld(Option<Signal>),
}

impl Reaper {
    /// Watches `child` (spawned by us, stdio already taken out) from the
    /// runtime `handle`.
    pub(crate) fn new(child: std::process::Child, handle: scheduler::Handle) -> Reaper {
        let watch = USE_PIDFD
            .load(Ordering::Relaxed)
            .then(|| pidfd::open(child.id()))
            .flatten()
            .and_then(|fd| PollEvented::new(fd, handle.driver_owner()).ok())
            .map_or(Watch::Sigchld(None), Watch::Pidfd);
        Reaper {
            child,
            status: None,
            watch,
            handle,
        }
    }

    /// The pid, while the child is not reaped.
    pub(crate) fn id(&self) -> Option<u32> {
        self.status.is_none().then(|| self.child.id())
    }

    /// The exit status if the child has exited (reaping it), without
    /// waiting.
    pub(crate) fn try_wait(&mut self) -> io::Result<Option<ExitStatus>> {
        if self.status.is_none() {
            self.status = self.child.try_wait()?;
        }
        Ok(self.status)
    }

    /// Sends `SIGKILL`, unless the child was reaped already.
    pub(crate) fn kill(&mut self) -> io::Result<()> {
        if self.try_wait()?.is_some() {
            return Ok(());
        }
        self.child.kill()
    }

    /// Waits for the child to exit and reaps it.
    pub(crate) fn poll_wait(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<ExitStatus>> {
        if let Some(status) = self.status {
            return Poll::Ready(Ok(status));
        }
        let status = match &mut self.watch {
            Watch::Pidfd(pidfd) => {
                let child = &mut self.child;
                ready!(
                    pidfd.poll_io(cx, Direction::Read, |_| match child.try_wait()? {
                        Some(status) => Ok(status),
                        None => Err(io::ErrorKind::WouldBlock.into()),
                    })
                )?
            }
            Watch::Sigchld(signal) => {
                let signal = match signal {
                    Some(signal) => signal,
                    None => signal.insert(crate::signal::signal(SignalKind::child())?),
                };
                loop {
                    if let Some(status) = self.child.try_wait()? {
                        break status;
                    }
                    if ready!(signal.poll_recv(cx)).is_none() {
                        return Poll::Ready(Err(io::Error::other(
                            "waiting for a child process: the runtime watching for SIGCHLD \
                             shut down",
                        )));
                    }
                }
            }
        };
        self.status = Some(status);
        Poll::Ready(Ok(status))
    }

    /// Gives up watching: the `std` child, for the orphan list.
    pub(super) fn into_std(self) -> std::process::Child {
        self.child
    }
}
