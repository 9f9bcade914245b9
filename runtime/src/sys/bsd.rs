//! macOS, iOS, FreeBSD, NetBSD, DragonFly: the portable paths. See
//! `sys/mod.rs` for the contract.
//!
//! macOS has neither `accept4` nor `SOCK_NONBLOCK` nor `MSG_NOSIGNAL`, so
//! one path serves all of these systems: sockets are made non-blocking
//! with `fcntl` after they are created or accepted, and `SO_NOSIGPIPE`
//! (which all of them have) is set once per socket, so sends need no flag.
//! socket2 already sets close-on-exec on every socket it creates or
//! accepts.

use super::ReadHint;
use socket2::{Domain, Protocol, SockAddr, SockRef, Socket, Type};
use std::io;
use std::mem::MaybeUninit;
use std::os::fd::{AsFd, AsRawFd, OwnedFd};

/// `send`/`sendmsg` flags: none; `SO_NOSIGPIPE` is set on the socket.
pub(crate) const SEND_FLAGS: libc::c_int = 0;

/// `socket`, then non-blocking and `SO_NOSIGPIPE`.
pub(crate) fn socket(domain: Domain, ty: Type, protocol: Option<Protocol>) -> io::Result<Socket> {
    let socket = Socket::new(domain, ty, protocol)?;
    adopt_socket(&socket)?;
    Ok(socket)
}

/// `accept`, then non-blocking and `SO_NOSIGPIPE` (BSD sockets inherit
/// `O_NONBLOCK` from the listener, but nothing promises it everywhere).
pub(crate) fn accept(listener: &impl AsFd) -> io::Result<(OwnedFd, SockAddr)> {
    let (socket, addr) = SockRef::from(listener).accept()?;
    adopt_socket(&socket)?;
    Ok((socket.into(), addr))
}

/// Non-blocking, and `SO_NOSIGPIPE`: writing to a closed peer is `EPIPE`,
/// never `SIGPIPE`.
pub(crate) fn adopt_socket(socket: &impl AsFd) -> io::Result<()> {
    SockRef::from(socket).set_nonblocking(true)?;
    let on: libc::c_int = 1;
    // SAFETY: a valid descriptor (borrowed for the call), and a pointer to
    // a c_int with its exact size, as SO_NOSIGPIPE expects.
    let res = unsafe {
        libc::setsockopt(
            socket.as_fd().as_raw_fd(),
            libc::SOL_SOCKET,
            libc::SO_NOSIGPIPE,
            (&on as *const libc::c_int).cast(),
            std::mem::size_of::<libc::c_int>() as libc::socklen_t,
        )
    };
    if res < 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(())
}

/// Nanoseconds since the first call, on the monotonic clock `Instant` reads.
pub(crate) fn coarse_now_nanos() -> u64 {
    use std::sync::OnceLock;
    use std::time::Instant;
    static START: OnceLock<Instant> = OnceLock::new();
    START.get_or_init(Instant::now).elapsed().as_nanos() as u64
}

/// No `TCP_INQ` here: nothing to set or clear, and reads say nothing about
/// what is left ([`ReadHint::Unknown`]), so the reactor keeps the readiness
/// after a read until one returns `WouldBlock`.
pub(crate) fn set_read_hint(_socket: &impl AsFd, _on: bool) -> io::Result<()> {
    Ok(())
}

/// A plain `recv`; see [`set_read_hint`].
pub(crate) fn recv_hinted(
    socket: &impl AsFd,
    buf: &mut [MaybeUninit<u8>],
) -> io::Result<(usize, ReadHint)> {
    SockRef::from(socket)
        .recv(buf)
        .map(|n| (n, ReadHint::Unknown))
}
