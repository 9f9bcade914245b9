//! Linux: a pidfd (`pidfd_open(2)`, Linux 5.3) for the child, which the
//! reactor reports readable once the child has exited.

use std::os::fd::{FromRawFd, OwnedFd};

/// A pidfd for `pid` (our own child, not yet reaped, so the pid cannot have
/// been reused), or `None` where the kernel has no `pidfd_open` (too old,
/// or filtered out by seccomp) or refuses one (out of descriptors): the
/// caller then watches `SIGCHLD` instead.
pub(super) fn open(pid: u32) -> Option<OwnedFd> {
    let pid = libc::pid_t::try_from(pid).ok()?;
    // SAFETY: pidfd_open takes a pid and flags and returns a new
    // descriptor (close-on-exec) or -1; it touches no memory of ours.
    let fd = unsafe { libc::syscall(libc::SYS_pidfd_open, pid, 0) };
    if fd < 0 {
        return None;
    }
    let fd = i32::try_from(fd).ok()?;
    // SAFETY: `fd` was just returned by pidfd_open: open, and owned by
    // nobody else.
    Some(unsafe { OwnedFd::from_raw_fd(fd) })
}
