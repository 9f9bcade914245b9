//! The OS layer: everything that differs between the Unix systems the
//! runtime supports lives here, and nowhere else in the tree.
//!
//! # Supported systems
//!
//! * **Linux** (and Android): `linux.rs` — tested. Fast paths:
//!   `accept4(SOCK_NONBLOCK | SOCK_CLOEXEC)` and `SOCK_NONBLOCK` sockets
//!   (one syscall where the portable path needs three), `MSG_NOSIGNAL` on
//!   every send, `CLOCK_MONOTONIC_COARSE` for bookkeeping timestamps.
//! * **macOS, iOS, FreeBSD, NetBSD, DragonFly**: `bsd.rs` —
//!   build-checked (`cargo check` and clippy in CI, `.ci/portability`).
//!   Portable paths: `accept` then `fcntl(O_NONBLOCK)`, `SO_NOSIGPIPE` set
//!   once per socket instead of a flag per send, `Instant` for timestamps.
//!
//! The reactor itself needs nothing here: `polling` picks epoll on Linux and
//! kqueue on the BSDs, and both support the edge-triggered mode the driver
//! uses (`EV_CLEAR` on kqueue). Any other target fails to build with a
//! message naming the supported ones.
//!
//! # Adding platform-specific code
//!
//! Each backend file exports the same items, with the same signatures;
//! `mod.rs` re-exports them, and the rest of the crate calls `crate::sys::*`
//! without a `cfg`. To add a Linux-only fast path (a `pidfd` child watcher,
//! `signalfd`, `splice`...): write it in `linux.rs`, write the portable
//! equivalent (or an `io::ErrorKind::Unsupported` error the caller falls
//! back from) under the same name in `bsd.rs`, and add the name to the
//! `pub(crate) use` below. A whole subsystem that only exists on one OS is
//! gated where its module is declared, never inside it.

// Under loom and Miri there is no `net` (see lib.rs): only the clock is used.
#![cfg_attr(any(loom, miri), allow(dead_code, unused_imports))]

#[cfg(any(target_os = "linux", target_os = "android"))]
mod linux;
#[cfg(any(target_os = "linux", target_os = "android"))]
use linux as imp;

#[cfg(any(
    target_vendor = "apple",
    target_os = "freebsd",
    target_os = "netbsd",
    target_os = "dragonfly"
))]
mod bsd;
#[cfg(any(
    target_vendor = "apple",
    target_os = "freebsd",
    target_os = "netbsd",
    target_os = "dragonfly"
))]
use bsd as imp;

#[cfg(not(any(
    target_os = "linux",
    target_os = "android",
    target_vendor = "apple",
    target_os = "freebsd",
    target_os = "netbsd",
    target_os = "dragonfly"
)))]
compile_error!(
    "runtime supports Linux (tested), macOS and FreeBSD (build-checked), NetBSD and DragonFly; \
     this target has no backend in runtime/src/sys/ (see its module docs to add one)"
);

/// The items every backend provides:
///
/// * `socket(domain, type, protocol) -> io::Result<Socket>`: a new socket,
///   non-blocking, close-on-exec, and never raising `SIGPIPE`;
/// * `accept(&listener) -> io::Result<(OwnedFd, SockAddr)>`: the same for
///   an accepted connection;
/// * `adopt_socket(&socket) -> io::Result<()>`: makes a socket created
///   elsewhere (`from_std`, `socketpair`) non-blocking and `SIGPIPE`-free;
/// * `SEND_FLAGS`: the flags every `send`/`sendmsg` passes (`MSG_NOSIGNAL`
///   where it exists);
/// * `coarse_now_nanos() -> u64`: a cheap monotonic clock for bookkeeping;
/// * `set_read_hint(&socket, on) -> io::Result<()>` and
///   `recv_hinted(&socket, buf) -> io::Result<(usize, ReadHint)>`: a TCP
///   read that also says whether the socket is drained, so the reactor can
///   forget the read readiness without a `recv` that fails with `EAGAIN`
///   (`TCP_INQ` on Linux; always [`ReadHint::Unknown`] elsewhere).
pub(crate) use imp::{
    SEND_FLAGS, accept, adopt_socket, coarse_now_nanos, recv_hinted, set_read_hint, socket,
};

/// What a read learned about the rest of the receive queue.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ReadHint {
    /// Nothing is left to read and no end of stream is pending: the next
    /// byte, FIN or error arrives later and brings a new readiness edge,
    /// so the read readiness may be forgotten now.
    Drained,
    /// Bytes or an end of stream may be left (or the OS did not say): keep
    /// the readiness until a read returns `WouldBlock`.
    Unknown,
}
