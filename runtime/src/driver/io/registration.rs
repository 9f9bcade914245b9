//! `Registration`: a source registered with a runtime's reactor, and the
//! readiness loop every I/O operation runs.

use super::scheduled_io::{Direction, IoWaiter, READ_CLOSED, ReadyEvent, ScheduledIo};
use super::shutdown_error;
use crate::driver::OwnerRef;
use crate::io::Interest;
use crate::sys::ReadHint;
use crate::task::coop;
use std::io;
use std::os::fd::BorrowedFd;
use std::sync::Arc;
use std::task::{Context, Poll, ready};

/// A registered source. Deregistration is explicit (`deregister`), because
/// it needs the descriptor, which the registration does not own.
pub(crate) struct Registration {
    /// Keeps the runtime's driver alive as long as the source is.
    owner: OwnerRef,
    key: usize,
    io: Arc<ScheduledIo>,
}

impl Registration {
    /// Registers `fd` with the reactor of the driver `owner` owns, for
    /// readiness in the directions of `interest`.
    pub(crate) fn new(
        fd: BorrowedFd<'_>,
        owner: OwnerRef,
        interest: Interest,
    ) -> io::Result<Registration> {
        let (key, io) = owner.driver().io.register(fd, interest)?;
        Ok(Registration { owner, key, io })
    }

    /// Ready to try an operation in `direction`. Spends one unit of the
    /// task's cooperative budget when it is.
    ///
    /// `waiter`: where a `Pending` leaves the task's waker: the slot of the
    /// calling future, or (`None`) the source's list for `poll_*` callers,
    /// until the next edge (see `scheduled_io.rs`).
    fn poll_ready(
        &self,
        cx: &mut Context<'_>,
        direction: Direction,
        waiter: Option<&mut IoWaiter<'_>>,
    ) -> Poll<io::Result<ReadyEvent>> {
        let coop = ready!(coop::poll_proceed(cx));
        let event = ready!(match waiter {
            Some(waiter) => waiter.poll_readiness(cx),
            None => self.io.poll_readiness(cx, direction),
        });
        if event.is_shutdown() {
            return Poll::Ready(Err(shutdown_error()));
        }
        coop.made_progress();
        Poll::Ready(Ok(event))
    }

    /// Runs `op` (a non-blocking syscall) once the source is ready in
    /// `direction`, retrying on `WouldBlock` after the next edge.
    ///
    /// For `poll_*` methods: a `Pending` leaves the task's waker in the
    /// source's list until the next edge, even if the caller gives up.
    /// An `async fn` should use [`async_io`](Self::async_io), whose future
    /// takes its waker back when dropped.
    pub(crate) fn poll_io<R>(
        &self,
        cx: &mut Context<'_>,
        direction: Direction,
        op: impl FnMut() -> io::Result<R>,
    ) -> Poll<io::Result<R>> {
        self.poll_io_waiting(cx, direction, None, op)
    }

    /// `poll_io`, with the waker left in `waiter` if there is one.
    fn poll_io_waiting<R>(
        &self,
        cx: &mut Context<'_>,
        direction: Direction,
        mut waiter: Option<&mut IoWaiter<'_>>,
        mut op: impl FnMut() -> io::Result<R>,
    ) -> Poll<io::Result<R>> {
        loop {
            let event = ready!(self.poll_ready(cx, direction, waiter.as_deref_mut()))?;
            match op() {
                Err(err) if err.kind() == io::ErrorKind::WouldBlock => {
                    self.io.clear_readiness(event, direction);
                }
                result => return Poll::Ready(result),
            }
        }
    }

    /// `poll_io` for a write to a byte stream (stream socket or pipe) that
    /// was asked to move `len` bytes.
    ///
    /// A write that moves fewer bytes than asked has filled the send
    /// buffer, so the readiness it was based on is cleared right away: the
    /// next write waits for the next edge (room freed by the peer's ACKs,
    /// or an error) instead of spending a syscall to learn `WouldBlock`.
    /// The tick rule keeps this safe: an edge that arrived during the
    /// syscall has bumped the tick, and the clear is then ignored.
    ///
    /// Reads cannot do the same after a short read (tokio does): `polling`
    /// does not report `EPOLLRDHUP`, so a FIN that arrived together with
    /// the last data is part of the same edge, and clearing after a short
    /// read would leave that end of stream unseen. They clear when the OS
    /// itself says the socket is drained: see
    /// [`poll_read_io`](Self::poll_read_io).
    pub(crate) fn poll_write_io(
        &self,
        cx: &mut Context<'_>,
        len: usize,
        mut op: impl FnMut() -> io::Result<usize>,
    ) -> Poll<io::Result<usize>> {
        loop {
            let event = ready!(self.poll_ready(cx, Direction::Write, None))?;
            match op() {
                Err(err) if err.kind() == io::ErrorKind::WouldBlock => {
                    self.io.clear_readiness(event, Direction::Write);
                }
                Ok(n) if n > 0 && n < len => {
                    self.io.clear_readiness(event, Direction::Write);
                    return Poll::Ready(Ok(n));
                }
                result => return Poll::Ready(result),
            }
        }
    }

    /// `poll_io` for a read that also reports whether it drained the
    /// source ([`ReadHint`], from `crate::sys::recv_hinted`).
    ///
    /// A read that drained the source (nothing left, no end of stream
    /// pending, as the OS says) clears the read readiness right away: the
    /// next read waits for the next edge instead of spending a syscall to
    /// learn `WouldBlock`. The tick rule keeps this safe, as for writes:
    /// data or a FIN that arrived after the OS's answer is a newer edge,
    /// which either bumped the tick already (the clear is then ignored) or
    /// is still to be dispatched (and sets the readiness again).
    pub(crate) fn poll_read_io(
        &self,
        cx: &mut Context<'_>,
        mut op: impl FnMut() -> io::Result<(usize, ReadHint)>,
    ) -> Poll<io::Result<usize>> {
        loop {
            let event = ready!(self.poll_ready(cx, Direction::Read, None))?;
            match op() {
                Err(err) if err.kind() == io::ErrorKind::WouldBlock => {
                    self.io.clear_readiness(event, Direction::Read);
                }
                Ok((n, hint)) => {
                    if hint == ReadHint::Drained {
                        self.io.clear_readiness(event, Direction::Read);
                    }
                    return Poll::Ready(Ok(n));
                }
                Err(err) => return Poll::Ready(Err(err)),
            }
        }
    }

    /// `poll_io` as a future. The future waits in a slot of its own
    /// ([`IoWaiter`]): dropping it (a cancelled operation) removes the
    /// task's waker from the source at once.
    pub(crate) async fn async_io<R>(
        &self,
        direction: Direction,
        mut op: impl FnMut() -> io::Result<R>,
    ) -> io::Result<R> {
        let mut waiter = self.io.waiter(direction);
        std::future::poll_fn(|cx| self.poll_io_waiting(cx, direction, Some(&mut waiter), &mut op))
            .await
    }

    /// Waits until the source is ready in `direction` (or closed, or in
    /// error), without trying an operation: `readable()` / `writable()`.
    /// The future waits in a slot of its own, released when it is dropped.
    /// Spends one unit of the task's cooperative budget.
    pub(crate) async fn readiness(&self, direction: Direction) -> io::Result<ReadyEvent> {
        let mut waiter = self.io.waiter(direction);
        std::future::poll_fn(|cx| self.poll_ready(cx, direction, Some(&mut waiter))).await
    }

    /// `readiness` for `poll_*` callers (the waker stays until the next
    /// edge, see `poll_io`).
    pub(crate) fn poll_readiness(
        &self,
        cx: &mut Context<'_>,
        direction: Direction,
    ) -> Poll<io::Result<ReadyEvent>> {
        self.poll_ready(cx, direction, None)
    }

    /// Forgets the readiness `event` reported in `direction`, unless a newer
    /// edge arrived since (the tick rule of `scheduled_io.rs`).
    pub(crate) fn clear_readiness(&self, event: ReadyEvent, direction: Direction) {
        self.io.clear_readiness(event, direction);
    }

    /// Runs `op` at once if the source is ready in `direction` as far as
    /// the reactor knows, else fails with `WouldBlock` without a syscall;
    /// a `WouldBlock` from `op` clears the readiness: `try_read`,
    /// `try_write`. Never waits, never registers a waker.
    pub(crate) fn try_io<R>(
        &self,
        direction: Direction,
        op: impl FnOnce() -> io::Result<R>,
    ) -> io::Result<R> {
        let Some(event) = self.io.ready_now(direction) else {
            return Err(io::ErrorKind::WouldBlock.into());
        };
        if event.is_shutdown() {
            return Err(shutdown_error());
        }
        match op() {
            Err(err) if err.kind() == io::ErrorKind::WouldBlock => {
                self.io.clear_readiness(event, direction);
                Err(err)
            }
            result => result,
        }
    }

    /// [`try_io`](Self::try_io) for a read that reports whether it drained
    /// the source: `try_read`. A drained source loses its read readiness
    /// at once, as in [`poll_read_io`](Self::poll_read_io).
    pub(crate) fn try_read_io(
        &self,
        op: impl FnOnce() -> io::Result<(usize, ReadHint)>,
    ) -> io::Result<usize> {
        let Some(event) = self.io.ready_now(Direction::Read) else {
            return Err(io::ErrorKind::WouldBlock.into());
        };
        if event.is_shutdown() {
            return Err(shutdown_error());
        }
        match op() {
            Err(err) if err.kind() == io::ErrorKind::WouldBlock => {
                self.io.clear_readiness(event, Direction::Read);
                Err(err)
            }
            Ok((n, hint)) => {
                if hint == ReadHint::Drained {
                    self.io.clear_readiness(event, Direction::Read);
                }
                Ok(n)
            }
            Err(err) => Err(err),
        }
    }

    /// The read direction was shut down here (`shutdown(SHUT_RD)`): every
    /// read goes to the OS from now on (and returns the bytes left, then
    /// end of stream), whatever a read's [`ReadHint`] said. The kernel's
    /// own hint only knows about the peer's FIN, so without this a read
    /// that drained the socket after the shutdown's edge was dispatched
    /// would clear the readiness, and the next read would wait for an edge
    /// that never comes.
    pub(crate) fn read_shut_down(&self) {
        self.io.set_readiness(READ_CLOSED);
    }

    /// Whether the source is ready in `direction` as far as the reactor
    /// knows (for tests of when readiness is kept or forgotten).
    #[cfg(all(test, any(target_os = "linux", target_os = "android")))]
    pub(crate) fn is_ready(&self, direction: Direction) -> bool {
        self.io.ready_now(direction).is_some()
    }

    /// Removes the registration. `fd` is the registered descriptor, still
    /// open.
    pub(crate) fn deregister(&self, fd: BorrowedFd<'_>) -> io::Result<()> {
        self.owner.driver().io.deregister(fd, self.key)
    }
}
