//! `PollEvented`: an owned non-blocking I/O object plus its registration,
//! deregistered before it is closed.

use super::Registration;
use super::scheduled_io::Direction;
use crate::driver::OwnerRef;
use crate::io::Interest;
use crate::sys::ReadHint;
use std::io::{self, Read, Write};
use std::os::fd::AsFd;
use std::task::{Context, Poll};

/// Owns `E` (a non-blocking socket or pipe) and its reactor registration.
///
/// Invariant: while `io` is `Some`, its descriptor is registered under
/// `registration`; `Drop` and `into_inner` deregister it before the
/// descriptor can be closed, as `polling` requires.
pub(crate) struct PollEvented<E: AsFd> {
    io: Option<E>,
    registration: Registration,
}

impl<E: AsFd> PollEvented<E> {
    /// Registers `io`, which must already be in non-blocking mode, with the
    /// reactor of the driver `owner` owns, for readiness in both directions.
    pub(crate) fn new(io: E, owner: OwnerRef) -> io::Result<PollEvented<E>> {
        PollEvented::with_interest(io, owner, Interest::READABLE | Interest::WRITABLE)
    }

    /// `new`, for the directions of `interest` only.
    pub(crate) fn with_interest(
        io: E,
        owner: OwnerRef,
        interest: Interest,
    ) -> io::Result<PollEvented<E>> {
        let registration = Registration::new(io.as_fd(), owner, interest)?;
        Ok(PollEvented {
            io: Some(io),
            registration,
        })
    }

    pub(crate) fn get_ref(&self) -> &E {
        self.io.as_ref().expect("PollEvented used after into_inner")
    }

    /// The object, mutably. It must keep the registered descriptor open.
    pub(crate) fn get_mut(&mut self) -> &mut E {
        self.io.as_mut().expect("PollEvented used after into_inner")
    }

    /// The registration: readiness without an operation, `try_io`.
    pub(crate) fn registration(&self) -> &Registration {
        &self.registration
    }

    /// Runs `op` on the object if it is ready in `direction` now, else
    /// `WouldBlock` (see [`Registration::try_io`]).
    pub(crate) fn try_io<R>(
        &self,
        direction: Direction,
        op: impl FnOnce(&E) -> io::Result<R>,
    ) -> io::Result<R> {
        let io = self.get_ref();
        self.registration.try_io(direction, || op(io))
    }

    /// Deregisters and returns the I/O object.
    pub(crate) fn into_inner(self) -> io::Result<E> {
        let (io, deregistered) = self.into_parts();
        deregistered.map(|()| io)
    }

    /// Deregisters and returns the I/O object, whether or not the
    /// deregistration succeeded (it fails only if the descriptor was
    /// closed behind the object's back).
    pub(crate) fn into_parts(mut self) -> (E, io::Result<()>) {
        let io = self.io.take().expect("PollEvented used after into_inner");
        let deregistered = self.registration.deregister(io.as_fd());
        (io, deregistered)
    }

    /// Runs `op` on the object once it is ready in `direction`.
    pub(crate) fn poll_io<R>(
        &self,
        cx: &mut Context<'_>,
        direction: Direction,
        mut op: impl FnMut(&E) -> io::Result<R>,
    ) -> Poll<io::Result<R>> {
        let io = self.get_ref();
        self.registration.poll_io(cx, direction, || op(io))
    }

    /// `poll_io` as a future.
    pub(crate) async fn async_io<R>(
        &self,
        direction: Direction,
        mut op: impl FnMut(&E) -> io::Result<R>,
    ) -> io::Result<R> {
        let io = self.get_ref();
        self.registration.async_io(direction, || op(io)).await
    }
}

impl<E: AsFd> PollEvented<E> {
    /// Runs a read that reports whether it drained the object, once the
    /// object is readable; a drained object loses its read readiness (see
    /// [`Registration::poll_read_io`]).
    pub(crate) fn poll_read_hinted(
        &self,
        cx: &mut Context<'_>,
        mut op: impl FnMut(&E) -> io::Result<(usize, ReadHint)>,
    ) -> Poll<io::Result<usize>> {
        let io = self.get_ref();
        self.registration.poll_read_io(cx, || op(io))
    }

    /// `try_io` for such a read (see [`Registration::try_read_io`]).
    pub(crate) fn try_read_hinted(
        &self,
        op: impl FnOnce(&E) -> io::Result<(usize, ReadHint)>,
    ) -> io::Result<usize> {
        let io = self.get_ref();
        self.registration.try_read_io(|| op(io))
    }

    /// Runs a write to a byte stream, asked to move `len` bytes, once the
    /// object is writable; a short write clears the readiness (see
    /// [`Registration::poll_write_io`]).
    pub(crate) fn poll_write_io(
        &self,
        cx: &mut Context<'_>,
        len: usize,
        mut op: impl FnMut(&E) -> io::Result<usize>,
    ) -> Poll<io::Result<usize>> {
        let io = self.get_ref();
        self.registration.poll_write_io(cx, len, || op(io))
    }
}

impl<E: AsFd> PollEvented<E>
where
    for<'a> &'a E: Read + Write,
{
    /// `AsyncRead::poll_read` for objects whose `&E` reads.
    pub(crate) fn poll_read(
        &self,
        cx: &mut Context<'_>,
        buf: &mut [u8],
    ) -> Poll<io::Result<usize>> {
        self.poll_io(cx, Direction::Read, |mut io| io.read(buf))
    }

    /// `AsyncWrite::poll_write` for stream objects whose `&E` writes.
    ///
    /// A plain `write(2)` on a socket whose peer is gone raises `SIGPIPE`:
    /// `runtime::net` wraps its sockets so that `&E`'s `Write` sends with
    /// `MSG_NOSIGNAL` (`net/stream_io.rs`, `NoSigPipe`).
    pub(crate) fn poll_write(&self, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        self.poll_write_io(cx, buf.len(), |mut io| io.write(buf))
    }
}

impl<E: AsFd> Drop for PollEvented<E> {
    fn drop(&mut self) {
        if let Some(io) = self.io.take() {
            // Deregister first, then close (by dropping `io`).
            let _ = self.registration.deregister(io.as_fd());
        }
    }
}

impl<E: AsFd + std::fmt::Debug> std::fmt::Debug for PollEvented<E> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PollEvented").field("io", &self.io).finish()
    }
}
