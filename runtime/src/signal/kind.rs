//! `SignalKind`: which signal to listen for, and which ones may not be
//! listened for at all.

use super::registry::SLOTS;
use std::fmt;
use std::io;

/// A signal to listen for with [`signal`](super::signal): the first
/// argument of asyncio's `loop.add_signal_handler(signal.SIGTERM, ...)`.
///
/// The named constructors cover what servers handle; [`from_raw`](Self::from_raw)
/// takes any other number (a real-time signal, say).
///
/// ```
/// use runtime::signal::SignalKind;
/// assert_eq!(SignalKind::terminate().as_raw_value(), libc::SIGTERM);    // signal.SIGTERM
/// assert_eq!(SignalKind::from_raw(libc::SIGHUP), SignalKind::hangup()); // signal.Signals(1)
/// assert_eq!(format!("{:?}", SignalKind::interrupt()), "SIGINT");
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct SignalKind(i32);

impl SignalKind {
    /// Any signal, by number: asyncio's `signal.Signals(n)`.
    ///
    /// Numbers that cannot be caught are refused when
    /// [`signal`](super::signal) is called, not here.
    ///
    /// ```
    /// use runtime::signal::SignalKind;
    /// assert_eq!(SignalKind::from_raw(libc::SIGUSR1), SignalKind::user_defined1());
    /// ```
    pub const fn from_raw(signum: i32) -> SignalKind {
        SignalKind(signum)
    }

    /// The signal's number: asyncio's `int(signal.SIGTERM)`.
    ///
    /// ```
    /// assert_eq!(runtime::signal::SignalKind::quit().as_raw_value(), libc::SIGQUIT);
    /// ```
    pub const fn as_raw_value(self) -> i32 {
        self.0
    }

    /// `SIGTERM`, what `kill`, systemd and container runtimes send to ask a
    /// process to stop: asyncio's `signal.SIGTERM`.
    ///
    /// ```
    /// assert_eq!(runtime::signal::SignalKind::terminate().as_raw_value(), libc::SIGTERM);
    /// ```
    pub const fn terminate() -> SignalKind {
        SignalKind(libc::SIGTERM)
    }

    /// `SIGHUP`, by convention "reload your configuration" for daemons:
    /// asyncio's `signal.SIGHUP`.
    ///
    /// ```
    /// assert_eq!(runtime::signal::SignalKind::hangup().as_raw_value(), libc::SIGHUP);
    /// ```
    pub const fn hangup() -> SignalKind {
        SignalKind(libc::SIGHUP)
    }

    /// `SIGINT`, Ctrl-C in a terminal: asyncio's `signal.SIGINT`. See also
    /// [`ctrl_c`](super::ctrl_c).
    ///
    /// ```
    /// assert_eq!(runtime::signal::SignalKind::interrupt().as_raw_value(), libc::SIGINT);
    /// ```
    pub const fn interrupt() -> SignalKind {
        SignalKind(libc::SIGINT)
    }

    /// `SIGQUIT`, Ctrl-\ in a terminal: asyncio's `signal.SIGQUIT`.
    ///
    /// ```
    /// assert_eq!(runtime::signal::SignalKind::quit().as_raw_value(), libc::SIGQUIT);
    /// ```
    pub const fn quit() -> SignalKind {
        SignalKind(libc::SIGQUIT)
    }

    /// `SIGUSR1`: asyncio's `signal.SIGUSR1`.
    ///
    /// ```
    /// assert_eq!(runtime::signal::SignalKind::user_defined1().as_raw_value(), libc::SIGUSR1);
    /// ```
    pub const fn user_defined1() -> SignalKind {
        SignalKind(libc::SIGUSR1)
    }

    /// `SIGUSR2`: asyncio's `signal.SIGUSR2`.
    ///
    /// ```
    /// assert_eq!(runtime::signal::SignalKind::user_defined2().as_raw_value(), libc::SIGUSR2);
    /// ```
    pub const fn user_defined2() -> SignalKind {
        SignalKind(libc::SIGUSR2)
    }

    /// `SIGCHLD`, a child process stopped or exited: asyncio's
    /// `signal.SIGCHLD` (what its child watchers listen to).
    ///
    /// ```
    /// assert_eq!(runtime::signal::SignalKind::child().as_raw_value(), libc::SIGCHLD);
    /// ```
    pub const fn child() -> SignalKind {
        SignalKind(libc::SIGCHLD)
    }

    /// `SIGPIPE`, a write to a pipe nobody reads: asyncio's
    /// `signal.SIGPIPE`. Rust programs ignore it by default (writes fail
    /// with `BrokenPipe` instead); listening for it replaces that.
    ///
    /// ```
    /// assert_eq!(runtime::signal::SignalKind::pipe().as_raw_value(), libc::SIGPIPE);
    /// ```
    pub const fn pipe() -> SignalKind {
        SignalKind(libc::SIGPIPE)
    }

    /// `SIGALRM`, the timer of `alarm(2)`: asyncio's `signal.SIGALRM`.
    ///
    /// ```
    /// assert_eq!(runtime::signal::SignalKind::alarm().as_raw_value(), libc::SIGALRM);
    /// ```
    pub const fn alarm() -> SignalKind {
        SignalKind(libc::SIGALRM)
    }

    /// `SIGWINCH`, the terminal was resized: asyncio's `signal.SIGWINCH`.
    ///
    /// ```
    /// assert_eq!(runtime::signal::SignalKind::window_change().as_raw_value(), libc::SIGWINCH);
    /// ```
    pub const fn window_change() -> SignalKind {
        SignalKind(libc::SIGWINCH)
    }

    /// The signal's number if it may be listened for, or an
    /// `InvalidInput` error saying why not.
    pub(super) fn check(self) -> io::Result<i32> {
        let signum = self.0;
        let refuse = |why: &str| {
            Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("signal::signal({self:?}): {why}"),
            ))
        };
        if signum <= 0 || signum as usize >= SLOTS {
            return refuse("not a signal number (signals are 1 to the OS's maximum)");
        }
        if signum == libc::SIGKILL || signum == libc::SIGSTOP {
            return refuse("this signal cannot be caught by any process");
        }
        if FAULTS.contains(&signum) {
            return refuse(
                "this signal reports a fault of the thread that raised it (a bad memory \
                 access, an illegal instruction...); a handler that returns would run the \
                 faulting instruction again, so it cannot be listened for",
            );
        }
        Ok(signum)
    }
}

/// Synchronous fault signals (signal-hook-registry's `FORBIDDEN` list is a
/// subset).
const FAULTS: [i32; 5] = [
    libc::SIGSEGV,
    libc::SIGILL,
    libc::SIGFPE,
    libc::SIGBUS,
    libc::SIGTRAP,
];

impl From<i32> for SignalKind {
    fn from(signum: i32) -> SignalKind {
        SignalKind(signum)
    }
}

impl fmt::Debug for SignalKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = match self.0 {
            libc::SIGHUP => "SIGHUP",
            libc::SIGINT => "SIGINT",
            libc::SIGQUIT => "SIGQUIT",
            libc::SIGILL => "SIGILL",
            libc::SIGTRAP => "SIGTRAP",
            libc::SIGABRT => "SIGABRT",
            libc::SIGBUS => "SIGBUS",
            libc::SIGFPE => "SIGFPE",
            libc::SIGKILL => "SIGKILL",
            libc::SIGUSR1 => "SIGUSR1",
            libc::SIGSEGV => "SIGSEGV",
            libc::SIGUSR2 => "SIGUSR2",
            libc::SIGPIPE => "SIGPIPE",
            libc::SIGALRM => "SIGALRM",
            libc::SIGTERM => "SIGTERM",
            libc::SIGCHLD => "SIGCHLD",
            libc::SIGCONT => "SIGCONT",
            libc::SIGSTOP => "SIGSTOP",
            libc::SIGTSTP => "SIGTSTP",
            libc::SIGWINCH => "SIGWINCH",
            other => return write!(f, "signal {other}"),
        };
        f.write_str(name)
    }
}
