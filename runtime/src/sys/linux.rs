//! Linux (and Android): one syscall per socket set-up, `MSG_NOSIGNAL`, the
//! vDSO's coarse clock. See `sys/mod.rs` for the contract.

use socket2::{Domain, Protocol, SockAddr, SockRef, Socket, Type};
use std::io;
use std::os::fd::{AsFd, AsRawFd, FromRawFd, OwnedFd};

/// `send`/`sendmsg` flags: a closed peer is `EPIPE`, never `SIGPIPE`.
pub(crate) const SEND_FLAGS: libc::c_int = libc::MSG_NOSIGNAL;

/// `socket(SOCK_NONBLOCK | SOCK_CLOEXEC)`: one syscall.
pub(crate) fn socket(domain: Domain, ty: Type, protocol: Option<Protocol>) -> io::Result<Socket> {
    // socket2 adds SOCK_CLOEXEC itself.
    Socket::new(domain, ty.nonblocking(), protocol)
}

/// `accept4(SOCK_NONBLOCK | SOCK_CLOEXEC)`: the accepted socket comes
/// non-blocking and close-on-exec in one syscall.
pub(crate) fn accept(listener: &impl AsFd) -> io::Result<(OwnedFd, SockAddr)> {
    let fd = listener.as_fd().as_raw_fd();
    // SAFETY: `try_init` hands us a zeroed `sockaddr_storage` and its length,
    // which is exactly what `accept4` fills in; on success the returned
    // descriptor is new and owned by nobody else.
    unsafe {
        SockAddr::try_init(|storage, len| {
            let res = libc::accept4(
                fd,
                storage.cast(),
                len,
                libc::SOCK_NONBLOCK | libc::SOCK_CLOEXEC,
            );
            if res < 0 {
                Err(io::Error::last_os_error())
            } else {
                Ok(OwnedFd::from_raw_fd(res))
            }
        })
    }
}

/// A socket made elsewhere: only non-blocking mode to set (`SIGPIPE` is
/// avoided per send, by [`SEND_FLAGS`]).
pub(crate) fn adopt_socket(socket: &impl AsFd) -> io::Result<()> {
    SockRef::from(socket).set_nonblocking(true)
}

/// Nanoseconds on `CLOCK_MONOTONIC_COARSE`: read from the vDSO without a
/// syscall, about 8 ns here (27 ns for `Instant::now()`), with a
/// resolution of one scheduler tick (1–4 ms).
#[inline]
pub(crate) fn coarse_now_nanos() -> u64 {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `ts` is a valid, writable timespec; CLOCK_MONOTONIC_COARSE
    // exists on every Linux since 2.6.32 and cannot fail with a valid
    // pointer.
    unsafe { libc::clock_gettime(libc::CLOCK_MONOTONIC_COARSE, &mut ts) };
    ts.tv_sec as u64 * 1_000_000_000 + ts.tv_nsec as u64
}
