//! The few socket syscalls std does not offer in the form a non-blocking
//! runtime needs: a non-blocking accept, a connect that does not block, and
//! `send`/`sendmsg` that never raise `SIGPIPE`, for every stream type. What
//! differs between operating systems is in `crate::sys`.

use crate::driver::io::{Direction, PollEvented};
use socket2::{Domain, SockAddr, SockRef, Socket, Type};
use std::io::{self, IoSlice};
use std::os::fd::AsFd;

/// Accepts a connection, non-blocking, close-on-exec and `SIGPIPE`-free
/// (`accept4` on Linux; see `crate::sys`).
pub(crate) use crate::sys::accept;

/// A new non-blocking, close-on-exec stream socket of `domain`.
pub(crate) fn stream_socket(domain: Domain) -> io::Result<Socket> {
    let protocol = if domain == Domain::UNIX {
        None
    } else {
        Some(socket2::Protocol::TCP)
    };
    crate::sys::socket(domain, Type::STREAM, protocol)
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

/// `send(MSG_NOSIGNAL)` (or a plain `send` on a `SO_NOSIGPIPE` socket): a
/// closed peer is `EPIPE`, never `SIGPIPE`.
pub(crate) fn send(socket: &impl AsFd, buf: &[u8]) -> io::Result<usize> {
    SockRef::from(socket).send_with_flags(buf, crate::sys::SEND_FLAGS)
}

/// `sendmsg` with the same flags, for `poll_write_vectored`.
pub(crate) fn send_vectored(socket: &impl AsFd, bufs: &[IoSlice<'_>]) -> io::Result<usize> {
    SockRef::from(socket).send_vectored_with_flags(bufs, crate::sys::SEND_FLAGS)
}

/// Total length of `bufs`, saturating.
pub(crate) fn total_len(bufs: &[IoSlice<'_>]) -> usize {
    bufs.iter().fold(0usize, |n, b| n.saturating_add(b.len()))
}
