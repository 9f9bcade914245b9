//! Linux (and Android): one syscall per socket set-up, `MSG_NOSIGNAL`, the
//! vDSO's coarse clock, and TCP reads that say whether the socket is
//! drained (`TCP_INQ`). See `sys/mod.rs` for the contract.
//!
//! # Why `TCP_INQ`
//!
//! The reactor is edge-triggered: after a read it may forget the read
//! readiness only if the next byte, and the peer's FIN, are sure to bring a
//! new edge. A short read alone does not tell: a FIN that arrived together
//! with the last bytes is part of the same edge, and `polling` does not
//! report `EPOLLRDHUP`, so forgetting the readiness there would leave the
//! end of stream unseen and the reader hung. Without more information every
//! read must therefore be followed by one that fails with `EAGAIN`.
//!
//! With `TCP_INQ` set, each `recvmsg` on the socket carries a `TCP_CM_INQ`
//! control message: the bytes left in the receive queue after the read,
//! and at least 1 once the FIN has been received (the kernel's
//! `tcp_inq_hint` says so explicitly: "after receiving a FIN, tell the
//! user-space to continue reading by returning a non-zero inq"). Zero means
//! nothing is queued and no FIN has been processed: whatever comes next
//! (data, FIN, reset) wakes the socket's wait queue afterwards, which is a
//! new epoll edge. That is what [`recv_hinted`] reports as
//! [`ReadHint::Drained`]. A reset or error is reported by epoll as
//! `EPOLLERR`/`EPOLLHUP`, which the reactor records in bits it never
//! clears. No control message (an old kernel, a socket without the option,
//! a truncated buffer) is [`ReadHint::Unknown`], and the reactor keeps the
//! readiness, as before.
//!
//! The hint knows about the *peer's* FIN only. A read shutdown of our own
//! (`shutdown(SHUT_RD)`) makes reads return end of stream without one, so
//! `TcpStream::shutdown` also marks the socket's read direction closed in
//! the reactor (`Registration::read_shut_down`). A `shutdown(2)` made on
//! the raw descriptor, behind the stream's back, is not seen: a read after
//! it may then wait for the next edge instead of returning end of stream.

use super::ReadHint;
use socket2::{Domain, Protocol, SockAddr, SockRef, Socket, Type};
use std::io;
use std::mem::MaybeUninit;
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

/// Sets (`on`) or clears `TCP_INQ` on a TCP socket: set, [`recv_hinted`]
/// learns whether a read drained it (see the module docs), and a
/// listener's connections inherit the option; cleared when a socket is
/// handed back to the user (`into_std`), whose own `recvmsg` would
/// otherwise receive a control message it never asked for. Fails on
/// kernels before 4.18 (`ENOPROTOOPT`); the caller then just goes without
/// the hint.
pub(crate) fn set_read_hint(socket: &impl AsFd, on: bool) -> io::Result<()> {
    let on = libc::c_int::from(on);
    // SAFETY: a valid descriptor (borrowed for the call), and a pointer to
    // a c_int with its exact size, as TCP_INQ expects.
    let res = unsafe {
        libc::setsockopt(
            socket.as_fd().as_raw_fd(),
            libc::IPPROTO_TCP,
            libc::TCP_INQ,
            (&on as *const libc::c_int).cast(),
            std::mem::size_of::<libc::c_int>() as libc::socklen_t,
        )
    };
    if res < 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(())
}

/// Room for one `TCP_CM_INQ` control message (a `cmsghdr` and an `int`),
/// aligned for `cmsghdr`.
#[repr(C)]
struct InqControl {
    _align: [libc::cmsghdr; 0],
    bytes: [MaybeUninit<u8>; INQ_SPACE],
}

// SAFETY: CMSG_SPACE is pure arithmetic on its argument.
const INQ_SPACE: usize =
    unsafe { libc::CMSG_SPACE(std::mem::size_of::<libc::c_int>() as libc::c_uint) } as usize;

// SAFETY: CMSG_LEN is pure arithmetic on its argument.
const INQ_LEN: usize =
    unsafe { libc::CMSG_LEN(std::mem::size_of::<libc::c_int>() as libc::c_uint) } as usize;

/// A control message's length: `size_t` with glibc, `socklen_t` with musl
/// and Android.
#[allow(clippy::unnecessary_cast)]
fn cmsg_len(header: &libc::cmsghdr) -> usize {
    header.cmsg_len as usize
}

/// `recv` through `recvmsg`, also returning whether the socket is now
/// drained: nothing left to read and no end of stream pending (see the
/// module docs). Only bytes the kernel wrote are initialized; on `Ok((n,
/// _))` those are the first `n` of `buf`.
pub(crate) fn recv_hinted(
    socket: &impl AsFd,
    buf: &mut [MaybeUninit<u8>],
) -> io::Result<(usize, ReadHint)> {
    let mut iov = libc::iovec {
        iov_base: buf.as_mut_ptr().cast(),
        iov_len: buf.len(),
    };
    let mut control = InqControl {
        _align: [],
        bytes: [MaybeUninit::uninit(); INQ_SPACE],
    };
    // SAFETY: an all-zero msghdr is a valid empty one (no name, no
    // buffers); the fields set below point at live locals.
    let mut msg: libc::msghdr = unsafe { std::mem::zeroed() };
    msg.msg_iov = &mut iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control.bytes.as_mut_ptr().cast();
    msg.msg_controllen = INQ_SPACE as _;
    // SAFETY: a valid descriptor; `msg` points at one iovec describing
    // `buf` (writable, `buf.len()` bytes) and at `control` (writable,
    // `msg_controllen` bytes), all of which outlive the call.
    let n = unsafe { libc::recvmsg(socket.as_fd().as_raw_fd(), &mut msg, 0) };
    if n < 0 {
        return Err(io::Error::last_os_error());
    }
    let mut hint = ReadHint::Unknown;
    if msg.msg_flags & libc::MSG_CTRUNC == 0 {
        // SAFETY: `msg` is the header the kernel just filled in: its
        // control pointer and length describe the messages it wrote into
        // `control` (and CMSG_FIRSTHDR returns null when there are none).
        let cmsg = unsafe { libc::CMSG_FIRSTHDR(&msg) };
        // SAFETY: a non-null `cmsg` points at a complete header inside
        // `control` (CMSG_FIRSTHDR checks the length), written by the kernel.
        if let Some(header) = unsafe { cmsg.as_ref() }
            && header.cmsg_level == libc::IPPROTO_TCP
            && header.cmsg_type == libc::TCP_CM_INQ
            && cmsg_len(header) >= INQ_LEN
        {
            // SAFETY: the header says its data holds (at least) an int, and
            // the data lies inside `control`; it may be unaligned.
            let inq = unsafe { libc::CMSG_DATA(cmsg).cast::<libc::c_int>().read_unaligned() };
            if inq == 0 {
                hint = ReadHint::Drained;
            }
        }
    }
    Ok((n as usize, hint))
}
