//! The few socket syscalls std does not offer in the form a non-blocking
//! runtime needs: `accept4` with `SOCK_NONBLOCK`, a connect that does not
//! block, and `send`/`sendmsg` with `MSG_NOSIGNAL` for every stream type.

use crate::driver::io::{Direction, PollEvented};
use socket2::{Domain, SockAddr, SockRef, Socket, Type};
use std::io::{self, IoSlice};
use std::os::fd::{AsFd, AsRawFd, FromRawFd, OwnedFd};

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

/// A new non-blocking, close-on-exec stream socket of `domain`.
pub(crate) fn stream_socket(domain: Domain) -> io::Result<Socket> {
    let protocol = if domain == Domain::UNIX {
        None
    } else {
        Some(socket2::Protocol::TCP)
    };
    Socket::new(domain, Type::STREAM.nonblocking(), protocol)
}

/// Starts a non-blocking connect: `Ok` whether it finished at once or is
/// in progress.
pub(crate) fn start_connect(socket: &Socket, addr: &SockAddr) -> io::Result<()> {
    match socket.connect(addr) {
        Ok(()) => Ok(()),
        Err(err) if err.raw_os_error() == Some(libc::EINPROGRESS) => Ok(()),
        Err(err) => Err(err),
    }
}

/// Waits until a connect started by [`start_connect`] finishes: the socket
/// turns writable (or errors), then `SO_ERROR` tells how it went.
pub(crate) async fn finish_connect<E: AsFd>(io: &PollEvented<E>) -> io::Result<()> {
    io.async_io(Direction::Write, |socket| {
        let sock = SockRef::from(socket);
        if let Some(err) = sock.take_error()? {
            return Err(err);
        }
        match sock.peer_addr() {
            Ok(_) => Ok(()),
            // Not connected yet: a spurious wake-up; wait for the next edge.
            Err(err) if err.raw_os_error() == Some(libc::ENOTCONN) => {
                Err(io::ErrorKind::WouldBlock.into())
            }
            Err(err) => Err(err),
        }
    })
    .await
}

/// `send(MSG_NOSIGNAL)`: a closed peer is `EPIPE`, never `SIGPIPE`.
pub(crate) fn send(socket: &impl AsFd, buf: &[u8]) -> io::Result<usize> {
    SockRef::from(socket).send_with_flags(buf, libc::MSG_NOSIGNAL)
}

/// `sendmsg(MSG_NOSIGNAL)`, for `poll_write_vectored`.
pub(crate) fn send_vectored(socket: &impl AsFd, bufs: &[IoSlice<'_>]) -> io::Result<usize> {
    SockRef::from(socket).send_vectored_with_flags(bufs, libc::MSG_NOSIGNAL)
}

/// Total length of `bufs`, saturating.
pub(crate) fn total_len(bufs: &[IoSlice<'_>]) -> usize {
    bufs.iter().fold(0usize, |n, b| n.saturating_add(b.len()))
}
