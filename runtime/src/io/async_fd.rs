//! `AsyncFd`: any file descriptor on the runtime's reactor, asyncio's
//! `loop.add_reader` / `loop.add_writer`.
//!
//! # The model
//!
//! The descriptor is registered with the reactor of the current runtime,
//! edge-triggered like every socket (see `driver/io/mod.rs`). The reactor
//! remembers readiness until someone learns otherwise: [`AsyncFd::readable`]
//! returns at once while the descriptor is (as far as the reactor knows)
//! readable, with a guard; an I/O call that answers `WouldBlock` must clear
//! that readiness ([`AsyncFdReadyGuard::clear_ready`], or
//! [`try_io`](AsyncFdReadyGuard::try_io), which does it) so the next
//! `readable()` waits for the next edge. Forgetting to clear it makes the
//! loop spin; clearing it while data is left makes it wait for more data
//! than it needs (edge-triggered: the remaining data sends no new edge).
//! So: read until `WouldBlock`, through `try_io`.
//!
//! The descriptor must be non-blocking (`O_NONBLOCK`), or a read would
//! block a worker thread: [`AsyncFd::new`] checks it and refuses a blocking
//! one with an error saying so.

use crate::driver::io::{Direction, PollEvented, ReadyEvent};
use crate::io::Interest;
use std::fmt;
use std::io;
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, RawFd};
use std::task::{Context, Poll, ready};

/// A file descriptor (pipe, eventfd, timerfd, inotify, a device, a socket
/// of a library's own...) whose readiness the runtime watches: asyncio's
/// `loop.add_reader(fd, callback)` / `loop.add_writer`, shaped as an
/// `await` instead of a callback.
///
/// `T` owns the descriptor and must keep it open, and the same descriptor,
/// as long as the `AsyncFd` lives: [`into_inner`](Self::into_inner) gives
/// it back once the reactor has let go of it. Dropping the `AsyncFd`
/// deregisters the descriptor, then drops `T`.
///
/// ```
/// use runtime::io::AsyncFd;
/// use std::os::unix::net::UnixDatagram;
///
/// runtime::run(async {
///     let (ours, theirs) = UnixDatagram::pair().unwrap();
///     ours.set_nonblocking(true).unwrap();
///     let fd = AsyncFd::new(ours).unwrap();             // loop.add_reader(sock, ...)
///     theirs.send(b"event").unwrap();
///     let mut buf = [0u8; 16];
///     let n = loop {
///         let mut guard = fd.readable().await.unwrap();  // the callback's turn
///         match guard.try_io(|sock| sock.recv(&mut buf)) {
///             Ok(result) => break result.unwrap(),
///             Err(_would_block) => continue,             // readiness cleared: wait again
///         }
///     };
///     assert_eq!(&buf[..n], b"event");
/// });
/// ```
pub struct AsyncFd<T: AsRawFd> {
    io: PollEvented<RawFdSource<T>>,
    interest: Interest,
}

/// `T`, seen through `AsFd` for the reactor.
///
/// Invariant (the documented contract of [`AsyncFd`] on `T`): `T`'s raw
/// descriptor is open, is not -1, and stays the same descriptor for as
/// long as this value lives.
struct RawFdSource<T>(T);

impl<T: AsRawFd> AsFd for RawFdSource<T> {
    fn as_fd(&self) -> BorrowedFd<'_> {
        // SAFETY: by the invariant of `RawFdSource` the descriptor is open
        // and not -1 while `self` lives, which outlasts the borrow.
        unsafe { BorrowedFd::borrow_raw(self.0.as_raw_fd()) }
    }
}

impl<T: AsRawFd> AsyncFd<T> {
    /// Registers `inner`'s descriptor with the current runtime's reactor,
    /// for readability and writability.
    ///
    /// # Errors
    /// Outside a runtime; if the descriptor is -1 or in blocking mode (set
    /// `O_NONBLOCK` first: `set_nonblocking(true)` on std sockets, `fcntl`
    /// on others); if the OS refuses to watch it (regular files: `EPERM`
    /// from epoll). `inner` is dropped then.
    ///
    /// ```
    /// use runtime::io::AsyncFd;
    /// runtime::run(async {
    ///     let (a, _b) = std::os::unix::net::UnixDatagram::pair().unwrap();
    ///     let err = AsyncFd::new(a).unwrap_err();     // still blocking
    ///     assert_eq!(err.kind(), std::io::ErrorKind::InvalidInput);
    /// });
    /// ```
    pub fn new(inner: T) -> io::Result<AsyncFd<T>> {
        AsyncFd::with_interest(inner, Interest::READABLE | Interest::WRITABLE)
    }

    /// [`new`](Self::new), watching only the directions of `interest`:
    /// `Interest::READABLE` alone is asyncio's `add_reader` without
    /// `add_writer`.
    ///
    /// ```
    /// use runtime::io::{AsyncFd, Interest};
    /// runtime::run(async {
    ///     let (a, _b) = std::os::unix::net::UnixDatagram::pair().unwrap();
    ///     a.set_nonblocking(true).unwrap();
    ///     let fd = AsyncFd::with_interest(a, Interest::READABLE).unwrap();
    ///     assert_eq!(fd.interest(), Interest::READABLE);
    ///     assert!(fd.writable().await.is_err());    // not watched: an error, not a hang
    /// });
    /// ```
    pub fn with_interest(inner: T, interest: Interest) -> io::Result<AsyncFd<T>> {
        let fd = inner.as_raw_fd();
        check_nonblocking(fd)?;
        let owner = crate::net::current_driver()?;
        Ok(AsyncFd {
            io: PollEvented::with_interest(RawFdSource(inner), owner, interest)?,
            interest,
        })
    }

    /// The interest it was registered with.
    ///
    /// ```
    /// use runtime::io::{AsyncFd, Interest};
    /// runtime::run(async {
    ///     let (a, _b) = std::os::unix::net::UnixDatagram::pair().unwrap();
    ///     a.set_nonblocking(true).unwrap();
    ///     let fd = AsyncFd::new(a).unwrap();
    ///     assert_eq!(fd.interest(), Interest::READABLE | Interest::WRITABLE);
    /// });
    /// ```
    pub fn interest(&self) -> Interest {
        self.interest
    }

    /// The inner value.
    ///
    /// ```
    /// use runtime::io::AsyncFd;
    /// runtime::run(async {
    ///     let (a, _b) = std::os::unix::net::UnixDatagram::pair().unwrap();
    ///     a.set_nonblocking(true).unwrap();
    ///     let fd = AsyncFd::new(a).unwrap();
    ///     assert!(fd.get_ref().local_addr().is_ok());
    /// });
    /// ```
    pub fn get_ref(&self) -> &T {
        &self.io.get_ref().0
    }

    /// The inner value, mutably. It must keep the same descriptor open.
    ///
    /// ```
    /// use runtime::io::AsyncFd;
    /// runtime::run(async {
    ///     let (a, _b) = std::os::unix::net::UnixDatagram::pair().unwrap();
    ///     a.set_nonblocking(true).unwrap();
    ///     let mut fd = AsyncFd::new(a).unwrap();
    ///     fd.get_mut().set_read_timeout(None).unwrap();
    /// });
    /// ```
    pub fn get_mut(&mut self) -> &mut T {
        &mut self.io.get_mut().0
    }

    /// Deregisters the descriptor and gives the inner value back: asyncio's
    /// `loop.remove_reader(fd)` / `remove_writer(fd)`.
    ///
    /// ```
    /// use runtime::io::AsyncFd;
    /// runtime::run(async {
    ///     let (a, b) = std::os::unix::net::UnixDatagram::pair().unwrap();
    ///     a.set_nonblocking(true).unwrap();
    ///     let fd = AsyncFd::new(a).unwrap();
    ///     let a = fd.into_inner();
    ///     b.send(b"x").unwrap();
    ///     assert_eq!(a.recv(&mut [0u8; 1]).unwrap(), 1);
    /// });
    /// ```
    pub fn into_inner(self) -> T {
        // Deregistration fails only if `T` closed its descriptor already,
        // when there is nothing left to undo.
        let (source, _) = self.io.into_parts();
        source.0
    }

    /// Waits until the descriptor is readable (or at end of file, or in
    /// error): asyncio's `add_reader` callback being due. Returns a guard
    /// to do the I/O through; see the [type docs](AsyncFd) for the loop.
    ///
    /// Cancel safe: dropping the future takes its waker back from the
    /// reactor at once.
    ///
    /// # Errors
    /// If the runtime shut down, or `READABLE` is not in the interest.
    ///
    /// ```
    /// use runtime::io::AsyncFd;
    /// runtime::run(async {
    ///     let (a, b) = std::os::unix::net::UnixDatagram::pair().unwrap();
    ///     a.set_nonblocking(true).unwrap();
    ///     let fd = AsyncFd::new(a).unwrap();
    ///     b.send(b"!").unwrap();
    ///     let mut guard = fd.readable().await.unwrap();
    ///     let got = guard.try_io(|a| a.recv(&mut [0u8; 4])).unwrap().unwrap();
    ///     assert_eq!(got, 1);
    /// });
    /// ```
    pub async fn readable(&self) -> io::Result<AsyncFdReadyGuard<'_, T>> {
        self.ready(Direction::Read).await
    }

    /// Waits until the descriptor is writable (or in error): asyncio's
    /// `add_writer` callback being due. As [`readable`](Self::readable).
    ///
    /// ```
    /// use runtime::io::AsyncFd;
    /// runtime::run(async {
    ///     let (a, b) = std::os::unix::net::UnixDatagram::pair().unwrap();
    ///     a.set_nonblocking(true).unwrap();
    ///     let fd = AsyncFd::new(a).unwrap();
    ///     let mut guard = fd.writable().await.unwrap();
    ///     guard.try_io(|a| a.send(b"hi")).unwrap().unwrap();
    ///     assert_eq!(b.recv(&mut [0u8; 4]).unwrap(), 2);
    /// });
    /// ```
    pub async fn writable(&self) -> io::Result<AsyncFdReadyGuard<'_, T>> {
        self.ready(Direction::Write).await
    }

    /// [`readable`](Self::readable) for `poll_*` code (a hand-written
    /// `Future` or `AsyncRead`). A `Pending` leaves the task's waker with
    /// the reactor until the next edge.
    ///
    /// ```
    /// use runtime::io::AsyncFd;
    /// runtime::run(async {
    ///     let (a, b) = std::os::unix::net::UnixDatagram::pair().unwrap();
    ///     a.set_nonblocking(true).unwrap();
    ///     let fd = AsyncFd::new(a).unwrap();
    ///     b.send(b"x").unwrap();
    ///     let guard = std::future::poll_fn(|cx| fd.poll_read_ready(cx)).await.unwrap();
    ///     drop(guard);
    /// });
    /// ```
    pub fn poll_read_ready<'a>(
        &'a self,
        cx: &mut Context<'_>,
    ) -> Poll<io::Result<AsyncFdReadyGuard<'a, T>>> {
        self.poll_ready(cx, Direction::Read)
    }

    /// [`writable`](Self::writable) for `poll_*` code; see
    /// [`poll_read_ready`](Self::poll_read_ready).
    ///
    /// ```
    /// use runtime::io::AsyncFd;
    /// runtime::run(async {
    ///     let (a, _b) = std::os::unix::net::UnixDatagram::pair().unwrap();
    ///     a.set_nonblocking(true).unwrap();
    ///     let fd = AsyncFd::new(a).unwrap();
    ///     assert!(std::future::poll_fn(|cx| fd.poll_write_ready(cx)).await.is_ok());
    /// });
    /// ```
    pub fn poll_write_ready<'a>(
        &'a self,
        cx: &mut Context<'_>,
    ) -> Poll<io::Result<AsyncFdReadyGuard<'a, T>>> {
        self.poll_ready(cx, Direction::Write)
    }

    async fn ready(&self, direction: Direction) -> io::Result<AsyncFdReadyGuard<'_, T>> {
        self.check_interest(direction)?;
        let event = self.io.registration().readiness(direction).await?;
        Ok(self.guard(event, direction))
    }

    fn poll_ready(
        &self,
        cx: &mut Context<'_>,
        direction: Direction,
    ) -> Poll<io::Result<AsyncFdReadyGuard<'_, T>>> {
        self.check_interest(direction)?;
        let event = ready!(self.io.registration().poll_readiness(cx, direction))?;
        Poll::Ready(Ok(self.guard(event, direction)))
    }

    fn guard(&self, event: ReadyEvent, direction: Direction) -> AsyncFdReadyGuard<'_, T> {
        AsyncFdReadyGuard {
            fd: self,
            event: Some(event),
            direction,
        }
    }

    fn check_interest(&self, direction: Direction) -> io::Result<()> {
        let (watched, name) = match direction {
            Direction::Read => (self.interest.is_readable(), "READABLE"),
            Direction::Write => (self.interest.is_writable(), "WRITABLE"),
        };
        if watched {
            Ok(())
        } else {
            Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!(
                    "this AsyncFd was registered with {:?}, without Interest::{name}: it would \
                     wait forever (register it with AsyncFd::with_interest including {name})",
                    self.interest
                ),
            ))
        }
    }
}

/// Refuses a descriptor that is -1 or in blocking mode.
fn check_nonblocking(fd: RawFd) -> io::Result<()> {
    if fd < 0 {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("AsyncFd::new: {fd} is not an open file descriptor"),
        ));
    }
    // SAFETY: F_GETFL only reads the descriptor's flags; an invalid
    // descriptor is reported as EBADF, not undefined behaviour.
    let flags = unsafe { libc::fcntl(fd, libc::F_GETFL) };
    if flags < 0 {
        return Err(io::Error::last_os_error());
    }
    if flags & libc::O_NONBLOCK == 0 {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!(
                "AsyncFd::new: file descriptor {fd} is in blocking mode, so an I/O call on it \
                 would block a worker thread; set O_NONBLOCK first (set_nonblocking(true) on std \
                 sockets, fcntl(F_SETFL, O_NONBLOCK) on others)"
            ),
        ));
    }
    Ok(())
}

impl<T: AsRawFd> AsRawFd for AsyncFd<T> {
    fn as_raw_fd(&self) -> RawFd {
        self.get_ref().as_raw_fd()
    }
}

impl<T: AsRawFd> AsFd for AsyncFd<T> {
    fn as_fd(&self) -> BorrowedFd<'_> {
        self.io.get_ref().as_fd()
    }
}

impl<T: AsRawFd + fmt::Debug> fmt::Debug for AsyncFd<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AsyncFd")
            .field("inner", self.get_ref())
            .field("interest", &self.interest)
            .finish()
    }
}

/// Proof that an [`AsyncFd`] was ready in one direction, from
/// [`readable`](AsyncFd::readable) or [`writable`](AsyncFd::writable). Do
/// the I/O through [`try_io`](Self::try_io); dropping the guard keeps the
/// readiness (the next wait returns at once).
///
/// ```
/// use runtime::io::AsyncFd;
/// runtime::run(async {
///     let (a, _b) = std::os::unix::net::UnixDatagram::pair().unwrap();
///     a.set_nonblocking(true).unwrap();
///     let fd = AsyncFd::new(a).unwrap();
///     let mut guard = fd.writable().await.unwrap();
///     assert!(guard.get_inner().local_addr().is_ok());
///     guard.clear_ready();     // the next writable() waits for a new edge
/// });
/// ```
#[must_use = "a guard does nothing unless its I/O is run through try_io, or it is cleared"]
pub struct AsyncFdReadyGuard<'a, T: AsRawFd> {
    fd: &'a AsyncFd<T>,
    /// `None` once cleared.
    event: Option<ReadyEvent>,
    direction: Direction,
}

impl<'a, T: AsRawFd> AsyncFdReadyGuard<'a, T> {
    /// Tells the reactor the descriptor is not ready any more (an I/O call
    /// answered `WouldBlock`): the next wait parks until the next edge. A
    /// newer edge that arrived since the guard was made is kept.
    ///
    /// ```
    /// use runtime::io::AsyncFd;
    /// runtime::run(async {
    ///     let (a, _b) = std::os::unix::net::UnixDatagram::pair().unwrap();
    ///     a.set_nonblocking(true).unwrap();
    ///     let fd = AsyncFd::new(a).unwrap();
    ///     fd.writable().await.unwrap().clear_ready();
    /// });
    /// ```
    pub fn clear_ready(&mut self) {
        if let Some(event) = self.event.take() {
            self.fd
                .io
                .registration()
                .clear_readiness(event, self.direction);
        }
    }

    /// Runs `f` on the inner value: its result if it did not answer
    /// `WouldBlock`; else the readiness is cleared and `Err(TryIoError)`
    /// tells the caller to wait again. asyncio's callback body.
    ///
    /// ```
    /// use runtime::io::AsyncFd;
    /// runtime::run(async {
    ///     let (a, _b) = std::os::unix::net::UnixDatagram::pair().unwrap();
    ///     a.set_nonblocking(true).unwrap();
    ///     let fd = AsyncFd::new(a).unwrap();
    ///     let mut guard = fd.writable().await.unwrap();
    ///     // Nothing to read: WouldBlock becomes Err(TryIoError).
    ///     assert!(guard.try_io(|a| a.recv(&mut [0u8; 1])).is_err());
    /// });
    /// ```
    pub fn try_io<R>(
        &mut self,
        f: impl FnOnce(&'a T) -> io::Result<R>,
    ) -> Result<io::Result<R>, TryIoError> {
        match f(self.fd.get_ref()) {
            Err(err) if err.kind() == io::ErrorKind::WouldBlock => {
                self.clear_ready();
                Err(TryIoError(()))
            }
            result => Ok(result),
        }
    }

    /// The `AsyncFd` this guard belongs to.
    ///
    /// ```
    /// use runtime::io::AsyncFd;
    /// runtime::run(async {
    ///     let (a, _b) = std::os::unix::net::UnixDatagram::pair().unwrap();
    ///     a.set_nonblocking(true).unwrap();
    ///     let fd = AsyncFd::new(a).unwrap();
    ///     let guard = fd.writable().await.unwrap();
    ///     assert!(std::ptr::eq(guard.get_ref(), &fd));
    /// });
    /// ```
    pub fn get_ref(&self) -> &'a AsyncFd<T> {
        self.fd
    }

    /// The inner value of the `AsyncFd`.
    ///
    /// ```
    /// use runtime::io::AsyncFd;
    /// runtime::run(async {
    ///     let (a, _b) = std::os::unix::net::UnixDatagram::pair().unwrap();
    ///     a.set_nonblocking(true).unwrap();
    ///     let fd = AsyncFd::new(a).unwrap();
    ///     let guard = fd.writable().await.unwrap();
    ///     assert!(guard.get_inner().peer_addr().is_ok());
    /// });
    /// ```
    pub fn get_inner(&self) -> &'a T {
        self.fd.get_ref()
    }
}

impl<T: AsRawFd + fmt::Debug> fmt::Debug for AsyncFdReadyGuard<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AsyncFdReadyGuard")
            .field("fd", self.fd)
            .field("direction", &self.direction)
            .field("cleared", &self.event.is_none())
            .finish()
    }
}

/// [`AsyncFdReadyGuard::try_io`]'s "would block": the readiness was
/// cleared; wait again.
///
/// ```
/// use runtime::io::TryIoError;
/// fn is_would_block<R>(r: &Result<std::io::Result<R>, TryIoError>) -> bool {
///     r.is_err()
/// }
/// assert!(!is_would_block(&Ok::<std::io::Result<()>, TryIoError>(Ok(()))));
/// ```
#[derive(Debug)]
pub struct TryIoError(());

impl fmt::Display for TryIoError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the operation would block; wait for readiness again")
    }
}

impl std::error::Error for TryIoError {}
