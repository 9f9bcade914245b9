//! Outside Linux there is no pidfd (FreeBSD's process descriptors need
//! `pdfork`, which `std` does not use): children are watched through
//! `SIGCHLD`.

use std::os::fd::OwnedFd;

/// Always `None`: the caller watches `SIGCHLD`.
pub(super) fn open(_pid: u32) -> Option<OwnedFd> {
    None
}
